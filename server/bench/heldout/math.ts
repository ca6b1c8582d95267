/**
 * Arithmetic as people write it (issue 20): expressions of 2-4 terms ending in "=", with every
 * operator (+ - × ÷ / :), parentheses and decimal points, at tight, normal and wide gaps; and
 * columns of 2-6 numbers written one under another by one to three writers, a rule under them.
 * Digits are Hershey glyphs (as in the number sets), operators Hershey glyphs or synthesized
 * strokes (operators.ts); each item knows its exact value (expected-value.ts) and how it is drawn
 * as an image.
 */
import seedrandom, { type PRNG } from 'seedrandom';
import type { MathItem } from '../../../common/recognition.js';
import { DIGIT_STYLES, digitTemplate, handFor, writerHabits } from './ink-digits.js';
import { gapFor, SPACINGS, type Spacing } from './ink-numbers.js';
import { inkBox, normal, pick, randomHand, shift, uniform, write, type Hand, type Ink } from './ink.js';
import { BOARD } from './item.js';
import type { Picture } from './ink-png.js';
import { expectedSum, expectedValue, sameValue, type Expected } from './expected-value.js';
import { OPERATORS, randomOperatorHabits, writeRule, writeSymbol, type MathSymbol, type Operator, type OperatorHabits } from './operators.js';
import type { HersheyStyle } from './hershey.js';

export interface ArithmeticItem {
  id: string;
  kind: 'expression' | 'sum';
  strokes: Ink;
  /** Who writes each stroke on a board: a writer's index, one WebSocket client each. */
  writers: number[];
  /** What is written: "12+(3.5×4)=", or a column's numbers top to bottom joined by "+". */
  written: string;
  expect: Expected;
  /** How the ink is drawn when uploaded as an image. */
  picture: Picture;
  /** How the item was made (operators, spacing, writers), for reading failures. */
  note: string;
  spacing: Spacing;
}

export interface ArithmeticSet {
  name: string;
  kind: 'math';
  items: ArithmeticItem[];
  target: number;
}

/** One person at the board: a hand, a digit style with its multi-stroke habits, a way with operators. */
export interface Writer {
  hand: Hand;
  style: HersheyStyle;
  habits: Map<number, string | undefined>;
  operators: OperatorHabits;
}

export function randomWriter(rand: PRNG): Writer {
  return { hand: randomHand(rand), style: pick(rand, DIGIT_STYLES), habits: writerHabits(rand), operators: randomOperatorHabits(rand) };
}

/** The gap between a symbol and its neighbours, in digit heights (digits within a number keep gapFor's). */
function symbolGap(spacing: Spacing, rand: PRNG): number {
  if (spacing === 'tight') return uniform(rand, 0, 0.12);
  if (spacing === 'normal') return uniform(rand, 0.2, 0.45);
  return uniform(rand, 0.6, 1.0);
}

const isNumber = (t: string) => /^\d/.test(t);

/**
 * Writes tokens (numbers and symbols) left to right from x = 0, digits of height h with their top
 * near y = 0, the line drifting a little off level. Returns the ink and, for a lone number, where
 * its integer part ends (columns align on it).
 */
export function writeTokens(tokens: readonly string[], writer: Writer, spacing: Spacing, h: number, rand: PRNG): { ink: Ink; unitsRight: number } {
  const ink: Ink = [];
  const slope = normal(rand) * 0.02;
  let x = 0, unitsRight = 0, prev = '';
  for (const token of tokens) {
    const chars = isNumber(token) ? [...token] : [token];
    for (const [k, ch] of chars.entries()) {
      // Parentheses hug what they enclose; a decimal point sits close to its digits.
      const inNumber = k > 0;
      if (prev) {
        const gap =
          ch === '.' || prev === '.' ? uniform(rand, 0.04, spacing === 'wide' ? 0.35 : 0.2)
          : inNumber ? gapFor(spacing, rand)
          : prev === '(' || ch === ')' ? symbolGap(spacing, rand) * 0.5
          : symbolGap(spacing, rand);
        x += gap * h;
      }
      const top = x * slope + normal(rand) * 0.04 * h;
      let glyph: Ink;
      if (/\d/.test(ch)) {
        const d = Number(ch);
        const height = h * uniform(rand, 0.88, 1.12);
        const multi = writer.habits.get(d);
        glyph = write(digitTemplate(d, writer.style, multi), { x, y: top + h - height, height }, multi ? writer.hand : handFor(writer.style, writer.hand), rand);
      } else glyph = writeSymbol(ch as MathSymbol, x, top, h, writer.operators, writer.hand, rand);
      const b = inkBox(glyph);
      const placed = shift(glyph, x - b.minX, 0);
      ink.push(...placed);
      // A decimal point is narrow: the next digit may come over its dot's few units, not past them.
      x += Math.max(b.maxX - b.minX, ch === '.' ? 0.05 * h : 0);
      if (/\d/.test(ch) && !token.slice(k + 1).match(/^\d/)) unitsRight = unitsRight || x;
      prev = ch;
    }
  }
  return { ink, unitsRight };
}

