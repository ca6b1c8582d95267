/** Where a wide mark is cut into digit-sized pieces, along which path, what each cut goes through, and what a cut costs. */
import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../src/recognition/components.js';
import { cutPaths, cutsAlong } from '../../src/recognition/marks.js';
import { imageLattice } from '../../src/recognition/image.js';

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

describe('cutPaths', () => {
  it('counts the strokes a cut goes through: one where two digits touch, several across a tangle', () => {
    const w = 80, h = 40;
    // Two "0"s side by side, touching along a short bridge in the middle of their height.
    const touching = labelComponents(mask(w, h, [...ring(0, 0, 36, 39), ...ring(43, 0, 79, 39), [36, 18, 43, 21]]), w, h);
    expect(touching.components).toHaveLength(1);
    const atContact = cutPaths(touching.components[0], touching.labels, w, 2);
    expect(atContact.length).toBeGreaterThan(0);
    expect(atContact.every((c) => c.runs === 1)).toBe(true);

    // Five horizontal bars joined by an upright at each end: any cut in between crosses all five.
    const bars = [0, 9, 18, 27, 36].map((y): [number, number, number, number] => [0, y, 79, y + 2]);
    const tangle = labelComponents(mask(w, h, [...bars, [0, 0, 2, 38], [77, 0, 79, 38]]), w, h);
    const across = cutPaths(tangle.components[0], tangle.labels, w, 2);
    expect(across.length).toBeGreaterThan(0);
    expect(across.every((c) => c.runs === 5)).toBe(true);
  });

  it('follows a slanted gap between digits that touch, where any straight cut would go through one of them', () => {
    const w = 40, h = 41;
    const m = new Uint8Array(w * h);
    // Two strokes leaning at the same slant, 5 px apart, joined by a bridge halfway down.
    const left = (x: number, y: number) => x - y / 3 >= 0 && x - y / 3 <= 4;
    const right = (x: number, y: number) => x - y / 3 >= 10 && x - y / 3 <= 14;
    const bridge = (x: number, y: number) => y >= 19 && y <= 21 && x - y / 3 > 4 && x - y / 3 < 10;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (left(x, y) || right(x, y) || bridge(x, y)) m[y * w + x] = 1;
    const { labels, components } = labelComponents(m, w, h);
    expect(components).toHaveLength(1);
    const [cut] = cutPaths(components[0], labels, w, 2);
    expect(cut.runs).toBe(1);
    // Only the bridge is gone through (a straight cut would go through 9 rows of a stroke).
    expect(cut.ink).toBeLessThanOrEqual(8);
    // Every pixel of each stroke is on its side of the cut.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (left(x, y)) expect(x).toBeLessThan(cut.path[y - components[0].minY]);
        if (right(x, y)) expect(x).toBeGreaterThanOrEqual(cut.path[y - components[0].minY]);
      }
    }
  });
});

describe('cutsAlong', () => {
  it('cuts on both sides of a narrow digit between two wide ones, each through one stroke', () => {
    const w = 91, h = 40;
    // "0", "1", "0" touching along short bridges: the 1 is 3 px wide, its ink a tenth of the mark's.
    const rects = [...ring(0, 0, 36, 39), [36, 18, 44, 21], [44, 0, 46, 39], [46, 18, 54, 21], ...ring(54, 0, 90, 39)] as [number, number, number, number][];
    const { labels, components } = labelComponents(mask(w, h, rects), w, h);
    expect(components).toHaveLength(1);
    const cutsBy = (found: { runs: number; path: Int32Array }[], from: number, to: number) => found.some((c) => c.runs === 1 && c.path.every((x) => x >= from && x <= to));
    const found = cutsAlong(components[0], labels, w);
    // Each bridge is cut where it is, through one stroke only.
    expect(cutsBy(found, 37, 44)).toBe(true);
    expect(cutsBy(found, 47, 54)).toBe(true);
  });

  it('cuts a mark of six touching digits at each of the five places they touch', () => {
    const w = 6 * 30 + 5 * 4, h = 40;
    // Six "0"s 30 px wide, 4 px apart, each joined to the next by a bridge at mid-height.
    const rects = Array.from({ length: 6 }, (_, k) => ring(34 * k, 0, 34 * k + 29, 39)).flat();
    for (let k = 0; k < 5; k++) rects.push([34 * k + 29, 18, 34 * k + 34, 21]);
    const { labels, components } = labelComponents(mask(w, h, rects), w, h);
    expect(components).toHaveLength(1);
    const found = cutsAlong(components[0], labels, w).filter((c) => c.runs === 1);
    expect(found.map((c) => Math.floor((c.x - 30) / 34))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('imageLattice', () => {
  it('charges a cut through two strokes however wide the mark: a box is not digits side by side', () => {
    const w = 130, h = 40;
    // A box three times as wide as it is tall: every cut goes through its top and its bottom.
    const { labels, components } = labelComponents(mask(w, h, ring(0, 0, 119, 39)), w, h);
    const lattice = imageLattice(components, 40, labels, components, w, h);
    expect(lattice.nodes).toBeGreaterThan(2);
    const inner = lattice.cutPriors.slice(1);
    expect(inner.every((prior) => prior <= -2)).toBe(true);
  });
});
