/**
 * Numbers of 2-10 digits written digit by digit with tight (touching or slightly overlapping),
 * normal (~0.3 digit height) or wide (0.6-1.0 digit height, about a digit's width) gaps, with
 * baseline wobble and size variation; and pairs of numbers at least two digit heights apart.
 */
import seedrandom, { type PRNG } from 'seedrandom';
import { DIGIT_STYLES, digitTemplate, handFor, writerHabits } from './ink-digits.js';
import { inkBox, normal, pick, randomHand, shift, uniform, write, type Hand, type Ink } from './ink.js';
import { BOARD, type InkItem } from './item.js';

export const SPACINGS = ['tight', 'normal', 'wide'] as const;
export type Spacing = (typeof SPACINGS)[number];

/** The gap between neighbouring digits' ink, in digit heights. */
export function gapFor(spacing: Spacing, rand: PRNG): number {
  if (spacing === 'tight') return uniform(rand, -0.08, 0.02);
  if (spacing === 'normal') return uniform(rand, 0.2, 0.4);
  return uniform(rand, 0.6, 1.0);
}

/** Writes `text` left to right from (0, 0) at digit height h: one writer (hand, style, habits) for the whole number. */
export function writeNumber(text: string, spacing: Spacing, h: number, rand: PRNG, hand: Hand = randomHand(rand)): Ink {
  const style = pick(rand, DIGIT_STYLES);
  const habits = writerHabits(rand);
  const ink: Ink = [];
  let x = 0;
  for (const ch of text) {
    const d = Number(ch);
    const height = h * uniform(rand, 0.88, 1.12);
    // Baseline wobble: the digit's bottom drifts a little around h.
    const y = h - height + normal(rand) * 0.05 * h;
    const multi = habits.get(d);
    const digit = write(digitTemplate(d, style, multi), { x, y, height }, multi ? hand : handFor(style, hand), rand);
    const box = inkBox(digit);
    ink.push(...shift(digit, x - box.minX, 0));
    x += box.maxX - box.minX + gapFor(spacing, rand) * h;
  }
  return ink;
}

/** Scales ink about its box's top-left to fit within maxWidth, then moves that corner to (x, y). */
function fitAndPlace(ink: Ink, maxWidth: number, x: number, y: number): Ink {
  const b = inkBox(ink);
  const k = Math.min(1, maxWidth / Math.max(b.maxX - b.minX, 1));
  const r = (v: number) => Math.round(v * 10) / 10;
  return ink.map((s) => s.map(([px, py, t]) => [r(x + (px - b.minX) * k), r(y + (py - b.minY) * k), t]));
}

const randomDigits = (rand: PRNG, n: number) => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');

/** Numbers cycling through the spacings and the lengths 2-10, placed somewhere on the board. */
export function numbers(count: number, seed = 'heldout-numbers'): (InkItem & { spacing: Spacing })[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const spacing = SPACINGS[i % 3];
    const length = 2 + (Math.floor(i / 3) % 9);
    const text = randomDigits(rand, length);
    const h = uniform(rand, 70, 170);
    const ink = writeNumber(text, spacing, h, rand);
    const b = inkBox(ink);
    const width = Math.min(b.maxX - b.minX, BOARD.width - 80), height = ((b.maxY - b.minY) * width) / Math.max(b.maxX - b.minX, 1);
    const placed = fitAndPlace(ink, BOARD.width - 80, uniform(rand, 40, BOARD.width - 40 - width), uniform(rand, 30, BOARD.height - 30 - height));
    return { id: `number-${i}`, strokes: placed, expect: [text], note: `${spacing} ${length} digits`, spacing };
  });
}

/** Two numbers of 1-4 digits (normal spacing) side by side or one above the other, 2-3 digit heights apart. */
export function numberPairs(count: number, seed = 'heldout-pairs'): (InkItem & { firstStrokes: number; across: boolean })[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const across = i % 2 === 0;
    const texts = [randomDigits(rand, 1 + Math.floor(rand() * 4)), randomDigits(rand, 1 + Math.floor(rand() * 4))];
    const h = uniform(rand, 60, 120);
    const hand = randomHand(rand);
    const [a, b] = texts.map((t) => writeNumber(t, 'normal', h, rand, hand));
    const ba = inkBox(a), bb = inkBox(b);
    const gap = uniform(rand, 2, 3) * h;
    let strokes: Ink;
    if (across) {
      const total = ba.maxX - ba.minX + gap + (bb.maxX - bb.minX);
      const x0 = uniform(rand, 40, Math.max(41, BOARD.width - 40 - total));
      const y0 = uniform(rand, 40, BOARD.height - 40 - 1.3 * h);
      strokes = [...fitAndPlace(a, 1e9, x0, y0), ...fitAndPlace(b, 1e9, x0 + (ba.maxX - ba.minX) + gap, y0 + uniform(rand, -0.1, 0.1) * h)];
    } else {
      const x0 = uniform(rand, 40, BOARD.width - 40 - Math.max(ba.maxX - ba.minX, bb.maxX - bb.minX));
      const y0 = uniform(rand, 30, Math.max(31, BOARD.height - 30 - (ba.maxY - ba.minY) - gap - (bb.maxY - bb.minY)));
      strokes = [...fitAndPlace(a, 1e9, x0, y0), ...fitAndPlace(b, 1e9, x0 + uniform(rand, -0.3, 0.3) * h, y0 + (ba.maxY - ba.minY) + gap)];
    }
    return { id: `pair-${i}`, strokes, expect: texts, note: `${across ? 'side by side' : 'one above the other'} ${texts.join(' | ')}`, firstStrokes: a.length, across };
  });
}