/** Moves ink so its box's top-left is at (x, y), scaling it down about that corner if it is wider than maxWidth. */
function place(ink: Ink, x: number, y: number, maxWidth = Infinity): Ink {
  const b = inkBox(ink);
  const k = Math.min(1, maxWidth / Math.max(b.maxX - b.minX, 1));
  const r = (v: number) => Math.round(v * 10) / 10;
  return ink.map((s) => s.map(([px, py, t]) => [r(x + (px - b.minX) * k), r(y + (py - b.minY) * k), t]));
}

/** A term of 1-3 digits (no leading zero), one in eight a decimal of 1-2 places. */
function term(rand: PRNG): string {
  if (rand() < 0.125) {
    const whole = rand() < 0.3 ? '0' : String(1 + Math.floor(rand() * 99));
    const places = rand() < 0.6 ? 1 : 2;
    // The last decimal is not 0: people do not write 2.50 for 2.5.
    const frac = Array.from({ length: places }, (_, k) => String(k === places - 1 ? 1 + Math.floor(rand() * 9) : Math.floor(rand() * 10))).join('');
    return `${whole}.${frac}`;
  }
  const digits = 1 + Math.floor(rand() * 3);
  return String(digits === 1 ? Math.floor(rand() * 10) : 10 ** (digits - 1) + Math.floor(rand() * 9 * 10 ** (digits - 1)));
}

const divides = (op: string) => op === '÷' || op === '/' || op === ':';

/** A fresh, deterministic picture for an item: zoom, pen width, ink colour, margin. */
export function randomPicture(rand: PRNG, h: number): Picture {
  return { scale: uniform(rand, 0.45, 1), penWidth: h * uniform(rand, 0.06, 0.12), margin: h * uniform(rand, 0.2, 0.6), color: pick(rand, ['#111', '#1a1a1a', '#1b2f8a', '#333']) };
}

/**
 * Expressions cycling through the spacings, 2-4 terms and, as the first operator, each of
 * + - × ÷ / : (the others drawn at random); parentheses around two neighbouring terms in about a
 * third of those of 3 or 4 terms. Divisions mostly come out even, as people write them; one item
 * in thirty divides by zero on purpose, and must show that it does.
 */
