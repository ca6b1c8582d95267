/** The history data layer (server/src/db/recognitions.ts), on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/db/accounts.js';
import { createDb, type Db } from '../../src/db/client.js';
import {
  allRecognitions,
  correctBoardRecognition,
  correctRecognition,
  decodeCursor,
  deleteAllRecognitions,
  deleteRecognition,
  encodeCursor,
  getRecognition,
  insertRecognition,
  listRecognitions,
  newRecognitionId,
  type NewRecognition,
  type RecognitionRecord,
} from '../../src/db/recognitions.js';
import { recognitionOf, STROKES } from './fixtures.js';
import { migratedDatabase, PROVIDERS, stopOwnCluster, uniqueEmail, type TestDatabase } from './helper.js';

afterAll(() => stopOwnCluster());

describe.each(PROVIDERS)('recognition history on %s', (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await migratedDatabase(provider);
    db = (await createDb(database.url)).db;
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  async function user(): Promise<string> {
    const u = await createUser(db, uniqueEmail(), 'password123');
    if (u === 'email_taken') throw new Error('unexpected');
    return u.id;
  }

  function rec(userId: string, text: string, at: Date, extra: Partial<NewRecognition> = {}): NewRecognition {
    return {
      id: newRecognitionId(),
      userId,
      source: 'board',
      createdAt: at,
      input: { strokes: STROKES, width: 300, height: 200 },
      recognition: recognitionOf(text),
      latencyMs: 4.5,
      ...extra,
    };
  }

  it('stores a recognition with its details and reads it back exactly', async () => {
    const userId = await user();
    const r = rec(userId, '507', new Date('2026-03-01T10:00:00.123Z'));
    await insertRecognition(db, r);
    const got = await getRecognition(db, userId, r.id);
    expect(got).toEqual({
      id: r.id,
      createdAt: '2026-03-01T10:00:00.123Z',
      source: 'board',
      text: '507',
      digits: r.recognition.digits,
      rejected: [],
      model: 'digitnet-test',
      latencyMs: 4.5,
      inputKind: 'strokes',
      correctedText: null,
      input: { kind: 'strokes', strokes: STROKES, width: 300, height: 200 },
    } satisfies RecognitionRecord);

    const img = rec(userId, '', new Date(), { source: 'upload', input: { thumbnail: new Uint8Array([137, 80, 78, 71]) } });
    await insertRecognition(db, img);
    const back = await getRecognition(db, userId, img.id);
    expect(back?.inputKind).toBe('image');
    expect(back?.input).toEqual({ kind: 'image', thumbnail: 'data:image/png;base64,iVBORw==' });
    expect(back?.rejected).toEqual(img.recognition.rejected);
  });

  it("keeps a correction: the owner's, or the room's for a board number; lists only corrected records when asked", async () => {
    const owner = await user();
    const other = await user();
    const r = rec(owner, '1', new Date(), { boardKey: `room-${provider}:s9` });
    const plain = rec(owner, '2', new Date());
    await insertRecognition(db, r);
    await insertRecognition(db, plain);
    await insertRecognition(db, rec(owner, '3', new Date(), { correctedText: '8' }));
    expect(await correctRecognition(db, other, r.id, '7')).toBeNull();
    expect(await correctRecognition(db, owner, r.id, '7')).toMatchObject({ id: r.id, text: '1', correctedText: '7' });
    expect(await correctBoardRecognition(db, `room-${provider}:s9`, '17')).toBe(1);
    expect(await correctBoardRecognition(db, `room-${provider}:none`, '17')).toBe(0);
    expect((await getRecognition(db, owner, r.id))?.correctedText).toBe('17');
    const corrected = [];
    for await (const x of allRecognitions(db, owner, { corrected: true })) corrected.push(x.correctedText);
    expect(corrected.sort()).toEqual(['17', '8']);
    expect((await correctRecognition(db, owner, r.id, null))?.correctedText).toBeNull();
  });

  it("a board number's new record replaces the user's earlier records of it, and only theirs, with their digits", async () => {
    const owner = await user();
    const other = await user();
    const early = rec(owner, '7', new Date(), { boardKey: `room-${provider}:r1` });
    const others = rec(other, '7', new Date(), { boardKey: `room-${provider}:r2` });
    await insertRecognition(db, early);
    await insertRecognition(db, others);
    const grown = rec(owner, '76', new Date(), { boardKey: `room-${provider}:r3`, replaces: [`room-${provider}:r1`, `room-${provider}:r2`] });
    await insertRecognition(db, grown);
    expect(await getRecognition(db, owner, early.id)).toBeNull();
    expect(await db.recognizedDigit.count({ where: { recognitionId: early.id } })).toBe(0);
    expect((await getRecognition(db, owner, grown.id))?.text).toBe('76');
    // Another user's record under a listed key is not theirs to replace.
    expect((await getRecognition(db, other, others.id))?.text).toBe('7');
  });

  it('writes a record and its digits all or nothing', async () => {
    const userId = await user();
    const bad = rec(userId, '12', new Date());
    // Two digits at the same position: the second insert violates the primary key.
    const digits = bad.recognition.digits;
    const broken = { ...bad, recognition: { ...bad.recognition, digits: [digits[0], digits[1]] } };
    await expect(
      db.recognition.create({
        data: {
          id: broken.id, userId, createdAt: broken.createdAt, source: 'api', text: '12', model: 'm', latencyMs: 1, rejected: [],
          digits: { create: [0, 0].map((position) => ({ position, digit: 1, confidence: 1, probabilities: [], boxX: 0, boxY: 0, boxWidth: 1, boxHeight: 1 })) },
        },
      }),
    ).rejects.toThrow();
    expect(await db.recognition.count({ where: { id: broken.id } })).toBe(0);
    expect(await db.recognizedDigit.count({ where: { recognitionId: broken.id } })).toBe(0);
  });

  it('pages newest first with a cursor, ties on time included, each record exactly once', async () => {
    const userId = await user();
    const base = Date.parse('2026-05-01T00:00:00Z');
    const all: NewRecognition[] = [];
    for (let i = 0; i < 23; i++) {
      // Groups of three share a timestamp: the id breaks the tie.
      all.push(rec(userId, String(i % 10), new Date(base + Math.floor(i / 3) * 1000)));
    }
    for (const r of all) await insertRecognition(db, r);
    const seen: RecognitionRecord[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: RecognitionRecord[]; nextCursor: string | null } = await listRecognitions(db, userId, {}, { limit: 5, cursor: cursor ? decodeCursor(cursor)! : undefined });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((s) => s.id)).size).toBe(23);
    const expected = [...all].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1)).map((r) => r.id);
    expect(seen.map((s) => s.id)).toEqual(expected);
    // Lists stay small: the input comes with a single record only.
    expect(seen[0].input).toBeUndefined();
    expect(seen[0].digits).toHaveLength(1);
  });

  it('filters by digit, source and time range', async () => {
    const userId = await user();
    const day = (d: number, h = 12) => new Date(Date.UTC(2026, 0, d, h));
    await insertRecognition(db, rec(userId, '123', day(1)));
    await insertRecognition(db, rec(userId, '45', day(2), { source: 'api' }));
    await insertRecognition(db, rec(userId, '31', day(3), { source: 'upload', input: { thumbnail: null } }));
    await insertRecognition(db, rec(userId, '', day(4)));
    const texts = async (filter: Parameters<typeof listRecognitions>[2]) =>
      (await listRecognitions(db, userId, filter, { limit: 100 })).items.map((i) => i.text);
    expect(await texts({ digit: 3 })).toEqual(['31', '123']);
    expect(await texts({ digit: 9 })).toEqual([]);
    expect(await texts({ source: 'api' })).toEqual(['45']);
    expect(await texts({ from: day(2, 0), to: day(3, 23) })).toEqual(['31', '45']);
    expect(await texts({ from: day(2, 12) })).toEqual(['', '31', '45']);
    expect(await texts({ to: day(1, 12) })).toEqual(['123']);
    expect(await texts({ digit: 1, source: 'board' })).toEqual(['123']);
  });

  it("never reads, lists or deletes another user's records", async () => {
    const alice = await user();
    const bob = await user();
    const a = rec(alice, '7', new Date());
    await insertRecognition(db, a);
    await insertRecognition(db, rec(bob, '8', new Date()));
    expect(await getRecognition(db, bob, a.id)).toBeNull();
    expect((await listRecognitions(db, bob, {}, { limit: 100 })).items.map((i) => i.text)).toEqual(['8']);
    expect(await deleteRecognition(db, bob, a.id)).toBe(false);
    expect(await deleteAllRecognitions(db, bob)).toBe(1);
    expect(await getRecognition(db, alice, a.id)).not.toBeNull();
    expect(await deleteRecognition(db, alice, a.id)).toBe(true);
    expect(await db.recognizedDigit.count({ where: { recognitionId: a.id } })).toBe(0);
  });

  it('cursors round-trip and refuse anything else', () => {
    const c = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0b7f1a52-8a8e-4c1a-9a51-2f0b6c1d2e3f' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from("1.x' OR 1=1").toString('base64url'))).toBeNull();
  });

  it('a history query over 2,000 records answers a page of the filtered ones', async () => {
    const userId = await user();
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      id: newRecognitionId(), userId, createdAt: new Date(Date.UTC(2026, 1, 1) + i * 60_000), source: 'board' as const,
      text: String(i % 1000), model: 'm', latencyMs: 1, rejected: [],
    }));
    await db.recognition.createMany({ data: rows });
    // How fast it answers is a benchmark's business (docs/benchmarks.md), not a unit test's.
    const page = await listRecognitions(db, userId, { digit: 7 }, { limit: 20 });
    expect(page.items).toHaveLength(20);
    for (const item of page.items) expect(item.text).toContain('7');
  });
});
