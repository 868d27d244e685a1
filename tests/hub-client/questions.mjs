// Question-in-a-room scenarios for the xunit tests (tests/PeerCode.Web.Tests/Questions): `node questions.mjs <name> <baseUrl> [json args]`;
// prints one JSON line. Candidate and observer clients record every frame the server sent them (raw), so the test can
// scan all of it for hidden test data.
import { createRoom, PeerClient, until, fromB64, Y, decoding } from './lib.mjs';

const [name, base, argsJson] = process.argv.slice(2);
const args = argsJson ? JSON.parse(argsJson) : {};

async function client(roomId, token, displayName, accessToken) {
  const c = new PeerClient(base, displayName);
  c.accessToken = accessToken;
  await c.connect();
  c.raw = [];
  c.questions = [];
  c.runs = [];
  c.updates = [];
  if (typeof c.conn._processIncomingData !== 'function') throw new Error('cannot record raw frames: the SignalR client changed');
  const handle = c.conn._processIncomingData.bind(c.conn);
  c.conn._processIncomingData = (data) => { c.raw.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')); handle(data); };
  c.conn.on('Question', (q) => c.questions.push(q));
  c.conn.on('RunUpdate', (u) => c.runs.push(u));
  c.onUpdateReceived = (bytes) => c.updates.push(Buffer.from(bytes).toString('base64'));
  await c.join(roomId, token);
  await until(() => c.synced, 5000, `${displayName} to sync`);
  return c;
}

// The y-protocols sync "update" payloads (type 0, step 2) among the Yjs messages a client received.
function syncUpdates(c) {
  return c.updates.map((b64) => {
    const d = decoding.createDecoder(fromB64(b64));
    const type = decoding.readVarUint(d);
    const step = decoding.readVarUint(d);
    return type === 0 && step === 2 ? decoding.readVarUint8Array(d) : null;
  }).filter((u) => u !== null);
}

const scenarios = {
  // The signed-in interviewer picks args.questionId into a python room whose document is empty; the candidate and the
  // observer are already there; a second candidate joins late; the candidate then runs with no tests of its own.
  async select() {
    const room = await createRoom(base, 'Question room', 'python', { accessToken: args.accessToken });
    const candidate = await client(room.roomId, room.tokens.candidate, 'candidate');
    const observer = await client(room.roomId, room.tokens.observer, 'observer');
    const interviewer = await client(room.roomId, room.tokens.interviewer, 'interviewer', args.accessToken);
    const anonymousInterviewer = await client(room.roomId, room.tokens.interviewer, 'no-account');

    await candidate.invoke('SelectQuestion', args.questionId);
    await anonymousInterviewer.invoke('SelectQuestion', args.questionId);
    const picked = await interviewer.invoke('SelectQuestion', args.questionId);
    if (!picked) throw new Error(`SelectQuestion failed: ${interviewer.failures.join('; ')}`);
    await until(() => candidate.questions.length > 0 && observer.questions.length > 0 && interviewer.questions.length > 0, 5000, 'the Question message');
    await until(() => candidate.text.toString().length > 0 && observer.text.toString().length > 0, 5000, 'the starter code');

    // Each update the candidate received, applied alone to an empty document: one of them is the whole starter code.
    const seeded = syncUpdates(candidate).map((u) => { const d = new Y.Doc(); Y.applyUpdate(d, u); return d.getText('monaco').toString(); });

    const late = await client(room.roomId, room.tokens.candidate, 'late-candidate');
    await until(() => late.questions.length > 0 && late.text.toString().length > 0, 5000, 'the late joiner to get the question and the code');

    const accepted = await candidate.invoke('RequestRun', 'python', '', []);
    if (!accepted?.runId) throw new Error(`RequestRun failed: ${candidate.failures.join('; ')}`);
    const completed = (c) => c.runs.some((u) => u.runId === accepted.runId && u.kind === 'completed');
    await until(() => completed(candidate) && completed(interviewer) && completed(observer), 30000, 'the run to complete');

    const result = {
      roomId: room.roomId,
      tokens: room.tokens,
      picked,
      interviewerQuestion: interviewer.questions.at(-1),
      candidateQuestion: candidate.questions.at(-1),
      observerQuestion: observer.questions.at(-1),
      lateJoinResult: late.joined.question,
      lateQuestion: late.questions.at(-1),
      candidateText: candidate.text.toString(),
      interviewerText: interviewer.text.toString(),
      lateText: late.text.toString(),
      seeded,
      candidateFailures: candidate.failures,
      anonymousFailures: anonymousInterviewer.failures,
      interviewerFailures: interviewer.failures,
      candidateRun: candidate.runs.filter((u) => u.runId === accepted.runId),
      interviewerRun: interviewer.runs.filter((u) => u.runId === accepted.runId),
      candidateRaw: candidate.raw.join('\n'),
      observerRaw: observer.raw.join('\n'),
      lateRaw: late.raw.join('\n'),
    };
    for (const c of [candidate, observer, interviewer, anonymousInterviewer, late]) await c.stop();
    return result;
  },
};

const scenario = scenarios[name];
if (!scenario) { console.error(`unknown scenario ${name}`); process.exit(2); }
try {
  console.log(JSON.stringify(await scenario()));
  process.exit(0);
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
