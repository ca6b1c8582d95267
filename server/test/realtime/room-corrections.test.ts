/**
 * Room scenario tests of corrections: a writer's reading of a number, shared with every member,
 * kept through reloads, dropped when the number changes, and carried into the history.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type GroupResult } from '../../../common/protocol.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { RATE } from '../../src/realtime/connection.js';
import { RECORD_AFTER_MS } from '../../src/realtime/history-recorder.js';
import { heldBack, reading, ROOM, world } from './room-world.js';

describe('corrections', () => {
  // Fake timers: the history's settling time passes when the test says so.
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const turn = async () => {
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
  };
  const correct = (groupId: string, strokeIds: string[], text: string) => ({ type: 'correct', groupId, strokeIds, text });
  const shown = (c: { numbers(): GroupResult[] }) => c.numbers().map((g) => [g.strokeIds.join(' '), g.correctedText ?? null, g.correctedBy ?? null]);

  it('reaches every member, a late joiner and a resuming client; "" withdraws it', async () => {
    const w = world();
    const a = w.client();
    const b = w.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, name: 'Bea' } });
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    a.draw('far', [[1000, 0], [1000, 100]]);
    await turn();
    const seenByA = a.lastSeq();
    const before = b.lastSeq();
    const session = a.welcome().session;
    a.close();
    b.send(correct('l1', ['l1'], '7'));
    await turn();
    const by = b.welcome().you.id;
    expect(b.of('corrected')).toEqual([{ type: 'corrected', seq: before + 1, groupId: 'l1', strokeIds: ['l1'], text: '7', by }]);
    expect(shown(b)).toEqual([['l1', '7', 'Bea'], ['far', null, null]]);

    const late = w.client();
    await turn();
    expect(shown(late)).toEqual(shown(b));
    const resumed = w.client({ resume: { session, lastSeq: seenByA } });
    await turn();
    expect(resumed.welcome().board).toBeUndefined();
    expect(resumed.of('corrected')).toEqual(b.of('corrected'));
    expect(resumed.numbers()[0]).toMatchObject({ correctedText: '7', correctedBy: 'Bea' });

    late.send(correct('l1', ['l1'], ''));
    await turn();
    for (const c of [b, late, resumed]) {
      expect(c.of('corrected').at(-1)).toMatchObject({ groupId: 'l1', text: '', by: late.welcome().you.id });
      expect(shown(c)).toEqual([['l1', null, null], ['far', null, null]]);
    }
  });

  it('survives a reload of the board from the store', async () => {
    const store = new MemoryRoomStore();
    const w1 = world(store);
    const a = w1.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, name: 'Ada' } });
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    a.draw('l2', [[30, 0], [30, 100]]);
    await turn();
    a.send(correct('l1', ['l2', 'l1'], '11')); // in any order
    await turn();
    await w1.registry.close();

    const w2 = world(store);
    const b = w2.client();
    await turn();
    expect(shown(b)).toEqual([['l1 l2', '11', 'Ada']]);
  });

  it('is dropped when the number\'s strokes change, and does not come back when they change back', async () => {
    const store = new MemoryRoomStore();
    const w = world(store);
    const a = w.client();
    const b = w.client();
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    a.draw('x', [[1000, 0], [1000, 100]]);
    await turn();
    b.send(correct('l1', ['l1'], '7'));
    b.send(correct('x', ['x'], '1'));
    await turn();
    a.draw('l2', [[30, 0], [30, 100]]); // joins l1's number: read afresh
    await turn();
    for (const c of [a, b]) expect(shown(c)).toEqual([['l1 l2', null, null], ['x', '1', expect.any(String)]]);
    a.send({ type: 'undo' }); // l1 alone again, as it was corrected: still not corrected
    await turn();
    for (const c of [a, b]) expect(shown(c)).toEqual([['l1', null, null], ['x', '1', expect.any(String)]]);
    b.send({ type: 'erase', strokeId: 'x' });
    a.draw('x2', [[2000, 0], [2000, 100]]);
    await turn();
    expect(shown(a)).toEqual([['l1', null, null], ['x2', null, null]]);

    // The same in a reload: nothing corrected.
    await w.registry.close();
    const again = world(store).client();
    await turn();
    expect(shown(again)).toEqual([['l1', null, null], ['x2', null, null]]);
  });

  it('is dropped when the number changes in the same turn and changes back (members hold it unchanged)', async () => {
    const w = world();
    const a = w.client();
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    await turn();
    a.send(correct('l1', ['l1'], '7'));
    await turn();
    a.draw('l2', [[30, 0], [30, 100]]);
    a.send({ type: 'undo' });
    await turn();
    expect(shown(a)).toEqual([['l1', null, null]]);
  });

  it('is refused with unknown_group for strokes the number no longer has, or a number that is not there', async () => {
    const held = heldBack();
    const w = world(undefined, held.recognize);
    const a = w.client();
    const b = w.client();
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    await turn();
    held.calls[0].resolve(reading('1'));
    await turn();
    a.draw('l2', [[30, 0], [30, 100]]); // b still holds l1 alone: its recognition is under way
    await turn();
    b.send(correct('l1', ['l1'], '7'));
    b.send(correct('nope', ['nope'], '7'));
    b.send(correct('l1', ['l1', 'l2', 'l2'], '7'));
    await turn();
    expect(b.of('error').map((e) => e.code)).toEqual(['unknown_group', 'unknown_group', 'unknown_group']);
    expect([...a.of('corrected'), ...b.of('corrected')]).toEqual([]);
    expect(a.of('error')).toEqual([]);
    b.send({ type: 'correct', groupId: 'l1', strokeIds: ['l1'], text: '7a' });
    expect(b.of('error').at(-1)!.code).toBe('bad_message');

    // The number as the room has it, before its result is out: the result carries the correction.
    b.send(correct('l1', ['l1', 'l2'], '11'));
    await turn();
    expect(b.of('corrected')).toHaveLength(1);
    held.calls[1].resolve(reading('4'));
    await turn();
    expect(b.of('result').at(-1)!.groups).toMatchObject([{ strokeIds: ['l1', 'l2'], result: { text: '4' }, correctedText: '11' }]);
  });

  it('goes into the history of a signed-in writer\'s number: in the record, or onto the record already written', async () => {
    const w = world();
    const writer = w.client({ userId: 'user-1' });
    const anon = w.client();
    await turn();
    writer.draw('l1', [[0, 0], [0, 100]]);
    await turn();
    anon.send(correct('l1', ['l1'], '7')); // before the number settles: the record carries it
    await turn();
    await vi.advanceTimersByTimeAsync(RECORD_AFTER_MS);
    expect(w.records).toMatchObject([{ key: `${ROOM}:l1`, recognition: { text: '1' }, correctedText: '7' }]);
    expect(w.corrected).toEqual([[`${ROOM}:l1`, '7']]);

    writer.draw('l2', [[30, 0], [30, 100]]);
    await turn();
    await vi.advanceTimersByTimeAsync(RECORD_AFTER_MS);
    expect(w.records.at(-1)).toMatchObject({ key: `${ROOM}:l2`, recognition: { text: '2' } });
    expect(w.records.at(-1)!.correctedText).toBeUndefined();
    anon.send(correct('l1', ['l1', 'l2'], '11')); // after: the record stored under the last pen-up takes it
    anon.send(correct('l1', ['l1', 'l2'], ''));
    await turn();
    expect(w.corrected.slice(1)).toEqual([[`${ROOM}:l2`, '11'], [`${ROOM}:l2`, null]]);
  });

  it('counts against the rate limit like any message', async () => {
    const w = world();
    const a = w.client();
    await turn();
    a.draw('l1', [[0, 0], [0, 100]]);
    await turn();
    for (let i = 0; i < RATE.messagesPerSecond * 2; i++) a.send(correct('l1', ['l1'], String(i % 10)));
    expect(a.of('error').map((e) => e.code)).toEqual(['rate_limited']);
  });
});
