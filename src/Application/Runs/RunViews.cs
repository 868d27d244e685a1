using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PeerCode.Domain.Runs;

namespace PeerCode.Application.Runs;

/// <summary>Who is looking at a run: only interviewers see hidden tests' input and expected output.</summary>
public enum RunAudience { Interviewer, Participant }

/// <summary>
/// What clients see of runs (hub RunUpdate and GET /api/runs/{runId}). Anything that is not for an interviewer goes
/// through <see cref="RunRequested.ForCandidate"/>, and hidden tests' results lose any diff, so a hidden test's data
/// never leaves the server towards a candidate or an observer.
/// </summary>
public static class RunViews
{
    public static string KindOf(RunEvent e) => e switch
    {
        RunRequested => "requested",
        RunQueued => "queued",
        RunStarted => "started",
        RunOutput => "output",
        RunCompleted => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown run event"),
    };

    /// <summary>The event as one audience may see it.</summary>
    public static RunEvent For(RunEvent e, RunAudience audience) => audience == RunAudience.Interviewer ? e : e switch
    {
        RunRequested r => r.ForCandidate(),
        RunCompleted c => c with { Tests = WithoutHiddenData(c.Tests) },
        _ => e,
    };

    /// <summary>The RunUpdate payload: {"kind": "...", ...the event's fields (camelCase, enums by wire name)}.</summary>
    public static JsonElement Update(RunEvent e, RunAudience audience)
    {
        var node = JsonSerializer.SerializeToNode(For(e, audience), e.GetType(), RunEventSerializer.Options)!.AsObject();
        var update = new JsonObject { ["kind"] = KindOf(e) };
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            update[key] = value;
        }
        return JsonSerializer.SerializeToElement(update);
    }

    private static IReadOnlyList<RunTestResult> WithoutHiddenData(IReadOnlyList<RunTestResult> tests) =>
        tests.Select(t => t.Hidden ? t with { Diff = null } : t).ToList();

    /// <summary>Folds one run's events (in stream order) into its report, or null when no RunRequested is among them.</summary>
    public static RunReport? Report(string runId, IEnumerable<RunEvent> events, RunAudience audience)
    {
        RunReport? report = null;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var output = new List<RunOutputChunk>();
        foreach (var raw in events)
        {
            if (raw.RunId != runId) continue;
            var e = For(raw, audience);
            report = e switch
            {
                RunRequested r => new RunReport(r.RunId, "requested", r.Language, r.RequestedBy, r.At, r.CodeSha256, r.Stdin, r.Tests,
                    null, null, null, "", "", [], null, null, null, null, null, false, null, [], null),
                RunQueued q when report is not null => report with { Status = "queued", QueuePosition = q.Position },
                RunStarted s when report is not null => report with { Status = "running", Node = s.Node, StartedAt = s.At },
                RunOutput o when report is not null => Append(report, o),
                RunCompleted c when report is not null => report with
                {
                    Status = "completed", Verdict = c.Verdict.ToWire(), ExitCode = c.ExitCode, WallMs = c.WallMs, CpuMs = c.CpuMs,
                    PeakMemoryKb = c.PeakMemoryKb, OutputTruncated = c.OutputTruncated, Detail = c.Detail, TestResults = c.Tests, CompletedAt = c.At,
                },
                _ => report,
            };
        }
        return report is null ? null : report with { Stdout = stdout.ToString(), Stderr = stderr.ToString(), Output = output };

        RunReport Append(RunReport r, RunOutput o)
        {
            (o.Stream == "stderr" ? stderr : stdout).Append(o.Text);
            output.Add(new RunOutputChunk(o.Seq, o.Stream, o.Text));
            return r;
        }
    }
}

public sealed record RunOutputChunk(long Seq, string Stream, string Text);

/// <summary>One run as GET /api/runs/{runId} shows it. <see cref="Status"/>: requested, queued, running, completed.</summary>
public sealed record RunReport(
    string RunId, string Status, string Language, string RequestedBy, DateTimeOffset RequestedAt, string CodeSha256, string Stdin,
    IReadOnlyList<RunTestCase> Tests, int? QueuePosition, string? Node, DateTimeOffset? StartedAt,
    string Stdout, string Stderr, IReadOnlyList<RunOutputChunk> Output,
    string? Verdict, int? ExitCode, long? WallMs, long? CpuMs, long? PeakMemoryKb, bool OutputTruncated, string? Detail,
    IReadOnlyList<RunTestResult> TestResults, DateTimeOffset? CompletedAt);
