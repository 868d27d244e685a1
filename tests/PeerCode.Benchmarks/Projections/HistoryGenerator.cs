using System.Text;
using System.Text.Json;
using PeerCode.Application.EventStore;

namespace PeerCode.Benchmarks.Projections;

/// <summary>
/// A deterministic, realistic interview history for projection tests and benchmarks: questions, then rooms that overlap in
/// time, each with an interview, joins, a stream of Yjs edits and cursor moves, chat, pastes, focus changes, runs through
/// their whole lifecycle with test results, idle gaps, leaves and an end. Yields appends (stream + events) in the order
/// a server would have made them. Shared (linked) by tests/PeerCode.Infrastructure.Tests.
/// </summary>
public sealed class HistoryGenerator(int seed, int activeRooms = 16, int chunkSize = 40)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private static readonly string[] Languages = ["python", "csharp", "go", "javascript", "java"];
    private static readonly string[] Verdicts = ["ok", "ok", "ok", "compile-error", "runtime-error", "time-limit"];
    private static readonly string[] Snippets = ["x", "def ", "return ", "for i in range(n):", " ", "\n", "if ", "()", "result", "=", "+ 1", "// todo"];
    private readonly Random _random = new(seed);
    private readonly List<Guid> _questions = [];
    private DateTimeOffset _clock = new(2026, 2, 2, 8, 0, 0, TimeSpan.Zero);

    public static string RoomStream(Guid id) => "room-" + id.ToString("N");

    /// <summary>Appends totalling about <paramref name="totalEvents"/> events.</summary>
    public IEnumerable<(string Stream, IReadOnlyList<EventData> Events)> Generate(long totalEvents)
    {
        long produced = 0;
        for (var i = 0; i < 12; i++)
        {
            var q = Guid.NewGuid();
            _questions.Add(q);
            produced++;
            yield return ("question-" + q.ToString("N"), [Event("question.created.v1", new { questionId = q, title = $"Question {i}", difficulty = i % 3 == 0 ? "hard" : "medium", at = _clock })]);
        }
        var rooms = new List<RoomScript>();
        while (produced < totalEvents || rooms.Count > 0)
        {
            while (produced < totalEvents && rooms.Count < activeRooms)
                rooms.Add(new RoomScript(this, budget: _random.Next(150, 900)));
            var room = rooms[_random.Next(rooms.Count)];
            foreach (var append in room.Next(_random.Next(1, chunkSize + 1)))
            {
                produced += append.Events.Count;
                yield return append;
            }
            if (room.Done) rooms.Remove(room);
        }
    }

    private EventData Event(string type, object data) =>
        new(Guid.NewGuid(), type, JsonSerializer.SerializeToUtf8Bytes(data, Json), EventMetadata.Empty);

    private DateTimeOffset Tick(double seconds)
    {
        _clock = _clock.AddMilliseconds(seconds * 1000);
        return _clock;
    }

    private static void VarUInt(List<byte> b, ulong v)
    {
        while (v >= 0x80) { b.Add((byte)(v | 0x80)); v >>= 7; }
        b.Add((byte)v);
    }

    /// <summary>A Yjs v1 update inserting <paramref name="text"/> into the root text "monaco" as client <paramref name="client"/>.</summary>
    internal static byte[] InsertUpdate(ulong client, ulong clock, string text)
    {
        var b = new List<byte> { 1, 1 };
        VarUInt(b, client);
        VarUInt(b, clock);
        b.Add(0x04); // string content, no origins: parent follows
        b.Add(1);
        VarUInt(b, 6);
        b.AddRange("monaco"u8.ToArray());
        var utf8 = Encoding.UTF8.GetBytes(text);
        VarUInt(b, (ulong)utf8.Length);
        b.AddRange(utf8);
        b.Add(0); // empty delete set
        return b.ToArray();
    }

    /// <summary>A Yjs v1 update deleting <paramref name="length"/> items of <paramref name="client"/> from <paramref name="clock"/>.</summary>
    internal static byte[] DeleteUpdate(ulong client, ulong clock, ulong length)
    {
        var b = new List<byte> { 0, 1 };
        VarUInt(b, client);
        b.Add(1);
        VarUInt(b, clock);
        VarUInt(b, length);
        return b.ToArray();
    }

    private sealed class RoomScript
    {
        private readonly HistoryGenerator _g;
        private readonly Guid _room = Guid.NewGuid();
        private readonly Guid _interview = Guid.NewGuid();
        private readonly Guid _candidate = Guid.NewGuid();
        private readonly Guid _interviewer = Guid.NewGuid();
        private readonly ulong _candidateClient;
        private readonly ulong _interviewerClient;
        private readonly string _stream;
        private ulong _candidateClock;
        private int _budget;
        private int _step;
        private string _language;

        public RoomScript(HistoryGenerator g, int budget)
        {
            _g = g;
            _budget = budget;
            _stream = RoomStream(_room);
            _candidateClient = (ulong)g._random.Next(1, int.MaxValue);
            _interviewerClient = (ulong)g._random.Next(1, int.MaxValue);
            _language = Languages[g._random.Next(Languages.Length)];
        }

        public bool Done { get; private set; }

        public IEnumerable<(string Stream, IReadOnlyList<EventData> Events)> Next(int count)
        {
            var g = _g;
            var r = g._random;
            if (_step == 0)
            {
                _step = 1;
                var at = g.Tick(r.Next(5, 120));
                var question = g._questions[r.Next(g._questions.Count)];
                yield return (_stream, [g.Event("room.created.v1", new { roomId = _room, title = $"Interview {_room.ToString()[..8]}", language = _language, at })]);
                var interview = "interview-" + _interview.ToString("N");
                yield return (interview, [g.Event("interview.scheduled.v1", new { interviewId = _interview, roomId = _room, title = $"Screen {_room.ToString()[..8]}", questionId = question, scheduledFor = at.AddMinutes(5), at })]);
                yield return (_stream,
                [
                    g.Event("room.participant-joined.v1", new { participantId = _interviewer, name = "Interviewer", role = "interviewer", color = "#3366ff", at = g.Tick(1) }),
                    g.Event("room.participant-joined.v1", new { participantId = _candidate, name = "Candidate", role = "candidate", color = "#ff6633", at = g.Tick(2) }),
                ]);
                yield return (interview, [g.Event("interview.started.v1", new { interviewId = _interview, at = g.Tick(1) })]);
                _budget -= 5;
                yield break;
            }

            var events = new List<EventData>(count);
            for (var i = 0; i < count && _budget > 0; i++, _budget--)
            {
                var roll = r.NextDouble();
                var at = g.Tick(r.NextDouble() < 0.004 ? r.Next(61, 240) : r.NextDouble() * 1.5);
                if (roll < 0.60)
                {
                    if (_candidateClock > 4 && r.NextDouble() < 0.2)
                    {
                        var len = (ulong)r.Next(1, 4);
                        events.Add(g.Event("room.document-updated.v1", new { update = DeleteUpdate(_candidateClient, _candidateClock - len, len), clientId = _candidateClient, participantId = _candidate, at }));
                    }
                    else
                    {
                        var text = Snippets[r.Next(Snippets.Length)];
                        events.Add(g.Event("room.document-updated.v1", new { update = InsertUpdate(_candidateClient, _candidateClock, text), clientId = _candidateClient, participantId = _candidate, at }));
                        _candidateClock += (ulong)text.Length;
                    }
                }
                else if (roll < 0.88)
                {
                    var who = r.NextDouble() < 0.7 ? (_candidate, _candidateClient) : (_interviewer, _interviewerClient);
                    events.Add(g.Event("room.awareness-updated.v1", new { entry = "AQ==", clientId = who.Item2, participantId = who.Item1, cursor = new { line = r.Next(1, 80), column = r.Next(1, 60) }, at }));
                }
                else if (roll < 0.92)
                {
                    var fromCandidate = r.NextDouble() < 0.5;
                    events.Add(g.Event("room.chat-message-posted.v1", new { messageId = Guid.NewGuid(), participantId = fromCandidate ? _candidate : _interviewer, name = fromCandidate ? "Candidate" : "Interviewer", text = "Could you explain that, please?", at }));
                }
                else if (roll < 0.925)
                {
                    var chars = r.Next(10, 400);
                    events.Add(g.Event("room.paste-detected.v1", new { participantId = _candidate, size = chars, at }));
                    var text = new string('p', chars);
                    events.Add(g.Event("room.document-updated.v1", new { update = InsertUpdate(_candidateClient, _candidateClock, text), clientId = _candidateClient, participantId = _candidate, at }));
                    _candidateClock += (ulong)chars;
                }
                else if (roll < 0.93)
                {
                    events.Add(g.Event("room.focus-changed.v1", new { participantId = _candidate, focused = false, at }));
                    events.Add(g.Event("room.focus-changed.v1", new { participantId = _candidate, focused = true, at = g.Tick(r.Next(2, 30)) }));
                }
                else if (roll < 0.932)
                {
                    _language = Languages[r.Next(Languages.Length)];
                    events.Add(g.Event("room.language-changed.v1", new { language = _language, participantId = _interviewer, at }));
                }
                else
                {
                    var run = Guid.NewGuid();
                    var verdict = Verdicts[r.Next(Verdicts.Length)];
                    var allPass = verdict == "ok" && r.NextDouble() < 0.5;
                    events.Add(g.Event("room.run-requested.v1", new { runId = run, requestedBy = _candidate, language = _language, code = "print(42)", at }));
                    events.Add(g.Event("room.run-queued.v1", new { runId = run, at = g.Tick(0.01) }));
                    events.Add(g.Event("room.run-started.v1", new { runId = run, at = g.Tick(0.2) }));
                    events.Add(g.Event("room.run-output.v1", new { runId = run, stream = "stdout", text = "42\n", at = g.Tick(0.3) }));
                    events.Add(g.Event("room.run-completed.v1", new
                    {
                        runId = run, verdict, exitCode = verdict == "ok" ? 0 : 1, wallMs = r.Next(20, 2000), cpuMs = r.Next(10, 1500), peakMemoryKb = r.Next(5_000, 90_000), outputTruncated = false,
                        tests = verdict == "ok"
                            ? new object[] { new { name = "sample", verdict = "passed", hidden = false, wallMs = 12 }, new { name = "hidden-1", verdict = allPass ? "passed" : "wrong-answer", hidden = true, wallMs = 30 } }
                            : [],
                        at = g.Tick(0.5),
                    }));
                    _budget -= 4;
                }
            }
            if (events.Count > 0) yield return (_stream, events);
            if (_budget <= 0)
            {
                Done = true;
                yield return (_stream,
                [
                    g.Event("room.participant-left.v1", new { participantId = _candidate, at = g.Tick(3) }),
                    g.Event("room.participant-left.v1", new { participantId = _interviewer, at = g.Tick(3) }),
                ]);
                yield return ("interview-" + _interview.ToString("N"), [g.Event("interview.ended.v1", new { interviewId = _interview, at = g.Tick(1) })]);
            }
        }
    }

    /// <summary>Appends the history to a store, keeping per-stream order with up to <paramref name="inFlight"/> appends outstanding.</summary>
    public async Task<long> AppendAsync(IEventStore store, long totalEvents, int inFlight = 32, CancellationToken ct = default)
    {
        var pending = new Dictionary<string, Task>();
        var window = new Queue<Task>();
        long appended = 0;
        foreach (var (stream, events) in Generate(totalEvents))
        {
            if (pending.TryGetValue(stream, out var previous)) await previous;
            while (window.Count >= inFlight) await window.Dequeue();
            var task = store.AppendAsync(stream, ExpectedRevision.Any, events, ct);
            pending[stream] = task;
            window.Enqueue(task);
            appended += events.Count;
        }
        await Task.WhenAll(window);
        return appended;
    }
}
