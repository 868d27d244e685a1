// Hub scenarios the xunit tests run: `node scenario.mjs <name> <baseUrl> [json args]`; prints one JSON line.
import { createRoom, joined, PeerClient, until, sleep, toB64, Y, encoding, syncProtocol } from './lib.mjs';

const [name, base, argsJson] = process.argv.slice(2);
const args = argsJson ? JSON.parse(argsJson) : {};

const scenarios = {
  // Several editors type at once (interleaved, no waiting); all end with the same text holding every insertion.
  async converge() {
    const room = await createRoom(base);
    const n = args.clients ?? 3, edits = args.edits ?? 40;
    const clients = [];
    for (let i = 0; i < n; i++) clients.push(await joined(base, room.roomId, i === 0 ? room.tokens.interviewer : room.tokens.candidate, `editor-${i}`));
    for (let k = 0; k < edits; k++) {
      for (const [i, c] of clients.entries()) {
        const len = c.text.length;
        if (k % 7 === 3 && len > 4) c.text.delete((k * 13 + i) % (len - 2), 2);
        else c.text.insert((k * 31 + i * 17) % (len + 1), `<${i}.${k}>`);
      }
      await sleep(1);
    }
    for (const c of clients) await c.flush();
    const first = clients[0];
    await until(() => clients.every((c) => c.text.toString() === first.text.toString()), 5000, 'convergence').catch(() => {});
    const late = await joined(base, room.roomId, room.tokens.observer, 'late-observer');
    await until(() => late.text.toString() === first.text.toString(), 5000, 'late joiner').catch(() => {});
    const result = { roomId: room.roomId, texts: clients.map((c) => c.text.toString()), late: late.text.toString(), failures: clients.flatMap((c) => c.failures) };
    for (const c of [...clients, late]) await c.stop();
    return result;
  },

  // An observer's update and sync step 2 are refused with a reason; the others never see them.
  async observer() {
    const room = await createRoom(base);
    const writer = await joined(base, room.roomId, room.tokens.candidate, 'writer');
    writer.text.insert(0, 'hello');
    await writer.flush();
    const observer = await joined(base, room.roomId, room.tokens.observer, 'watcher');
    await until(() => observer.text.toString() === 'hello', 5000, 'observer sync');
    observer.text.insert(0, 'HACK ');
    await observer.flush();
    const other = new Y.Doc(); other.getText('monaco').insert(0, 'step2 ');
    const enc = encoding.createEncoder(); encoding.writeVarUint(enc, 0); syncProtocol.writeSyncStep2(enc, other);
    await observer.send(encoding.toUint8Array(enc));
    await observer.invoke('SendChat', 'observers may chat');
    await sleep(300);
    const fresh = await joined(base, room.roomId, room.tokens.interviewer, 'fresh');
    const result = { roomId: room.roomId, observerRole: observer.joined.role, failures: observer.failures, writerText: writer.text.toString(), freshText: fresh.text.toString(), chats: writer.chats.map((c) => c.text), observerClosed: observer.closedWith !== undefined };
    for (const c of [writer, observer, fresh]) await c.stop();
    return result;
  },

  // Writes args.text into a room (created here unless args.roomId is given) and reports the room and its tokens.
  async write() {
    const room = args.roomId ? { roomId: args.roomId, tokens: args.tokens } : await createRoom(base);
    const c = await joined(base, room.roomId, room.tokens.candidate, 'writer');
    for (const [i, piece] of (args.pieces ?? ['hello ', 'world']).entries()) { c.text.insert(c.text.length, piece); if (i % 10 === 0) await sleep(1); }
    if (args.deleteFirst) c.text.delete(0, args.deleteFirst);
    await c.flush();
    const result = { roomId: room.roomId, tokens: room.tokens, text: c.text.toString(), failures: c.failures };
    await c.stop();
    return result;
  },

  // Types two lines and selects from index 4 to 6 (line 2, columns 2 to 4), so the stored awareness carries that cursor.
  async cursor() {
    const room = await createRoom(base);
    const c = await joined(base, room.roomId, room.tokens.candidate, 'mover');
    c.text.insert(0, 'ab\ncdef');
    await c.flush();
    c.setCursor(4, 6);
    await c.flush();
    const result = { roomId: room.roomId, failures: c.failures };
    await c.stop();
    return result;
  },

  // Joins and reports the synced text.
  async read() {
    const c = await joined(base, args.roomId, args.tokens.observer, 'reader');
    await sleep(args.settleMs ?? 100);
    const result = { text: c.text.toString(), participants: c.joined.participants.length };
    await c.stop();
    return result;
  },

  // Each bad input from its own connection; a bystander keeps editing throughout and must be unaffected.
  async bad() {
    const room = await createRoom(base);
    const bystander = await joined(base, room.roomId, room.tokens.candidate, 'bystander');
    bystander.text.insert(0, 'safe');
    await bystander.flush();
    const probe = async (label, act) => {
      const c = await joined(base, room.roomId, room.tokens.candidate, `bad-${label}`);
      await act(c);
      await sleep(200);
      const r = { failures: c.failures, errors: c.errors, closed: c.closedWith !== undefined };
      if (c.closedWith === undefined) await c.stop();
      return r;
    };
    const cases = {};
    const randomBytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)); randomBytes[0] = 0; randomBytes[1] = 2;
    cases.randomUpdate = await probe('random', (c) => c.send(randomBytes));
    const framed = encoding.createEncoder(); encoding.writeVarUint(framed, 0); encoding.writeVarUint(framed, 2);
    encoding.writeVarUint8Array(framed, new Uint8Array(Array.from({ length: 48 }, (_, i) => (i * 131 + 7) % 256)));
    cases.randomUpdate2 = await probe('random-update', (c) => c.send(encoding.toUint8Array(framed)));
    cases.randomMessage = await probe('random-message', (c) => c.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3])));
    cases.truncatedVarint = await probe('truncated', (c) => c.send(Buffer.from([0, 2, 0x85])));
    cases.unknownType = await probe('unknown', (c) => c.send(Buffer.from([7, 1, 2])));
    cases.notBase64 = await probe('base64', (c) => c.invoke('Yjs', '***not base64***'));
    cases.huge = await probe('huge', (c) => c.invoke('Yjs', Buffer.alloc(10 * 1024 * 1024, 1).toString('base64')).catch(() => {}));
    cases.chatTooLong = await probe('chat', (c) => c.invoke('SendChat', 'x'.repeat(2001)));
    const wrong = await new PeerClient(base, 'intruder').connect();
    await wrong.invoke('JoinRoom', room.roomId, 'A'.repeat(43), 'intruder');
    await wrong.invoke('SendChat', 'let me in');
    cases.wrongToken = { failures: wrong.failures, errors: wrong.errors, closed: wrong.closedWith !== undefined };
    await wrong.stop();
    bystander.text.insert(bystander.text.length, ' still editing');
    await bystander.flush();
    await sleep(100);
    const check = await joined(base, room.roomId, room.tokens.observer, 'checker');
    const result = { roomId: room.roomId, cases, bystanderFailures: bystander.failures, bystanderOpen: bystander.closedWith === undefined, text: check.text.toString(), chats: bystander.chats.length };
    await bystander.stop(); await check.stop();
    return result;
  },

  // args.bases: two servers on one store. A client on each: edits, cursors and chat cross over; reports latencies.
  async twoNodes() {
    const [a, b] = args.bases;
    const room = await createRoom(a);
    const ca = await joined(a, room.roomId, room.tokens.interviewer, 'on-a');
    const cb = await joined(b, room.roomId, room.tokens.candidate, 'on-b');
    const lat = [];
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 ? [cb, ca] : [ca, cb];
      const marker = `[${i}]`;
      const t0 = performance.now();
      from.text.insert(from.text.length, marker);
      await until(() => to.text.toString().includes(marker), 3000, `edit ${i} to cross`);
      lat.push(performance.now() - t0);
    }
    ca.setCursor(1, 3);
    await until(() => [...cb.awareness.getStates().values()].some((s) => s.user?.name === 'on-a' && s.selection), 3000, 'cursor to cross');
    await ca.invoke('SendChat', 'hello from a');
    await until(() => cb.chats.some((m) => m.text === 'hello from a'), 3000, 'chat to cross');
    await until(() => cb.presence?.participants?.some((p) => p.name === 'on-a' && p.online), 3000, 'presence to cross').catch(() => {});
    const result = { texts: [ca.text.toString(), cb.text.toString()], maxLatencyMs: Math.max(...lat), latenciesMs: lat, chat: cb.chats.map((m) => m.text), presenceOnB: cb.presence?.participants?.map((p) => p.name) ?? [] };
    await ca.stop(); await cb.stop();
    return result;
  },
};

try {
  const result = await scenarios[name]();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.stack ?? e) }) + '\n');
  process.exit(1);
}
