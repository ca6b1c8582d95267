/**
 * Writers who come back (hello.client, protocol 5), in scenario tests with in-memory sockets: a
 * reload is the same participant with the same colour, and undo reaches the strokes written
 * before it; a second tab with the same key, or another key, is another writer.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, MAX_ROOM_PARTICIPANTS, PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import { Connection } from '../../src/realtime/connection.js';
import { ReturningWriters } from '../../src/realtime/returning-writers.js';
import { MemoryWriters, writerKey, type WriterDirectory } from '../../src/db/board-writers.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';

const ROOM = 'BBBBBBBBBBBBBBBBBBBBBB';
const KEY = 'k'.repeat(22);
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A server: a registry over a store and a writer directory (shared by two worlds: a restart). */
function world(store = new MemoryRoomStore(), writers: WriterDirectory = new MemoryWriters(), warnings: string[] = []) {
  const registry = new RoomRegistry({
    store,
    writers,
    record: () => {},
    correct: () => {},
    recognize: async (strokes) => ({ text: String(strokes.length), digits: [], rejected: [], model: 'test', ms: 0 }),
    modelVersion: 'test',
    log: { warn: (_obj, msg) => warnings.push(msg) },
  });
  const client = (client?: string) => {
    const inbox: ServerMessage[] = [];
    const closes: number[] = [];
    const socket = { send: (d: string) => inbox.push(JSON.parse(d)), close: (code: number) => closes.push(code) };
    const conn = new Connection(socket, registry, { warn: () => {} }, null);
    const send = (m: unknown) => conn.handle(JSON.stringify(m));
    send({ type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, ...(client ? { client } : {}) });
    const of = <T extends ServerMessage['type']>(type: T) => inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    const draw = (id: string) => {
      send({ type: 'stroke-begin', strokeId: id, points: [[0, 0]] });
      send({ type: 'stroke-end', strokeId: id });
    };
    return { inbox, closes, send, of, draw, welcome: () => of('welcome')[0], close: () => conn.dispose() };
  };
  return { client, stop: () => registry.close() };
}

describe('writers who come back', () => {
  it('a reload with the same key is the same participant, and undo reaches the strokes written before it', async () => {
    const w = world();
    const before = w.client(KEY);
    const other = w.client();
    await settle();
    before.draw('s1');
    before.draw('s2');
    await settle();
    const you = before.welcome().you;
    before.close();

    const after = w.client(KEY);
    await settle();
    expect(after.welcome().you).toEqual(you);
    expect(after.welcome().board?.strokes.map((s) => [s.id, s.author])).toEqual([
      ['s1', you.id],
      ['s2', you.id],
    ]);
    // Listed once: the page before the reload is gone.
    expect(other.of('presence').at(-1)!.participants.filter((p) => p.id === you.id)).toHaveLength(1);

    after.send({ type: 'undo' });
    after.send({ type: 'undo' });
    await settle();
    expect(other.of('erased').map((e) => [e.strokeIds, e.by])).toEqual([
      [['s2'], you.id],
      [['s1'], you.id],
    ]);
  });

  it('a second tab with the same key while the first is connected is another writer', async () => {
    const w = world();
    const first = w.client(KEY);
    await settle();
    const second = w.client(KEY);
    await settle();
    expect(second.welcome().you.id).not.toBe(first.welcome().you.id);
    // Its own undo does not reach the first tab's strokes.
    first.draw('s1');
    await settle();
    second.send({ type: 'undo' });
    await settle();
    expect(second.of('error').map((e) => e.code)).toEqual(['nothing_to_undo']);
  });

  it('another key, or none, is a new writer; keys are not shown to anyone', async () => {
    const w = world();
    const a = w.client(KEY);
    await settle();
    a.draw('s1');
    await settle();
    a.close();
    const b = w.client('z'.repeat(22));
    const c = w.client();
    await settle();
    expect(b.welcome().you.id).not.toBe(a.welcome().you.id);
    expect(c.welcome().you.id).not.toBe(a.welcome().you.id);
    expect(JSON.stringify([...a.inbox, ...b.inbox, ...c.inbox])).not.toContain(KEY);
  });
});

