/**
 * GET /ort/<version>/<file>: the onnxruntime-web runtime files the browser's on-device recognizer
 * loads (ort.env.wasm.wasmPaths points here), served from node_modules rather than a CDN.
 *
 * Only the files of the plain wasm build are served: the client imports `onnxruntime-web/wasm`
 * with one thread, and since 1.19 that build has a single variant (SIMD + threads, which runs
 * single-threaded without cross-origin isolation): its Emscripten loader (.mjs) and binary (.wasm).
 * The version is in the path, so the files can be cached as immutable.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const FILES: ReadonlyMap<string, string> = new Map([
  ['/ort-wasm-simd-threaded.mjs', 'text/javascript; charset=utf-8'],
  ['/ort-wasm-simd-threaded.wasm', 'application/wasm'],
]);

/** Where onnxruntime-web's dist/ folder is, and its version; null when the package is not installed. */
function locateRuntime(): { dir: string; version: string } | null {
  try {
    // Resolves through the package's "exports" (the node entry lives in dist/ too).
    const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
    const dir = path.dirname(entry);
    const { version } = JSON.parse(readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
    return { dir, version };
  } catch {
    return null;
  }
}

const ortAssets: FastifyPluginAsync = async (app) => {
  const runtime = locateRuntime();
  if (!runtime) {
    app.log.warn('onnxruntime-web is not installed: on-device recognition is unavailable to browsers');
    return;
  }
  // A second @fastify/static instance: the client's is registered at / and owns reply.sendFile.
  await app.register(fastifyStatic, {
    root: runtime.dir,
    prefix: `/ort/${runtime.version}/`,
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    allowedPath: (pathname) => FILES.has(pathname),
    maxAge: '365d',
    immutable: true,
    // send's mime table says application/javascript for .mjs; text/javascript is the standard (RFC 9239).
    setHeaders: (reply, filePath) => {
      const type = FILES.get(`/${path.basename(filePath)}`);
      if (type) void reply.header('content-type', type);
    },
  });
};

export default ortAssets;
