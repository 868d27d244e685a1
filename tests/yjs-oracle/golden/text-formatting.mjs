// Rich text: attributes on insert, format() over ranges, embeds, deletes across format boundaries.
import * as Y from 'yjs'
import { record, write } from './_golden.mjs'

const doc = new Y.Doc(); doc.clientID = 77
const updates = record([doc])
const t = doc.getText('rich')
t.insert(0, 'Hello world, this is rich text.')
t.format(0, 5, { bold: true })
t.format(6, 5, { italic: true, color: '#ff0000' })
t.insert(5, '!!', { bold: true })
t.insertEmbed(8, { image: 'https://example.com/a.png', width: 120.5 })
t.format(2, 10, { bold: null })
t.delete(4, 6)
t.insert(0, 'Title\n', { header: 1 })
t.format(0, 20, { link: { href: 'https://example.com', rel: ['nofollow', 'noopener'] } })
write(import.meta.url, doc, updates, ['rich'])
