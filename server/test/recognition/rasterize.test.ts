import { describe, expect, it } from 'vitest';
import { INPUT_SIZE } from '../../../common/model-contract.js';
import { centerOfMass, inkBounds } from '../../../common/preprocess.js';
import { renderStrokes } from '../../../training/src/render.js';
import { rasterizeStrokes } from '../../src/recognition/rasterize.js';
import { digitStrokes, VARIANTS } from '../fixtures/digits.js';

const N = INPUT_SIZE;

describe('rasterizeStrokes (sharp)', () => {
  it('gives null for no ink', async () => {
    expect(await rasterizeStrokes([])).toBeNull();
  });

  it('produces the MNIST form: ink in [0,1], longer side about 20 px, centred by mass', async () => {
    for (const v of VARIANTS) {
      const img = (await rasterizeStrokes(digitStrokes(7, v)))!;
      expect(img).toHaveLength(N * N);
      expect(img.every((x) => x >= 0 && x <= 1)).toBe(true);
      const b = inkBounds(img, N, N, 0.2)!;
      expect(Math.max(b.maxX - b.minX, b.maxY - b.minY) + 1).toBeGreaterThanOrEqual(19);
      expect(Math.max(b.maxX - b.minX, b.maxY - b.minY) + 1).toBeLessThanOrEqual(22);
      const c = centerOfMass(img, N, N)!;
      expect(Math.abs(c.x - 13.5)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(c.y - 13.5)).toBeLessThanOrEqual(0.5);
    }
  });

  it('does not depend on where or how big the digit was drawn', async () => {
    const a = (await rasterizeStrokes(digitStrokes(3, { x: 10, y: 10, size: 60, slant: 0 })))!;
    const b = (await rasterizeStrokes(digitStrokes(3, { x: 200, y: 150, size: 240, slant: 0 })))!;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / a.length).toBeLessThan(0.02);
  });

  it('agrees with the training renderer on the same strokes', async () => {
    for (let d = 0; d < 10; d++) {
      const strokes = digitStrokes(d, VARIANTS[d % VARIANTS.length]);
      const server = (await rasterizeStrokes(strokes))!;
      const training = renderStrokes(strokes);
      let diff = 0;
      for (let i = 0; i < server.length; i++) diff += Math.abs(server[i] - training[i]);
      expect(diff / server.length, `digit ${d}`).toBeLessThan(0.06);
    }
  });

  it('draws a single point as a dot', async () => {
    const img = (await rasterizeStrokes([[[50, 50]]]))!;
    expect(img.some((v) => v > 0.5)).toBe(true);
  });
});

describe('rasterizeStrokes batching', () => {
  it('draws digits requested together exactly as it draws them one by one', async () => {
    const fixtures = Array.from({ length: 70 }, (_, i) => digitStrokes(i % 10, VARIANTS[i % VARIANTS.length]));
    const alone: Float32Array[] = [];
    for (const f of fixtures) alone.push((await rasterizeStrokes(f))!);
    const together = await Promise.all(fixtures.map((f) => rasterizeStrokes(f)));
    together.forEach((img, i) => expect(Array.from(img!), `fixture ${i}`).toEqual(Array.from(alone[i])));
  });
});
