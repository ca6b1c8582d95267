import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { groupByPlace, PlaceGroups, type PlacedStroke } from './grouping.js';

/** Groups as comparable values: each group's stroke ids sorted, with its box. */
const normalized = (groups: Iterable<{ strokeIds: string[]; box: unknown }>) =>
  [...groups].map((g) => ({ ids: [...g.strokeIds].sort().join(' '), box: g.box })).sort((a, b) => (a.ids < b.ids ? -1 : 1));

describe('PlaceGroups', () => {
  it.each([1, 2, 3, 4, 5])('equals a full groupByPlace after every add and remove (seed %i)', (seed) => {
    const rand = seedrandom(`${seed}`);
    // Strokes land around a few spots, so they often join, bridge two groups or split one when removed.
    const spots = Array.from({ length: 6 }, () => [rand() * 1200, rand() * 800]);
    const board: PlacedStroke[] = [];
    let groups = new PlaceGroups();
    let next = 0;
    for (let step = 0; step < 400; step++) {
      const r = rand();
      if (r < 0.6 || board.length === 0) {
        const [cx, cy] = spots[Math.floor(rand() * spots.length)];
        const x = cx + (rand() - 0.5) * 300, y = cy + (rand() - 0.5) * 200, h = rand() < 0.1 ? 0 : 10 + rand() * 90;
        const stroke = { id: `s${next++}`, points: rand() < 0.03 ? [] : [[x, y], [x + rand() * 40, y + h]] };
        board.push(stroke);
        groups.add(stroke);
      } else if (r < 0.97) {
        const [gone] = board.splice(Math.floor(rand() * board.length), 1);
        groups.remove(gone.id);
      } else {
        groups = new PlaceGroups(board); // the board reloaded
      }
      const current = [...groups.values()];
      expect(normalized(current), `step ${step}`).toEqual(normalized(groupByPlace(board)));
      const order = new Map(board.map((s, i) => [s.id, i]));
      for (const g of current) {
        expect(groups.get(g.strokeIds[0])).toBe(g);
        // Strokes in the order they were added: the oldest names the group.
        expect(g.strokeIds.map((id) => order.get(id)!)).toEqual(g.strokeIds.map((id) => order.get(id)!).sort((a, b) => a - b));
        for (const id of g.strokeIds) expect(groups.groupOf(id)).toBe(g);
      }
    }
  });

  it('replaces a changed group and leaves the others as they were', () => {
    const bar = (id: string, x: number) => ({ id, points: [[x, 0], [x, 100]] });
    const groups = new PlaceGroups([bar('a', 0), bar('b', 60), bar('far', 600)]);
    const far = groups.groupOf('far');
    const before = groups.groupOf('a')!;
    const [after] = groups.add(bar('c', 160));
    expect(after).not.toBe(before);
    expect(after.strokeIds).toEqual(['a', 'b', 'c']);
    expect(groups.groupOf('far')).toBe(far);
    // Removing the middle stroke splits its group; the far one stays.
    expect(groups.remove('b').map((g) => g.strokeIds)).toEqual([['a'], ['c']]);
    expect(groups.groupOf('far')).toBe(far);
    expect(groups.get('a')?.strokeIds).toEqual(['a']);
  });

  it('keeps the object of a line whose strokes did not change when its rows join or part', () => {
    const bar = (id: string, x: number, y = 0) => ({ id, points: [[x, y], [x, y + 100]] });
    const groups = new PlaceGroups([bar('top', 0), bar('under', 0, 115)]);
    const top = groups.get('top')!;
    // A small mark between the rows brings them together; they stay two lines.
    const flag = { id: 'flag', points: [[10, 104], [25, 112]] };
    const joined = groups.add(flag);
    expect(joined.map((g) => g.strokeIds)).toEqual([['top'], ['under', 'flag']]);
    expect(joined[0]).toBe(top);
    const under = joined[1];
    expect(groups.add(bar('under2', 40, 115)).map((g) => g.strokeIds)).toEqual([['top'], ['under', 'flag', 'under2']]);
    expect(groups.get('top')).toBe(top);
    expect(groups.get('under')).not.toBe(under);
    expect(groups.remove('flag').map((g) => g.strokeIds)).toEqual([['top'], ['under', 'under2']]);
    expect(groups.get('top')).toBe(top);
  });
});

