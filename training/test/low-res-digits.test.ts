/**
 * Low-resolution scans for training: the block counts of a known shape, and the model input made
 * as the server makes a tight crop's (fitWhole).
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { fitWhole, nativeInkSide } from '../../common/preprocess.js';
import { lowResDigit, scanBlocks } from '../src/low-res-digits.js';

/** A 28x28 image with a solid bar at columns x0..x1, rows y0..y1 (inclusive). */
function bar(x0: number, x1: number, y0: number, y1: number): Float32Array {
  const img = new Float32Array(784);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) img[y * 28 + x] = 1;
  return img;
}

describe('scanBlocks', () => {
  it('counts the ink pixels of each 4x4 block of the fitted bitmap', () => {
    // A 10 x 20 bar fitted, full height, into a 32 x 32 bitmap: 16 x 32 pixels in the middle,
    // that is block columns 2-5 full, every row.
    const blocks = scanBlocks(bar(5, 14, 4, 23), 8, 1, 1, 0.5);
    for (let by = 0; by < 8; by++) {
      for (let bx = 0; bx < 8; bx++) expect(blocks[by * 8 + bx], `block ${bx},${by}`).toBeCloseTo(bx >= 2 && bx <= 5 ? 1 : 0, 5);
    }
  });

  it('keeps partial blocks as grey levels in sixteenths', () => {
    // Filling 0.9 of the side leaves the outermost blocks partly inked.
    const blocks = scanBlocks(bar(5, 14, 4, 23), 8, 0.9, 1, 0.5);
    const greys = [...blocks].filter((v) => v > 0 && v < 1);
    expect(greys.length).toBeGreaterThan(0);
    for (const v of blocks) expect(Math.abs(v * 16 - Math.round(v * 16))).toBeLessThan(1e-5);
  });

  it('gives nothing for an empty image', () => {
    expect([...scanBlocks(new Float32Array(784), 8, 1, 1, 0.5)].every((v) => v === 0)).toBe(true);
  });
});

describe('lowResDigit', () => {
  const digit = bar(10, 16, 4, 23);

  it('is a model input in [0, 1], fitted as the server fits a whole crop of that many blocks', () => {
    const img = lowResDigit(digit, seedrandom('a'));
    expect(img).toHaveLength(784);
    for (const v of img) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-6);
    }
    expect(img.reduce((s, v) => s + v, 0)).toBeGreaterThan(5);
  });

  it('draws its block count, fill, stretch and threshold from the generator: same seed, same scan', () => {
    expect(lowResDigit(digit, seedrandom('a'))).toEqual(lowResDigit(digit, seedrandom('a')));
    expect(lowResDigit(digit, seedrandom('a'))).not.toEqual(lowResDigit(digit, seedrandom('b')));
  });

  it('a scan of g blocks measures g pixels at most, and is smoothed when fitted', () => {
    const blocks = scanBlocks(digit, 8, 1, 1, 0.5);
    expect(nativeInkSide(blocks, 8, 8)).toBeLessThanOrEqual(8);
    const fitted = fitWhole(blocks, 8, 8);
    // Smoothed: grey between paper and ink along the bar's edges.
    expect([...fitted].some((v) => v > 0.05 && v < 0.95)).toBe(true);
  });
});
