// Hub rows of the authorization matrix (tests/PeerCode.Web.Tests/Security): `node matrix.mjs <baseUrl> <json>` where json
// is { cases: [{ key, accessToken, roomId, linkToken, method, args }] }. Each case connects its own client (the account's
// bearer token as accessTokenFactory when given), joins roomId with linkToken (unless the method is JoinRoom itself,
// whose outcome is the case's), then invokes method with args. Prints one JSON line: { key: { ok, code, message } }.
// Arg "$yjs-update" becomes a real y-protocols sync update (an insert), so Yjs rows test writing, not parsing.
import { PeerClient, Y, encoding, syncProtocol, toB64 } from './lib.mjs';

const [base, argsJson] = process.argv.slice(2);
const { cases } = JSON.parse(argsJson);

function yjsUpdate() {
  const doc = new Y.Doc();
  doc.getText('monaco').insert(0, 'matrix ');
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, 0);
  syncProtocol.writeUpdate(enc, Y.encodeStateAsUpdate(doc));
  return toB64(encoding.toUint8Array(enc));
}

/** "… HubException: read-only: Observers can …" → read-only (the typed error code the hub sends). */
function codeOf(message) {
  const tail = String(message).split('HubException: ').pop();
  const m = /^([a-z][a-z0-9-]*): /.exec(tail);
  return m ? m[1] : 'error';
}

async function run(c) {
  const client = new PeerClient(base, `matrix-${c.key}`, { accessToken: c.accessToken ?? null });
  try {
    await client.connect();
  } catch (e) {
    return { ok: false, code: 'connect-refused', message: String(e.message ?? e) };
  }
  try {
    if (c.method !== 'JoinRoom') {
      await client.conn.invoke('JoinRoom', c.roomId, c.linkToken ?? '', `matrix-${c.key}`).catch(() => undefined);
    }
    const args = (c.method === 'JoinRoom' ? [c.roomId, c.linkToken ?? '', `matrix-${c.key}`] : c.args ?? [])
      .map((a) => (a === '$yjs-update' ? yjsUpdate() : a));
    await client.conn.invoke(c.method, ...args);
    return { ok: true, code: null, message: null };
  } catch (e) {
    return { ok: false, code: codeOf(e.message), message: String(e.message) };
  } finally {
    await client.conn.stop().catch(() => undefined);
  }
}

const results = {};
await Promise.all(cases.map(async (c) => { results[c.key] = await run(c); }));
console.log(JSON.stringify(results));
process.exit(0);
