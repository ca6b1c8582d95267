/**
 * The held-out reading sets (server/bench/heldout): deterministic, and what they say they are.
 * They need Debian's hershey-fonts-data and python3-sklearn (the sets' sources).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MULTI_STROKE_NAMES, multiStrokeDigits, singleDigits } from '../../bench/heldout/ink-digits.js';
import { numberPairs, numbers } from '../../bench/heldout/ink-numbers.js';
import { inkBox, type Ink } from '../../bench/heldout/ink.js';
import { BOARD } from '../../bench/heldout/item.js';
import { LETTERS, SHAPE_NAMES, letters, shapes, taps } from '../../bench/heldout/non-digits.js';
import { mnistCrops, sklearnCrops } from '../../bench/heldout/crops.js';
import { photoPlans, PHOTO } from '../../bench/heldout/photos.js';
import { mnistTest } from '../../bench/heldout/mnist-test.js';
import { heldoutSets } from '../../bench/heldout/index.js';

/** Every point is [x, y, t] on the board, t from 0 and never going back within a stroke. */
function expectWellFormed(ink: Ink): void {
  expect(ink.length).toBeGreaterThan(0);
  // One assertion per item, not per point: thousands of expect() calls would take seconds.
  const bad = ink.flatMap((stroke) =>
    stroke.filter(([x, y, t], i) => x < 0 || x > BOARD.width || y < 0 || y > BOARD.height || (i === 0 ? t !== 0 : t < stroke[i - 1][2])),
  );
  expect(bad).toEqual([]);
}

describe('held-out ink', () => {
  it('is the same on every build', () => {
    expect(singleDigits(20)).toEqual(singleDigits(20));
    expect(numbers(9)).toEqual(numbers(9));
    expect(numberPairs(4)).toEqual(numberPairs(4));
    expect(letters(10)).toEqual(letters(10));
    expect(singleDigits(20, 'another seed')).not.toEqual(singleDigits(20));
  });

  it('single digits: each digit in turn, well formed', () => {
    const items = singleDigits(40);
    expect(items.map((i) => i.expect[0])).toEqual(Array.from({ length: 40 }, (_, i) => String(i % 10)));
    for (const item of items) expectWellFormed(item.strokes);
  });

  it('multi-stroke 1, 4, 5, 7: every template, two strokes or more', () => {
    const items = multiStrokeDigits(MULTI_STROKE_NAMES.length);
    expect(new Set(items.map((i) => i.note))).toEqual(new Set(MULTI_STROKE_NAMES));
    for (const item of items) {
      expect(['1', '4', '5', '7']).toContain(item.expect[0]);
      expect(item.strokes.length).toBeGreaterThanOrEqual(2);
      expectWellFormed(item.strokes);
    }
  });

  it('numbers: 2-10 digits, every length with every spacing', () => {
    const items = numbers(27);
    for (const item of items) {
      expect(item.expect).toHaveLength(1);
      expect(item.expect[0]).toMatch(/^\d{2,10}$/);
      expectWellFormed(item.strokes);
    }
    expect(new Set(items.map((i) => `${i.spacing} ${i.expect[0].length}`)).size).toBe(27);
  });

  it('pairs: two numbers at least 1.5 of their heights apart', () => {
    for (const item of numberPairs(8)) {
      expect(item.expect).toHaveLength(2);
      const a = inkBox(item.strokes.slice(0, item.firstStrokes)), b = inkBox(item.strokes.slice(item.firstStrokes));
      const height = Math.max(a.maxY - a.minY, b.maxY - b.minY);
      const gap = item.across ? b.minX - a.maxX : b.minY - a.maxY;
      expect(gap).toBeGreaterThanOrEqual(1.5 * height);
      expectWellFormed(item.strokes);
    }
  });

  it('taps have no extent, dots and dashes little; none is to be read', () => {
    for (const item of taps(16)) {
      expect(item.expect).toEqual([]);
      expect(item.strokes).toHaveLength(1);
      const b = inkBox(item.strokes);
      const extent = Math.max(b.maxX - b.minX, b.maxY - b.minY);
      if (item.tap === 'tap' || item.tap === 'tap-repeated') expect(extent).toBe(0);
      else expect(extent).toBeLessThanOrEqual(31);
    }
  });

  it('letters and shapes: none looks like a digit by design, each comes in turn', () => {
    expect(LETTERS.filter((l) => 'OoIilSsZzBbGgq'.includes(l))).toEqual([]);
    const ls = letters(LETTERS.length);
    expect(ls.map((i) => i.note.split(' ')[1])).toEqual(LETTERS);
    const ss = shapes(SHAPE_NAMES.length);
    expect(ss.map((i) => i.note)).toEqual(SHAPE_NAMES);
    for (const item of [...ls, ...ss]) {
      expect(item.expect).toEqual([]);
      expectWellFormed(item.strokes);
    }
  });
});

