/** The SQLite client's adapter: transactions on its one connection (server/src/db/sqlite-adapter.ts). */
import { readdirSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { insertRecognition, newRecognitionId } from '../../src/db/recognitions.js';
import { recognitionOf } from './fixtures.js';
import { migratedDatabase, type TestDatabase } from './helper.js';

describe('SQLite adapter', () => {
  let database: TestDatabase;
  let db: Db;
  let userId: string;
  beforeAll(async () => {
    database = await migratedDatabase('sqlite');
    db = (await createDb(database.url)).db;
    userId = (await db.user.create({ data: { email: 'adapter@example.com', passwordHash: 'x' } })).id;
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  const insert = (text = '12') =>
    insertRecognition(db, {
      id: newRecognitionId(), userId, source: 'board', createdAt: new Date(),
      input: { strokes: [[[1, 2]]], width: 1, height: 1 }, recognition: recognitionOf(text), latencyMs: 1,
    });

  it('runs concurrent transactions and reads without mixing them up', async () => {
    const before = await db.recognition.count();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? insert() : db.recognition.count())));
    expect(results).toHaveLength(40);
    expect(await db.recognition.count()).toBe(before + 20);
    expect(await db.recognizedDigit.count()).toBe((before + 20) * 2);
  });

  it('rolls back a failed transaction and leaves the connection usable', async () => {
    const before = await db.user.count();
    await expect(
      db.$transaction(async (tx) => {
        await tx.user.create({ data: { email: 'rolled-back@example.com', passwordHash: 'x' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.user.count()).toBe(before);
    await db.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'committed@example.com', passwordHash: 'x' } });
    });
    expect(await db.user.count()).toBe(before + 1);
  });

  it('does not open a file per transaction', async () => {
    const file = database.url.slice('file:'.length);
    const open = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
        } catch {
          return false;
        }
      }).length;
    await insert();
    const baseline = open();
    for (let i = 0; i < 100; i++) await insert();
    expect(open()).toBe(baseline);
  });
});
