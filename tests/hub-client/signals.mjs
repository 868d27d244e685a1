// Integrity signals through the hub: `node signals.mjs <baseUrl>`; prints one JSON line.
// A candidate reports a paste and focus lost then regained; an observer's paste and an impossible size are refused.
import { createRoom, joined } from './lib.mjs';

const [base] = process.argv.slice(2);
const room = await createRoom(base);
const candidate = await joined(base, room.roomId, room.tokens.candidate, 'Cora');
const observer = await joined(base, room.roomId, room.tokens.observer, 'Olga');
await candidate.invoke('ReportPaste', 640);
await candidate.invoke('ReportFocus', false);
await candidate.invoke('ReportFocus', true);
await candidate.invoke('ReportPaste', -1);
await observer.invoke('ReportPaste', 5);
await candidate.flush();
await observer.flush();
console.log(JSON.stringify({
  roomId: room.roomId, interviewer: room.tokens.interviewer, candidateFailures: candidate.failures, observerFailures: observer.failures,
  candidateClosed: candidate.closedWith !== undefined,
}));
for (const c of [candidate, observer]) await c.stop();
