/**
 * Scenario tests of shared boards with in-memory sockets, deterministic: handshake, late join,
 * live ink fan-out, reconnect-resume without loss or duplicates, undo/erase/clear, version
 * mismatch, malformed frames, full rooms, rate limits, durability through the store.
 * The recognizer here reports how many strokes it was given, or is held back so that a test
 * decides when (and in which order) recognitions finish (the real one is in ws.test.ts).
 */
import seedrandom from 'seedrandom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupByPlace } from '../../../common/grouping.js';
import { CloseCode, MAX_ROOM_PARTICIPANTS, PROTOCOL_VERSION, type GroupResult, type ServerMessage } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import { applyDelta } from '../../../common/result-delta.js';
import { Connection, RATE } from '../../src/realtime/connection.js';
import type { Clock } from '../../src/realtime/clock.js';
import { RECORD_AFTER_MS, type BoardRecord } from '../../src/realtime/history-recorder.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';
import { ManualClock } from './manual-clock.js';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

const reading = (text: string): Recognition => ({ text, digits: [], rejected: [], model: 'test', ms: 0 });
const countStrokes = async (strokes: readonly number[][][]) => reading(String(strokes.length));

/** A recognizer that answers only when the test says so. */
function heldBack() {
  const calls: { strokes: readonly number[][][]; resolve(r: Recognition): void; reject(err: Error): void }[] = [];
  const recognize = (strokes: readonly number[][][]) => new Promise<Recognition>((resolve, reject) => calls.push({ strokes, resolve, reject }));
  return { calls, recognize };
}

function world(store = new MemoryRoomStore(), recognize = countStrokes, clock?: Clock) {
  const records: BoardRecord[] = [];
  /** History corrections the room asked for: [board key, text]. */
  const corrected: [string, string | null][] = [];
  const registry = new RoomRegistry({
    store,
    record: (r) => records.push(r),
    correct: (key, text) => corrected.push([key, text]),
    recognize,
    modelVersion: 'test',
    log: { warn: () => {} },
    nameOf: async (userId) => (userId === 'user-1' ? 'ana' : null),
    clock,
  });
  const client = (opts: { room?: string; resume?: { session: string; lastSeq: number }; hello?: unknown; userId?: string } = {}) => {
    const inbox: ServerMessage[] = [];
    const closes: { code: number; reason: string }[] = [];
    const socket = { send: (d: string) => inbox.push(JSON.parse(d)), close: (code: number, reason: string) => closes.push({ code, reason }) };
    const conn = new Connection(socket, registry, { warn: () => {} }, opts.userId ?? null);
    const send = (m: unknown) => conn.handle(typeof m === 'string' ? m : JSON.stringify(m));
    send(opts.hello ?? { type: 'hello', protocol: PROTOCOL_VERSION, room: opts.room ?? ROOM, ...(opts.resume ? { resume: opts.resume } : {}) });
    const of = <T extends ServerMessage['type']>(type: T) => inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    const welcome = () => of('welcome')[0];
    const lastSeq = () => Math.max(welcome()?.seq ?? 0, ...inbox.map((m) => ('seq' in m && m.type !== 'welcome' && m.type !== 'ack' ? m.seq : 0)));
    const draw = (id: string, points: number[][] = [[0, 0], [10, 10], [20, 30]]) => {
      send({ type: 'stroke-begin', strokeId: id, points: points.slice(0, 1) });
      send({ type: 'stroke-points', strokeId: id, points: points.slice(1) });
      send({ type: 'stroke-end', strokeId: id });
    };
    /** The board's numbers as a client holds them: every result merged in order. */
    const numbers = () => of('result').reduce<GroupResult[]>((held, r) => applyDelta(held, r), []);
    return { inbox, closes, send, of, welcome, lastSeq, draw, numbers, conn, close: () => conn.dispose() };
  };
  return { registry, store, client, records, corrected };
}

