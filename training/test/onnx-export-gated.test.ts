/**
 * The ONNX exporter on a gated model (a reader for the digit, a gate for "not a digit"), against
 * the gate formula written out by hand, in both onnxruntimes, and its TF.js twin (an AbstainGate
 * layer).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_SIZE, NUM_CLASSES } from '../../common/model-contract.js';
import { loadModel, saveModel } from '../src/checkpoint.js';
import { ensembleModel, gatedModel, memberCount, splitGated } from '../src/ensemble.js';
import { buildModel } from '../src/model.js';
import { combinerOf, exportOnnx } from '../src/onnx-export.js';
import { checkOnnx, maxAbsDiff, nodePredict, PX, randomizeBiases, tfPredict, useExportFixture, webPredict } from './onnx-export-support.js';

const fx = useExportFixture();

describe('exportOnnx on a gated model (a reader for the digit, a gate for "not a digit")', () => {
  let reader: tf.LayersModel;
  let gate: tf.LayersModel;
  let twin: tf.LayersModel;
  let bytes: Uint8Array;
  let session: ort.InferenceSession;

  /** The gate formula written out in plain numbers, from the two networks' own TF.js outputs. */
  function handGate(images: Float32Array, n: number): Float32Array {
    const r = tfPredict(reader, images, n);
    const q = tfPredict(gate, images, n);
    const out = new Float32Array(n * NUM_CLASSES);
    for (let i = 0; i < n; i++) {
      const row = i * NUM_CLASSES;
      const not = NUM_CLASSES - 1;
      for (let k = 0; k < not; k++) out[row + k] = r[row + k] * (1 - q[row + not]);
      out[row + not] = 1 - (1 - r[row + not]) * (1 - q[row + not]);
    }
    return out;
  }

  beforeAll(async () => {
    reader = buildModel({ seed: 5, filters: [4, 6], dense: 16 });
    gate = buildModel({ seed: 6, filters: [3, 5], dense: 12 });
    randomizeBiases(reader, 41);
    randomizeBiases(gate, 51);
    twin = gatedModel(reader, gate);
    bytes = exportOnnx(twin);
    session = await ort.InferenceSession.create(bytes);
  });
  afterAll(async () => {
    await session?.release();
    for (const m of [reader, gate, twin]) m?.dispose();
  });

  for (const n of [1, 7]) {
    it(`ONNX and the TF.js twin both equal the gate formula on MNIST test images, batch ${n}`, async () => {
      const images = fx.mnistImages.slice(0, n * PX);
      const expected = handGate(images, n);
      const actual = await nodePredict(session, images, n);
      expect(actual.dims).toEqual([n, NUM_CLASSES]);
      expect(maxAbsDiff(actual.data, expected)).toBeLessThan(1e-5);
      expect(maxAbsDiff(tfPredict(twin, images, n), expected)).toBeLessThan(1e-5);
      // Rows are still distributions, and neither network alone gives this output.
      for (let i = 0; i < n; i++) expect(actual.data.slice(i * NUM_CLASSES, (i + 1) * NUM_CLASSES).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (const m of [reader, gate]) expect(maxAbsDiff(actual.data, tfPredict(m, images, n))).toBeGreaterThan(1e-3);
    });
  }

  it('keeps the reader\'s digit ranking and abstains at least as much as either network', async () => {
    const n = 7;
    const images = fx.mnistImages.slice(0, n * PX);
    const r = tfPredict(reader, images, n);
    const q = tfPredict(gate, images, n);
    const { data } = await nodePredict(session, images, n);
    for (let i = 0; i < n; i++) {
      const row = (t: Float32Array) => Array.from(t.slice(i * NUM_CLASSES, i * NUM_CLASSES + NUM_CLASSES - 1));
      const order = (p: number[]) => p.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]).map(([, k]) => k);
      expect(order(row(data))).toEqual(order(row(r)));
      const not = i * NUM_CLASSES + NUM_CLASSES - 1;
      expect(data[not]).toBeGreaterThanOrEqual(Math.max(r[not], q[not]) - 1e-6);
    }
  });

  it('passes onnx.checker.check_model(full_check=True) and runs in onnxruntime-web', async () => {
    const file = path.join(fx.tmp, 'gated.onnx');
    await writeFile(file, bytes);
    expect(checkOnnx(file)).toBe('ok');
    const web = await ortWeb.InferenceSession.create(bytes);
    const images = fx.mnistImages.slice(0, 7 * PX);
    expect(maxAbsDiff((await webPredict(web, images, 7)).data, handGate(images, 7))).toBeLessThan(1e-5);
    await web.release();
  });

  it('saves and loads as a TF.js twin (AbstainGate layer) that exports to the same graph outputs', async () => {
    const dir = path.join(fx.tmp, 'gated-tfjs');
    await saveModel(twin, dir);
    const loaded = await loadModel(dir);
    expect(combinerOf(loaded)).toBe('gate');
    expect(memberCount(loaded)).toBe(2);
    const images = fx.mnistImages.slice(0, 7 * PX);
    const fromLoaded = await ort.InferenceSession.create(exportOnnx(loaded));
    expect(maxAbsDiff((await nodePredict(fromLoaded, images, 7)).data, (await nodePredict(session, images, 7)).data)).toBeLessThan(1e-6);
    await fromLoaded.release();
    loaded.dispose();
  });

  it('refuses a gate that does not share the reader\'s shapes, or an ensemble as a gate', () => {
    const nine = tf.sequential();
    nine.add(tf.layers.flatten({ inputShape: [INPUT_SIZE, INPUT_SIZE, 1] }));
    nine.add(tf.layers.dense({ units: 9, activation: 'softmax' }));
    expect(() => gatedModel(reader, nine)).toThrow(/share input and output shapes/);
    expect(() => gatedModel(reader, ensembleModel([reader, gate]))).toThrow(/not an ensemble/);
  });

  it('splits a gated twin back into its reader and gate, which join again to the same twin', () => {
    const parts = splitGated(twin);
    const images = fx.mnistImages.slice(0, 7 * PX);
    expect(maxAbsDiff(tfPredict(parts.reader, images, 7), tfPredict(reader, images, 7))).toBe(0);
    expect(maxAbsDiff(tfPredict(parts.gate, images, 7), tfPredict(gate, images, 7))).toBe(0);
    // The members keep the names they were trained under: joined again, the twin has the same layers.
    const trained = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
    expect(trained(parts.reader)).toEqual(trained(reader));
    expect(trained(parts.gate)).toEqual(trained(gate));
    const again = gatedModel(parts.reader, parts.gate);
    expect(again.layers.map((l) => l.name)).toEqual(twin.layers.map((l) => l.name));
    expect(maxAbsDiff(tfPredict(again, images, 7), tfPredict(twin, images, 7))).toBe(0);
    expect(() => splitGated(reader)).toThrow(/Not a gated model/);
    for (const m of [parts.reader, parts.gate, again]) m.dispose();
  });
});