export function expressions(count: number, seed = 'x-math-expressions'): ArithmeticItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const spacing = SPACINGS[i % 3];
    const n = 2 + (Math.floor(i / 3) % 3);
    const byZero = i % 30 === 29;
    const first: Operator = byZero ? (['÷', '/', ':'] as const)[Math.floor(i / 30) % 3] : OPERATORS[Math.floor(i / 9) % OPERATORS.length];
    const terms = Array.from({ length: n }, () => term(rand));
    // Two divisions in a row (9:8/437) are rare in what people write: the next operator is then + - or ×.
    const ops: Operator[] = [first];
    while (ops.length < n - 1) ops.push(pick(rand, divides(ops[ops.length - 1]) ? (['+', '-', '×'] as const) : OPERATORS));
    for (const [k, op] of ops.entries()) {
      if (!divides(op)) continue;
      if (byZero && k === 0) terms[1] = '0';
      else if (rand() < 0.7 && !terms[k].includes('.') && (k === 0 || !divides(ops[k - 1]))) {
        // An even division: a small divisor, the dividend a multiple of it.
        const d = 2 + Math.floor(rand() * 11);
        terms[k + 1] = String(d);
        terms[k] = String(d * (1 + Math.floor(rand() * (k === 0 ? 40 : 12))));
      } else if (terms[k + 1] === '0') terms[k + 1] = String(1 + Math.floor(rand() * 9));
    }
    // Parentheses around terms [p, p + 1], never the whole expression.
    const paren = n >= 3 && rand() < 0.35 ? Math.floor(rand() * (n - 1)) : -1;
    const tokens: string[] = [];
    terms.forEach((t, k) => {
      if (k > 0) tokens.push(ops[k - 1]);
      if (k === paren) tokens.push('(');
      tokens.push(t);
      if (k === paren + 1 && paren >= 0) tokens.push(')');
    });
    const expect = expectedValue(tokens);
    const writer = randomWriter(rand);
    const symbols = tokens.join('').length + 1;
    const perSymbol = 0.7 + (spacing === 'tight' ? 0.05 : spacing === 'normal' ? 0.32 : 0.8);
    const h = Math.max(50, Math.min(uniform(rand, 60, 140), (BOARD.width - 120) / (symbols * perSymbol)));
    const { ink } = writeTokens([...tokens, '='], writer, spacing, h, rand);
    const b = inkBox(ink);
    const width = Math.min(b.maxX - b.minX, BOARD.width - 80);
    const height = ((b.maxY - b.minY) * width) / Math.max(b.maxX - b.minX, 1);
    const strokes = place(ink, uniform(rand, 40, BOARD.width - 40 - width), uniform(rand, 40, BOARD.height - 40 - height), BOARD.width - 80);
    const written = `${tokens.join('')}=`;
    const how = [spacing, `${n} terms`, `ops ${[...new Set(ops)].join(' ')}`, paren >= 0 ? 'parentheses' : '', terms.some((t) => t.includes('.')) ? 'decimal point' : '', `operators ${writer.operators.font ?? 'synthesized'}`, ops.includes('×') ? `× as ${writer.operators.times}` : '', writer.style];
    return {
      id: `expr-${i}`,
      kind: 'expression' as const,
      strokes,
      writers: strokes.map(() => 0),
      written,
      expect,
      picture: randomPicture(rand, h),
      note: how.filter(Boolean).join(', '),
      spacing,
    };
  });
}

const ROW_GAPS: Record<Spacing, [number, number]> = { tight: [0.1, 0.25], normal: [0.3, 0.5], wide: [0.6, 0.9] };

/**
 * Columns of 2-6 numbers of 1-4 digits, one in three with a decimal number among them, aligned on
 * their units (a decimal's fraction sticks out to the right, as people write it), rows close
 * together, normal or far apart (the "spacing"), and a rule under the last. Written by one, two or
 * three writers taking rows in turn, either one after the other or two at once (their strokes
 * interleaved), the rule drawn by one of them.
 */
