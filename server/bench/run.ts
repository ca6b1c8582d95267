/**
 * npm run bench: measures the recognizer's costs side by side in one run and writes
 * docs/benchmarks.md. Load generators run in separate processes on loopback.
 *
 *  1. rasterization per digit: ours (path pre-fitted to 28x28, sharp) vs the naive path
 *     (full-size canvas SVG through sharp, then resized) vs the pure-JS training renderer;
 *  2. inference: onnxruntime-node vs TF.js (wasm) on the same model, 1 image and batch 32;
 *  3. pen-up -> result over WebSockets while 100 clients write (server process + load process);
 *  4. REST throughput with autocannon, micro-batching on vs off (one run per request);
 *  5. reading one number: segmentation by recognition vs the per-group decision it replaced.
 *
 * With `--before <dir>` (a built checkout of an earlier commit, e.g. a git worktree with
 * node_modules symlinked and `npm run build:server` run in it), sections 3 and 4 also run that
 * build's server, alternating with this one, three rounds each, and report medians.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
// Registers the AbstainGate layer of a gated model's TF.js twin.
import '../../common/abstain-gate.js';
import sharp from 'sharp';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { INPUT_NAME, OUTPUT_NAME } from '../../common/model-contract.js';
import { centerByMass } from '../../common/preprocess.js';
import { renderStrokes } from '../../common/render.js';
import { ROOT } from '../src/config.js';
import { BoardRasterizer, rasterizeStrokes } from '../src/recognition/rasterize.js';
import { DigitCache, recognizeStrokes } from '../src/recognition/recognizer.js';
import inferencePlugin from '../src/plugins/inference.js';
import { decide } from '../../common/decide.js';
import { inkLattice, minExtentFor } from '../../common/ink-reading.js';
import { BOARD_HEIGHT, BOARD_WIDTH } from '../../common/protocol-constants.js';
import { segmentStrokes } from '../../common/segment.js';
import { digitStrokes, numberStrokes, VARIANTS, type Strokes } from '../../test-support/digit-strokes.js';
import { replaceSection, rssMb, serverProtocol, startServer, stopServer } from './server-process.js';
import { summarize } from './stats.js';

const QUICK = process.argv.includes('--quick');
const ITER = QUICK ? 200 : 2000;
const LOAD_SECONDS = QUICK ? 5 : 15;
const beforeAt = process.argv.indexOf('--before');
const BEFORE_DIR = beforeAt > 0 ? path.resolve(process.argv[beforeAt + 1]) : null;
/** The servers measured: this checkout, and the --before build when given (rounds alternate). */
const BUILDS: { name: string; script?: string }[] = [
  ...(BEFORE_DIR ? [{ name: `before (${gitHead(BEFORE_DIR)})`, script: path.join(BEFORE_DIR, 'dist/server/src/server.js') }] : []),
  { name: BEFORE_DIR ? `this checkout (${gitHead(ROOT)})` : 'this checkout' },
];
const ROUNDS = BEFORE_DIR ? 3 : 1;

function gitHead(dir: string): string {
  return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const lines: string[] = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};
const fixtures: Strokes[] = [];
for (let d = 0; d < 10; d++) for (const v of VARIANTS) fixtures.push(digitStrokes(d, v));

async function time(fn: (i: number) => Promise<unknown> | unknown, n = ITER): Promise<ReturnType<typeof summarize>> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** The naive path: the whole 300x300 canvas as SVG with a canvas-sized pen, resized by sharp. */
async function naiveRaster(strokes: Strokes): Promise<Float32Array> {
  const d = strokes.map((s) => s.map((p, i) => `${i ? 'L' : 'M'}${p[0]} ${p[1]}`).join('')).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="100%" height="100%" fill="#000"/><path d="${d}" fill="none" stroke="#fff" stroke-width="18" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  const raw = await sharp(Buffer.from(svg)).resize(28, 28).extractChannel(0).raw().toBuffer();
  return centerByMass(Float32Array.from(raw, (v) => v / 255)).image;
}

