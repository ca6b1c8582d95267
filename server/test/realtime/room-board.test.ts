/**
 * Room scenario tests of the shared board: live ink fan-out, late joiners, numbers grouped by
 * place and sent as deltas, undo/erase/clear, durability through the store.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { ROOM, settle, world } from './room-world.js';

describe('rooms: the board', () => {
  it('streams ink live to the others, acks the author and recognizes for everyone', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.send({ type: 'stroke-begin', strokeId: 'a1', points: [[1, 2]] });
    a.send({ type: 'stroke-points', strokeId: 'a1', points: [[3, 4]] });
    expect(b.of('stroke-begin')[0].stroke).toMatchObject({ id: 'a1', author: a.welcome().you.id, points: [[1, 2]], done: false });
    expect(b.of('stroke-points')[0]).toMatchObject({ strokeId: 'a1', points: [[3, 4]] });
    expect(a.of('stroke-begin')).toEqual([]); // no echo to the author
    a.send({ type: 'stroke-end', strokeId: 'a1' });
    await settle();
    expect(a.of('ack')).toEqual([{ type: 'ack', strokeId: 'a1', seq: 3 }]);
    for (const c of [a, b]) expect(c.of('result').at(-1)).toMatchObject({ strokes: 1, result: { text: '1' }, groups: [{ strokeIds: ['a1'] }] });
  });

  it('gives a late joiner the whole board and the latest result', async () => {
    const w = world();
    const a = w.client();
    await settle();
    a.draw('a1');
    a.send({ type: 'stroke-begin', strokeId: 'a2', points: [[5, 5]] }); // still drawing
    await settle();
    const c = w.client();
    await settle();
    expect(c.welcome().board!.strokes.map((s) => [s.id, s.done])).toEqual([['a1', true], ['a2', false]]);
    expect(c.of('result')).toHaveLength(1);
  });

  it('keeps points to a tenth of a pixel and of a millisecond, for everyone and in the store', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.send({ type: 'stroke-begin', strokeId: 'q', points: [[10.123456789, 20.987654321, 0.04]] });
    a.send({ type: 'stroke-points', strokeId: 'q', points: [[11.25, 21.75, 16.66666]] });
    a.send({ type: 'stroke-end', strokeId: 'q' });
    await settle();
    expect(b.of('stroke-begin')[0].stroke.points).toEqual([[10.1, 21, 0]]);
    expect(b.of('stroke-points')[0].points).toEqual([[11.3, 21.8, 16.7]]);
    expect((await w.store.load(ROOM)).strokes.map((s) => s.points)).toEqual([[[10.1, 21, 0], [11.3, 21.8, 16.7]]]);
  });

  it('groups ink by place into numbers', async () => {
    const w = world();
    const a = w.client();
    await settle();
    a.draw('l1', [[0, 0], [0, 100]]);
    a.draw('l2', [[40, 0], [40, 100]]); // close to l1: same number
    a.draw('far', [[1000, 500], [1000, 600]]); // elsewhere: another number
    await settle();
    expect(a.numbers().map((g) => g.strokeIds.sort())).toEqual([['l1', 'l2'], ['far']]);
  });

  it('sends only the numbers that changed; a joiner gets every number once', async () => {
    const w = world();
    const a = w.client();
    await settle();
    a.draw('l1', [[0, 0], [0, 100]]);
    await settle();
    a.draw('far', [[1000, 500], [1000, 600]]);
    await settle();
    // The second result carries the new number only, not the untouched one.
    expect(a.of('result').at(-1)).toMatchObject({ full: false, removed: [], groups: [{ strokeIds: ['far'] }] });
    a.draw('l2', [[40, 0], [40, 100]]);
    await settle();
    expect(a.of('result').at(-1)!.groups.map((g) => g.strokeIds.sort())).toEqual([['l1', 'l2']]);

    const late = w.client();
    await settle();
    expect(late.of('result')).toHaveLength(1);
    expect(late.of('result')[0]).toMatchObject({ full: true, removed: [] });
    expect(late.numbers()).toEqual(a.numbers());
    expect(late.numbers().map((g) => g.strokeIds.sort())).toEqual([['l1', 'l2'], ['far']]);

    // Erasing the stroke that names a number removes that number for everyone.
    a.send({ type: 'erase', strokeId: 'far' });
    await settle();
    const last = a.of('result').at(-1)!;
    expect(last.removed).toEqual(['far']);
    expect(a.numbers()).toEqual(late.numbers());
    expect(a.numbers().map((g) => g.strokeIds.sort())).toEqual([['l1', 'l2']]);
  });

  it('undo removes your own last stroke, erase anyone\'s, clear everything, for everyone', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.draw('a1');
    b.draw('b1');
    a.draw('a2');
    await settle();
    b.send({ type: 'undo' });
    expect(a.of('erased').at(-1)).toMatchObject({ strokeIds: ['b1'], by: b.welcome().you.id });
    b.send({ type: 'undo' });
    expect(b.of('error').at(-1)!.code).toBe('nothing_to_undo');
    b.send({ type: 'erase', strokeId: 'a2' });
    await settle();
    expect(a.of('result').at(-1)!.strokes).toBe(1);
    a.send({ type: 'clear' });
    await settle();
    expect(b.of('cleared')).toHaveLength(1);
    expect(b.of('result').at(-1)).toMatchObject({ strokes: 0, groups: [] });
    expect(b.numbers()).toEqual([]);
    expect((await w.store.load(ROOM)).strokes).toEqual([]);
  });

  it('drops points of a stroke cleared mid-draw quietly', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.send({ type: 'stroke-begin', strokeId: 'a1', points: [[1, 1]] });
    b.send({ type: 'clear' });
    a.send({ type: 'stroke-points', strokeId: 'a1', points: [[2, 2]] });
    a.send({ type: 'stroke-end', strokeId: 'a1' });
    await settle();
    expect(a.of('error')).toEqual([]);
  });

  it('keeps acknowledged strokes through a restart (a new registry on the same store)', async () => {
    const store = new MemoryRoomStore();
    const w1 = world(store);
    const a = w1.client();
    await settle();
    a.draw('a1');
    a.draw('a2');
    await settle();
    expect(a.of('ack')).toHaveLength(2);
    const w2 = world(store);
    const b = w2.client();
    await settle();
    expect(b.welcome().board!.strokes.map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(b.of('result').at(-1)?.strokes).toBe(2);
  });
});
