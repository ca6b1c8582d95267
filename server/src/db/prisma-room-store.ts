/**
 * Durable board state in the database (SQLite or PostgreSQL, through Prisma): the store for a
 * server that runs as several nodes, where boards must outlive any one of them.
 *
 * One row per change (board_records). Records carry the room-wide `seq` the cluster assigned and
 * may arrive out of order from different nodes, or twice (a client re-sends a stroke after its
 * node died): a stroke is inserted or ignored on (roomId, strokeId), and load() sorts by seq.
 * A clear deletes the rows it makes obsolete in the same transaction and stays as a tombstone,
 * so a stroke with a lower seq that arrives after it is not stored.
 *
 * Undo and erase add rows, so a room's rows are compacted once what was written since the last
 * compaction outgrows the live board, and when the room is released: in one transaction, the rows
 * the board no longer needs are deleted (strokes no longer on the board and the erases that
 * removed them, corrections withdrawn or replaced). The rows that stay are the live board, as they
 * were written (same seq, same order), so a record that arrives late from another node still
 * sorts where it belongs. Kept as well: the latest clear, and erases of strokes that have no row
 * yet (the stroke's write may still arrive).
 *
 * When the database cannot be reached, appends wait in a bounded in-memory queue, in order per
 * room, and each room's next batch is retried with capped backoff by the database's write queue
 * (write-queue.ts, shared with the history) until it answers; nothing is acknowledged before it
 * is committed. Beyond the bound an append fails at once: the caller does not acknowledge, and
 * the client keeps the stroke and sends it again.
 */
import type { Db } from './client.js';
import { compactQuietly } from './compact-quietly.js';
import { isDatabaseUnreachable } from './unreachable.js';
import { WriteQueue } from './write-queue.js';
import { BoardTooLargeError } from './board-file.js';
import { batchStatements, bodyOf, fromRow, replayRows, type Row } from './board-rows.js';
import { DEFAULT_MAX_FILE_BYTES, type RoomStore, type StoredBoard, type StoreRecord } from './room-store.js';
import { board } from './board-rows.js';

export { board };

export interface PrismaRoomStoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PrismaRoomStoreOptions {
  /** Records waiting (those being written included), at most. Default 20,000. */
  maxRecords?: number;
  /** Bytes of points waiting, at most (8 per coordinate). Default 64 MiB. */
  maxBytes?: number;
  /** First retry delay, and the longest one while the database is unreachable. Default 100 ms and 5 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Tries for an error that is not an outage (a bad record); outages are retried forever. Default 3. */
  attempts?: number;
  /** How long close() waits for the queue before it rejects what remains. Default 10 s. */
  closeTimeoutMs?: number;
  /** Records per transaction, at most. Default 200. */
  maxBatch?: number;
  /** A room whose rows hold more than this many characters of JSON is refused (BoardTooLargeError). Default 64 MiB. */
  maxBoardBytes?: number;
  /** Rows are compacted once what was written since the last compaction exceeds this many times the live board. Default 1. */
  compactFactor?: number;
  /** Characters written below which a room is never compacted. Default 64 Ki. */
  minCompactBytes?: number;
  /** Replaces the database write of one room's batch (tests inject outages here). */
  write?: (roomId: string, records: StoreRecord[]) => Promise<void>;
  log?: PrismaRoomStoreLogger;
}

export interface PrismaRoomStoreStats {
  /** Records waiting or being written. */
  queued: number;
  /** Records committed since start. */
  written: number;
  /** Failed writes (of batches) that were tried again. */
  retries: number;
  /** Compactions done, and those that failed (rolled back, rows untouched). */
  compactions: number;
  compactionFailures: number;
  /** The last write failed because the database was unreachable (cleared by the next success). */
  failing: boolean;
  lastError?: string;
}

interface Pending {
  record: StoreRecord;
  size: number;
  settled: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Rows parsed between two yields while loading, and ids per delete while compacting. */
const PARSE_SLICE = 500;
const DELETE_SLICE = 5_000;

const silent: PrismaRoomStoreLogger = { info() {}, warn() {}, error() {} };

/** One room's records, written in one transaction. */
interface Batch {
  roomId: string;
  records: StoreRecord[];
}

function sizeOf(record: StoreRecord): number {
  if (record.t !== 'stroke') return 64;
  return 64 + record.stroke.points.reduce((n, p) => n + p.length * 8, 0);
}

export class PrismaRoomStore implements RoomStore {
  /** A live object (the health check holds it): retries and the outage come from the write queue. */
  readonly stats: PrismaRoomStoreStats;
  /** Per room: characters of the live board's rows (as of the last load or compaction), and written since. */
  private readonly sizes = new Map<string, { live: number; written: number }>();
  /** Rooms to compact at the next turn of their drain, and those to forget afterwards (released). */
  private readonly wantCompact = new Set<string>();
  private readonly releasing = new Set<string>();
  private readonly queues = new Map<string, Pending[]>();
  private readonly drains = new Map<string, Promise<void>>();
  private readonly draining = new Set<string>();
  /** Writes each room's next batch, retrying it through outages. */
  private readonly writer: WriteQueue<Batch>;
  private bytes = 0;
  private closed = false;
  /** Set when close() gave up: running drains stop at their next step. */
  private aborted = false;
  private readonly opts: Required<Omit<PrismaRoomStoreOptions, 'write'>>;

