/** Touching pairs of digits, the negatives that teach the model a merged candidate is not one digit. */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { digitPair, randomDigitPair } from '../src/digit-pairs.js';
import { fitImage, inkBounds } from '../../common/preprocess.js';

/** A 28x28 "0": a ring 14 wide and 20 tall, its stroke about 2.5 px, ink high. */
function ring(): Float32Array {
  const img = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const r = Math.hypot((x - 13.5) / 7, (y - 13.5) / 10);
      if (r <= 1 && r >= 0.7) img[y * 28 + x] = 1;
    }
  }
  return img;
}

/** Columns of the fitted image with no ink, between its first and its last inked column. */
function emptyColumnsInside(img: Float32Array): number {
  const box = inkBounds(img, 28, 28)!;
  let empty = 0;
  for (let x = box.minX; x <= box.maxX; x++) {
    let ink = 0;
    for (let y = 0; y < 28; y++) ink += img[y * 28 + x];
    if (ink < 0.05) empty++;
  }
  return empty;
}

/** The first run of ink along the middle row: the left stroke's width. */
function leftStroke(img: Float32Array): number {
  let ink = 0;
  for (let x = 0, started = false; x < 28; x++) {
    const v = img[14 * 28 + x];
    if (v > 0.5) {
      started = true;
      ink += v;
    } else if (started) break;
  }
  return ink;
}

describe('digit pairs', () => {
  it('keeps the gap between digits set apart and none between digits that overlap', () => {
    expect(emptyColumnsInside(digitPair(ring(), ring(), 8, 0))).toBeGreaterThan(0);
    expect(emptyColumnsInside(digitPair(ring(), ring(), -3, 0))).toBe(0);
  });

  it('fits the pair whole: wider than tall, as two digits side by side are', () => {
    const box = inkBounds(digitPair(ring(), ring(), 0, 2), 28, 28)!;
    expect(box.maxX - box.minX).toBeGreaterThan(box.maxY - box.minY);
  });

  it('thickens the strokes back, as a reading thickens a wide candidate', () => {
    const alone = leftStroke(fitImage(ring(), 28, 28));
    const inPair = leftStroke(digitPair(ring(), ring(), 0, 0));
    // Fitted whole without thickening, the pair (28 px wide) would shrink each stroke by 20 / 28.
    expect(inPair).toBeGreaterThan(0.85 * alone);
  });

  it('draws the same pair for the same seed', () => {
    const a = randomDigitPair(ring(), ring(), seedrandom('p'));
    const b = randomDigitPair(ring(), ring(), seedrandom('p'));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
