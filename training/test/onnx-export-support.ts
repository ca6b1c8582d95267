/**
 * What the ONNX export tests share: predicting with TF.js and both onnxruntimes, comparing outputs,
 * the ONNX checker, models that exercise every option the exporter translates, and the setup.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { INPUT_NAME, INPUT_SIZE, NUM_CLASSES, OUTPUT_NAME } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';
import { initBackend } from '../src/backend.js';

export const PX = INPUT_SIZE * INPUT_SIZE;

/** A python3 that can `import onnx` (Debian's python3-onnx lives in /usr/bin's python). */
function pythonWithOnnx(): string | null {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    try {
      execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore' });
      return python;
    } catch {
      // Not installed, or no onnx module: try the next one.
    }
  }
  return null;
}
const python = pythonWithOnnx();

/** Runs onnx.checker with full_check (which includes strict shape inference); throws on failure. */
export function checkOnnx(file: string): string {
  const script = 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")';
  if (!python) throw new Error('no python3 with the onnx module: apt-get install -y python3-onnx (.ci/run does)');
  return execFileSync(python, ['-c', script, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export function tfPredict(model: tf.LayersModel, images: Float32Array, n: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(images, [n, INPUT_SIZE, INPUT_SIZE, 1])) as tf.Tensor).dataSync() as Float32Array);
}

export type Output = { data: Float32Array; dims: readonly number[] };

// Two functions because the two packages' Tensor classes are distinct: each session takes its own.
export async function nodePredict(session: ort.InferenceSession, images: Float32Array, n: number): Promise<Output> {
  const out = (await session.run({ [INPUT_NAME]: new ort.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) }))[OUTPUT_NAME];
  return { data: out.data as Float32Array, dims: out.dims };
}

export async function webPredict(session: ortWeb.InferenceSession, images: Float32Array, n: number): Promise<Output> {
  const out = (await session.run({ [INPUT_NAME]: new ortWeb.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) }))[OUTPUT_NAME];
  return { data: out.data as Float32Array, dims: out.dims };
}

/** Zero biases would hide a bias that lands on the wrong channel: give every layer random ones. */
export function randomizeBiases(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 2) layer.setWeights([weights[0], tf.randomNormal(weights[1].shape, 0, 0.2, 'float32', seed++)]);
  }
}

/**
 * The other options the exporter translates: valid padding, strides, a non-square kernel, an even
 * kernel with 'same' (asymmetric pads), 'same' pooling over an odd size, no bias, linear outputs.
 * The final layer is linear so that a mistake shows in raw logits, not squashed by a softmax.
 */
export function variantModel(): tf.Sequential {
  const m = tf.sequential({ name: 'variant' });
  m.add(tf.layers.conv2d({ inputShape: [INPUT_SIZE, INPUT_SIZE, 1], filters: 3, kernelSize: [3, 4], strides: 2, padding: 'valid', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 11 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.conv2d({ filters: 5, kernelSize: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: 12 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 9, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 13 }) }));
  m.add(tf.layers.dense({ units: NUM_CLASSES, kernelInitializer: tf.initializers.glorotNormal({ seed: 14 }) }));
  return m;
}

/** What a suite's tests share, filled in before they run. */
export interface ExportFixture {
  /** A folder of the suite's own, removed after it. */
  tmp: string;
  /** 7 MNIST test images. */
  mnistImages: Float32Array;
}

/** Sets up the TF.js backend and the suite's fixture (before its tests), and cleans up after. */
export function useExportFixture(): ExportFixture {
  const fx = {} as ExportFixture;
  beforeAll(async () => {
    await initBackend();
    fx.tmp = await mkdtemp(path.join(os.tmpdir(), 'onnx-export-test-'));
    fx.mnistImages = (await loadMnist('test', 7)).images;
  });
  afterAll(async () => {
    await rm(fx.tmp, { recursive: true, force: true });
  });
  return fx;
}
