/**
 * The ONNX exporter against TF.js itself: small random models (every option the exporter
 * translates), unsupported layers, the committed model in three runtimes, and the ONNX checker.
 *
 * The committed-model tests read models/digitnet.onnx and models/digitnet-tfjs/ and FAIL when
 * they are missing: CI must not pass without the shipped model. DIGITBOARD_ONNX=<file.onnx>
 * points them at another export (its TF.js twin is <file without .onnx>-tfjs/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { INPUT_NAME, INPUT_SIZE, NUM_CLASSES, OUTPUT_NAME, type ModelManifest } from '../../common/model-contract.js';
import { initBackend } from '../src/backend.js';
import { loadModel, saveModel } from '../src/checkpoint.js';
import { ensembleModel, gatedModel, memberCount } from '../src/ensemble.js';
import { argmaxRows, evaluateOnnx } from '../src/evaluate-onnx.js';
import { loadMnist } from '../../test-support/mnist.js';
import { buildModel } from '../src/model.js';
import { combinerOf, exportOnnx, OnnxExportError } from '../src/onnx-export.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committedOnnx = path.resolve(root, process.env.DIGITBOARD_ONNX ?? 'models/digitnet.onnx');
const committedTfjs = committedOnnx.replace(/\.onnx$/, '-tfjs');
const PX = INPUT_SIZE * INPUT_SIZE;

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
function checkOnnx(file: string): string {
  const script = 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")';
  if (!python) throw new Error('no python3 with the onnx module: apt-get install -y python3-onnx (.ci/run does)');
  return execFileSync(python, ['-c', script, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function tfPredict(model: tf.LayersModel, images: Float32Array, n: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(images, [n, INPUT_SIZE, INPUT_SIZE, 1])) as tf.Tensor).dataSync() as Float32Array);
}

type Output = { data: Float32Array; dims: readonly number[] };

// Two functions because the two packages' Tensor classes are distinct: each session takes its own.
async function nodePredict(session: ort.InferenceSession, images: Float32Array, n: number): Promise<Output> {
  const out = (await session.run({ [INPUT_NAME]: new ort.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) }))[OUTPUT_NAME];
  return { data: out.data as Float32Array, dims: out.dims };
}

async function webPredict(session: ortWeb.InferenceSession, images: Float32Array, n: number): Promise<Output> {
  const out = (await session.run({ [INPUT_NAME]: new ortWeb.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) }))[OUTPUT_NAME];
  return { data: out.data as Float32Array, dims: out.dims };
}

/** Zero biases would hide a bias that lands on the wrong channel: give every layer random ones. */
function randomizeBiases(model: tf.LayersModel, seed: number): void {
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
function variantModel(): tf.Sequential {
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

let tmp: string;
let mnistImages: Float32Array;

beforeAll(async () => {
  await initBackend();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'onnx-export-test-'));
  mnistImages = (await loadMnist('test', 7)).images;
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('exportOnnx on small random models', () => {
  const cases: { name: string; make: () => tf.LayersModel }[] = [
    { name: 'the digit CNN with small filters', make: () => buildModel({ seed: 5, filters: [4, 6], dense: 16 }) },
    { name: 'strides, valid/same padding, odd and non-square windows, no bias, linear output', make: variantModel },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      let model: tf.LayersModel;
      let bytes: Uint8Array;
      let session: ort.InferenceSession;

      beforeAll(async () => {
        model = c.make();
        randomizeBiases(model, 21);
        bytes = exportOnnx(model);
        session = await ort.InferenceSession.create(bytes);
      });
      afterAll(async () => {
        await session?.release();
        model?.dispose();
      });

      it('declares the contract: names, NHWC input with a dynamic batch, opset 13, IR 8', () => {
        const m = onnxProto.onnx.ModelProto.decode(bytes);
        expect(Number(m.irVersion)).toBe(8);
        expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
        expect(m.producerName).toBe('digitboard');
        expect(m.docString).not.toBe('');
        const dims = (v: onnxProto.onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
        expect(m.graph!.input!.map((v) => v.name)).toEqual([INPUT_NAME]);
        expect(dims(m.graph!.input![0])).toEqual(['batch', 28, 28, 1]);
        expect(m.graph!.output!.map((v) => v.name)).toEqual([OUTPUT_NAME]);
        expect(dims(m.graph!.output![0])).toEqual(['batch', NUM_CLASSES]);
        expect(session.inputNames).toEqual([INPUT_NAME]);
        expect(session.outputNames).toEqual([OUTPUT_NAME]);
      });

      for (const n of [1, 7]) {
        it(`matches TF.js predict on random inputs, batch ${n}`, async () => {
          const images = tf.tidy(() => tf.randomUniform([n * PX], 0, 1, 'float32', 100 + n).dataSync() as Float32Array);
          const expected = tfPredict(model, images, n);
          const actual = await nodePredict(session, images, n);
          expect(actual.dims).toEqual([n, NUM_CLASSES]);
          const diff = maxAbsDiff(actual.data, expected);
          console.log(`${c.name}, random batch ${n}: max |ONNX - TF.js| = ${diff.toExponential(2)}`);
          expect(diff).toBeLessThan(1e-5);
        });

        it(`matches TF.js predict on MNIST test images, batch ${n}`, async () => {
          const images = mnistImages.slice(0, n * PX);
          const expected = tfPredict(model, images, n);
          const actual = await nodePredict(session, images, n);
          expect(actual.dims).toEqual([n, NUM_CLASSES]);
          expect(maxAbsDiff(actual.data, expected)).toBeLessThan(1e-5);
        });
      }

      it('passes onnx.checker.check_model(full_check=True)', async () => {
        const file = path.join(tmp, `${model.name}.onnx`);
        await writeFile(file, bytes);
        expect(checkOnnx(file)).toBe('ok');
      });
    });
  }

  it('is sensitive to the flatten order (the test above can fail)', () => {
    // A model whose flattened features are read in NCHW instead of NHWC order must differ: shown
    // here by permuting the first Dense kernel's rows the way the classic bug does in effect.
    const model = variantModel();
    randomizeBiases(model, 3);
    const images = mnistImages.slice(0, 7 * PX);
    const before = tfPredict(model, images, 7);
    const dense = model.layers.find((l) => l.getClassName() === 'Dense')!;
    const [kernel, bias] = dense.getWeights();
    const [, h, w, ch] = (model.layers.find((l) => l.getClassName() === 'Flatten')!.input as tf.SymbolicTensor).shape as number[];
    const permuted = tf.tidy(() => kernel.reshape([h, w, ch, -1]).transpose([2, 0, 1, 3]).reshape(kernel.shape));
    dense.setWeights([permuted, bias]);
    expect(maxAbsDiff(tfPredict(model, images, 7), before)).toBeGreaterThan(1e-3);
    model.dispose();
  });
});

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
      const images = mnistImages.slice(0, n * PX);
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
    const file = path.join(tmp, 'ensemble.onnx');
    await writeFile(file, bytes);
    expect(checkOnnx(file)).toBe('ok');
  });

  it('has a TF.js twin (Average layer) that saves, loads, equals the hand mean and exports to the same outputs', async () => {
    const dir = path.join(tmp, 'ensemble-tfjs');
    await saveModel(ensembleModel(members), dir);
    const twin = await loadModel(dir);
    expect(memberCount(twin)).toBe(3);
    const n = 7;
    const images = mnistImages.slice(0, n * PX);
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
      const images = mnistImages.slice(0, n * PX);
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
    const images = mnistImages.slice(0, n * PX);
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
    const file = path.join(tmp, 'gated.onnx');
    await writeFile(file, bytes);
    expect(checkOnnx(file)).toBe('ok');
    const web = await ortWeb.InferenceSession.create(bytes);
    const images = mnistImages.slice(0, 7 * PX);
    expect(maxAbsDiff((await webPredict(web, images, 7)).data, handGate(images, 7))).toBeLessThan(1e-5);
    await web.release();
  });

  it('saves and loads as a TF.js twin (AbstainGate layer) that exports to the same graph outputs', async () => {
    const dir = path.join(tmp, 'gated-tfjs');
    await saveModel(twin, dir);
    const loaded = await loadModel(dir);
    expect(combinerOf(loaded)).toBe('gate');
    expect(memberCount(loaded)).toBe(2);
    const images = mnistImages.slice(0, 7 * PX);
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
});

