/**
 * Stroke fixtures of arithmetic as a person writes it: digits from digit-strokes.ts and the
 * operators drawn with the strokes people use (a cross of two diagonals for ×, two dashes for =,
 * a dash between two dots for ÷, a bow for each parenthesis, a dot low on the line for a point).
 */
import { digitStrokes, placePaths, type Pt, type Strokes, type Variant } from './digit-strokes.js';
import { arc, line, type UnitPath } from './unit-path.js';

/** A dot: a stroke that does not move. */
const dot = (x: number, y: number): UnitPath => () => [x, y];

/** Each operator's strokes in the unit box a digit is drawn in (0..1, y down). */
export const OPERATOR_PATHS: Record<string, UnitPath[]> = {
  '+': [line(0.1, 0.5, 0.9, 0.5), line(0.5, 0.2, 0.5, 0.8)],
  '-': [line(0.1, 0.5, 0.9, 0.5)],
  '×': [line(0.15, 0.3, 0.85, 0.75), line(0.85, 0.3, 0.15, 0.75)],
  '=': [line(0.1, 0.38, 0.9, 0.38), line(0.1, 0.64, 0.9, 0.64)],
  '÷': [dot(0.5, 0.25), line(0.1, 0.5, 0.9, 0.5), dot(0.5, 0.75)],
  ':': [dot(0.5, 0.3), dot(0.5, 0.72)],
  '/': [line(0.2, 0.95, 0.95, 0.05)],
  '(': [arc(1.0, 0.5, 0.6, 0.6, Math.PI * 0.72, Math.PI * 1.28)],
  ')': [arc(0.0, 0.5, 0.6, 0.6, Math.PI * 0.28, -Math.PI * 0.28)],
  '.': [dot(0.3, 0.97)],
};

/**
 * An expression written left to right, one character after another: each digit or operator
 * `v.size` tall and about 0.65 x size wide, `gap` x size apart (a point takes less room, a space
 * as much as a character).
 */
export function expressionStrokes(text: string, v: Variant = { x: 100, y: 200, size: 150, slant: 0.05 }, gap = 0.3): Strokes {
  let x = v.x, t0 = 0;
  const out: Strokes = [];
  for (const ch of text) {
    // A space leaves room for a stroke the test draws itself.
    if (ch === ' ') {
      x += (0.65 + gap) * v.size;
      continue;
    }
    const place = { ...v, x };
    const strokes: Strokes = /\d/.test(ch)
      ? digitStrokes(Number(ch), place)
      : placePaths(OPERATOR_PATHS[ch], place).map((points) => points.map(([px, py], i): Pt => [Math.round(px * 10) / 10, Math.round(py * 10) / 10, i * 8]));
    for (const s of strokes) {
      out.push(s.map(([px, py, t]): Pt => [px, py, t0 + t]));
      t0 += s.length * 8 + 150;
    }
    x += (ch === '.' ? 0.3 : 0.65 + gap) * v.size;
  }
  return out;
}
