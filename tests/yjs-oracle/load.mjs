// Loads engine-encoded states into yjs: reads JSON lines {id, update (base64 v1), root?} on stdin and prints
// JSON lines {id, text, stateVector (base64)} as yjs sees them, or {id, error}.
import * as Y from 'yjs'
import { createInterface } from 'node:readline'

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of rl) {
  if (!line.trim()) continue
  const { id, update, root } = JSON.parse(line)
  try {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Buffer.from(update, 'base64'))
    process.stdout.write(JSON.stringify({ id, text: doc.getText(root ?? 'code').toString(), stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') }) + '\n')
  } catch (e) {
    process.stdout.write(JSON.stringify({ id, error: String(e) }) + '\n')
  }
}