const row = (name: string, s: ReturnType<typeof summarize>, extra = '') => log(`| ${name} | ${s.p50} | ${s.p99} | ${s.n}${extra ? ` | ${extra}` : ''} |`);

async function rasterization(): Promise<void> {
  log('### 1. Rasterization, one digit (ms)\n');
  log('| path | p50 | p99 | runs |');
  log('|---|---|---|---|');
  const ours = await time((i) => rasterizeStrokes(fixtures[i % fixtures.length]));
  const naive = await time((i) => naiveRaster(fixtures[i % fixtures.length]));
  // A budget no run of this loop exhausts: every digit is drawn on the event loop.
  const board = new BoardRasterizer(1e12);
  const js = await time((i) => board.rasterize(fixtures[i % fixtures.length]) as Float32Array);
  const strip = await time((i) => Promise.all(Array.from({ length: 32 }, (_, k) => rasterizeStrokes(fixtures[(i * 32 + k) % fixtures.length]))), ITER / 10);
  const perDigit = (v: number) => Math.round((v / 32) * 1000) / 1000;
  row('REST: path fitted to 28x28, sharp/librsvg, one digit alone', ours);
  row('REST: 32 digits requested together (one strip, one sharp call), per digit', { ...strip, p50: perDigit(strip.p50), p99: perDigit(strip.p99) });
  row('naive: 300x300 canvas SVG, sharp resize', naive);
  row('boards: BoardRasterizer (common/render.ts on the event loop, cost check included), one digit', js);
  log(
    `\nOne digit alone: sharp with the fitted path is ${(naive.p50 / ours.p50).toFixed(1)}x faster than the naive path at p50 (sharp's fixed cost per call dominates both). Digits requested in the same event-loop turn share one strip: ${(naive.p50 / perDigit(strip.p50)).toFixed(1)}x faster than naive per digit. ` +
      `Boards draw with common/render.ts on the event loop: ${(ours.p50 / js.p50).toFixed(0)}x less than sharp for a lone digit, and no wait for the thread pool's answer to be picked up by a busy loop.\n`,
  );
}

/**
 * The TF.js twin the ONNX file was exported from, on TF.js's wasm backend, read with TF.js's own
 * API: training's loader stays in training/, which server/ never imports. Inference needs no
 * gradient kernels, so the plain wasm backend is what training's would run here.
 */
