using System.Text.Json;
using System.Text.Json.Serialization;
using PeerCode.Application.EventStore;

namespace PeerCode.Projections.Wire;

/// <summary>
/// The read side's view of the wire contract: minimal DTOs per wire name with only the fields projections use.
/// The read side depends on the stored JSON, never on domain classes, so the write side can evolve its types freely.
/// Room events carry no room id (except room.created): it comes from the stream name room-{id:N}.
/// </summary>
public static class WireNames
{
    public const string RoomCreated = "room.created.v1";
    public const string ParticipantJoined = "room.participant-joined.v1";
    public const string ParticipantLeft = "room.participant-left.v1";
    public const string DocumentUpdated = "room.document-updated.v1";
    public const string AwarenessUpdated = "room.awareness-updated.v1";
    public const string ChatMessagePosted = "room.chat-message-posted.v1";
    public const string LanguageChanged = "room.language-changed.v1";
    public const string QuestionSelected = "room.question-selected.v1";
    public const string PasteDetected = "room.paste-detected.v1";
    public const string FocusChanged = "room.focus-changed.v1";
    public const string RoomClosed = "room.closed.v1";

    public const string RunRequested = "room.run-requested.v1";
    public const string RunQueued = "room.run-queued.v1";
    public const string RunStarted = "room.run-started.v1";
    public const string RunOutput = "room.run-output.v1";
    public const string RunCompleted = "room.run-completed.v1";

    public const string InterviewScheduled = "interview.scheduled.v1";
    public const string InterviewStarted = "interview.started.v1";
    public const string InterviewEnded = "interview.ended.v1";
    public const string InterviewCancelled = "interview.cancelled.v1";

    public const string QuestionCreated = "question.created.v1";
    public const string QuestionRenamed = "question.renamed.v1";
    public const string QuestionEdited = "question.edited.v1";
    public const string QuestionArchived = "question.archived.v1";
    public const string QuestionRestored = "question.restored.v1";
}

public sealed record RoomCreatedV1(Guid RoomId, string Title, string Language, DateTimeOffset At);
public sealed record ParticipantJoinedV1(Guid ParticipantId, string Name, string Role, DateTimeOffset At);
public sealed record ParticipantLeftV1(Guid ParticipantId, DateTimeOffset At);
public sealed record DocumentUpdatedV1(byte[] Update, Guid ParticipantId, DateTimeOffset At);
public sealed record AwarenessUpdatedV1(Guid ParticipantId, DateTimeOffset At);
public sealed record ChatMessagePostedV1(Guid MessageId, Guid ParticipantId, string Name, string Text, DateTimeOffset At);
public sealed record LanguageChangedV1(string Language, Guid ParticipantId, DateTimeOffset At);
public sealed record QuestionSelectedV1(Guid QuestionId, Guid? ParticipantId, DateTimeOffset At);
/// <summary>A browser's paste signal: <paramref name="Size"/> characters pasted at once.</summary>
public sealed record PasteDetectedV1(Guid ParticipantId, int Size, DateTimeOffset At);
/// <summary>The candidate's tab lost (<paramref name="Focused"/> false) or regained focus.</summary>
public sealed record FocusChangedV1(Guid ParticipantId, bool Focused, DateTimeOffset At);
public sealed record RoomClosedV1(DateTimeOffset At);

/// <summary>Run events (src/Domain/Runs/RunEvents.cs): run ids are strings; <paramref name="RequestedBy"/> is the participant.</summary>
public sealed record RunRequestedV1(string RunId, string Language, string RequestedBy, DateTimeOffset At)
{
    public string ParticipantKey => WireFormat.IdKey(RequestedBy);
}
public sealed record RunQueuedV1(string RunId, int? Position, DateTimeOffset At);
public sealed record RunStartedV1(string RunId, string? Node, DateTimeOffset At);
/// <summary>Output carries no time of its own.</summary>
public sealed record RunOutputV1(string RunId, long? Seq, string? Stream, string? Text);
/// <summary>One test case's outcome; <paramref name="Verdict"/> is passed | wrong-answer | time-limit | runtime-error.</summary>
public sealed record RunTestResultV1(string Name, string Verdict, bool Hidden, long? WallMs, string? Detail)
{
    public bool Passed => Verdict == "passed";
}

