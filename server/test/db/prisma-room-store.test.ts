import { afterAll, describe, expect, it, vi } from 'vitest';
import { startPgCluster } from '../../../scripts/db-pg-cluster.js';
import { createDb, type Db } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { LocalBus } from '../../src/realtime/bus.js';
import { board, PrismaRoomStore, type PrismaRoomStoreOptions } from '../../src/db/prisma-room-store.js';
import type { StoredBoard, StoreRecord } from '../../src/db/room-store.js';
import { migratedDatabase, PROVIDERS, stopOwnCluster } from '../db/helper.js';

afterAll(stopOwnCluster);

function stroke(id: string, seq?: number, points: number[][] = [[1, 2, 0]]): StoreRecord {
  return { t: 'stroke', stroke: { id, author: 'a', color: '#000', points }, ...(seq === undefined ? {} : { seq }) };
}

const ids = ({ strokes }: StoredBoard) => strokes.map((s) => s.id);

/** An outage that the test switches on and off, in the shape Prisma reports one. */
function switchableOutage(db: Db) {
  const state = { down: false, calls: 0, refused: 0 };
  const inner = new PrismaRoomStore(db);
  const waiters: { count: number; resolve: () => void }[] = [];
  /** Resolves once `count` writes have been refused. */
  const refusedAtLeast = (count: number) => new Promise<void>((resolve) => (state.refused >= count ? resolve() : waiters.push({ count, resolve })));
  const write = async (roomId: string, records: StoreRecord[]) => {
    state.calls++;
    if (state.down) {
      state.refused++;
      for (const w of waiters.filter((w) => state.refused >= w.count)) w.resolve();
      throw Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'ECONNREFUSED' });
    }
    // The real transaction, through the store's own writer.
    await (inner as unknown as { writeBatch(r: string, recs: StoreRecord[]): Promise<void> }).writeBatch(roomId, records);
  };
  return { state, write, refusedAtLeast };
}

async function rowCount(db: Db, roomId: string): Promise<number> {
  return db.boardRecord.count({ where: { roomId } });
}

const settledState = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setTimeout(r, 0));
  return () => state;
};

