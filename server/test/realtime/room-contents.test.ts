/**
 * What a room gives an export (Room.contents, board-contents.ts): strokes with the time they were
 * written, the numbers once read, and writers' names, present or from the writer directory. In
 * memory, on a manual clock, with a recognizer the test answers.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../common/protocol.js';
import { MemoryWriters } from '../../src/db/board-writers.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { SETTLE_MAX_MS } from '../../src/realtime/board-contents.js';
import { Connection } from '../../src/realtime/connection.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';
import { ManualClock } from './manual-clock.js';
import { heldBack, reading, ROOM, settle } from './room-world.js';

function setup(store = new MemoryRoomStore(), writers = new MemoryWriters()) {
  const clock = new ManualClock();
  const recognizer = heldBack();
  const registry = new RoomRegistry({ store, writers, recognize: recognizer.recognize, modelVersion: 'test', log: { warn: () => {} }, clock });
  const join = (name: string, client: string) => {
    const socket = { send: () => {}, close: () => {} };
    const conn = new Connection(socket, registry, { warn: () => {} }, null);
    const send = (m: unknown) => conn.handle(JSON.stringify(m));
    send({ type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, name, client });
    return {
      draw: (id: string, x: number) => {
        send({ type: 'stroke-begin', strokeId: id, points: [[x, 0]] });
        send({ type: 'stroke-points', strokeId: id, points: [[x, 100]] });
        send({ type: 'stroke-end', strokeId: id });
      },
      close: () => conn.dispose(),
    };
  };
  return { clock, recognizer, registry, store, writers, join };
}

describe('a room\'s contents for an export', () => {
  it('stamps strokes with when they were written, waits for the numbers being read, and names their writers', async () => {
    const { clock, recognizer, registry, store, writers, join } = setup();
    const ana = join('Ana', 'a'.repeat(22));
    await settle();
    ana.draw('s1', 100);
    clock.advance(1_000);
    ana.draw('s2', 110);
    await settle();
    const written = clock.now();
    expect(store.records.get(ROOM)!.flatMap((r) => (r.t === 'stroke' ? [[r.stroke.id, r.stroke.at]] : []))).toEqual([
      ['s1', written - 1_000],
      ['s2', written],
    ]);

    const room = await registry.get(ROOM);
    let contents: Awaited<ReturnType<typeof room.contents>> | undefined;
    void room.contents().then((c) => (contents = c));
    await settle();
    clock.advance(100);
    await settle();
    expect(contents).toBeUndefined(); // the number is still being read
    for (const call of recognizer.calls.splice(0)) call.resolve(reading('11'));
    await settle();
    clock.advance(25);
    await settle();
    expect(contents!.groups.map((g) => [g.result.text, g.strokeIds])).toEqual([['11', ['s1', 's2']]]);
    expect(contents!.strokes.map((s) => [s.id, s.at])).toEqual([
      ['s1', written - 1_000],
      ['s2', written],
    ]);
    expect(contents!.names.get(contents!.strokes[0].author)).toBe('Ana');

    // After a restart, with Ana gone: her name comes from the writer directory.
    ana.close();
    await registry.close();
    const again = setup(store, writers);
    const reopened = await again.registry.get(ROOM);
    void reopened.contents().then((c) => (contents = c));
    contents = undefined;
    await settle();
    for (const call of again.recognizer.calls.splice(0)) call.resolve(reading('11'));
    await settle();
    again.clock.advance(25);
    await settle();
    expect(contents!.groups).toHaveLength(1);
    expect(contents!.strokes.map((s) => s.at)).toEqual([written - 1_000, written]);
    expect(contents!.names.get(contents!.strokes[0].author)).toBe('Ana');
    await again.registry.close();
  });

  it('gives up waiting after a while: the numbers read so far, strokes stored without a time have none', async () => {
    const store = new MemoryRoomStore();
    await store.append(ROOM, { t: 'stroke', stroke: { id: 'old', author: 'gone', color: '#000', points: [[0, 0], [0, 100]] } });
    const { clock, registry } = setup(store);
    const room = await registry.get(ROOM);
    let contents: Awaited<ReturnType<typeof room.contents>> | undefined;
    void room.contents().then((c) => (contents = c));
    await settle();
    clock.advance(SETTLE_MAX_MS - 100);
    await settle();
    expect(contents).toBeUndefined();
    clock.advance(100);
    await settle();
    expect(contents).toEqual({ strokes: [{ id: 'old', author: 'gone', color: '#000', points: [[0, 0], [0, 100]] }], groups: [], names: new Map() });
    await registry.close();
  });
});
