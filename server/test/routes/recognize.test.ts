import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../common/recognition.js';
import { digitStrokes, numberStrokes, VARIANTS } from '../../../test-support/digit-strokes.js';
import { expressionStrokes } from '../../../test-support/expression-strokes.js';
import { build } from '../helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.close());

const recognize = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/recognize', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

describe('POST /api/recognize: arithmetic', () => {
  it('answers an expression with its operators in text and its value in math', async () => {
    const body = (await recognize({ strokes: expressionStrokes('12+30='), width: 1600, height: 1000 })).json();
    expect(body.text).toBe('12+30=');
    expect(body.math).toEqual([expect.objectContaining({ expression: '12+30', value: 42, display: '42', kind: 'expression' })]);
  });

  it('answers a column with a rule under it: its numbers one per line, and their sum', async () => {
    const v = { x: 300, size: 120, slant: 0.05 };
    const strokes = [...numberStrokes('12', { ...v, y: 100 }), ...numberStrokes('30', { ...v, y: 260 }), ...numberStrokes('7', { ...v, x: 300 + 0.85 * 120, y: 420 })];
    strokes.push(Array.from({ length: 20 }, (_, i): [number, number, number] => [260 + i * 12, 575 + i * 0.2, i * 8]));
    const body = (await recognize({ strokes, width: 1600, height: 1000 })).json();
    expect(body.text).toBe('12\n30\n7');
    expect(body.math).toEqual([expect.objectContaining({ expression: '12+30+7', value: 49, kind: 'sum' })]);
  });

  it('answers numbers written one over another above a rule one per line, with no sum where none is shown', async () => {
    const v = { x: 300, size: 120, slant: 0.05 };
    const strokes = [...numberStrokes('12', { ...v, y: 100 }), ...numberStrokes('30', { ...v, y: 260 })];
    // The rule is too far under the numbers to be theirs.
    strokes.push(Array.from({ length: 20 }, (_, i): [number, number, number] => [260 + i * 12, 800 + i * 0.2, i * 8]));
    const body = (await recognize({ strokes, width: 1600, height: 1000 })).json();
    expect(body.text).toBe('12\n30');
    expect(body.math).toEqual([]);
  });

  it('digits alone answer as before, with nothing evaluated', async () => {
    const body = (await recognize({ strokes: numberStrokes('2026'), width: 1600, height: 1000 })).json();
    expect(body.text).toBe('2026');
    expect(body.math).toEqual([]);
  });
});

