import { describe, expect, it } from 'vitest';
import { columnSums } from './column-sums.js';
import type { GroupResult } from './protocol.js';

/** A number on the board: `text` read with `confidence`, its box at (x, y), 80 tall. */
function number(id: string, text: string, x: number, y: number, confidence = 0.95): GroupResult {
  const width = 50 * text.length;
  return {
    id,
    box: { x, y, width, height: 80 },
    strokeIds: [id],
    result: { text, digits: [], rejected: [], alternatives: [{ text, confidence }], model: 'm', ms: 0 },
  };
}

/** A rule: one flat stroke from (x, y) to (x + width, y + rise). */
function rule(id: string, x: number, y: number, width: number, rise = 0): [GroupResult, number[][]] {
  const points = Array.from({ length: 11 }, (_, i) => [x + (i * width) / 10, y + (i * rise) / 10]);
  const group: GroupResult = { id, box: { x, y: Math.min(y, y + rise), width, height: Math.abs(rise) }, strokeIds: [id], result: { text: '', digits: [], rejected: [], alternatives: [], model: 'm', ms: 0 } };
  return [group, points];
}

function sums(groups: GroupResult[], strokes: Record<string, number[][]> = {}) {
  return columnSums(groups, (id) => strokes[id] ?? [[0, 0], [0, 80]]);
}

describe('columnSums', () => {
  const column = [number('a', '12', 200, 100), number('b', '30', 200, 200), number('c', '7', 250, 300)];

  it('adds the numbers written one under another above a rule, and puts the sum under it', () => {
    const [r, points] = rule('r', 180, 400, 140);
    const [sum] = sums([...column, r], { r: points });
    expect(sum).toMatchObject({ expression: '12+30+7', value: 49, display: '49', kind: 'sum' });
    expect(sum.answer.y).toBeGreaterThan(400);
    expect(sum.answer.x).toBe(180);
    expect(sum.box).toEqual({ x: 180, y: 100, width: 140, height: 300 });
  });

  it('is exact with decimals, and takes a leading sign', () => {
    const [r, points] = rule('r', 180, 300, 200);
    expect(sums([number('a', '0.1', 200, 100), number('b', '+0.2', 200, 200), r], { r: points })[0].display).toBe('0.3');
    expect(sums([number('a', '50', 200, 100), number('b', '-8', 200, 200), r], { r: points })[0].value).toBe(42);
  });

  it('follows corrections, and shows no sum when a row is read unsurely', () => {
    const [r, points] = rule('r', 180, 400, 140);
    const corrected = { ...number('b', '38', 200, 200, 0.3), correctedText: '30' };
    expect(sums([column[0], corrected, column[2], r], { r: points })[0].value).toBe(49);
    expect(sums([column[0], number('b', '38', 200, 200, 0.3), column[2], r], { r: points })).toEqual([]);
  });

  it('shows no sum when a row left out ink of a digit\'s size as no digit, and one when it left out a speck', () => {
    const [r, points] = rule('r', 180, 400, 140);
    const leftOut = (height: number) => ({ box: { x: 205, y: 200, width: 30, height }, notDigitProbability: 0.9 });
    const partly = number('b', '30', 200, 200);
    partly.result.rejected = [leftOut(70)];
    expect(sums([column[0], partly, column[2], r], { r: points })).toEqual([]);
    const speck = number('b', '30', 200, 200);
    speck.result.rejected = [leftOut(10)];
    expect(sums([column[0], speck, column[2], r], { r: points })[0].value).toBe(49);
    // A correction is read in full.
    expect(sums([column[0], { ...partly, correctedText: '30' }, column[2], r], { r: points })[0].value).toBe(49);
  });

  it('needs a flat straight rule under two numbers or more, in its span and close above it', () => {
    const [steep, steepPoints] = rule('r', 180, 400, 140, 60);
    expect(sums([...column, steep], { r: steepPoints })).toEqual([]);
    const [r, points] = rule('r', 180, 400, 140);
    expect(sums([column[2], r], { r: points })).toEqual([]);
    const [aside, asidePoints] = rule('r', 600, 400, 140);
    expect(sums([...column, aside], { r: asidePoints })).toEqual([]);
    const [far, farPoints] = rule('r', 180, 700, 140);
    expect(sums([...column, far], { r: farPoints })).toEqual([]);
    // A curve is no rule.
    const [curve] = rule('r', 180, 400, 140);
    expect(sums([...column, curve], { r: [[180, 400], [250, 440], [320, 400]] })).toEqual([]);
  });

  it('takes a rule drawn with a shaky hand, finely sampled', () => {
    // A point every 1.5 units, each a unit off the line one way or the other: 1.8 times the chord.
    const shaky = Array.from({ length: 95 }, (_, i) => [180 + 1.5 * i, 400 + (i % 2 ? 1 : -1)]);
    const group: GroupResult = { id: 'r', box: { x: 180, y: 399, width: 141, height: 2 }, strokeIds: ['r'], result: { text: '', digits: [], rejected: [], alternatives: [], model: 'm', ms: 0 } };
    expect(sums([...column, group], { r: shaky })[0]?.value).toBe(49);
  });

  it('stops at a gap in the column and at what is not a number', () => {
    const [r, points] = rule('r', 180, 400, 140);
    const gapped = [number('a', '12', 200, 0), number('b', '30', 200, 200), number('c', '7', 250, 300)];
    expect(sums([...gapped, r], { r: points })[0].expression).toBe('30+7');
    const withExpression = [number('a', '1+2', 200, 100), ...column.slice(1)];
    expect(sums([...withExpression, r], { r: points })[0].expression).toBe('30+7');
  });

  it('shows no sum when ink just over the column is read as nothing (a row not read), or a row is as tall as two', () => {
    const [r, points] = rule('r', 180, 400, 140);
    const unread = number('u', '', 200, 0);
    expect(sums([unread, ...column, r], { r: points })).toEqual([]);
    const twoRows = { ...number('a', '3', 200, 0), box: { x: 200, y: 0, width: 50, height: 180 } };
    expect(sums([twoRows, column[2], r], { r: points })).toEqual([]);
  });

  it('two columns side by side have a sum each', () => {
    const [r1, p1] = rule('r1', 180, 400, 140);
    const [r2, p2] = rule('r2', 600, 400, 140);
    const right = [number('d', '5', 620, 200), number('e', '6', 620, 300)];
    const found = sums([...column, r1, ...right, r2], { r1: p1, r2: p2 });
    expect(found.map((s) => s.value)).toEqual([49, 11]);
  });
});
