/**
 * npm run train -- [--epochs 12] [--batch 64] [--seed 1] [--limit N] [--out training/output]
 *                  [--backend wasm|cpu|tensorflow] [--fresh] [--no-augment] [--neg-ratio 0.12]
 *                  [--init-from <model dir>] (fine-tune a trained model)
 *                  [--corrections <file.jsonl>] (users' corrections, GET /api/recognitions/corrections)
 *                  [--regional-ratio 0] (European 1s and crossed 7s per MNIST digit, src/regional-digits.ts)
 *                  [--font-digit-ratio 0] (digits typeset in the training fonts per MNIST digit, src/font-letters.ts)
 *                  [--low-res-ratio 0] (MNIST digits as low-resolution scans per MNIST digit, src/low-res-digits.ts)
 *                  [--pair-ratio 0] (two MNIST digits touching, fitted whole, as negatives, per MNIST digit, src/digit-pairs.ts)
 *                  [--schedule cosine|step] (learning rate: cosine from --lr down to --lr/100 over all
 *                  batches, the default; or step: x0.75 per epoch, floor --lr/30, as runs 1-2 used)
 *                  [--size 24,48,128] (conv filters and dense units; smaller for an abstain gate)
 *
 * Trains the digit CNN on MNIST's training set (augmented), with an 11th class of negatives
 * (Fashion-MNIST items, scribbles, letters typeset in the DejaVu and Liberation fonts, and
 * hand-drawn letters, shapes and signs; src/negatives.ts NEGATIVE_MIX). Checkpoints every 100 batches and at each
 * epoch's end; rerunning the same command resumes where it stopped (--fresh starts over).
 * --keep-epochs also saves each epoch's model in <out>/epoch-N.
 * Writes <out>/model.json + weights.bin (TF.js) and <out>/training.json (curves, timings).
 */
import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import seedrandom from 'seedrandom';
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INPUT_SIZE, NOT_A_DIGIT, NUM_CLASSES } from '../common/model-contract.js';
import { augment } from './src/augment.js';
import { loadCorrections } from './src/corrections.js';
import { regionalDigit } from './src/regional-digits.js';
import { initBackend } from './src/backend.js';
import { loadCheckpoint, loadModel, saveCheckpoint, saveModel, type Progress } from './src/checkpoint.js';
import { loadMnist } from '../test-support/mnist.js';
import { buildModel, DEFAULT_MODEL, type ModelOptions } from './src/model.js';
import { loadFontDigits, loadFontLetters } from './src/font-letters.js';
import { lowResDigit } from './src/low-res-digits.js';
import { randomDigitPair } from './src/digit-pairs.js';
import { loadFashion, negative, negativeMix, randomNegative, type NegativeKind } from './src/negatives.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '12' },
    batch: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string' },
    out: { type: 'string', default: 'training/output' },
    backend: { type: 'string' },
    lr: { type: 'string', default: '0.001' },
    'neg-ratio': { type: 'string', default: '0.12' },
    schedule: { type: 'string', default: 'cosine' },
    'no-augment': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    /** Also save each epoch's model as <out>/epoch-N (for time-to-accuracy measurements). */
    'keep-epochs': { type: 'boolean', default: false },
    /** Start from a trained model's weights (fine-tuning), with this run's own schedule. */
    'init-from': { type: 'string' },
    /** Users' corrections exported as JSON Lines: extra labelled digits. */
    corrections: { type: 'string' },
    'regional-ratio': { type: 'string', default: '0' },
    'font-digit-ratio': { type: 'string', default: '0' },
    'low-res-ratio': { type: 'string', default: '0' },
    'pair-ratio': { type: 'string', default: '0' },
    /** The network's size: two conv layers' filters and the dense layer's units, e.g. 12,24,64 (a small gate). */
    size: { type: 'string' },
  },
});

