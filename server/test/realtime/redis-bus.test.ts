/**
 * Two nodes in one process, each a RoomRegistry with its own RedisBus on a throwaway
 * redis-server, sharing one board store (the durable database). Clients are in-memory sockets
 * driven through Connection, as in the room-*.test.ts files. The process-level fault tests
 * (kill -9, real PostgreSQL) are in server/cluster/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import { startRedis, type RedisServer } from '../../cluster/redis.js';
import { Connection } from '../../src/realtime/connection.js';
import { RedisBus } from '../../src/realtime/redis-bus.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';

const ROOM = 'BBBBBBBBBBBBBBBBBBBBBB';
const quiet = { info: () => {}, warn: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function node(name: string, store: MemoryRoomStore) {
  const bus = new RedisBus({ url: redis.url, node: name, log: quiet });
  const registry = new RoomRegistry({
    store,
    bus,
    recognize: async (strokes) => ({ text: String(strokes.length), digits: [], rejected: [], model: 'test', ms: 0 }),
    modelVersion: 'test',
    log: quiet,
  });
  const client = (opts: { room?: string; resume?: { session: string; lastSeq: number } } = {}) => {
    const inbox: ServerMessage[] = [];
    const closes: { code: number; reason: string }[] = [];
    const socket = { send: (d: string) => inbox.push(JSON.parse(d)), close: (code: number, reason: string) => closes.push({ code, reason }) };
    const conn = new Connection(socket, registry, quiet);
    const send = (m: unknown) => conn.handle(JSON.stringify(m));
    send({ type: 'hello', protocol: PROTOCOL_VERSION, room: opts.room ?? ROOM, ...(opts.resume ? { resume: opts.resume } : {}) });
    const of = <T extends ServerMessage['type']>(type: T) => inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    const draw = (id: string, points: number[][] = [[0, 0], [10, 10], [20, 30]]) => {
      send({ type: 'stroke-begin', strokeId: id, points: points.slice(0, 1) });
      send({ type: 'stroke-points', strokeId: id, points: points.slice(1) });
      send({ type: 'stroke-end', strokeId: id });
    };
    const lastSeq = () => Math.max(of('welcome')[0]?.seq ?? 0, ...inbox.map((m) => ('seq' in m && m.type !== 'welcome' && m.type !== 'ack' ? m.seq : 0)));
    return { inbox, closes, send, of, draw, lastSeq, conn, welcome: () => of('welcome')[0] };
  };
  return { bus, registry, client, close: () => registry.close() };
}

describe('RedisBus: a board across two nodes', () => {
  it('fans strokes out across nodes with room-wide seq numbers, merges presence, and acks once stored', async () => {
    const store = new MemoryRoomStore();
    const a = node('a', store);
    const b = node('b', store);
    try {
      await Promise.all([a.bus.ready(), b.bus.ready()]);
      const alice = a.client();
      await until('alice welcomed', () => !!alice.welcome());
      const bob = b.client();
      await until('bob welcomed', () => !!bob.welcome());
      await until('both in each presence list', () =>
        [alice, bob].every((c) => c.of('presence').at(-1)?.participants.length === 2),
      );

      alice.draw('s1', [[0, 0], [5, 5], [9, 9]]);
      await until('alice acked', () => alice.of('ack').length === 1);
      await until('bob saw the stroke end', () => bob.of('stroke-end').length === 1);
      expect(bob.of('stroke-begin')[0].stroke.author).toBe(alice.welcome().you.id);
      const bobPoints = [...bob.of('stroke-begin')[0].stroke.points, ...bob.of('stroke-points').flatMap((m) => m.points)];
      expect(bobPoints).toEqual([[0, 0], [5, 5], [9, 9]]);
      // The same seq on both nodes, and stored once with it.
      expect(bob.of('stroke-end')[0].seq).toBe(alice.of('ack')[0].seq);
      expect((await store.load(ROOM)).strokes.map((s) => s.id)).toEqual(['s1']);
      await until('bob got a result', () => bob.of('result').some((r) => r.strokes === 1));

      bob.draw('s2');
      await until('alice saw bob', () => alice.of('stroke-end').length === 1);
      bob.send({ type: 'erase', strokeId: 's1' });
      await until('alice saw the erase', () => alice.of('erased').length === 1);
      expect((await store.load(ROOM)).strokes.map((s) => s.id)).toEqual(['s2']);

      alice.send({ type: 'cursor', x: 3, y: 4 });
      await until('bob saw the cursor', () => bob.of('cursor').length === 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('resumes a member on another node with its identity, the whole board and no duplicate', async () => {
    const store = new MemoryRoomStore();
    const a = node('a', store);
    const b = node('b', store);
    try {
      await Promise.all([a.bus.ready(), b.bus.ready()]);
      const room = 'CCCCCCCCCCCCCCCCCCCCCC';
      const alice = a.client({ room });
      await until('welcome', () => !!alice.welcome());
      alice.draw('s1');
      await until('ack', () => alice.of('ack').length === 1);
      // Alice's node goes away (she reconnects to b) and she re-sends s1, unsure it was stored.
      const again = b.client({ room, resume: { session: alice.welcome().session, lastSeq: alice.lastSeq() } });
      await until('welcome on b', () => !!again.welcome());
      expect(again.welcome().you.id).toBe(alice.welcome().you.id);
      expect(again.welcome().board?.strokes.map((s) => s.id)).toEqual(['s1']);
      again.draw('s1');
      await until('ack again', () => again.of('ack').length === 1);
      again.send({ type: 'undo' });
      await until('undo across nodes', () => again.of('erased').length === 1);
      expect((await store.load(room)).strokes).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('carries corrections to every node, and to a node that opens the board later (until the number changes)', async () => {
    const store = new MemoryRoomStore();
    const a = node('a', store);
    const b = node('b', store);
    const later: ReturnType<typeof node>[] = [];
    try {
      await Promise.all([a.bus.ready(), b.bus.ready()]);
      const room = 'EEEEEEEEEEEEEEEEEEEEEE';
      const alice = a.client({ room });
      const bob = b.client({ room });
      await until('welcomes', () => !!alice.welcome() && !!bob.welcome());
      alice.draw('s1', [[0, 0], [0, 100]]);
      await until('bob got the number', () => bob.of('result').some((r) => r.groups.some((g) => g.id === 's1')));
      bob.send({ type: 'correct', groupId: 's1', strokeIds: ['s1'], text: '7' });
      await until('alice saw the correction', () => alice.of('corrected').length === 1);
      expect(alice.of('corrected')[0]).toMatchObject({ groupId: 's1', text: '7', by: bob.welcome().you.id, seq: bob.of('corrected')[0].seq });
      await until('alice got the corrected number', () => alice.of('result').some((r) => r.groups.some((g) => g.correctedText === '7')));

      const opened = async (name: string) => {
        const c = node(name, store);
        later.push(c);
        await c.bus.ready();
        const carol = c.client({ room });
        await until(`welcome on ${name}`, () => carol.of('result').length === 1);
        return carol.of('result')[0].groups.map((g) => [g.id, g.correctedText ?? null]);
      };
      expect(await opened('c')).toEqual([['s1', '7']]);
      alice.draw('s2', [[30, 0], [30, 100]]); // joins s1's number: the correction goes
      await until('bob got the new number', () => bob.of('result').some((r) => r.groups.some((g) => g.strokeIds.length === 2)));
      alice.send({ type: 'undo' });
      await until('bob saw the undo', () => bob.of('erased').length === 1);
      expect(await opened('d')).toEqual([['s1', null]]);
    } finally {
      await a.close();
      await b.close();
      for (const c of later) await c.close();
    }
  });

  it('keeps serving local boards while Redis is down, then resynchronizes', async () => {
    const store = new MemoryRoomStore();
    const a = node('a', store);
    const b = node('b', store);
    try {
      await Promise.all([a.bus.ready(), b.bus.ready()]);
      const room = 'DDDDDDDDDDDDDDDDDDDDDD';
      const alice = a.client({ room });
      const bob = b.client({ room });
      await until('welcomes', () => !!alice.welcome() && !!bob.welcome());

      await redis.kill();
      await until('a sees redis down', () => a.bus.health().status === 'down');
      // Alice keeps drawing on her node: applied, stored, acknowledged.
      alice.draw('local-1');
      await until('ack without redis', () => alice.of('ack').length === 1);
      expect(bob.of('stroke-end')).toHaveLength(0);

      await redis.restart();
      await until('both back', () => a.bus.health().status === 'ok' && b.bus.health().status === 'ok', 10_000);
      // Members are asked to reconnect for the whole board.
      await until('resync closes', () => [alice, bob].every((c) => c.closes.some((x) => x.code === CloseCode.resync)), 10_000);
      const bob2 = b.client({ room, resume: { session: bob.welcome().session, lastSeq: bob.lastSeq() } });
      await until('bob rejoined', () => !!bob2.welcome());
      expect(bob2.welcome().board?.strokes.map((s) => s.id)).toEqual(['local-1']);
      // Fan-out works again.
      const alice2 = a.client({ room, resume: { session: alice.welcome().session, lastSeq: alice.lastSeq() } });
      await until('alice rejoined', () => !!alice2.welcome());
      alice2.draw('after');
      await until('bob sees new ink', () => bob2.of('stroke-end').some((m) => m.strokeId === 'after'));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
