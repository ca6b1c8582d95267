/**
 * npm run time-to-accuracy -- --run training/seed2 [--target 0.994] [--threads 1] [--limit N]
 *
 * Time-to-accuracy of a training run made with `npm run train -- --keep-epochs`: exports each
 * saved epoch model (<run>/epoch-N/) to ONNX exactly as export:onnx does, scores it on MNIST test
 * through onnxruntime-node (the server's runtime), and pairs it with the cumulative training time
 * at the end of that epoch (the run's training.json, or its checkpoint's progress.json while the
 * run is still going). Writes <run>/time-to-accuracy.json and prints a table. Epochs already in
 * that file are not scored again (rerun it as epochs complete).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LABELS, PREPROCESSING_VERSION } from '../common/model-contract.js';
import { initBackend } from './src/backend.js';
import { loadModel } from './src/checkpoint.js';
import { evaluateOnnx } from './src/evaluate-onnx.js';
import { exportOnnx } from './src/onnx-export.js';

const { values: args } = parseArgs({
  options: {
    run: { type: 'string', default: 'training/seed2' },
    target: { type: 'string', default: '0.994' },
    threads: { type: 'string', default: '1' },
    limit: { type: 'string' },
  },
});

export interface EpochScore {
  epoch: number;
  /** Cumulative training seconds at the end of this epoch (train.ts's clock: excludes pauses between resumed sessions). */
  seconds: number;
  mnistTestAccuracy: number;
  mnistTestFalseAbstainRate: number;
  mnistTestCount: number;
}

const run = args.run!;
const target = Number(args.target);
const outFile = path.join(run, 'time-to-accuracy.json');
const history: { epoch: number; seconds: number }[] = await (async () => {
  for (const f of [path.join(run, 'training.json'), path.join(run, 'checkpoint', 'progress.json')]) {
    if (existsSync(f)) return JSON.parse(await readFile(f, 'utf8')).history ?? [];
  }
  return [];
})();
const previous: EpochScore[] = existsSync(outFile) ? JSON.parse(await readFile(outFile, 'utf8')).epochs : [];
const epochs = readdirSync(run)
  .map((d) => /^epoch-(\d+)$/.exec(d)?.[1])
  .filter((n): n is string => n !== undefined && existsSync(path.join(run, `epoch-${n}`, 'weights.bin')))
  .map(Number)
  .sort((a, b) => a - b);
if (epochs.length === 0) throw new Error(`${run} has no epoch-N/ models: train with --keep-epochs`);

await initBackend('cpu');
const scores: EpochScore[] = [];
for (const epoch of epochs) {
  const seconds = history.find((h) => h.epoch === epoch)?.seconds;
  const known = previous.find((p) => p.epoch === epoch && (args.limit === undefined || p.mnistTestCount === Number(args.limit)));
  if (known) {
    scores.push({ ...known, seconds: seconds ?? known.seconds });
    continue;
  }
  if (seconds === undefined) {
    console.warn(`epoch ${epoch}: no time in the run's history yet, skipped`);
    continue;
  }
  const model = await loadModel(path.join(run, `epoch-${epoch}`));
  const bytes = exportOnnx(model, { metadata: { labels: JSON.stringify(LABELS), preprocessingVersion: String(PREPROCESSING_VERSION) } });
  model.dispose();
  const e = await evaluateOnnx(bytes, { threads: Number(args.threads), limit: args.limit === undefined ? undefined : Number(args.limit) });
  scores.push({ epoch, seconds, mnistTestAccuracy: e.accuracy, mnistTestFalseAbstainRate: e.falseAbstainRate, mnistTestCount: e.count });
  console.log(`epoch ${epoch}: ${(100 * e.accuracy).toFixed(2)}%`);
}

const first = scores.find((s) => s.mnistTestAccuracy >= target);
const result = {
  run: run.split(path.sep).join('/'),
  target,
  measuredWith: 'each epoch-N model exported to ONNX (training/src/onnx-export.ts) and scored on MNIST test through onnxruntime-node',
  firstEpochAtTarget: first ? { epoch: first.epoch, seconds: first.seconds } : null,
  epochs: scores,
};
await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);

const min = (s: number) => `${(s / 60).toFixed(1)} min`;
console.log(`\n| epoch | training time (cumulative) | MNIST test accuracy | false-abstain |\n|---:|---:|---:|---:|`);
for (const s of scores) console.log(`| ${s.epoch} | ${Math.round(s.seconds)} s (${min(s.seconds)}) | ${(100 * s.mnistTestAccuracy).toFixed(2)}% | ${(100 * s.mnistTestFalseAbstainRate).toFixed(2)}% |`);
console.log(first ? `\nfirst epoch at >= ${(100 * target).toFixed(1)}%: ${first.epoch}, after ${Math.round(first.seconds)} s (${min(first.seconds)})` : `\nno epoch reached ${(100 * target).toFixed(1)}% yet`);
console.log(`wrote ${outFile}`);
