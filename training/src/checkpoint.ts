/**
 * Saves and restores a training run (model weights, optimizer slots, progress) without
 * tfjs-node's file:// handler, atomically: a checkpoint is written beside the old one and
 * renamed over it, so an interrupted save never leaves a broken checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
// Registers the AbstainGate layer, so that a gated model's TF.js twin loads.
import '../../common/abstain-gate.js';

/** Writes a layers model as model.json + weights.bin (the TF.js format, loadable anywhere). */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(path.join(dir, 'weights.bin'), Buffer.from(weightData));
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads what saveModel wrote. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
  const weights = await readFile(path.join(dir, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

export interface Progress {
  epoch: number;
  batch: number;
  elapsedSeconds: number;
  history: Record<string, number>[];
  config: Record<string, unknown>;
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, progress: Progress): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await saveModel(model, tmp);
  const slots = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(slots);
  await writeFile(path.join(tmp, 'optimizer.bin'), Buffer.from(data as ArrayBuffer));
  await writeFile(path.join(tmp, 'progress.json'), JSON.stringify({ ...progress, optimizerSpecs: specs }));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

export async function loadCheckpoint(dir: string, optimizer: tf.Optimizer): Promise<{ model: tf.LayersModel; progress: Progress } | null> {
  if (!existsSync(path.join(dir, 'progress.json'))) return null;
  const model = await loadModel(dir);
  const { optimizerSpecs, ...progress } = JSON.parse(await readFile(path.join(dir, 'progress.json'), 'utf8'));
  const bytes = await readFile(path.join(dir, 'optimizer.bin'));
  const slots = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), optimizerSpecs);
  // Adam creates its slots lazily on the first step; setWeights restores them by name.
  await optimizer.setWeights(Object.entries(slots).map(([name, tensor]) => ({ name, tensor })));
  return { model, progress };
}
