// The same collab load against @hocuspocus/server through @hocuspocus/provider (one websocket per client, like browsers).
import * as Y from 'yjs';
import WebSocket from 'ws';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { options, runLoad } from './load-driver.mjs';
import { until } from './lib.mjs';

const opt = options();
const wsUrl = opt.base.replace(/^http/, 'ws');
await runLoad(opt, async (roomIndex) => {
  const name = `room-${roomIndex}-${Date.now()}`;
  const peers = [];
  for (let i = 0; i < opt.clients; i++) {
    const doc = new Y.Doc();
    let errors = 0;
    const socket = new HocuspocusProviderWebsocket({ url: wsUrl, WebSocketPolyfill: WebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, onAuthenticationFailed: () => errors++ });
    provider.attach?.();
    await until(() => provider.isSynced, 20000, 'hocuspocus sync');
    const peer = {
      doc, text: doc.getText('monaco'), onRemoteUpdate: null,
      flush: async () => { await until(() => !provider.hasUnsyncedChanges, 10000, 'unsynced changes').catch(() => { errors++; }); },
      stop: async () => { provider.destroy(); socket.destroy(); },
      errorCount: () => errors,
    };
    doc.on('update', (_u, origin) => { if (origin === provider) peer.onRemoteUpdate?.(); });
    peers.push(peer);
  }
  return peers;
});
