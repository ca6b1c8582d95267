/**
 * Randomly varied drawings of digits, as if drawn on a canvas: the templates of digit-strokes.ts
 * and letterforms those templates lack, sized, slanted and jittered (jitter-strokes.ts). Server
 * tests draw them to compare rasterizers; training's model card measures the model on them.
 */
import type { Stroke } from '../common/preprocess.js';
import { digitStrokes, placePaths } from './digit-strokes.js';
import { jitterStrokes } from './jitter-strokes.js';
import { uniform, type Rng } from './uniform.js';
import { arc, chain, line, type UnitPath } from './unit-path.js';

/** A randomly varied stroke drawing of `digit`, as if drawn on a canvas. */
export function canvasDigitStrokes(digit: number, rng: Rng): Stroke[] {
  const size = uniform(rng, 60, 240);
  const slant = uniform(rng, -0.2, 0.45);
  const strokes = digitStrokes(digit, { x: 0, y: 0, size, slant }).map((s) => s.map((p) => [p[0], p[1]]));
  return jitterStrokes(strokes, size, rng);
}

/**
 * Letterforms the fixture's templates do not have, common in handwriting: 1 with a base, bare-stick
 * 1, crossed 7, open-top 4, flat-topped 3, 5 in one stroke, 8 as two stacked loops, 9 with a
 * curled tail, 2 with a loop, open or slashed 0, 6 with a straight stem. Unit box (0..1),
 * strokes as paths.
 */
export interface Letterform {
  name: string;
  paths: UnitPath[];
}

export const ALT_DIGITS: Record<number, Letterform[]> = {
  0: [
    { name: '0 open at the top', paths: [arc(0.5, 0.5, 0.3, 0.48, -Math.PI * 0.6, Math.PI * 1.3)] },
    { name: '0 slashed', paths: [arc(0.5, 0.5, 0.3, 0.48, -Math.PI * 0.6, Math.PI * 1.45), line(0.75, 0.1, 0.25, 0.9)] },
  ],
  1: [
    { name: '1 with flag and base', paths: [chain(line(0.3, 0.2, 0.55, 0), line(0.55, 0, 0.55, 1)), line(0.3, 1, 0.8, 1)] },
    { name: '1 bare stick', paths: [line(0.5, 0, 0.47, 1)] },
  ],
  2: [{ name: '2 looped', paths: [chain(arc(0.5, 0.28, 0.35, 0.26, Math.PI * 1.1, Math.PI * 2.3), line(0.72, 0.5, 0.42, 0.7), arc(0.38, 0.84, 0.25, 0.15, -Math.PI * 0.6, Math.PI * 1.45), line(0.3, 0.99, 0.95, 0.97))] }],
  3: [{ name: '3 flat-topped', paths: [chain(line(0.1, 0, 0.85, 0), line(0.85, 0, 0.4, 0.4), arc(0.45, 0.7, 0.38, 0.3, -Math.PI / 2, Math.PI * 0.85))] }],
  4: [
    { name: '4 open-top', paths: [chain(line(0.15, 0, 0.1, 0.6), line(0.1, 0.6, 0.95, 0.6)), line(0.72, 0, 0.72, 1)] },
    { name: '4 in one stroke', paths: [chain(line(0.7, 1, 0.7, 0), line(0.7, 0, 0.05, 0.65), line(0.05, 0.65, 0.95, 0.65))] },
  ],
  5: [{ name: '5 in one stroke', paths: [chain(line(0.85, 0, 0.25, 0), line(0.25, 0, 0.2, 0.42), arc(0.5, 0.68, 0.35, 0.3, -Math.PI * 0.75, Math.PI * 0.8))] }],
  6: [{ name: '6 straight stem', paths: [chain(line(0.7, 0, 0.2, 0.65), arc(0.5, 0.72, 0.32, 0.27, Math.PI, Math.PI * 3.05))] }],
  7: [
    { name: '7 crossed', paths: [chain(line(0.05, 0.02, 0.95, 0.02), line(0.95, 0.02, 0.35, 1)), line(0.4, 0.5, 0.9, 0.5)] },
    { name: '7 with a serif', paths: [chain(line(0.05, 0.15, 0.05, 0.02), line(0.05, 0.02, 0.95, 0.02), line(0.95, 0.02, 0.5, 1))] },
  ],
  8: [{ name: '8 as two loops', paths: [arc(0.5, 0.25, 0.27, 0.24, 0, Math.PI * 2.05), arc(0.5, 0.74, 0.33, 0.26, 0, Math.PI * 2.05)] }],
  9: [
    { name: '9 curled tail', paths: [chain(arc(0.5, 0.28, 0.33, 0.27, 0, Math.PI * 2.05), line(0.83, 0.3, 0.75, 0.85), arc(0.5, 0.85, 0.25, 0.15, 0, Math.PI * 0.9))] },
    { name: '9 straight stem', paths: [chain(arc(0.5, 0.28, 0.33, 0.27, 0, Math.PI * 2.05), line(0.83, 0.3, 0.83, 1))] },
  ],
};

/** One alternative letterform of `digit`, sampled, slanted, sized and jittered like canvasDigitStrokes. */
export function altDigitStrokes(digit: number, rng: Rng): { strokes: Stroke[]; form: string } {
  const forms = ALT_DIGITS[digit];
  const form = forms[Math.floor(rng() * forms.length)];
  const size = uniform(rng, 60, 240);
  const slant = uniform(rng, -0.2, 0.45);
  const strokes = placePaths(form.paths, { x: 0, y: 0, size, slant });
  return { strokes: jitterStrokes(strokes, size, rng), form: form.name };
}
