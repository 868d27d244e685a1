using Dapper;
using FluentAssertions;
using PeerCode.Application.EventStore;
using PeerCode.Application.Interviews;
using PeerCode.Application.Rooms;
using PeerCode.Domain.Interviews;
using PeerCode.Domain.Rooms;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Questions;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections;

/// <summary>
/// The interview domain's real encoding (InterviewEventCodec) and the room access events (RoomEventCodec) against the
/// read side: the supersets of the reserved interview.* shapes still feed the rooms read model, and the new room events
/// (interviewers assigned, links issued and revoked, which carry only hashes) pass through without disturbing it.
/// </summary>
public sealed class InterviewWireContractTests : IAsyncLifetime
{
    private readonly IReadModelStore _store = ReadModelStores.Create(ReadModelProvider.Sqlite);
    private readonly List<Projection> _projections = [new RoomsProjection(), new QuestionsProjection()];

    public async Task InitializeAsync()
    {
        await Migrator.ApplyAsync(_store, [Checkpoints.Schema, .. _projections.SelectMany(p => p.Migrations)]);
        await Checkpoints.EnsureAsync(_store, _projections.Select(p => p.Name), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Interview_events_from_the_interview_codec_set_the_rooms_row_interview_title_schedule_question_start_and_end()
    {
        var (interview, room, question) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (ivan, petra) = (Guid.NewGuid(), Guid.NewGuid());
        var t = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
        var events = new List<(string Stream, EventData Data)>();
        void Room(IRoomEvent e) => events.Add((RoomEventTypes.StreamOf(room), RoomEventCodec.Encode(e, EventMetadata.Empty)));
        void Interview(IInterviewEvent e) => events.Add((InterviewEventTypes.StreamOf(interview), InterviewEventCodec.Encode(e, EventMetadata.Empty)));

        Room(new RoomCreated(room, "Room title", "python", new RoomTokenHashes("a", "b", "c"), t));
        Room(new InterviewersAssigned([ivan, petra], t));
        Room(new LinkIssued(ParticipantRole.Candidate, "b", t.AddDays(1), t));
        Interview(new InterviewScheduled(interview, room, "Backend pairing", question, t.AddHours(2), "Cleo", "cleo@example.com", [ivan, petra], "python", ivan, t));
        Room(new LinkRevoked(ParticipantRole.Observer, "c", t.AddMinutes(1)));
        Interview(new InterviewStarted(interview, ivan, t.AddHours(2)));
        Interview(new InterviewEnded(interview, petra, t.AddHours(3)));
        Interview(new ScorecardSubmitted(interview, ivan, [new("Coding", 3)], "yes", "solid", t.AddHours(4)));
        await ProjectAsync(events, t);

        await using var c = await _store.OpenAsync();
        var r = await c.QuerySingleAsync<RoomRow>("SELECT * FROM rooms");
        (r.RoomId, r.InterviewId, r.Title, r.QuestionId, r.Status).Should().Be((room.ToString(), interview.ToString(), "Backend pairing", question.ToString(), "ended"));
        (r.ScheduledFor, r.StartedAt, r.EndedAt, r.DurationSeconds).Should().Be((t.AddHours(2), t.AddHours(2), t.AddHours(3), 3600.0));
    }

    [Fact]
    public async Task A_cancelled_interview_leaves_its_room_cancelled()
    {
        var (interview, room, ivan) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var t = new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero);
        await ProjectAsync(
        [
            (RoomEventTypes.StreamOf(room), RoomEventCodec.Encode(new RoomCreated(room, "R", "go", new RoomTokenHashes("a", "b", "c"), t), EventMetadata.Empty)),
            (InterviewEventTypes.StreamOf(interview), InterviewEventCodec.Encode(
                new InterviewScheduled(interview, room, "Go round", null, null, "Cleo", "cleo@example.com", [ivan], "go", ivan, t), EventMetadata.Empty)),
            (InterviewEventTypes.StreamOf(interview), InterviewEventCodec.Encode(new InterviewCancelled(interview, "no-show", ivan, t.AddHours(1)), EventMetadata.Empty)),
        ], t);
        await using var c = await _store.OpenAsync();
        var r = await c.QuerySingleAsync<RoomRow>("SELECT * FROM rooms");
        (r.Status, r.EndedAt, r.ScheduledFor).Should().Be(("cancelled", t.AddHours(1), (DateTimeOffset?)null));
    }

    private async Task ProjectAsync(IReadOnlyList<(string Stream, EventData Data)> events, DateTimeOffset recordedAt)
    {
        var revisions = new Dictionary<string, long>();
        var recorded = events.Select((e, i) =>
        {
            var revision = revisions[e.Stream] = revisions.GetValueOrDefault(e.Stream, -1) + 1;
            return new RecordedEvent(e.Data.EventId, e.Stream, revision, i, e.Data.Type, e.Data.Data, e.Data.Metadata, recordedAt);
        }).ToList();
        foreach (var p in _projections)
        {
            var mine = recorded.Where(e => p.EventTypes.Contains(e.Type)).ToList();
            if (mine.Count == 0) continue;
            var cp = await Checkpoints.LoadAsync(_store, p.Name, CancellationToken.None);
            await Checkpoints.CommitBatchAsync(_store, p, cp, mine, CancellationToken.None);
        }
    }
}
