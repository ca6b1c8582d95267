/**
 * Room scenario tests of the history: which settled numbers are recorded, for whom, and when.
 */
import { describe, expect, it } from 'vitest';
import { RECORD_AFTER_MS } from '../../src/realtime/history-recorder.js';
import { ManualClock } from './manual-clock.js';
import { ROOM, settle, world } from './room-world.js';

describe('rooms: history records', () => {
  it('records every writer\'s number when their pen-ups land during one recognition run, each under its own key', async () => {
    const clock = new ManualClock();
    const w = world(undefined, undefined, clock);
    const writers = ['user-1', 'user-2', 'user-3'].map((userId) => w.client({ userId }));
    await settle();
    // Back to back: the 2nd and 3rd pen-ups arrive while the 1st one's recognition runs.
    writers.forEach((c, i) => c.draw(`p${i}`, [[1000 * i, 0], [1000 * i, 100]]));
    await settle();
    clock.advance(RECORD_AFTER_MS + 300);
    expect(w.records.map((r) => [r.userId, r.key]).sort()).toEqual([
      ['user-1', `${ROOM}:p0`],
      ['user-2', `${ROOM}:p1`],
      ['user-3', `${ROOM}:p2`],
    ]);
  });

  it('records numbers still settling when the server shuts down, rather than losing them', async () => {
    const w = world();
    const logged = w.client({ userId: 'user-1' });
    await settle();
    logged.draw('l1', [[0, 0], [0, 100]]);
    await settle();
    expect(w.records).toEqual([]);
    await w.registry.close();
    expect(w.records).toHaveLength(1);
    expect(w.records[0]).toMatchObject({ userId: 'user-1', recognition: { text: '1' } });
  });

  it("records a logged-in writer's settled number in their history, once; anonymous writers' never", async () => {
    const clock = new ManualClock();
    const w = world(undefined, undefined, clock);
    const logged = w.client({ userId: 'user-1' });
    const anon = w.client();
    await settle();
    logged.draw('l1', [[0, 0], [0, 100]]);
    logged.draw('l2', [[10, 0], [10, 100]]); // same group, before it settles
    anon.draw('a1', [[900, 0], [900, 100]]);
    await settle();
    expect(w.records).toEqual([]);
    clock.advance(RECORD_AFTER_MS + 200);
    expect(w.records).toHaveLength(1);
    expect(w.records[0]).toMatchObject({ userId: 'user-1', recognition: { text: '2' } });
    expect(w.records[0].strokes).toHaveLength(2);
  });

  it('a number gone on with after its record is recorded again in place of the earlier record (a pause in "7×6=")', async () => {
    const clock = new ManualClock();
    const w = world(undefined, undefined, clock);
    const logged = w.client({ userId: 'user-1' });
    await settle();
    logged.draw('a', [[0, 0], [0, 100]]);
    await settle();
    clock.advance(RECORD_AFTER_MS + 200);
    expect(w.records.map((r) => [r.key, r.replaces])).toEqual([[`${ROOM}:a`, undefined]]);
    logged.draw('b', [[10, 0], [10, 100]]); // the same number, after its record
    await settle();
    clock.advance(RECORD_AFTER_MS + 200);
    expect(w.records.map((r) => [r.key, r.strokes.length, r.replaces])).toEqual([
      [`${ROOM}:a`, 1, undefined],
      [`${ROOM}:b`, 2, [`${ROOM}:a`]],
    ]);
  });

  it('a number another writer goes on with is theirs to record: the first writer keeps their record', async () => {
    const clock = new ManualClock();
    const w = world(undefined, undefined, clock);
    const first = w.client({ userId: 'user-1' });
    const second = w.client({ userId: 'user-2' });
    await settle();
    first.draw('a', [[0, 0], [0, 100]]);
    await settle();
    clock.advance(RECORD_AFTER_MS + 200);
    second.draw('b', [[10, 0], [10, 100]]);
    await settle();
    clock.advance(RECORD_AFTER_MS + 200);
    expect(w.records.map((r) => [r.userId, r.key, r.replaces])).toEqual([
      ['user-1', `${ROOM}:a`, undefined],
      ['user-2', `${ROOM}:b`, undefined],
    ]);
  });

  it('records two numbers written less than the settling time apart as two records', async () => {
    const clock = new ManualClock();
    const w = world(undefined, undefined, clock);
    const logged = w.client({ userId: 'user-1' });
    await settle();
    logged.draw('a', [[0, 0], [0, 100]]);
    logged.draw('b', [[2000, 0], [2000, 100]]); // far away: another number
    await settle();
    clock.advance(RECORD_AFTER_MS + 200);
    expect(w.records.map((r) => r.strokes.length)).toEqual([1, 1]);
  });
});
