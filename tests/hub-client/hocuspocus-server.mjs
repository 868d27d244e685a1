// @hocuspocus/server as the benchmark's peer: defaults, in memory (no persistence extension). usage: node hocuspocus-server.mjs --port N
import { Server } from '@hocuspocus/server';

const port = +process.argv[process.argv.indexOf('--port') + 1];
const server = new Server({ port, address: '127.0.0.1', quiet: true });
await server.listen();
