using PeerCode.Projections.Activity;
using PeerCode.Projections.Daily;
using PeerCode.Projections.Questions;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runs;
using PeerCode.Projections.Timeline;

namespace PeerCode.Projections.Runner;

public static class AllProjections
{
    /// <summary>Every read model PeerCode keeps, each with its own checkpoint.</summary>
    public static IReadOnlyList<Projection> Create() =>
    [
        new RoomsProjection(), new RunsProjection(), new ActivityProjection(), new QuestionsProjection(), new DailyProjection(), new TimelineProjection(),
    ];
}
