import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_NAME, NUM_CLASSES, OUTPUT_NAME } from '../../../common/model-contract.js';
import { ROOT } from '../../src/config.js';
import { loadModelFile, ModelRefusedError } from '../../src/model/manifest.js';
import { build } from '../helper.js';

const MODEL = path.join(ROOT, 'models', 'digitnet.onnx');
let dir: string;
let manifest: Record<string, any>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'digitboard-manifest-'));
  manifest = JSON.parse(await readFile(path.join(ROOT, 'models', 'manifest.json'), 'utf8'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function withManifest(change: (m: Record<string, any>) => void, bytes?: Buffer): Promise<string> {
  const sub = await mkdtemp(path.join(dir, 'm-'));
  const m = structuredClone(manifest);
  change(m);
  await writeFile(path.join(sub, 'manifest.json'), JSON.stringify(m));
  const file = path.join(sub, 'digitnet.onnx');
  if (bytes) await writeFile(file, bytes);
  else await copyFile(MODEL, file);
  return file;
}

describe('model manifest', () => {
  it('accepts the committed model', async () => {
    const loaded = await loadModelFile(MODEL);
    expect(loaded.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.manifest.metrics.mnistTestAccuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('has the contract the server runs, whatever is inside (one network or an averaged ensemble)', async () => {
    const session = await ort.InferenceSession.create(MODEL);
    try {
      expect(session.inputNames).toEqual([INPUT_NAME]);
      expect(session.outputNames).toEqual([OUTPUT_NAME]);
      for (const n of [1, 3]) {
        const out = (await session.run({ [INPUT_NAME]: new ort.Tensor('float32', new Float32Array(n * 784).fill(0.1), [n, 28, 28, 1]) }))[OUTPUT_NAME];
        expect(out.dims).toEqual([n, NUM_CLASSES]);
        const row = Array.from((out.data as Float32Array).subarray(0, NUM_CLASSES));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    } finally {
      await session.release();
    }
    // An ensemble's manifest keeps every contract field; its members' runs are listed under training.members.
    const members = (manifest.training as { members?: unknown[] }).members;
    if (members) expect(members.length).toBeGreaterThan(1);
  });

  const refusals: [string, (m: Record<string, any>) => void, RegExp][] = [
    ['another preprocessing version', (m) => (m.preprocessingVersion = 99), /preprocessingVersion 99/],
    ['other labels', (m) => (m.labels = ['a', 'b']), /labels/],
    ['another input shape', (m) => (m.input.shape = [-1, 32, 32, 1]), /input shape/],
    ['NCHW layout', (m) => (m.input.layout = 'NCHW'), /layout/],
    ['a newer manifest format', (m) => (m.manifestVersion = 2), /manifestVersion 2/],
  ];
  for (const [name, change, message] of refusals) {
    it(`refuses ${name}, saying why`, async () => {
      const file = await withManifest(change);
      await expect(loadModelFile(file)).rejects.toThrow(ModelRefusedError);
      await expect(loadModelFile(file)).rejects.toThrow(message);
    });
  }

  it('refuses a file whose sha256 does not match', async () => {
    const file = await withManifest(() => {}, Buffer.from('not the model'));
    await expect(loadModelFile(file)).rejects.toThrow(/sha256/);
  });

  it('refuses a missing manifest', async () => {
    await expect(loadModelFile(path.join(dir, 'nowhere', 'x.onnx'))).rejects.toThrow(/Cannot read model manifest/);
  });

  it('stops the app from booting with a refused model', async () => {
    const file = await withManifest((m) => (m.preprocessingVersion = 0));
    await expect(build({ MODEL_PATH: file })).rejects.toThrow(/Refusing model/);
  });
});
