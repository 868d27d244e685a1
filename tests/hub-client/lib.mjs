// A PeerCode room client for Node: @microsoft/signalr for the hub, yjs + y-protocols for the document and awareness,
// exactly as a browser provider speaks it. Used by the hub integration tests and the collab load generator.
import * as signalR from '@microsoft/signalr';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export { Y, encoding, decoding, syncProtocol, awarenessProtocol };

export const toB64 = (bytes) => Buffer.from(bytes).toString('base64');
export const fromB64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));

// The account the harness signs in with unless PEERCODE_ACCESS_TOKEN is set: the same well-known test admin as
// tests/PeerCode.Web.Tests/Accounts/TestAccounts.cs (AdminAsync), so either side may be the first to register it.
export const TEST_ADMIN = {
  email: process.env.PEERCODE_EMAIL ?? 'admin@peercode.test',
  password: process.env.PEERCODE_PASSWORD ?? 'correct-horse-battery',
  displayName: 'Test admin',
};
const tokens = new Map();

async function tokenFor(base, { email, password }) {
  const res = await fetch(`${base}/api/account/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  return res.status === 200 ? (await res.json()).accessToken : null;
}

/**
 * A bearer token for creating rooms on `base`: PEERCODE_ACCESS_TOKEN when set, else the test admin's (registered here
 * when the server has no accounts yet: the first account becomes admin). Cached per server for this process.
 */
export async function accessToken(base) {
  if (process.env.PEERCODE_ACCESS_TOKEN) return process.env.PEERCODE_ACCESS_TOKEN;
  if (!tokens.has(base)) {
    tokens.set(base, (async () => {
      let token = await tokenFor(base, TEST_ADMIN);
      if (token) return token;
      const res = await fetch(`${base}/api/account/register`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN),
      });
      if (res.status !== 201 && res.status !== 409) throw new Error(`POST /api/account/register answered ${res.status}: ${await res.text()}`);
      token = await tokenFor(base, TEST_ADMIN);
      if (!token) throw new Error(`the test admin ${TEST_ADMIN.email} could not sign in to ${base}; set PEERCODE_ACCESS_TOKEN`);
      return token;
    })());
  }
  return tokens.get(base);
}

/** Creates a room as a signed-in interviewer (opts.accessToken, else accessToken(base)). */
export async function createRoom(base, title = 'Test room', language = 'python', opts = {}) {
  const bearer = opts.accessToken ?? await accessToken(base);
  const res = await fetch(`${base}/api/rooms`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ title, language }),
  });
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${await res.text()}`);
  const body = await res.json();
  const token = (link) => link.slice(link.indexOf('#') + 1);
  return { roomId: body.roomId, links: body.links, tokens: { interviewer: token(body.links.interviewer), candidate: token(body.links.candidate), observer: token(body.links.observer) } };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(predicate, timeoutMs = 5000, what = 'condition') {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export class PeerClient {
  /** opts.accessToken: an account's bearer token, sent as SignalR's accessTokenFactory (the hub sees Context.User). */
  constructor(base, name, opts = {}) {
    this.base = base;
    this.name = name;
    this.accessToken = opts.accessToken ?? null;
    this.doc = new Y.Doc();
    this.text = this.doc.getText('monaco');
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.errors = [];      // Error messages the server pushed
    this.failures = [];    // rejected invocations (HubException messages)
    this.chats = [];
    this.presence = null;
    this.language = null;
    this.closedWith = undefined; // undefined while open; null or an error message once closed
    this.synced = false;
    this.onUpdateReceived = null;
    this.pending = new Set();
  }

  async connect() {
    this.conn = new signalR.HubConnectionBuilder()
      .withUrl(`${this.base}/hubs/room`, {
        transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true,
        // A signed-in user's bearer token (set c.accessToken before connect), as the browser's accessTokenFactory passes it.
        ...(this.accessToken ? { accessTokenFactory: () => this.accessToken } : {}),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    this.conn.serverTimeoutInMilliseconds = 60000;
    this.conn.on('Yjs', (b64) => this.#receive(fromB64(b64)));
    this.conn.on('Chat', (m) => this.chats.push(m));
    this.conn.on('Presence', (p) => { this.presence = p; });
    this.conn.on('Language', (l) => { this.language = l.language; });
    this.conn.on('Error', (e) => this.errors.push(e));
    this.conn.onclose((e) => { this.closedWith = e ? e.message : null; });
    this.doc.on('update', (update, origin) => {
      if (origin === this) return;
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      syncProtocol.writeUpdate(enc, update);
      this.send(encoding.toUint8Array(enc));
    });
    this.awareness.on('update', ({ added, updated, removed }, origin) => {
      if (origin === this) return;
      const changed = added.concat(updated, removed);
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 1);
      encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      this.send(encoding.toUint8Array(enc));
    });
    await this.conn.start();
    return this;
  }

  async join(roomId, token) {
    this.joined = await this.conn.invoke('JoinRoom', roomId, token, this.name);
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, 0);
    syncProtocol.writeSyncStep1(enc, this.doc);
    await this.send(encoding.toUint8Array(enc));
    return this.joined;
  }

  /** Sends raw y-protocols bytes; resolves when the server acknowledged (durable), records a refusal in failures. */
  send(bytes) {
    if (this.stopping) return Promise.resolve();
    return this.invoke('Yjs', toB64(bytes));
  }

  invoke(method, ...args) {
    const p = this.conn.invoke(method, ...args).then(
      (r) => r,
      (e) => { this.failures.push(e.message); return undefined; });
    this.pending.add(p);
    p.finally(() => this.pending.delete(p));
    return p;
  }

  async flush() { while (this.pending.size) await Promise.all([...this.pending]); }

  setCursor(anchor, head) {
    this.awareness.setLocalStateField('user', { name: this.name });
    this.awareness.setLocalStateField('selection', {
      anchor: Y.createRelativePositionFromTypeIndex(this.text, anchor),
      head: Y.createRelativePositionFromTypeIndex(this.text, head),
    });
  }

  async stop() {
    this.stopping = true;
    this.awareness.destroy();
    await this.conn.stop();
  }

  #receive(bytes) {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      const step = syncProtocol.readSyncMessage(decoder, enc, this.doc, this);
      if (step === syncProtocol.messageYjsSyncStep2) this.synced = true;
      if (encoding.length(enc) > 1) this.send(encoding.toUint8Array(enc));
      if (step !== syncProtocol.messageYjsSyncStep1 && this.onUpdateReceived) this.onUpdateReceived(bytes);
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }
}

export async function joined(base, roomId, token, name, opts = {}) {
  const c = await new PeerClient(base, name, opts).connect();
  await c.join(roomId, token);
  await until(() => c.synced, 5000, `${name} to sync`);
  return c;
}
