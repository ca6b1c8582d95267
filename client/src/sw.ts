/**
 * The service worker (built by vite-plugin-pwa's injectManifest into /sw.js): the app works with
 * the server down once it has been opened online.
 *
 * - The app itself (the build's files, listed into `self.__WB_MANIFEST` at build time) is
 *   precached; a board's page (/ and /r/<id>) is the precached index.html.
 * - The model (/api/model, /api/model.onnx) is fetched network first and cached: a new model
 *   deployed on the server is used as soon as the server is reachable, the last one otherwise.
 * - onnxruntime-web's runtime (/ort/<version>/...) is cache first: its path names its version.
 * Both are fetched when the worker installs, so the first visit already covers a later offline one.
 *
 * A new version waits until the page asks it to take over (client/src/offline/app-update.ts),
 * so that a board being written on is never reloaded under the user's pen.
 *
 * Type-checked against the DOM library like the rest of the client (the WebWorker library
 * conflicts with it in one program): the few worker globals used are typed here.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { warmStrategyCache } from 'workbox-recipes';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';

declare const __ORT_VERSION__: string;

interface WorkerScope {
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

// Written out in full: the build replaces exactly `self.__WB_MANIFEST` with the list of files.
precacheAndRoute((self as unknown as WorkerScope).__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { allowlist: [/^\/$/, /^\/r\/[\w-]+$/] }));

const MODEL_URLS = ['/api/model', '/api/model.onnx'];
// A server that is down refuses at once; one that does not answer (headers) is given two seconds.
const model = new NetworkFirst({ cacheName: 'digitboard-model', networkTimeoutSeconds: 2 });
registerRoute(({ url, sameOrigin }) => sameOrigin && MODEL_URLS.includes(url.pathname), model);

const RUNTIME_URLS = [`/ort/${__ORT_VERSION__}/ort-wasm-simd-threaded.mjs`, `/ort/${__ORT_VERSION__}/ort-wasm-simd-threaded.wasm`];
const runtime = new CacheFirst({ cacheName: 'digitboard-ort' });
registerRoute(({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/ort/'), runtime);

warmStrategyCache({ urls: MODEL_URLS, strategy: model });
warmStrategyCache({ urls: RUNTIME_URLS, strategy: runtime });

// The first install takes the open page at once (nothing older controls it); an update waits for the page's word.
clientsClaim();
(self as unknown as WorkerScope).addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void (self as unknown as WorkerScope).skipWaiting();
});