const config = {
  epochs: Number(args.epochs),
  batch: Number(args.batch),
  seed: Number(args.seed),
  limit: args.limit ? Number(args.limit) : Infinity,
  lr: Number(args.lr),
  negRatio: Number(args['neg-ratio']),
  regionalRatio: Number(args['regional-ratio']),
  fontDigitRatio: Number(args['font-digit-ratio']),
  lowResRatio: Number(args['low-res-ratio']),
  pairRatio: Number(args['pair-ratio']),
  augment: !args['no-augment'],
  schedule: args.schedule!,
  model: { ...DEFAULT_MODEL, ...parseSize(args.size), seed: Number(args.seed) },
  initFrom: args['init-from'] ?? null,
};
if (config.schedule !== 'cosine' && config.schedule !== 'step') throw new Error('--schedule must be cosine or step');
for (const [k, v] of Object.entries(config)) {
  if (typeof v === 'number' && !(v >= 0)) throw new Error(`--${k} must be a non-negative number`);
}
const PX = INPUT_SIZE * INPUT_SIZE;
const CHECKPOINT_EVERY = 100;
const outDir = path.resolve(args.out!);
const checkpointDir = path.join(outDir, 'checkpoint');

const backend = await initBackend(args.backend);
// Validation: the last 5,000 training images (a fifth of the slice when --limit is small).
const VALIDATION = Number.isFinite(config.limit) ? Math.min(5000, Math.ceil(config.limit / 5)) : 5000;
const train = await loadMnist('train', config.limit + VALIDATION);
const fashion = config.negRatio > 0 ? ((await loadFashion(config.limit === Infinity ? Infinity : config.limit)) ?? []) : [];
if (config.negRatio > 0 && fashion.length === 0) {
  console.warn('Fashion-MNIST not found (apt-get install dataset-fashion-mnist): negatives are scribbles only.');
}
// The last VALIDATION training images (and fashion items) are held out for per-epoch validation;
// the MNIST test set is only touched by evaluate.ts, on the exported ONNX model.
const nTrain = train.count - VALIDATION;
const fashionTrain = fashion.slice(0, Math.floor(fashion.length * 0.95));
const fashionVal = fashion.slice(fashionTrain.length);
const fontLetters = config.negRatio > 0 ? await loadFontLetters() : [];
if (config.negRatio > 0 && fontLetters.length === 0) {
  console.warn('No training fonts found (apt-get install fonts-dejavu-core fonts-liberation fonts-liberation2): no font letters among the negatives.');
}
const pools = { fashion: fashionTrain, fontLetters };
const mix = negativeMix(pools);
const corrections = args.corrections ? await loadCorrections(args.corrections) : { images: [], labels: [], skipped: 0 };
if (args.corrections) console.log(`${corrections.images.length} digits from ${args.corrections} (${corrections.skipped} records skipped)`);
const nCorrections = corrections.images.length;
const nRegional = Math.round(nTrain * config.regionalRatio);
const fontDigits = config.fontDigitRatio > 0 ? await loadFontDigits() : { images: [], labels: [] };
if (config.fontDigitRatio > 0 && fontDigits.images.length === 0) throw new Error('--font-digit-ratio: no training font is installed (fonts-dejavu-core, fonts-liberation)');
const nFontDigits = Math.round(nTrain * config.fontDigitRatio);
const nLowRes = Math.round(nTrain * config.lowResRatio);
const nPairs = Math.round(nTrain * config.pairRatio);
const nNeg = Math.round(nTrain * config.negRatio);
const perEpoch = nTrain + nCorrections + nRegional + nFontDigits + nLowRes + nPairs + nNeg;
const batchesPerEpoch = Math.ceil(perEpoch / config.batch);

const digitImage = (i: number) => train.images.subarray(i * PX, (i + 1) * PX);

/**
 * Example k of an epoch's order: an MNIST digit, a corrected digit, a regional 1 or 7, a typeset
 * digit (the glyphs taken in turn, augmented afresh each time), an MNIST digit (drawn at random,
 * augmented) as a low-resolution scan, two MNIST digits touching (a negative), or another negative.
 */