describe('groupByPlace: numbers by their digits\' size', () => {
  /** A digit-sized stroke pair (a "4"), `h` tall, at x. */
  const digit = (id: string, x: number, h = 100, y = 0): PlacedStroke[] => [
    { id: `${id}a`, points: [[x + 0.3 * h, y], [x, y + 0.6 * h], [x + 0.6 * h, y + 0.6 * h]] },
    { id: `${id}b`, points: [[x + 0.45 * h, y + 0.2 * h], [x + 0.45 * h, y + h]] },
  ];
  const row = (count: number, gap: number, h = 100, x0 = 0) => Array.from({ length: count }, (_, i) => digit(`d${i}-`, x0 + i * (0.6 + gap) * h, h)).flat();

  it.each([0, 0.3, 0.8, 1.0, 1.3])('digits %f of their height apart are one number', (gap) => {
    expect(groupByPlace(row(4, gap))).toHaveLength(1);
    // The same, written small: the gap is measured against the digits, not the board.
    expect(groupByPlace(row(4, gap, 30))).toHaveLength(1);
  });

  it('two numbers with a clear gap (two digit heights) stay two', () => {
    const strokes = [...row(3, 0.3), ...row(2, 0.3, 100, 3 * 90 + 200)];
    expect(groupByPlace(strokes)).toHaveLength(2);
  });

  it('numbers on two lines stay two', () => {
    expect(groupByPlace([...digit('a', 0), ...digit('b', 0, 100, 160)])).toHaveLength(2);
  });

  it.each([0.12, 0.2])('numbers written under each other, %f of their height apart (a column), stay one per row', (gap) => {
    const rows = [0, 1, 2].flatMap((r) => row(3, 0.3, 100, 0).map((s) => ({ ...s, id: `r${r}${s.id}`, points: s.points.map(([x, y]) => [x + 10 * r, y + r * (1 + gap) * 100]) })));
    expect(groupByPlace(rows)).toHaveLength(3);
  });

  it('rows of a column written tight stay one per row when a bar written apart or a flag bridges them', () => {
    // Rows 0.15 of their height apart; the second row's first digit is a 5 whose bar, written
    // apart, sits in the gap, and its last digit a 1 whose flag reaches up to the row above.
    const top = row(3, 0.3);
    const bar = { id: 'bar', points: [[5, 108], [55, 106]] };
    const flag = { id: 'flag', points: [[2 * 90 + 20, 140], [2 * 90 + 45, 103]] };
    const bottom = row(3, 0.3).map((s) => ({ ...s, id: `r2${s.id}`, points: s.points.map(([x, y]) => [x, y + 115]) }));
    const groups = groupByPlace([...top, bar, flag, ...bottom]);
    expect(groups.map((g) => g.strokeIds.length)).toEqual([6, 8]);
    expect(groups[1].strokeIds).toEqual(expect.arrayContaining(['bar', 'flag']));
  });

  it('the bowls of a 3 written apart, and a decimal point under the line, stay with their number', () => {
    const upper = { id: 'upper', points: [[0, 5], [40, 0], [55, 20], [20, 47]] };
    const lower = { id: 'lower', points: [[22, 51], [60, 65], [50, 95], [0, 100]] };
    expect(groupByPlace([upper, lower])).toHaveLength(1);
    const point = { id: 'point', points: [[128, 106], [131, 108]] };
    expect(groupByPlace([...digit('a', 0), point, ...digit('b', 150)])).toHaveLength(1);
  });
});

describe('groupByPlace: rules and operators', () => {
  const digit = (id: string, x: number, y = 0, h = 100): PlacedStroke[] => [
    { id: `${id}a`, points: [[x + 0.3 * h, y], [x, y + 0.6 * h], [x + 0.6 * h, y + 0.6 * h]] },
    { id: `${id}b`, points: [[x + 0.45 * h, y + 0.2 * h], [x + 0.45 * h, y + h]] },
  ];
  const ids = (groups: { strokeIds: string[] }[]) => groups.map((g) => [...g.strokeIds].sort().join(' ')).sort();

  it('a rule drawn close under a number is a number of its own, as is a long one close over the answer written under it', () => {
    const rule = { id: 'rule', points: [[-10, 115], [160, 118]] };
    const groups = groupByPlace([...digit('a', 0), ...digit('b', 70), rule, ...digit('c', 0, 130)]);
    expect(ids(groups)).toEqual(['aa ab ba bb', 'ca cb', 'rule']);
  });

  it('a minus and an "=" between digits join their line', () => {
    const minus = { id: 'minus', points: [[80, 50], [130, 50]] };
    const eqTop = { id: 'eq1', points: [[230, 40], [280, 40]] };
    const eqBottom = { id: 'eq2', points: [[230, 65], [280, 65]] };
    expect(groupByPlace([...digit('a', 0), minus, ...digit('b', 150), eqTop, eqBottom])).toHaveLength(1);
  });

  it('an expression written wide is one line: its numbers stand far apart, operators between them', () => {
    // Digits 60 wide, then a minus 70 to the right, then the next digit 70 further: two digits
    // two heights apart, joined by the minus between them.
    const minus = { id: 'minus', points: [[130, 50], [190, 50]] };
    const eqTop = { id: 'eq1', points: [[390, 40], [450, 40]] };
    const eqBottom = { id: 'eq2', points: [[390, 65], [450, 65]] };
    expect(groupByPlace([...digit('a', 0), minus, ...digit('b', 260), eqTop, eqBottom])).toHaveLength(1);
  });

  it('the bar of a 5 or a 7 written apart over its digit stays with it', () => {
    const bar = { id: 'bar', points: [[10, -12], [60, -12]] };
    const body = { id: 'body', points: [[10, 0], [5, 45], [60, 60], [50, 100], [0, 95]] };
    expect(groupByPlace([bar, body])).toHaveLength(1);
    const wideBar = { id: 'bar', points: [[0, -10], [80, -10]] };
    const stem = { id: 'stem', points: [[75, 0], [30, 100]] };
    expect(groupByPlace([wideBar, stem])).toHaveLength(1);
  });
});
