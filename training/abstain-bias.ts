/**
 * npx tsx training/abstain-bias.ts --model <model dir> --out <dir> [--max-false-abstain 0.0006]
 *
 * Sets the not-a-digit class's operating point on validation digits: lowers the bias of class 10
 * in the last dense layer (the same as multiplying its softmax odds by e^offset) by the smallest
 * step of 0.25 that brings the validation digits' false-abstain rate (the last 5,000 MNIST
 * training images, never trained on) to --max-false-abstain or below. Nothing else changes; with
 * an offset of 0 the weights are copied as they are. MNIST test is not touched.
 *
 * Writes <out>/model.json + weights.bin and <out>/training.json: the run's record (cut at the
 * epoch for a <run>/epoch-N model, like export-onnx does) with an `abstainBias` block saying what
 * was chosen and what it did to validation digits and to fresh validation negatives.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INPUT_SIZE, NOT_A_DIGIT, NUM_CLASSES } from '../common/model-contract.js';
import { initBackend } from './src/backend.js';
import { loadModel, saveModel } from './src/checkpoint.js';
import { loadFontLetters } from './src/font-letters.js';
import { loadMnist } from '../test-support/mnist.js';
import { negative, negativeMix, type NegativeKind } from './src/negatives.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    'max-false-abstain': { type: 'string', default: '0.0006' },
  },
});
if (!args.model || !args.out) throw new Error('--model and --out are required');
const maxFalseAbstain = Number(args['max-false-abstain']);
const PX = INPUT_SIZE * INPUT_SIZE;
const VALIDATION = 5000;

await initBackend('wasm');
const model = await loadModel(path.resolve(args.model));

function predict(images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * NUM_CLASSES);
  for (let s = 0; s < n; s += 500) {
    const m = Math.min(500, n - s);
    const p = tf.tidy(() => (model.predict(tf.tensor4d(images.subarray(s * PX, (s + m) * PX), [m, INPUT_SIZE, INPUT_SIZE, 1])) as tf.Tensor).dataSync());
    out.set(p, s * NUM_CLASSES);
  }
  return out;
}

/** The answer for one row of probabilities with the not-a-digit odds multiplied by e^offset. */
function answer(p: Float32Array, row: number, offset: number): number {
  const base = row * NUM_CLASSES;
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if (p[base + c] > p[base + best]) best = c;
  if (best !== NOT_A_DIGIT) return best;
  // Not-a-digit wins: does it still win with its odds scaled? (The other classes keep their order.)
  let digit = 0;
  for (let c = 1; c < NOT_A_DIGIT; c++) if (p[base + c] > p[base + digit]) digit = c;
  return p[base + NOT_A_DIGIT] * Math.exp(offset) > p[base + digit] ? NOT_A_DIGIT : digit;
}

// Validation digits: the slice train.ts holds out (the last 5,000 of the 60,000 training images).
const train = await loadMnist('train', 60_000);
const first = train.count - VALIDATION;
const valProbs = predict(train.images.subarray(first * PX), VALIDATION);
const digitsAt = (offset: number) => {
  let correct = 0, abstained = 0;
  for (let i = 0; i < VALIDATION; i++) {
    const a = answer(valProbs, i, offset);
    if (a === train.labels[first + i]) correct++;
    if (a === NOT_A_DIGIT) abstained++;
  }
  return { accuracy: correct / VALIDATION, falseAbstain: abstained / VALIDATION };
};

// Fresh negatives of the generated kinds (a seed of their own), to show what the offset costs.
const fontLetters = await loadFontLetters();
const pools = { fashion: [], fontLetters };
const rng = seedrandom('abstain-bias:negatives');
const kinds = negativeMix(pools).map(([k]) => k);
const negatives = kinds.flatMap((kind) => Array.from({ length: 500 }, () => ({ kind, image: negative(kind, pools, rng) })));
const negImages = new Float32Array(negatives.length * PX);
negatives.forEach((n, i) => negImages.set(n.image, i * PX));
const negProbs = predict(negImages, negatives.length);
const negativesAt = (offset: number) =>
  Object.fromEntries(
    kinds.map((kind: NegativeKind) => {
      const rows = negatives.flatMap((n, i) => (n.kind === kind ? [i] : []));
      return [kind, rows.filter((i) => answer(negProbs, i, offset) === NOT_A_DIGIT).length / rows.length];
    }),
  );

let offset = 0;
while (digitsAt(offset).falseAbstain > maxFalseAbstain && offset > -10) offset -= 0.25;
const before = { digits: digitsAt(0), negatives: negativesAt(0) };
const after = { digits: digitsAt(offset), negatives: negativesAt(offset) };
console.log(`offset ${offset}: validation digits ${JSON.stringify(before.digits)} -> ${JSON.stringify(after.digits)}`);
console.log(`fresh negatives abstain ${JSON.stringify(before.negatives)} -> ${JSON.stringify(after.negatives)}`);

// The last layer's bias: softmax(z + offset e_10) is the probabilities with the odds of class 10 scaled.
const dense = model.layers[model.layers.length - 1];
const [kernel, bias] = dense.getWeights();
const b = bias.arraySync() as number[];
b[NOT_A_DIGIT] += offset;
dense.setWeights([kernel, tf.tensor1d(b)]);
const outDir = path.resolve(args.out);
await saveModel(model, outDir);

// The training record: the model dir's own, or for <run>/epoch-N its run's cut at epoch N.
const source = path.resolve(args.model);
const epoch = /^epoch-(\d+)$/.exec(path.basename(source));
let record: Record<string, any> | null = null;
if (existsSync(path.join(source, 'training.json'))) {
  record = JSON.parse(await readFile(path.join(source, 'training.json'), 'utf8'));
} else if (epoch && existsSync(path.join(source, '..', 'training.json'))) {
  const run = JSON.parse(await readFile(path.join(source, '..', 'training.json'), 'utf8'));
  const n = Number(epoch[1]);
  const at = run.history.find((h: { epoch: number }) => h.epoch === n);
  const runDir = path.relative(process.cwd(), path.dirname(source)).split(path.sep).join('/');
  record = {
    ...run,
    command: `${run.command} (weights after epoch ${n} of ${run.config.epochs}: ${runDir}/epoch-${n})`,
    seconds: Math.round(at.seconds),
    config: { ...run.config, epochs: n, scheduledEpochs: run.config.epochs },
    history: run.history.filter((h: { epoch: number }) => h.epoch <= n),
    run: { dir: runDir, epochs: run.config.epochs, seconds: run.seconds },
  };
}
if (record) {
  record.command = `${record.command}, then npx tsx training/abstain-bias.ts ${process.argv.slice(2).join(' ')}`;
  record.abstainBias = { offset, maxFalseAbstain, validationDigits: VALIDATION, before, after };
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'training.json'), `${JSON.stringify(record, null, 2)}\n`);
}
console.log(`wrote ${outDir}/model.json, weights.bin${record ? ', training.json' : ''}`);