  constructor(
    private readonly db: Db,
    options: PrismaRoomStoreOptions = {},
  ) {
    this.opts = {
      maxRecords: 20_000,
      maxBytes: 64 << 20,
      minBackoffMs: 100,
      maxBackoffMs: 5_000,
      attempts: 3,
      closeTimeoutMs: 10_000,
      maxBatch: 200,
      maxBoardBytes: DEFAULT_MAX_FILE_BYTES,
      compactFactor: 1,
      minCompactBytes: 64 * 1024,
      log: silent,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    const write = options.write ?? ((roomId, records) => this.writeBatch(roomId, records));
    // The bounds are this store's own (an append over them is refused, not dropped), and a room
    // has one batch in the queue at a time: the queue holds at most one item per room.
    this.writer = new WriteQueue<Batch>((batch) => write(batch.roomId, batch.records), {
      capacity: Infinity,
      maxBytes: Infinity,
      sizeOf: () => 0,
      concurrency: Infinity,
      attempts: this.opts.attempts,
      backoffMs: this.opts.minBackoffMs,
      maxBackoffMs: this.opts.maxBackoffMs,
      transient: isDatabaseUnreachable,
      log: this.opts.log,
    });
    const queue = this.writer.stats;
    this.stats = {
      queued: 0,
      written: 0,
      compactions: 0,
      compactionFailures: 0,
      get retries() {
        return queue.retries;
      },
      get failing() {
        return queue.failing;
      },
      get lastError() {
        return queue.lastError;
      },
    };
  }

  async load(roomId: string): Promise<StoredBoard> {
    const [{ chars }] = await this.db.$queryRaw<{ chars: bigint | number | null }[]>`
      SELECT SUM(LENGTH(body)) AS chars FROM board_records WHERE "roomId" = ${roomId}`;
    const total = Number(chars ?? 0);
    if (total > this.opts.maxBoardBytes) {
      const err = new BoardTooLargeError(roomId, total, this.opts.maxBoardBytes);
      this.opts.log.error({ room: roomId, bytes: total, limit: err.limit }, `board ${roomId} not loaded: its rows hold ${total} characters, over the limit of ${err.limit} (BOARD_MAX_FILE_BYTES)`);
      throw err;
    }
    const rows: Row[] = await this.db.boardRecord.findMany({
      where: { roomId },
      select: { id: true, seq: true, kind: true, body: true },
      orderBy: { id: 'asc' },
    });
    // Parsed in slices, yielding between them: other boards keep being served.
    const records: StoreRecord[] = [];
    for (let i = 0; i < rows.length; i += PARSE_SLICE) {
      for (const row of rows.slice(i, i + PARSE_SLICE)) records.push(fromRow(row));
      if (i + PARSE_SLICE < rows.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const { needed } = replayRows(records);
    let live = 0;
    for (const i of needed) live += rows[i].body.length;
    // What the board no longer needs counts as written since the last compaction (none, for
    // rows from before compaction existed): compacted now if it is much, else at release.
    this.sizes.set(roomId, { live, written: total - live });
    if (total - live > this.opts.compactFactor * Math.max(live, this.opts.minCompactBytes)) this.requestCompaction(roomId);
    // Records of this room still waiting for the database arrived after every stored row.
    const pending = (this.queues.get(roomId) ?? []).filter((p) => !p.settled).map((p) => p.record);
    return board([...records, ...pending]);
  }

  /** The room is no longer served here: its rows are compacted (if written to since) and its sizes forgotten. */
  release(roomId: string): Promise<void> {
    const s = this.sizes.get(roomId);
    if (!s || s.written === 0 || this.closed) {
      if (!this.draining.has(roomId)) this.sizes.delete(roomId);
      return Promise.resolve();
    }
    this.releasing.add(roomId);
    this.requestCompaction(roomId);
    return this.drains.get(roomId) ?? Promise.resolve();
  }

  private requestCompaction(roomId: string): void {
    this.wantCompact.add(roomId);
    if (!this.closed) this.startDrain(roomId);
  }

  append(roomId: string, record: StoreRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('board store is closed'));
    const size = sizeOf(record);
    if (this.stats.queued >= this.opts.maxRecords || this.bytes + size > this.opts.maxBytes) {
      return Promise.reject(
        new Error(`board store queue is full (${this.stats.queued} records, ${this.bytes} bytes waiting for the database): record refused`),
      );
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { record: structuredClone(record), size, settled: false, resolve, reject };
      let queue = this.queues.get(roomId);
      if (!queue) this.queues.set(roomId, (queue = []));
      queue.push(p);
      this.stats.queued++;
      this.bytes += size;
      this.startDrain(roomId);
    });
  }

  private startDrain(roomId: string): void {
    if (this.draining.has(roomId)) return;
    // The flag, not the promise, says whether a drain runs: a drain that just found its
    // queue empty has stopped, though its promise settles a tick later.
    this.draining.add(roomId);
    const drain = this.drain(roomId).finally(() => {
      if (this.drains.get(roomId) === drain) this.drains.delete(roomId);
    });
    this.drains.set(roomId, drain);
  }

  /** Waits (at most closeTimeoutMs) for the queue to be written, then rejects what remains. */
  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.closeTimeoutMs)));
    const result = await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') return this.writer.close(0);
    this.aborted = true;
    const error = new Error('board store closed before the record was written');
    let lost = 0;
    for (const queue of this.queues.values()) {
      for (const p of queue) {
        if (!p.settled) lost++;
        this.settle(p, error);
      }
    }
    this.queues.clear();
    this.opts.log.error({ lost, lastError: this.stats.lastError }, 'board store closed with records not written');
    // Batches retrying through an outage stop now.
    await this.writer.close(0);
  }

  private async idle(): Promise<void> {
    while (this.drains.size > 0) await Promise.allSettled([...this.drains.values()]);
  }

  /**
   * Writes a room's queue in order, one batch (one transaction) at a time, and compacts the room
   * between batches when asked to or when its rows have outgrown its board.
   */
  private async drain(roomId: string): Promise<void> {
    for (;;) {
      if (this.wantCompact.delete(roomId) && !this.aborted) await this.compactQuietly(roomId);
      const queue = this.queues.get(roomId);
      if (!queue || queue.length === 0 || this.aborted) {
        if (queue?.length === 0) this.queues.delete(roomId);
        if (this.wantCompact.has(roomId) && !this.aborted) continue;
        if (this.releasing.delete(roomId)) this.sizes.delete(roomId);
        this.draining.delete(roomId);
        return;
      }
      const batch = queue.slice(0, this.opts.maxBatch);
      await this.writeInOrder(roomId, batch);
      // close() may have cleared the queue meanwhile; the batch is still at its head otherwise.
      if (this.queues.get(roomId) === queue) queue.splice(0, batch.length);
      const s = this.sizes.get(roomId) ?? { live: 0, written: 0 };
      this.sizes.set(roomId, s);
      for (const p of batch) s.written += bodyOf(p.record).length;
      if (s.written > this.opts.compactFactor * Math.max(s.live, this.opts.minCompactBytes)) this.wantCompact.add(roomId);
    }
  }

  /**
   * Deletes, in one transaction, the rows the room's board no longer needs (see the top of the
   * file). Rows are deleted by id, so a row another node writes meanwhile is never touched.
   */
  private async compact(roomId: string): Promise<void> {
    const live = await this.db.$transaction(
      async (tx) => {
        const rows: Row[] = await tx.boardRecord.findMany({
          where: { roomId },
          select: { id: true, seq: true, kind: true, body: true },
          orderBy: { id: 'asc' },
        });
        const { needed } = replayRows(rows.map(fromRow));
        const dead = rows.filter((_, i) => !needed.has(i)).map((r) => r.id);
        for (let i = 0; i < dead.length; i += DELETE_SLICE) await tx.boardRecord.deleteMany({ where: { id: { in: dead.slice(i, i + DELETE_SLICE) } } });
        let chars = 0;
        for (const i of needed) chars += rows[i].body.length;
        return chars;
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    this.sizes.set(roomId, { live, written: 0 });
  }

  private compactQuietly(roomId: string): Promise<void> {
    return compactQuietly(this.stats, () => this.compact(roomId), (err) => {
      // Rolled back: the rows are as they were. Tried again once as much has been written again.
      const s = this.sizes.get(roomId);
      if (s) s.written = 0;
      this.opts.log.warn({ err, roomId }, 'compacting a board failed; its rows are left as they were');
    });
  }

  /**
   * Writes a room's batch through the write queue and settles its appends. A batch that fails for
   * another reason than an outage is written again one record at a time: one bad record must not
   * take the others down with it.
   */
  private async writeInOrder(roomId: string, batch: Pending[]): Promise<void> {
    const err = await new Promise<Error | undefined>((resolve) => {
      if (!this.writer.push({ roomId, records: batch.map((p) => p.record) }, resolve)) resolve(new Error('board store is closed'));
    });
    if (this.aborted) return; // close() rejects what remains
    if (!err) {
      this.stats.written += batch.length;
      for (const p of batch) this.settle(p);
      return;
    }
    if (batch.length > 1) {
      for (const p of batch) await this.writeInOrder(roomId, [p]);
      return;
    }
    this.opts.log.error({ err, roomId }, 'board record could not be written; refused');
    this.settle(batch[0], err);
  }

  private settle(p: Pending, err?: Error): void {
    if (p.settled) return;
    p.settled = true;
    this.stats.queued--;
    this.bytes -= p.size;
    if (err) p.reject(err);
    else p.resolve();
  }

  /** One transaction for a room's batch, in order (see batchStatements). */
  private async writeBatch(roomId: string, records: StoreRecord[]): Promise<void> {
    await this.db.$transaction(batchStatements(this.db, roomId, records));
  }
}
