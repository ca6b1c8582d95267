/**
 * Arithmetic read from ink with the committed model (issue 20): operators found by their shape
 * among digits read by the model, and the value of what ends in "=".
 */
import { describe, expect, it } from 'vitest';
import { boardReader } from '../fixtures/board-reader.js';
import { expressionStrokes } from '../../../test-support/expression-strokes.js';
import { letter, multiStroke, spacedNumber } from '../fixtures/handwriting.js';

const read = boardReader();

type Points = [number, number, number][];
/** Left edge of the space at character `k` of an expression written by expressionStrokes (150 tall from y = 200, 0.95 x 150 apart from x = 100). */
const spaceAt = (k: number) => 100 + k * 0.95 * 150;
/** A straight stroke rising from (x, bottom) to `top` at `degrees` from the flat, in 12 points. */
const risingLine = (x: number, top: number, bottom: number, degrees: number): Points =>
  Array.from({ length: 12 }, (_, i): [number, number, number] => [x + (i * (bottom - top)) / 11 / Math.tan((degrees * Math.PI) / 180), bottom - (i * (bottom - top)) / 11, i * 8]);
/** A bow in the space at character `k`, as tall as the digits, bulging `share` of its height left ("(") or right, in `points` points. */
const bowAt = (k: number, side: '(' | ')', share: number, points: number): Points => {
  const x = spaceAt(k) + 50, bulge = (side === '(' ? -1 : 1) * share * 150;
  return Array.from({ length: points }, (_, i): [number, number, number] => [x + bulge * Math.sin((Math.PI * i) / (points - 1)), 200 + (150 * i) / (points - 1), i * 8]);
};

describe('expressions', () => {
  for (const [written, value] of [
    ['12+30=', 42],
    ['7×6=', 42],
    ['100-58=', 42],
    ['84÷2=', 42],
    ['84/2=', 42],
    ['84:2=', 42],
    ['(2+3)×4=', 20],
    ['1.5+2.25=', 3.75],
  ] as const) {
    it(`"${written}" reads as written and is worth ${value}`, async () => {
      const r = await read(expressionStrokes(written));
      expect(r.text).toBe(written);
      expect(r.math).toHaveLength(1);
      expect(r.math![0]).toMatchObject({ expression: written.slice(0, -1), value, kind: 'expression' });
      expect(r.alternatives![0].text).toBe(written);
    });
  }

  it('the value goes right of the "="', async () => {
    const r = await read(expressionStrokes('7×6='));
    const [item] = r.math!;
    const inkRight = Math.max(...expressionStrokes('7×6=').flat().map((p) => p[0]));
    expect(item.answer.x).toBeGreaterThan(inkRight);
    expect(item.box.x + item.box.width).toBeLessThanOrEqual(inkRight + 1);
  });

  it('a division by zero is an answer of its own', async () => {
    const r = await read(expressionStrokes('5÷0='));
    expect(r.math).toEqual([expect.objectContaining({ expression: '5÷0', value: null, display: '', error: 'division_by_zero' })]);
  });

  it('without "=", an expression is read but not evaluated', async () => {
    const r = await read(expressionStrokes('12-3'));
    expect(r.text).toBe('12-3');
    expect(r.math).toEqual([]);
  });

  it('a point between digits is a decimal point; written wide, its number stays one', async () => {
    expect((await read(expressionStrokes('3.14'))).text).toBe('3.14');
    expect((await read(expressionStrokes('0.5×4=', undefined, 0.6))).math?.[0]?.value).toBe(2);
  });
});