describe('POST /api/recognize', () => {
  it('reads every digit from stroke fixtures, in several sizes, places and slants', async () => {
    const misses: string[] = [];
    for (let d = 0; d < 10; d++) {
      for (const [i, v] of VARIANTS.entries()) {
        const res = await recognize({ strokes: digitStrokes(d, v), width: 300, height: 300 });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        if (body.text !== String(d)) misses.push(`${d}/variant ${i} -> "${body.text}"`);
      }
    }
    // 40 drawings: allow one miss, so a model swap shows up as a failure with its list.
    expect(misses.length, misses.join(', ')).toBeLessThanOrEqual(1);
  });

  it('answers in the documented shape', async () => {
    const res = await recognize({ strokes: digitStrokes(7), width: 300, height: 300 });
    const body = res.json();
    expect(body.text).toBe('7');
    expect(body.digits).toHaveLength(1);
    const [d] = body.digits;
    expect(d.digit).toBe(7);
    expect(d.confidence).toBeGreaterThan(0.5);
    expect(d.probabilities).toHaveLength(10);
    expect(d.probabilities[7]).toBe(d.confidence);
    const sum = d.probabilities.reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(1.0001);
    expect(d.box.width).toBeGreaterThan(0);
    expect(body.rejected).toEqual([]);
    expect(typeof body.model).toBe('string');
    expect(body.ms).toBeGreaterThan(0);
  });

  it('reads a whole number left to right', async () => {
    const res = await recognize({ strokes: numberStrokes('2026'), width: 600, height: 300 });
    expect(res.json().text).toBe('2026');
    expect(res.json().digits).toHaveLength(4);
  });

  it('gives an empty answer for an empty board', async () => {
    const res = await recognize({ strokes: [], width: 300, height: 300 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ text: '', digits: [], rejected: [] });
  });

  it('says "not a digit" for a scribble rather than inventing a digit', async () => {
    // A dense tangle: 40 points bouncing across the box.
    const tangle = Array.from({ length: 40 }, (_, i) => [((i * 37) % 100) * 2 + 50, ((i * 61) % 100) * 2 + 50]);
    const res = await recognize({ strokes: [tangle], width: 300, height: 300 });
    const body = res.json();
    expect(body.text).toBe('');
    expect(body.rejected).toHaveLength(1);
  });

  describe('bad input gets a clear 4xx with a stable code', () => {
    const cases: [string, unknown, number, string, Record<string, string>?][] = [
      ['malformed JSON', '{"strokes": [', 400, 'invalid_json'],
      ['empty body', '', 400, 'invalid_json'],
      ['missing fields', {}, 400, 'invalid_request'],
      ['strokes not an array', { strokes: 'x', width: 1, height: 1 }, 400, 'invalid_request'],
      ['string coordinates', { strokes: [[['1', '2']]], width: 10, height: 10 }, 400, 'invalid_request'],
      ['a point with one number', { strokes: [[[1]]], width: 10, height: 10 }, 400, 'invalid_request'],
      ['out-of-range coordinates', { strokes: [[[1e12, 2]]], width: 10, height: 10 }, 400, 'invalid_request'],
      ['Infinity (1e999)', '{"strokes":[[[1e999,2]]],"width":10,"height":10}', 400, 'invalid_request'],
      ['null coordinates', { strokes: [[[null, 2]]], width: 10, height: 10 }, 400, 'invalid_request'],
      ['zero width', { strokes: [], width: 0, height: 10 }, 400, 'invalid_request'],
      ['too many strokes', { strokes: Array.from({ length: LIMITS.maxStrokes + 1 }, () => [[1, 1]]), width: 10, height: 10 }, 400, 'invalid_request'],
      ['wrong content type', 'hello', 415, 'unsupported_media_type', { 'content-type': 'text/plain' }],
    ];
    for (const [name, payload, status, code, headers] of cases) {
      it(name, async () => {
        const res = await recognize(typeof payload === 'string' ? payload : JSON.stringify(payload), headers);
        expect(res.statusCode).toBe(status);
        const body = res.json();
        expect(body.code).toBe(code);
        expect(body.message.length).toBeGreaterThan(5);
      });
    }

    it('an invalid body names the offending field and the rule it breaks', async () => {
      const cases: [unknown, RegExp][] = [
        [{ strokes: [[[1, 2]]], height: 10 }, /'width'/],
        [{ strokes: 'x', width: 1, height: 1 }, /strokes.*array/],
        [{ strokes: [[['1', 2]]], width: 10, height: 10 }, /strokes\/0\/0\/0 .*number/],
        [{ strokes: [], width: 0, height: 10 }, /width must be >/],
      ];
      for (const [payload, field] of cases) expect((await recognize(JSON.stringify(payload))).json().message).toMatch(field);
    });

    it('too many points in all', async () => {
      const stroke = Array.from({ length: LIMITS.maxPointsPerStroke }, (_, i) => [i % 100, i % 50]);
      const strokes = Array.from({ length: Math.ceil(LIMITS.maxPointsTotal / LIMITS.maxPointsPerStroke) + 1 }, () => stroke);
      const res = await recognize(JSON.stringify({ strokes, width: 100, height: 100 }));
      expect([400, 413]).toContain(res.statusCode);
      expect(['too_much_ink', 'body_too_large']).toContain(res.json().code);
    });

    it('an oversized body', async () => {
      const res = await recognize(`{"strokes":[],"width":1,"height":1,"pad":"${'x'.repeat(2 << 20)}"}`);
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('body_too_large');
    });

    it('keeps serving after all of that', async () => {
      const res = await recognize({ strokes: digitStrokes(4), width: 300, height: 300 });
      expect(res.json().text).toBe('4');
    });
  });
});

describe('POST /api/recognize rate limit', () => {
  it('answers 429 rate_limited past the per-address limit, and other addresses are not affected', async () => {
    const limited = await build({ RECOGNIZE_PER_MINUTE: 3 });
    try {
      const ink = { strokes: digitStrokes(1, VARIANTS[0]), width: 300, height: 300 };
      const from = (ip: string) =>
        limited.inject({ method: 'POST', url: '/api/recognize', payload: ink, remoteAddress: ip, headers: { 'content-type': 'application/json' } });
      for (let i = 0; i < 3; i++) expect((await from('10.0.0.1')).statusCode).toBe(200);
      const refused = await from('10.0.0.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ statusCode: 429, code: 'rate_limited' });
      expect(refused.headers['retry-after']).toBeDefined();
      expect((await from('10.0.0.2')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('other routes', () => {
  it('GET /api/health says ok with the model loaded', async () => {
    const res = await app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', model: expect.any(String) });
  });

  it('GET /api/model and /api/model.onnx serve the manifest and the exact bytes', async () => {
    const manifest = (await app.inject('/api/model')).json();
    const res = await app.inject('/api/model.onnx');
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe(`"${manifest.sha256}"`);
    expect(res.headers['content-disposition']).toContain('.onnx');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(manifest.sha256);
    const cached = await app.inject({ url: '/api/model.onnx', headers: { 'if-none-match': `"${manifest.sha256}"` } });
    expect(cached.statusCode).toBe(304);
  });

  it('unknown API routes are a JSON 404', async () => {
    const res = await app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
  });
});

describe('OpenAPI', () => {
  it('describes POST /api/recognize at /docs/json', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/api/recognize'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('strokes');
  });

  it('serves the UI at /docs', async () => {
    const res = await app.inject('/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
