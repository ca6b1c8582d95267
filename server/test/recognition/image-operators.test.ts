/**
 * Arithmetic in images (issue 20): operators found by the shape of their marks (image-operators.ts)
 * on masks drawn here, and expressions read and evaluated through recognizeImage from PNGs of
 * expression ink, with the committed model. Images of digits alone read as before.
 */
import { describe, expect, it } from 'vitest';
import { modelFixture } from '../fixtures/model.js';
import { labelComponents } from '../../src/recognition/components.js';
import { recognizeImage } from '../../src/recognition/image.js';
import { findImageOperators } from '../../src/recognition/image-operators.js';
import { keepMarks } from '../../src/recognition/marks.js';
import { inkPng, type Picture } from '../../bench/heldout/ink-png.js';
import { expressionStrokes } from '../../../test-support/expression-strokes.js';
import { numberStrokes } from '../../../test-support/digit-strokes.js';

/** A binary mask with a round pen of radius 3 px: digits 62 px tall with the pen, their top at y = 39. */
class Sheet {
  readonly w = 900;
  readonly h = 160;
  readonly mask = new Uint8Array(this.w * this.h);
  private dot(x: number, y: number, r = 3) {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r) this.mask[Math.round(y + dy) * this.w + Math.round(x + dx)] = 1;
  }
  line(x0: number, y0: number, x1: number, y1: number): this {
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
    for (let k = 0; k <= n; k++) this.dot(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n);
    return this;
  }
  /** A 0 whose box starts at x. */
  zero(x: number): this {
    for (let k = 0; k < 200; k++) this.dot(x + 18 + 16 * Math.cos((k * Math.PI) / 100), 70 + 28 * Math.sin((k * Math.PI) / 100));
    return this;
  }
  /** A dot of the pen, a little bigger than its stroke. */
  spot(x: number, y: number): this {
    this.dot(x, y, 4);
    return this;
  }
  /** An arc of a parenthesis: `dir` -1 for "(", +1 for ")". */
  /** An arc of a parenthesis, bowing `depth` px over its 80: `dir` -1 for "(", +1 for ")". */
  paren(x: number, dir: -1 | 1, depth = 10): this {
    for (let k = 0; k <= 100; k++) {
      const t = -0.5 + k / 100;
      this.dot(x - dir * depth * (4 * t * t) + (dir > 0 ? depth : 0), 70 + 80 * t);
    }
    return this;
  }
  plus(x: number): this {
    return this.line(x, 70, x + 34, 70).line(x + 17, 53, x + 17, 87);
  }
  equals(x: number): this {
    return this.line(x, 62, x + 34, 62).line(x, 80, x + 34, 80);
  }
  operators() {
    const { labels, components } = labelComponents(this.mask, this.w, this.h);
    const kept = keepMarks(components, this.w, this.h);
    const marks = new Set(kept.marks);
    const found = findImageOperators(kept.marks, components.filter((c) => !marks.has(c)), labels, this.w, 62);
    return { symbols: found.operators.map((o) => o.symbol).join(' '), doubtful: found.doubtful };
  }
}