async function loadTfjsTwin(dir: string): Promise<tf.LayersModel> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const weights = await readFile(path.join(dir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
}

async function inference(): Promise<void> {
  log('### 2. Inference, same model (ms)\n');
  const modelPath = path.join(ROOT, 'models', 'digitnet.onnx');
  const images = fixtures.map((s) => renderStrokes(s));
  const batch = (n: number, offset: number) => {
    const x = new Float32Array(n * 784);
    for (let i = 0; i < n; i++) x.set(images[(offset + i) % images.length], i * 784);
    return x;
  };
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const ortRun = (n: number) => (i: number) => session.run({ [INPUT_NAME]: new ort.Tensor('float32', batch(n, i), [n, 28, 28, 1]) }).then((o) => o[OUTPUT_NAME].data);
  const ort1 = await time(ortRun(1));
  const ort32 = await time(ortRun(32), ITER / 10);
  const model = await loadTfjsTwin(path.join(ROOT, 'models', 'digitnet-tfjs'));
  const tfRun = (n: number) => (i: number) => {
    const out = tf.tidy(() => model.predict(tf.tensor4d(batch(n, i), [n, 28, 28, 1])) as tf.Tensor);
    const data = out.dataSync();
    out.dispose();
    return data;
  };
  const tf1 = await time(tfRun(1));
  const tf32 = await time(tfRun(32), ITER / 10);
  log('| runtime | 1 image p50 | 1 image p99 | batch 32 p50 | per image in batch 32 |');
  log('|---|---|---|---|---|');
  log(`| onnxruntime-node (1 thread) | ${ort1.p50} | ${ort1.p99} | ${ort32.p50} | ${(ort32.p50 / 32).toFixed(4)} |`);
  log(`| TF.js wasm | ${tf1.p50} | ${tf1.p99} | ${tf32.p50} | ${(tf32.p50 / 32).toFixed(4)} |`);
  log(`\nonnxruntime-node is ${(tf1.p50 / ort1.p50).toFixed(1)}x faster than TF.js wasm for one image, ${(tf32.p50 / ort32.p50).toFixed(1)}x at batch 32.\n`);
  await session.release();
  model.dispose();
}

/** Reads numbers in-process, new reading vs the per-group decision it replaced, on the same rasterizer and model. */
async function reading(): Promise<void> {
  log('### 5. Reading one number: segmentation by recognition vs one group per digit (ms, in-process)\n');
  const app = Fastify();
  await app.register(inferencePlugin, { modelPath: path.join(ROOT, 'models/digitnet.onnx'), threads: 1, maxBatch: 256 });
  await app.ready();
  const board = new BoardRasterizer(1e12);
  const options = { rasterize: board.rasterize, minExtent: minExtentFor(BOARD_WIDTH, BOARD_HEIGHT) };
  // The path before: overlap groups, one classification each, each group read on its own.
  const before = async (strokes: Strokes) => {
    const groups = segmentStrokes(strokes);
    const outputs = await Promise.all(groups.map((g) => app.inference.classify(board.rasterize(g.strokes) as Float32Array)));
    return decide(groups, outputs);
  };
  log('| number | strokes | candidates scored | before p50 | before p99 | now p50 | now p99 | now / before | board: pen-up of the last digit, the rest cached, p50 |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const text of ['7', '2026', '4815162342']) {
    const strokes = numberStrokes(text);
    const candidates = inkLattice(strokes, options).candidates.length;
    const n = Math.max(50, ITER / 10);
    const old = await time(() => before(strokes), n);
    const now = await time(() => recognizeStrokes(app.inference, strokes, options), n);
    // A board re-reads the number at each pen-up: the cache holds what the previous pen-ups scored.
    const shorter = numberStrokes(text.slice(0, -1));
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const cache = new DigitCache();
      if (shorter.length) await recognizeStrokes(app.inference, shorter, { ...options, cache });
      const t0 = performance.now();
      await recognizeStrokes(app.inference, strokes, { ...options, cache });
      samples.push(performance.now() - t0);
    }
    const penUp = summarize(samples);
    log(`| "${text}" | ${strokes.length} | ${candidates} | ${old.p50} | ${old.p99} | ${now.p50} | ${now.p99} | ${(now.p50 / old.p50).toFixed(1)}x | ${penUp.p50} |`);
  }
  await app.close();
  log('\nEvery candidate (a run of up to 8 neighbouring strokes that geometry does not rule out) is drawn and classified in one micro-batch; a board keeps the classified candidates in its DigitCache, so a pen-up scores only the candidates its new stroke is part of.\n');
}

async function websocket(port: number): Promise<void> {
  log(`### 3. Pen-up -> result over WebSockets while 100 clients write (${LOAD_SECONDS} s${ROUNDS > 1 ? `, median of ${ROUNDS} rounds per server, rounds alternating` : ''})\n`);
  const runs = new Map<string, { n: number; p50: number; p99: number; wrong: number; errors: number; before: number; after: number }[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const build of BUILDS) {
      const server = await startServer(port, {}, { script: build.script });
      const before = rssMb(server.pid!);
      const protocol = String(await serverProtocol(port));
      const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/bench/ws-load.ts'), `ws://127.0.0.1:${port}/ws`, '100', String(LOAD_SECONDS), protocol], { encoding: 'utf8' });
      const after = rssMb(server.pid!);
      await stopServer(server);
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      runs.set(build.name, [...(runs.get(build.name) ?? []), { n: r.penUpToResult.n, p50: r.penUpToResult.p50, p99: r.penUpToResult.p99, wrong: r.wrong, errors: r.errors, before, after }]);
    }
  }
  log('| server | clients | pen-ups | p50 (ms) | p99 (ms) | wrong digits | errors | server RSS before / after (MB) |');
  log('|---|---|---|---|---|---|---|---|');
  for (const [name, rs] of runs) {
    const m = (k: 'n' | 'p50' | 'p99' | 'wrong' | 'errors' | 'before' | 'after') => median(rs.map((r) => r[k]));
    log(`| ${name} | 100 | ${m('n')} | ${m('p50')} | ${m('p99')} | ${m('wrong')} | ${m('errors')} | ${m('before')} / ${m('after')} |`);
  }
  if (ROUNDS > 1) for (const [name, rs] of runs) log(`\n${name}, each round's p50 / p99: ${rs.map((r) => `${r.p50} / ${r.p99}`).join(', ')}`);
  log('\nThe load process measures from sending `stroke-end` to receiving the `result`: network, parsing, segmentation, rasterization, inference and serialization.\n');
}

