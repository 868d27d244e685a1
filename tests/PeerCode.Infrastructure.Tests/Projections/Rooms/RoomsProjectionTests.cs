using FluentAssertions;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Rooms;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Rooms;

public sealed class RoomsProjectionSqliteTests : RoomsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class RoomsProjectionPostgresTests : RoomsProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class RoomsProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new RoomsProjection();

    private readonly Guid _room = Guid.NewGuid();
    private readonly Guid _interview = Guid.NewGuid();
    private readonly Guid _question = Guid.NewGuid();
    private readonly Guid _alice = Guid.NewGuid();
    private readonly Guid _bob = Guid.NewGuid();
    private static DateTimeOffset At(int minutes) => History.T0.AddMinutes(minutes);

    [Fact]
    public async Task Given_a_scheduled_interview_that_runs_and_ends_Then_the_room_row_has_status_people_language_question_and_duration()
    {
        var s = History.Room(_room);
        History.Add(s, "room.created.v1", new { roomId = _room, title = "Pairing", language = "python", tokenHashes = new { interviewer = "a", candidate = "b", observer = "c" }, at = At(0) });
        History.Add("interview-" + _interview.ToString("N"), "interview.scheduled.v1", new { interviewId = _interview, roomId = _room, title = "Backend screen", questionId = _question, scheduledFor = At(30), at = At(1) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "interviewer", color = "#f00", at = At(29) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _bob, name = "Bob", role = "candidate", color = "#0f0", at = At(31) });
        History.Add("interview-" + _interview.ToString("N"), "interview.started.v1", new { interviewId = _interview, at = At(32) });
        History.Add(s, "room.language-changed.v1", new { language = "csharp", participantId = _alice, at = At(33) });
        History.Add(s, "room.participant-left.v1", new { participantId = _bob, at = At(70) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _bob, name = "Bob", role = "candidate", color = "#0f0", at = At(71) });
        History.Add("interview-" + _interview.ToString("N"), "interview.ended.v1", new { interviewId = _interview, at = At(92) });
        History.Add(s, "room.participant-left.v1", new { participantId = _alice, at = At(93) });

        await ProjectAsync();

        var room = (await QueryAsync<RoomRow>("SELECT * FROM rooms")).Should().ContainSingle().Subject;
        room.RoomId.Should().Be(_room.ToString());
        room.InterviewId.Should().Be(_interview.ToString());
        room.Title.Should().Be("Backend screen");
        room.Status.Should().Be("ended");
        room.Language.Should().Be("csharp");
        room.QuestionId.Should().Be(_question.ToString());
        room.CreatedAt.Should().Be(At(0));
        room.ScheduledFor.Should().Be(At(30));
        room.StartedAt.Should().Be(At(32));
        room.EndedAt.Should().Be(At(92));
        room.DurationSeconds.Should().Be(60 * 60);
        room.ParticipantCount.Should().Be(2);
        room.OnlineCount.Should().Be(1);
        room.LastActivityAt.Should().Be(At(93));

        var people = await QueryAsync<RoomParticipantRow>("SELECT * FROM room_participants ORDER BY name");
        people.Select(p => (p.Name, p.Role, p.Joins, p.Online)).Should().Equal(("Alice", "interviewer", 1, 0), ("Bob", "candidate", 2, 1));
        people[1].FirstJoinedAt.Should().Be(At(31));
        people[1].LastLeftAt.Should().Be(At(70));
    }

    [Fact]
    public async Task Given_a_room_without_an_interview_When_someone_joins_Then_it_is_active_from_the_first_join()
    {
        var s = History.Room(_room);
        History.Add(s, "room.created.v1", new { roomId = _room, title = "Ad hoc", language = "go", at = At(0) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#f00", at = At(5) });

        await ProjectAsync(batchSize: 1);

        var room = (await QueryAsync<RoomRow>("SELECT * FROM rooms")).Single();
        room.Status.Should().Be("active");
        room.StartedAt.Should().Be(At(5));
        room.InterviewId.Should().BeNull();
        room.EndedAt.Should().BeNull();
        room.DurationSeconds.Should().BeNull();
    }

    [Fact]
    public async Task Given_a_batch_was_committed_When_the_same_events_are_offered_again_Then_nothing_is_counted_twice()
    {
        var s = History.Room(_room);
        History.Add(s, "room.created.v1", new { roomId = _room, title = "T", language = "go", at = At(0) });
        History.Add(s, "room.participant-joined.v1", new { participantId = _alice, name = "Alice", role = "candidate", color = "#f00", at = At(5) });
        await ProjectAsync();
        var checkpoint = await Checkpoints.LoadAsync(Store, Projection.Name, CancellationToken.None);

        await Checkpoints.CommitBatchAsync(Store, Projection, checkpoint, History.Events, CancellationToken.None);

        (await QueryAsync<RoomParticipantRow>("SELECT * FROM room_participants")).Single().Joins.Should().Be(1);
        (await Checkpoints.LoadAsync(Store, Projection.Name, CancellationToken.None)).EventsProcessed.Should().Be(2);
    }

    [Fact]
    public async Task Given_a_stale_checkpoint_When_committing_Then_it_fails_typed_and_writes_nothing()
    {
        var s = History.Room(_room);
        History.Add(s, "room.created.v1", new { roomId = _room, title = "T", language = "go", at = At(0) });
        var stale = await Checkpoints.LoadAsync(Store, Projection.Name, CancellationToken.None);
        await ProjectAsync();
        History.Add(s, "room.language-changed.v1", new { language = "rust", participantId = _alice, at = At(1) });

        var act = () => Checkpoints.CommitBatchAsync(Store, Projection, stale, History.Events, CancellationToken.None);

        await act.Should().ThrowAsync<CheckpointMovedException>();
        (await QueryAsync<RoomRow>("SELECT * FROM rooms")).Single().Language.Should().Be("go");
        (await Checkpoints.LoadAsync(Store, Projection.Name, CancellationToken.None)).Position.Should().Be(0);
    }
}
