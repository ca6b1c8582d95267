/**
 * Durable board state: one append-only JSON-lines file per room under data/rooms/. A stroke is
 * acknowledged only after its record is on disk (the file is opened with O_DSYNC: a write returns
 * once its data is flushed, as a datasync after it would), so an acknowledged stroke survives a
 * crash or restart. A clear rewrites the file empty. Corrections of numbers are records too (see
 * realtime/corrections.ts).
 *
 * Undo and erase only append, so a file is compacted (rewritten as the live board, atomically:
 * board-file.ts) once what was appended since the last compaction outgrows the live board, and
 * when the room is released. Loading streams the file and yields between chunks, so one large
 * board does not stall the others; a file over the size limit is refused (BoardTooLargeError).
 *
 * A single node stores boards here; a cluster stores them in the database (prisma-room-store.ts),
 * behind the same small RoomStore interface.
 */
import { constants } from 'node:fs';
import { mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BoardTooLargeError, lineOf, readBoardFile, writeBoardFile, type CompactionStep } from './board-file.js';
import { compactQuietly } from './compact-quietly.js';
import { LiveBoard } from './live-board.js';

export { BoardTooLargeError } from './board-file.js';

/** A correction as the bus carries it and the stores keep it. */
export interface StoredCorrection {
  /** The number's id (its oldest stroke). */
  groupId: string;
  /** The number's strokes when it was corrected, in the order they were added. */
  strokeIds: string[];
  /** What was written, digits; "" withdraws. */
  text: string;
  /** The corrector's participant id. */
  by: string;
  /** The corrector's display name, as GroupResult.correctedBy shows it. */
  name: string;
}

/** One correction per number version: "<group id> <its stroke ids, sorted>" (stores key by it). */
export function correctionKey(c: Pick<StoredCorrection, 'groupId' | 'strokeIds'>): string {
  return `${c.groupId} ${[...c.strokeIds].sort().join(',')}`;
}

export interface StoredStroke {
  id: string;
  author: string;
  color: string;
  points: number[][];
  /**
   * When the server completed the stroke (epoch ms). Absent from strokes stored before it was
   * kept: every store keeps the stroke's JSON as it is, so old records still load.
   */
  at?: number;
}

/**
 * A board change. `seq` is the room-wide order of the change when the room spans nodes (every
 * node sees the same order); stores that receive changes out of order sort by it.
 */
export type StoreRecord = (
  | { t: 'stroke'; stroke: StoredStroke }
  | { t: 'erase'; ids: string[] }
  | { t: 'clear' }
  /** A number corrected, or (text "") its correction withdrawn or dropped because its strokes changed. */
  | { t: 'correct'; correction: StoredCorrection }
) & { seq?: number };

/** A stored board: its completed strokes in drawing order and the corrections made since its last clear. */
export interface StoredBoard {
  strokes: StoredStroke[];
  /**
   * The latest correction of each number version still standing (none withdrawn, none of erased
   * strokes); the room keeps those that match its numbers.
   */
  corrections: StoredCorrection[];
  /**
   * The highest seq among the stored records, when the store orders by seq (PrismaRoomStore): a
   * bus that numbers a room's changes afresh (LocalBus, a Redis that lost its keys) continues after
   * it, so that a new change never sorts before an old one.
   */
  seq?: number;
}

export const emptyBoard = (): StoredBoard => ({ strokes: [], corrections: [] });

export interface RoomStore {
  /** The room's board (empty for a new room). Rejects with BoardTooLargeError for a board over the store's limit. */
  load(roomId: string): Promise<StoredBoard>;
  /** Resolves once the record is durable. */
  append(roomId: string, record: StoreRecord): Promise<void>;
  /** The room stopped being served here (it went idle): a store may compact it and let go of it. */
  release?(roomId: string): Promise<void>;
  close(): Promise<void>;
}

/** Replays records into the board they describe. */
export function replay(records: Iterable<StoreRecord>): StoredBoard {
  const strokes = new Map<string, StoredStroke>();
  const corrections = new Map<string, StoredCorrection>();
  for (const r of records) {
    if (r.t === 'stroke') strokes.set(r.stroke.id, r.stroke);
    else if (r.t === 'erase') {
      r.ids.forEach((id) => strokes.delete(id));
      for (const [key, c] of corrections) if (c.strokeIds.some((id) => r.ids.includes(id))) corrections.delete(key);
    } else if (r.t === 'correct') {
      const key = correctionKey(r.correction);
      if (r.correction.text === '') corrections.delete(key);
      else corrections.set(key, r.correction);
    } else {
      strokes.clear();
      corrections.clear();
    }
  }
  return { strokes: [...strokes.values()], corrections: [...corrections.values()] };
}

