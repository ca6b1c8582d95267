import { describe, expect, it } from 'vitest';
import { NUM_CLASSES } from '../../../common/model-contract.js';
import type { Inference } from '../../src/plugins/inference.js';
import { BoardRasterizer, rasterizeStrokes } from '../../src/recognition/rasterize.js';
import { DigitCache, recognizeStrokes, type Rasterize } from '../../src/recognition/recognizer.js';
import { inkLattice } from '../../../common/ink-reading.js';
import { numberStrokes, type Strokes } from '../../../test-support/digit-strokes.js';

const OPTIONS = { minExtent: 4 };

/** A stand-in model: a digit's "probabilities" are a function of its image, and every call is counted. */
function fakeInference(): Inference & { calls: number } {
  const fake = {
    calls: 0,
    manifest: { version: 'fake' } as Inference['manifest'],
    bytes: Buffer.alloc(0),
    stats: { runs: 0, images: 0, largestBatch: 0 },
    async classify(image: Float32Array) {
      fake.calls++;
      let ink = 0;
      for (const v of image) ink += v;
      const p = new Float32Array(NUM_CLASSES).fill(0.01);
      p[Math.floor(ink) % 10] = 0.9;
      return p;
    },
  };
  return fake;
}

describe('recognizeStrokes with a DigitCache', () => {
  it('classifies only the candidate digits it has not seen, and answers exactly as without the cache', async () => {
    const keys = (strokes: Strokes) => new Set(inkLattice(strokes, OPTIONS).candidates.map((c) => DigitCache.keyOf(c.strokes)));
    const inference = fakeInference();
    const cache = new DigitCache();
    const number = numberStrokes('2024');
    const plain = await recognizeStrokes(inference, number, OPTIONS);
    expect(inference.calls).toBe(keys(number).size);
    expect(plain.digits).toHaveLength(4);

    inference.calls = 0;
    const first = await recognizeStrokes(inference, number, { ...OPTIONS, cache });
    expect(inference.calls).toBe(keys(number).size);
    // The same number with one more digit: only candidates not seen before are classified.
    const longer = numberStrokes('20241');
    const seen = keys(number);
    const unseen = [...keys(longer)].filter((k) => !seen.has(k)).length;
    expect(unseen).toBeLessThan(keys(longer).size / 2);
    inference.calls = 0;
    const second = await recognizeStrokes(inference, longer, { ...OPTIONS, cache });
    expect(inference.calls).toBe(unseen);
    expect({ ...first, ms: 0 }).toEqual({ ...plain, ms: 0 });
    expect({ ...second, ms: 0 }).toEqual({ ...(await recognizeStrokes(fakeInference(), longer, OPTIONS)), ms: 0 });
  });

  it('tells digits apart by their ink: a moved or changed digit is classified again', async () => {
    const inference = fakeInference();
    const cache = new DigitCache();
    await recognizeStrokes(inference, numberStrokes('7'), { ...OPTIONS, cache });
    await recognizeStrokes(inference, numberStrokes('7', { x: 300, y: 40, size: 100, slant: 0.05 }), { ...OPTIONS, cache });
    await recognizeStrokes(inference, numberStrokes('1'), { ...OPTIONS, cache });
    expect(inference.calls).toBe(3);
  });

  it('keeps at most `max` digits', async () => {
    const inference = fakeInference();
    const cache = new DigitCache(2);
    for (const d of ['1', '2', '3', '1']) await recognizeStrokes(inference, numberStrokes(d), { ...OPTIONS, cache });
    // "1" was evicted by "3" (least recently used), so it is classified again.
    expect(inference.calls).toBe(4);
  });
});

describe('recognizeStrokes with the boards\' rasterizer', () => {
  /** What settles first: the recognition, or a setImmediate queued right after it started. */
  async function order(rasterize: Rasterize): Promise<string[]> {
    const seen: string[] = [];
    const answered = recognizeStrokes(fakeInference(), numberStrokes('42'), { ...OPTIONS, rasterize }).then(() => seen.push('answered'));
    setImmediate(() => seen.push('next turn'));
    await answered;
    await new Promise((resolve) => setImmediate(resolve));
    return seen;
  }

  it('answers in the same turn of the event loop, where sharp answers a turn later or more', async () => {
    // The model's own micro-batch runs in a microtask (inference.test.ts): a board's result goes
    // out in the turn its pen-up came in, however busy the loop is.
    expect(await order(new BoardRasterizer().rasterize)).toEqual(['answered', 'next turn']);
    expect(await order(rasterizeStrokes)).toEqual(['next turn', 'answered']);
  });
});