describe('rooms', () => {
  it('welcomes with identity, the board and the participants; others see the newcomer', async () => {
    const w = world();
    const a = w.client();
    await settle();
    expect(a.welcome()).toMatchObject({ protocol: PROTOCOL_VERSION, room: ROOM, seq: 0, board: { strokes: [] } });
    expect(a.welcome().you.name.length).toBeGreaterThan(2);
    const b = w.client();
    await settle();
    expect(b.welcome().participants).toHaveLength(2);
    expect(a.of('presence').at(-1)!.participants.map((p) => p.id)).toContain(b.welcome().you.id);
    expect(a.welcome().you.color).not.toBe(b.welcome().you.color);
  });

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

  it('resumes a reconnecting client with only what it missed, without duplicates', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.draw('a1');
    await settle();
    const seen = b.lastSeq();
    const session = b.welcome().session;
    b.close();
    a.draw('a2');
    a.draw('a3');
    await settle();
    const b2 = w.client({ resume: { session, lastSeq: seen } });
    await settle();
    expect(b2.welcome().board).toBeUndefined();
    expect(b2.welcome().you.id).toBe(b.welcome().you.id);
    const replayed = b2.of('stroke-begin').map((e) => e.stroke.id);
    expect(replayed).toEqual(['a2', 'a3']);
    expect(b2.inbox.filter((m) => 'seq' in m && m.type !== 'welcome' && m.type !== 'ack').every((m) => (m as { seq: number }).seq > seen)).toBe(true);
  });

  it('keeps about a megabyte of events for resuming: further behind gets the whole board, a little behind a replay', async () => {
    const w = world();
    const late = w.client();
    const recent = w.client();
    await settle();
    const sessions = [late.welcome().session, recent.welcome().session];
    const seenBefore = late.lastSeq();
    late.close();
    // 20 writers x 15 strokes x 512 points: ~2 MB of events, twice the log's byte cap.
    const writers = Array.from({ length: 20 }, () => w.client());
    await settle();
    writers.forEach((c, i) => {
      for (let k = 0; k < 15; k++) c.draw(`w${i}-${k}`, Array.from({ length: 512 }, (_, j) => [i * 100 + (j % 90), k * 100 + (j % 80), k * 512 + j]));
    });
    await settle();
    const seenLast = recent.lastSeq();
    recent.close();
    writers[0].draw('last');
    await settle();
    const far = w.client({ resume: { session: sessions[0], lastSeq: seenBefore } });
    const near = w.client({ resume: { session: sessions[1], lastSeq: seenLast } });
    await settle();
    expect(far.welcome().board!.strokes).toHaveLength(301);
    expect(near.welcome().board).toBeUndefined();
    expect(near.of('stroke-begin').map((e) => e.stroke.id)).toEqual(['last']);
  });

  it("re-sent strokes after a reconnect are idempotent: acked again, not duplicated", async () => {
    const w = world();
    const a = w.client();
    await settle();
    a.draw('a1');
    await settle();
    const session = a.welcome().session;
    a.close();
    const a2 = w.client({ resume: { session, lastSeq: 0 } });
    await settle();
    a2.draw('a1'); // the client did not see the ack and sends the stroke again
    await settle();
    expect(a2.of('ack').map((x) => x.strokeId)).toEqual(['a1']);
    expect(a2.of('error')).toEqual([]);
    expect((await w.store.load(ROOM)).strokes.map((s) => s.id)).toEqual(['a1']);
    const c = w.client();
    await settle();
    expect(c.welcome().board!.strokes).toHaveLength(1);
  });

  it('a reconnect that races the old socket keeps the new one', async () => {
    const w = world();
    const a = w.client();
    await settle();
    const session = a.welcome().session;
    const a2 = w.client({ resume: { session, lastSeq: 0 } });
    await settle();
    expect(a.closes[0]?.reason).toContain('newer connection');
    a.close(); // the old socket's close arrives late
    const b = w.client();
    await settle();
    expect(b.welcome().participants.map((p) => p.id)).toContain(a2.welcome().you.id);
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

  it('refuses the next writer of a full room with a clear close code', async () => {
    const w = world();
    for (let i = 0; i < MAX_ROOM_PARTICIPANTS; i++) w.client();
    await settle();
    const extra = w.client();
    await settle();
    expect(extra.closes).toEqual([{ code: CloseCode.roomFull, reason: expect.stringContaining(String(MAX_ROOM_PARTICIPANTS)) }]);
  });

  it('closes too-old and too-new peers with versionMismatch, and a missing hello with badHandshake', async () => {
    const w = world();
    for (const protocol of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const c = w.client({ hello: { type: 'hello', protocol } });
      expect(c.closes[0].code).toBe(CloseCode.versionMismatch);
    }
    expect(w.client({ hello: { type: 'ping', t: 1 } }).closes[0].code).toBe(CloseCode.badHandshake);
    expect(w.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: '../../etc/passwd' } }).closes[0].code).toBe(CloseCode.badHandshake);
  });

  it('answers malformed frames with errors and keeps the connection', async () => {
    const w = world();
    const a = w.client();
    await settle();
    const bad = ['{', '[]', '{"type":"nope"}', '{"type":"stroke-begin","strokeId":"x","points":[["1",2]]}', '{"type":"cursor","x":"a","y":1}', '{"type":"erase","strokeId":"missing"}', '{"type":"stroke-end","strokeId":"never"}'];
    for (const f of bad) a.send(f);
    expect(a.of('error').map((e) => e.code)).toEqual(['bad_json', 'bad_message', 'bad_message', 'bad_message', 'bad_message', 'unknown_stroke', 'unknown_stroke']);
    expect(a.closes).toEqual([]);
    a.send({ type: 'ping', t: 7 });
    expect(a.of('pong')).toEqual([{ type: 'pong', t: 7 }]);
  });

  it('rate-limits a flooding connection and finally closes it', async () => {
    const w = world();
    const a = w.client();
    await settle();
    for (let i = 0; i < RATE.messagesPerSecond * 2 + 150; i++) a.send({ type: 'ping', t: i });
    expect(a.of('error').some((e) => e.code === 'rate_limited')).toBe(true);
    expect(a.closes[0]?.code).toBe(CloseCode.rateLimited);
  });

  it('does not let one writer steal another\'s stroke id', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.send({ type: 'stroke-begin', strokeId: 's', points: [[0, 0]] });
    b.send({ type: 'stroke-begin', strokeId: 's', points: [[9, 9]] });
    b.send({ type: 'stroke-points', strokeId: 's', points: [[9, 9]] });
    expect(b.of('error').map((e) => e.code)).toEqual(['duplicate_stroke', 'unknown_stroke']);
  });

  it("shows a logged-in writer under their account's name, others under the name they asked for or a generated one", async () => {
    const w = world();
    const logged = w.client({ userId: 'user-1' });
    const named = w.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, name: 'Swift Otter' } });
    const anon = w.client();
    await settle();
    expect(logged.welcome().you.name).toBe('ana');
    expect(named.welcome().you.name).toBe('Swift Otter');
    expect(anon.welcome().you.name).toMatch(/^\S+ \S+$/);
  });

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
