// Differential fuzzing scenarios (see fuzz-lib.mjs): prints one JSON line per seed with the recorded updates,
// the delivery order for the engine, and yjs's final text, state vector and encoded state.
// Usage: node fuzz.mjs --seed 7 | node fuzz.mjs --seeds 1-80
import { scenario } from './fuzz-lib.mjs'

const args = process.argv.slice(2)
const get = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined }
let seeds = []
if (get('seed')) seeds = [Number(get('seed'))]
else if (get('seeds')) { const [a, b] = get('seeds').split('-').map(Number); for (let s = a; s <= b; s++) seeds.push(s) }
else { console.error('usage: node fuzz.mjs --seed N | --seeds A-B'); process.exit(2) }
for (const s of seeds) process.stdout.write(JSON.stringify(scenario(s)) + '\n')
