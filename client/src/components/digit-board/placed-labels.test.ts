import { describe, expect, it } from 'vitest';
import type { GroupResult } from '../../../../common/protocol.js';
import type { MathItem } from '../../../../common/recognition.js';
import { BoardModel } from '../../board/board-model.js';
import { PEN_WIDTH } from '../../board/board-space.js';
import { BoardView } from '../../board/board-view.js';
import { overlaps } from '../../board/label-layout.js';
import { LabelPlacer } from './placed-labels.js';

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const text = (item: MathItem) => item.display;

/** A board shown 1000 CSS px wide: 1.6 board units per pixel. */
function view(): BoardView {
  const v = new BoardView();
  v.resize(1000, 625, 16);
  return v;
}

/** "7×6=" written by one writer, read with its value. */
function expression(): { model: BoardModel; groups: GroupResult[] } {
  const model = new BoardModel();
  model.put({ id: 's1', author: 'w', color: '#8250df', points: [[100, 400], [600, 500]], done: true });
  const math: MathItem[] = [
    { expression: '7×6', value: 42, display: '42', kind: 'expression', confidence: 0.9, box: box(100, 400, 500, 100), answer: box(600, 420, 100, 60) },
  ];
  const group: GroupResult = { id: 's1', box: box(100, 400, 500, 100), strokeIds: ['s1'], result: { text: '7×6=', digits: [], rejected: [], math, model: 't', ms: 0 } };
  return { model, groups: [group] };
}

describe('LabelPlacer', () => {
  it('puts an expression\'s value right after its "=", centred on its answer, and its number\'s label off it', () => {
    const { model, groups } = expression();
    const { numbers, values } = new LabelPlacer().place(groups, [], model, view(), text);
    expect(values).toHaveLength(1);
    const [value] = values;
    expect(value.text).toBe('42');
    expect(value.color).toBe('#8250df');
    // Just clear of the ink (pen width included) and the gap of 4 px.
    expect(value.rect.x).toBeCloseTo(600 + PEN_WIDTH / 2 + 4 * 1.6);
    expect(value.rect.y + value.rect.height / 2).toBeCloseTo(450);
    expect(numbers.map((n) => n.text)).toEqual(['7×6=']);
    expect(overlaps(numbers[0].rect, value.rect)).toBe(false);
  });

  it('puts a sum under its rule, flush with its right end', () => {
    const model = new BoardModel();
    model.put({ id: 'rule', author: 'w', color: '#1a7f37', points: [[100, 300], [400, 302]], done: true });
    const sum: MathItem = { expression: '12+30', value: 42, display: '42', kind: 'sum', confidence: 0.9, box: box(100, 100, 300, 202), answer: box(100, 310, 300, 80) };
    const { values } = new LabelPlacer().place([], [sum], model, view(), text);
    expect(values.map((v) => [v.text, v.color, v.align])).toEqual([['42', '#1a7f37', 'end']]);
    expect(values[0].rect.x + values[0].rect.width).toBeCloseTo(400);
    expect(values[0].rect.y).toBeGreaterThanOrEqual(302 + PEN_WIDTH / 2);
  });

  it('keeps its layout for a new result that reads the same, with the new items', () => {
    const { model, groups } = expression();
    const placer = new LabelPlacer();
    const first = placer.place(groups, [], model, view(), text);
    const again = expression().groups;
    const second = placer.place(again, [], model, view(), text);
    expect(second.values[0].rect).toBe(first.values[0].rect);
    expect(second.values[0].item).toBe(again[0].result.math![0]);
    expect(second.numbers[0].group).toBe(again[0]);
  });
});
