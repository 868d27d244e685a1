// The yjs side of `PeerCode.Benchmarks crdt`: replays an editing trace with yjs and prints one JSON line
// with the same figures the engine reports. Usage: node --expose-gc bench.mjs --trace <file.json.gz> [--client <id>] [--runs <n>]
import * as Y from 'yjs'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { performance } from 'node:perf_hooks'

const args = process.argv.slice(2)
const get = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined }
const file = get('trace')
if (!file) { console.error('usage: node bench.mjs --trace <file.json.gz>'); process.exit(2) }
const trace = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'))

// Trace positions are code points; Y.Text indices are UTF-16 units. Track where the astral characters are.
const astral = []
const lowerBound = (cp) => { let lo = 0; let hi = astral.length; while (lo < hi) { const m = (lo + hi) >> 1; if (astral[m] < cp) lo = m + 1; else hi = m } return lo }
const toUtf16 = (cp) => cp + lowerBound(cp)
const apply = (text, [pos, del, ins]) => {
  const at = toUtf16(pos)
  if (del > 0) {
    const end = toUtf16(pos + del)
    text.delete(at, end - at)
    const first = lowerBound(pos); const last = lowerBound(pos + del)
    astral.splice(first, last - first)
    for (let i = first; i < astral.length; i++) astral[i] -= del
  }
  if (ins.length > 0) {
    text.insert(at, ins)
    const cps = Array.from(ins)
    const from = lowerBound(pos)
    for (let i = from; i < astral.length; i++) astral[i] += cps.length
    const added = []
    cps.forEach((c, i) => { if (c.length === 2) added.push(pos + i) })
    astral.splice(from, 0, ...added)
  }
}

let patches = 0
for (const t of trace.txns) patches += t.patches.length

// A full collection before each measured phase when node runs with --expose-gc (the engine side does the same).
const settle = () => { if (typeof globalThis.gc === 'function') globalThis.gc() }

function measure () {
  astral.length = 0
  const doc = new Y.Doc()
  doc.clientID = Number(get('client') ?? 123456789) // same id as the engine, so the encodings are comparable
  const text = doc.getText('code')
  const updates = []
  doc.on('update', (u) => updates.push(u))
  settle()
  let t0 = performance.now()
  if (trace.startContent) text.insert(0, trace.startContent)
  for (const txn of trace.txns) doc.transact(() => { for (const p of txn.patches) apply(text, p) })
  const localApplyMs = performance.now() - t0

  const remote = new Y.Doc()
  settle()
  t0 = performance.now()
  for (const u of updates) Y.applyUpdate(remote, u)
  const applyRemoteUpdatesMs = performance.now() - t0

  const encoded = Y.encodeStateAsUpdate(doc)
  settle()
  t0 = performance.now()
  const parsed = new Y.Doc()
  Y.applyUpdate(parsed, encoded)
  const parseFullMs = performance.now() - t0

  const correct = text.toString() === trace.endContent &&
    remote.getText('code').toString() === trace.endContent &&
    parsed.getText('code').toString() === trace.endContent
  return { localApplyMs, applyRemoteUpdatesMs, encodedBytes: encoded.length, parseFullMs, correct }
}

// Each phase's fastest time over --runs runs (default 3) on fresh documents, as the engine side does.
const runs = Number(get('runs') ?? 3)
const best = measure()
for (let i = 1; i < runs; i++) {
  const m = measure()
  for (const k of ['localApplyMs', 'applyRemoteUpdatesMs', 'parseFullMs']) best[k] = Math.min(best[k], m[k])
  best.correct = best.correct && m.correct
}
const r = (x) => Math.round(x * 10) / 10
console.log(JSON.stringify({ patches, localApplyMs: r(best.localApplyMs), applyRemoteUpdatesMs: r(best.applyRemoteUpdatesMs), encodedBytes: best.encodedBytes, parseFullMs: r(best.parseFullMs), correct: best.correct }))
