// Shared by the golden scripts: records every update a history produces and writes, beside the script,
//   <name>.updates.bin  the v1 updates in order, each prefixed by its length (varUint), as yjs emitted them
//   <name>.state.bin    Y.encodeStateAsUpdate of the final document (v1)
//   <name>.state-v2.bin Y.encodeStateAsUpdateV2 of the final document
//   <name>.expected.json text of each root given, and the state vector (base64)
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function record (docs) {
  const updates = []
  for (const d of docs) d.on('update', (u, origin) => { if (origin !== 'sync') updates.push(u) })
  return updates
}

export function sync (a, b) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'sync')
}

export function write (scriptUrl, doc, updates, textRoots = []) {
  const base = join(dirname(fileURLToPath(scriptUrl)), fileURLToPath(scriptUrl).split('/').pop().replace(/\.mjs$/, ''))
  const enc = encoding.createEncoder()
  for (const u of updates) encoding.writeVarUint8Array(enc, u)
  writeFileSync(`${base}.updates.bin`, encoding.toUint8Array(enc))
  writeFileSync(`${base}.state.bin`, Y.encodeStateAsUpdate(doc))
  writeFileSync(`${base}.state-v2.bin`, Y.encodeStateAsUpdateV2(doc))
  const texts = {}
  for (const r of textRoots) texts[r] = doc.getText(r).toString()
  writeFileSync(`${base}.expected.json`, JSON.stringify({ texts, stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') }, null, 2) + '\n')
}
