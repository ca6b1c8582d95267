/** The writers of each board in the database (server/src/db/board-writers.ts), on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardWriters, writerKey } from '../../src/db/board-writers.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migratedDatabase, PROVIDERS, stopOwnCluster, type TestDatabase } from './helper.js';

afterAll(() => stopOwnCluster());

const me = { id: 'p1', name: 'Calm Otter', color: '#1f6feb' };
const KEY = 'k'.repeat(22);

describe.each(PROVIDERS)('board writers on %s', (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    db = (await createDb(database.url)).db;
    return async () => {
      await db.$disconnect();
      await database.drop();
    };
  });

  it('finds a writer by the hash of their key, per board, and stores only the hash', async () => {
    const writers = new BoardWriters(db);
    await writers.remember('room-a', writerKey(KEY), me);
    expect(await writers.find('room-a', writerKey(KEY))).toEqual(me);
    expect(await writers.find('room-b', writerKey(KEY))).toBeNull();
    expect(await writers.find('room-a', writerKey('z'.repeat(22)))).toBeNull();
    const rows = await db.boardWriter.findMany({ where: { roomId: 'room-a' } });
    expect(rows.map((r) => r.key)).toEqual([writerKey(KEY)]);
    expect(JSON.stringify(rows)).not.toContain(KEY);
  });

  it('a writer remembered again is updated, not doubled', async () => {
    const writers = new BoardWriters(db);
    await writers.remember('room-c', writerKey(KEY), me);
    await writers.remember('room-c', writerKey(KEY), { ...me, name: 'Ada' });
    expect(await writers.find('room-c', writerKey(KEY))).toEqual({ ...me, name: 'Ada' });
    expect(await db.boardWriter.count({ where: { roomId: 'room-c' } })).toBe(1);
  });

  it('keeps the most recently seen writers of a board, up to its bound', async () => {
    const writers = new BoardWriters(db, 3);
    const t0 = Date.parse('2026-12-06T12:00:00Z');
    for (let i = 0; i < 5; i++) await writers.remember('room-d', `key-${i}`, { ...me, id: `p${i}` }, new Date(t0 + i * 1000));
    // key-0 comes back: seen last, it stays; the next oldest go.
    await writers.remember('room-d', 'key-0', { ...me, id: 'p0' }, new Date(t0 + 9000));
    const kept = await db.boardWriter.findMany({ where: { roomId: 'room-d' }, orderBy: { key: 'asc' } });
    expect(kept.map((r) => r.key)).toEqual(['key-0', 'key-3', 'key-4']);
    // Other boards are not touched.
    await writers.remember('room-e', 'key-x', me, new Date(t0));
    expect(await db.boardWriter.count({ where: { roomId: 'room-d' } })).toBe(3);
  });

  it('a row that is not a participant is no writer', async () => {
    const writers = new BoardWriters(db);
    await db.boardWriter.create({ data: { roomId: 'room-f', key: 'bad-json', participant: '{not json', seenAt: new Date() } });
    await db.boardWriter.create({ data: { roomId: 'room-f', key: 'bad-shape', participant: '{"id":1}', seenAt: new Date() } });
    expect(await writers.find('room-f', 'bad-json')).toBeNull();
    expect(await writers.find('room-f', 'bad-shape')).toBeNull();
  });

  it('names a board\'s writers by participant id: the latest name of each, rows that are not participants left out', async () => {
    const writers = new BoardWriters(db);
    const t0 = Date.parse('2026-12-06T12:00:00Z');
    await writers.remember('room-g', 'key-1', me, new Date(t0));
    await writers.remember('room-g', 'key-2', { ...me, name: 'Ada' }, new Date(t0 + 1000));
    await writers.remember('room-g', 'key-3', { ...me, id: 'p2', name: 'Bo' }, new Date(t0));
    await writers.remember('room-h', 'key-4', { ...me, id: 'p3', name: 'Elsewhere' }, new Date(t0));
    await db.boardWriter.create({ data: { roomId: 'room-g', key: 'bad-json', participant: '{not json', seenAt: new Date(t0) } });
    expect(await writers.names('room-g')).toEqual(new Map([['p1', 'Ada'], ['p2', 'Bo']]));
    expect(await writers.names('room-none')).toEqual(new Map());
  });
});