describe('exportOnnx refuses what it cannot translate', () => {
  const input = { inputShape: [INPUT_SIZE, INPUT_SIZE, 1] };

  it('names an unsupported layer and lists the supported ones', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ ...input, filters: 2, kernelSize: 3 }));
    m.add(tf.layers.batchNormalization());
    expect(() => exportOnnx(m)).toThrow(OnnxExportError);
    expect(() => exportOnnx(m)).toThrow(/batch_normalization.*\(BatchNormalization\) is not supported.*supported: Conv2D, MaxPooling2D, Flatten, Dense, Dropout/);
  });

  it('rejects average pooling rather than exporting it as max pooling', () => {
    const m = tf.sequential();
    m.add(tf.layers.averagePooling2d({ ...input, poolSize: 2 }));
    expect(() => exportOnnx(m)).toThrow(/AveragePooling2D\) is not supported/);
  });

  it('rejects an unsupported activation', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ ...input, filters: 2, kernelSize: 3, activation: 'tanh' }));
    expect(() => exportOnnx(m)).toThrow(/activation 'tanh' is not supported/);
  });

  it('rejects dilation', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ ...input, filters: 2, kernelSize: 3, dilationRate: 2 }));
    expect(() => exportOnnx(m)).toThrow(/dilation 2x2 is not supported/);
  });

  it('rejects a graph that is not a chain', () => {
    const x = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
    const a = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(b) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([tf.layers.maxPooling2d({ poolSize: 2 }).apply(a) as tf.SymbolicTensor, y]) as tf.SymbolicTensor;
    expect(() => exportOnnx(tf.model({ inputs: x, outputs: sum }))).toThrow(/only sequential chains are supported/);
  });

  it('rejects an opset above 17', () => {
    expect(() => exportOnnx(buildModel({ seed: 1, filters: [2, 2], dense: 4 }), { opset: 18 })).toThrow(/opset 18 is not supported/);
  });
});

