/** Where a wide mark is cut into digit-sized pieces, and what each cut goes through. */
import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../src/recognition/components.js';
import { cutColumns } from '../../src/recognition/marks.js';

/** A binary mask of w x h with the given filled rectangles [x0, y0, x1, y1] (inclusive). */
function mask(w: number, h: number, rects: [number, number, number, number][]): Uint8Array {
  const m = new Uint8Array(w * h);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m[y * w + x] = 1;
  return m;
}

/** Rectangle outlines (rings) 3 px thick. */
const ring = (x0: number, y0: number, x1: number, y1: number): [number, number, number, number][] => [
  [x0, y0, x1, y0 + 2],
  [x0, y1 - 2, x1, y1],
  [x0, y0, x0 + 2, y1],
  [x1 - 2, y0, x1, y1],
];

describe('cutColumns', () => {
  it('counts the strokes a cut goes through: one where two digits touch, several across a tangle', () => {
    const w = 80, h = 40;
    // Two "0"s side by side, touching along a short bridge in the middle of their height.
    const touching = labelComponents(mask(w, h, [...ring(0, 0, 36, 39), ...ring(43, 0, 79, 39), [36, 18, 43, 21]]), w, h);
    expect(touching.components).toHaveLength(1);
    const atContact = cutColumns(touching.components[0], touching.labels, w, 2);
    expect(atContact.length).toBeGreaterThan(0);
    expect(atContact.every((c) => c.runs === 1)).toBe(true);

    // Five horizontal bars joined by an upright at each end: any cut in between crosses all five.
    const bars = [0, 9, 18, 27, 36].map((y): [number, number, number, number] => [0, y, 79, y + 2]);
    const tangle = labelComponents(mask(w, h, [...bars, [0, 0, 2, 38], [77, 0, 79, 38]]), w, h);
    const across = cutColumns(tangle.components[0], tangle.labels, w, 2);
    expect(across.length).toBeGreaterThan(0);
    expect(across.every((c) => c.runs === 5)).toBe(true);
  });
});
