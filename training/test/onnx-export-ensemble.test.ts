/**
 * The ONNX exporter on an ensemble: one graph averaging the members, against the mean of their
 * TF.js outputs, and its TF.js twin (an Average layer).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_NAME, INPUT_SIZE, NUM_CLASSES, OUTPUT_NAME } from '../../common/model-contract.js';
import { loadModel, saveModel } from '../src/checkpoint.js';
import { ensembleModel, memberCount } from '../src/ensemble.js';
import { buildModel } from '../src/model.js';
import { exportOnnx, OnnxExportError } from '../src/onnx-export.js';
import { checkOnnx, maxAbsDiff, nodePredict, PX, randomizeBiases, tfPredict, useExportFixture, variantModel } from './onnx-export-support.js';

const fx = useExportFixture();

describe('exportOnnx on an ensemble (one graph averaging the members)', () => {
  // Three members of two architectures; the variant's linear output makes a wrong weighting or a
  // missing member show in raw values rather than squashed by a softmax.
  let members: tf.LayersModel[];
  let bytes: Uint8Array;
  let session: ort.InferenceSession;

  /** The mean of the members' outputs, computed by hand from TF.js predict. */
  function handMean(images: Float32Array, n: number): Float32Array {
    const outs = members.map((m) => tfPredict(m, images, n));
    return outs[0].map((_, i) => outs.reduce((a, o) => a + o[i], 0) / outs.length);
  }

  beforeAll(async () => {
    members = [buildModel({ seed: 5, filters: [4, 6], dense: 16 }), buildModel({ seed: 6, filters: [3, 5], dense: 12 }), variantModel()];
    members.forEach((m, i) => randomizeBiases(m, 31 + 10 * i));
    bytes = exportOnnx(members);
    session = await ort.InferenceSession.create(bytes);
  });
  afterAll(async () => {
    await session?.release();
    members?.forEach((m) => m.dispose());
  });

  it('keeps the single-model contract: names, NHWC input with a dynamic batch, [batch, 11] output, opset 13, IR 8; ends in one Mean', () => {
    const m = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    const dims = (v: onnxProto.onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(m.graph!.input!.map((v) => v.name)).toEqual([INPUT_NAME]);
    expect(dims(m.graph!.input![0])).toEqual(['batch', 28, 28, 1]);
    expect(m.graph!.output!.map((v) => v.name)).toEqual([OUTPUT_NAME]);
    expect(dims(m.graph!.output![0])).toEqual(['batch', NUM_CLASSES]);
    const mean = m.graph!.node!.filter((n) => n.opType === 'Mean');
    expect(mean).toHaveLength(1);
    expect(mean[0].input).toHaveLength(3);
    expect(mean[0].output).toEqual([OUTPUT_NAME]);
    expect(m.docString).toMatch(/Ensemble of 3/);
  });

  for (const n of [1, 7]) {
    it(`matches the mean of the members' TF.js outputs on MNIST test images, batch ${n}`, async () => {
      const images = fx.mnistImages.slice(0, n * PX);
      const expected = handMean(images, n);
      const actual = await nodePredict(session, images, n);
      expect(actual.dims).toEqual([n, NUM_CLASSES]);
      const diff = maxAbsDiff(actual.data, expected);
      console.log(`ensemble of 3, MNIST batch ${n}: max |ONNX - mean of TF.js| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-5);
      // Not any single member: the average is really taken (the test above can fail).
      for (const m of members) expect(maxAbsDiff(actual.data, tfPredict(m, images, n))).toBeGreaterThan(1e-3);
    });
  }

  it('passes onnx.checker.check_model(full_check=True)', async () => {
    const file = path.join(fx.tmp, 'ensemble.onnx');
    await writeFile(file, bytes);
    expect(checkOnnx(file)).toBe('ok');
  });

  it('has a TF.js twin (Average layer) that saves, loads, equals the hand mean and exports to the same outputs', async () => {
    const dir = path.join(fx.tmp, 'ensemble-tfjs');
    await saveModel(ensembleModel(members), dir);
    const twin = await loadModel(dir);
    expect(memberCount(twin)).toBe(3);
    const n = 7;
    const images = fx.mnistImages.slice(0, n * PX);
    expect(maxAbsDiff(tfPredict(twin, images, n), handMean(images, n))).toBeLessThan(1e-6);
    const fromTwin = await ort.InferenceSession.create(exportOnnx(twin));
    expect(maxAbsDiff((await nodePredict(fromTwin, images, n)).data, (await nodePredict(session, images, n)).data)).toBeLessThan(1e-6);
    await fromTwin.release();
    twin.dispose();
  });

  it('refuses members that do not share the input or the output shape', () => {
    const small = tf.sequential();
    small.add(tf.layers.flatten({ inputShape: [14, 14, 1] }));
    small.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
    expect(() => exportOnnx([members[0], small])).toThrow(/must share the input/);
    const nine = tf.sequential();
    nine.add(tf.layers.flatten({ inputShape: [INPUT_SIZE, INPUT_SIZE, 1] }));
    nine.add(tf.layers.dense({ units: 9, activation: 'softmax' }));
    expect(() => exportOnnx([members[0], nine])).toThrow(/must share the output/);
    expect(() => ensembleModel([members[0], nine])).toThrow(OnnxExportError);
  });

  it('refuses an Average over anything but independent chains', () => {
    const x = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
    const shared = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    const a = tf.layers.dense({ units: NUM_CLASSES }).apply(shared) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: NUM_CLASSES }).apply(shared) as tf.SymbolicTensor;
    const avg = tf.layers.average().apply([a, b]) as tf.SymbolicTensor;
    expect(() => exportOnnx(tf.model({ inputs: x, outputs: avg }))).toThrow(/independent sequential chains/);
  });
});
