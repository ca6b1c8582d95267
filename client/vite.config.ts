import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** onnxruntime-web's version: its runtime files are served under /ort/<version>/, which the service worker caches. */
const ortVersion = (
  // Its "exports" do not list package.json: found beside dist/, as server/src/routes/ort-assets.ts does.
  JSON.parse(readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Vite config for the browser client; the server serves the output (client/dist) at /. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    // onnxruntime-web's builds without the runtime inlined: its .wasm and Emscripten loader (.mjs)
    // are fetched from our server (/ort/, see server/src/routes/ort-assets.ts), not bundled.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  define: {
    __ORT_VERSION__: JSON.stringify(ortVersion),
  },
  plugins: [
    VitePWA({
      // Our own worker (client/src/sw.ts): it also caches the model and the runtime, which are not build output.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // Registered by client/src/offline/app-update.ts (workbox-window), which asks before updating.
      injectRegister: false,
      injectManifest: {
        // Source maps are for developers, never cached on users' devices.
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        // The password-strength dictionaries serve registering, which needs the server anyway:
        // fetched when first used, not downloaded with the app.
        globIgnores: ['**/password-strength-*.js'],
        // The lazily loaded on-device recognizer chunk (onnxruntime-web's JS) is the largest file.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      manifest: {
        name: 'Digitboard',
        short_name: 'Digitboard',
        description: 'Write digits on a shared board and see them recognized live, online or not.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f9fafb',
        theme_color: '#1d4ed8',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // zxcvbn and its dictionaries in one named chunk, which the service worker leaves out.
      output: { codeSplitting: { groups: [{ name: 'password-strength', test: /node_modules[\\/]@zxcvbn-ts/ }] } },
    },
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
