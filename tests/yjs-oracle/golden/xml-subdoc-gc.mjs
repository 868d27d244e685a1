// XML types (element with attributes, text, hook), a sub-document, and deleted nested types whose
// children are garbage collected into GC structs.
import * as Y from 'yjs'
import { record, write } from './_golden.mjs'

const doc = new Y.Doc(); doc.clientID = 5
const updates = record([doc])
const frag = doc.getXmlFragment('xml')
const p = new Y.XmlElement('paragraph')
frag.insert(0, [p])
p.setAttribute('class', 'intro')
const xt = new Y.XmlText('some xml text')
p.insert(0, [xt])
xt.format(0, 4, { bold: true })
frag.insert(1, [new Y.XmlHook('custom-hook')])
const m = doc.getMap('meta')
m.set('subdoc', new Y.Doc({ guid: 'sub-document-guid', meta: { kind: 'notes' } }))
const doomed = new Y.Map()
m.set('doomed', doomed)
doomed.set('a', 'will be collected')
const doomedText = new Y.Text('collected text')
doomed.set('t', doomedText)
doomedText.insert(3, 'more')
m.delete('doomed')
const list = doc.getArray('list')
const inner = new Y.Array()
list.push([inner, 'keep'])
inner.push(['gone', 'too'])
list.delete(0, 1)
write(import.meta.url, doc, updates)
