// The yjs twin of `PeerCode.Benchmarks yjs-apply`: applies length-prefixed v1 updates from a file in order and
// prints {"text","stateVector","update"} (base64) as one JSON line. Usage: node apply.mjs --input f [--text root]
// With --make-input out.bin --seed N it instead writes a fuzz scenario's updates (shuffled, some held back) to out.bin.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { readFileSync, writeFileSync } from 'node:fs'
import { scenario } from './fuzz-lib.mjs'

const args = process.argv.slice(2)
const get = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined }
if (get('make-input')) {
  const s = scenario(Number(get('seed') ?? 1))
  const enc = encoding.createEncoder()
  const drop = Number(get('drop') ?? -1)
  s.order.filter((i) => i !== drop).forEach((i) => encoding.writeVarUint8Array(enc, Buffer.from(s.updates[i], 'base64')))
  writeFileSync(get('make-input'), encoding.toUint8Array(enc))
} else {
  const dec = decoding.createDecoder(readFileSync(get('input')))
  const doc = new Y.Doc()
  while (decoding.hasContent(dec)) Y.applyUpdate(doc, decoding.readVarUint8Array(dec))
  const b64 = (u8) => Buffer.from(u8).toString('base64')
  console.log(JSON.stringify({ text: doc.getText(get('text') ?? 'code').toString(), stateVector: b64(Y.encodeStateVector(doc)), update: b64(Y.encodeStateAsUpdate(doc)) }))
}