export function columnSums(count: number, seed = 'x-math-sums'): ArithmeticItem[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, (_, i) => {
    // Every count of rows with every number of writers in each run of 15; the spacing turns with each run.
    const rows = 2 + (i % 5);
    const writerCount = 1 + (Math.floor(i / 5) % 3);
    const spacing = SPACINGS[(i + Math.floor(i / 15)) % 3];
    const together = writerCount > 1 && rand() < 0.5;
    const decimalRow = rand() < 0.33 ? Math.floor(rand() * rows) : -1;
    const numbers = Array.from({ length: rows }, (_, k) => {
      const digits = 1 + Math.floor(rand() * 4);
      const whole = String(digits === 1 ? Math.floor(rand() * 10) : 10 ** (digits - 1) + Math.floor(rand() * 9 * 10 ** (digits - 1)));
      return k === decimalRow ? `${whole.slice(0, 2)}.${1 + Math.floor(rand() * 9)}${rand() < 0.4 ? 1 + Math.floor(rand() * 9) : ''}` : whole;
    });
    const writers = Array.from({ length: writerCount }, () => randomWriter(rand));
    const size = writers.map(() => uniform(rand, 0.9, 1.1));
    const [gapLo, gapHi] = ROW_GAPS[spacing];
    const h = Math.min(uniform(rand, 50, 110), (BOARD.height - 100) / (rows * (1.15 + gapHi) + 0.6));
    const rightX = uniform(rand, 300, BOARD.width - 300);
    const y0 = uniform(rand, 30, Math.max(31, BOARD.height - 60 - rows * (1.15 + gapHi) * h - 0.6 * h));
    let y = y0;
    const rowInk = numbers.map((text, k) => {
      const w = k % writerCount;
      const hw = h * size[w];
      const { ink, unitsRight } = writeTokens([text], writers[w], pick(rand, ['tight', 'normal', 'normal'] as const), hw, rand);
      const b = inkBox(ink);
      const placed = shift(ink, rightX - unitsRight + normal(rand) * 0.12 * h, y - b.minY + normal(rand) * 0.05 * h);
      y += b.maxY - b.minY + uniform(rand, gapLo, gapHi) * h;
      return { ink: placed, writer: w };
    });
    const all = inkBox(rowInk.flatMap((r) => r.ink));
    const ruleWriter = Math.floor(rand() * writerCount);
    const rule = writeRule(all.minX - uniform(rand, 0.05, 0.4) * h, all.maxX + uniform(rand, 0.05, 0.4) * h, all.maxY + uniform(rand, 0.15, 0.4) * h, h, writers[ruleWriter].hand, rand);
    // Stroke order: rows in turn, or pairs of rows by two writers written at once.
    const strokes: Ink = [];
    const who: number[] = [];
    for (let k = 0; k < rows; k++) {
      const a = rowInk[k], b = together && k + 1 < rows && rowInk[k + 1].writer !== a.writer ? rowInk[++k] : undefined;
      for (let s = 0; s < Math.max(a.ink.length, b?.ink.length ?? 0); s++) {
        for (const row of [a, b]) {
          if (!row || s >= row.ink.length) continue;
          strokes.push(row.ink[s]);
          who.push(row.writer);
        }
      }
    }
    strokes.push(...rule);
    who.push(ruleWriter);
    // A wide column written near an edge moves in, as a writer would start further in.
    const box = inkBox(strokes);
    const dx = Math.max(0, 30 - box.minX) - Math.max(0, box.maxX - (BOARD.width - 30));
    const dy = Math.max(0, 20 - box.minY) - Math.max(0, box.maxY - (BOARD.height - 20));
    return {
      id: `sum-${i}`,
      kind: 'sum' as const,
      strokes: shift(strokes, dx, dy),
      writers: who,
      written: numbers.join('+'),
      expect: expectedSum(numbers),
      picture: randomPicture(rand, h),
      note: `${rows} numbers, ${spacing} rows, ${writerCount} writer${writerCount > 1 ? `s ${together ? 'at once' : 'in turn'}` : ''}${decimalRow >= 0 ? ', a decimal' : ''}`,
      spacing,
    };
  });
}

export type MathReading = 'right' | 'wrong' | 'none';

/**
 * Scores what a path showed for an item: right (the expected value, or the division by zero shown
 * as such, and nothing else with a value), wrong (a value or an error that is not the expected one:
 * a wrong answer shown as certain), or none (nothing evaluated, or only values withheld).
 */
export function scoreMath(expect: Expected, math: readonly MathItem[] | undefined): { reading: MathReading; shown: string } {
  const shownItems = (math ?? []).filter((m) => m.value !== null || m.error !== undefined);
  const right = (m: MathItem) => ('error' in expect ? m.error === expect.error : m.value !== null && sameValue(expect.value, m.value));
  const shown = shownItems.map((m) => `${m.kind} ${m.expression} = ${m.error ?? m.display}`).join('; ');
  if (shownItems.some((m) => !right(m))) return { reading: 'wrong', shown };
  return { reading: shownItems.length ? 'right' : 'none', shown };
}

/** What the pen-up -> result row writes: the issue's expression, and the plain number of its digits. */
export const LATENCY_TEXTS = { expression: ['12', '+', '30', '='], plain: ['1230'] } as const;

/**
 * Pairs for the pen-up -> result row: "12+30=" and "1230", written by the same writer at the same
 * place and size (normal gaps), each pair by another writer.
 */
export function latencyPairs(count: number, seed = 'x-math-latency'): { expression: Ink; plain: Ink; note: string }[] {
  const rand = seedrandom(seed);
  return Array.from({ length: count }, () => {
    const writer = randomWriter(rand);
    const h = uniform(rand, 80, 130);
    const x = uniform(rand, 60, 600), y = uniform(rand, 60, BOARD.height - 60 - 1.5 * h);
    const inkOf = (tokens: readonly string[]) => place(writeTokens(tokens, writer, 'normal', h, rand).ink, x, y);
    return { expression: inkOf(LATENCY_TEXTS.expression), plain: inkOf(LATENCY_TEXTS.plain), note: `${writer.style}, operators ${writer.operators.font ?? 'synthesized'}` };
  });
}
