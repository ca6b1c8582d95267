import { constants, createWriteStream } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { lineOf, type CompactionStep } from '../../src/db/board-file.js';
import { BoardTooLargeError, FileRoomStore, replay, type StoredBoard, type StoreRecord } from '../../src/db/room-store.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(path.join(tmpdir(), 'rooms-'));
  dirs.push(d);
  return d;
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const stroke = (id: string) => ({ id, author: 'a', color: '#000', points: [[1, 2], [3, 4]] });
const correction = (groupId: string, strokeIds: string[], text: string): StoreRecord => ({ t: 'correct', correction: { groupId, strokeIds, text, by: 'p', name: 'Ada' } });

describe('replay', () => {
  it('keeps the latest correction of each number version until it is withdrawn, its strokes erased or the board cleared', () => {
    const texts = (records: StoreRecord[]) => replay(records).corrections.map((c) => `${c.groupId}:${c.strokeIds.join(',')}=${c.text}`);
    const base: StoreRecord[] = [{ t: 'stroke', stroke: stroke('a') }, { t: 'stroke', stroke: stroke('b') }];
    expect(texts([...base, correction('a', ['a'], '1'), correction('a', ['a'], '7'), correction('a', ['a', 'b'], '17')])).toEqual(['a:a=7', 'a:a,b=17']);
    expect(texts([...base, correction('a', ['a'], '7'), correction('a', ['a'], '')])).toEqual([]);
    expect(texts([...base, correction('a', ['a', 'b'], '17'), correction('b', ['b'], '4'), { t: 'erase', ids: ['a'] }])).toEqual(['b:b=4']);
    expect(texts([...base, correction('a', ['a'], '7'), { t: 'clear' }])).toEqual([]);
  });
});

