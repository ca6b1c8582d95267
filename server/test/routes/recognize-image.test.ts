/**
 * POST /api/recognize with an image: raw PNG/JPEG/WebP bodies and multipart uploads, and every
 * bad upload answered with a 4xx and a stable code while the app keeps serving.
 */
import type { FastifyInstance } from 'fastify';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitStrokes } from '../../../test-support/digit-strokes.js';
import { photo } from '../fixtures/photos.js';
import { png } from '../../fuzz/hostile-files.js';
import { build } from '../helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.close());

const post = (payload: Buffer | string, contentType?: string) =>
  app.inject({ method: 'POST', url: '/api/recognize', payload, headers: contentType ? { 'content-type': contentType } : {} });

const BOUNDARY = '----digitboard-test';
function form(parts: { field: string; filename?: string; type?: string; body: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.field}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const type = p.type ? `\r\nContent-Type: ${p.type}` : '';
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** A PNG that declares `width` x `height` pixels in a valid IHDR (a decompression bomb's header). */
const pngDeclaring = (width: number, height: number): Buffer => png({ width, height }, zlib.deflateSync(Buffer.alloc(width + 1)));

describe('POST /api/recognize with an image', () => {
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await photo('2026', { noise: 4 });
  });

  it('reads a raw JPEG body and answers exactly like ink', async () => {
    const res = await post(jpeg, 'image/jpeg');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['alternatives', 'digits', 'math', 'model', 'ms', 'rejected', 'text']);
    expect(body.alternatives[0]).toMatchObject({ text: '2026' });
    expect(body.text).toBe('2026');
    expect(body.rejected).toEqual([]);
    expect(body.ms).toBeGreaterThan(0);
    for (const d of body.digits) {
      expect(Object.keys(d).sort()).toEqual(['box', 'confidence', 'digit', 'probabilities']);
      expect(d.probabilities).toHaveLength(10);
      expect(d.box.x).toBeGreaterThan(0);
      expect(d.box.x + d.box.width).toBeLessThan(1000);
    }
  });

  it('reads PNG and WebP bodies, whatever image type the header claims', async () => {
    expect((await post(await photo('31', { format: 'png' }), 'image/png')).json().text).toBe('31');
    expect((await post(await photo('31', { format: 'webp' }), 'image/webp')).json().text).toBe('31');
    expect((await post(await photo('31', { format: 'webp' }), 'image/png')).json().text).toBe('31');
  });

  it('reads a multipart upload in the field "image"', async () => {
    const res = await post(form([{ field: 'note', body: 'hello' }, { field: 'image', filename: 'n.jpg', type: 'image/jpeg', body: jpeg }]), MULTIPART);
    expect(res.statusCode).toBe(200);
    expect(res.json().text).toBe('2026');
  });

  it('answers "" with no digits for a photo of empty paper', async () => {
    const res = await post(await photo('', { noise: 6, quality: 60 }), 'image/jpeg');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ text: '', digits: [] });
  });

  it('still takes ink as JSON on the same route', async () => {
    const res = await post(JSON.stringify({ strokes: digitStrokes(7), width: 300, height: 300 }), 'application/json');
    expect(res.statusCode).toBe(200);
    expect(res.json().text).toBe('7');
  });

  describe('bad uploads get a 4xx with a stable code, and the app keeps serving', () => {
    const cases: [string, () => Promise<[Buffer | string, string | undefined]>, number, string][] = [
      ['random bytes', async () => [Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)), 'image/png'], 415, 'unsupported_image'],
      ['a zero-byte body', async () => [Buffer.alloc(0), 'image/png'], 415, 'unsupported_image'],
      ['a truncated PNG', async () => [(await photo('7', { format: 'png' })).subarray(0, 3000), 'image/png'], 400, 'corrupt_image'],
      ['a truncated JPEG', async () => [jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'image/jpeg'], 400, 'corrupt_image'],
      ['an SVG sent as image/png', async () => [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'image/png'], 415, 'unsupported_image'],
      ['a GIF sent as image/png', async () => [await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer(), 'image/png'], 415, 'unsupported_image'],
      ['a GIF sent as image/gif', async () => [await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer(), 'image/gif'], 415, 'unsupported_media_type'],
      ['a PNG declaring 60000 x 60000 pixels', async () => [pngDeclaring(60000, 60000), 'image/png'], 413, 'image_too_large'],
      ['an 11 MiB body', async () => [Buffer.concat([jpeg, Buffer.alloc(11 << 20)]), 'image/jpeg'], 413, 'body_too_large'],
      ['an 11 MiB multipart file', async () => [form([{ field: 'image', filename: 'big.jpg', body: Buffer.concat([jpeg, Buffer.alloc(11 << 20)]) }]), MULTIPART], 413, 'body_too_large'],
      ['a multipart image in another field', async () => [form([{ field: 'file', filename: 'n.jpg', body: jpeg }]), MULTIPART], 400, 'invalid_request'],
      ['a multipart form without a file', async () => [form([{ field: 'image', body: 'not a file' }]), MULTIPART], 400, 'invalid_request'],
      ['multipart without a boundary', async () => [form([{ field: 'image', filename: 'n.jpg', body: jpeg }]), 'multipart/form-data'], 400, 'invalid_request'],
      ['a multipart SVG', async () => [form([{ field: 'image', filename: 'x.svg', type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' }]), MULTIPART], 415, 'unsupported_image'],
      ['no body and no content type', async () => ['', undefined], 400, 'invalid_request'],
    ];
    for (const [name, make, status, code] of cases) {
      it(`${name} -> ${status} ${code}`, async () => {
        const [payload, type] = await make();
        const res = await post(payload, type);
        expect(res.statusCode, res.body).toBe(status);
        expect(res.json()).toMatchObject({ statusCode: status, code });
        expect(typeof res.json().message).toBe('string');
      });
    }

    it('serves a valid upload after all of them', async () => {
      const res = await post(jpeg, 'image/jpeg');
      expect(res.statusCode).toBe(200);
      expect(res.json().text).toBe('2026');
    });
  });
});
