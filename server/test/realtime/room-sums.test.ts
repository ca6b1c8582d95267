/**
 * Column sums on a shared board (issue 20): every result carries the board's sums, found anew from
 * the numbers members hold, so a sum follows each change to its column, whoever wrote it.
 */
import { describe, expect, it } from 'vitest';
import type { Recognition } from '../../../common/recognition.js';
import { settle, world } from './room-world.js';

/** Reads each row by where it is written (the first point's y), surely; a flat stroke reads as nothing. */
const ROWS: Record<number, string> = { 0: '12', 150: '30', 300: '7' };
async function byRow(strokes: readonly number[][][]): Promise<Recognition> {
  const text = ROWS[strokes[0][0][1]] ?? '';
  return { text, digits: [], rejected: [], alternatives: text ? [{ text, confidence: 0.99 }] : [], model: 'test', ms: 0 };
}

const row = (y: number) => [[120, y], [120, y + 100]];
const rule = [[60, 430], [130, 431], [200, 432]];

describe('rooms: column sums', () => {
  it('a column written by two writers shows its sum to both under the rule, and follows an erase and a late joiner', async () => {
    const w = world(undefined, byRow);
    const a = w.client();
    const b = w.client();
    await settle();
    a.draw('twelve', row(0));
    b.draw('thirty', row(150));
    a.draw('seven', row(300));
    await settle();
    expect(a.of('result').at(-1)!.sums).toEqual([]);
    b.draw('rule', rule);
    await settle();
    for (const c of [a, b]) expect(c.of('result').at(-1)!.sums).toMatchObject([{ kind: 'sum', expression: '12+30+7', value: 49, display: '49', answer: { x: 60 } }]);
    expect(a.of('result').at(-1)!.sums[0].answer.y).toBeGreaterThan(432);

    b.send({ type: 'erase', strokeId: 'twelve' });
    await settle();
    for (const c of [a, b]) expect(c.of('result').at(-1)!.sums.map((s) => s.value)).toEqual([37]);

    const late = w.client();
    await settle();
    expect(late.of('result')[0]).toMatchObject({ full: true, sums: [{ value: 37 }] });

    a.send({ type: 'erase', strokeId: 'rule' });
    await settle();
    expect(a.of('result').at(-1)!.sums).toEqual([]);
  });
});