/// <summary>
/// <paramref name="Verdict"/> is the sandbox's wire name: ok | compile-error | runtime-error | time-limit | memory-limit | output-limit | internal-error.
/// </summary>
public sealed record RunCompletedV1(
    string RunId, int? ExitCode, string Verdict, long? WallMs, long? CpuMs, long? PeakMemoryKb, bool? OutputTruncated,
    IReadOnlyList<RunTestResultV1>? Tests, string? Detail, DateTimeOffset At)
{
    /// <summary>A passing run: it finished normally and every test case (if it had any) passed.</summary>
    public bool IsPassing => Verdict == "ok" && (Tests ?? []).All(t => t.Passed);
}

public sealed record InterviewScheduledV1(Guid InterviewId, Guid RoomId, string Title, Guid? QuestionId, DateTimeOffset? ScheduledFor, DateTimeOffset At);
public sealed record InterviewStartedV1(Guid InterviewId, DateTimeOffset At);
public sealed record InterviewEndedV1(Guid InterviewId, DateTimeOffset At);
public sealed record InterviewCancelledV1(Guid InterviewId, string? Reason, DateTimeOffset At);

public sealed record QuestionCreatedV1(Guid QuestionId, string Title, string? Difficulty, DateTimeOffset At);
public sealed record QuestionRenamedV1(Guid QuestionId, string Title, DateTimeOffset At);
/// <summary>
/// What the bank's list reads of question.created.v1 and question.edited.v1 (both carry the whole content; the
/// description, code and tests' data stay in the stream, which GET /api/questions/{id} folds).
/// </summary>
public sealed record QuestionContentV1(
    Guid QuestionId, string Title, string? Difficulty, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Tags,
    IReadOnlyDictionary<string, string>? StarterCode, IReadOnlyList<QuestionTestV1>? Tests, DateTimeOffset At);
public sealed record QuestionTestV1(string Name, bool Hidden);
public sealed record QuestionArchivedV1(Guid QuestionId, DateTimeOffset At);

/// <summary>A stored event the read side cannot read (bad JSON for its wire name). Stops the projection: skipping would silently corrupt counts.</summary>
public sealed class UnreadableEventException(RecordedEvent e, Exception inner)
    : Exception($"Event {e.EventId} ({e.Type}) at position {e.GlobalPosition} in '{e.Stream}' does not match its wire shape: {inner.Message}", inner);

public static class WireFormat
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower), new MillisecondInstantConverter() },
    };

    public static T Read<T>(RecordedEvent e)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(e.Data.Span, Json) ?? throw new JsonException("null document");
        }
        catch (JsonException x)
        {
            throw new UnreadableEventException(e, x);
        }
    }

    public static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public const string RoomStreamPrefix = "room-";

    /// <summary>
    /// How ids are keyed in read models: a UUID in any format becomes its lower-case dashed form (what a Guid field
    /// serialises to), so "room-{id:N}" streams and "roomId" fields meet; any other id is kept as it is.
    /// </summary>
    public static string IdKey(string id) => Guid.TryParse(id, out var g) ? g.ToString() : id;

    /// <summary>The room key of a room-{id} stream, or null for any other stream.</summary>
    public static string? RoomIdOf(string stream) =>
        stream.StartsWith(RoomStreamPrefix, StringComparison.Ordinal) && stream.Length > RoomStreamPrefix.Length
            ? IdKey(stream[RoomStreamPrefix.Length..])
            : null;

    public static string RequireRoomId(RecordedEvent e) =>
        RoomIdOf(e.Stream) ?? throw new UnreadableEventException(e, new FormatException("a room event outside a room-{id} stream"));
}

/// <summary>
/// Instants enter the read side truncated to whole milliseconds in UTC, the precision both stores keep. Without this a value
/// computed from an instant still in memory (same batch) would differ from one computed after a round trip through the
/// store (a later batch), and results would depend on where batches happen to split.
/// </summary>
internal sealed class MillisecondInstantConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var utc = reader.GetDateTimeOffset().ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
