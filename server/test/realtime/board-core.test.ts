/**
 * The board's pure core without sockets, bus or store: numbered changes in, events and results
 * out. Time does not pass here at all: recognition runs when the test runs the "soon" queue and
 * the recognizer's promise settles; history records wait on a ManualClock.
 */
import { describe, expect, it } from 'vitest';
import type { BoardEvent, ServerMessage } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import { BoardCore, type BoardListener } from '../../src/realtime/board-core.js';
import type { Change, Signal } from '../../src/realtime/bus.js';
import { EventLog } from '../../src/realtime/event-log.js';
import { HistoryRecorder, RECORD_AFTER_MS, type BoardRecord } from '../../src/realtime/history-recorder.js';
import { Presence, PRESENCE_BEAT_MS } from '../../src/realtime/presence.js';
import { ManualClock } from './manual-clock.js';

const reading = (text: string): Recognition => ({ text, digits: [], rejected: [], model: 'test', ms: 0 });
/** Lets settled promises run their callbacks: no timers involved. */
const promises = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
const line = (x: number): number[][] => [[x, 0], [x, 100]];

function harness() {
  const events: { event: BoardEvent; author?: string }[] = [];
  const messages: ServerMessage[] = [];
  const calls: string[] = [];
  const due: (() => void)[] = [];
  const recognitions: { strokes: readonly number[][][]; resolve(r: Recognition): void }[] = [];
  const listener: BoardListener = {
    event: (data, author) => events.push({ event: JSON.parse(data) as BoardEvent, author }),
    broadcast: (msg) => messages.push(msg),
    completed: (seq, stroke) => calls.push(`completed ${stroke.id} ${seq}`),
    abandoned: (id) => calls.push(`abandoned ${id}`),
    erased: (seq, ids, by) => calls.push(`erased ${ids.join(',')} by ${by}`),
    cleared: (seq, by) => calls.push(`cleared by ${by}`),
    corrected: (seq, c) => calls.push(`corrected ${c.groupId} ${c.strokeIds.join(',')} "${c.text}"`),
    correctionRefused: (by, groupId) => calls.push(`refused ${groupId} to ${by}`),
    correctionsDropped: (seq, by, dropped) => calls.push(`dropped ${dropped.map((c) => c.groupId).join(',')} by ${by}`),
    numberShown: (id) => calls.push(`shown ${id}`),
    warn: () => {},
  };
  const board = new BoardCore({
    recognize: (strokes) => new Promise((resolve) => recognitions.push({ strokes, resolve })),
    modelVersion: 'test',
    soon: (fn) => due.push(fn),
    listener,
  });
  let seq = 0;
  const apply = (...changes: Change[]) => changes.forEach((c) => board.apply(++seq, c));
  /** Ends the message being handled: what was scheduled "soon" runs. */
  const handled = () => due.splice(0).forEach((fn) => fn());
  const stroke = (id: string, points: number[][], author = 'a'): Change[] => [
    { type: 'stroke-begin', stroke: { id, author, color: '#000', points: points.slice(0, 1), done: false } },
    { type: 'stroke-points', strokeId: id, author, points: points.slice(1) },
    { type: 'stroke-end', stroke: { id, author, color: '#000', points } },
  ];
  const results = () => messages.filter((m): m is Extract<ServerMessage, { type: 'result' }> => m.type === 'result');
  return { board, events, messages, calls, recognitions, apply, handled, stroke, results };
}

