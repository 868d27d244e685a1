// Maps and arrays with every kind of value yjs encodes: numbers (int, negative, float32, float64), bigint,
// strings, booleans, null, undefined, nested objects and arrays, binary, and nested shared types.
import * as Y from 'yjs'
import { record, write } from './_golden.mjs'

const doc = new Y.Doc(); doc.clientID = 4242424242
const updates = record([doc])
const m = doc.getMap('settings')
m.set('int', 42)
m.set('neg', -123456)
m.set('big', 2 ** 40)
m.set('f32', 0.5)
m.set('f64', 0.1)
m.set('bigint', 12345678901234567n)
m.set('str', 'héllo 😀')
m.set('yes', true)
m.set('no', false)
m.set('nil', null)
m.set('undef', undefined)
m.set('obj', { a: 1, b: [1, 'two', { c: null }], 'key with space': 'v' })
m.set('bin', new Uint8Array([0, 1, 2, 250, 255]))
m.set('int', 43) // overwrite: the old value is deleted
m.delete('no')
const nested = new Y.Map()
m.set('nested', nested)
nested.set('inner', 'value')
const arr = doc.getArray('list')
arr.insert(0, [1, 2, 3, 'four', { five: 5 }])
arr.push([new Uint8Array([9, 9])])
const sub = new Y.Array()
arr.insert(2, [sub])
sub.push(['x', 'y', 'z'])
const subText = new Y.Text('nested text')
arr.push([subText])
subText.insert(0, '>> ')
arr.delete(0, 2)
arr.insert(1, ['after-delete'])
write(import.meta.url, doc, updates)
