// Private-note scenarios the xunit tests run: `node notes.mjs <name> <baseUrl> [json args]`; prints one JSON line.
// Every hub connection built here also records each raw frame it receives (before the SignalR client parses it), so a
// test can assert that a note's text appears in no message at all, not only that no "Note" handler fired.
import * as signalR from '@microsoft/signalr';
import { createRoom, joined, until, sleep } from './lib.mjs';

const build = signalR.HubConnectionBuilder.prototype.build;
signalR.HubConnectionBuilder.prototype.build = function () {
  const hub = build.call(this);
  const frames = [];
  hub.rawFrames = frames;
  const receive = hub.connection.onreceive;
  hub.connection.onreceive = (data) => {
    frames.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    receive(data);
  };
  return hub;
};

const [name, base, argsJson] = process.argv.slice(2);
const args = argsJson ? JSON.parse(argsJson) : {};

/** A joined connection; `account` (a bearer token) signs it in, as the browser's cookie would. */
async function client(server, roomId, token, who, account = null) {
  const c = await joined(server, roomId, token, who, account ? { accessToken: account } : {});
  c.notes = [];
  c.conn.on('Note', (n) => c.notes.push(n));
  return c;
}

/** What one connection received: its notes, whether any raw frame held a secret, and the message targets it saw. */
function report(c, secrets) {
  const raw = c.conn.rawFrames.join('\n');
  const targets = new Set();
  for (const frame of raw.split('\x1e')) {
    try { const m = JSON.parse(frame); if (m.target) targets.add(m.target); } catch { /* handshake or partial text */ }
  }
  return {
    role: c.joined.role,
    notes: c.notes.map((n) => n.text),
    notesFull: c.notes,
    secretsSeen: secrets.filter((s) => raw.includes(s)),
    targets: [...targets].sort(),
    frames: c.conn.rawFrames.length,
    failures: c.failures,
    chats: c.chats.map((m) => m.text),
  };
}

const scenarios = {
  // args.bases: two servers on one store. Interviewers, candidates and observers on both; notes posted on each server;
  // candidates and observers try to post; bad notes are refused; late joiners arrive after the notes.
  async privacy() {
    const [a, b] = args.bases;
    const room = await createRoom(a, 'Notes privacy', 'python', { accessToken: args.accessTokens.ivy });
    const t = room.tokens;
    const ivyA = await client(a, room.roomId, t.interviewer, 'Ivy (interviewer on A)', args.accessTokens?.ivy);
    const benB = await client(b, room.roomId, t.interviewer, 'Ben (interviewer on B)', args.accessTokens?.ben);
    const coraA = await client(a, room.roomId, t.candidate, 'Cora (candidate on A)');
    const olgaA = await client(a, room.roomId, t.observer, 'Olga (observer on A)');
    const carlB = await client(b, room.roomId, t.candidate, 'Carl (candidate on B)');
    const ottoB = await client(b, room.roomId, t.observer, 'Otto (observer on B)');
    const everyone = [ivyA, benB, coraA, olgaA, carlB, ottoB];

    const secretA = `NOTE-SECRET-A-${args.salt}`;
    const secretB = `NOTE-SECRET-B-${args.salt}`;
    const ackA = await ivyA.invoke('PostNote', `  ${secretA} weak on edge cases  `);
    const ackB = await benB.invoke('PostNote', `${secretB}\nsecond line`);
    const refused = {
      candidate: await coraA.invoke('PostNote', `CANDIDATE-NOTE-${args.salt}`).then(() => coraA.failures.at(-1)),
      observer: await ottoB.invoke('PostNote', `OBSERVER-NOTE-${args.salt}`).then(() => ottoB.failures.at(-1)),
      empty: await ivyA.invoke('PostNote', '   ').then(() => ivyA.failures.at(-1)),
      tooLong: await benB.invoke('PostNote', 'x'.repeat(4001)).then(() => benB.failures.at(-1)),
    };

    // Barrier: chat posted on each server after the notes reaches everyone in stream order, so any note that were sent
    // to a connection would have arrived before the chat does.
    await ivyA.invoke('SendChat', 'barrier from A');
    await benB.invoke('SendChat', 'barrier from B');
    await until(() => everyone.every((c) => c.chats.some((m) => m.text === 'barrier from A') && c.chats.some((m) => m.text === 'barrier from B')), 5000, 'barrier chats');
    await until(() => ivyA.notes.length >= 2 && benB.notes.length >= 2, 5000, 'notes to reach both interviewers').catch(() => {});

    // Late joiners, after the notes exist: whatever a join sends (result, greeting, presence) holds no note either.
    const lateCora = await client(b, room.roomId, t.candidate, 'Late candidate on B');
    const lateOlga = await client(a, room.roomId, t.observer, 'Late observer on A');
    await sleep(300);

    const secrets = [secretA, secretB, `CANDIDATE-NOTE-${args.salt}`, `OBSERVER-NOTE-${args.salt}`];
    const result = {
      roomId: room.roomId, tokens: t, secretA, secretB, ackA, ackB, refused,
      clients: Object.fromEntries([
        ['ivyA', ivyA], ['benB', benB], ['coraA', coraA], ['olgaA', olgaA], ['carlB', carlB], ['ottoB', ottoB], ['lateCora', lateCora], ['lateOlga', lateOlga],
      ].map(([k, c]) => [k, report(c, secrets)])),
    };
    for (const c of [...everyone, lateCora, lateOlga]) await c.stop();
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