describe('board core', () => {
  it('applies numbered changes once, in order, and hands out each event with its author', () => {
    const h = harness();
    h.apply(...h.stroke('s1', line(0)));
    h.board.apply(2, { type: 'cleared', by: 'b' }); // an old seq: already applied
    expect(h.board.seq).toBe(3);
    expect(h.board.allStrokes()).toEqual([{ id: 's1', author: 'a', color: '#000', points: line(0), done: true }]);
    expect(h.events.map((e) => [e.event.type, e.event.seq, e.author])).toEqual([
      ['stroke-begin', 1, 'a'],
      ['stroke-points', 2, 'a'],
      ['stroke-end', 3, 'a'],
    ]);
    expect(h.calls).toEqual(['completed s1 3']);
  });

  it('gives two replicas fed the same changes the same board', () => {
    const a = harness();
    const b = harness();
    const changes: Change[] = [...a.stroke('s1', line(0)), ...a.stroke('s2', line(500), 'b'), { type: 'erased', strokeIds: ['s1'], by: 'b' }, ...a.stroke('s3', line(900))];
    a.apply(...changes);
    b.apply(...changes);
    expect(b.board.allStrokes()).toEqual(a.board.allStrokes());
    expect(b.board.eventsSince(0)).toEqual(a.board.eventsSince(0));
  });

  it('takes a stroke whole from its end when this replica missed its beginning', () => {
    const h = harness();
    h.board.apply(7, { type: 'stroke-end', stroke: { id: 's1', author: 'a', color: '#000', points: line(0) } });
    expect(h.events.map((e) => e.event.type)).toEqual(['stroke-begin', 'stroke-end']);
    expect(h.board.stroke('s1')).toMatchObject({ done: true, points: line(0) });
  });

  it('recognizes a changed number once the message is handled, and shows it with its pen-up', async () => {
    const h = harness();
    h.apply(...h.stroke('s1', line(0)));
    expect(h.recognitions).toHaveLength(0);
    h.handled();
    expect(h.recognitions.map((r) => r.strokes)).toEqual([[line(0)]]);
    expect(h.board.recognition.busy).toBe(true);
    h.recognitions[0].resolve(reading('1'));
    await promises();
    expect(h.results().at(-1)).toMatchObject({ strokes: 1, result: { text: '1' }, groups: [{ id: 's1', strokeIds: ['s1'] }], removed: [] });
    expect(h.calls).toContain('shown s1');
    expect(h.board.recognition.busy).toBe(false);
  });

  it('never sends the result of a number that changed while it was being recognized', async () => {
    const h = harness();
    h.apply(...h.stroke('s1', line(0)));
    h.handled();
    h.apply(...h.stroke('s2', line(20))); // the same number, one more stroke
    h.handled();
    h.recognitions[0].resolve(reading('old'));
    await promises();
    expect(h.results()).toEqual([]);
    h.recognitions[1].resolve(reading('11'));
    await promises();
    expect(h.results().map((r) => [r.result.text, r.groups.map((g) => g.strokeIds)])).toEqual([['11', [['s1', 's2']]]]);
  });

  it('answers a clear at once with an empty reading', () => {
    const h = harness();
    h.apply({ type: 'cleared', by: 'a' });
    h.handled();
    expect(h.results()).toMatchObject([{ strokes: 0, result: { text: '' }, groups: [] }]);
    expect(h.calls).toEqual(['cleared by a']);
  });

  it('drops the rest of a stroke erased while it is being drawn', () => {
    const h = harness();
    const [begin, points, end] = h.stroke('s1', line(0));
    h.apply(begin, { type: 'erased', strokeIds: ['s1'], by: 'b' }, points, end);
    expect(h.calls).toEqual(['abandoned s1', 'erased s1 by b']);
    expect(h.board.isDropped('s1')).toBe(true);
    expect(h.board.allStrokes()).toEqual([]);
    expect(h.events.map((e) => e.event.type)).toEqual(['stroke-begin', 'erased']);
  });

  it('takes a correction of a number as its corrector saw it, and drops it once the strokes change', async () => {
    const h = harness();
    h.apply(...h.stroke('s1', line(0)));
    h.handled();
    h.recognitions[0].resolve(reading('1'));
    await promises();
    h.apply({ type: 'corrected', groupId: 's1', strokeIds: ['s1'], text: '7', by: 'b', name: 'Bea' });
    expect(h.results().at(-1)!.groups).toMatchObject([{ id: 's1', correctedText: '7', correctedBy: 'Bea' }]);
    h.apply(...h.stroke('s2', line(20)), { type: 'corrected', groupId: 's1', strokeIds: ['s1'], text: '9', by: 'b', name: 'Bea' });
    expect(h.calls.filter((c) => !c.startsWith('completed') && !c.startsWith('shown'))).toEqual(['corrected s1 s1 "7"', 'dropped s1 by a', 'refused s1 to b']);
  });

  it('lets a client catch up from the log only when it holds every event it missed', () => {
    const h = harness();
    h.apply(...h.stroke('s1', line(0)));
    expect(h.board.canReplayFrom(1)).toBe(true);
    expect(h.board.eventsSince(1).map((d) => (JSON.parse(d) as BoardEvent).seq)).toEqual([2, 3]);
    expect(h.board.canReplayFrom(4)).toBe(false); // ahead of the board
    h.board.reset({ seq: 10, strokes: [], corrections: [] });
    expect(h.board.canReplayFrom(3)).toBe(false); // the log starts after the reset
    expect(h.board.canReplayFrom(10)).toBe(true);
  });

  it('keeps when each stroke was completed for exports, never in what members see, and its numbers as members hold them', async () => {
    const h = harness();
    const completed: unknown[] = [];
    const listener = h.board['listener'];
    listener.completed = (_seq, stroke) => completed.push(stroke);
    h.board.reset({ seq: 0, strokes: [{ id: 'old', author: 'a', color: '#000', points: line(0), at: 5 }, { id: 'older', author: 'a', color: '#000', points: line(600) }], corrections: [] });
    h.apply({ type: 'stroke-end', stroke: { id: 's1', author: 'b', color: '#111', points: line(1200), at: 7 } });
    expect(completed).toEqual([{ id: 's1', author: 'b', color: '#111', points: line(1200), at: 7 }]);
    expect(h.board.allStrokes().some((s) => 'at' in s)).toBe(false);
    expect(h.board.storedStroke('s1')).toEqual({ id: 's1', author: 'b', color: '#111', points: line(1200), at: 7 });
    expect(h.board.storedStroke('older')).toEqual({ id: 'older', author: 'a', color: '#000', points: line(600) });
    expect(h.board.storedStroke('nope')).toBeUndefined();
    expect(h.board.contents()).toEqual({ strokes: [h.board.storedStroke('old'), h.board.storedStroke('older'), h.board.storedStroke('s1')], groups: [] });
    h.handled();
    h.recognitions.forEach((r) => r.resolve(reading('1')));
    await promises();
    expect(h.board.contents().groups.map((g) => g.strokeIds)).toEqual([['old'], ['older'], ['s1']]);
    h.apply({ type: 'erased', strokeIds: ['s1'], by: 'b' });
    h.apply({ type: 'stroke-end', stroke: { id: 's1', author: 'b', color: '#111', points: line(1200) } });
    expect(h.board.storedStroke('s1')).not.toHaveProperty('at');
    h.apply({ type: 'cleared', by: 'b' });
    h.handled();
    expect(h.board.contents()).toEqual({ strokes: [], groups: [] });
  });
});

