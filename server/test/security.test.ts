/**
 * Security headers (plugins/security.ts) on every kind of response: the client's HTML, the API
 * (answers, errors, 404s), the onnxruntime-web assets and the Swagger UI, which gets its own
 * policy. The app is registered after the plugin, as in app.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import sharp from 'sharp';
import { PROTOCOL_VERSION } from '../../common/protocol.js';
import { app as digitboard, fastifyOptions } from '../src/app.js';
import { loadConfig, ROOT } from '../src/config.js';
import security, { HSTS } from '../src/plugins/security.js';

let app: FastifyInstance;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'digitboard-security-'));
  // A stand-in client build, so the HTML routes exist whether or not the client was built.
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Digitboard</title><script type="module" src="/assets/app.js"></script>');
  app = Fastify({ ...fastifyOptions, logger: false });
  await app.register(security);
  await app.register(digitboard, loadConfig(process.env, { LOG_LEVEL: 'silent', DATA_DIR: dir, CLIENT_DIR: dir, DATABASE_URL: `file:${path.join(dir, 'digitboard.db')}` }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The CSP header as a map of directive -> sources. */
function csp(headers: Record<string, unknown>): Map<string, string[]> {
  const header = headers['content-security-policy'];
  expect(typeof header, 'content-security-policy header').toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectBaseHeaders(headers: Record<string, unknown>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  // DENY, as docs/security.md says and as frame-ancestors 'none' means (helmet's default was SAMEORIGIN).
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  // The app is served over plain http here: no HSTS (see "sends HSTS only ...").
  expect(headers['strict-transport-security']).toBeUndefined();
  expect(headers['x-powered-by']).toBeUndefined();
}

function expectAppPolicy(headers: Record<string, unknown>): void {
  const policy = csp(headers);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  // WebAssembly compilation for onnxruntime-web, and nothing that allows eval or inline scripts.
  expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(policy.get('script-src-attr')).toEqual(["'none'"]);
  expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
  expect(policy.get('connect-src')).toEqual(["'self'"]);
  expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  // It would break the app served over plain http on a LAN address.
  expect(policy.has('upgrade-insecure-requests')).toBe(false);
}

describe('security headers', () => {
  it('on the client page, at / and at a board URL', async () => {
    for (const url of ['/', '/r/AAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expectBaseHeaders(res.headers);
      expectAppPolicy(res.headers);
    }
  });

  it('on API answers, API errors and 404s', async () => {
    const health = await app.inject('/api/health');
    expect(health.statusCode).toBe(200);
    const bad = await app.inject({ method: 'POST', url: '/api/recognize', payload: '{"strokes":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    const missing = await app.inject('/api/nope');
    expect(missing.statusCode).toBe(404);
    for (const res of [health, bad, missing]) {
      expectBaseHeaders(res.headers);
      expectAppPolicy(res.headers);
    }
  });

  it('on the onnxruntime-web files the browser loads', async () => {
    const require = createRequire(import.meta.url);
    const { version } = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('onnxruntime-web')), '..', 'package.json'), 'utf8')) as { version: string };
    const res = await app.inject(`/ort/${version}/ort-wasm-simd-threaded.mjs`);
    expect(res.statusCode).toBe(200);
    expectBaseHeaders(res.headers);
    expectAppPolicy(res.headers);
  });

  it('gives the Swagger UI at /docs its own policy', async () => {
    for (const url of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/json']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expectBaseHeaders(res.headers);
      const policy = csp(res.headers);
      expect(policy.get('script-src'), url).toEqual(["'self'"]);
      expect(policy.get('img-src'), url).toEqual(["'self'", 'data:', 'https://validator.swagger.io']);
      expect(policy.get('style-src'), url).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy.has('upgrade-insecure-requests')).toBe(false);
    }
  });

  it('leaves the board WebSocket working', async () => {
    const ws: WebSocket = await app.injectWS('/ws');
    const welcome = new Promise<{ type: string }>((resolve, reject) => {
      // Messages of one event-loop turn arrive as one frame, a JSON array (welcome, presence).
      ws.once('message', (data) => resolve([JSON.parse(data.toString()) as { type: string }].flat()[0]));
      ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    });
    ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
    expect((await welcome).type).toBe('welcome');
    ws.terminate();
  });

  it('the policy fits the client: its index.html has no inline script', () => {
    const html = readFileSync(path.join(ROOT, 'client', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
  });

  it('sends HSTS only when the request came over TLS: per a trusted proxy, never for a client\'s own header', async () => {
    const viaProxy = { 'x-forwarded-proto': 'https' };
    // Not behind a trusted proxy (TRUST_PROXY off): anyone can send X-Forwarded-Proto.
    expect((await app.inject({ url: '/api/health', headers: viaProxy })).headers['strict-transport-security']).toBeUndefined();
    const behindProxy = Fastify({ ...fastifyOptions, logger: false, trustProxy: true });
    const proxyDir = mkdtempSync(path.join(tmpdir(), 'digitboard-security-'));
    try {
      await behindProxy.register(digitboard, loadConfig(process.env, { LOG_LEVEL: 'silent', DATA_DIR: proxyDir, CLIENT_DIR: dir, DATABASE_URL: `file:${path.join(proxyDir, 'digitboard.db')}` }));
      const tls = await behindProxy.inject({ url: '/', headers: viaProxy });
      expect(tls.headers['strict-transport-security']).toBe(HSTS);
      expect(tls.headers['x-frame-options']).toBe('DENY');
      expect((await behindProxy.inject({ url: '/', headers: { 'x-forwarded-proto': 'http' } })).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await behindProxy.close();
      rmSync(proxyDir, { recursive: true, force: true });
    }
  });
});

describe('uploads', () => {
  /** A multipart body with these files, all in the field "image" unless named. */
  function form(files: { field?: string; body: Buffer }[], fields: Record<string, string> = {}): Buffer {
    const chunks: Buffer[] = [];
    for (const [name, value] of Object.entries(fields)) chunks.push(Buffer.from(`--b0undary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    files.forEach((f, i) => {
      chunks.push(Buffer.from(`--b0undary\r\nContent-Disposition: form-data; name="${f.field ?? 'image'}"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`), f.body, Buffer.from('\r\n'));
    });
    chunks.push(Buffer.from('--b0undary--\r\n'));
    return Buffer.concat(chunks);
  }
  const post = (body: Buffer) => app.inject({ method: 'POST', url: '/api/recognize', payload: body, headers: { 'content-type': 'multipart/form-data; boundary=b0undary' } });

  it('refuses a multipart upload with more than one file: 400 too_many_files', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer();
    const one = await post(form([{ body: png }], { note: 'x' }));
    expect(one.statusCode).toBe(200);
    for (const files of [2, 10]) {
      const res = await post(form(Array.from({ length: files }, () => ({ body: png }))));
      expect(res.statusCode, `${files} files`).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'too_many_files', message: expect.stringContaining('one image per request') });
    }
    // A second file under another name is refused the same way.
    expect((await post(form([{ body: png }, { field: 'other', body: png }]))).json().code).toBe('too_many_files');
  });
});
