import { describe, expect, it } from 'vitest';
import type { GroupResult } from '../../../common/protocol.js';
import type { MathItem } from '../../../common/recognition.js';
import { BoardModel } from './board-model.js';
import { DEFAULT_INK } from './board-sync.js';
import { boardValues } from './board-values.js';

const RED = '#d1242f';
const BLUE = '#1f6feb';
const GREEN = '#1a7f37';

function stroke(model: BoardModel, id: string, color: string, points: number[][]): void {
  model.put({ id, author: color, color, points, done: true });
}

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

function item(kind: MathItem['kind'], value: number | null, extra: Partial<MathItem> = {}): MathItem {
  return {
    expression: '7×6',
    value,
    display: value === null ? '' : String(value),
    kind,
    confidence: 0.9,
    box: box(100, 100, 300, 100),
    answer: box(410, 100, 100, 100),
    ...extra,
  };
}

function group(id: string, strokeIds: string[], math: MathItem[], at = box(100, 100, 300, 100)): GroupResult {
  return { id, box: at, strokeIds, result: { text: '7×6=', digits: [], rejected: [], math, model: 'test', ms: 0 } };
}

describe('boardValues', () => {
  it('shows an expression\'s value in the colour of whoever wrote its last stroke', () => {
    const model = new BoardModel();
    stroke(model, 'a', BLUE, [[100, 100], [150, 200]]);
    stroke(model, 'b', RED, [[300, 150], [400, 150]]);
    const value = item('expression', 42);
    const values = boardValues([group('a', ['a', 'b'], [value])], [], model);
    expect(values).toEqual([{ key: 'expression:a:0', item: value, color: RED, align: 'start' }]);
  });

  it('shows errors, but nothing for an item with neither a value nor an error, nor for a number whose ink went', () => {
    const model = new BoardModel();
    stroke(model, 'a', BLUE, [[100, 100], [150, 200]]);
    const byZero = item('expression', null, { error: 'division_by_zero' });
    expect(boardValues([group('a', ['a'], [byZero])], [], model).map((v) => v.item)).toEqual([byZero]);
    expect(boardValues([group('a', ['a'], [item('expression', null)])], [], model)).toEqual([]);
    // The result still names a stroke erased since: stale until the next one.
    expect(boardValues([group('a', ['a', 'gone'], [item('expression', 42)])], [], model)).toEqual([]);
  });

  it('shows no value for a corrected expression: the correction (digits only) is the number it now is', () => {
    const model = new BoardModel();
    stroke(model, 'a', BLUE, [[100, 100], [150, 200]]);
    const corrected: GroupResult = { ...group('a', ['a'], [item('expression', 42)]), correctedText: '1230' };
    expect(boardValues([corrected], [], model)).toEqual([]);
    // Withdrawn (the server sends no correctedText, or ""): the value is back.
    expect(boardValues([{ ...corrected, correctedText: '' }], [], model)).toHaveLength(1);
  });

  it('takes sums from the board\'s list only, not from a number\'s own reading', () => {
    const model = new BoardModel();
    stroke(model, 'a', BLUE, [[100, 100], [150, 200]]);
    expect(boardValues([group('a', ['a'], [item('sum', 42)])], [], model)).toEqual([]);
  });

  describe('a column sum', () => {
    /** 12 (blue) over 30 (green), a rule under them (red), and a short dash written later (green) in the column. */
    function column(): { model: BoardModel; groups: GroupResult[]; sum: MathItem } {
      const model = new BoardModel();
      stroke(model, 'twelve', BLUE, [[100, 100], [200, 200]]);
      stroke(model, 'thirty', GREEN, [[100, 220], [200, 320]]);
      stroke(model, 'rule', RED, [[90, 340], [210, 345]]);
      stroke(model, 'dash', GREEN, [[150, 200], [170, 202]]);
      const groups = [group('twelve', ['twelve'], [], box(100, 100, 100, 100)), group('thirty', ['thirty'], [], box(100, 220, 100, 100))];
      const sum = item('sum', 42, { expression: '12+30', box: box(90, 100, 120, 245), answer: box(90, 350, 120, 60) });
      return { model, groups, sum };
    }

    it('is in the colour of its rule\'s writer, right-aligned', () => {
      const { model, groups, sum } = column();
      expect(boardValues(groups, [sum], model)).toEqual([{ key: 'sum:0', item: sum, color: RED, align: 'end' }]);
    });

    it('without a rule to be found, in the colour of the latest ink in its column', () => {
      const { model, groups, sum } = column();
      model.remove('rule');
      expect(boardValues(groups, [sum], model)[0]?.color).toBe(GREEN);
      model.clear();
      expect(boardValues([], [sum], model)[0]?.color).toBe(DEFAULT_INK);
    });

    it('is hidden while one of its numbers has lost ink that its result still counts', () => {
      const { model, groups, sum } = column();
      model.remove('thirty');
      expect(boardValues(groups, [sum], model)).toEqual([]);
      // A number elsewhere on the board does not matter.
      const elsewhere = group('far', ['far'], [], box(1000, 100, 100, 100));
      model.put({ id: 'thirty', author: GREEN, color: GREEN, points: [[100, 220], [200, 320]], done: true });
      expect(boardValues([...groups, elsewhere], [sum], model)).toHaveLength(1);
    });
  });
});