interface PendingRecord {
  record: StoreRecord;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What the store knows of a room's file without holding its board. */
interface FileState {
  /** The live board's strokes and corrections, by their bytes in the file. */
  live: LiveBoard<null>;
  /** The file's size, and what it was after the last compaction (or load). */
  bytes: number;
  base: number;
}

export interface StoreLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FileRoomStoreOptions {
  /** A board file larger than this is refused (BoardTooLargeError). Default 64 MiB. */
  maxFileBytes?: number;
  /**
   * A file is compacted once what was appended since the last compaction exceeds this many
   * times the live board (and minCompactBytes). Default 1: a file stays within about twice the
   * live board, and each byte is rewritten about once.
   */
  compactFactor?: number;
  /** Appended bytes below which a file is never compacted (tiny boards). Default 64 KiB. */
  minCompactBytes?: number;
  log?: StoreLogger;
  /** Called between the steps of a compaction; tests throw there to stand for a crash. */
  compactionStep?: (at: CompactionStep) => void | Promise<void>;
}

export const DEFAULT_MAX_FILE_BYTES = 64 << 20;
/** A refused board is reported at level error at most this often (clients retry). */
const ALERT_EVERY_MS = 60_000;

const silent: StoreLogger = { error() {}, warn() {} };

export class FileRoomStore implements RoomStore {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  /** Records waiting for the room's next write, and rooms with a write scheduled. */
  private readonly queues = new Map<string, PendingRecord[]>();
  private readonly scheduled = new Set<string>();
  /** Each room's work (writes, loads, compactions), one task at a time, in order. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly state = new Map<string, FileState>();
  private readonly alerted = new Map<string, number>();
  private readonly opts: Required<Omit<FileRoomStoreOptions, 'compactionStep'>> & Pick<FileRoomStoreOptions, 'compactionStep'>;
  /** Compactions done, and their failures (a failed one leaves the old file as it was). */
  readonly stats = { compactions: 0, compactionFailures: 0 };

  constructor(
    private readonly dir: string,
    options: FileRoomStoreOptions = {},
  ) {
    this.opts = {
      ...options,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      compactFactor: options.compactFactor ?? 1,
      minCompactBytes: options.minCompactBytes ?? 64 * 1024,
      log: options.log ?? silent,
    };
  }

  private file(roomId: string): string {
    // Room ids are validated against ROOM_ID_PATTERN before they get here; this is belt and braces.
    if (!/^[A-Za-z0-9_-]+$/.test(roomId)) throw new Error(`bad room id ${roomId}`);
    return path.join(this.dir, `${roomId}.jsonl`);
  }

  /** Runs a task once the room's earlier tasks are done (whether they failed or not). */
  private lane<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.lanes.get(roomId) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.lanes.set(roomId, tail);
    void tail.then(() => {
      if (this.lanes.get(roomId) === tail) this.lanes.delete(roomId);
    });
    return run;
  }

  /** The room's board, read after the room's pending writes, in chunks (see board-file.ts). */
  async load(roomId: string): Promise<StoredBoard> {
    const file = this.file(roomId);
    return this.lane(roomId, async () => {
      let read;
      try {
        read = await readBoardFile(file, roomId, this.opts.maxFileBytes);
      } catch (err) {
        if (err instanceof BoardTooLargeError) this.alert(err);
        throw err;
      }
      // A temporary file left by a compaction that crashed: the board file is whole without it.
      await rm(`${file}.compacting`, { force: true });
      const { board, bytes } = read;
      const state: FileState = { live: new LiveBoard(), bytes, base: bytes };
      for (const record of board.values()) state.live.apply(record, null, Buffer.byteLength(lineOf(record)));
      this.state.set(roomId, state);
      const loaded: StoredBoard = { strokes: [], corrections: [] };
      for (const record of board.values()) {
        if (record.t === 'stroke') loaded.strokes.push(record.stroke);
        else if (record.t === 'correct') loaded.corrections.push(record.correction);
      }
      // A file written before compaction existed (or by a crash-interrupted one) shrinks now.
      if (bytes > state.live.bytes * (1 + this.opts.compactFactor) + this.opts.minCompactBytes) void this.lane(roomId, () => this.compactQuietly(roomId));
      return loaded;
    });
  }

  private alert(err: BoardTooLargeError): void {
    const now = Date.now();
    if (now - (this.alerted.get(err.roomId) ?? -Infinity) < ALERT_EVERY_MS) return;
    this.alerted.set(err.roomId, now);
    this.opts.log.error(
      { room: err.roomId, bytes: err.bytes, limit: err.limit },
      `board ${err.roomId} not loaded: its file is ${err.bytes} bytes, over the limit of ${err.limit} (BOARD_MAX_FILE_BYTES); raise it to load the board, which is then compacted`,
    );
  }