describe('FileRoomStore', () => {
  it('stores strokes, erases and clears durably, readable by a new store (a restart)', async () => {
    const dir = await tempDir();
    const s1 = new FileRoomStore(dir);
    await s1.append('room1', { t: 'stroke', stroke: stroke('a') });
    await s1.append('room1', { t: 'stroke', stroke: stroke('b') });
    await s1.append('room1', { t: 'stroke', stroke: stroke('c') });
    await s1.append('room1', { t: 'erase', ids: ['b'] });
    await s1.append('room2', { t: 'stroke', stroke: stroke('z') });
    await s1.close();
    const s2 = new FileRoomStore(dir);
    expect((await s2.load('room1')).strokes.map((s) => s.id)).toEqual(['a', 'c']);
    expect((await s2.load('room2')).strokes.map((s) => s.id)).toEqual(['z']);
    await s2.append('room1', correction('a', ['a'], '7'));
    expect((await new FileRoomStore(dir).load('room1')).corrections).toMatchObject([{ groupId: 'a', text: '7', name: 'Ada' }]);
    await s2.append('room1', { t: 'clear' });
    expect(await s2.load('room1')).toEqual({ strokes: [], corrections: [] });
    await s2.append('room1', { t: 'stroke', stroke: stroke('d') });
    expect((await new FileRoomStore(dir).load('room1')).strokes.map((s) => s.id)).toEqual(['d']);
    await s2.close();
  });

  it('writes a room file in synchronous-data mode (a write returns once the data is on disk)', async () => {
    const dir = await tempDir();
    const s = new FileRoomStore(dir);
    await s.append('r', { t: 'stroke', stroke: stroke('a') });
    // The store's open descriptor for the file, and its open flags as Linux reports them (octal).
    let flags: number | undefined;
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target !== path.join(dir, 'r.jsonl')) continue;
      flags = parseInt(/flags:\s*(\d+)/.exec(await readFile(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);
    }
    expect(flags).toBeDefined();
    expect(flags! & constants.O_DSYNC).toBe(constants.O_DSYNC);
    expect(flags! & constants.O_APPEND).toBe(constants.O_APPEND);
    await s.close();
  });

  it('ignores a torn last line left by a crash mid-write', async () => {
    const dir = await tempDir();
    const s = new FileRoomStore(dir);
    await s.append('r', { t: 'stroke', stroke: stroke('a') });
    await s.close();
    await appendFile(path.join(dir, 'r.jsonl'), '{"t":"stroke","stroke":{"id":"b","au');
    expect((await new FileRoomStore(dir).load('r')).strokes.map((x) => x.id)).toEqual(['a']);
  });

  it('keeps concurrent appends whole and in order', async () => {
    const dir = await tempDir();
    const s = new FileRoomStore(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.append('r', { t: 'stroke', stroke: stroke(`s${i}`) })));
    await s.close();
    const lines = (await readFile(path.join(dir, 'r.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).stroke.id)).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}`));
  });

  it('refuses a room id that could escape its directory', async () => {
    const s = new FileRoomStore(await tempDir());
    await expect(s.load('../x')).rejects.toThrow(/bad room id/);
  });
});

/** A stroke of n points, about 11 bytes of JSON a point. */
const inked = (id: string, n: number) => ({ id, author: 'a', color: '#000', points: Array.from({ length: n }, (_, i) => [i % 1600, (i * 7) % 1000]) });
/** The bytes of the board's records as a file holds them: what compaction leaves. */
const liveBytes = (b: StoredBoard) =>
  [...b.strokes.map((st): StoreRecord => ({ t: 'stroke', stroke: st })), ...b.corrections.map((c): StoreRecord => ({ t: 'correct', correction: c }))].reduce(
    (n, r) => n + Buffer.byteLength(lineOf(r)),
    0,
  );
const fileSize = (dir: string, room: string) => stat(path.join(dir, `${room}.jsonl`)).then((st) => st.size);

/**
 * A writer's board of 40 strokes, then `cycles` undo/redo cycles of its last stroke (an undo is an
 * erase; the redo draws it again under a new id), as a room stores them. Group-committed in
 * rounds, as a busy room's records are.
 */
async function undoRedo(store: FileRoomStore, room: string, cycles: number): Promise<string[]> {
  const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
  await Promise.all(ids.map((id) => store.append(room, { t: 'stroke', stroke: inked(id, 200) })));
  for (let c = 0; c < cycles; c += 10) {
    const round: Promise<void>[] = [];
    for (let k = c; k < Math.min(cycles, c + 10); k++) {
      const last = ids.pop()!;
      round.push(store.append(room, { t: 'erase', ids: [last] }));
      ids.push(`r${k}`);
      round.push(store.append(room, { t: 'stroke', stroke: inked(`r${k}`, 200) }));
    }
    await Promise.all(round);
  }
  return ids;
}

describe('FileRoomStore compaction', () => {
  it('keeps a board file within about twice the live board through 10,000 undo/redo cycles, and at its size once released', async () => {
    const dir = await tempDir();
    const store = new FileRoomStore(dir);
    expect((await store.load('r')).strokes).toEqual([]);
    const ids = await undoRedo(store, 'r', 10_000);
    const board = await new FileRoomStore(dir).load('r');
    expect(board.strokes.map((st) => st.id)).toEqual(ids);
    const live = liveBytes(board);
    const ratio = (await fileSize(dir, 'r')) / live;
    // At most the board as last compacted, as much again appended, and one group-committed write
    // (10 cycles, ~24 KB). Appending 10,000 strokes of ~2.4 KB made it ~250 times the board (~96 KB).
    expect(ratio).toBeLessThanOrEqual(2.3);
    expect(store.stats.compactions).toBeGreaterThan(10);
    await store.release('r');
    expect(await fileSize(dir, 'r')).toBe(live);
    expect((await new FileRoomStore(dir).load('r')).strokes.map((st) => st.id)).toEqual(ids);
    await store.close();
  }, 120_000);

  it('compacts a room written before it was loaded here, and a file that outgrew its board before it was loaded', async () => {
    const dir = await tempDir();
    const old = new FileRoomStore(dir, { minCompactBytes: Infinity });
    const ids = await undoRedo(old, 'r', 400);
    await old.close();
    const bloated = await fileSize(dir, 'r');
    // Loading finds the file ~10 times its board: it is compacted right after.
    const store = new FileRoomStore(dir);
    const board = await store.load('r');
    await store.close();
    expect(await fileSize(dir, 'r')).toBe(liveBytes(board));
    expect(bloated / liveBytes(board)).toBeGreaterThan(9);
    // Written without a load (a room the bus seeded): the first compaction measures the board.
    const blind = new FileRoomStore(dir);
    await blind.append('r', { t: 'erase', ids: [ids.at(-1)!] });
    for (let k = 0; k < 60; k++) await blind.append('r', { t: 'stroke', stroke: inked(`x${k}`, 200) });
    expect(blind.stats.compactions).toBeGreaterThan(0);
    await blind.close();
  });

  it.each<CompactionStep>(['written', 'synced', 'renamed'])('loses no acknowledged record when a compaction fails after its step %s', async (failAt) => {
    const dir = await tempDir();
    let failures = 0;
    const store = new FileRoomStore(dir, {
      minCompactBytes: 8 * 1024,
      compactionStep: (at) => {
        if (at !== failAt) return;
        failures++;
        throw new Error(`crash after ${at}`);
      },
    });
    await store.load('r');
    // Every acknowledged record is tracked: what a restart must find.
    const acked: StoreRecord[] = [];
    const put = async (r: StoreRecord) => {
      await store.append('r', r);
      acked.push(r);
    };
    for (let k = 0; k < 30; k++) {
      await put({ t: 'stroke', stroke: inked(`a${k}`, 100) });
      if (k % 3 === 0) await put({ t: 'erase', ids: [`a${k}`] });
    }
    await put(correction('a1', ['a1'], '7'));
    expect(failures).toBeGreaterThan(0);
    // A crash now: a new process reads the directory as the failure left it.
    const restarted = await new FileRoomStore(dir).load('r');
    expect(restarted).toEqual(replay(acked));
    // The store goes on taking records after a failed compaction.
    await put({ t: 'stroke', stroke: inked('after', 10) });
    expect(await new FileRoomStore(dir).load('r')).toEqual(replay(acked));
    expect(store.stats.compactionFailures).toBe(failures);
    // The rename happened: the new file, complete, is the board file.
    if (failAt === 'renamed') expect(await fileSize(dir, 'r')).toBeLessThan(acked.reduce((n, r) => n + Buffer.byteLength(lineOf(r)), 0));
    await store.close();
  });

  it('ignores (and removes) a temporary file a crashed compaction left half-written', async () => {
    const dir = await tempDir();
    const s = new FileRoomStore(dir);
    await s.append('r', { t: 'stroke', stroke: stroke('a') });
    await s.close();
    await writeFile(path.join(dir, 'r.jsonl.compacting'), '{"t":"stroke","stroke":{"id":"b","author":"a","color":"#000","points":[[1,2]]}}\n{"t":"str');
    expect((await new FileRoomStore(dir).load('r')).strokes.map((x) => x.id)).toEqual(['a']);
    expect(await readdir(dir)).toEqual(['r.jsonl']);
  });
});

describe('FileRoomStore loading', () => {
  /** A board file of about `mb` MB: strokes drawn and undone, one live stroke at the end. */
  async function bigFile(dir: string, room: string, mb: number): Promise<void> {
    const out = createWriteStream(path.join(dir, `${room}.jsonl`));
    const line = (id: string) => lineOf({ t: 'stroke', stroke: inked(id, 300) });
    let bytes = 0;
    for (let k = 0; bytes < mb * 1e6; k++) {
      const chunk = line(`g${k}`) + lineOf({ t: 'erase', ids: [`g${k}`] });
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end(line('kept'));
    await new Promise<void>((r) => out.once('finish', () => r()));
  }

  it('yields to the event loop while it parses a large file: other work runs between its records', async () => {
    const dir = await tempDir();
    await bigFile(dir, 'big', 8);
    const store = new FileRoomStore(dir);
    const parse = vi.spyOn(JSON, 'parse');
    // Another board's work, one piece per turn of the event loop, noting how far the parse was.
    let done = false;
    const seen: number[] = [];
    const tick = () => {
      seen.push(parse.mock.calls.length);
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const board = await store.load('big').finally(() => (done = true));
    const total = parse.mock.calls.length;
    parse.mockRestore();
    expect(board.strokes.map((st) => st.id)).toEqual(['kept']);
    // Turns that ran mid-parse (some records parsed, not all): a parse in one go has none.
    const midParse = seen.filter((n) => n > 0 && n < total).length;
    expect(midParse).toBeGreaterThanOrEqual(50);
    await store.close();
  });

  it('refuses a file over its limit with BoardTooLargeError and one alert at level error naming the board and size', async () => {
    const dir = await tempDir();
    await bigFile(dir, 'huge', 2);
    const size = await fileSize(dir, 'huge');
    const errors: [object, string][] = [];
    const store = new FileRoomStore(dir, { maxFileBytes: 1_000_000, log: { error: (o, m) => errors.push([o, m]), warn() {} } });
    const refused = await store.load('huge').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BoardTooLargeError);
    expect(refused).toMatchObject({ roomId: 'huge', bytes: size, limit: 1_000_000 });
    expect((refused as Error).message).toMatch(/over the 977 KiB a board may load/);
    expect(errors).toEqual([[{ room: 'huge', bytes: size, limit: 1_000_000 }, expect.stringContaining(`board huge not loaded: its file is ${size} bytes`)]]);
    // Joiners retry: the alert is not repeated for every attempt. Other boards load.
    await expect(store.load('huge')).rejects.toBeInstanceOf(BoardTooLargeError);
    expect(errors).toHaveLength(1);
    await store.append('small', { t: 'stroke', stroke: stroke('a') });
    expect((await store.load('small')).strokes).toHaveLength(1);
    await store.close();
  });
});