describe('operators by the shape of their marks', () => {
  it('"+": one mark, a flat and an upright bar crossing near their middles', () => {
    expect(new Sheet().zero(20).plus(80).zero(140).equals(200).operators().symbols).toBe('+ =');
  });

  it('"×": two diagonal bars crossing', () => {
    expect(new Sheet().zero(20).line(80, 55, 110, 85).line(110, 55, 80, 85).zero(140).equals(200).operators().symbols).toBe('× =');
  });

  it('"-", "÷", ":" and "/"', () => {
    expect(new Sheet().zero(20).line(80, 70, 114, 70).zero(140).equals(200).operators().symbols).toBe('- =');
    expect(new Sheet().zero(20).line(80, 70, 114, 70).spot(97, 55).spot(97, 85).zero(140).equals(200).operators().symbols).toBe('÷ =');
    expect(new Sheet().zero(20).spot(97, 58).spot(97, 84).zero(140).equals(200).operators().symbols).toBe(': =');
    expect(new Sheet().zero(20).line(80, 100, 110, 40).zero(140).equals(200).operators().symbols).toBe('/ =');
  });

  it('parentheses and a decimal point', () => {
    expect(new Sheet().paren(20, -1).zero(50).plus(110).zero(170).paren(220, 1).equals(270).operators().symbols).toBe('( + ) =');
    expect(new Sheet().zero(20).spot(68, 96).zero(80).plus(140).zero(200).equals(260).operators().symbols).toBe('. + =');
  });

  it('parentheses bowed less than a tenth of their height, in a line with a sure operator', () => {
    // 6.5 px over 80: a pen's parenthesis drawn almost straight, as tall as the digits.
    expect(new Sheet().paren(20, -1, 6.5).zero(50).plus(110).zero(170).paren(220, 1, 6.5).equals(270).operators().symbols).toBe('( + ) =');
  });

  it('the bar of a 5 over its body is no minus', () => {
    // A 5 written in two strokes that do not meet: its bar is a mark of its own, at the top of the line.
    const five = (s: Sheet, x: number) => s.line(x + 4, 44, x + 34, 44).line(x + 4, 50, x + 4, 68).line(x + 4, 68, x + 34, 80).line(x + 34, 80, x + 4, 98);
    expect(five(new Sheet().zero(20), 80).zero(140).equals(200).operators().symbols).toBe('=');
  });

  it('a 4 is not a "+" (a cross with a diagonal besides)', () => {
    const four = new Sheet().zero(20).line(80, 80, 120, 80).line(108, 42, 108, 98).line(80, 80, 104, 42);
    expect(four.zero(140).equals(200).operators().symbols).toBe('=');
  });

  it('a cross as tall as the digits is a bold 4, not a "+" (people write a plus smaller than the digits)', () => {
    // A 4 in a marker: its diagonal lost in the ink, a stem as tall as the 0s and a bar across its middle.
    const boldFour = new Sheet().zero(20).line(80, 70, 120, 70).line(100, 41, 100, 99);
    expect(boldFour.zero(140).equals(200).operators().symbols).toBe('=');
    // The same cross two thirds as tall is a "+".
    expect(new Sheet().zero(20).line(80, 70, 110, 70).line(95, 51, 95, 89).zero(140).equals(200).operators().symbols).toBe('+ =');
  });

  it('ink without digits has no operators', () => {
    expect(new Sheet().plus(80).operators().symbols).toBe('');
    expect(new Sheet().equals(80).operators().symbols).toBe('');
  });

  it('a line whose only operators a digit can look like ("-", "/", "." or parentheses) reads as digits', () => {
    expect(new Sheet().zero(20).line(80, 70, 114, 70).zero(140).operators().symbols).toBe('');
    expect(new Sheet().zero(20).line(80, 100, 110, 40).zero(140).operators().symbols).toBe('');
    expect(new Sheet().zero(20).spot(68, 96).zero(80).operators().symbols).toBe('');
  });

  it('a "/" steeper than 70 degrees that leans 15 degrees or more further than upright writing is a "/"', () => {
    // 72 degrees from the flat, 18 from the upright: the zeros stand upright.
    const s = new Sheet().zero(20).line(80, 98, 98, 42).zero(110).plus(170).zero(230).equals(290);
    expect(s.operators().symbols).toBe('/ + =');
  });

  it('a mark close to a "/" that is read as a digit is in doubt', () => {
    // Leaning more than the writing, as steep as a slanted 1: not a "/", and not a sure 1 either.
    const s = new Sheet().zero(20).line(70, 98, 82, 42).zero(90).plus(150).zero(210).equals(270);
    const { symbols, doubtful } = s.operators();
    expect(symbols).toBe('+ =');
    expect(doubtful).toHaveLength(1);
  });
});