  /**
   * Group commit: records that arrive while a room's previous write is in flight are written
   * together in one synchronous write, so a busy room costs one flush per disk round trip, not
   * one per stroke (writes run on libuv's thread pool, which sharp needs too).
   */
  append(roomId: string, record: StoreRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(roomId);
      if (!queue) this.queues.set(roomId, (queue = []));
      queue.push({ record, resolve, reject });
      if (this.scheduled.has(roomId)) return;
      this.scheduled.add(roomId);
      void this.lane(roomId, () => this.flush(roomId));
    });
  }

  /** Writes what the room's queue holds, then compacts the file if it has outgrown the board. */
  private async flush(roomId: string): Promise<void> {
    this.scheduled.delete(roomId);
    const batch = this.queues.get(roomId) ?? [];
    this.queues.delete(roomId);
    if (batch.length === 0) return;
    try {
      await this.write(roomId, batch.map((p) => p.record));
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
      return;
    }
    const s = this.state.get(roomId);
    if (s && s.bytes - s.base > this.opts.compactFactor * Math.max(s.live.bytes, this.opts.minCompactBytes)) await this.compactQuietly(roomId);
  }

  private async handle(roomId: string): Promise<FileHandle> {
    let h = this.handles.get(roomId);
    if (!h) {
      // O_DSYNC instead of a datasync after each write: one thread-pool job per batch, not two
      // (every job's hand-off costs the main thread).
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC;
      h = mkdir(this.dir, { recursive: true }).then(() => open(this.file(roomId), flags));
      this.handles.set(roomId, h);
      h.catch(() => this.handles.delete(roomId));
    }
    return h;
  }

  private async closeHandle(roomId: string): Promise<void> {
    const h = this.handles.get(roomId);
    this.handles.delete(roomId);
    await (await h?.catch(() => undefined))?.close();
  }

  /** The room's state, for a room written before it was loaded here (its file measured, its board not yet known). */
  private async stateOf(roomId: string): Promise<FileState> {
    let s = this.state.get(roomId);
    if (!s) {
      const bytes = await stat(this.file(roomId)).then(
        (st) => st.size,
        () => 0,
      );
      // The live board is unknown until a compaction reads it: counted as empty meanwhile.
      s = { live: new LiveBoard(), bytes, base: 0 };
      this.state.set(roomId, s);
    }
    return s;
  }

  /** Writes records in order; a clear truncates what came before it. */
  private async write(roomId: string, records: StoreRecord[]): Promise<void> {
    const s = await this.stateOf(roomId);
    const lastClear = records.map((r) => r.t).lastIndexOf('clear');
    if (lastClear >= 0) {
      await this.closeHandle(roomId);
      await rm(this.file(roomId), { force: true });
      records = records.slice(lastClear + 1);
      s.live.apply({ t: 'clear' }, null, 0);
      s.bytes = s.base = 0;
      if (records.length === 0) return;
    }
    const lines = records.map(lineOf);
    const h = await this.handle(roomId);
    await h.appendFile(lines.join(''));
    records.forEach((r, i) => {
      const bytes = Buffer.byteLength(lines[i]);
      s.live.apply(r, null, bytes);
      s.bytes += bytes;
    });
  }

  /**
   * Rewrites the room's file as its live board (run in the room's lane: no write in flight).
   * The board is read back from the file rather than taken from the room, so that what is
   * rewritten is exactly what was acknowledged.
   */
  private async compact(roomId: string): Promise<void> {
    const file = this.file(roomId);
    // The append handle points at the old file, which the rename replaces.
    await this.closeHandle(roomId);
    const { board } = await readBoardFile(file, roomId, Infinity);
    const records = board.values();
    const bytes = await writeBoardFile(file, records, this.opts.compactionStep);
    const live = new LiveBoard<null>();
    for (const record of records) live.apply(record, null, Buffer.byteLength(lineOf(record)));
    this.state.set(roomId, { live, bytes, base: bytes });
  }

  private compactQuietly(roomId: string): Promise<void> {
    return compactQuietly(this.stats, () => this.compact(roomId), (err) => {
      // The old file is intact (board-file.ts); tried again once as much has been appended again.
      const s = this.state.get(roomId);
      if (s) s.base = s.bytes;
      this.opts.log.warn({ err, room: roomId }, 'compacting a board file failed; the file is left as it was');
    });
  }

  /**
   * The room is no longer served here: its file is compacted if it holds more than the live
   * board, and its handle and state are let go.
   */
  release(roomId: string): Promise<void> {
    return this.lane(roomId, async () => {
      const s = this.state.get(roomId);
      if (s && s.bytes > s.live.bytes) await this.compactQuietly(roomId);
      await this.closeHandle(roomId);
      this.state.delete(roomId);
    });
  }

  /** Resolves once no room has work queued or running (writes, loads, compactions). */
  async settled(): Promise<void> {
    while (this.lanes.size > 0) await Promise.allSettled([...this.lanes.values()]);
  }

  async close(): Promise<void> {
    await this.settled();
    const handles = await Promise.allSettled(this.handles.values());
    for (const h of handles) if (h.status === 'fulfilled') await h.value.close();
    this.handles.clear();
  }
}

/** For tests and private boards: same contract, kept in memory. */
export class MemoryRoomStore implements RoomStore {
  readonly records = new Map<string, StoreRecord[]>();
  async load(roomId: string): Promise<StoredBoard> {
    return replay(this.records.get(roomId) ?? []);
  }
  async append(roomId: string, record: StoreRecord): Promise<void> {
    const list = this.records.get(roomId) ?? [];
    if (record.t === 'clear') list.length = 0;
    else list.push(structuredClone(record));
    this.records.set(roomId, list);
  }
  async close(): Promise<void> {}
}
