// The load both collab targets share (PeerCode's hub and @hocuspocus/server): R rooms x C clients, each inserting into
// the shared text at RATE edits/s for SECONDS. Fan-out latency of an edit = from just before the sender's local insert
// until every other client of the room has applied it (seen through its Yjs state vector). Prints one JSON line.
// Over the editing phase it also reports its own CPU and event-loop delay (a saturated generator inflates the latency
// it measures) and, with --server-pid, the server process's CPU from /proc (clock ticks of 10 ms).
// --warmup W: the same clients edit for W seconds first, unmeasured (edits started then are not counted, and CPU and
// event-loop delay are taken from the end of it), so both the server and this process are measured warm: a fresh Node
// process spends its first seconds compiling its own code, at over a core for four generators on this machine, which
// starved whichever server it was measuring.
// --coordinated: the benchmark runs several generator processes (browsers are separate processes too, and one Node
// thread for hundreds of clients queues their messages behind each other): each opens rooms --first-room.. , prints
// "ready", starts editing when it reads "go" on stdin, and adds its sorted latencies to the JSON line for merging.
import { createInterface } from 'node:readline';
import * as Y from 'yjs';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function options() {
  const argv = process.argv.slice(2);
  const o = {};
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith('--')) o[argv[i].slice(2)] = argv[i + 1];
  return {
    base: o.base, rooms: +(o.rooms ?? 100), clients: +(o.clients ?? 3), rate: +(o.rate ?? 5), seconds: +(o.seconds ?? 30),
    serverPid: o['server-pid'] ? +o['server-pid'] : null, firstRoom: +(o['first-room'] ?? 0), coordinated: 'coordinated' in o,
    warmup: +(o.warmup ?? 0),
  };
}

/** CPU time (user + system) of a process in ms, from /proc/PID/stat (fields 14 and 15, in ticks of 1/100 s). */
function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * openRoom(roomIndex) → array of clients { doc, text, onRemoteUpdate (settable callback), flush(), stop(), errorCount() }.
 */
export async function runLoad({ rooms, clients, rate, seconds, serverPid, firstRoom, coordinated, warmup }, openRoom) {
  const latencies = [];
  let sent = 0;
  const setups = [];
  for (let i = 0; i < rooms; i += 10) {
    setups.push(...(await Promise.all(Array.from({ length: Math.min(10, rooms - i) }, (_, k) => openRoom(firstRoom + i + k)))));
  }
  const roomsReady = setups.map((peers) => {
    const queues = new Map(peers.map((p) => [p.doc.clientID, []]));
    for (const receiver of peers) {
      receiver.onRemoteUpdate = () => {
        const now = performance.now();
        for (const sender of peers) {
          if (sender === receiver) continue;
          const q = queues.get(sender.doc.clientID);
          const state = Y.getState(receiver.doc.store, sender.doc.clientID);
          for (const e of q) {
            if (e.clock > state) break;
            if (e.seenBy.has(receiver)) continue;
            e.seenBy.add(receiver);
            if (e.seenBy.size === peers.length - 1 && e.inWindow) latencies.push(now - e.t0);
          }
          while (q.length && q[0].seenBy.size === peers.length - 1) q.shift();
        }
      };
    }
    return { peers, queues };
  });
  const all = roomsReady.flatMap((r) => r.peers);

  if (coordinated) {
    process.stdout.write('ready\n');
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) if (line.trim() === 'go') break;
    lines.close();
  }
  const interval = 1000 / rate;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let cpuAtStart, serverCpuAtStart; // taken when the measured window opens
  const editingFrom = performance.now();
  const started = editingFrom + warmup * 1000; // the measured window starts here
  const stopAt = started + seconds * 1000;
  const measuring = (async () => {
    if (warmup > 0) await sleep(started - performance.now());
    cpuAtStart = process.cpuUsage();
    serverCpuAtStart = serverPid ? processCpuMs(serverPid) : null;
    loopDelay.reset();
    if (coordinated) process.stdout.write('measuring\n');
  })();
  const tickers = [];
  for (const { peers, queues } of roomsReady) {
    for (const p of peers) {
      tickers.push((async () => {
        const offset = Math.random() * interval;
        for (let n = 0; ; n++) {
          const due = editingFrom + offset + n * interval;
          if (due >= stopAt) break;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const t0 = performance.now();
          const len = p.text.length;
          p.text.insert(len > 0 ? Math.floor(Math.random() * len) : 0, 'x');
          const inWindow = t0 >= started;
          queues.get(p.doc.clientID).push({ clock: Y.getState(p.doc.store, p.doc.clientID), t0, seenBy: new Set(), inWindow });
          if (inWindow) sent++;
        }
      })());
    }
  }
  await Promise.all(tickers);
  await measuring;
  const elapsed = (performance.now() - started) / 1000;
  for (const p of all) await p.flush();
  const measured = (performance.now() - started) / 1000; // the CPU window: editing and the last acknowledgements
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuAtStart);
  const generatorCpuMs = (cpu.user + cpu.system) / 1000;
  const serverCpuMs = serverPid ? processCpuMs(serverPid) - serverCpuAtStart : null;
  await sleep(1000);
  const errors = all.reduce((n, p) => n + p.errorCount(), 0);
  latencies.sort((a, b) => a - b);
  const pct = (q) => (latencies.length ? +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2) : null);
  const result = {
    edits: sent, seconds: +elapsed.toFixed(2), editsPerSec: +(sent / elapsed).toFixed(1),
    fanoutP50Ms: pct(0.5), fanoutP99Ms: pct(0.99), fanoutMaxMs: latencies.length ? +latencies.at(-1).toFixed(2) : null,
    delivered: latencies.length, undelivered: sent - latencies.length, errors,
    generatorCpuMs: Math.round(generatorCpuMs), generatorCpuCores: +(generatorCpuMs / 1000 / measured).toFixed(3),
    generatorLoopDelayP99Ms: +(loopDelay.percentile(99) / 1e6).toFixed(2), generatorLoopDelayMaxMs: +(loopDelay.max / 1e6).toFixed(2),
    serverCpuMs, serverCpuCores: serverCpuMs === null ? null : +(serverCpuMs / 1000 / measured).toFixed(3),
    serverCpuMsPerEdit: serverCpuMs === null || sent === 0 ? null : +(serverCpuMs / sent).toFixed(3),
    ...(coordinated ? { cpuSeconds: +measured.toFixed(3), latencies: latencies.map((l) => +l.toFixed(2)) } : {}),
  };
  // Flushed before exiting: a pipe write is asynchronous, and process.exit drops what the reader has not taken yet.
  await new Promise((resolve) => process.stdout.write(JSON.stringify(result) + '\n', resolve));
  await Promise.all(all.map((p) => p.stop().catch(() => {})));
  process.exit(0);
}
