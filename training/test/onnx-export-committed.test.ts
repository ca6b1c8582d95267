/**
 * The committed model in three runtimes (TF.js, onnxruntime-node, onnxruntime-web), its accuracy
 * against its manifest, and the ONNX checker.
 *
 * These tests read models/digitnet.onnx and models/digitnet-tfjs/ and FAIL when they are
 * missing: CI must not pass without the shipped model. DIGITBOARD_ONNX=<file.onnx> points them
 * at another export (its TF.js twin is <file without .onnx>-tfjs/).
 */
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NUM_CLASSES, type ModelManifest } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';
import { initBackend } from '../src/backend.js';
import { loadModel } from '../src/checkpoint.js';
import { memberCount } from '../src/ensemble.js';
import { argmaxRows, evaluateOnnx } from '../src/evaluate-onnx.js';
import { checkOnnx, maxAbsDiff, nodePredict, tfPredict, webPredict } from './onnx-export-support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committedOnnx = path.resolve(root, process.env.DIGITBOARD_ONNX ?? 'models/digitnet.onnx');
const committedTfjs = committedOnnx.replace(/\.onnx$/, '-tfjs');

beforeAll(async () => {
  await initBackend();
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