describe.each(PROVIDERS)('PrismaRoomStore on %s', (provider) => {
  async function withStore(fn: (t: { db: Db; store: PrismaRoomStore }) => Promise<void>, options: PrismaRoomStoreOptions = {}) {
    const database = await migratedDatabase(provider);
    const { db } = await createDb(database.url);
    const store = new PrismaRoomStore(db, { minBackoffMs: 5, maxBackoffMs: 20, ...options });
    try {
      await fn({ db, store });
    } finally {
      await store.close();
      await db.$disconnect();
      await database.drop();
    }
  }

  it('stores strokes, erases and clears and loads them in seq order', async () => {
    await withStore(async (t) => {
      const { store } = t;
      expect(await store.load('r1')).toEqual({ strokes: [], corrections: [] });
      // Out of order, as records from different nodes arrive.
      await store.append('r1', stroke('b', 2));
      await store.append('r1', stroke('a', 1));
      await store.append('r1', stroke('d', 4));
      await store.append('r1', { t: 'erase', ids: ['d'], seq: 5 });
      await store.append('r1', stroke('c', 3));
      expect(ids(await store.load('r1'))).toEqual(['a', 'b', 'c']);
      expect((await store.load('r1')).strokes[0]).toEqual({ id: 'a', author: 'a', color: '#000', points: [[1, 2, 0]] });
      // A clear at seq 7; then a stroke drawn before it (seq 6) arrives late, and one after it.
      await store.append('r1', { t: 'clear', seq: 7 });
      await store.append('r1', stroke('e', 8));
      await store.append('r1', stroke('late', 6));
      expect(ids(await store.load('r1'))).toEqual(['e']);
      // The clear deleted what it made obsolete, and the late stroke was never stored.
      expect(await rowCount(t.db, 'r1')).toBe(2);
      // An older clear arriving after a newer one changes nothing.
      await store.append('r1', { t: 'clear', seq: 7 });
      await store.append('r1', { t: 'clear', seq: 1 });
      expect(ids(await store.load('r1'))).toEqual(['e']);
      expect(await rowCount(t.db, 'r1')).toBe(2);
      // Other rooms are untouched.
      await store.append('r2', stroke('x', 1));
      await store.append('r1', { t: 'clear', seq: 9 });
      expect(ids(await store.load('r2'))).toEqual(['x']);
      expect(await store.load('r1')).toEqual({ strokes: [], corrections: [], seq: 9 });
      expect(store.stats).toMatchObject({ queued: 0, written: 12, failing: false });
    });
  });

  it('a single node started again numbers after the stored seqs, so its clear removes what came before', async () => {
    await withStore(async ({ store }) => {
      await store.append('r', stroke('a', 1));
      await store.append('r', stroke('b', 2));
      // The next session: a LocalBus seeded from the store, as the server opens a room.
      const bus = new LocalBus();
      const handlers = { change: () => {}, signal: () => {}, resync: () => {} };
      const { channel, snapshot } = await bus.open('r', handlers, () => store.load('r'));
      expect(snapshot.seq).toBe(2);
      const seq = await channel.publish({ type: 'cleared', by: 'p' });
      expect(seq).toBe(3);
      await store.append('r', { t: 'clear', seq });
      // Numbered from 0 again, the clear (seq 1) kept a and b, which came back on the next load.
      expect(ids(await store.load('r'))).toEqual([]);
    });
  });

  it('stores a stroke appended twice (a replay after a node died) once', async () => {
    await withStore(async (t) => {
      const { store } = t;
      await store.append('r', stroke('s1', 1, [[1, 1]]));
      await store.append('r', stroke('s2', 2));
      // Re-sent through another node with a new seq: the first copy stands.
      await store.append('r', stroke('s1', 3, [[9, 9]]));
      await Promise.all([store.append('r', stroke('s3', 4)), store.append('r', stroke('s3', 4))]);
      const strokes = await store.load('r');
      expect(ids(strokes)).toEqual(['s1', 's2', 's3']);
      expect(strokes.strokes[0].points).toEqual([[1, 1]]);
      expect(await rowCount(t.db, 'r')).toBe(3);
    });
  });

  it('orders records without seq by arrival; a clear without seq empties the room', async () => {
    await withStore(async (t) => {
      const { store } = t;
      await store.append('r', stroke('z'));
      await store.append('r', stroke('y'));
      await store.append('r', { t: 'erase', ids: ['z'] });
      await store.append('r', stroke('x'));
      expect(ids(await store.load('r'))).toEqual(['y', 'x']);
      await store.append('r', { t: 'clear' });
      expect(await rowCount(t.db, 'r')).toBe(0);
      await store.append('r', stroke('w'));
      expect(ids(await store.load('r'))).toEqual(['w']);
    });
  });

  it('keeps corrections in seq order: withdrawn, erased and cleared ones are gone', async () => {
    await withStore(async ({ store }) => {
      const correct = (groupId: string, strokeIds: string[], text: string, seq: number): StoreRecord => ({ t: 'correct', correction: { groupId, strokeIds, text, by: 'p', name: 'Ada' }, seq });
      await store.append('r', stroke('a', 1));
      await store.append('r', stroke('b', 2));
      await store.append('r', correct('b', ['b'], '', 5)); // arrives first, applies after the next one
      await store.append('r', correct('b', ['b'], '4', 4));
      await store.append('r', correct('a', ['a'], '7', 3));
      expect((await store.load('r')).corrections).toEqual([{ groupId: 'a', strokeIds: ['a'], text: '7', by: 'p', name: 'Ada' }]);
      await store.append('r', { t: 'erase', ids: ['a'], seq: 6 });
      expect(await store.load('r')).toMatchObject({ corrections: [] });
      await store.append('r', correct('b', ['b'], '1', 7));
      await store.append('r', { t: 'clear', seq: 8 });
      expect(await store.load('r')).toMatchObject({ strokes: [], corrections: [] });
    });
  });

  it('keeps a room\'s rows within about twice the live board through 10,000 undo/redo cycles, and at its size once released', async () => {
    await withStore(async ({ db, store }) => {
      const inked = (id: string) => ({ id, author: 'a', color: '#000', points: Array.from({ length: 200 }, (_, i) => [i % 1600, (i * 7) % 1000]) });
      const chars = async () => {
        const [{ n }] = await db.$queryRaw<{ n: bigint | number }[]>`SELECT SUM(LENGTH(body)) AS n FROM board_records WHERE "roomId" = 'r'`;
        return Number(n);
      };
      await store.load('r');
      let seq = 0;
      const current = Array.from({ length: 40 }, (_, i) => `s${i}`);
      await Promise.all(current.map((id) => store.append('r', { t: 'stroke', stroke: inked(id), seq: ++seq })));
      // As a room stores them: an undo is an erase, the redo draws the stroke again under a new id.
      for (let c = 0; c < 10_000; c += 25) {
        const round: Promise<void>[] = [];
        for (let k = c; k < c + 25; k++) {
          round.push(store.append('r', { t: 'erase', ids: [current.pop()!], seq: ++seq }));
          current.push(`r${k}`);
          round.push(store.append('r', { t: 'stroke', stroke: inked(`r${k}`), seq: ++seq }));
        }
        await Promise.all(round);
      }
      const board = await store.load('r');
      expect(ids(board)).toEqual(current);
      const live = board.strokes.reduce((n, st) => n + JSON.stringify(st).length, 0);
      // The board as last compacted, as much again written, and one batch (200 records, ~240 KB).
      // Without compaction: ~250 times the board.
      expect((await chars()) / live).toBeLessThanOrEqual(2 + 240_000 / live);
      expect(store.stats.compactions).toBeGreaterThan(10);
      await store.release('r');
      expect(await chars()).toBe(live);
      expect(await rowCount(db, 'r')).toBe(40);
      expect(ids(await store.load('r'))).toEqual(current);
    });
  }, 300_000);

  it('compacts without changing the board, even for records that arrive late or out of order from other nodes', async () => {
    await withStore(async ({ db, store }) => {
      const correct = (groupId: string, strokeIds: string[], text: string, seq: number): StoreRecord => ({ t: 'correct', correction: { groupId, strokeIds, text, by: 'p', name: 'Ada' }, seq });
      await store.load('r');
      const records: StoreRecord[] = [
        stroke('a', 1),
        stroke('b', 2),
        { t: 'erase', ids: ['b'], seq: 3 },
        correct('a', ['a'], '7', 4),
        correct('a', ['a'], '1', 5),
        // An erase stored before the stroke it erases (written by another node, late).
        { t: 'erase', ids: ['late'], seq: 7 },
        stroke('c', 9),
      ];
      for (const r of records) await store.append('r', r);
      const before = await store.load('r');
      await store.release('r');
      expect(await store.load('r')).toEqual(before);
      // b, its erase and the replaced correction are gone; the erase of the missing stroke stays.
      expect(await rowCount(db, 'r')).toBe(4);
      // Records written by another node after the compaction, with older seqs, sort where they belong.
      await store.append('r', stroke('late', 6));
      await store.append('r', stroke('slow', 8));
      expect(ids(await store.load('r'))).toEqual(['a', 'slow', 'c']);
      expect((await store.load('r')).corrections).toMatchObject([{ groupId: 'a', text: '1' }]);
    });
  });

  it('refuses a room whose rows are over the limit, with an alert naming it', async () => {
    const errors: string[] = [];
    await withStore(
      async ({ store }) => {
        await store.append('big', stroke('a', 1, Array.from({ length: 300 }, () => [1, 2])));
        await expect(store.load('big')).rejects.toMatchObject({ name: 'BoardTooLargeError', roomId: 'big' });
        expect(errors).toEqual([expect.stringMatching(/^board big not loaded: its rows hold \d+ characters, over the limit of 1000/)]);
        await store.append('small', stroke('a', 1));
        expect(ids(await store.load('small'))).toEqual(['a']);
      },
      { maxBoardBytes: 1000, log: { info() {}, warn() {}, error: (_o, m) => errors.push(m) } },
    );
  });

  it('keeps appends waiting through an outage, acknowledges none early, writes each once after', async () => {
    const database = await migratedDatabase(provider);
    const { db } = await createDb(database.url);
    const outage = switchableOutage(db);
    const store = new PrismaRoomStore(db, { minBackoffMs: 2, maxBackoffMs: 10, write: outage.write });
    try {
      await store.append('r', stroke('before', 1));
      outage.state.down = true;
      const appends = [stroke('a', 2), stroke('b', 3), { t: 'erase', ids: ['a'], seq: 4 } as StoreRecord, stroke('c', 5)].map((r) =>
        store.append('r', r),
      );
      const other = store.append('other', stroke('o', 1));
      const states = await Promise.all([...appends, other].map(settledState));
      // Both rooms refused, and tried again at least twice.
      await outage.refusedAtLeast(6);
      expect(states.map((s) => s())).toEqual(Array(5).fill('pending'));
      expect(store.stats).toMatchObject({ queued: 5, failing: true });
      expect(store.stats.lastError).toMatch(/reach/);
      expect(store.stats.retries).toBeGreaterThan(2);
      // Nothing half-written, and what waits is already part of the room's board.
      expect(await rowCount(db, 'r')).toBe(1);
      expect(ids(await store.load('r'))).toEqual(['before', 'b', 'c']);
      outage.state.down = false;
      await Promise.all([...appends, other]);
      expect(store.stats).toMatchObject({ queued: 0, failing: false, written: 6 });
      expect(store.stats.lastError).toBeUndefined();
      expect(ids(await store.load('r'))).toEqual(['before', 'b', 'c']);
      expect(await rowCount(db, 'r')).toBe(5);
      expect(ids(await store.load('other'))).toEqual(['o']);
    } finally {
      await store.close();
      await db.$disconnect();
      await database.drop();
    }
  });
});

