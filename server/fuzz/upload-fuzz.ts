/**
 * The HTTP half of the fuzz run: hostile uploads and malformed ink to POST /api/recognize over a
 * real socket. Every request must be answered: 200 with a Recognition for the valid ones, a 4xx
 * with the API's error shape ({statusCode, code, message}) for the rest, never a 5xx, a reset
 * or a hang. Cases are drawn with a seeded PRNG from weighted generators.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import http from 'node:http';
import { RecognitionSchema } from '../../common/recognition.js';
import { random } from './random.js';
import { abbreviate, Tally } from './tally.js';
import { assets, MiB } from './upload-assets.js';
import { GENERATORS, type UploadCase } from './upload-cases.js';

const checkRecognition = TypeCompiler.Compile(RecognitionSchema);
const REQUEST_MS = 60_000;

interface Answer {
  status: number;
  body: string;
}

/** POSTs the case over a fresh connection; resolves with the answer or rejects (no answer). */
function send(base: string, c: UploadCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (c.contentType !== undefined) headers['content-type'] = c.contentType;
    if (!c.chunked) headers['content-length'] = c.body.length;
    const req = http.request(`${base}/api/recognize`, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_MS, () => req.destroy(new Error(`no answer within ${REQUEST_MS} ms`)));
    // The server may answer (413) and close before the whole body is written: the answer wins.
    req.on('error', reject);
    if (c.chunked) {
      for (let i = 0; i < c.body.length; i += 64 * 1024) req.write(c.body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(c.body);
  });
}

function judge(tally: Tally, c: UploadCase, where: string, answer: Answer): void {
  const fail = (got: string) =>
    tally.fail({ where: `${where} [${c.name}]`, sent: `${c.contentType ?? '(no content type)'} ${abbreviate(c.body, 80)}`, expected: `${c.expect.join('|')}${c.codes ? ` ${c.codes.join('|')}` : ''}`, got });
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return fail(`${answer.status} with a non-JSON body ${abbreviate(answer.body, 100)}`);
  }
  if (answer.body.includes('root:x:0:0')) return fail('the answer contains /etc/passwd');
  if (answer.status === 200) {
    if (!checkRecognition.Check(body)) return fail(`200 with a body that is not a Recognition: ${abbreviate(answer.body, 200)}`);
    if (!c.expect.includes(200)) return fail(`200 ${abbreviate(answer.body, 120)}`);
    tally.count(`http: 200 (${c.name.split(' (')[0].replace(/\d+/g, 'N')})`.slice(0, 70));
    return;
  }
  const e = body as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (answer.status < 400 || answer.status >= 500) return fail(`${answer.status} ${abbreviate(answer.body, 200)}`);
  if (e.statusCode !== answer.status || typeof e.code !== 'string' || typeof e.message !== 'string') return fail(`${answer.status} without the error shape: ${abbreviate(answer.body, 200)}`);
  if (!c.expect.includes(answer.status) || (c.codes && !c.codes.includes(e.code))) return fail(`${answer.status} ${e.code}: ${e.message}`);
  tally.count(`http: ${answer.status} ${e.code}`);
}

export interface UploadFuzzResult {
  tally: Tally;
  requests: number;
  ms: number;
}

export async function runUploadFuzz(base: string, opts: { seed: string; requests: number; concurrency: number; alive?: () => boolean }): Promise<UploadFuzzResult> {
  const started = Date.now();
  const a = await assets();
  const tally = new Tally();
  const pick = random(`${opts.seed}:uploads`);
  const cases = Array.from({ length: opts.requests }, (_, i) => {
    const [, kind, make] = pick.weighted(GENERATORS.map((g) => [g[0], g] as const));
    return { i, kind, make };
  });
  let next = 0;
  let requests = 0;
  const worker = async () => {
    while (next < cases.length && (opts.alive?.() ?? true)) {
      const { i, kind, make } = cases[next++];
      const where = `upload ${i} (${kind})`;
      // Each case has its own PRNG: upload <i> replays alone with the same seed.
      const c = make(a, random(`${opts.seed}:upload:${i}`));
      requests++;
      try {
        judge(tally, c, where, await send(base, c));
      } catch (err) {
        // A server that refuses a body over its limit answers 413 at once and closes; a client
        // still writing the rest can see EPIPE/ECONNRESET before it reads that answer (a TCP
        // race, not a missing answer). Counted apart, and only for bodies over the limit.
        const code = (err as NodeJS.ErrnoException).code;
        if (c.expect.includes(413) && c.body.length > MiB && (code === 'EPIPE' || code === 'ECONNRESET')) {
          tally.count(`http: closed while sending an over-limit body (${code})`);
          continue;
        }
        tally.fail({ where: `${where} [${c.name}]`, sent: `${c.contentType ?? '(none)'} ${c.body.length} bytes`, expected: 'an answer', got: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { tally, requests, ms: Date.now() - started };
}

/** Several bombs at once: what a burst of the worst valid uploads does to memory. */
export async function bombBurst(base: string, n: number): Promise<{ tally: Tally; requests: number }> {
  const a = await assets();
  const tally = new Tally();
  const kinds = ['rgba16 6000x6000 interlaced', 'rgba16 6000x6000', 'grey 6000x6000'];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const c: UploadCase = { name: `burst bomb ${kinds[i % kinds.length]}`, contentType: 'image/png', body: a.bombs[kinds[i % kinds.length]], expect: [200, 413], codes: ['image_too_large'] };
      try {
        judge(tally, c, `bomb burst ${i}`, await send(base, c));
      } catch (err) {
        tally.fail({ where: `bomb burst ${i} [${c.name}]`, sent: `${c.body.length} bytes`, expected: 'an answer', got: String(err) });
      }
    }),
  );
  return { tally, requests: n };
}