describe('held-out images', () => {
  it('UCI crops: the label and size they claim, blocky, the same bytes each time', async () => {
    const items = sklearnCrops(300);
    expect(items).toHaveLength(6); // 1,797 digits, every 300th
    const [a, b] = [await items[1].make(), await sklearnCrops(300)[1].make()];
    expect(a.equals(b)).toBe(true);
    const meta = await sharp(a).metadata();
    expect([meta.width, meta.height]).toEqual([items[1].width, items[1].height]);
    for (const item of items) {
      expect(item.expect).toMatch(/^\d$/);
      expect(Math.max(item.width, item.height)).toBeLessThanOrEqual(77);
      expect(Math.min(item.width, item.height)).toBeGreaterThanOrEqual(8);
    }
  });

  it('MNIST test crops: tight to the ink, 16-64 px on the long side, the test label', async () => {
    const items = mnistCrops(5);
    const mnist = mnistTest();
    for (const item of items) {
      const index = Number(item.id.split('-')[1]);
      expect(item.expect).toBe(String(mnist.label(index)));
      expect(Math.max(item.width, item.height)).toBeGreaterThanOrEqual(16);
      expect(Math.max(item.width, item.height)).toBeLessThanOrEqual(64);
    }
    const { data, info } = await sharp(await items[0].make()).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([items[0].width, items[0].height]);
    // Tight: ink reaches the top and bottom rows (either polarity: far from the image's median).
    const sorted = [...data].sort((x, y) => x - y), paper = sorted[sorted.length >> 1];
    const rowInk = (y: number) => Math.max(...Array.from({ length: info.width }, (_, x) => Math.abs(data[y * info.width + x] - paper)));
    expect(rowInk(0)).toBeGreaterThan(20);
    expect(rowInk(info.height - 1)).toBeGreaterThan(20);
  });

  it('names every image item once across the sets (the bench keeps their bytes by id)', () => {
    const ids = heldoutSets(true).flatMap((set) => (set.kind === 'image' ? set.items.map((i) => i.id) : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('MNIST test crops with a marker: the same digits, more ink, some of them 8 x 8 scans', async () => {
    // The share of the picture that is ink (over half contrast), whatever its size.
    const inkOf = async (bytes: Buffer, lightOnDark: boolean) => {
      const { data } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
      return data.filter((v) => (lightOnDark ? v > 128 : v < 128)).length / data.length;
    };
    const plain = mnistCrops(8), marker = mnistCrops(8, 'heldout-mnist-marker', true);
    expect(marker.map((i) => i.expect)).toEqual(plain.map((i) => i.expect));
    // Half of them are 8 x 8 scans (compared below: the others).
    const scans = marker.filter((i) => i.note.includes('8x8 scan'));
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.length).toBeLessThan(marker.length);
    for (const [k, item] of marker.entries()) {
      expect(item.note).toContain('marker');
      if (scans.includes(item)) continue;
      const lightOnDark = (i: { note: string }) => i.note.includes('light on dark');
      expect(await inkOf(await item.make(), lightOnDark(item))).toBeGreaterThan(1.2 * (await inkOf(await plain[k].make(), lightOnDark(plain[k]))));
    }
  });

  it('photos: 3-6 MNIST test digits inside a 4000x3000 frame, planned the same each time', () => {
    const plans = photoPlans(4);
    expect(plans).toEqual(photoPlans(4));
    for (const plan of plans) {
      expect(plan.text).toMatch(/^\d{3,6}$/);
      for (const d of plan.digits) {
        expect(d.x).toBeGreaterThanOrEqual(0);
        expect(d.y).toBeGreaterThanOrEqual(0);
        expect(d.x + d.height).toBeLessThanOrEqual(PHOTO.width);
        expect(d.y + d.height).toBeLessThanOrEqual(PHOTO.height);
      }
    }
  });
});