function example(k: number, rng: () => number): [Float32Array, number] {
  if (k < nTrain) {
    const img = digitImage(k);
    return [config.augment ? augment(img, rng) : img, train.labels[k]];
  }
  if (k < nTrain + nCorrections) {
    const img = corrections.images[k - nTrain];
    return [config.augment ? augment(img, rng) : img, corrections.labels[k - nTrain]];
  }
  if (k < nTrain + nCorrections + nRegional) {
    const { image, label } = regionalDigit(rng);
    return [config.augment ? augment(image, rng) : image, label];
  }
  if (k < nTrain + nCorrections + nRegional + nFontDigits) {
    const g = (k - nTrain - nCorrections - nRegional) % fontDigits.images.length;
    return [config.augment ? augment(fontDigits.images[g], rng) : fontDigits.images[g], fontDigits.labels[g]];
  }
  if (k < nTrain + nCorrections + nRegional + nFontDigits + nLowRes) {
    const i = Math.floor(rng() * nTrain);
    return [lowResDigit(config.augment ? augment(digitImage(i), rng) : digitImage(i), rng), train.labels[i]];
  }
  if (k < nTrain + nCorrections + nRegional + nFontDigits + nLowRes + nPairs) {
    const pair = randomDigitPair(digitImage(Math.floor(rng() * nTrain)), digitImage(Math.floor(rng() * nTrain)), rng);
    return [config.augment ? augment(pair, rng) : pair, NOT_A_DIGIT];
  }
  return [randomNegative(mix, pools, rng, !config.augment), NOT_A_DIGIT];
}

