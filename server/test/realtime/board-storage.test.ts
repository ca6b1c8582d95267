/**
 * Boards on disk as members see them, with in-memory sockets and a real board directory: a
 * resume across a compaction gets what it missed, a board released when idle is compacted and
 * comes back whole, a board too large to load is refused with 4012 while other boards go on.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import { lineOf } from '../../src/db/board-file.js';
import { Connection } from '../../src/realtime/connection.js';
import { FileRoomStore, type FileRoomStoreOptions } from '../../src/db/room-store.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
afterEach(() => vi.useRealTimers());

/**
 * Waits for the store's work to finish and the answers it releases to go out, until `done`
 * (at most 1,000 rounds: a guard against a hang, not a time limit).
 */
async function until(store: FileRoomStore, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !done(); i++) {
    await store.settled();
    await new Promise<void>((r) => setImmediate(r));
  }
  expect(done()).toBe(true);
}

async function world(options: FileRoomStoreOptions = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'boards-'));
  dirs.push(dir);
  const errors: string[] = [];
  const store = new FileRoomStore(dir, { minCompactBytes: 4096, log: { error: (_o, m) => errors.push(m), warn() {} }, ...options });
  const registry = new RoomRegistry({ store, recognize: async () => ({ text: '', digits: [], rejected: [], model: 't', ms: 0 }), modelVersion: 't', log: { warn() {} } });
  const client = (opts: { room?: string; resume?: { session: string; lastSeq: number } } = {}) => {
    const inbox: ServerMessage[] = [];
    const closes: { code: number; reason: string }[] = [];
    const conn = new Connection({ send: (d: string) => inbox.push(JSON.parse(d)), close: (code, reason) => closes.push({ code, reason }) }, registry, { warn() {} }, null);
    const send = (m: unknown) => conn.handle(JSON.stringify(m));
    send({ type: 'hello', protocol: PROTOCOL_VERSION, room: opts.room ?? ROOM, ...(opts.resume ? { resume: opts.resume } : {}) });
    const of = <T extends ServerMessage['type']>(type: T) => inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    const welcome = () => of('welcome')[0];
    const lastSeq = () => Math.max(welcome()?.seq ?? 0, ...inbox.map((m) => ('seq' in m && m.type !== 'welcome' && m.type !== 'ack' ? m.seq : 0)));
    const draw = (id: string) => {
      const points = Array.from({ length: 60 }, (_, i) => [i * 3, (i * 7) % 300]);
      send({ type: 'stroke-begin', strokeId: id, points: points.slice(0, 1) });
      send({ type: 'stroke-points', strokeId: id, points: points.slice(1) });
      send({ type: 'stroke-end', strokeId: id });
    };
    /** The stroke ids this client holds: its welcome's board, then every event after it. */
    const board = () => {
      const ids = new Set((welcome()?.board?.strokes ?? []).map((s) => s.id));
      for (const m of inbox) {
        if (m.type === 'stroke-begin') ids.add(m.stroke.id);
        else if (m.type === 'erased') m.strokeIds.forEach((id) => ids.delete(id));
        else if (m.type === 'cleared') ids.clear();
      }
      return [...ids].sort();
    };
    return { inbox, closes, send, of, welcome, lastSeq, draw, board, close: () => conn.dispose() };
  };
  return { dir, store, registry, client, errors };
}

