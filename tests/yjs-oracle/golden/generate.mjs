// Regenerates every golden file: node golden/generate.mjs (from tests/yjs-oracle).
import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = dirname(fileURLToPath(import.meta.url))
for (const f of readdirSync(dir).filter(f => f.endsWith('.mjs') && !f.startsWith('_') && f !== 'generate.mjs')) {
  await import(`./${f}`)
  console.log(`generated ${f}`)
}
