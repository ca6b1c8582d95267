import { constants } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRoomStore, replay, type StoreRecord } from '../../src/realtime/room-store.js';

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
