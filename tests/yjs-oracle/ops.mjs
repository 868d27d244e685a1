// Request/response oracle: reads JSON lines {id, op, ...} on stdin, answers each with one JSON line {id, ...}
// computed by yjs. Byte arrays travel as base64.
//   merge        {updates:[u]}                  -> {update}      Y.mergeUpdates
//   diff         {update, stateVector}          -> {update}      Y.diffUpdate
//   svFromUpdate {update}                       -> {stateVector} Y.encodeStateVectorFromUpdate
//   toV2         {update}                       -> {update}      Y.convertUpdateFormatV1ToV2
//   toV1         {update}                       -> {update}      Y.convertUpdateFormatV2ToV1
//   relPos       {update, root, index, assoc}   -> {relPos}      encodeRelativePosition(createRelativePositionFromTypeIndex)
//   resolve      {update, relPos}               -> {index|null}  createAbsolutePositionFromRelativePosition
//   awarenessOut {client, states:[json|null]}   -> {updates:[u]} each local state change encoded by y-protocols
//   awarenessIn  {update}                       -> {states:{client:{clock,state}}} as y-protocols applies it
//   syncStep1    {update}                       -> {message}     writeSyncStep1 of a doc holding update
//   syncStep2    {update, stateVector}          -> {message}     writeSyncStep2
//   snapshot     {update}                       -> {snapshot}    encodeSnapshot(snapshot(doc)) of a gc:false doc
//   richText     {client, ops:[[name, ...args]]} -> {state, delta} local Y.Text ops (insert/insertEmbed/format/delete) on "rich"
//   snapshotText {update, snapshot, root}       -> {text}        text of a gc:false doc at a snapshot
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import { createInterface } from 'node:readline'

const d = (s) => new Uint8Array(Buffer.from(s, 'base64'))
const e = (u8) => Buffer.from(u8).toString('base64')

const ops = {
  merge: (r) => ({ update: e(Y.mergeUpdates(r.updates.map(d))) }),
  diff: (r) => ({ update: e(Y.diffUpdate(d(r.update), d(r.stateVector))) }),
  svFromUpdate: (r) => ({ stateVector: e(Y.encodeStateVectorFromUpdate(d(r.update))) }),
  toV2: (r) => ({ update: e(Y.convertUpdateFormatV1ToV2(d(r.update))) }),
  toV1: (r) => ({ update: e(Y.convertUpdateFormatV2ToV1(d(r.update))) }),
  relPos: (r) => {
    const doc = new Y.Doc(); Y.applyUpdate(doc, d(r.update))
    return { relPos: e(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(doc.getText(r.root ?? 'code'), r.index, r.assoc))) }
  },
  resolve: (r) => {
    const doc = new Y.Doc(); Y.applyUpdate(doc, d(r.update))
    const abs = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(d(r.relPos)), doc)
    return { index: abs === null ? null : abs.index }
  },
  awarenessOut: (r) => {
    const doc = new Y.Doc(); doc.clientID = r.client
    const aw = new awarenessProtocol.Awareness(doc)
    const updates = []
    for (const s of r.states) {
      aw.setLocalState(s === null ? null : JSON.parse(s))
      updates.push(e(awarenessProtocol.encodeAwarenessUpdate(aw, [r.client], s === null ? new Map() : aw.getStates())))
    }
    aw.destroy()
    return { updates }
  },
  awarenessIn: (r) => {
    const doc = new Y.Doc(); doc.clientID = 1
    const aw = new awarenessProtocol.Awareness(doc)
    aw.setLocalState(null)
    awarenessProtocol.applyAwarenessUpdate(aw, d(r.update), 'remote')
    const states = {}
    for (const [client, meta] of aw.meta) if (client !== 1) states[client] = { clock: meta.clock, state: aw.getStates().has(client) ? JSON.stringify(aw.getStates().get(client)) : null }
    aw.destroy()
    return { states }
  },
  syncStep1: (r) => {
    const doc = new Y.Doc(); Y.applyUpdate(doc, d(r.update))
    const enc = encoding.createEncoder(); syncProtocol.writeSyncStep1(enc, doc)
    return { message: e(encoding.toUint8Array(enc)) }
  },
  syncStep2: (r) => {
    const doc = new Y.Doc(); Y.applyUpdate(doc, d(r.update))
    const enc = encoding.createEncoder(); syncProtocol.writeSyncStep2(enc, doc, d(r.stateVector))
    return { message: e(encoding.toUint8Array(enc)) }
  },
  snapshot: (r) => {
    const doc = new Y.Doc({ gc: false }); Y.applyUpdate(doc, d(r.update))
    return { snapshot: e(Y.encodeSnapshot(Y.snapshot(doc))) }
  },
  richText: (r) => {
    const doc = new Y.Doc(); doc.clientID = r.client
    const t = doc.getText('rich')
    for (const [name, ...args] of r.ops) doc.transact(() => t[name](...args))
    return { state: e(Y.encodeStateAsUpdate(doc)), delta: JSON.stringify(t.toDelta()) }
  },
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
