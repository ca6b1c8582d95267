/**
 * Ink that is not a digit and must not be read as one: taps, dots and short dashes; Hershey
 * letters (capitals and lowercase that do not look like digits); hand-drawn shapes.
 */
import seedrandom from 'seedrandom';
import { hersheyTemplate, placeAlone } from './ink-digits.js';
import type { HersheyStyle } from './hershey.js';
import { normal, uniform, type Ink, type InkPoint, type Template } from './ink.js';
import { BOARD, type InkItem } from './item.js';

export const TAP_KINDS = ['tap', 'tap-repeated', 'dot', 'dash'] as const;

/** Taps (one point, or a few identical points), dots (a few board units across) and short dashes. */
export function taps(count: number, seed = 'heldout-taps'): (InkItem & { tap: (typeof TAP_KINDS)[number] })[] {
  const rand = seedrandom(seed);
  const r = (v: number) => Math.round(v * 10) / 10;
  return Array.from({ length: count }, (_, i) => {
    const tap = TAP_KINDS[i % TAP_KINDS.length];
    const x = uniform(rand, 50, BOARD.width - 50), y = uniform(rand, 50, BOARD.height - 50);
    let stroke: InkPoint[];
    if (tap === 'tap') stroke = [[r(x), r(y), 0]];
    else if (tap === 'tap-repeated') stroke = Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, k) => [r(x), r(y), k * 8] as InkPoint);
    else if (tap === 'dot') {
      const radius = uniform(rand, 1, 4);
      stroke = Array.from({ length: 3 + Math.floor(rand() * 6) }, (_, k) => [r(x + normal(rand) * radius), r(y + normal(rand) * radius), k * 8] as InkPoint);
    } else {
      const len = uniform(rand, 8, 30), angle = uniform(rand, -0.3, 0.3), n = 3 + Math.floor(rand() * 5);
      stroke = Array.from({ length: n }, (_, k) => [r(x + (Math.cos(angle) * len * k) / (n - 1)), r(y + (Math.sin(angle) * len * k) / (n - 1)), k * 8] as InkPoint);
    }
    return { id: `tap-${i}`, strokes: [stroke], expect: [], note: tap, tap };
  });
}

export const LETTERS = [...'ACDEFHKMNPRTUVWXY', ...'acehkmnpruvwx'];
const LETTER_STYLES: readonly HersheyStyle[] = ['futural', 'rowmans', 'scripts', 'futuram'];

/** Hershey letters, each letter in turn across the styles. */
export function letters(count: number, seed = 'heldout-letters'): InkItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const letter = LETTERS[i % LETTERS.length];
    const style = LETTER_STYLES[Math.floor(i / LETTERS.length) % LETTER_STYLES.length];
    return { id: `letter-${i}`, strokes: placeAlone(hersheyTemplate(style, letter), rand, 60, 250, style), expect: [], note: `${style} ${letter}` };
  });
}

const star = (): Template => [Array.from({ length: 6 }, (_, k) => {
  const a = ((-90 + k * 144) * Math.PI) / 180;
  return [0.5 + 0.5 * Math.cos(a), 0.5 + 0.5 * Math.sin(a)] as [number, number];
})];

/** Shapes in unit coordinates, strokes in drawing order. */
export const SHAPES: Record<string, (rand: () => number) => Template> = {
  rectangle: (rand) => {
    const w = 1.2 + rand() * 1.3;
    return [[[0, 0], [w, 0], [w, 1], [0, 1], [0, 0.02]]];
  },
  'rectangle-4-strokes': (rand) => {
    const w = 1.2 + rand() * 1.3;
    return [[[0, 0], [w, 0]], [[w, 0], [w, 1]], [[w, 1], [0, 1]], [[0, 1], [0, 0]]];
  },
  triangle: () => [[[0.55, 0], [1.1, 1], [0, 1], [0.53, 0.02]]],
  star,
  arrow: (rand) => {
    const l = 1.6 + rand();
    return [[[0, 0.5], [l, 0.5]], [[l - 0.4, 0.2], [l, 0.5], [l - 0.4, 0.8]]];
  },
  'arrow-up': () => [[[0.4, 1.6], [0.4, 0]], [[0, 0.4], [0.4, 0], [0.8, 0.4]]],
  check: () => [[[0, 0.55], [0.35, 1], [1.1, 0]]],
  cross: () => [[[0, 0], [1, 1]], [[1, 0], [0, 1]]],
  hash: () => [[[0.3, 0], [0.22, 1]], [[0.75, 0], [0.67, 1]], [[0, 0.33], [1, 0.33]], [[-0.04, 0.68], [0.96, 0.68]]],
};

export const SHAPE_NAMES = Object.keys(SHAPES);

/** Each shape in turn, at handwriting sizes. */
export function shapes(count: number, seed = 'heldout-shapes'): InkItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = SHAPE_NAMES[i % SHAPE_NAMES.length];
    const ink: Ink = placeAlone(SHAPES[name](rand), rand, 70, 220);
    return { id: `shape-${i}`, strokes: ink, expect: [], note: name };
  });
}
