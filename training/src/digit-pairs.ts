/**
 * Two digits written so close that they touch, fitted whole: what a reading's lattice offers as a
 * candidate when it merges neighbouring digits (common/ink-reading.ts) or leaves a mark of two
 * touching digits uncut (server/src/recognition/image.ts). Such a candidate is not one digit, and
 * the model is taught to say so (class 10): otherwise a "44" fitted whole reads as a sure "4" and
 * wins over the cut that reads "4" and "4".
 */
import { fitImage, inkBounds } from '../../common/preprocess.js';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { morphDisk } from './image-ops.js';
import type { Rng } from './augment.js';

/** How far the second digit's ink may reach back over the first's, as a share of the narrower one's width. */
const MAX_OVERLAP = 0.35;
/** The widest gap left between the two digits' ink, in MNIST pixels (a digit is about 20 tall). */
const MAX_GAP = 2;
/** Up to this many pixels up or down between the two digits. */
const MAX_DROP = 2;
/** MNIST's stroke width, in its own pixels: a pair fitted whole is thickened back to it. */
const STROKE = 2.5;

/**
 * Two 28x28 digits side by side (ink high, in [0, 1]), the second moved so that the gap between
 * their ink is `gap` pixels (negative: they overlap) and `drop` pixels lower, fitted whole like
 * a candidate. A pair is wider than one digit, so fitting it shrinks its strokes: they are first
 * thickened by as much as the fitting will thin them, since a reading thickens candidates to
 * MNIST's stroke width for their size.
 */
export function digitPair(a: ArrayLike<number>, b: ArrayLike<number>, gap: number, drop: number): Float32Array {
  const N = INPUT_SIZE;
  const ba = inkBounds(a, N, N), bb = inkBounds(b, N, N);
  if (!ba || !bb) return fitImage(ba ? a : b, N, N);
  const wa = ba.maxX - ba.minX + 1, wb = bb.maxX - bb.minX + 1;
  const margin = 3;
  const width = wa + Math.max(0, wb + gap) + 2 * margin, height = N + Math.abs(drop);
  const canvas = new Float32Array(width * height);
  // Where each digit's ink box starts in the canvas.
  const ax = margin, bx = margin + wa + gap;
  const ay = Math.max(0, -drop), by = Math.max(0, drop);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const xa = ax + x - ba.minX, xb = bx + x - bb.minX;
      if (xa >= 0 && xa < width) canvas[(ay + y) * width + xa] = Math.max(canvas[(ay + y) * width + xa], a[y * N + x]);
      if (xb >= 0 && xb < width) canvas[(by + y) * width + xb] = Math.max(canvas[(by + y) * width + xb], b[y * N + x]);
    }
  }
  const box = inkBounds(canvas, width, height)!;
  const single = Math.max(wa, ba.maxY - ba.minY + 1, wb, bb.maxY - bb.minY + 1);
  const thinning = Math.max(box.maxX - box.minX + 1, box.maxY - box.minY + 1) / single;
  const radius = (STROKE * (thinning - 1)) / 2;
  // (A disk of radius 1 is the smallest that thickens: a plus, which errs on the thick side as
  // a reading's own thickening does.)
  return fitImage(radius >= 0.3 ? morphDisk(canvas, width, height, Math.min(2, Math.max(1, radius)), 'dilate') : canvas, width, height);
}

/** A random pair of the given digits: touching, overlapping a little or a hair apart, maybe at different heights. */
export function randomDigitPair(a: ArrayLike<number>, b: ArrayLike<number>, rng: Rng): Float32Array {
  const width = (img: ArrayLike<number>) => {
    const box = inkBounds(img, INPUT_SIZE, INPUT_SIZE);
    return box ? box.maxX - box.minX + 1 : 0;
  };
  const overlap = MAX_OVERLAP * Math.min(width(a), width(b));
  const gap = Math.round(-overlap + rng() * (overlap + MAX_GAP));
  const drop = Math.round((2 * rng() - 1) * MAX_DROP);
  return digitPair(a, b, gap, drop);
}