describe('PrismaRoomStore queue (injected writes)', () => {
  const db = {} as Db; // never reached: every write is injected
  const down = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

  it('is bounded by records and by bytes: beyond, append rejects at once', async () => {
    const store = new PrismaRoomStore(db, { maxRecords: 3, maxBytes: 10_000, minBackoffMs: 1, maxBackoffMs: 5, write: down, closeTimeoutMs: 20 });
    const waiting = [1, 2, 3].map((n) => store.append('r', stroke(`s${n}`, n)));
    for (const p of waiting) p.catch(() => undefined);
    await expect(store.append('r', stroke('s4', 4))).rejects.toThrow(/queue is full/);
    expect(store.stats.queued).toBe(3);
    await store.close();
    for (const p of waiting) await expect(p).rejects.toThrow(/closed before the record was written/);
    expect(store.stats.queued).toBe(0);

    const small = new PrismaRoomStore(db, { maxBytes: 1500, minBackoffMs: 1, write: down, closeTimeoutMs: 20 });
    const big = Array.from({ length: 40 }, () => [1, 2, 3]); // 40 * 24 bytes + 64
    const first = small.append('r', stroke('big', 1, big));
    first.catch(() => undefined);
    await expect(small.append('r', stroke('big2', 2, big))).rejects.toThrow(/queue is full/);
    await small.close();
    await expect(first).rejects.toThrow(/closed/);
    await expect(small.append('r', stroke('after', 3))).rejects.toThrow(/closed/);
  });

  it('writes each room in order, a batch per transaction, and close() waits for the queue', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const store = new PrismaRoomStore(db, {
      write: async (roomId, records) => {
        await gate;
        batches.push(records.map((r) => `${roomId}:${r.t === 'stroke' ? r.stroke.id : r.t}`));
      },
    });
    const appends = [store.append('r', stroke('1')), store.append('r', stroke('2')), store.append('q', stroke('3')), store.append('r', { t: 'clear' })];
    const closing = store.close();
    release();
    await closing;
    await Promise.all(appends);
    expect(batches).toContainEqual(['r:1']);
    expect(batches).toContainEqual(['r:2', 'r:clear']);
    expect(batches).toContainEqual(['q:3']);
  });

  it('writes an append made the moment the previous one resolved (the drain is just ending)', async () => {
    const written: string[] = [];
    const store = new PrismaRoomStore(db, { write: async (_r, records) => void written.push(...records.map((r) => r.t)) });
    await store.append('r', { t: 'clear' });
    await store.append('r', { t: 'erase', ids: [] });
    await store.append('r', { t: 'clear' });
    expect(written).toEqual(['clear', 'erase', 'clear']);
    await store.close();
  });

  it('refuses a record that fails for another reason after a few tries, and writes the rest', async () => {
    const written: string[] = [];
    const store = new PrismaRoomStore(db, {
      minBackoffMs: 1,
      attempts: 2,
      write: async (_roomId, records) => {
        if (records.some((r) => r.t === 'stroke' && r.stroke.id === 'bad')) throw new Error('value out of range');
        written.push(...records.map((r) => (r.t === 'stroke' ? r.stroke.id : r.t)));
      },
    });
    // The first goes alone; the next four go together in one batch, which fails for 'bad'.
    const first = store.append('r', stroke('first'));
    const blocker = store.append('r', stroke('x'));
    const batch = [store.append('r', stroke('ok1')), store.append('r', stroke('bad')), store.append('r', stroke('ok2'))];
    await Promise.all([first, blocker]);
    const results = await Promise.allSettled(batch);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual(['first', 'x', 'ok1', 'ok2']);
    expect(store.stats.failing).toBe(false);
    await store.close();
  });

  it('replays like the table: seq order, late copies ignored, records without seq after what arrived before', () => {
    expect(ids(board([stroke('a', 2), stroke('b', 1), stroke('a', 3), { t: 'erase', ids: ['b'], seq: 4 }]))).toEqual(['a']);
    expect(ids(board([stroke('old', 1), { t: 'clear', seq: 5 }, stroke('late', 4), stroke('new')]))).toEqual(['new']);
    expect(ids(board([stroke('x'), stroke('y', 1), stroke('z')]))).toEqual(['x', 'y', 'z']);
  });
});