describe('recognizeImage reads expressions', () => {
  const model = modelFixture();
  const picture: Picture = { scale: 0.6, penWidth: 12, margin: 40, color: '#111' };
  const read = async (text: string, gap = 0.3) => recognizeImage(model(), await inkPng(expressionStrokes(text, undefined, gap), picture));

  for (const [written, value] of [
    ['12+30=', 42],
    ['7×6=', 42],
    ['84÷2=', 42],
    ['84:2=', 42],
    ['(2+3)×4=', 20],
    ['1.5+2.25=', 3.75],
  ] as const) {
    it(`"${written}" reads as written and is worth ${value}`, async () => {
      const r = await read(written);
      expect(r.text).toBe(written);
      expect(r.alternatives![0].text).toBe(written);
      expect(r.math).toHaveLength(1);
      expect(r.math![0]).toMatchObject({ expression: written.slice(0, -1), value, kind: 'expression' });
    });
  }

  it('the value goes right of the "=", in the image\'s pixels', async () => {
    const png = await inkPng(expressionStrokes('7×6='), picture);
    const r = await recognizeImage(model(), png);
    const [item] = r.math!;
    const [eq] = [...r.digits].sort((a, b) => b.box.x - a.box.x);
    expect(item.answer.x).toBeGreaterThan(eq.box.x + eq.box.width);
    expect(item.box.x).toBeLessThanOrEqual(r.digits[0].box.x);
  });

  it('a division by zero is an answer of its own', async () => {
    const r = await read('5÷0=');
    expect(r.math).toEqual([expect.objectContaining({ expression: '5÷0', value: null, error: 'division_by_zero' })]);
  });

  it('without "=", an expression is read but not evaluated', async () => {
    const r = await read('12+3');
    expect(r.text).toBe('12+3');
    expect(r.math).toEqual([]);
  });

  it('images of digits alone, and of a lone dash, read as before and evaluate nothing', async () => {
    const number = await recognizeImage(model(), await inkPng(numberStrokes('2026'), picture));
    expect(number.text).toBe('2026');
    expect(number.math).toEqual([]);
    // A dash among digits may be the bar of a 5: without an unmistakable operator the line is a number.
    const dashed = await read('12-30');
    expect(dashed.text).not.toContain('-');
    expect(dashed.math).toEqual([]);
    const dash = await read('-');
    expect(dash.math).toEqual([]);
    expect(dash.text).toBe('');
  });
});

describe('recognizeImage adds up a column', () => {
  const model = modelFixture();
  const picture: Picture = { scale: 0.6, penWidth: 12, margin: 40, color: '#111' };
  const at = (y: number) => ({ x: 100, y, size: 100, slant: 0.05 });
  const rule = (y: number): [number, number, number][] => Array.from({ length: 12 }, (_, i) => [60 + i * 25, y + (i % 3), i * 8]);

  it('reads each row as a number, its decimal point included, and puts the sum under the rule', async () => {
    const strokes = [...numberStrokes('12', at(40)), ...numberStrokes('30', at(180)), ...expressionStrokes('2.5', at(320)), rule(450)];
    const r = await recognizeImage(model(), await inkPng(strokes, picture));
    expect(r.text).toBe('12\n30\n2.5');
    expect(r.math).toEqual([expect.objectContaining({ kind: 'sum', expression: '12+30+2.5', value: 44.5 })]);
    const [sum] = r.math!;
    expect(sum.answer.y).toBeGreaterThan(sum.box.y + sum.box.height - 1);
  });

  it('numbers over a rule too far under them to be theirs: the numbers one per line, no sum', async () => {
    const r = await recognizeImage(model(), await inkPng([...numberStrokes('12', at(40)), ...numberStrokes('30', at(180)), rule(700)], picture));
    expect(r.text).toBe('12\n30');
    expect(r.math).toEqual([]);
  });

  it('without a rule, or with one row only, the image is one line as before', async () => {
    const noRule = await recognizeImage(model(), await inkPng([...numberStrokes('12', at(40)), ...numberStrokes('30', at(180))], picture));
    expect(noRule.math).toEqual([]);
    const oneRow = await recognizeImage(model(), await inkPng([...numberStrokes('12', at(40)), rule(170)], picture));
    expect(oneRow.math).toEqual([]);
  });
});
