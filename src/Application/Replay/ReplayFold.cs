using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Replay;

/// <summary>The small events of a room folded up to one moment: who is there, the language, the chat, the runs and the signals.</summary>
public sealed class ReplayFold
{
    /// <summary>A paste at least this long (UTF-16 characters) gets its own scrubber marker.</summary>
    public const int LargePaste = 200;

    private readonly Dictionary<Guid, ReplayParticipant> _participants = [];
    private readonly List<ReplayChat> _chat = [];
    private readonly List<RunBuilder> _runs = [];
    private readonly Dictionary<string, RunBuilder> _runsById = [];
    private readonly List<ReplaySignal> _signals = [];
    private readonly List<ReplayMarker> _markers = [];
    private readonly List<ReplayNote> _notes = [];
    private readonly List<ReplayMarker> _noteMarkers = [];

    public string Title { get; private set; } = "";
    public string Language { get; private set; } = "plaintext";
    public IReadOnlyCollection<ReplayParticipant> Participants => _participants.Values;
    public IReadOnlyList<ReplayChat> Chat => _chat;
    public IReadOnlyList<ReplaySignal> Signals => _signals;
    /// <summary>The scrubber's markers every audience may see (no private notes among them).</summary>
    public IReadOnlyList<ReplayMarker> Markers => _markers;

    /// <summary>Private notes: all of them for the interviewer (<see cref="ReplayAudience.Full"/>), none for anyone else.</summary>
    public IReadOnlyList<ReplayNote> Notes(ReplayAudience audience) => audience == ReplayAudience.Full ? _notes : [];

    /// <summary>The markers <paramref name="audience"/> may see, in stream order: the interviewer's include one per private note.</summary>
    public IReadOnlyList<ReplayMarker> MarkersFor(ReplayAudience audience) =>
        audience == ReplayAudience.Full && _noteMarkers.Count > 0 ? _markers.Concat(_noteMarkers).OrderBy(m => m.Revision).ToList() : _markers;

    public static ReplayFold Of(IEnumerable<TimelineEvent> events)
    {
        var fold = new ReplayFold();
        foreach (var e in events) fold.Apply(e);
        return fold;
    }

    public string NameOf(Guid participantId) => _participants.TryGetValue(participantId, out var p) ? p.Name : "someone";

    public IReadOnlyList<ReplayRun> Runs(ReplayAudience audience)
    {
        var runs = new List<ReplayRun>(_runs.Count);
        RunBuilder? previous = null;
        foreach (var run in _runs)
        {
            runs.Add(run.View(previous, audience));
            previous = run;
        }
        return runs;
    }

