import { describe, expect, it } from 'vitest';
import type { Stroke } from '../../../common/preprocess.js';
import type { Recognition } from '../../../common/recognition.js';
import { recognizeBoard } from './board-recognition.js';

const vertical = (x: number, y = 0): Stroke => [[x, y], [x, y + 100]];

/** Reads each group as the number of strokes in it, and counts its calls. */
function fakeRecognizer() {
  const calls: number[] = [];
  const recognize = async (strokes: readonly Stroke[]): Promise<Recognition> => {
    calls.push(strokes.length);
    return { text: String(strokes.length), digits: [], rejected: [], model: 'fake', ms: 0 };
  };
  return { recognize, calls };
}

describe('recognizeBoard', () => {
  it('reads each group by place, the changed one as the latest, and reuses unchanged groups', async () => {
    const { recognize, calls } = fakeRecognizer();
    const strokes = [
      { id: 'a', points: vertical(0) },
      { id: 'b', points: vertical(40) },
      { id: 'c', points: vertical(1000) },
    ];
    const first = await recognizeBoard(strokes, { strokeId: 'c' }, recognize, new Map(), 'fake');
    expect(first.recognition.groups.map((g) => [g.strokeIds, g.result.text])).toEqual([
      [['a', 'b'], '2'],
      [['c'], '1'],
    ]);
    expect(first.recognition.result.text).toBe('1');
    expect(calls).toEqual([2, 1]);

    // A stroke joins the right-hand group: only that group is read again.
    const more = [...strokes, { id: 'd', points: vertical(1040) }];
    const second = await recognizeBoard(more, { strokeId: 'd' }, recognize, first.cache, 'fake');
    expect(second.recognition.groups.map((g) => g.result.text)).toEqual(['2', '2']);
    expect(calls).toEqual([2, 1, 2]);

    // Ink removed: the latest is the group nearest to where it was; a clear leaves nothing.
    const erased = await recognizeBoard(strokes.slice(0, 2), { box: { minX: 990, minY: 0, maxX: 1010, maxY: 100 } }, recognize, second.cache, 'fake');
    expect(erased.recognition.result.text).toBe('2');
    const cleared = await recognizeBoard([], null, recognize, erased.cache, 'fake');
    expect(cleared.recognition).toEqual({ groups: [], sums: [], result: { text: '', digits: [], rejected: [], model: 'fake', ms: 0 }, strokes: 0 });
  });

  it('works out the column sums from the numbers it read, as the server does', async () => {
    // Each group reads as its number of strokes, surely.
    const recognize = async (strokes: readonly Stroke[]): Promise<Recognition> => {
      const text = String(strokes.length);
      return { text, digits: [], rejected: [], alternatives: [{ text, confidence: 1 }], model: 'fake', ms: 0 };
    };
    const column = [
      { id: 'one', points: vertical(20, 0) },
      { id: 'two-a', points: vertical(0, 150) },
      { id: 'two-b', points: vertical(40, 150) },
    ];
    const rule = { id: 'rule', points: [[-20, 280], [80, 282]] };
    const without = await recognizeBoard(column, { strokeId: 'two-b' }, recognize, new Map(), 'fake');
    expect(without.recognition.sums).toEqual([]);
    const { recognition } = await recognizeBoard([...column, rule], { strokeId: 'rule' }, recognize, without.cache, 'fake');
    expect(recognition.groups.map((g) => g.strokeIds)).toEqual([['one'], ['two-a', 'two-b'], ['rule']]);
    expect(recognition.sums.map(({ expression, value, kind }) => ({ expression, value, kind }))).toEqual([{ expression: '1+2', value: 3, kind: 'sum' }]);
  });
});