describe('event log', () => {
  it('trims to three quarters of its cap, oldest first', () => {
    const log = new EventLog({ size: 8, bytes: 1 << 20 });
    for (let seq = 1; seq <= 9; seq++) log.push(seq, `{"seq":${seq}}`);
    expect(log.since(0)).toEqual([4, 5, 6, 7, 8, 9].map((seq) => `{"seq":${seq}}`));
    expect(log.covers(3, 9)).toBe(true);
    expect(log.covers(2, 9)).toBe(false);
  });
});

describe('presence', () => {
  it("counts other nodes' participants until they fall silent for three beats", () => {
    const presence = new Presence('n1', () => [{ id: 'me', name: 'Me', color: '#000' }]);
    const other: Signal & { type: 'presence' } = { type: 'presence', node: 'n2', participants: [{ id: 'you', name: 'You', color: '#111' }] };
    expect(presence.heard(other, 0)).toBe(true);
    expect(presence.heard(other, PRESENCE_BEAT_MS)).toBe(false);
    expect(presence.participants().map((p) => p.id)).toEqual(['me', 'you']);
    expect(presence.forgetSilent(4 * PRESENCE_BEAT_MS)).toBe(false);
    expect(presence.forgetSilent(4 * PRESENCE_BEAT_MS + 1)).toBe(true);
    expect(presence.participants().map((p) => p.id)).toEqual(['me']);
  });
});

describe('history recorder', () => {
  function recorder() {
    const clock = new ManualClock();
    const records: BoardRecord[] = [];
    const writer = { userId: 'user-1' };
    const groups = new Map<string, string[]>();
    const history = new HistoryRecorder({
      roomId: 'R',
      clock,
      record: (r) => records.push(r),
      writerOf: () => writer,
      isOnBoard: () => true,
      pointsOf: () => line(0),
      shownGroupOf: (id) => {
        const strokeIds = [...groups.values()].find((ids) => ids.includes(id));
        return strokeIds && { id: strokeIds[0], strokeIds, box: { x: 0, y: 0, width: 0, height: 100 }, result: reading(String(strokeIds.length)) };
      },
    });
    return { clock, records, groups, history };
  }

  it('records a number once it is left alone, under its last pen-up', () => {
    const r = recorder();
    r.groups.set('a', ['a']);
    r.history.schedule('a');
    r.clock.advance(RECORD_AFTER_MS - 1);
    expect(r.records).toEqual([]);
    r.groups.set('a', ['a', 'b']);
    r.history.schedule('b'); // a second stroke of the same number: one record, not two
    r.clock.advance(RECORD_AFTER_MS);
    expect(r.records).toMatchObject([{ userId: 'user-1', key: 'R:b', recognition: { text: '2' } }]);
    expect(r.clock.pending).toBe(0);
  });

  it('records what is still settling when it is flushed', () => {
    const r = recorder();
    r.groups.set('a', ['a']);
    r.groups.set('z', ['z']);
    r.history.schedule('a');
    r.history.schedule('z');
    r.history.flush();
    expect(r.records.map((x) => x.key)).toEqual(['R:a', 'R:z']);
    expect(r.clock.pending).toBe(0);
  });
});