    private void Apply(TimelineEvent e)
    {
        switch (e.Event)
        {
            case RoomCreated c:
                Title = c.Title;
                Language = c.Language;
                break;
            case ParticipantJoined j:
                var rejoin = _participants.ContainsKey(j.ParticipantId);
                _participants[j.ParticipantId] = new ReplayParticipant(j.ParticipantId, j.Name, RoleName(j.Role), j.Color, true);
                _markers.Add(new(e.Revision, e.RecordedAt, "join", $"{j.Name} {(rejoin ? "rejoined" : "joined")} as {RoleName(j.Role)}", null));
                break;
            case ParticipantLeft l when _participants.TryGetValue(l.ParticipantId, out var p):
                _participants[l.ParticipantId] = p with { Online = false };
                _markers.Add(new(e.Revision, e.RecordedAt, "leave", $"{p.Name} left", null));
                break;
            case LanguageChanged l:
                Language = l.Language;
                _markers.Add(new(e.Revision, e.RecordedAt, "language", $"{NameOf(l.ParticipantId)} switched to {l.Language}", null));
                break;
            case QuestionSelected q:
                _markers.Add(new(e.Revision, e.RecordedAt, "question", $"Question: {Shorten(q.Title)}", null));
                break;
            case ChatMessagePosted m:
                _chat.Add(new ReplayChat(m.MessageId, m.ParticipantId, m.Name, m.Text, m.At, e.Revision));
                _markers.Add(new(e.Revision, e.RecordedAt, "chat", $"{m.Name}: {Shorten(m.Text)}", null));
                break;
            case PrivateNotePosted n:
                _notes.Add(new ReplayNote(n.NoteId, n.ParticipantId, n.AccountId, n.Name, n.Text, n.At, e.Revision));
                _noteMarkers.Add(new(e.Revision, e.RecordedAt, "note", $"{n.Name} noted: {Shorten(n.Text)}", null));
                break;
            case PasteDetected p:
                _signals.Add(new ReplaySignal("paste", p.ParticipantId, NameOf(p.ParticipantId), e.Revision, p.At, p.Size));
                if (p.Size >= LargePaste) _markers.Add(new(e.Revision, e.RecordedAt, "paste", $"{NameOf(p.ParticipantId)} pasted {p.Size} characters", null));
                break;
            case FocusChanged f:
                _signals.Add(new ReplaySignal(f.Focused ? "focus-regained" : "focus-lost", f.ParticipantId, NameOf(f.ParticipantId), e.Revision, f.At, null));
                if (!f.Focused) _markers.Add(new(e.Revision, e.RecordedAt, "focus-lost", $"{NameOf(f.ParticipantId)} left the editor", null));
                break;
            case RunRequestedRecord r:
                var requested = new RunBuilder(r, e.Revision);
                _runs.Add(requested);
                _runsById[r.RunId] = requested;
                _markers.Add(new(e.Revision, e.RecordedAt, "run", $"Run {_runs.Count} ({r.Language})", null));
                break;
            case RunQueuedRecord q when _runsById.TryGetValue(q.RunId, out var queued):
                queued.Status = "queued";
                break;
            case RunStartedRecord s when _runsById.TryGetValue(s.RunId, out var started):
                started.Status = "running";
                break;
            case RunOutputRecord o when _runsById.TryGetValue(o.RunId, out var running):
                if (o.Seq >= running.NextSeq) // batches are numbered per run; a repeated batch is shown once
                {
                    running.Output.Add(new RunOutputChunk(o.Stream, o.Text));
                    running.NextSeq = o.Seq + 1;
                }
                break;
            case RunCompletedRecord c when _runsById.TryGetValue(c.RunId, out var completed):
                completed.Status = "completed";
                completed.Completed = c;
                var index = _markers.FindLastIndex(m => m.Kind == "run" && m.Revision == completed.Revision);
                if (index >= 0) _markers[index] = _markers[index] with { Verdict = c.Verdict, Label = $"{_markers[index].Label}: {c.Verdict}" };
                break;
        }
    }

    public static string RoleName(ParticipantRole role) => role switch
    {
        ParticipantRole.Interviewer => "interviewer",
        ParticipantRole.Candidate => "candidate",
        _ => "observer",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private sealed class RunBuilder(RunRequestedRecord requested, long revision)
    {
        public RunRequestedRecord Requested { get; } = requested;
        public long Revision { get; } = revision;
        public string Status { get; set; } = "requested";
        public long NextSeq { get; set; }
        public List<RunOutputChunk> Output { get; } = [];
        public RunCompletedRecord? Completed { get; set; }

        public ReplayRun View(RunBuilder? previous, ReplayAudience audience)
        {
            var r = audience == ReplayAudience.Full ? Requested : Requested.WithoutHiddenData();
            var c = Completed;
            return new ReplayRun(
                r.RunId, Revision, r.At, r.RequestedBy, r.Language, r.Code, r.CodeSha256, r.Stdin, r.Tests, Status, c?.Verdict, c?.ExitCode,
                c?.WallMs, c?.CpuMs, c?.PeakMemoryKb, c?.OutputTruncated ?? false, c?.Detail, Output.ToList(), c?.Tests ?? [],
                previous?.Requested.RunId, previous is null ? null : LineDiff.Unified(previous.Requested.Code, r.Code), c?.At);
        }
    }
}
