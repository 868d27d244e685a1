import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into the web app's static files (src/Web/wwwroot/app), served under /app/; the server falls back to
// app/index.html for / (lobby) and /r/{roomId} (room). Monaco's workers are bundled as files of this origin
// (no CDN), so a strict CSP with worker-src 'self' works later.
export default defineConfig({
  base: '/app/',
  build: {
    outDir: '../wwwroot/app',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
  resolve: {
    // y-monaco imports monaco-editor/esm/vs/..., a path monaco-editor's exports map no longer spells that way.
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/$1', import.meta.url)) }],
  },
  server: { proxy: { '/api': 'http://127.0.0.1:5000', '/hubs': { target: 'http://127.0.0.1:5000', ws: true } } },
});
