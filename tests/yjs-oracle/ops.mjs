// Request/response oracle: reads JSON lines {id, op, ...} on stdin, answers each with one JSON line {id, ...}
// computed by yjs. Byte arrays travel as base64.
//   merge        {updates:[u]}                  -> {update}      Y.mergeUpdates
//   diff         {update, stateVector}          -> {update}      Y.diffUpdate
//   svFromUpdate {update}                       -> {stateVector} Y.encodeStateVectorFromUpdate
//   toV2         {update}                       -> {update}      Y.convertUpdateFormatV1ToV2
//   toV1         {update}                       -> {update}      Y.convertUpdateFormatV2ToV1
//   snapshotText {update, snapshot, root}       -> {text}        text of a gc:false doc at a snapshot
import * as Y from 'yjs'
import { createInterface } from 'node:readline'

const d = (s) => new Uint8Array(Buffer.from(s, 'base64'))
const e = (u8) => Buffer.from(u8).toString('base64')

const ops = {
  merge: (r) => ({ update: e(Y.mergeUpdates(r.updates.map(d))) }),
  diff: (r) => ({ update: e(Y.diffUpdate(d(r.update), d(r.stateVector))) }),
  svFromUpdate: (r) => ({ stateVector: e(Y.encodeStateVectorFromUpdate(d(r.update))) }),
  toV2: (r) => ({ update: e(Y.convertUpdateFormatV1ToV2(d(r.update))) }),
  toV1: (r) => ({ update: e(Y.convertUpdateFormatV2ToV1(d(r.update))) }),
  snapshotText: (r) => {
    const doc = new Y.Doc({ gc: false })
    Y.applyUpdate(doc, d(r.update))
    const restored = Y.createDocFromSnapshot(doc, Y.decodeSnapshot(d(r.snapshot)))
    return { text: restored.getText(r.root ?? 'code').toString() }
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (!line.trim()) continue
  const req = JSON.parse(line)
  try {
    process.stdout.write(JSON.stringify({ id: req.id, ...ops[req.op](req) }) + '\n')
  } catch (err) {
    process.stdout.write(JSON.stringify({ id: req.id, error: String(err && err.stack || err) }) + '\n')
  }
}