describe('written tight', () => {
  it('an operator whose tips touch the digits beside it is still an operator', async () => {
    const r = await read(expressionStrokes('9-3=', undefined, -0.12));
    expect(r.text).toBe('9-3=');
    expect(r.math?.[0]?.value).toBe(6);
  });

  it('an "=" whose two bars both touch the digit before it is still "="', async () => {
    for (const [written, value] of [['12+3=', 15], ['18:3=', 6], ['9-3=', 6]] as const) {
      const r = await read(expressionStrokes(written, undefined, -0.2));
      expect(r.text, written).toBe(written);
      expect(r.math?.[0]?.value, written).toBe(value);
    }
  });

  it('an operator whose tip meets the end of a digit\'s stroke low on the line is still an operator', async () => {
    // An open 4 whose first stroke ends at the right of its bar, and a minus starting just there.
    const minus: [number, number, number][] = Array.from({ length: 8 }, (_, i) => [192 + i * 10, 283, i * 8]);
    const r = await read([...multiStroke('four-open', 100, 200, 150), minus, ...expressionStrokes('3=', { x: 290, y: 200, size: 150, slant: 0.05 })]);
    expect(r.text).toBe('4-3=');
    expect(r.math?.[0]?.value).toBe(1);
  });

  it('a parenthesis whose back touches the operator before it is still a parenthesis', async () => {
    // The bar of the "+" ends at x = 334, 4 units short of the "("'s back.
    const paren = Array.from({ length: 15 }, (_, i): [number, number, number] => {
      const a = Math.PI * (0.5 + i / 14);
      return [378 + 40 * Math.cos(a), 275 - 70 * Math.sin(a), i * 8];
    });
    const r = await read([...expressionStrokes('2+'), paren, ...expressionStrokes('3+4)=', { x: 398, y: 200, size: 150, slant: 0.05 })]);
    expect(r.text).toBe('2+(3+4)=');
    expect(r.math?.[0]?.value).toBe(9);
  });

  it('a "×" written tight, touching the digits on both sides, is still a "×"', async () => {
    const r = await read(expressionStrokes('7×6=', undefined, -0.2));
    expect(r.text).toBe('7×6=');
    expect(r.math?.[0]?.value).toBe(42);
  });

  it('the bars of an F, one at the top of its stem, are no "="', async () => {
    const segment = (x0: number, y0: number, x1: number, y1: number) => Array.from({ length: 9 }, (_, i): [number, number, number] => [x0 + ((x1 - x0) * i) / 8, y0 + ((y1 - y0) * i) / 8, i * 8]);
    const f = [segment(300, 200, 300, 350), segment(300, 200, 380, 200), segment(300, 275, 365, 275)];
    const r = await read([...expressionStrokes('4'), ...f]);
    expect(r.text).not.toContain('=');
  });

  it('a decimal point written close to its digits is a point', async () => {
    expect((await read(expressionStrokes('4.2', undefined, -0.08))).text).toBe('4.2');
  });

  it('the bar of an H, touching both stems, is no minus', async () => {
    const r = await read(letter('H'));
    expect(r.text).not.toContain('-');
  });

  it('a "/" longer than the digits and as steep as slanted writing divides', async () => {
    // Between the 4 and the 2: from below the digits' baseline to above their tops, 78 degrees.
    const r = await read([...expressionStrokes('84 2='), risingLine(spaceAt(2) + 40, 200 - 25, 200 + 150 + 25, 78)]);
    expect(r.text).toBe('84/2=');
    expect(r.math?.[0]?.value).toBe(42);
  });
});

describe('a "/" no longer than the digits', () => {
  // Between the 4 and the 2, within the digits' height (0.9 of it), 75 degrees: a 1 of this
  // writing would lean 3 degrees, not 15.
  const slash = () => risingLine(spaceAt(2) + 40, 200 + 15, 200 + 150, 75);

  it('leaves the value in doubt rather than reading it as a 1 in a value', async () => {
    const r = await read([...expressionStrokes('84 2+1='), slash()]);
    expect(r.text).toMatch(/=$/);
    expect(r.math).toEqual([]);
  });

  it('does not withhold the value of a line whose 1s lean as the writing does', async () => {
    const r = await read(expressionStrokes('81+1='));
    expect(r.math?.[0]?.value).toBe(82);
  });
});

