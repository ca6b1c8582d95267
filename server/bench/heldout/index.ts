/**
 * The held-out reading sets (issue 16): made deterministically from sources the model never
 * trained on (Hershey fonts, hand templates, UCI 8x8 digits, MNIST test). Benches import this,
 * never training code.
 */
import { multiStrokeDigits, singleDigits } from './ink-digits.js';
import { numberPairs, numbers, SPACINGS } from './ink-numbers.js';
import { letters, shapes, taps } from './non-digits.js';
import { mnistCrops, sklearnCrops, smallPngs } from './crops.js';
import { photos } from './photos.js';
import { columnSums, expressions, randomPicture, type ArithmeticSet } from './math.js';
import { inkPng } from './ink-png.js';
import { inkBox, uniform } from './ink.js';
import seedrandom from 'seedrandom';
import type { HeldoutSet, ImageItem } from './item.js';
import type { Ink } from './ink.js';

export type { HeldoutSet, ImageSet, InkSet, InkItem, ImageItem } from './item.js';
export { BOARD } from './item.js';
export type { ArithmeticItem, ArithmeticSet, MathReading } from './math.js';
export { LATENCY_TEXTS, latencyPairs, scoreMath } from './math.js';

/** The targets, as fractions. */
export const TARGETS = { numbers: 0.97, digits: 0.993, crops: 0.97, abstain: 0.95, math: 0.95 } as const;

/** Every set, smaller with `quick` (the same items' prefixes, or every k-th for the UCI digits). */
export function heldoutSets(quick = false): HeldoutSet[] {
  const q = (full: number, small: number) => (quick ? small : full);
  const nums = numbers(q(540, 108));
  return [
    { name: 'single digits (Hershey, 4 styles)', kind: 'ink', measure: 'exact', rest: true, items: singleDigits(q(1000, 200)), target: TARGETS.digits },
    { name: 'multi-stroke 1, 4, 5, 7', kind: 'ink', measure: 'exact', rest: true, items: multiStrokeDigits(q(560, 112)), target: TARGETS.digits },
    ...SPACINGS.map((s) => ({ name: `numbers, 2-10 digits, ${s} gaps`, kind: 'ink' as const, measure: 'exact' as const, rest: true, items: nums.filter((n) => n.spacing === s), target: TARGETS.numbers })),
    { name: 'two numbers >= 2 heights apart', kind: 'ink', measure: 'exact', rest: false, items: numberPairs(q(120, 30)), target: TARGETS.numbers },
    { name: 'taps, dots, short dashes', kind: 'ink', measure: 'abstain', rest: true, items: taps(q(200, 40)), target: TARGETS.abstain },
    { name: 'letters', kind: 'ink', measure: 'abstain', rest: true, items: letters(q(300, 60)), target: TARGETS.abstain },
    { name: 'shapes', kind: 'ink', measure: 'abstain', rest: true, items: shapes(q(200, 40)), target: TARGETS.abstain },
    { name: 'tight crops: UCI 8x8, blocky 8-64 px', kind: 'image', measure: 'exact', items: sklearnCrops(q(1, 6)), target: TARGETS.crops },
    { name: 'tight crops: MNIST test, 16-64 px', kind: 'image', measure: 'exact', items: mnistCrops(q(1000, 200)), target: TARGETS.crops },
    { name: 'phone photos: 4000x3000 JPEG', kind: 'image', measure: 'exact', items: photos(q(6, 2)) },
    ...SPACINGS.map((s) => ({ name: `numbers as PNG, ${s} gaps`, kind: 'image' as const, measure: 'exact' as const, items: asPngs(nums.filter((n) => n.spacing === s)), target: TARGETS.numbers })),
    {
      name: 'numbers as PNG, marker pen, normal and wide gaps',
      kind: 'image',
      measure: 'exact',
      items: markerPngs(nums.filter((n) => n.spacing !== 'tight')),
      target: TARGETS.numbers,
    },
    { name: 'tight crops: MNIST test, marker pen, 8x8 scans and 16-64 px', kind: 'image', measure: 'exact', items: mnistCrops(q(1000, 200), 'heldout-mnist-marker', true), target: TARGETS.crops },
    { name: 'letters as PNG', kind: 'image', measure: 'abstain', items: asPngs(letters(q(300, 60)), 'heldout-png-letters'), target: TARGETS.abstain },
    { name: 'shapes as PNG', kind: 'image', measure: 'abstain', items: asPngs(shapes(q(200, 40)), 'heldout-png-shapes'), target: TARGETS.abstain },
  ];
}

/**
 * Ink numbers as PNG uploads, as a screenshot or a scan of a board shows them: each with its own
 * zoom, pen width, ink colour and margin (the pictures of the arithmetic sets).
 */
function asPngs(items: readonly { id: string; strokes: Ink; expect: string[]; note: string }[], seed = 'heldout-png-numbers'): ImageItem[] {
  const rand = seedrandom(seed);
  return items.map((item) => {
    const box = inkBox(item.strokes);
    const picture = randomPicture(rand, box.maxY - box.minY);
    return { id: `png-${item.id}`, type: 'image/png' as const, make: () => inkPng(item.strokes, picture), expect: item.expect.join(' '), note: `${item.note}, ${picture.scale.toFixed(2)} px a unit` };
  });
}

/**
 * Ink numbers as small PNGs written with a marker: digits 40-100 px tall, the pen 0.15-0.25 of
 * their height wide (randomPicture's pens are 0.06-0.12), black on white.
 */
function markerPngs(items: readonly { id: string; strokes: Ink; expect: string[]; note: string }[], seed = 'heldout-png-marker'): ImageItem[] {
  const rand = seedrandom(seed);
  return items.map((item) => {
    const box = inkBox(item.strokes);
    const h = box.maxY - box.minY;
    const picture = { scale: uniform(rand, 40, 100) / h, penWidth: h * uniform(rand, 0.15, 0.25), margin: 0.3 * h, color: '#000' };
    return { id: `marker-${item.id}`, type: 'image/png' as const, make: () => inkPng(item.strokes, picture), expect: item.expect.join(' '), note: `${item.note}, marker ${(picture.penWidth / h).toFixed(2)} h, ${(picture.scale * h).toFixed(0)} px tall` };
  });
}

/**
 * The arithmetic sets (issue 20): expressions by spacing, and column sums; each read on boards,
 * as REST ink and as a PNG. The target is the right value; the rest should show none.
 */
export function mathSets(quick = false): ArithmeticSet[] {
  const exprs = expressions(quick ? 30 : 120);
  return [
    ...SPACINGS.map((s) => ({ name: `math: expressions, 2-4 terms, ${s} gaps`, kind: 'math' as const, items: exprs.filter((e) => e.spacing === s), target: TARGETS.math })),
    { name: 'math: column sums, 2-6 numbers, 1-3 writers', kind: 'math', items: columnSums(quick ? 15 : 60), target: TARGETS.math },
  ];
}

/** Whole 64x64 PNGs for the upload timing row. */
export function timingPngs(quick = false): ImageItem[] {
  return smallPngs(quick ? 10 : 30);
}
