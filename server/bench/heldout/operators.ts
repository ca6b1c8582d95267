/**
 * Operator ink for the arithmetic sets: + - × ÷ / : = ( ), the decimal point and a column's rule,
 * sized and placed against the digit height as people write them (a plus about half a digit tall
 * at mid-height, parentheses a little taller than the digits, a point on the baseline). Each is a
 * Hershey glyph of a single-line style where the fonts have one (+ = ( ) / : and the letter x) or
 * synthesized from straight lines, arcs and dots, traced as a pointer samples a pen.
 */
import type { PRNG } from 'seedrandom';
import { hersheyTemplate } from './ink-digits.js';
import { hersheyGlyph } from './hershey.js';
import { arc, inkBox, normal, pick, shift, templateBox, trace, uniform, write, type Hand, type Ink, type InkPoint } from './ink.js';

/** The binary operators of the sets, as the reader writes them in `text`. */
export const OPERATORS = ['+', '-', '×', '÷', '/', ':'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Every non-digit a line of arithmetic holds. */
export type MathSymbol = Operator | '=' | '(' | ')' | '.';

type Pt = [number, number];

/** Single-line Hershey styles whose operators read as handwriting (the others draw lines twice). */
const OPERATOR_FONTS = ['futural', 'rowmans'] as const;

/** One writer's way with operators; sizes and places in digit heights (0 = the digits' top, 1 = their baseline). */
export interface OperatorHabits {
  /** Hershey glyphs for + = ( ) / : when set; synthesized strokes when not. */
  font?: (typeof OPERATOR_FONTS)[number];
  /** Where + - × ÷ = are centred. */
  mid: number;
  plus: number;
  /** Whether the plus's vertical stroke comes first. */
  stemFirst: boolean;
  minus: number;
  /** × as a centred cross of two strokes, or as the letter x on the baseline. */
  times: 'cross' | 'letter-x';
  cross: number;
  equalsWidth: number;
  equalsGap: number;
  /** ÷: distance of its dots from the dash. */
  divideDots: number;
  slashHeight: number;
  /** How far right the slash's top is, as a fraction of its height. */
  slashLean: number;
  parenHeight: number;
  parenWidth: number;
  colonGap: number;
}

export function randomOperatorHabits(rand: PRNG): OperatorHabits {
  return {
    font: rand() < 0.4 ? pick(rand, OPERATOR_FONTS) : undefined,
    mid: uniform(rand, 0.45, 0.62),
    plus: uniform(rand, 0.4, 0.75),
    stemFirst: rand() < 0.4,
    minus: uniform(rand, 0.35, 0.7),
    times: rand() < 0.75 ? 'cross' : 'letter-x',
    cross: uniform(rand, 0.35, 0.6),
    equalsWidth: uniform(rand, 0.4, 0.75),
    equalsGap: uniform(rand, 0.18, 0.32),
    divideDots: uniform(rand, 0.16, 0.3),
    slashHeight: uniform(rand, 0.9, 1.3),
    slashLean: uniform(rand, 0.25, 0.55),
    parenHeight: uniform(rand, 1.05, 1.35),
    parenWidth: uniform(rand, 0.18, 0.35),
    colonGap: uniform(rand, 0.3, 0.5),
  };
}

/** A hand-drawn straight line: bowed a little, its ends a little off, slanted with the hand. */
export function penLine(a: Pt, b: Pt, hand: Hand, rand: PRNG, h: number): InkPoint[] {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  const off = () => normal(rand) * hand.strokeShift * h;
  const [ax, ay, bx, by] = [a[0] + off(), a[1] + off(), b[0] + off(), b[1] + off()];
  const bow = normal(rand) * (hand.wobble / 2 + 0.005) * len;
  const nx = -(by - ay) / len, ny = (bx - ax) / len;
  const path = Array.from({ length: 9 }, (_, k): Pt => {
    const f = k / 8, s = bow * Math.sin(Math.PI * f);
    return [ax + (bx - ax) * f + nx * s, ay + (by - ay) * f + ny * s];
  });
  return trace(path, hand, rand);
}

/** A dot made with a pen: a tap, or a few points where the pen touched down and moved a little. */
export function penDot(c: Pt, h: number, rand: PRNG): InkPoint[] {
  const r = (v: number) => Math.round(v * 10) / 10;
  const n = 1 + Math.floor(rand() * 6);
  const radius = uniform(rand, 0.5, Math.max(1, 0.03 * h));
  return Array.from({ length: n }, (_, k): InkPoint => (k === 0 ? [r(c[0]), r(c[1]), 0] : [r(c[0] + normal(rand) * radius), r(c[1] + normal(rand) * radius), k * 8]));
}

/** Leans a path about height `cy` as the hand's slant leans its digits. */
const lean = (path: Pt[], cy: number, hand: Hand): Pt[] => path.map(([x, y]) => [x + (cy - y) * hand.slant, y]);

/** A Hershey glyph of the font, scaled by `k` about its centre, in the font's place beside its digits. */
function hersheySymbol(font: (typeof OPERATOR_FONTS)[number], char: string, k: number, x: number, top: number, h: number, hand: Hand, rand: PRNG): Ink {
  const digit = templateBox(hersheyGlyph(font, '0').strokes);
  const glyph = templateBox(hersheyGlyph(font, char).strokes);
  const dh = digit.maxY - digit.minY;
  const centre = ((glyph.minY + glyph.maxY) / 2 - digit.minY) / dh;
  const height = (k * (glyph.maxY - glyph.minY)) / dh;
  return write(hersheyTemplate(font, char), { x, y: top + (centre - height / 2) * h, height: height * h }, hand, rand);
}

/**
 * Writes a symbol with its ink's left edge at x, for digits of height h whose top is at `top`.
 * Each size varies a little around the writer's habit, as no two pluses of one hand are the same.
 */
export function writeSymbol(symbol: MathSymbol, x: number, top: number, h: number, habits: OperatorHabits, hand: Hand, rand: PRNG): Ink {
  const vary = () => uniform(rand, 0.9, 1.1);
  const cy = top + habits.mid * h * uniform(rand, 0.95, 1.05);
  const line = ([a, b]: [Pt, Pt]) => {
    const [p, q] = lean([a, b], cy, hand);
    return penLine(p, q, hand, rand, h);
  };
  let ink: Ink;
  const font = habits.font;
  if (font && (symbol === '+' || symbol === '=')) ink = hersheySymbol(font, symbol, uniform(rand, 0.55, 0.85), x, top, h, hand, rand);
  else if (font && (symbol === '(' || symbol === ')' || symbol === '/')) ink = hersheySymbol(font, symbol, uniform(rand, 0.72, 0.9), x, top, h, hand, rand);
  else if (font && symbol === ':') ink = hersheySymbol(font, symbol, uniform(rand, 0.8, 1.1), x, top, h, hand, rand);
  else if (symbol === '×' && habits.times === 'letter-x') {
    // The letter x of a single-line font, on the baseline at about x-height.
    const letter = write(hersheyTemplate(font ?? 'futural', 'x'), { x, y: 0, height: h * uniform(rand, 0.5, 0.68) }, hand, rand);
    const b = inkBox(letter);
    ink = shift(letter, 0, top + h * uniform(rand, 0.97, 1.03) - b.maxY);
  } else {
    switch (symbol) {
      case '+': {
        const s = habits.plus * h * vary();
        const bar = line([[x, cy], [x + s, cy]]);
        const stem = line([[x + s / 2, cy - s / 2], [x + s / 2, cy + s / 2]]);
        ink = habits.stemFirst ? [stem, bar] : [bar, stem];
        break;
      }
      case '-':
        ink = [line([[x, cy], [x + habits.minus * h * vary(), cy]])];
        break;
      case '×': {
        const s = habits.cross * h * vary();
        ink = [line([[x, cy - s / 2], [x + s, cy + s / 2]]), line([[x + s, cy - s / 2], [x, cy + s / 2]])];
        break;
      }
      case '÷': {
        const w = habits.minus * h * vary(), d = habits.divideDots * h * vary();
        ink = [line([[x, cy], [x + w, cy]]), penDot([x + w / 2 + normal(rand) * 0.04 * h, cy - d], h, rand), penDot([x + w / 2 + normal(rand) * 0.04 * h, cy + d], h, rand)];
        break;
      }
      case '/': {
        const H = habits.slashHeight * h * vary(), c = top + h / 2;
        ink = [penLine([x + habits.slashLean * H, c - H / 2], [x, c + H / 2], hand, rand, h)];
        break;
      }
      case ':': {
        const g = (habits.colonGap * h * vary()) / 2;
        ink = [penDot([x, cy - g], h, rand), penDot([x + normal(rand) * 0.03 * h, cy + g], h, rand)];
        break;
      }
      case '=': {
        const w = habits.equalsWidth * h * vary(), g = (habits.equalsGap * h * vary()) / 2;
        ink = [line([[x, cy - g], [x + w, cy - g]]), line([[x + normal(rand) * 0.04 * h, cy + g], [x + w * vary(), cy + g]])];
        break;
      }
      case '(':
      case ')': {
        // The left or right part of an ellipse whose ends stop short of its top and bottom.
        const H = habits.parenHeight * h * vary(), W = habits.parenWidth * h * vary(), c = top + h / 2;
        const ry = H / 2 / Math.sin((65 * Math.PI) / 180);
        const path = symbol === '(' ? arc(x + W, c, W, ry, 245, 115, 14) : arc(x, c, W, ry, -65, 65, 14);
        ink = [trace(lean(path, c, hand), hand, rand)];
        break;
      }
      case '.':
        ink = [penDot([x, top + h * uniform(rand, 0.93, 1.02)], h, rand)];
        break;
    }
  }
  const b = inkBox(ink);
  return shift(ink, x - b.minX, 0);
}

/** A column's rule: one stroke under it, left to right, a little off level. */
export function writeRule(left: number, right: number, y: number, h: number, hand: Hand, rand: PRNG): Ink {
  const tilt = normal(rand) * 0.015 * (right - left);
  return [penLine([left, y - tilt / 2], [right, y + tilt / 2], hand, rand, h)];
}
