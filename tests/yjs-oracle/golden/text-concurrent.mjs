// Two clients type, delete and insert at the same positions concurrently, with multi-byte and surrogate-pair text.
import * as Y from 'yjs'
import { record, sync, write } from './_golden.mjs'

const a = new Y.Doc(); a.clientID = 1001
const b = new Y.Doc(); b.clientID = 2002
const updates = record([a, b])
const ta = a.getText('code'); const tb = b.getText('code')
ta.insert(0, 'function hello() {\n  return 1\n}\n')
sync(a, b)
ta.insert(18, ' // é€中')
tb.insert(18, ' /* 😀👍🏽 */')
tb.delete(0, 8)
sync(a, b); sync(b, a)
a.transact(() => { ta.delete(3, 4); ta.insert(3, 'ΩΩ') })
tb.insert(tb.length, 'tail 😀')
tb.delete(tb.length - 1, 1) // cuts the surrogate pair: yjs keeps U+FFFD halves
sync(a, b); sync(b, a)
for (let i = 0; i < 20; i++) ta.insert(10 + i, String.fromCharCode(97 + i))
ta.delete(12, 5)
sync(a, b)
write(import.meta.url, b, updates, ['code'])