describe('boards on disk', () => {
  it('resumes a member across compactions with only what it missed', async () => {
    const w = await world();
    const a = w.client();
    const b = w.client();
    await until(w.store, () => !!a.welcome() && !!b.welcome());
    for (let i = 0; i < 10; i++) a.draw(`k${i}`);
    await until(w.store, () => a.of('ack').length === 10);
    const session = b.welcome().session;
    const seen = b.lastSeq();
    b.close();
    // Undo and redraw until the file has been compacted twice.
    let n = 0;
    while (w.store.stats.compactions < 2) {
      a.send({ type: 'undo' });
      a.draw(`u${n++}`);
      await until(w.store, () => a.of('ack').length === 10 + n);
    }
    const b2 = w.client({ resume: { session, lastSeq: seen } });
    await until(w.store, () => !!b2.welcome());
    expect(b2.welcome().board).toBeUndefined();
    expect(b2.of('erased').length).toBe(n);
    // What b held before plus what it was sent now is the room's board.
    const fresh = w.client();
    await until(w.store, () => !!fresh.welcome());
    const b2Holds = new Set(b.board());
    for (const m of b2.inbox) {
      if (m.type === 'stroke-begin') b2Holds.add(m.stroke.id);
      else if (m.type === 'erased') m.strokeIds.forEach((id) => b2Holds.delete(id));
    }
    expect([...b2Holds].sort()).toEqual(fresh.board());
    expect(fresh.board()).toHaveLength(10);
    // The compacted file holds that board, and only it.
    expect((await new FileRoomStore(w.dir).load(ROOM)).strokes.map((s) => s.id).sort()).toEqual(fresh.board());
    await w.registry.close();
  });

  it('compacts a board when it is dropped after its resume window; it comes back whole, a resume then gets the whole board', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const w = await world({ minCompactBytes: Infinity });
    const a = w.client();
    await until(w.store, () => !!a.welcome());
    for (let i = 0; i < 30; i++) {
      a.draw(`k${i}`);
      if (i % 2 === 1) a.send({ type: 'undo' });
    }
    await until(w.store, () => a.of('ack').length === 30);
    // The author is not sent its own strokes back: the board as drawn, each odd stroke undone.
    const before = Array.from({ length: 15 }, (_, i) => `k${2 * i}`).sort();
    const session = a.welcome().session;
    const seen = a.lastSeq();
    a.close();
    const file = path.join(w.dir, `${ROOM}.jsonl`);
    const grown = (await stat(file)).size;
    // Past the resume window, the registry's sweep drops the room and the store compacts it.
    vi.advanceTimersByTime(150_000);
    await until(w.store, () => w.store.stats.compactions === 1);
    await until(w.store, () => w.registry.size === 0);
    expect((await stat(file)).size).toBeLessThan(grown * 0.6);
    const back = w.client({ resume: { session, lastSeq: seen } });
    await until(w.store, () => !!back.welcome());
    expect(back.welcome().board!.strokes.map((s) => s.id).sort()).toEqual(before);
    await w.registry.close();
  });

  it('refuses a board too large to load with 4012 and an alert, and goes on serving other boards', async () => {
    const w = await world({ maxFileBytes: 50_000 });
    const stroke = (id: string) => lineOf({ t: 'stroke', stroke: { id, author: 'a', color: '#000', points: Array.from({ length: 500 }, () => [1, 2]) } });
    await writeFile(path.join(w.dir, `${ROOM}.jsonl`), Array.from({ length: 20 }, (_, i) => stroke(`s${i}`)).join(''));
    const size = (await stat(path.join(w.dir, `${ROOM}.jsonl`))).size;
    const other = w.client({ room: OTHER });
    const refused = w.client();
    await until(w.store, () => refused.closes.length > 0 && !!other.welcome());
    expect(refused.closes).toEqual([{ code: CloseCode.boardTooLarge, reason: expect.stringMatching(/^this board's file is \d+ KiB, over the 49 KiB a board may load; it was not opened$/) }]);
    expect(refused.welcome()).toBeUndefined();
    expect(w.errors).toEqual([expect.stringContaining(`board ${ROOM} not loaded: its file is ${size} bytes, over the limit of 50000`)]);
    other.send({ type: 'ping', t: 1 });
    expect(other.of('pong')).toEqual([{ type: 'pong', t: 1 }]);
    other.draw('o1');
    await until(w.store, () => other.of('ack').length === 1);
    await w.registry.close();
  });
});
