/**
 * Single digits: Hershey glyphs in several styles, and hand templates of the multi-stroke ways of
 * writing 1, 4, 5 and 7 that the issue names (flag, base, crossbar, separate bars, two-stroke 4 and 5).
 */
import seedrandom, { type PRNG } from 'seedrandom';
import { hersheyGlyph, type HersheyStyle } from './hershey.js';
import { arc, pick, randomHand, templateBox, uniform, write, type Hand, type Template } from './ink.js';
import { BOARD, type InkItem } from './item.js';

/** Styles whose digits are distinct ('cursive' repeats futural's digits). */
export const DIGIT_STYLES: readonly HersheyStyle[] = ['futural', 'rowmans', 'scripts', 'futuram'];

const FIVE_BOWL: [number, number][] = [[0.08, 0.45], [0.3, 0.38], [0.48, 0.42], [0.6, 0.56], [0.62, 0.74], [0.55, 0.9], [0.4, 0.99], [0.22, 1], [0.04, 0.92]];

/** Multi-stroke writings of 1, 4, 5 and 7, in unit coordinates (y down), strokes in writing order. */
export const MULTI_STROKE: Record<string, { digit: number; strokes: Template }> = {
  // A flag at about 50 degrees: a longer, flatter one, slanted back, is a 7 to a human reader too.
  '1-flag': { digit: 1, strokes: [[[0.1, 0.28], [0.34, 0]], [[0.34, 0], [0.34, 1]]] },
  '1-stem-then-flag': { digit: 1, strokes: [[[0.34, 0], [0.34, 1]], [[0.33, 0.01], [0.1, 0.28]]] },
  '1-flag-base': { digit: 1, strokes: [[[0.1, 0.28], [0.34, 0]], [[0.34, 0], [0.34, 1]], [[0.02, 1], [0.66, 1]]] },
  '1-base': { digit: 1, strokes: [[[0.05, 0.2], [0.34, 0], [0.34, 1]], [[0.04, 1], [0.64, 1]]] },
  '7-crossbar': { digit: 7, strokes: [[[0, 0.02], [0.62, 0], [0.22, 1]], [[0.14, 0.52], [0.6, 0.48]]] },
  '7-bar-then-stem': { digit: 7, strokes: [[[0, 0], [0.62, 0]], [[0.62, 0.01], [0.2, 1]]] },
  '7-stem-then-bar': { digit: 7, strokes: [[[0.62, 0], [0.2, 1]], [[0, 0.01], [0.63, 0]]] },
  '7-bar-stem-crossbar': { digit: 7, strokes: [[[0, 0], [0.62, 0]], [[0.62, 0.01], [0.22, 1]], [[0.16, 0.5], [0.58, 0.5]]] },
  '4-open': { digit: 4, strokes: [[[0.1, 0], [0.02, 0.62], [0.66, 0.62]], [[0.5, 0.04], [0.5, 1]]] },
  '4-closed': { digit: 4, strokes: [[[0.46, 0], [0, 0.66], [0.66, 0.66]], [[0.46, 0], [0.46, 1]]] },
  '4-closed-stem-first': { digit: 4, strokes: [[[0.46, 0], [0.46, 1]], [[0.46, 0.02], [0, 0.66], [0.68, 0.66]]] },
  '5-body-then-bar': { digit: 5, strokes: [[[0.1, 0], ...FIVE_BOWL], [[0.1, 0], [0.6, 0.01]]] },
  '5-bar-then-body': { digit: 5, strokes: [[[0.12, 0], [0.62, 0.01]], [[0.12, 0.01], ...FIVE_BOWL]] },
  '5-round-bowl': { digit: 5, strokes: [[[0.12, 0], [0.08, 0.48], ...arc(0.32, 0.72, 0.3, 0.27, -120, 140, 14).slice(1)], [[0.12, 0], [0.64, 0]]] },
};

export const MULTI_STROKE_NAMES = Object.keys(MULTI_STROKE);

/**
 * The hand for a Hershey style: script and duplex glyphs draw a thick line as two or three close
 * strokes, which a pen makes in one motion, so those strokes keep their places relative to each other.
 */
export function handFor(style: HersheyStyle, hand: Hand): Hand {
  return style === 'scripts' || style === 'futuram' ? { ...hand, strokeShift: 0 } : hand;
}

export function hersheyTemplate(style: HersheyStyle, char: string): Template {
  return hersheyGlyph(style, char).strokes.map((s) => s.map(([x, y]) => [x, y] as [number, number]));
}

/** A digit's template: a multi-stroke writing when given one (for its digit), else the style's glyph. */
export function digitTemplate(digit: number, style: HersheyStyle, multi?: string): Template {
  if (multi && MULTI_STROKE[multi]?.digit === digit) return MULTI_STROKE[multi].strokes;
  return hersheyTemplate(style, String(digit));
}

/** Writes one template somewhere on the board at a handwriting size. */
export function placeAlone(template: Template, rand: PRNG, minH = 70, maxH = 280, style?: HersheyStyle): ReturnType<typeof write> {
  const tb = templateBox(template);
  // Wide shapes (an arrow, a rectangle) are written smaller, so that they stay on the board.
  const aspect = (tb.maxX - tb.minX) / Math.max(tb.maxY - tb.minY, 1e-6) + 0.5;
  const height = Math.min(uniform(rand, minH, maxH), (BOARD.width - 100) / aspect);
  const x = uniform(rand, 40, Math.max(41, BOARD.width - 40 - height * aspect));
  const y = uniform(rand, 30, BOARD.height - 30 - height);
  const hand = randomHand(rand);
  return write(template, { x, y, height }, style ? handFor(style, hand) : hand, rand);
}

/** Hershey digits, 0-9 in turn across the styles. */
export function singleDigits(count: number, seed = 'heldout-digits'): InkItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const digit = i % 10;
    const style = DIGIT_STYLES[Math.floor(i / 10) % DIGIT_STYLES.length];
    return { id: `digit-${i}`, strokes: placeAlone(digitTemplate(digit, style), rand, 70, 280, style), expect: [String(digit)], note: `${style} ${digit}` };
  });
}

/** The multi-stroke 1, 4, 5 and 7 templates in turn. */
export function multiStrokeDigits(count: number, seed = 'heldout-multistroke'): InkItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = MULTI_STROKE_NAMES[i % MULTI_STROKE_NAMES.length];
    const { digit, strokes } = MULTI_STROKE[name];
    return { id: `multi-${i}`, strokes: placeAlone(strokes, rand), expect: [String(digit)], note: name };
  });
}

/** A writer's way with 1, 4, 5 and 7 for one number: a multi-stroke template or the style's glyph. */
export function writerHabits(rand: PRNG): Map<number, string | undefined> {
  const habits = new Map<number, string | undefined>();
  for (const d of [1, 4, 5, 7]) {
    const options = MULTI_STROKE_NAMES.filter((n) => MULTI_STROKE[n].digit === d);
    habits.set(d, rand() < 0.5 ? pick(rand, options) : undefined);
  }
  return habits;
}
