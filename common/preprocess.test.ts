import { describe, expect, it } from 'vitest';
import { FIT_BOX, INPUT_SIZE } from './model-contract.js';
import { PEN_WIDTH, centerByMass, centerOfMass, fitImage, fitTransform, gaussianBlur, inkBounds, inkWidth, nativeInkSide, shiftImage, strokesBounds, thinToWidth } from './preprocess.js';
import { segmentStrokes } from './segment.js';

const N = INPUT_SIZE;

describe('strokesBounds / fitTransform', () => {
  it('is null without ink', () => {
    expect(strokesBounds([])).toBeNull();
    expect(strokesBounds([[]])).toBeNull();
  });

  it('fits the longer side into the 20x20 box, keeping aspect ratio, centred in 28x28', () => {
    const box = { minX: 100, minY: 50, maxX: 150, maxY: 250 }; // 50 wide, 200 tall
    const t = fitTransform(box);
    const map = (x: number, y: number) => [x * t.scale + t.offsetX, y * t.scale + t.offsetY];
    const [x0, y0] = map(box.minX, box.minY);
    const [x1, y1] = map(box.maxX, box.maxY);
    expect(y1 - y0 + PEN_WIDTH).toBeCloseTo(FIT_BOX, 6);
    expect((x1 - x0) / (y1 - y0)).toBeCloseTo(50 / 200, 6);
    expect((x0 + x1) / 2).toBeCloseTo(N / 2, 6);
    expect((y0 + y1) / 2).toBeCloseTo(N / 2, 6);
  });

  it('does not blow a single point up to infinity', () => {
    const t = fitTransform({ minX: 10, minY: 10, maxX: 10, maxY: 10 });
    expect(Number.isFinite(t.scale)).toBe(true);
    expect(10 * t.scale + t.offsetX).toBeCloseTo(N / 2, 6);
  });
});

describe('centre of mass', () => {
  it('finds the weighted centre and moves it to the middle', () => {
    const img = new Float32Array(N * N);
    img[2 * N + 3] = 1;
    img[2 * N + 5] = 1;
    expect(centerOfMass(img, N, N)).toEqual({ x: 4, y: 2 });
    const { image, dx, dy } = centerByMass(img);
    expect([dx, dy]).toEqual([Math.round(13.5 - 4), Math.round(13.5 - 2)]);
    const c = centerOfMass(image, N, N)!;
    expect(Math.abs(c.x - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 13.5)).toBeLessThanOrEqual(0.5);
  });

  it('returns null for an empty image and leaves it alone', () => {
    const img = new Float32Array(N * N);
    expect(centerOfMass(img, N, N)).toBeNull();
    expect(centerByMass(img).image.every((v) => v === 0)).toBe(true);
  });

  it('shifts with zero fill and drops what falls off', () => {
    const img = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(shiftImage(img, 2, 2, 1, 0))).toEqual([0, 1, 0, 3]);
    expect(Array.from(shiftImage(img, 2, 2, 0, -1))).toEqual([3, 4, 0, 0]);
  });
});

