// Run scenarios for the xunit tests (tests/PeerCode.Web.Tests/Runs): `node runs.mjs <name> <baseUrl> [json args]`;
// prints one JSON line. Every client records every frame the server sent it (raw, before the SignalR client parses it),
// so a test can scan all of it for data that must not reach a candidate.
import { createRoom, PeerClient, until } from './lib.mjs';

const [name, base, argsJson] = process.argv.slice(2);
const args = argsJson ? JSON.parse(argsJson) : {};

async function client(roomId, token, displayName, server = base) {
  const c = await new PeerClient(server, displayName).connect();
  c.raw = [];
  c.runs = [];
  if (typeof c.conn._processIncomingData !== 'function') throw new Error('cannot record raw frames: the SignalR client changed');
  const handle = c.conn._processIncomingData.bind(c.conn);
  c.conn._processIncomingData = (data) => { c.raw.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')); handle(data); };
  c.conn.on('RunUpdate', (u) => c.runs.push(u));
  await c.join(roomId, token);
  await until(() => c.synced, 5000, `${displayName} to sync`);
  return c;
}

const completed = (c, runId) => c.runs.some((u) => u.runId === runId && u.kind === 'completed');

const scenarios = {
  // Two server processes on one store: a run requested on args.bases[0] reaches a client of args.bases[1] in order.
  async twoNodes() {
    const [a, b] = args.bases;
    const room = await createRoom(a, 'Two nodes', 'python');
    const onA = await client(room.roomId, room.tokens.interviewer, 'on-a', a);
    const onB = await client(room.roomId, room.tokens.candidate, 'on-b', b);
    onA.text.insert(0, 'print("from node a")\n');
    await onA.flush();
    await until(() => onB.text.toString() === onA.text.toString(), 5000, 'code to cross');
    const accepted = await onA.invoke('RequestRun', 'python', '', []);
    if (!accepted?.runId) throw new Error(`RequestRun failed: ${onA.failures.join('; ')}`);
    await until(() => completed(onB, accepted.runId) && completed(onA, accepted.runId), 30000, 'the run to complete on both nodes');
    const result = { runId: accepted.runId, onA: onA.runs, onB: onB.runs, failures: onA.failures.concat(onB.failures) };
    await onA.stop(); await onB.stop();
    return result;
  },

  // A room whose document holds args.pieces updates of args.size characters each (made here: argv cannot carry a MiB).
  async bigRoom() {
    const room = await createRoom(base, 'Big', 'python');
    const c = await client(room.roomId, room.tokens.candidate, 'writer');
    for (let i = 0; i < args.pieces; i++) { c.text.insert(c.text.length, '#' + 'x'.repeat(args.size - 2) + '\n'); await c.flush(); }
    const result = { roomId: room.roomId, tokens: room.tokens, length: c.text.length, failures: c.failures };
    await c.stop();
    return result;
  },

  // The interviewer runs the room's code with a visible and two hidden tests; the candidate and the observer watch;
  // the candidate runs too; the observer may not.
  async hidden() {
    const room = await createRoom(base, 'Runs', 'python');
    const interviewer = await client(room.roomId, room.tokens.interviewer, 'interviewer');
    const candidate = await client(room.roomId, room.tokens.candidate, 'candidate');
    const observer = await client(room.roomId, room.tokens.observer, 'observer');
    const code = 'import sys\nprint(sys.stdin.read().strip().upper())\n';
    candidate.text.insert(0, code);
    await candidate.flush();
    await until(() => interviewer.text.toString() === code, 5000, 'code to reach the interviewer');

    const { secrets } = args;
    const tests = [
      { name: 'visible', stdin: 'visible-in', expectedStdout: 'VISIBLE-IN', hidden: false },
      { name: 'hidden-pass', stdin: secrets[0], expectedStdout: secrets[0].toUpperCase(), hidden: true },
      { name: 'hidden-fail', stdin: secrets[1], expectedStdout: secrets[2], hidden: true },
    ];
    const accepted = await interviewer.invoke('RequestRun', 'python', 'main-input', tests);
    const runId = accepted?.runId;
    if (!runId) throw new Error(`RequestRun failed: ${interviewer.failures.join('; ')}`);
    await until(() => [interviewer, candidate, observer].every((c) => completed(c, runId)), 30000, 'the run to complete everywhere');

    const own = await candidate.invoke('RequestRun', 'python', 'from the candidate', []);
    await observer.invoke('RequestRun', 'python', '', []);
    if (own?.runId) await until(() => completed(interviewer, own.runId) && completed(candidate, own.runId), 30000, "the candidate's run to complete for the interviewer and the candidate");

    const view = (c) => c.runs.filter((u) => u.runId === runId);
    const result = {
      roomId: room.roomId, tokens: room.tokens, code, runId, candidateRunId: own?.runId ?? null,
      interviewer: view(interviewer), candidate: view(candidate), observer: view(observer),
      candidateOwn: candidate.runs.filter((u) => u.runId === own?.runId).map((u) => u.kind),
      candidateRaw: candidate.raw.join('\n'), observerRaw: observer.raw.join('\n'),
      candidateFailures: candidate.failures, observerFailures: observer.failures, interviewerFailures: interviewer.failures,
    };
    for (const c of [interviewer, candidate, observer]) await c.stop();
    return result;
  },
};

try {
  const result = await scenarios[name]();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.stack ?? e) }) + '\n');
  process.exit(1);
}