function epochOrder(epoch: number): Uint32Array {
  const rng = seedrandom(`${config.seed}:order:${epoch}`);
  const order = new Uint32Array(perEpoch).map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function makeBatch(order: Uint32Array, epoch: number, b: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const rng = seedrandom(`${config.seed}:batch:${epoch}:${b}`);
  const idx = order.subarray(b * config.batch, (b + 1) * config.batch);
  const x = new Float32Array(idx.length * PX);
  const y = new Int32Array(idx.length);
  idx.forEach((k, i) => {
    const [img, label] = example(k, rng);
    x.set(img, i * PX);
    y[i] = label;
  });
  return tf.tidy(() => ({
    xs: tf.tensor4d(x, [idx.length, INPUT_SIZE, INPUT_SIZE, 1]),
    ys: tf.oneHot(tf.tensor1d(y, 'int32'), NUM_CLASSES) as tf.Tensor2D,
  }));
}

/**
 * Held-out negatives for validation, 500 of each kind (fewer for a --limit run): Fashion items
 * never trained on, and generated kinds drawn with a seed of their own (the font letters are the
 * training glyphs, augmented afresh: unseen poses, not unseen fonts).
 */
const validationNegatives: { kind: NegativeKind; image: Float32Array }[] = (() => {
  const rng = seedrandom(`${config.seed}:validation-negatives`);
  const perKind = Math.min(500, VALIDATION);
  return mix.flatMap(([kind]): { kind: NegativeKind; image: Float32Array }[] =>
    kind === 'fashion'
      ? fashionVal.slice(0, perKind).map((image) => ({ kind, image }))
      : Array.from({ length: perKind }, () => ({ kind, image: negative(kind, { fashion: fashionVal, fontLetters }, rng) })),
  );
})();

/**
 * Held-out pairs for a run that trains on them: two validation digits touching, 500 (fewer for a
 * --limit run). Kept apart from the other negatives, so that valAbstain means what it did before.
 */
const validationPairs: Float32Array[] = (() => {
  if (config.pairRatio === 0) return [];
  const rng = seedrandom(`${config.seed}:validation-pairs`);
  const count = train.count - nTrain;
  const digit = () => digitImage(nTrain + Math.floor(rng() * count));
  return Array.from({ length: Math.min(500, count) }, () => randomDigitPair(digit(), digit(), rng));
})();

/**
 * Validation: digit accuracy and false-abstain rate on held-out MNIST training images, abstention
 * on held-out negatives (all kinds, and per kind).
 */
function validate(model: tf.LayersModel): { valAccuracy: number; valFalseAbstain: number; valAbstain: number } & Record<string, number> {
  const count = train.count - nTrain;
  let correct = 0, falseAbstain = 0;
  for (let s = 0; s < count; s += 500) {
    const n = Math.min(500, count - s);
    const pred = tf.tidy(() => {
      const xs = tf.tensor4d(train.images.subarray((nTrain + s) * PX, (nTrain + s + n) * PX), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      return (model.predict(xs) as tf.Tensor).argMax(-1).dataSync();
    });
    for (let i = 0; i < n; i++) {
      if (pred[i] === train.labels[nTrain + s + i]) correct++;
      if (pred[i] === NOT_A_DIGIT) falseAbstain++;
    }
  }
  const x = new Float32Array(validationNegatives.length * PX);
  validationNegatives.forEach((v, i) => x.set(v.image, i * PX));
  const pred = tf.tidy(() => (model.predict(tf.tensor4d(x, [validationNegatives.length, INPUT_SIZE, INPUT_SIZE, 1])) as tf.Tensor).argMax(-1).dataSync());
  const byKind: Record<string, number> = {};
  for (const [kind] of mix) {
    const of = validationNegatives.flatMap((v, i) => (v.kind === kind ? [pred[i]] : []));
    byKind[`valAbstain_${kind}`] = of.filter((p) => p === NOT_A_DIGIT).length / of.length;
  }
  const abstained = pred.filter((p) => p === NOT_A_DIGIT).length;
  if (validationPairs.length > 0) {
    const xp = new Float32Array(validationPairs.length * PX);
    validationPairs.forEach((v, i) => xp.set(v, i * PX));
    const pp = tf.tidy(() => (model.predict(tf.tensor4d(xp, [validationPairs.length, INPUT_SIZE, INPUT_SIZE, 1])) as tf.Tensor).argMax(-1).dataSync());
    byKind.valAbstain_pair = pp.filter((p) => p === NOT_A_DIGIT).length / validationPairs.length;
  }
  return { valAccuracy: correct / count, valFalseAbstain: falseAbstain / count, valAbstain: abstained / validationNegatives.length, ...byKind };
}

/** The learning rate for batch b of an epoch. */
function learningRate(epoch: number, b: number): number {
  if (config.schedule === 'step') return Math.max(config.lr * 0.75 ** epoch, config.lr / 30);
  const done = (epoch * batchesPerEpoch + b) / (config.epochs * batchesPerEpoch);
  const floor = config.lr / 100;
  return floor + 0.5 * (config.lr - floor) * (1 + Math.cos(Math.PI * done));
}

const optimizer = tf.train.adam(config.lr);
const resumed = args.fresh ? null : await loadCheckpoint(checkpointDir, optimizer);
if (resumed && JSON.stringify(resumed.progress.config) !== JSON.stringify(config)) {
  throw new Error(`${checkpointDir} was made with another configuration; use --fresh or another --out`);
}
const model = resumed?.model ?? (config.initFrom ? await loadModel(path.resolve(config.initFrom)) : buildModel(config.model));
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const progress: Progress = resumed?.progress ?? { epoch: 0, batch: 0, elapsedSeconds: 0, history: [], config };

console.log(
  `backend ${backend}; ${model.countParams()} parameters; ${nTrain} digits + ${nCorrections} corrected + ${nRegional} regional + ${nFontDigits} typeset + ${nLowRes} low-resolution + ${nPairs} touching pairs + ${nNeg} negatives per epoch ` +
    `(${mix.map(([k, share]) => `${k} ${(share * 100).toFixed(0)}%`).join(', ')}; ${fashionTrain.length} fashion items, ` +
    `${fontLetters.length} font letter glyphs); ${batchesPerEpoch} batches of ${config.batch}` +
    (resumed ? `; resuming at epoch ${progress.epoch + 1}, batch ${progress.batch}` : ''),
);

const bar = new cliProgress.SingleBar(
  {
    format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} batches | ETA {eta_formatted} | loss {loss} | acc {acc}',
    etaBuffer: 50,
    noTTYOutput: true,
    notTTYSchedule: 15_000,
  },
  cliProgress.Presets.shades_classic,
);

let sessionStart = performance.now();
const elapsed = () => progress.elapsedSeconds + (performance.now() - sessionStart) / 1000;

while (progress.epoch < config.epochs) {
  const epoch = progress.epoch;
  const order = epochOrder(epoch);
  let lossSum = 0, accSum = 0, seen = 0;
  bar.start(batchesPerEpoch, progress.batch, { epoch: epoch + 1, epochs: config.epochs, loss: '-', acc: '-' });
  for (let b = progress.batch; b < batchesPerEpoch; b++) {
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate(epoch, b);
    const { xs, ys } = makeBatch(order, epoch, b);
    const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
    tf.dispose([xs, ys]);
    lossSum += loss;
    accSum += acc;
    seen++;
    bar.update(b + 1, { loss: (lossSum / seen).toFixed(4), acc: (accSum / seen).toFixed(4) });
    if ((b + 1) % CHECKPOINT_EVERY === 0 && b + 1 < batchesPerEpoch) {
      await saveCheckpoint(checkpointDir, model, optimizer, { ...progress, batch: b + 1, elapsedSeconds: elapsed() });
    }
  }
  bar.stop();
  const val = validate(model);
  progress.history.push({
    epoch: epoch + 1,
    loss: lossSum / Math.max(seen, 1),
    accuracy: accSum / Math.max(seen, 1),
    ...val,
    learningRate: learningRate(epoch, batchesPerEpoch - 1),
    seconds: elapsed(),
  });
  console.log(
    `epoch ${epoch + 1}: loss ${(lossSum / seen).toFixed(4)}, train acc ${(accSum / seen).toFixed(4)}, ` +
      `val acc ${val.valAccuracy.toFixed(4)}, val false-abstain ${val.valFalseAbstain.toFixed(4)}, val abstain on negatives ${val.valAbstain.toFixed(3)} ` +
      `(${mix.map(([k]) => `${k} ${val[`valAbstain_${k}`].toFixed(3)}`).join(', ')}${validationPairs.length > 0 ? `; touching pairs ${val.valAbstain_pair.toFixed(3)}` : ''}), ${elapsed().toFixed(0)} s`,
  );
  progress.epoch++;
  progress.batch = 0;
  progress.elapsedSeconds = elapsed();
  sessionStart = performance.now();
  await saveCheckpoint(checkpointDir, model, optimizer, progress);
  // Each epoch's weights, so time-to-accuracy can be measured on the test set afterwards.
  if (args['keep-epochs']) await saveModel(model, path.join(outDir, `epoch-${progress.epoch}`));
}

await mkdir(outDir, { recursive: true });
await saveModel(model, outDir);
await writeFile(
  path.join(outDir, 'training.json'),
  JSON.stringify(
    {
      command: `npm run train -- ${process.argv.slice(2).join(' ')}`.trim(),
      date: new Date().toISOString(),
      backend,
      seconds: Math.round(progress.elapsedSeconds),
      config: { ...config, limit: Number.isFinite(config.limit) ? config.limit : null },
      parameters: model.countParams(),
      history: progress.history,
    },
    null,
    2,
  ),
);
console.log(`saved ${outDir}/model.json, weights.bin, training.json (${progress.elapsedSeconds.toFixed(0)} s of training)`);

/** `--size c1,c2,dense` as model options; none given keeps the default network. */
function parseSize(size: string | undefined): Partial<ModelOptions> {
  if (size === undefined) return {};
  const n = size.split(',').map(Number);
  if (n.length !== 3 || !n.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`--size ${size}: expected three positive integers c1,c2,dense`);
  return { filters: [n[0], n[1]], dense: n[2] };
}