describe('a "/" that reaches past the digits at one end only', () => {
  // Between the 4 and the 2: from the digits' baseline to a tenth of their height above their tops, 75 degrees.
  const slash = () => risingLine(spaceAt(2) + 40, 200 - 15, 200 + 150, 75);

  it('divides in a line with a sure operator (an "=")', async () => {
    const r = await read([...expressionStrokes('84 2='), slash()]);
    expect(r.text).toBe('84/2=');
    expect(r.math?.[0]?.value).toBe(42);
  });

  it('stays a digit in a line of digits alone', async () => {
    const r = await read([...expressionStrokes('84 2'), slash()]);
    expect(r.text).not.toContain('/');
    expect(r.math).toEqual([]);
  });
});

describe('parentheses bowed less than a tenth of their height', () => {
  // Bulging 7% of their height, in 16 points.
  const paren = (k: number, side: '(' | ')') => bowAt(k, side, 0.07, 16);

  it('are parentheses in a line with a sure operator', async () => {
    const r = await read([...expressionStrokes('2× 3+4 ='), paren(2, '('), paren(6, ')')]);
    expect(r.text).toBe('2×(3+4)=');
    expect(r.math?.[0]?.value).toBe(14);
  });

  it('stay digits in a line of digits alone', async () => {
    const r = await read([...expressionStrokes('2 34'), paren(1, ')')]);
    expect(r.text).not.toMatch(/[()]/);
  });
});

describe('a "×" written as a slanted letter x', () => {
  it('is a "×" with one diagonal as steep as 67 degrees', async () => {
    // In the space at character 1 (as above), in the lower two thirds of the line: one diagonal at
    // 45 degrees, one at 67 (a hand's slant makes one steeper).
    const x = spaceAt(1) + 30, mid = 300, half = 40;
    const gentle: [number, number, number][] = [[x, mid + half, 0], [x + 2 * half, mid - half, 80]];
    const steep: [number, number, number][] = [[x + half - 17, mid - half, 300], [x + half + 17, mid + half, 380]];
    const r = await read([...expressionStrokes('7 6='), gentle, steep]);
    expect(r.text).toBe('7×6=');
    expect(r.math?.[0]?.value).toBe(42);
  });
});

describe('a parenthesis drawn with few points (a fast pen, a font outline)', () => {
  // Four points on a bow bulging 15% of its height.
  const sparse = (k: number, side: '(' | ')') => bowAt(k, side, 0.15, 4);

  it('is a parenthesis, however its points fall along it', async () => {
    const r = await read([...expressionStrokes(' 2+3 ×4='), sparse(0, '('), sparse(4, ')')]);
    expect(r.text).toBe('(2+3)×4=');
    expect(r.math?.[0]?.value).toBe(20);
  });
});

describe('digits alone read as before', () => {
  it('numbers are not expressions', async () => {
    for (const gap of [0, 0.3, 0.8]) {
      const r = await read(spacedNumber('2026', gap));
      expect(r.text).toBe('2026');
      expect(r.math).toEqual([]);
    }
  });

  it('the crossbar of a 7 and the flag and base of a 1 are parts of their digits, not operators', async () => {
    const strokes = [...multiStroke('one-flag', 200, 200, 200), ...multiStroke('seven-crossbar', 400, 200, 200)];
    expect((await read(strokes)).text).toBe('17');
    for (const form of ['one-flag-base', 'seven-crossbar', 'four-open', 'five-two-strokes'] as const) {
      const r = await read(multiStroke(form));
      expect(r.text, form).toMatch(/^\d$/);
    }
  });

  it('a lone dash, cross or "=" has no digits to be an operator of, and reads as nothing', async () => {
    for (const op of ['-', '+', '=', '×']) {
      const r = await read(expressionStrokes(op));
      expect(r.text, op).toBe('');
      expect(r.math).toEqual([]);
    }
  });
});
