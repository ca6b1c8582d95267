import { describe, expect, it } from 'vitest';
import type { MathItem } from '../../../../common/recognition.js';
import { spokenValue } from '../../board/value-text.js';
import { recordValues, valueShown } from './record-values.js';

const box = { x: 0, y: 0, width: 10, height: 10 };

function item(kind: MathItem['kind'], expression: string, value: number | null, extra: Partial<MathItem> = {}): MathItem {
  return { expression, value, display: value === null ? '' : String(value), kind, confidence: 0.9, box, answer: box, ...extra };
}

describe('a history record\'s values', () => {
  it('are none for records stored before arithmetic, or with nothing evaluated', () => {
    expect(recordValues({})).toEqual([]);
    expect(recordValues({ math: [] })).toEqual([]);
  });

  it('show an expression\'s value after its text, and say what it equals', () => {
    const sum = item('expression', '12+30', 42);
    expect(recordValues({ math: [sum] })).toEqual([sum]);
    expect(valueShown(sum)).toBe('42');
    expect(spokenValue(sum)).toBe('12+30 equals 42');
  });

  it('mark a column\'s sum with Σ', () => {
    const sum = item('sum', '12+30+7', 49);
    expect(valueShown(sum)).toBe('Σ 49');
    expect(spokenValue(sum)).toBe('Sum of 12+30+7: 49');
  });

  it('say why there is no value in the board\'s words, and leave out items with neither', () => {
    const byZero = item('expression', '4÷0', null, { error: 'division_by_zero' });
    const tooLarge = item('sum', '9+9', null, { error: 'overflow' });
    expect(recordValues({ math: [byZero, item('expression', '1+1', null), tooLarge] })).toEqual([byZero, tooLarge]);
    expect(valueShown(byZero)).toBe('÷ by 0');
    expect(valueShown(tooLarge)).toBe('Σ Too large');
  });

  it('are none once the record is corrected: the expression is now the number typed', () => {
    const math = [item('expression', '12+30', 42)];
    expect(recordValues({ math, correctedText: '1230' })).toEqual([]);
    // Withdrawn corrections are null (or absent): the value is back.
    expect(recordValues({ math, correctedText: null })).toEqual(math);
  });
});
