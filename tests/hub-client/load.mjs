// Collab load generator for `PeerCode.Benchmarks collab`: R rooms x C clients, each client inserting into the shared
// text at RATE edits/s for SECONDS. Fan-out latency of an edit = from just before the sender's local insert until every
// other client in the room has applied it (seen through its Yjs state vector). Prints one JSON line.
// usage: node load.mjs --base URL --rooms 100 --clients 3 --rate 5 --seconds 30
import { createRoom, PeerClient, until, sleep, Y } from './lib.mjs';

const opt = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const base = opt.base, rooms = +(opt.rooms ?? 100), clients = +(opt.clients ?? 3), rate = +(opt.rate ?? 5), seconds = +(opt.seconds ?? 30);

const latencies = [];
let errors = 0, acked = 0, sent = 0;
const all = [];

async function setupRoom() {
  const room = await createRoom(base, 'load', 'python');
  const peers = [];
  for (let i = 0; i < clients; i++) {
    const c = await new PeerClient(base, `load-${i}`).connect();
    await c.join(room.roomId, i === 0 ? room.tokens.interviewer : room.tokens.candidate);
    await until(() => c.synced, 20000, 'sync');
    peers.push(c);
  }
  // Per sender: the edits still travelling, in clock order, each with how many receivers still lack it.
  const queues = new Map(peers.map((p) => [p.doc.clientID, []]));
  for (const receiver of peers) {
    receiver.onUpdateReceived = () => {
      const now = performance.now();
      for (const sender of peers) {
        if (sender === receiver) continue;
        const q = queues.get(sender.doc.clientID);
        const state = Y.getState(receiver.doc.store, sender.doc.clientID);
        for (const e of q) {
          if (e.clock > state) break;
          if (e.seenBy.has(receiver)) continue;
          e.seenBy.add(receiver);
          if (e.seenBy.size === peers.length - 1) latencies.push(now - e.t0);
        }
        while (q.length && q[0].seenBy.size === peers.length - 1) q.shift();
      }
    };
  }
  return { peers, queues };
}

// Set the rooms up a few at a time (each join is a durable append).
const roomsReady = [];
for (let i = 0; i < rooms; i += 10) roomsReady.push(...(await Promise.all(Array.from({ length: Math.min(10, rooms - i) }, setupRoom))));
for (const r of roomsReady) all.push(...r.peers);

const interval = 1000 / rate;
const started = performance.now();
const stopAt = started + seconds * 1000;
const tickers = [];
for (const { peers, queues } of roomsReady) {
  for (const p of peers) {
    let n = 0;
    const tick = async () => {
      while (performance.now() < stopAt) {
        const due = started + Math.random() * interval + n * interval;
        n++;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const t0 = performance.now();
        const len = p.text.length;
        p.text.insert(len > 0 ? Math.floor(Math.random() * len) : 0, 'x');
        queues.get(p.doc.clientID).push({ clock: Y.getState(p.doc.store, p.doc.clientID), t0, seenBy: new Set() });
        sent++;
      }
    };
    tickers.push(tick());
  }
}
await Promise.all(tickers);
for (const p of all) await p.flush();
const elapsed = (performance.now() - started) / 1000;
await sleep(500);
for (const p of all) { errors += p.failures.length + p.errors.length; acked = sent; }
latencies.sort((a, b) => a - b);
const pct = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null);
const expected = sent;
const result = {
  edits: sent, seconds: +elapsed.toFixed(2), editsPerSec: +(sent / elapsed).toFixed(1),
  fanoutP50Ms: pct(0.5) && +pct(0.5).toFixed(2), fanoutP99Ms: pct(0.99) && +pct(0.99).toFixed(2), fanoutMaxMs: latencies.length ? +latencies.at(-1).toFixed(2) : null,
  delivered: latencies.length, undelivered: expected - latencies.length, errors,
};
process.stdout.write(JSON.stringify(result) + '\n');
await Promise.all(all.map((p) => p.stop().catch(() => {})));
process.exit(0);
