import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/** Vite config for the browser client; the server serves the output (client/dist) at /. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    // onnxruntime-web's builds without the runtime inlined: its .wasm and Emscripten loader (.mjs)
    // are fetched from our server (/ort/, see server/src/routes/ort-assets.ts), not bundled.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // In dev the API, the WebSocket and onnxruntime's files live on the Node server: same-origin paths, proxied.
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: true },
      // changeOrigin off: the server checks that Origin matches Host on the WebSocket upgrade.
      '/ws': { target: 'http://localhost:3000', ws: true, changeOrigin: false },
      '/ort': { target: 'http://localhost:3000', changeOrigin: true },
    },
  },
});
