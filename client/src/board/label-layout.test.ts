import { describe, expect, it } from 'vitest';
import { layoutLabels, overlaps, type LabelRequest, type LayoutArea, type Rect } from './label-layout.js';

const BOARD: LayoutArea = { width: 1600, height: 1000, gap: 6 };

/** A small seeded generator (mulberry32): the same "random" boards on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every way a layout can be wrong, as readable strings (empty when it is right). */
function problems(requests: readonly LabelRequest[], placed: readonly Rect[], area: LayoutArea): string[] {
  const found: string[] = [];
  placed.forEach((label, i) => {
    if (label.x < 0 || label.y < 0 || label.x + label.width > area.width || label.y + label.height > area.height) found.push(`label ${i} leaves the board`);
    if (label.width !== requests[i].width || label.height !== requests[i].height) found.push(`label ${i} changed size`);
    requests.forEach((r, j) => {
      if (overlaps(label, r.box)) found.push(`label ${i} covers the ink of number ${j}`);
    });
    placed.forEach((other, j) => {
      if (j > i && overlaps(label, other)) found.push(`labels ${i} and ${j} overlap`);
    });
  });
  return found;
}

/**
 * A board as grouping leaves it: numbers whose ink boxes do not overlap (with some room between
 * them), each with a label as the board would size it: about 29 CSS px tall, 16 px plus 12 px a
 * character wide, at `scale` board units per CSS pixel.
 */
function randomBoard(next: () => number, count: number, scale: number): LabelRequest[] {
  const requests: LabelRequest[] = [];
  for (let attempt = 0; requests.length < count && attempt < 1_000; attempt++) {
    const height = 40 + next() * 220;
    const width = 20 + next() * 320;
    const box = { x: next() * (BOARD.width - width), y: next() * (BOARD.height - height), width, height };
    const room = 20;
    const padded = { x: box.x - room, y: box.y - room, width: width + 2 * room, height: height + 2 * room };
    if (requests.some((r) => overlaps(padded, r.box))) continue;
    const characters = 1 + Math.floor(next() * 4);
    requests.push({ box, width: (16 + 12 * characters) * scale, height: 29 * scale });
  }
  return requests;
}

