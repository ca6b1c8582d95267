import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Vite config for the browser client; the server serves the output (client/dist) at /. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // In dev the API and the WebSocket live on the Node server: same-origin paths, proxied.
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
      '/ws': { target: 'http://localhost:3000', ws: true, changeOrigin: true },
    },
  },
});
