using System.Globalization;
using System.Net;
using System.Text;
using PeerCode.Domain.Interviews;

namespace PeerCode.Application.Replay;

/// <summary>Timeline figures of one interview.</summary>
public sealed record InterviewFigures(
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, TimeSpan Duration, long Events, int DocumentUpdates, int ChatMessages, int Runs,
    IReadOnlyDictionary<string, int> RunsByVerdict, int Pastes, int LargePastes, int LargestPaste, int FocusLosses, TimeSpan TimeAway,
    int FinalLines, int FinalCharacters);

/// <summary>
/// The interview summary export: final code, runs, timeline figures and, for the interviewer audience only, the scorecards,
/// as Markdown or a printable page. <see cref="Scorecards"/> is null when the audience may not see them (the section is then
/// left out entirely), empty when none has been submitted.
/// </summary>
public sealed record InterviewSummary(ReplayState Final, InterviewFigures Figures, IReadOnlyList<ReplayMarker> Markers, IReadOnlyList<ScorecardSubmitted>? Scorecards)
{
    /// <summary><paramref name="scorecards"/> are the interview's (null: the room has no interview); they reach only a <see cref="ReplayAudience.Full"/> grant.</summary>
    public static async Task<InterviewSummary> BuildAsync(RoomReplay replay, ReplayGrant grant, IReadOnlyList<ScorecardSubmitted>? scorecards, CancellationToken ct)
    {
        var final = await replay.StateAsync(grant, new ReplayPoint.Latest(), includeDocument: false, ct);
        var timeline = await replay.TimelineViewAsync(grant, ct);
        var pastes = final.Signals.Where(s => s.Kind == "paste").ToList();
        var away = TimeSpan.Zero;
        var lostAt = new Dictionary<Guid, DateTimeOffset>();
        foreach (var s in final.Signals)
        {
            if (s.Kind == "focus-lost") lostAt.TryAdd(s.ParticipantId, s.At);
            else if (s.Kind == "focus-regained" && lostAt.Remove(s.ParticipantId, out var since)) away += s.At - since;
        }
        if (timeline.EndedAt is { } end) foreach (var since in lostAt.Values) away += end - since;
        var figures = new InterviewFigures(
            timeline.StartedAt, timeline.EndedAt, timeline.EndedAt - timeline.StartedAt ?? TimeSpan.Zero, timeline.LastRevision + 1,
            timeline.DocumentUpdates, final.Chat.Count, final.Runs.Count,
            final.Runs.GroupBy(r => r.Verdict ?? "unfinished").ToDictionary(g => g.Key, g => g.Count()),
            pastes.Count, pastes.Count(p => p.Size >= ReplayFold.LargePaste), pastes.Select(p => p.Size ?? 0).DefaultIfEmpty(0).Max(),
            final.Signals.Count(s => s.Kind == "focus-lost"), away,
            final.Text.Length == 0 ? 0 : final.Text.Count(c => c == '\n') + 1, final.Text.Length);
        var shown = grant.Audience == ReplayAudience.Full ? scorecards?.OrderBy(c => c.At).ToList() ?? [] : null;
        return new InterviewSummary(final, figures, timeline.Markers, shown);
    }

    private const string NoScorecard = "No scorecard has been recorded for this interview yet.";

