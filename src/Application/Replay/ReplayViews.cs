using System.Text.Json;
using PeerCode.Domain.Rooms;

namespace PeerCode.Application.Replay;

/// <summary>Who is watching a replay: the interviewer sees everything; an observer sees neither private notes nor hidden tests' data.</summary>
public enum ReplayAudience { Full, Restricted }

/// <summary>One stored event as the replay events page shows it. <see cref="Data"/> is the stored JSON, or null when <see cref="Redacted"/>.</summary>
public sealed record ReplayEventView(long Revision, string Type, DateTimeOffset RecordedAt, JsonElement? Data, bool Redacted);

public sealed record ReplayEventsPage(Guid RoomId, long From, int Count, long LastRevision, long? Next, IReadOnlyList<ReplayEventView> Events);

public sealed record ReplayParticipant(Guid ParticipantId, string Name, string Role, string Color, bool Online);

public sealed record ReplayCursor(long ClientId, Guid ParticipantId, string Name, string Color, TextPosition? Cursor, TextPosition? SelectionStart, TextPosition? SelectionEnd);

public sealed record ReplayChat(Guid MessageId, Guid ParticipantId, string Name, string Text, DateTimeOffset At, long Revision);

/// <summary>An interviewer's private note; only the full (interviewer) audience ever gets one.</summary>
public sealed record ReplayNote(Guid NoteId, Guid ParticipantId, Guid? AccountId, string Name, string Text, DateTimeOffset At, long Revision);

public sealed record RunOutputChunk(string Stream, string Text);

/// <summary>
/// One run as far as the replayed moment: the exact code from its RunRequested, its output so far, its verdict once
/// completed, and the line diff of its code against the previous run's (null for the first run).
/// </summary>
public sealed record ReplayRun(
    string RunId, long Revision, DateTimeOffset RequestedAt, string RequestedBy, string Language, string Code, string CodeSha256,
    string Stdin, IReadOnlyList<RunTestCaseRecord> Tests, string Status, string? Verdict, int? ExitCode, long? WallMs, long? CpuMs,
    long? PeakMemoryKb, bool OutputTruncated, string? Detail, IReadOnlyList<RunOutputChunk> Output, IReadOnlyList<RunTestResultRecord> Results,
    string? PreviousRunId, string? DiffFromPrevious, DateTimeOffset? CompletedAt);

/// <summary>An integrity signal: "paste" (with its size), "focus-lost" or "focus-regained".</summary>
public sealed record ReplaySignal(string Kind, Guid ParticipantId, string Name, long Revision, DateTimeOffset At, int? Size);

/// <summary>
/// Everything visible at one moment of the interview. <see cref="Document"/> (base64 Yjs v1 update) only when asked for;
/// <see cref="Notes"/> (private notes) is empty for every audience but the interviewer's.
/// </summary>
public sealed record ReplayState(
    Guid RoomId, long Revision, DateTimeOffset? At, long LastRevision, string Title, string Text, string Language,
    IReadOnlyList<ReplayParticipant> Participants, IReadOnlyList<ReplayCursor> Cursors, IReadOnlyList<ReplayChat> Chat,
    IReadOnlyList<ReplayRun> Runs, IReadOnlyList<ReplaySignal> Signals, string? Document, IReadOnlyList<ReplayNote> Notes);

/// <summary>A point on the scrubber: join, leave, chat, run (with its verdict once known), paste (large ones), focus-lost, language; "note" for the interviewer only.</summary>
public sealed record ReplayMarker(long Revision, DateTimeOffset At, string Kind, string Label, string? Verdict);

public sealed record ReplayTimelineView(
    Guid RoomId, string Title, long LastRevision, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int DocumentUpdates, int Snapshots,
    IReadOnlyList<ReplayMarker> Markers);
