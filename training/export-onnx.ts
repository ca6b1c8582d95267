/**
 * npm run export:onnx -- [--model training/output] [--out models/digitnet.onnx] [--manifest]
 *                        [--name digitnet] [--model-version V] [--opset 13]
 *
 * Converts the TF.js model in --model (model.json + weights.bin) to ONNX. With --manifest it
 * also scores the .onnx file on MNIST test through onnxruntime-node, writes manifest.json beside
 * it (see ModelManifest in common/model-contract.ts), and copies the TF.js files to
 * <out without .onnx>-tfjs/ so the parity test can compare the shipped model with its source.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
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
import { loadModel } from './src/checkpoint.js';
import { evaluateOnnx } from './src/evaluate-onnx.js';
import { DEFAULT_OPSET, exportOnnx } from './src/onnx-export.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'training/output' },
    out: { type: 'string', default: 'models/digitnet.onnx' },
    manifest: { type: 'boolean', default: false },
    name: { type: 'string', default: 'digitnet' },
    'model-version': { type: 'string' },
    opset: { type: 'string', default: String(DEFAULT_OPSET) },
  },
});

const modelDir = args.model!;
const outFile = args.out!;
if (!existsSync(path.join(modelDir, 'model.json'))) {
  throw new Error(`${modelDir}/model.json not found: train first (npm run train) or pass --model <dir>`);
}

// Exporting only reads weights: the plain CPU backend avoids starting the wasm runtime.
await initBackend('cpu');
const model = await loadModel(modelDir);
const bytes = exportOnnx(model, {
  opset: Number(args.opset),
  metadata: { labels: JSON.stringify(LABELS), preprocessingVersion: String(PREPROCESSING_VERSION) },
});
await mkdir(path.dirname(outFile), { recursive: true });
await writeFile(outFile, bytes);
console.log(`wrote ${outFile} (${bytes.length} bytes, opset ${args.opset})`);

if (args.manifest) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const training = await readTraining(path.join(modelDir, 'training.json'));

  console.log('scoring on MNIST test with onnxruntime-node...');
  const evaluation = await evaluateOnnx(outFile);
  console.log(`accuracy ${evaluation.accuracy.toFixed(4)}, false-abstain rate ${evaluation.falseAbstainRate.toFixed(4)}`);

  // The TF.js twin of exactly this model, for the TF.js/ONNX parity test.
  const twin = path.join(path.dirname(outFile), `${path.basename(outFile, '.onnx')}-tfjs`);
  await mkdir(twin, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) await copyFile(path.join(modelDir, f), path.join(twin, f));

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
  console.log(`wrote ${manifestFile} and ${twin}/`);
}

/** The manifest's training block from train.ts's training.json; marked unknown when absent. */
async function readTraining(file: string): Promise<ModelManifest['training']> {
  if (!existsSync(file)) {
    // A model trained elsewhere can still ship, but the manifest must not pretend to know its origin.
    console.warn(`${file} not found: the manifest's training block will say "unknown"`);
    return { command: 'unknown', date: 'unknown', backend: 'unknown', seconds: -1, epochs: -1, seed: -1 };
  }
  const t = JSON.parse(await readFile(file, 'utf8'));
  return {
    command: String(t.command),
    date: String(t.date),
    backend: String(t.backend),
    seconds: Number(t.seconds),
    epochs: Number(t.config?.epochs),
    seed: Number(t.config?.seed),
  };
}