describe('layoutLabels', () => {
  it('puts a label right of its number, at its top, when there is room', () => {
    const box = { x: 300, y: 200, width: 100, height: 150 };
    const [label] = layoutLabels([{ box, width: 60, height: 50 }], BOARD);
    expect(label).toEqual({ x: 406, y: 200, width: 60, height: 50 });
  });

  it('two numbers close side by side: the left one labels on its left, neither label covers the other number', () => {
    // Before: both labels at their box's top right corner; the first one sat over the second number's ink.
    const left = { box: { x: 300, y: 300, width: 60, height: 100 }, width: 70, height: 60 };
    const right = { box: { x: 420, y: 310, width: 80, height: 100 }, width: 70, height: 60 };
    const placed = layoutLabels([left, right], BOARD);
    expect(problems([left, right], placed, BOARD)).toEqual([]);
    expect(placed[0]).toEqual({ x: 300 - 6 - 70, y: 300, width: 70, height: 60 });
    expect(placed[1]).toEqual({ x: 506, y: 310, width: 70, height: 60 });
  });

  it('goes left of a number at the right edge, and above or below one that fills a row', () => {
    const edge = { box: { x: 1520, y: 100, width: 70, height: 120 }, width: 60, height: 50 };
    expect(layoutLabels([edge], BOARD)[0]).toEqual({ x: 1520 - 6 - 60, y: 100, width: 60, height: 50 });
    const row = { box: { x: 0, y: 400, width: 1600, height: 150 }, width: 60, height: 50 };
    expect(layoutLabels([row], BOARD)[0]).toEqual({ x: 0, y: 400 - 6 - 50, width: 60, height: 50 });
    const top = { box: { x: 0, y: 0, width: 1600, height: 150 }, width: 60, height: 50 };
    expect(layoutLabels([top], BOARD)[0]).toEqual({ x: 0, y: 156, width: 60, height: 50 });
  });

  it('nudges a label past a neighbour when every side is taken', () => {
    // A number boxed in on its right, left and top by others; below is free only further right.
    const requests: LabelRequest[] = [
      { box: { x: 700, y: 400, width: 100, height: 100 }, width: 80, height: 40 },
      { box: { x: 810, y: 300, width: 200, height: 400 }, width: 80, height: 40 },
      { box: { x: 490, y: 300, width: 200, height: 400 }, width: 80, height: 40 },
      { box: { x: 700, y: 300, width: 100, height: 90 }, width: 80, height: 40 },
      { box: { x: 690, y: 545, width: 60, height: 100 }, width: 80, height: 40 },
    ];
    const placed = layoutLabels(requests, BOARD);
    expect(problems(requests, placed, BOARD)).toEqual([]);
  });

  it('many random numbers: no two labels overlap, none covers any ink, all stay on the board', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const scale = 1.2 + next() * 3;
      const requests = randomBoard(next, 2 + Math.floor(next() * 14), scale);
      const placed = layoutLabels(requests, BOARD);
      expect(problems(requests, placed, BOARD), `seed ${seed}`).toEqual([]);
    }
  });

  it('dense rows of digits written close together (a worksheet): still no overlaps', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(1_000 + seed);
      const requests: LabelRequest[] = [];
      // Rows of short numbers, as close as grouping keeps them apart (more than 1.1 heights sideways, a quarter vertically).
      for (let y = 40; y + 90 < BOARD.height; y += 90 * 1.3 + next() * 150) {
        for (let x = 20 + next() * 40; x + 60 < BOARD.width; x += 60 + 90 * 1.15 + next() * 200) {
          requests.push({ box: { x, y, width: 40 + next() * 20, height: 90 }, width: 40 + next() * 40, height: 45 });
        }
      }
      const placed = layoutLabels(requests, BOARD);
      expect(problems(requests, placed, BOARD), `seed ${seed}`).toEqual([]);
    }
  });

  it('a board with no free room left still gives every label a place on it', () => {
    const requests = Array.from({ length: 40 }, (_, i) => ({
      box: { x: (i % 8) * 200, y: Math.floor(i / 8) * 200, width: 195, height: 195 },
      width: 120,
      height: 60,
    }));
    const placed = layoutLabels(requests, BOARD);
    expect(placed).toHaveLength(40);
    for (const label of placed) {
      expect(label.x).toBeGreaterThanOrEqual(0);
      expect(label.y).toBeGreaterThanOrEqual(0);
      expect(label.x + label.width).toBeLessThanOrEqual(BOARD.width);
      expect(label.y + label.height).toBeLessThanOrEqual(BOARD.height);
    }
  });

  describe('labels with a place of their own (values)', () => {
    const expression = { x: 300, y: 300, width: 400, height: 100 };

    it('go exactly there when it is free, and other labels keep off them', () => {
      const value = { box: expression, width: 60, height: 40, at: { x: 706, y: 330 } };
      const number = { box: expression, width: 80, height: 40 };
      const placed = layoutLabels([value, number], BOARD);
      expect(placed[0]).toEqual({ x: 706, y: 330, width: 60, height: 40 });
      // The number's first choice (right of its box, at its top) would cover the value: it takes its left.
      expect(placed[1]).toEqual({ x: 300 - 6 - 80, y: 300, width: 80, height: 40 });
    });

    it('move as little as they must off another number\'s ink', () => {
      // A tall number just right of the "=": past it is nearer (4 steps of 20 units) than above or below it (6).
      const other = { box: { x: 720, y: 250, width: 60, height: 200 }, width: 40, height: 30 };
      const value = { box: expression, width: 60, height: 40, at: { x: 706, y: 330 } };
      const [placed] = layoutLabels([value, other], BOARD);
      expect(overlaps(placed, other.box)).toBe(false);
      expect(overlaps(placed, expression)).toBe(false);
      expect(placed).toEqual({ x: 786, y: 330, width: 60, height: 40 });
    });

    it('stay on the board', () => {
      const [placed] = layoutLabels([{ box: { x: 1500, y: 900, width: 80, height: 80 }, width: 60, height: 40, at: { x: 1590, y: 990 } }], BOARD);
      expect(placed.x + placed.width).toBeLessThanOrEqual(BOARD.width);
      expect(placed.y + placed.height).toBeLessThanOrEqual(BOARD.height);
    });

    it('keep their box to themselves: a column\'s box does not push its numbers\' labels away', () => {
      // A column of a wide and a narrow number: the narrow one's label sits inside the column's box.
      const wide = { box: { x: 300, y: 100, width: 300, height: 100 }, width: 60, height: 40 };
      const narrow = { box: { x: 300, y: 240, width: 100, height: 100 }, width: 60, height: 40 };
      const column = { x: 300, y: 100, width: 300, height: 260 };
      const sum = { box: column, width: 60, height: 40, at: { x: 540, y: 366 } };
      const withSum = layoutLabels([sum, wide, narrow], BOARD);
      const without = layoutLabels([wide, narrow], BOARD);
      expect(withSum.slice(1)).toEqual(without);
      expect(withSum[2]).toEqual({ x: 406, y: 240, width: 60, height: 40 });
      expect(withSum[0]).toEqual({ x: 540, y: 366, width: 60, height: 40 });
    });

    it('random boards with values: no two labels overlap, none covers any number\'s ink', () => {
      for (let seed = 1; seed <= 100; seed++) {
        const next = random(5_000 + seed);
        const scale = 1.2 + next() * 3;
        const numbers = randomBoard(next, 2 + Math.floor(next() * 10), scale);
        // A value for some numbers, asked for right of their ink, centred on it.
        const values = numbers
          .filter(() => next() < 0.5)
          .map(({ box }) => ({ box, width: 40 * scale, height: 30 * scale, at: { x: box.x + box.width + 6, y: box.y + box.height / 2 - 15 * scale } }));
        const requests = [...values, ...numbers];
        const placed = layoutLabels(requests, BOARD);
        const found = problems(numbers, placed.slice(values.length), BOARD);
        placed.forEach((label, i) => {
          numbers.forEach((n, j) => {
            if (i < values.length && overlaps(label, n.box)) found.push(`value ${i} covers the ink of number ${j}`);
          });
          placed.forEach((other, j) => {
            if (j > i && overlaps(label, other)) found.push(`labels ${i} and ${j} overlap`);
          });
        });
        expect([...new Set(found)], `seed ${seed}`).toEqual([]);
      }
    });
  });
});
