// Collab load against PeerCode's hub (see load-driver.mjs). usage: node load.mjs --base URL --rooms 100 --clients 3 --rate 5 --seconds 30
import { createRoom, PeerClient, until } from './lib.mjs';
import { options, runLoad } from './load-driver.mjs';

const opt = options();
await runLoad(opt, async () => {
  const room = await createRoom(opt.base, 'load', 'python');
  const peers = [];
  for (let i = 0; i < opt.clients; i++) {
    const c = await new PeerClient(opt.base, `load-${i}`).connect();
    await c.join(room.roomId, i === 0 ? room.tokens.interviewer : room.tokens.candidate);
    await until(() => c.synced, 20000, 'sync');
    const peer = {
      doc: c.doc, text: c.text, onRemoteUpdate: null,
      flush: () => c.flush(), stop: () => c.stop(), errorCount: () => c.failures.length + c.errors.length,
    };
    c.onUpdateReceived = () => peer.onRemoteUpdate?.();
    peers.push(peer);
  }
  return peers;
});
