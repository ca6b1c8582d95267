import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ortAssets from '../../src/routes/ort-assets.js';

// The package does not export its package.json: find it beside the entry point (in dist/).
const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
const base = `/ort/${version}`;

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify({ logger: false });
  await app.register(ortAssets);
  await app.ready();
});
afterAll(() => app.close());

describe('GET /ort/<version>/...', () => {
  it('serves the wasm runtime and its loader, typed and cached for good', async () => {
    const wasm = await app.inject(`${base}/ort-wasm-simd-threaded.wasm`);
    expect(wasm.statusCode).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The WebAssembly magic number.
    expect([...wasm.rawPayload.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);

    const loader = await app.inject(`${base}/ort-wasm-simd-threaded.mjs`);
    expect(loader.statusCode).toBe(200);
    expect(loader.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing else from the package', async () => {
    for (const url of [
      `${base}/ort.min.mjs`,
      `${base}/ort-wasm-simd-threaded.jsep.wasm`,
      `${base}/`,
      `${base}/../package.json`,
      `${base}/..%2fpackage.json`,
      `/ort/0.0.0/ort-wasm-simd-threaded.wasm`,
    ]) {
      const res = await app.inject(url);
      expect([403, 404], url).toContain(res.statusCode);
    }
  });
});
