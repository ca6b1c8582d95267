/**
 * Room scenario tests of recognition scheduling, with a recognizer held back so that the test
 * decides when and in which order recognitions finish: no waiting on other numbers, no stale
 * results, retries after a failure, and a random walk checked against a fresh grouping.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { groupByPlace } from '../../../common/grouping.js';
import type { GroupResult } from '../../../common/protocol.js';
import { heldBack, reading, ROOM, settle, world } from './room-world.js';

describe('rooms: recognition', () => {
  it("broadcasts a number's result without waiting for another number's recognition", async () => {
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const a = w.client();
    const b = w.client();
    await settle();
    a.draw('first', [[0, 0], [0, 100]]);
    await settle();
    b.draw('second', [[1000, 0], [1000, 100]]); // another number, while the first one's recognition is held back
    await settle();
    expect(held.calls).toHaveLength(2);
    held.calls[1].resolve(reading('second'));
    await settle();
    for (const c of [a, b]) expect(c.of('result')).toMatchObject([{ strokes: 2, result: { text: 'second' }, groups: [{ strokeIds: ['second'] }], removed: [] }]);
    held.calls[0].resolve(reading('first'));
    await settle();
    for (const c of [a, b]) expect(c.numbers().map((g) => [g.strokeIds, g.result.text])).toEqual([[['first'], 'first'], [['second'], 'second']]);
  });

  it('never broadcasts a recognition of a number that changed meanwhile or was cleared; members end with the fresh one', async () => {
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const a = w.client();
    await settle();
    a.draw('s1', [[0, 0], [0, 100]]);
    await settle();
    a.draw('s2', [[40, 0], [40, 100]]); // joins s1's number while it is being recognized
    await settle();
    expect(held.calls.map((c) => c.strokes.length)).toEqual([1, 2]);
    held.calls[1].resolve(reading('s1 s2'));
    await settle();
    held.calls[0].resolve(reading('s1')); // the stale one finishes last
    await settle();
    expect(a.of('result').map((r) => r.groups.map((g) => g.result.text))).toEqual([['s1 s2']]);
    expect(a.numbers()).toMatchObject([{ strokeIds: ['s1', 's2'], result: { text: 's1 s2' } }]);

    a.draw('s3', [[600, 0], [600, 100]]);
    await settle();
    a.send({ type: 'clear' });
    await settle();
    held.calls[2].resolve(reading('s3')); // recognized before the clear, finished after it
    await settle();
    expect(a.of('result').at(-1)).toMatchObject({ strokes: 0, groups: [], removed: ['s1'] });
    expect(a.numbers()).toEqual([]);
    const late = w.client();
    await settle();
    expect(late.numbers()).toEqual([]);
  });

  it('reports a failed recognition and tries that number again with the next change', async () => {
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const a = w.client();
    await settle();
    a.draw('f1', [[0, 0], [0, 100]]);
    await settle();
    held.calls[0].reject(new Error('model unavailable'));
    await settle();
    expect(a.of('error').map((e) => e.code)).toEqual(['recognition_failed']);
    expect(a.of('result')).toEqual([]);
    a.draw('f2', [[1000, 0], [1000, 100]]);
    await settle();
    expect(held.calls.slice(1).map((c) => c.strokes.length)).toEqual([1, 1]);
    for (const call of held.calls.slice(1)) call.resolve(reading(String(call.strokes[0][0][0])));
    await settle();
    expect(a.numbers().map((g) => [g.strokeIds, g.result.text])).toEqual([[['f1'], '0'], [['f2'], '1000']]);
  });

  it('stays busy while recognizing, and a closed room broadcasts nothing', async () => {
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const a = w.client();
    await settle();
    a.draw('c1', [[0, 0], [0, 100]]);
    await settle();
    a.close();
    const room = await w.registry.get(ROOM);
    const later = Date.now() + 10 * 60_000; // past any resume window
    expect(room.idle(later)).toBe(false);
    held.calls[0].resolve(reading('1'));
    await settle();
    expect(room.idle(later)).toBe(true);

    const b = w.client();
    await settle();
    b.draw('c2', [[500, 0], [500, 100]]);
    await settle();
    room.close();
    held.calls[1].resolve(reading('1'));
    await settle();
    expect(b.of('result')).toHaveLength(1); // the welcome's, none since
  });

  it.each([1, 2, 3, 4])('members end with a fresh grouping and recognition of the board after a random walk of writing, undo, erase and clear (seed %i)', async (seed) => {
    const rand = seedrandom(`${seed}`);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    // Every stroke carries its number as t: the recognizer reads which strokes it was given.
    const read = (strokes: readonly number[][][]) => reading(strokes.map((s) => s[0][2]).sort((x, y) => x - y).join(' '));
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const writers = [w.client(), w.client(), w.client()];
    const watcher = w.client();
    await settle();
    // Numbers written at a few spots, close enough that strokes join, bridge and split numbers.
    const spots = Array.from({ length: 5 }, () => [Math.round(rand() * 1500), Math.round(rand() * 900)]);
    const drawn: string[] = [];
    const finishSome = () => {
      while (held.calls.length > 0 && rand() < 0.6) {
        const [call] = held.calls.splice(Math.floor(rand() * held.calls.length), 1);
        call.resolve(read(call.strokes));
      }
    };
    for (let n = 0; n < 160; n++) {
      const r = rand();
      if (r < 0.6) {
        const [cx, cy] = pick(spots);
        const x = cx + Math.round((rand() - 0.5) * 300), y = cy + Math.round((rand() - 0.5) * 200), h = 20 + Math.round(rand() * 80);
        pick(writers).draw(`s${n}`, [[x, y, n], [x + Math.round(rand() * 40), y + h, n]]);
        drawn.push(`s${n}`);
      } else if (r < 0.75) pick(writers).send({ type: 'undo' });
      else if (r < 0.97 && drawn.length > 0) pick(writers).send({ type: 'erase', strokeId: pick(drawn) });
      else pick(writers).send({ type: 'clear' });
      finishSome();
      if (rand() < 0.5) await settle(); // otherwise the next change lands in the same turn
    }
    // The walk may have ended with a clear: a last stroke leaves something to compare.
    const [lx, ly] = spots[0];
    writers[0].draw('s160', [[lx, ly, 160], [lx + 10, ly + 60, 160]]);
    for (;;) {
      await settle();
      if (held.calls.length === 0) break;
      while (held.calls.length > 0) finishSome();
    }

    const late = w.client();
    await settle();
    const strokes = late.welcome().board!.strokes;
    const fresh = groupByPlace(strokes).map((g) => ({
      id: g.strokeIds[0],
      box: { x: g.box.minX, y: g.box.minY, width: g.box.maxX - g.box.minX, height: g.box.maxY - g.box.minY },
      strokeIds: g.strokeIds,
      result: read(g.strokeIds.map((id) => strokes.find((s) => s.id === id)!.points)),
    }));
    // Ids aside: a room names a number after its first completed stroke, a fresh grouping after the first drawn.
    const normalized = (groups: GroupResult[]) =>
      groups.map((g) => ({ ...g, id: '', strokeIds: [...g.strokeIds].sort() })).sort((x, y) => (x.strokeIds.join() < y.strokeIds.join() ? -1 : 1));
    expect(fresh.length).toBeGreaterThan(0);
    for (const c of [...writers, watcher, late]) {
      expect(normalized(c.numbers())).toEqual(normalized(fresh));
      expect(c.of('result').at(-1)!.strokes).toBe(strokes.length);
    }
    // Erasing or undoing what is gone is refused; nothing else went wrong.
    for (const code of new Set(writers.flatMap((c) => c.of('error').map((e) => e.code)))) expect(['unknown_stroke', 'nothing_to_undo']).toContain(code);
  });
});
