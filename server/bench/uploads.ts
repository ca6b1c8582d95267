/**
 * Image uploads, before and after, side by side in one run, on the same inputs:
 *
 *   npm run build:server && npx tsx server/bench/uploads.ts [--quick] [--before <dir>]
 *
 * "before" is the image path of an earlier commit, built in a git worktree (default
 * /tmp/digitboard-before-img, e.g. `git worktree add --detach /tmp/digitboard-before-img 40e4ec4`, symlink
 * node_modules into it, `npx tsc -p tsconfig.build.json` there); "after" is this checkout's dist.
 * Both run in this process with the same model session. Times are recognizeImage's (what the
 * server spends) and a POST over loopback HTTP to a minimal Fastify route that calls it (the same
 * route for both, with the body taken as bytes as the app does). Then how many tight,
 * low-resolution crops of one digit each path reads right. Writes the section
 * `<!-- bench:uploads -->` of docs/benchmarks.md.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Recognition } from '../../common/recognition.js';
import { renderStrokes } from '../../common/render.js';
import { loadMnist } from '../../test-support/mnist.js';
import { ROOT } from '../src/config.js';
import inferencePlugin, { type Inference } from '../src/plugins/inference.js';
import { digitStrokes, VARIANTS } from '../../test-support/digit-strokes.js';
import { photo, tightCrop } from '../test/fixtures/photos.js';
import { replaceSection } from './server-process.js';
import { summarize } from './stats.js';

const QUICK = process.argv.includes('--quick');
const beforeAt = process.argv.indexOf('--before');
const BEFORE_DIR = beforeAt > 0 ? process.argv[beforeAt + 1] : '/tmp/digitboard-before-img';

/** The short commit a checkout is at (the before build's label). */
function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return path.basename(dir);
  }
}

type RecognizeImage = (inference: Inference, bytes: Buffer) => Promise<Recognition>;
const modulePath = (dir: string) => path.join(dir, 'dist/server/src/recognition/image.js');
for (const dir of [BEFORE_DIR, ROOT]) {
  if (!existsSync(modulePath(dir))) throw new Error(`${modulePath(dir)} is missing: build it first (see this file's comment)`);
}
const paths: { name: string; recognize: RecognizeImage }[] = [
  { name: `before (${commitOf(BEFORE_DIR)})`, recognize: (await import(modulePath(BEFORE_DIR))).recognizeImage },
  { name: 'after', recognize: (await import(modulePath(ROOT))).recognizeImage },
];

const lines: string[] = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};

const app = Fastify();
await app.register(inferencePlugin, { modelPath: process.env.MODEL_PATH ?? path.join(ROOT, 'models', 'digitnet.onnx'), threads: 1, maxBatch: 64 });
await app.ready();
const inference = app.inference;

/** A loopback server with POST / -> the path's recognizeImage, as the app answers an upload. */
async function routeFor(recognize: RecognizeImage): Promise<{ server: FastifyInstance; url: string }> {
  const server = Fastify({ bodyLimit: 10 * 1024 * 1024 });
  server.addContentTypeParser(['image/png', 'image/jpeg'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  server.post('/', async (request) => recognize(inference, request.body as Buffer));
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url };
}

interface Input {
  name: string;
  bytes: Buffer;
  type: string;
  expected: string;
  runs: number;
}

const started = new Date();
console.log('making the inputs...');
const inputs: Input[] = [
  {
    name: '12 Mpx JPEG photo of "2026" (4000 x 3000, 0.9 MB)',
    bytes: await photo('2026', { width: 4000, height: 3000, drawnSmaller: 4, noise: 4 }),
    type: 'image/jpeg',
    expected: '2026',
    runs: QUICK ? 15 : 40,
  },
  { name: 'JPEG photo of "2026", 1000 x 700', bytes: await photo('2026', { noise: 4 }), type: 'image/jpeg', expected: '2026', runs: QUICK ? 30 : 100 },
  {
    name: '64 x 64 PNG of one digit (an 8 x 8 scan of a 4, enlarged)',
    bytes: await tightCrop(renderStrokes(digitStrokes(4, VARIANTS[1])), 28, 28, { size: 64 }),
    type: 'image/png',
    expected: '4',
    runs: QUICK ? 200 : 1000,
  },
];
const mnist = await loadMnist('test', 1);
const raw28 = Buffer.from(mnist.images.subarray(0, 784).map((v) => Math.round(v * 255)));
const { default: sharp } = await import('sharp');
inputs.push({
  name: '28 x 28 PNG (an MNIST sample)',
  bytes: await sharp(raw28, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer(),
  type: 'image/png',
  expected: String(mnist.labels[0]),
  runs: QUICK ? 200 : 1000,
});

/** Median of `runs` timings, the paths alternating run by run so that both see the same machine. */
async function sideBySide(runs: number, fns: (() => Promise<unknown>)[]): Promise<number[][]> {
  for (const fn of fns) for (let i = 0; i < Math.min(5, runs); i++) await fn(); // warm-up
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < fns.length; k++) {
      const t0 = performance.now();
      await fns[k]();
      samples[k].push(performance.now() - t0);
    }
  }
  return samples;
}

