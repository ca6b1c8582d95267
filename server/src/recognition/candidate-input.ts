/** A candidate digit of an image -> the model's input: its grey ink cropped, thickened or thinned to MNIST's stroke width, fitted. */
import { fitImage, PEN_WIDTH, type Box } from '../../../common/preprocess.js';
import type { InkImage } from './ink-image.js';

/**
 * Grey dilation (max filter) or erosion (min filter) by `radius`, alternating 3x3 squares and
 * crosses (an octagon). The outermost ring is left at 0: callers leave a margin wider than the radius.
 */
function morph(src: Float32Array, w: number, h: number, radius: number, pick: (...values: number[]) => number): Float32Array {
  // Ping-pong between two buffers, never writing into `src`; their outer rings stay 0.
  const a = new Float32Array(w * h), b = new Float32Array(w * h);
  let cur: Float32Array = src;
  for (let r = 0; r < radius; r++) {
    const next = cur === a ? b : a;
    const square = r % 2 === 0;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        let m = pick(cur[i], cur[i - 1], cur[i + 1], cur[i - w], cur[i + w]);
        if (square) m = pick(m, cur[i - w - 1], cur[i - w + 1], cur[i + w - 1], cur[i + w + 1]);
        next[i] = m;
      }
    }
    cur = next;
  }
  return cur;
}

/**
 * Strokes more than this many times MNIST's width (relative to the digit's size) are thinned to it:
 * a marker's strokes close a digit's openings and loops.
 */
const BOLD = 1.3;

/** Crops larger than this (on their longer side) are averaged down by a whole factor first: fitImage ends at 20 px. */
const CROP_MAX = 64;

/**
 * One candidate digit's 28x28 model input: the grey ink of its pixels (with a one-pixel fringe for
 * the anti-aliasing) over `box` (inclusive), scaled so that solid ink is 1, hairlines thickened and
 * bold strokes thinned to MNIST's stroke width relative to the digit's size, then fitted and centred
 * by fitImage. `member` says which pixels are the candidate's (by index and column). Costs about the
 * box's area.
 */
export function candidateInput(image: InkImage, member: (i: number, x: number) => boolean, box: Box, threshold: number): Float32Array {
  const { ink, width: w, height: h } = image;
  const gw = box.maxX - box.minX + 1, gh = box.maxY - box.minY + 1;
  const extent = Math.max(gw, gh);
  // Large crops are averaged down by f (whole pixels) before thickening.
  const f = Math.max(1, Math.floor(extent / (CROP_MAX / 2)));

  // Membership over the box, with a margin for the fringe and any thickening.
  const margin = f * (Math.ceil(extent / f / 10) + 3);
  const x0 = box.minX - margin, y0 = box.minY - margin;
  const cw = gw + 2 * margin, ch = gh + 2 * margin;
  const inGroup = new Uint8Array(cw * ch);
  // The members' contrast, as a histogram (for its 90th percentile).
  const hist = new Uint32Array(257);
  let count = 0, edges = 0;
  for (let y = box.minY; y <= box.maxY; y++) {
    for (let x = box.minX; x <= box.maxX; x++) {
      const i = y * w + x;
      if (!member(i, x)) continue;
      inGroup[(y - y0) * cw + (x - x0)] = 1;
      hist[Math.round(ink[i] * 256)]++;
      count++;
    }
  }
  if (count === 0) return new Float32Array(28 * 28);
  // Members lie in the box, their fringe one pixel around it: the margin beyond is only room for thickening.
  const bx0 = box.minX - x0, bx1 = box.maxX - x0, by0 = box.minY - y0, by1 = box.maxY - y0;
  // Stroke width from the mask: 2 x area / boundary length is the width of a long, thin shape (as
  // common/preprocess.ts inkWidth measures a model input's, here only over the box).
  for (let cy = by0; cy <= by1; cy++) {
    for (let cx = bx0; cx <= bx1; cx++) {
      const i = cy * cw + cx;
      if (inGroup[i]) edges += 4 - inGroup[i - 1] - inGroup[i + 1] - inGroup[i - cw] - inGroup[i + cw];
    }
  }
  const stroke = edges > 0 ? (2 * count) / edges : 1;
  const want = (PEN_WIDTH * extent) / 20;

  let p90 = 256;
  for (let v = 0, acc = 0; v <= 256; v++) {
    acc += hist[v];
    if (acc > 0.9 * (count - 1)) {
      p90 = v;
      break;
    }
  }
  const level = Math.max(p90 / 256, threshold);
  const lo = 0.4 * threshold;

  // Grey ink of the members and their fringe, averaged over f x f blocks.
  const rw = Math.floor(cw / f), rh = Math.floor(ch / f);
  let crop: Float32Array = new Float32Array(rw * rh);
  const norm = 1 / (f * f);
  for (let cy = Math.max(1, by0 - 1); cy <= Math.min(ch - 2, by1 + 1); cy++) {
    const y = y0 + cy;
    if (y < 0 || y >= h) continue;
    const ry = Math.floor(cy / f);
    if (ry >= rh) continue;
    for (let cx = Math.max(1, bx0 - 1); cx <= Math.min(cw - 2, bx1 + 1); cx++) {
      const x = x0 + cx;
      if (x < 0 || x >= w) continue;
      const rx = Math.floor(cx / f);
      if (rx >= rw) continue;
      // In the candidate, or next to it (the anti-aliased fringe).
      const i = cy * cw + cx;
      const near =
        inGroup[i] | inGroup[i - 1] | inGroup[i + 1] | inGroup[i - cw] | inGroup[i + cw] |
        inGroup[i - cw - 1] | inGroup[i - cw + 1] | inGroup[i + cw - 1] | inGroup[i + cw + 1];
      if (near) crop[ry * rw + rx] += norm * Math.min(1, Math.max(0, (ink[y * w + x] - lo) / (level - lo)));
    }
  }
  const radius = Math.min(Math.floor(margin / f) - 2, stroke < 0.8 * want ? Math.round((want - stroke) / 2 / f) : 0);
  if (radius > 0) crop = morph(crop, rw, rh, radius, Math.max);
  const shrink = stroke > BOLD * want ? Math.round((stroke - want) / 2 / f) : 0;
  if (shrink > 0) crop = morph(crop, rw, rh, shrink, Math.min);
  return fitImage(crop, rw, rh);
}
