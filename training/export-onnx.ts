/**
 * npm run export:onnx -- [--model training/output [--model training/seed2 ...]] [--gate training/run9-bias]
 *                        [--out models/digitnet.onnx] [--manifest] [--name digitnet] [--model-version V] [--opset 13]
 *
 * Converts the TF.js model in --model (model.json + weights.bin) to ONNX. Given --model more than
 * once, writes ONE ONNX graph that runs every model on the input and averages their softmax
 * outputs (an ensemble), with the same input/output names, shapes, dynamic batch and opset as a
 * single model, so the server and the browser load it unchanged. With --gate, writes one graph in
 * which --model (one model, the reader) says which digit and --gate says whether the input is a
 * digit at all: a digit only where both say so (see common/abstain-gate.ts).
 *
 * With --manifest it also scores the .onnx file on MNIST test through onnxruntime-node, writes
 * manifest.json beside it (see ModelManifest in common/model-contract.ts), writes the TF.js twin
 * to <out without .onnx>-tfjs/ so the parity test can compare the shipped model with its source
 * (a copy of the model's files; for an ensemble, the members joined by a TF.js Average layer; for
 * a gated model, reader and gate joined by an AbstainGate layer; see training/src/ensemble.ts), and writes training.json beside it: the run's training record (for an
 * ensemble, every member's, under "members"), with <run>/time-to-accuracy.json when present.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  INPUT_NAME,
  INPUT_SIZE,
  LABELS,
  MANIFEST_VERSION,
  NUM_CLASSES,
  OUTPUT_NAME,
  PREPROCESSING_VERSION,
  type ModelManifest,
} from '../common/model-contract.js';
import { initBackend } from './src/backend.js';
import { loadModel, saveModel } from './src/checkpoint.js';
import { ensembleModel, gatedModel } from './src/ensemble.js';
import { evaluateOnnx } from './src/evaluate-onnx.js';
import { DEFAULT_OPSET, exportOnnx, memberChains } from './src/onnx-export.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', multiple: true, default: ['training/output'] },
    gate: { type: 'string' },
    out: { type: 'string', default: 'models/digitnet.onnx' },
    manifest: { type: 'boolean', default: false },
    name: { type: 'string', default: 'digitnet' },
    'model-version': { type: 'string' },
    opset: { type: 'string', default: String(DEFAULT_OPSET) },
  },
});

const modelDirs = args.model!;
const gateDir = args.gate;
const outFile = args.out!;
if (gateDir && modelDirs.length !== 1) throw new Error('--gate takes exactly one --model: the reader');
for (const dir of gateDir ? [...modelDirs, gateDir] : modelDirs) {
  if (!existsSync(path.join(dir, 'model.json'))) {
    throw new Error(`${dir}/model.json not found: train first (npm run train) or pass --model <dir>`);
  }
}

// Exporting only reads weights: the plain CPU backend avoids starting the wasm runtime.
await initBackend('cpu');
const models = await Promise.all(modelDirs.map((dir) => loadModel(dir)));
const gate = gateDir ? await loadModel(gateDir) : null;
const members = models.reduce((a, m) => a + memberChains(m).length, 0);
const combine = gate ? 'gated' : members > 1 ? 'ensemble' : null;
const exported = gate ? gatedModel(models[0], gate) : models;
const bytes = exportOnnx(exported, {
  opset: Number(args.opset),
  metadata: {
    labels: JSON.stringify(LABELS),
    preprocessingVersion: String(PREPROCESSING_VERSION),
    ...(combine === 'ensemble' ? { ensemble: `mean of ${members} models' softmax outputs` } : {}),
    ...(combine === 'gated' ? { gate: "a digit only where both networks say so; which digit, from the reader" } : {}),
  },
});
await mkdir(path.dirname(outFile), { recursive: true });
await writeFile(outFile, bytes);
console.log(`wrote ${outFile} (${bytes.length} bytes, opset ${args.opset}${combine === 'ensemble' ? `, ensemble of ${members}` : combine === 'gated' ? ', gated' : ''})`);

if (args.manifest) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const records = await Promise.all((gateDir ? [...modelDirs, gateDir] : modelDirs).map((dir) => readRecord(dir)));
  const training = manifestTraining(records);

  console.log('scoring on MNIST test with onnxruntime-node...');
  const evaluation = await evaluateOnnx(outFile);
  console.log(`accuracy ${evaluation.accuracy.toFixed(4)}, false-abstain rate ${evaluation.falseAbstainRate.toFixed(4)}`);

  // The TF.js twin of exactly this model, for the TF.js/ONNX parity test.
  const twin = path.join(path.dirname(outFile), `${path.basename(outFile, '.onnx')}-tfjs`);
  await rm(twin, { recursive: true, force: true });
  await mkdir(twin, { recursive: true });
  if (combine === null) {
    for (const f of ['model.json', 'weights.bin']) await copyFile(path.join(modelDirs[0], f), path.join(twin, f));
  } else {
    await saveModel(Array.isArray(exported) ? ensembleModel(exported) : exported, twin);
  }

  const manifest: ModelManifest = {
    manifestVersion: MANIFEST_VERSION,
    name: args.name!,
    // Default: the training date and the file's hash, so two different files never share a version.
    version: args['model-version'] ?? `${(training.date.match(/^\d{4}-\d\d-\d\d/)?.[0] ?? 'undated').replaceAll('-', '')}-${sha256.slice(0, 8)}`,
    file: path.basename(outFile),
    sha256,
    opset: Number(args.opset),
    input: { name: INPUT_NAME, shape: [-1, INPUT_SIZE, INPUT_SIZE, 1], layout: 'NHWC', dtype: 'float32', range: [0, 1], polarity: 'ink-high' },
    output: { name: OUTPUT_NAME, kind: 'softmax', shape: [-1, NUM_CLASSES] },
    labels: [...LABELS],
    preprocessingVersion: PREPROCESSING_VERSION,
    metrics: {
      mnistTestAccuracy: evaluation.accuracy,
      mnistTestFalseAbstainRate: evaluation.falseAbstainRate,
      mnistTestCount: evaluation.count,
    },
    training,
  };
  const manifestFile = path.join(path.dirname(outFile), 'manifest.json');
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  // The training record the model card reads (models/training.json for the shipped model).
  const known = records.filter((r): r is TrainingRecord => r !== null);
  const trainingFile = path.join(path.dirname(outFile), 'training.json');
  if (known.length === records.length) {
    const record =
      known.length === 1
        ? known[0]
        : {
            kind: combine,
            combine:
              combine === 'gated'
                ? "a digit only where both members say so; which digit, from the first (the reader); in one ONNX graph (common/abstain-gate.ts)"
                : "mean of the members' softmax outputs in one ONNX graph (training/src/onnx-export.ts)",
            command: training.command,
            date: training.date,
            backend: training.backend,
            seconds: training.seconds,
            members: known,
          };
    await writeFile(trainingFile, `${JSON.stringify(record, null, 2)}\n`);
  } else {
    await rm(trainingFile, { force: true });
  }
  console.log(`wrote ${manifestFile}, ${twin}/${known.length === records.length ? ` and ${trainingFile}` : ''}`);
}

interface TrainingRecord {
  /** The run's directory (a path relative to the repository when run from its root). */
  dir: string;
  command: string;
  date: string;
  backend: string;
  seconds: number;
  config?: { epochs?: number; seed?: number; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * A run's training.json (with its time-to-accuracy.json when present), or null when absent. For an
 * epoch's weights kept by `train --keep-epochs` (<run>/epoch-N), the run's record up to epoch N.
 */
async function readRecord(dir: string): Promise<TrainingRecord | null> {
  const epoch = /^epoch-(\d+)$/.exec(path.basename(path.resolve(dir)));
  if (epoch && !existsSync(path.join(dir, 'training.json'))) {
    const run = await readRecord(path.dirname(path.resolve(dir)));
    return run && epochOf(run, Number(epoch[1]), dir);
  }
  const file = path.join(dir, 'training.json');
  if (!existsSync(file)) {
    // A model trained elsewhere can still ship, but the manifest must not pretend to know its origin.
    console.warn(`${file} not found: the manifest's training block will say "unknown"`);
    return null;
  }
  const t = JSON.parse(await readFile(file, 'utf8'));
  const tta = path.join(dir, 'time-to-accuracy.json');
  return {
    dir: path.relative(process.cwd(), path.resolve(dir)).split(path.sep).join('/'),
    ...t,
    ...(existsSync(tta) ? { timeToAccuracy: JSON.parse(await readFile(tta, 'utf8')) } : {}),
  };
}

/** The record of a run cut at epoch n: the time and curves that produced that epoch's weights. */
function epochOf(run: TrainingRecord, n: number, dir: string): TrainingRecord {
  const history = Array.isArray(run.history) ? (run.history as { epoch: number; seconds: number }[]) : [];
  const at = history.find((h) => h.epoch === n);
  if (!at) throw new Error(`${run.dir}/training.json has no epoch ${n}`);
  return {
    ...run,
    dir: path.relative(process.cwd(), path.resolve(dir)).split(path.sep).join('/'),
    command: `${run.command} (weights after epoch ${n} of ${run.config?.epochs ?? '?'}: ${run.dir}/epoch-${n})`,
    seconds: Math.round(at.seconds),
    config: { ...run.config, epochs: n, scheduledEpochs: run.config?.epochs },
    history: history.filter((h) => h.epoch <= n),
    run: { dir: run.dir, epochs: run.config?.epochs, seconds: run.seconds },
  };
}

type ManifestTraining = ModelManifest['training'] & { members?: ModelManifest['training'][] };

/**
 * The manifest's training block. For an ensemble or a gated model (reader, then gate): the
 * members' commands joined by " && ", the latest date, the total seconds and epochs (the compute
 * it took), the first member's seed, and every member's own block under "members" (an extra
 * field older readers ignore).
 */
function manifestTraining(records: (TrainingRecord | null)[]): ManifestTraining {
  const blocks = records.map((t) =>
    t
      ? { command: String(t.command), date: String(t.date), backend: String(t.backend), seconds: Number(t.seconds), epochs: Number(t.config?.epochs), seed: Number(t.config?.seed) }
      : { command: 'unknown', date: 'unknown', backend: 'unknown', seconds: -1, epochs: -1, seed: -1 },
  );
  if (blocks.length === 1) return blocks[0];
  const unknown = blocks.some((b) => b.seconds < 0);
  return {
    command: blocks.map((b) => b.command).join(' && '),
    date: blocks.map((b) => b.date).sort().at(-1)!,
    backend: [...new Set(blocks.map((b) => b.backend))].join('+'),
    seconds: unknown ? -1 : blocks.reduce((a, b) => a + b.seconds, 0),
    epochs: unknown ? -1 : blocks.reduce((a, b) => a + b.epochs, 0),
    seed: blocks[0].seed,
    members: blocks,
  };
}
