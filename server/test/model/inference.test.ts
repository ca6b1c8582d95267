/**
 * The inference plugin with the committed model: a large micro-batch runs in slices of 32 (so
 * onnxruntime's arena stays small) and gives the same probabilities as one image at a time.
 */
import { describe, expect, it } from 'vitest';
import { modelFixture } from '../fixtures/model.js';
import { NUM_CLASSES } from '../../../common/model-contract.js';
import { loadMnist } from '../../../test-support/mnist.js';

describe('inference plugin', () => {
  const model = modelFixture();

  it('classifies a batch of 100 (four slices) exactly as it classifies each image alone', async () => {
    const mnist = await loadMnist('test', 100);
    const images = Array.from({ length: 100 }, (_, i) => mnist.images.slice(i * 784, (i + 1) * 784));
    const alone: Float32Array[] = [];
    for (const image of images) alone.push(await model().classify(image));
    const before = model().stats.largestBatch;
    // Submitted in one turn: one micro-batch of 100.
    const together = await Promise.all(images.map((image) => model().classify(image)));
    expect(model().stats.largestBatch).toBe(100);
    expect(before).toBe(1);
    let worst = 0;
    together.forEach((p, i) => {
      expect(p).toHaveLength(NUM_CLASSES);
      for (let c = 0; c < NUM_CLASSES; c++) worst = Math.max(worst, Math.abs(p[c] - alone[i][c]));
    });
    expect(worst).toBeLessThan(1e-6);
    // Each image's answer is its own (a slice written to the wrong offset would shuffle them).
    const argmax = (p: Float32Array) => p.indexOf(Math.max(...p));
    expect(together.map(argmax)).toEqual(alone.map(argmax));
  });

  it('answers within the turn it runs in, not a loop iteration later', async () => {
    const image = (await loadMnist('test', 1)).images.slice(0, 784);
    const order: string[] = [];
    const answered = model().classify(image).then(() => order.push('answered'));
    // Queued after the batcher's own setImmediate: a run deferred to yet another one (as
    // onnxruntime-node's public run is) would answer after it.
    setImmediate(() => order.push('next immediate'));
    await answered;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['answered', 'next immediate']);
  });
});