describe('fitImage', () => {
  it('crops, scales the ink to 20 px on its longer side and centres it by mass', () => {
    // A 10x40 bar in a 100x100 image, off in a corner.
    const w = 100, h = 100;
    const img = new Float32Array(w * h);
    for (let y = 5; y < 45; y++) for (let x = 80; x < 90; x++) img[y * w + x] = 1;
    const out = fitImage(img, w, h);
    const b = inkBounds(out, N, N)!;
    expect(b.maxY - b.minY + 1).toBe(FIT_BOX);
    expect(b.maxX - b.minX + 1).toBe(5);
    const c = centerOfMass(out, N, N)!;
    expect(Math.abs(c.x - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 13.5)).toBeLessThanOrEqual(0.5);
    expect(out.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
  });

  it('gives an empty image for an empty input', () => {
    expect(fitImage(new Float32Array(50 * 30), 50, 30).every((v) => v === 0)).toBe(true);
  });
});

describe('segmentStrokes', () => {
  const vertical = (x: number, y0 = 0, y1 = 100) => [[x, y0], [x, y1]];
  it('keeps a two-stroke 4 as one digit', () => {
    const four = [[[50, 0], [0, 60], [80, 60]], vertical(60, 20, 100)];
    expect(segmentStrokes(four)).toHaveLength(1);
  });

  it('splits side-by-side digits and orders them left to right, whatever the drawing order', () => {
    const seven = [[[200, 0], [260, 0], [220, 100]]];
    const one = [vertical(100)];
    const groups = segmentStrokes([...seven, ...one]);
    expect(groups.map((g) => g.indices)).toEqual([[1], [0]]);
  });

  it('keeps digits that touch apart', () => {
    const zero = [[[0, 0], [60, 0], [60, 100], [0, 100], [0, 0]]];
    const touching = [[[58, 0], [118, 0], [118, 100], [58, 100], [58, 0]]];
    expect(segmentStrokes([...zero, ...touching])).toHaveLength(2);
  });

  it('ignores empty strokes', () => {
    expect(segmentStrokes([[], []])).toEqual([]);
  });
});

describe('groupByPlace', async () => {
  const { groupByPlace } = await import('./grouping.js');
  const bar = (id: string, x: number, y = 0) => ({ id, points: [[x, y], [x, y + 100]] });
  it('keeps the digits of one number together and separates numbers by place', () => {
    const groups = groupByPlace([bar('a', 0), bar('b', 60), bar('c', 130), bar('far', 600), bar('below', 0, 400)]);
    expect(groups.map((g) => g.strokeIds)).toEqual([['a', 'b', 'c'], ['far'], ['below']]);
  });
  it('is empty for no ink', () => {
    expect(groupByPlace([])).toEqual([]);
  });
});

describe('groupByPlace at board scale', async () => {
  const { groupByPlace } = await import('./grouping.js');
  it('finds the sets of the pairwise definition on a random board', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const strokes = Array.from({ length: 300 }, (_, i) => {
      const x = rand() * 3000, y = rand() * 2000, h = 20 + rand() * 120;
      return { id: `s${i}`, points: [[x, y], [x + rand() * 60, y + h]] };
    });
    // Reference: plain O(n^2) unions over the same rules. Clusters: boxes that touch, transitively;
    // a stroke measures gaps by its cluster's height. None of these strokes is flat enough to be a
    // rule; two of comparable heights wholly one over the other, apart by a tenth of the shorter, are rows.
    const box = (p: number[][]) => ({ minX: Math.min(p[0][0], p[1][0]), maxX: Math.max(p[0][0], p[1][0]), minY: Math.min(p[0][1], p[1][1]), maxY: Math.max(p[0][1], p[1][1]) });
    const boxes = strokes.map((s) => box(s.points));
    const gaps = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) => [
      Math.max(0, Math.max(a.minX, b.minX) - Math.min(a.maxX, b.maxX)),
      Math.max(0, Math.max(a.minY, b.minY) - Math.min(a.maxY, b.maxY)),
    ];
    const unions = () => {
      const parent = strokes.map((_, i) => i);
      const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
      return { find, join: (i: number, j: number) => void (parent[find(i)] = find(j)) };
    };
    const clusters = unions();
    for (let i = 0; i < strokes.length; i++) for (let j = i + 1; j < strokes.length; j++) if (gaps(boxes[i], boxes[j]).every((g) => g === 0)) clusters.join(i, j);
    const heights = strokes.map((_, i) => {
      const members = boxes.filter((_, j) => clusters.find(j) === clusters.find(i));
      return Math.max(1, Math.max(...members.map((b) => b.maxY)) - Math.min(...members.map((b) => b.minY)));
    });
    const { find, join } = unions();
    for (let i = 0; i < strokes.length; i++) {
      for (let j = i + 1; j < strokes.length; j++) {
        const h = Math.max(heights[i], heights[j]);
        const [dx, dy] = gaps(boxes[i], boxes[j]);
        const [hi, hj] = [boxes[i], boxes[j]].map((b) => b.maxY - b.minY);
        const flat = [boxes[i], boxes[j]].some((b) => b.maxY - b.minY <= 0.35 * (b.maxX - b.minX));
        const rows = dy > 0 && !flat && Math.min(hi, hj) >= 0.5 * Math.max(hi, hj) && dy >= 0.1 * Math.min(hi, hj);
        if (dx <= 1.4 * h && dy <= 0.25 * h && !rows) join(i, j);
      }
    }
    const expected = new Set(strokes.map((_, i) => strokes.filter((_, j) => find(j) === find(i)).map((s) => s.id).sort().join(',')));
    // groupByPlace then splits a set into its lines: each group lies within one set, and together
    // a set's groups are the set.
    const setOf = new Map(strokes.map((s, i) => [s.id, find(i)]));
    const joined = new Map<number, string[]>();
    for (const g of groupByPlace(strokes)) {
      const set = setOf.get(g.strokeIds[0])!;
      expect(g.strokeIds.every((id) => setOf.get(id) === set)).toBe(true);
      joined.set(set, [...(joined.get(set) ?? []), ...g.strokeIds]);
    }
    expect(new Set([...joined.values()].map((ids) => ids.sort().join(',')))).toEqual(expected);
  });
});