describe('PrismaRoomStore through a PostgreSQL outage', () => {
  it('waits while the server is down and flushes every record once when it is back', async () => {
    const cluster = await startPgCluster();
    const { db } = await createDb(cluster.url);
    const store = new PrismaRoomStore(db, { minBackoffMs: 20, maxBackoffMs: 200 });
    try {
      await applyMigrations(cluster.url);
      await store.append('r', stroke('before', 1));
      await cluster.pause();
      const appends = Array.from({ length: 20 }, (_, i) => store.append('r', stroke(`s${i}`, i + 2)));
      appends.push(store.append('r', { t: 'erase', ids: ['s0'], seq: 30 }));
      const states = await Promise.all(appends.map(settledState));
      // Waits (a bound, not a timing check) until the store has found the server away.
      await vi.waitFor(() => expect(store.stats.failing).toBe(true), { timeout: 30_000, interval: 20 });
      expect(states.every((s) => s() === 'pending')).toBe(true);
      expect(store.stats).toMatchObject({ queued: 21, failing: true });
      await cluster.resume();
      await Promise.all(appends);
      expect(store.stats).toMatchObject({ queued: 0, failing: false, written: 22 });
      const strokes = await store.load('r');
      expect(strokes.strokes).toHaveLength(20);
      expect(ids(strokes)[0]).toBe('before');
      expect(await rowCount(db, 'r')).toBe(22);
    } finally {
      await store.close();
      await db.$disconnect();
      await cluster.stop();
    }
  });
});
