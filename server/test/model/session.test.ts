/**
 * SyncSession calls onnxruntime-node's native session directly (the package defers every public
 * run to a setImmediate). The binding is not public API: this pins it to the public one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { INPUT_NAME, INPUT_SIZE, NUM_CLASSES, OUTPUT_NAME } from '../../../common/model-contract.js';
import { loadMnist } from '../../../test-support/mnist.js';
import { ROOT } from '../../src/config.js';
import { SyncSession } from '../../src/model/session.js';

const OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' } as const;

describe('SyncSession', () => {
  it('answers as the public InferenceSession does, synchronously', async () => {
    const bytes = await readFile(path.join(ROOT, 'models/digitnet.onnx'));
    const mnist = await loadMnist('test', 50);
    const input = new ort.Tensor('float32', mnist.images.slice(0, 50 * INPUT_SIZE * INPUT_SIZE), [50, INPUT_SIZE, INPUT_SIZE, 1]);

    const session = new SyncSession(bytes, OPTIONS);
    const output = session.run(INPUT_NAME, input, OUTPUT_NAME);
    const reference = await ort.InferenceSession.create(bytes, OPTIONS);
    const expected = (await reference.run({ [INPUT_NAME]: input }))[OUTPUT_NAME];

    expect(output).toBeInstanceOf(ort.Tensor); // not a promise
    expect(output.dims).toEqual([50, NUM_CLASSES]);
    expect(Array.from(output.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
    session.release();
    await reference.release();
  });

  it('refuses a broken model file with an error, not a crash', () => {
    expect(() => new SyncSession(new Uint8Array([1, 2, 3, 4]), OPTIONS)).toThrow();
  });
});