describe('nativeInkSide', () => {
  it('measures an 8 x 8 picture enlarged by repeating pixels as 8, and a noisy one at its full size', () => {
    const small = Array.from({ length: 64 }, (_, i) => ((i * 37) % 11) / 10);
    const enlarged = new Float32Array(64 * 64);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) enlarged[y * 64 + x] = small[(y >> 3) * 8 + (x >> 3)];
    expect(nativeInkSide(enlarged, 64, 64)).toBeLessThanOrEqual(8);
    const noisy = enlarged.map((v, i) => Math.min(1, v + ((i * 7919) % 13) / 1000));
    expect(nativeInkSide(noisy, 64, 64)).toBeGreaterThan(32);
    expect(nativeInkSide(new Float32Array(64), 8, 8)).toBe(0);
  });
});

describe('inkWidth / thinToWidth', () => {
  /** An upright bar `width` px wide and 20 px tall, its edges soft as a fitted picture's are. */
  const bar = (width: number, sigma = 1) => {
    const image = new Float32Array(N * N);
    const x0 = Math.round((N - width) / 2);
    for (let y = 4; y < 24; y++) for (let x = x0; x < x0 + width; x++) image[y * N + x] = 1;
    return sigma > 0 ? gaussianBlur(image, N, N, sigma) : image;
  };
  const height = (image: Float32Array) => {
    const box = inkBounds(image, N, N, 0.5)!;
    return box.maxY - box.minY + 1;
  };

  it('measures a stroke about as wide as it is', () => {
    expect(inkWidth(bar(2, 0))).toBeCloseTo(1.8, 1);
    expect(inkWidth(bar(8, 0))).toBeCloseTo(5.7, 1);
    expect(inkWidth(new Float32Array(N * N))).toBe(0);
  });

  it('thins a bold stroke to about the width asked, fitted again to the digit box, and leaves a thin one alone', () => {
    for (const [width, after] of [[6, 3.2], [8, 4]]) {
      const bold = bar(width);
      const thinned = thinToWidth(bold, 3.2);
      expect(inkWidth(bold)).toBeGreaterThan(4.4);
      expect(inkWidth(thinned)).toBeLessThanOrEqual(after);
      expect(inkWidth(thinned)).toBeGreaterThan(2.5);
      expect(height(thinned)).toBeGreaterThanOrEqual(height(bold) - 2);
    }
    const thin = bar(2);
    expect(thinToWidth(thin, 3.2)).toBe(thin);
    // A hard-edged stroke has no lighter edge to thin it by.
    const hard = bar(8, 0);
    expect(inkWidth(thinToWidth(hard, 3.2))).toBeCloseTo(inkWidth(hard), 5);
  });
});