const routes = await Promise.all(paths.map((p) => routeFor(p.recognize)));
const fmt = (v: number) => (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
log('## Image uploads');
log();
log(
  `Made by \`npm run build:server && npx tsx server/bench/uploads.ts${QUICK ? ' --quick' : ''}${beforeAt > 0 ? ` --before ${BEFORE_DIR}` : ''}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ` +
    `${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, load average at the start ${os.loadavg()[0].toFixed(1)} (the machine is shared: compare ratios). ` +
    `**before** = the image path of commit ${commitOf(BEFORE_DIR)} (built in a worktree), **after** = this checkout; both in one process with the same model session, runs alternating. ` +
    '"recognizeImage" is the time the server spends on the upload (decode, segmentation, inference); "HTTP" is a POST of the bytes over loopback to a minimal Fastify route calling it. Medians in ms (p99 in brackets).',
);
log();
log('| input | text before / after | recognizeImage before | after | ratio | HTTP before | after | ratio |');
log('|---|---|---|---|---|---|---|---|');
for (const input of inputs) {
  const texts = await Promise.all(paths.map((p) => p.recognize(inference, input.bytes).then((r) => r.text)));
  const direct = await sideBySide(
    input.runs,
    paths.map((p) => () => p.recognize(inference, input.bytes)),
  );
  const http = await sideBySide(
    input.runs,
    routes.map((r) => async () => {
      const res = await fetch(r.url, { method: 'POST', body: new Uint8Array(input.bytes), headers: { 'content-type': input.type } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await res.json();
    }),
  );
  const [d0, d1] = direct.map(summarize), [h0, h1] = http.map(summarize);
  const cell = (s: ReturnType<typeof summarize>) => `${fmt(s.p50)} (${fmt(s.p99)})`;
  log(
    `| ${input.name}, ${input.runs} runs | "${texts[0]}" / "${texts[1]}" (want "${input.expected}") | ${cell(d0)} | ${cell(d1)} | ${(d0.p50 / d1.p50).toFixed(1)}x | ${cell(h0)} | ${cell(h1)} | ${(h0.p50 / h1.p50).toFixed(1)}x |`,
  );
}
log();

// Accuracy on tight, low-resolution crops of one digit (the issue's uploads).
const strokeDigits = Array.from({ length: 10 }, (_, d) => VARIANTS.map((v) => ({ image: renderStrokes(digitStrokes(d, v)), label: d }))).flat();
const mnistCount = QUICK ? 100 : 300;
const test = await loadMnist('test', mnistCount);
const mnistDigits = Array.from({ length: mnistCount }, (_, k) => ({ image: test.images.subarray(k * 784, (k + 1) * 784), label: test.labels[k] }));
log(
  `Tight crops: each digit cropped to its box, padded to a square, averaged down to an 8 x 8 scan with 16 grey levels and enlarged with blocky pixels (server/test/fixtures/photos.ts tightCrop), as PNG. ` +
    `"fixture digits": the 10 digits x ${VARIANTS.length} variants of the test fixtures, drawn by common/render.ts; "MNIST": the first ${mnistCount} test digits. Read right = the text is the digit.`,
);
log();
log('| set | size | polarity | before | after |');
log('|---|---|---|---|---|');
for (const [setName, set] of [
  ['fixture digits', strokeDigits],
  ['MNIST', mnistDigits],
] as const) {
  for (const size of [8, 16, 32, 64]) {
    for (const polarity of ['dark-on-light', 'light-on-dark'] as const) {
      if (setName === 'MNIST' && polarity === 'light-on-dark' && size !== 32) continue;
      const ok = [0, 0];
      for (const { image, label } of set) {
        const png = await tightCrop(image, 28, 28, { size, polarity });
        for (let k = 0; k < paths.length; k++) if ((await paths[k].recognize(inference, png)).text === String(label)) ok[k]++;
      }
      const pct = (n: number) => `${n}/${set.length} (${Math.round((100 * n) / set.length)}%)`;
      log(`| ${setName} | ${size} px | ${polarity} | ${pct(ok[0])} | ${pct(ok[1])} |`);
    }
  }
}

for (const r of routes) await r.server.close();
await app.close();
const file = path.join(ROOT, 'docs', 'benchmarks.md');
writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), 'uploads', lines.join('\n')));
console.log(`\nwritten to ${path.relative(ROOT, file)}`);
