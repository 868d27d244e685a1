// Differential fuzzing scenarios: 2 to 5 yjs clients make random concurrent edits to the text "code"
// (same-position inserts, multi-byte and surrogate-pair text, deletes that may cut pairs), syncing only
// now and then. Every local update is recorded; the delivery order given to the engine is shuffled, with
// duplicates and late arrivals. Prints one JSON line per seed with yjs's final text, state vector and state.
import * as Y from 'yjs'
import * as prng from 'lib0/prng'

const b64 = (u8) => Buffer.from(u8).toString('base64')

const bmpPieces = ['a', 'b', 'xyz', ' ', '\n', 'é', 'ß', '€', '中文', 'hello ', 'Ω']
const pieces = ['a', 'b', 'xyz', ' ', '\n', 'é', 'ß', '€', '中文', '😀', '👍🏽', 'a😀b', '\u{1F600}\u{1F601}', 'hello ', 'Ω']

const values = [0, 1, -7, 2 ** 33, 0.25, 0.1, 'str', 'é😀', true, false, null, { a: 1, b: [1, 'x'] }, [1, 2, 3]]

// Edits to a map and an array (nested maps, arrays and texts included), so their integration and encoding
// are compared with yjs too.
function structureEdit (gen, doc) {
  const map = doc.getMap('meta')
  const list = doc.getArray('list')
  switch (prng.int32(gen, 0, 6)) {
    case 0: map.set(prng.oneOf(gen, ['a', 'b', 'c', 'd']), prng.oneOf(gen, values)); break
    case 1: map.delete(prng.oneOf(gen, ['a', 'b', 'c', 'd'])); break
    case 2: {
      const inner = new Y.Map()
      map.set(prng.oneOf(gen, ['n1', 'n2']), inner)
      inner.set('k', prng.oneOf(gen, values))
      break
    }
    case 3: list.insert(prng.int32(gen, 0, list.length), [prng.oneOf(gen, values), prng.oneOf(gen, values)]); break
    case 4: if (list.length > 0) { const i = prng.int32(gen, 0, list.length - 1); list.delete(i, prng.int32(gen, 1, Math.min(3, list.length - i))) } break
    case 5: {
      const t = new Y.Text()
      list.insert(prng.int32(gen, 0, list.length), [t])
      t.insert(0, prng.oneOf(gen, pieces))
      break
    }
    default: {
      const nested = map.get('n1')
      if (nested instanceof Y.Map) nested.set('k2', prng.oneOf(gen, values))
      else map.set('n1', new Y.Array())
    }
  }
}

// Seeds above 1000 also edit a map and an array besides the text; seeds above 2000 also format the text.
export function scenario (seed) {
  const withStructure = seed > 1000 && seed <= 2000
  const withFormatting = seed > 2000
  // Formatting cuts items anywhere; a cut inside a surrogate pair makes yjs replicas themselves diverge
  // (each side's U+FFFD repair stays local), so formatted seeds type BMP text only.
  const texts = withFormatting ? bmpPieces : pieces
  const gen = prng.create(seed)
  const n = prng.int32(gen, 2, 5)
  const docs = []
  const updates = []
  const used = new Set()
  for (let i = 0; i < n; i++) {
    const doc = new Y.Doc()
    let id
    do { id = prng.uint32(gen, 1, 0xFFFFFFFE) } while (used.has(id))
    used.add(id)
    doc.clientID = id
    doc.on('update', (u, origin) => { if (origin !== 'sync') updates.push(u) })
    docs.push(doc)
  }
  const sync = (a, b) => Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'sync')
  const rounds = prng.int32(gen, 3, 12)
  for (let r = 0; r < rounds; r++) {
    const samePos = prng.int32(gen, 0, 3) === 0
    for (const doc of docs) {
      if (withStructure && prng.int32(gen, 0, 2) === 0) structureEdit(gen, doc)
      const text = doc.getText('code')
      const edits = prng.int32(gen, 0, 4)
      for (let e = 0; e < edits; e++) {
        const len = text.length
        if (withFormatting && len > 0 && prng.int32(gen, 0, 3) === 0) {
          const index = prng.int32(gen, 0, len - 1)
          text.format(index, prng.int32(gen, 1, Math.min(6, len - index)), { [prng.oneOf(gen, ['bold', 'italic'])]: prng.oneOf(gen, [true, null, 'x']) })
        } else if (withFormatting && prng.int32(gen, 0, 4) === 0) {
          text.insert(prng.int32(gen, 0, len), prng.oneOf(gen, texts), { bold: prng.oneOf(gen, [true, null]) })
        } else if (len > 0 && prng.int32(gen, 0, 2) === 0) {
          const index = prng.int32(gen, 0, len - 1)
          text.delete(index, prng.int32(gen, 1, Math.min(5, len - index)))
        } else {
          const index = samePos ? Math.min(len, r % 3 === 0 ? 0 : Math.floor(len / 2)) : prng.int32(gen, 0, len)
          text.insert(index, prng.oneOf(gen, texts) + (prng.bool(gen) ? prng.oneOf(gen, texts) : ''))
        }
      }
    }
    for (const a of docs) for (const b of docs) if (a !== b && prng.int32(gen, 0, 3) === 0) sync(a, b)
  }
  // Receiving formatted text makes yjs clean up redundant marks (new deletes), so sync until nothing changes.
  for (let pass = 0; pass < 4; pass++) for (const a of docs) for (const b of docs) if (a !== b) sync(a, b)
  const text = docs[0].getText('code').toString()
  for (const d of docs) if (d.getText('code').toString() !== text) throw new Error(`seed ${seed}: yjs replicas diverged: ${JSON.stringify(docs.map(x => x.getText("code").toString()))}`)

  // Delivery: shuffled, ~25% duplicated, some held back to the very end.
  const order = updates.map((_, i) => i)
  for (let i = 0; i < updates.length; i++) if (prng.int32(gen, 0, 3) === 0) order.push(i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.int32(gen, 0, i)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const late = order.filter((_, i) => i % 7 === 3)
  const delivery = order.filter((_, i) => i % 7 !== 3).concat(late)
  return {
    seed,
    clients: n,
    updates: updates.map(b64),
    order: delivery,
    text,
    stateVector: b64(Y.encodeStateVector(docs[0])),
    state: b64(Y.encodeStateAsUpdate(docs[0]))
  }
}

