using FluentAssertions;
using PeerCode.Infrastructure.Tests.Projections.Support;
using PeerCode.Projections.Daily;
using PeerCode.Projections.Runner;
using PeerCode.Projections.Storage;
using Xunit;

namespace PeerCode.Infrastructure.Tests.Projections.Daily;

public sealed class DailyProjectionSqliteTests : DailyProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Sqlite; }
public sealed class DailyProjectionPostgresTests : DailyProjectionTests { protected override ReadModelProvider Provider => ReadModelProvider.Postgres; }

public abstract class DailyProjectionTests : ProjectionTestBase
{
    protected override Projection CreateProjection() => new DailyProjection();

    [Fact]
    public async Task Given_two_days_of_activity_Then_each_UTC_day_counts_rooms_interviews_runs_and_distinct_active_users()
    {
        var day1 = new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero);
        var day2 = day1.AddHours(2); // 01:00 on March 2nd UTC
        var room = Guid.NewGuid();
        var s = History.Room(room);
        var interview = "interview-" + Guid.NewGuid().ToString("N");
        Guid alice = Guid.NewGuid(), bob = Guid.NewGuid();
        History.Add(s, "room.created.v1", new { roomId = room, title = "t", language = "go", at = day1 });
        History.Add(interview, "interview.started.v1", new { interviewId = Guid.NewGuid(), at = day1.AddMinutes(1) });
        History.Add(s, "room.participant-joined.v1", new { participantId = alice, name = "A", role = "candidate", color = "#fff", at = day1.AddMinutes(2) });
        History.Add(s, "room.document-updated.v1", new { update = "AAEHAQAF", clientId = 1, participantId = alice, at = day1.AddMinutes(3) });
        History.Add(s, "room.document-updated.v1", new { update = "AAEHAQAF", clientId = 1, participantId = alice, at = day1.AddMinutes(4) });
        History.Add(s, "room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = bob, name = "B", text = "hi", at = day1.AddMinutes(5) });
        var run = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run, requestedBy = alice, language = "go", at = day2 });
        History.Add(s, "room.run-completed.v1", new { runId = run, verdict = "ok", at = day2.AddSeconds(2) });
        var run2 = Guid.NewGuid();
        History.Add(s, "room.run-requested.v1", new { runId = run2, requestedBy = alice, language = "go", at = day2.AddMinutes(1) });
        History.Add(s, "room.run-completed.v1", new { runId = run2, verdict = "compile-error", at = day2.AddMinutes(1) });
        History.Add(interview, "interview.ended.v1", new { interviewId = Guid.NewGuid(), at = day2.AddMinutes(30) });

        await ProjectAsync(batchSize: 3);

        var rows = await QueryAsync<DailyStatsRow>("SELECT * FROM daily_stats ORDER BY day");
        rows.Select(d => (d.Day, d.RoomsCreated, d.InterviewsStarted, d.InterviewsEnded, d.Runs, d.RunsPassed, d.ChatMessages, d.Edits, d.ActiveUsers)).Should().Equal(
            ("2026-03-01", 1L, 1L, 0L, 0L, 0L, 1L, 2L, 2L),
            ("2026-03-02", 0L, 0L, 1L, 2L, 1L, 0L, 0L, 1L));
    }
}