    public static string Markdown(InterviewSummary s)
    {
        var md = new StringBuilder();
        md.Append("# Interview summary: ").Append(s.Final.Title).Append("\n\n");
        md.Append("## Timeline\n\n| Figure | Value |\n| --- | --- |\n");
        foreach (var (name, value) in Rows(s)) md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");
        md.Append("\n## Participants\n\n");
        foreach (var p in s.Final.Participants) md.Append("- ").Append(p.Name).Append(" (").Append(p.Role).Append(")\n");
        md.Append("\n## Final code (").Append(s.Final.Language).Append(")\n\n").Append(Fence(s.Final.Text, s.Final.Language));
        md.Append("\n## Runs\n\n");
        if (s.Final.Runs.Count == 0) md.Append("No runs.\n");
        var n = 0;
        foreach (var r in s.Final.Runs)
        {
            md.Append("### Run ").Append(++n).Append(": ").Append(r.Verdict ?? r.Status).Append("\n\n");
            md.Append("Requested ").Append(Time(r.RequestedAt)).Append(" by ").Append(r.RequestedBy).Append(", ").Append(r.Language)
                .Append(", SHA-256 `").Append(r.CodeSha256).Append("`");
            if (r.WallMs is { } wall) md.Append(", ").Append(wall).Append(" ms");
            md.Append(".\n\n");
            if (r.Detail is { Length: > 0 }) md.Append(r.Detail).Append("\n\n");
            foreach (var t in r.Results) md.Append("- test ").Append(t.Name).Append(t.Hidden ? " (hidden)" : "").Append(": ").Append(t.Verdict).Append('\n');
            if (r.Results.Count > 0) md.Append('\n');
            md.Append(r.DiffFromPrevious is null ? "Code that ran:\n\n" : "Changes since the previous run:\n\n")
                .Append(r.DiffFromPrevious is null ? Fence(r.Code, r.Language) : Fence(r.DiffFromPrevious, "diff"));
            var output = string.Concat(r.Output.Select(o => o.Text));
            if (output.Length > 0) md.Append("\nOutput:\n\n").Append(Fence(output, "text"));
            md.Append('\n');
        }
        md.Append("## Moments\n\n");
        foreach (var m in s.Markers) md.Append("- ").Append(Time(m.At)).Append(" (#").Append(m.Revision).Append(") ").Append(m.Label).Append('\n');
        if (s.Scorecards is { } cards)
        {
            md.Append("\n## Scorecards\n\n");
            if (cards.Count == 0) md.Append(NoScorecard).Append('\n');
            foreach (var c in cards)
            {
                md.Append("### Interviewer ").Append(c.InterviewerId.ToString("D")).Append(": ").Append(Recommendation(c.Recommendation)).Append("\n\n");
                md.Append("Submitted ").Append(Time(c.At)).Append(". Ratings (1 poor to 4 excellent):\n\n");
                foreach (var r in c.Ratings) md.Append("- ").Append(r.Competency).Append(": ").Append(r.Rating).Append('\n');
                if (c.Text.Length > 0) md.Append('\n').Append(c.Text).Append('\n');
                md.Append('\n');
            }
        }
        return md.ToString();
    }