async function rest(port: number): Promise<void> {
  log(`### 4. REST throughput, \`POST /api/recognize\`, one digit per request (autocannon, 32 connections, ${LOAD_SECONDS} s${ROUNDS > 1 ? `, median of ${ROUNDS} rounds per server, rounds alternating` : ''})\n`);
  const bodies = fixtures.map((strokes) => JSON.stringify({ strokes, width: 300, height: 300 }));
  const configs = [
    ...BUILDS.map((b) => ({ name: `${b.name}, micro-batching (default)`, script: b.script, env: {} })),
    { name: `${BUILDS.at(-1)!.name}, one onnxruntime run per request`, script: undefined, env: { INFERENCE_MAX_BATCH: '1' } },
  ];
  const runs = new Map<string, { rate: number; p50: number; p99: number; errors: number; rss: number }[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const config of configs) {
      const server = await startServer(port, config.env, { script: config.script });
      let i = 0;
      const r = await autocannon({
        url: `http://127.0.0.1:${port}/api/recognize`,
        method: 'POST',
        connections: 32,
        duration: LOAD_SECONDS,
        headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
      });
      const rss = rssMb(server.pid!);
      await stopServer(server);
      runs.set(config.name, [...(runs.get(config.name) ?? []), { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, rss }]);
    }
  }
  log('| server | digits/s | p50 (ms) | p99 (ms) | errors | RSS after (MB) |');
  log('|---|---|---|---|---|---|');
  const rates: Record<string, number> = {};
  for (const [name, rs] of runs) {
    const m = (k: 'rate' | 'p50' | 'p99' | 'errors' | 'rss') => median(rs.map((r) => r[k]));
    rates[name] = m('rate');
    log(`| ${name} | ${Math.round(m('rate'))} | ${m('p50')} | ${m('p99')} | ${m('errors')} | ${m('rss')} |`);
  }
  if (ROUNDS > 1) for (const [name, rs] of runs) log(`\n${name}, each round's digits/s: ${rs.map((r) => Math.round(r.rate)).join(', ')}`);
  const [batched, single] = configs.slice(-2).map((c) => rates[c.name]);
  log(`\nMicro-batching gives ${(batched / single).toFixed(2)}x the throughput of one run per request.`);
  if (BEFORE_DIR) log(`This checkout gives ${(rates[configs[BUILDS.length - 1].name] / rates[configs[0].name]).toFixed(2)}x the throughput of the before build.`);
  log('');
}

const started = new Date();
log('## Recognition service\n');
const command = BEFORE_DIR ? `npm run build:server && npx tsx server/bench/run.ts${QUICK ? ' --quick' : ''} --before ${BEFORE_DIR}` : `npm run bench${QUICK ? ' -- --quick' : ''}`;
log(`Made by \`${command}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Linux ${os.release()}. All rows of a table were measured in the same run, one after the other; the machine is shared and noisy, so compare ratios rather than absolute figures. Latencies in ms.\n`);
await rasterization();
await inference();
await reading();
await websocket(3311);
await rest(3312);
const file = path.join(ROOT, 'docs', 'benchmarks.md');
const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
writeFileSync(file, replaceSection(doc, 'recognition', lines.join('\n')));
console.log('\nwrote docs/benchmarks.md (recognition section)');