describe('writers who come back after a restart', () => {
  it('the same key is the same participant, with its colour, and undo reaches the strokes written before', async () => {
    const store = new MemoryRoomStore();
    const writers = new MemoryWriters();
    const first = world(store, writers);
    const before = first.client(KEY);
    await settle();
    before.draw('s1');
    before.draw('s2');
    await settle();
    const you = before.welcome().you;
    before.close();
    await first.stop();

    const second = world(store, writers);
    const after = second.client(KEY);
    await settle();
    const other = second.client();
    await settle();
    expect(after.welcome().you).toEqual(you);
    // Someone new takes a colour nobody present wears.
    expect(other.welcome().you.color).not.toBe(you.color);
    after.send({ type: 'undo' });
    after.send({ type: 'undo' });
    await settle();
    expect(other.of('erased').map((e) => [e.strokeIds, e.by])).toEqual([
      [['s2'], you.id],
      [['s1'], you.id],
    ]);
    // The directory holds the key's hash, never the key.
    expect([...writers.rows.keys()]).toEqual([`${ROOM} ${writerKey(KEY)}`]);
  });

  it('a directory that cannot answer makes a new writer, and the join still works', async () => {
    const warnings: string[] = [];
    const broken: WriterDirectory = { find: () => Promise.reject(new Error('database away')), remember: () => Promise.reject(new Error('database away')) };
    const w = world(new MemoryRoomStore(), broken, warnings);
    const a = w.client(KEY);
    await settle();
    expect(a.welcome().you.id).toBeTruthy();
    a.draw('s1');
    await settle();
    expect(a.of('ack').map((m) => m.strokeId)).toEqual(['s1']);
    expect(warnings).toEqual(['looking up a returning writer failed; they join as a new writer', 'remembering a writer failed']);
    // This node still knows them after a reload.
    a.close();
    const b = w.client(KEY);
    await settle();
    expect(b.welcome().you).toEqual(a.welcome().you);
  });
});

describe('a full board', () => {
  it('admits no more writers than it holds while their keys are looked up', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // Every lookup waits until all the writers have said hello: their joins overlap.
    const slow: WriterDirectory = { find: () => answered.then(() => null), remember: async () => {} };
    const w = world(new MemoryRoomStore(), slow);
    const clients = Array.from({ length: MAX_ROOM_PARTICIPANTS + 5 }, (_, i) => w.client(`key-${String(i).padStart(16, '0')}`));
    await settle();
    answer();
    await settle();
    expect(clients.filter((c) => c.welcome())).toHaveLength(MAX_ROOM_PARTICIPANTS);
    expect(clients.flatMap((c) => c.closes)).toEqual(Array(5).fill(CloseCode.roomFull));
  });
});

describe('ReturningWriters', () => {
  it('after the old session is forgotten, finds the writer\'s strokes on the board in order', () => {
    const writers = new ReturningWriters();
    const me = { id: 'p1', name: 'Calm Otter', color: '#1f6feb' };
    writers.remember(KEY, me);
    const strokes = [
      { id: 'a', author: 'p1', done: true },
      { id: 'b', author: 'p2', done: true },
      { id: 'c', author: 'p1', done: false },
      { id: 'd', author: 'p1', done: true },
    ];
    expect(writers.find(KEY, [], strokes)).toEqual({ participant: me, own: ['a', 'd'] });
    expect(writers.find(undefined, [], strokes)).toBeUndefined();
    expect(writers.find('unknown-key-000000', [], strokes)).toBeUndefined();
  });

  it('takes over the session the writer left, and not one that is still connected', () => {
    const writers = new ReturningWriters();
    const me = { id: 'p1', name: 'Calm Otter', color: '#1f6feb' };
    writers.remember(KEY, me);
    const left = { session: 'old', participant: me, socket: null, own: ['a', 'd'] };
    expect(writers.find(KEY, [left], [])).toEqual({ participant: me, own: ['a', 'd'], replaces: 'old' });
    expect(writers.find(KEY, [{ ...left, socket: {} }], [])).toBeUndefined();
  });
});