    public static string Html(InterviewSummary s)
    {
        static string E(string? t) => WebUtility.HtmlEncode(t ?? "");
        var h = new StringBuilder();
        h.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interview summary: ").Append(E(s.Final.Title)).Append("</title>")
            .Append("<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}")
            .Append("pre{background:#f5f5f5;padding:.6rem;white-space:pre-wrap;word-break:break-word;border:1px solid #ddd}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}")
            .Append(".add{color:#0a6b0a}.del{color:#a00}section{break-inside:avoid}@media print{body{margin:0}pre{font-size:11px}}</style></head><body>");
        h.Append("<h1>Interview summary: ").Append(E(s.Final.Title)).Append("</h1><h2>Timeline</h2><table>");
        foreach (var (name, value) in Rows(s)) h.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        h.Append("</table><h2>Participants</h2><ul>");
        foreach (var p in s.Final.Participants) h.Append("<li>").Append(E(p.Name)).Append(" (").Append(E(p.Role)).Append(")</li>");
        h.Append("</ul><h2>Final code (").Append(E(s.Final.Language)).Append(")</h2><pre>").Append(E(s.Final.Text)).Append("</pre><h2>Runs</h2>");
        if (s.Final.Runs.Count == 0) h.Append("<p>No runs.</p>");
        var n = 0;
        foreach (var r in s.Final.Runs)
        {
            h.Append("<section><h3>Run ").Append(++n).Append(": ").Append(E(r.Verdict ?? r.Status)).Append("</h3><p>Requested ").Append(E(Time(r.RequestedAt)))
                .Append(" by ").Append(E(r.RequestedBy)).Append(", ").Append(E(r.Language)).Append(", SHA-256 <code>").Append(E(r.CodeSha256)).Append("</code>")
                .Append(r.WallMs is { } wall ? $", {wall} ms" : "").Append(".</p>");
            if (r.Detail is { Length: > 0 }) h.Append("<p>").Append(E(r.Detail)).Append("</p>");
            if (r.Results.Count > 0)
            {
                h.Append("<ul>");
                foreach (var t in r.Results) h.Append("<li>test ").Append(E(t.Name)).Append(t.Hidden ? " (hidden)" : "").Append(": ").Append(E(t.Verdict)).Append("</li>");
                h.Append("</ul>");
            }
            if (r.DiffFromPrevious is null) h.Append("<p>Code that ran:</p><pre>").Append(E(r.Code)).Append("</pre>");
            else
            {
                h.Append("<p>Changes since the previous run:</p><pre>");
                foreach (var line in r.DiffFromPrevious.Split('\n'))
                {
                    var cls = line.StartsWith("+ ", StringComparison.Ordinal) ? "add" : line.StartsWith("- ", StringComparison.Ordinal) ? "del" : null;
                    h.Append(cls is null ? "" : $"<span class=\"{cls}\">").Append(E(line)).Append(cls is null ? "" : "</span>").Append('\n');
                }
                h.Append("</pre>");
            }
            var output = string.Concat(r.Output.Select(o => o.Text));
            if (output.Length > 0) h.Append("<p>Output:</p><pre>").Append(E(output)).Append("</pre>");
            h.Append("</section>");
        }
        h.Append("<h2>Moments</h2><ul>");
        foreach (var m in s.Markers) h.Append("<li>").Append(E(Time(m.At))).Append(" (#").Append(m.Revision).Append(") ").Append(E(m.Label)).Append("</li>");
        h.Append("</ul>");
        if (s.Scorecards is { } cards)
        {
            h.Append("<h2>Scorecards</h2>");
            if (cards.Count == 0) h.Append("<p>").Append(E(NoScorecard)).Append("</p>");
            foreach (var c in cards)
            {
                h.Append("<section><h3>Interviewer ").Append(E(c.InterviewerId.ToString("D"))).Append(": ").Append(E(Recommendation(c.Recommendation)))
                    .Append("</h3><p>Submitted ").Append(E(Time(c.At))).Append(". Ratings (1 poor to 4 excellent):</p><table>");
                foreach (var r in c.Ratings) h.Append("<tr><th>").Append(E(r.Competency)).Append("</th><td>").Append(r.Rating).Append("</td></tr>");
                h.Append("</table>");
                if (c.Text.Length > 0) h.Append("<p style=\"white-space:pre-wrap\">").Append(E(c.Text)).Append("</p>");
                h.Append("</section>");
            }
        }
        h.Append("</body></html>");
        return h.ToString();
    }

    private static IEnumerable<(string, string)> Rows(InterviewSummary s)
    {
        var f = s.Figures;
        yield return ("Started", f.StartedAt is { } a ? Time(a) : "-");
        yield return ("Ended", f.EndedAt is { } b ? Time(b) : "-");
        yield return ("Duration", f.Duration.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        yield return ("Events", f.Events.ToString(CultureInfo.InvariantCulture));
        yield return ("Edits (document updates)", f.DocumentUpdates.ToString(CultureInfo.InvariantCulture));
        yield return ("Chat messages", f.ChatMessages.ToString(CultureInfo.InvariantCulture));
        yield return ("Runs", f.Runs == 0 ? "0" : $"{f.Runs} ({string.Join(", ", f.RunsByVerdict.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))})");
        yield return ("Pastes", $"{f.Pastes} ({f.LargePastes} of {ReplayFold.LargePaste}+ characters; largest {f.LargestPaste})");
        yield return ("Editor focus lost", $"{f.FocusLosses} times, {f.TimeAway.TotalSeconds:0} s away in total");
        yield return ("Final code", $"{f.FinalLines} lines, {f.FinalCharacters} characters");
    }

    private static string Recommendation(string code) => code switch
    {
        "strong-no" => "strong no",
        "strong-yes" => "strong yes",
        _ => code,
    };

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Fence(string text, string language)
    {
        var fence = "```";
        while (text.Contains(fence, StringComparison.Ordinal)) fence += "`";
        return $"{fence}{language}\n{text}{(text.EndsWith('\n') ? "" : "\n")}{fence}\n";
    }
}
