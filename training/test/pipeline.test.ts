/**
 * The whole training pipeline, tiny: train one epoch on 600 digits, resume, export to ONNX with a
 * manifest, and run the result in onnxruntime-node. Drives the real CLIs as CI and people do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { INPUT_NAME, INPUT_SIZE, manifestProblems, NUM_CLASSES, OUTPUT_NAME, type ModelManifest } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Runs `npx tsx <script> ...args` from the repository root; resolves to stdout + stderr. */
async function tsx(script: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run('npx', ['tsx', script, ...args], { cwd: root, timeout: 90_000, maxBuffer: 16 << 20 });
  return `${stdout}\n${stderr}`;
}

describe('train -> resume -> export -> onnxruntime', () => {
  let tmp: string;
  let runDir: string;
  let onnxFile: string;
  let corrections: string;
  // Corrections, regional, typeset and low-resolution digits and touching pairs join the examples: a resume needs the same configuration.
  const trainArgs = () => ['--epochs', '1', '--limit', '600', '--seed', '3', '--keep-epochs', '--out', runDir, '--corrections', corrections, '--regional-ratio', '0.05', '--font-digit-ratio', '0.05', '--low-res-ratio', '0.05', '--pair-ratio', '0.05'];

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pipeline-test-'));
    runDir = path.join(tmp, 'run');
    onnxFile = path.join(tmp, 'models', 'digitnet.onnx');
    // Two corrected records as GET /api/recognitions/corrections exports them: a 1 and a 7 in ink.
    corrections = path.join(tmp, 'corrections.jsonl');
    const record = (label: string, strokes: number[][][]) => JSON.stringify({ label, strokes, width: 300, height: 300 });
    await writeFile(corrections, `${record('1', [[[50, 20], [50, 200]]])}\n${record('7', [[[20, 20], [120, 20], [60, 200]]])}\n`);
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('trains one epoch from scratch, with corrections, regional, typeset and low-resolution digits and touching pairs among the examples', async () => {
    const out = await tsx('training/train.ts', [...trainArgs(), '--fresh']);
    expect(out).toMatch(/2 digits from .*corrections\.jsonl \(0 records skipped\)/);
    expect(out).toMatch(/\d+ digits \+ 2 corrected \+ 30 regional \+ 30 typeset \+ 30 low-resolution \+ 30 touching pairs \+ \d+ negatives per epoch/);
    expect(out).toMatch(/epoch 1: loss .*touching pairs \d\.\d{3}\)/);
    for (const f of ['model.json', 'weights.bin', 'training.json']) expect(existsSync(path.join(runDir, f)), f).toBe(true);
  });

  it('resumes from its checkpoint instead of retraining', async () => {
    const weightsBefore = await readFile(path.join(runDir, 'weights.bin'));
    const out = await tsx('training/train.ts', trainArgs());
    expect(out).toMatch(/resuming at epoch 2/);
    expect(out).not.toMatch(/epoch 1: loss/);
    // The finished run is saved again unchanged: no batch was trained.
    expect((await readFile(path.join(runDir, 'weights.bin'))).equals(weightsBefore)).toBe(true);
  });

  it('measures time to accuracy on the kept epoch models (time-to-accuracy.ts)', async () => {
    expect(existsSync(path.join(runDir, 'epoch-1', 'weights.bin'))).toBe(true);
    const out = await tsx('training/time-to-accuracy.ts', ['--run', runDir, '--limit', '500', '--target', '0.2']);
    expect(out).toMatch(/\| 1 \| \d+ s/);
    const t = JSON.parse(await readFile(path.join(runDir, 'time-to-accuracy.json'), 'utf8'));
    const history = JSON.parse(await readFile(path.join(runDir, 'training.json'), 'utf8')).history;
    expect(t.epochs).toHaveLength(1);
    expect(t.epochs[0]).toMatchObject({ epoch: 1, seconds: history[0].seconds, mnistTestCount: 500 });
    expect(t.epochs[0].mnistTestAccuracy).toBeGreaterThan(0.2);
    expect(t.firstEpochAtTarget).toEqual({ epoch: 1, seconds: history[0].seconds });
  });

  it('exports ONNX with a manifest the server accepts, and the TF.js twin', async () => {
    await tsx('training/export-onnx.ts', ['--model', runDir, '--out', onnxFile, '--manifest']);
    const manifest = JSON.parse(await readFile(path.join(tmp, 'models', 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.sha256).toBe(createHash('sha256').update(await readFile(onnxFile)).digest('hex'));
    expect(manifest.file).toBe('digitnet.onnx');
    expect(manifest.opset).toBeLessThanOrEqual(17);
    expect(manifest.training).toMatchObject({ epochs: 1, seed: 3, backend: expect.any(String) });
    expect(manifest.training.command).toContain('--limit 600');
    expect(manifest.metrics.mnistTestCount).toBe(10_000);
    // One epoch on 600 digits is far from good, but far better than chance (1/11).
    expect(manifest.metrics.mnistTestAccuracy).toBeGreaterThan(0.3);
    expect(manifest.metrics.mnistTestAccuracy).toBeLessThanOrEqual(1);
    // What the server checks before it runs a model: the contract (common) and the sha256 (above).
    expect(manifestProblems(manifest)).toEqual([]);
    for (const f of ['model.json', 'weights.bin']) {
      expect((await readFile(path.join(tmp, 'models', 'digitnet-tfjs', f))).equals(await readFile(path.join(runDir, f))), f).toBe(true);
    }
  });

  it('exports an ensemble (--model twice) as one graph with the same contract, a manifest the server accepts, and its records', async () => {
    // The same run twice: the CLI plumbing of an ensemble, whose mean must equal the single model.
    const ensembleFile = path.join(tmp, 'ensemble', 'digitnet.onnx');
    await tsx('training/export-onnx.ts', ['--model', runDir, '--model', runDir, '--out', ensembleFile, '--manifest']);
    const manifest = JSON.parse(await readFile(path.join(tmp, 'ensemble', 'manifest.json'), 'utf8')) as ModelManifest & { training: { members?: unknown[] } };
    expect(manifestProblems(manifest)).toEqual([]);
    expect(manifest.sha256).toBe(createHash('sha256').update(await readFile(ensembleFile)).digest('hex'));
    expect(manifest.training.members).toHaveLength(2);
    expect(manifest.training).toMatchObject({ epochs: 2, seed: 3 });
    const record = JSON.parse(await readFile(path.join(tmp, 'ensemble', 'training.json'), 'utf8'));
    expect(record.kind).toBe('ensemble');
    expect(record.members).toHaveLength(2);
    expect(existsSync(path.join(tmp, 'ensemble', 'digitnet-tfjs', 'model.json'))).toBe(true);

    const n = 5;
    const { images } = await loadMnist('test', n);
    const outputs: Float32Array[] = [];
    for (const file of [onnxFile, ensembleFile]) {
      const session = await ort.InferenceSession.create(file);
      expect(session.inputNames).toEqual([INPUT_NAME]);
      expect(session.outputNames).toEqual([OUTPUT_NAME]);
      outputs.push((await session.run({ [INPUT_NAME]: new ort.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) }))[OUTPUT_NAME].data as Float32Array);
      await session.release();
    }
    for (let i = 0; i < outputs[0].length; i++) expect(outputs[1][i]).toBeCloseTo(outputs[0][i], 6);
  });

  it('runs in onnxruntime-node: [n, 11] probabilities, each row summing to 1', async () => {
    const n = 5;
    const { images } = await loadMnist('test', n);
    const session = await ort.InferenceSession.create(onnxFile);
    const result = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]) });
    await session.release();
    const out = result[OUTPUT_NAME];
    expect(out.dims).toEqual([n, NUM_CLASSES]);
    const probs = out.data as Float32Array;
    for (let r = 0; r < n; r++) {
      const row = Array.from(probs.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES));
      expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });
});