describe(`the committed model (${path.relative(root, committedOnnx)})`, () => {
  // No skipping: a missing model is a failure (it is committed before CI runs).
  const missing = () => [committedOnnx, path.join(committedTfjs, 'model.json'), path.join(committedTfjs, 'weights.bin')].filter((f) => !existsSync(f));
  const requireFiles = () => {
    const absent = missing();
    if (absent.length > 0) throw new Error(`Missing ${absent.join(', ')}; create them with: npm run train, then npm run export:onnx -- --manifest`);
  };

  it('is present with its TF.js twin', requireFiles);

  it('gives the same answers in TF.js (wasm), onnxruntime-node and onnxruntime-web on 1,000 MNIST test images', async () => {
    requireFiles();
    const n = 1000;
    const test = await loadMnist('test', n);
    // For an ensemble the twin is its members joined by TF.js's own Average layer (training/src/ensemble.ts):
    // the mean is computed by TF.js here and by the exported ONNX Mean node there.
    const tfModel = await loadModel(committedTfjs);
    const expected = tfPredict(tfModel, test.images, n);
    console.log(`TF.js twin: ${memberCount(tfModel)} member(s)`);
    tfModel.dispose();

    const nodeSession = await ort.InferenceSession.create(committedOnnx);
    const viaNode = await nodePredict(nodeSession, test.images, n);
    await nodeSession.release();

    // onnxruntime-web's wasm build under Node: one thread (no worker), binaries from node_modules.
    ortWeb.env.wasm.numThreads = 1;
    ortWeb.env.wasm.wasmPaths = `${pathToFileURL(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))).href}/`;
    const webSession = await ortWeb.InferenceSession.create(committedOnnx, { executionProviders: ['wasm'] });
    const viaWeb = await webPredict(webSession, test.images, n);
    await webSession.release();

    const tfClasses = argmaxRows(expected, NUM_CLASSES);
    for (const [runtime, out] of [['onnxruntime-node', viaNode], ['onnxruntime-web', viaWeb]] as const) {
      expect(out.dims).toEqual([n, NUM_CLASSES]);
      const diff = maxAbsDiff(out.data, expected);
      const disagreements = argmaxRows(out.data, NUM_CLASSES).filter((c, i) => c !== tfClasses[i]).length;
      console.log(`${runtime} vs TF.js on ${n} images: max |prob diff| = ${diff.toExponential(2)}, argmax disagreements = ${disagreements}`);
      expect(disagreements).toBe(0);
      expect(diff).toBeLessThan(1e-4);
    }
  });

  it('scores at least 99% on MNIST test through onnxruntime-node, as its manifest says', async () => {
    requireFiles();
    const evaluation = await evaluateOnnx(committedOnnx);
    console.log(`MNIST test accuracy ${evaluation.accuracy}, false-abstain rate ${evaluation.falseAbstainRate}`);
    expect(evaluation.count).toBe(10_000);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.99);

    const manifestFile = path.join(path.dirname(committedOnnx), 'manifest.json');
    expect(existsSync(manifestFile), `${manifestFile} missing`).toBe(true);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as ModelManifest;
    expect(manifest.sha256).toBe(createHash('sha256').update(await readFile(committedOnnx)).digest('hex'));
    // A stale manifest (metrics from another export) would disagree; allow a few images of
    // numerical jitter between machines.
    expect(Math.abs(manifest.metrics.mnistTestAccuracy - evaluation.accuracy)).toBeLessThanOrEqual(0.0005);
  });

  it('passes onnx.checker.check_model(full_check=True)', () => {
    requireFiles();
    expect(checkOnnx(committedOnnx)).toBe('ok');
  });
});
