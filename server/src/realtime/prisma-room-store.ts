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
 * When the database cannot be reached, appends wait in a bounded in-memory queue and are retried
 * with capped backoff, in order per room, until it answers; nothing is acknowledged before it is
 * committed. Beyond the bound an append fails at once: the caller does not acknowledge, and the
 * client keeps the stroke and sends it again.
 */
import type { Db } from '../db/client.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';
import { correctionKey, type StoredCorrection } from './corrections.js';
import type { RoomStore, StoredBoard, StoredStroke, StoreRecord } from './room-store.js';

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
  /** First retry delay; each next one doubles, up to maxBackoffMs. Default 100 ms .. 5 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Tries for an error that is not an outage (a bad record); outages are retried forever. Default 3. */
  attempts?: number;
  /** How long close() waits for the queue before it rejects what remains. Default 10 s. */
  closeTimeoutMs?: number;
  /** Records per transaction, at most. Default 200. */
  maxBatch?: number;
  /** Replaces the database write of one room's batch (tests inject outages here). */
  write?: (roomId: string, records: StoreRecord[]) => Promise<void>;
  log?: PrismaRoomStoreLogger;
}

export interface PrismaRoomStoreStats {
  /** Records waiting or being written. */
  queued: number;
  /** Records committed since start. */
  written: number;
  /** Failed writes that were tried again. */
  retries: number;
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

/** A row of board_records as load() needs it. */
interface Row {
  id: number;
  seq: bigint | number | null;
  kind: string;
  body: string;
}

const silent: PrismaRoomStoreLogger = { info() {}, warn() {}, error() {} };

function sizeOf(record: StoreRecord): number {
  if (record.t !== 'stroke') return 64;
  return 64 + record.stroke.points.reduce((n, p) => n + p.length * 8, 0);
}

export class PrismaRoomStore implements RoomStore {
  readonly stats: PrismaRoomStoreStats = { queued: 0, written: 0, retries: 0, failing: false };
  private readonly queues = new Map<string, Pending[]>();
  private readonly drains = new Map<string, Promise<void>>();
  private readonly draining = new Set<string>();
  private readonly sleepers = new Set<() => void>();
  private bytes = 0;
  private closed = false;
  /** Set when close() gave up: running drains stop at their next step. */
  private aborted = false;
  private readonly opts: Required<Omit<PrismaRoomStoreOptions, 'write'>>;
  private readonly write: (roomId: string, records: StoreRecord[]) => Promise<void>;

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
      log: silent,
      ...options,
    };
    this.write = options.write ?? ((roomId, records) => this.writeBatch(roomId, records));
  }

  async load(roomId: string): Promise<StoredBoard> {
    const rows: Row[] = await this.db.boardRecord.findMany({
      where: { roomId },
      select: { id: true, seq: true, kind: true, body: true },
      orderBy: { id: 'asc' },
    });
    // Records of this room still waiting for the database arrived after every stored row.
    const pending = (this.queues.get(roomId) ?? []).filter((p) => !p.settled).map((p) => p.record);
    return board([...rows.map(fromRow), ...pending]);
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
      if (!this.draining.has(roomId)) {
        // The flag, not the promise, says whether a drain runs: a drain that just found its
        // queue empty has stopped, though its promise settles a tick later.
        this.draining.add(roomId);
        const drain = this.drain(roomId).finally(() => {
          if (this.drains.get(roomId) === drain) this.drains.delete(roomId);
        });
        this.drains.set(roomId, drain);
      }
    });
  }

  /** Waits (at most closeTimeoutMs) for the queue to be written, then rejects what remains. */
  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.closeTimeoutMs)));
    const result = await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    if (result !== 'timeout') return;
    this.aborted = true;
    for (const wake of this.sleepers) wake();
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
  }

  private async idle(): Promise<void> {
    while (this.drains.size > 0) await Promise.allSettled([...this.drains.values()]);
  }

  /** Writes a room's queue in order, one batch (one transaction) at a time. */
  private async drain(roomId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(roomId);
      if (!queue || queue.length === 0 || this.aborted) {
        if (queue?.length === 0) this.queues.delete(roomId);
        this.draining.delete(roomId);
        return;
      }
      const batch = queue.slice(0, this.opts.maxBatch);
      await this.writeWithRetry(roomId, batch);
      // close() may have cleared the queue meanwhile; the batch is still at its head otherwise.
      if (this.queues.get(roomId) === queue) queue.splice(0, batch.length);
    }
  }

  private async writeWithRetry(roomId: string, batch: Pending[]): Promise<void> {
    let tries = 0;
    let otherFailures = 0;
    for (;;) {
      if (this.aborted) return;
      try {
        await this.write(roomId, batch.map((p) => p.record));
      } catch (err) {
        if (this.aborted) return;
        tries++;
        const outage = isDatabaseUnreachable(err);
        if (!outage && ++otherFailures >= this.opts.attempts) {
          if (batch.length > 1) {
            // One bad record must not take the others down with it: one at a time.
            for (const p of batch) await this.writeWithRetry(roomId, [p]);
            return;
          }
          this.opts.log.error({ err, roomId }, 'board record could not be written; refused');
          this.settle(batch[0], err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (outage) {
          if (!this.stats.failing) this.opts.log.warn({ err }, 'database unreachable: board records wait in memory');
          this.stats.failing = true;
          this.stats.lastError = err instanceof Error ? err.message : String(err);
        } else {
          this.opts.log.warn({ err, roomId }, 'board write failed; will retry');
        }
        this.stats.retries++;
        await this.sleep(this.backoff(tries));
        continue;
      }
      if (this.stats.failing) {
        this.stats.failing = false;
        this.stats.lastError = undefined;
        this.opts.log.info({ queued: this.stats.queued }, 'database reachable again: flushing board records');
      }
      this.stats.written += batch.length;
      for (const p of batch) this.settle(p);
      return;
    }
  }

  private backoff(tries: number): number {
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** (tries - 1));
    return base * (0.75 + Math.random() * 0.5);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private settle(p: Pending, err?: Error): void {
    if (p.settled) return;
    p.settled = true;
    this.stats.queued--;
    this.bytes -= p.size;
    if (err) p.reject(err);
    else p.resolve();
  }

  /**
   * One transaction for a room's batch, in order. Raw SQL for the inserts: Prisma's createMany
   * cannot skip duplicates on SQLite, and a failed insert inside a PostgreSQL transaction aborts
   * it; INSERT ... ON CONFLICT DO NOTHING is the same on both. Seqs are cast: a bare parameter
   * in a SELECT list would be text to PostgreSQL.
   */
  private async writeBatch(roomId: string, records: StoreRecord[]): Promise<void> {
    const statements = records.flatMap((r) => {
      const seq = r.seq ?? null;
      // A record older than a clear already stored is obsolete: not stored at all.
      const notCleared = (kind: string, strokeId: string | null, body: string) => this.db.$executeRaw`
        INSERT INTO board_records ("roomId", seq, kind, "strokeId", body)
        SELECT ${roomId}, CAST(${seq} AS BIGINT), ${kind}, ${strokeId}, ${body}
        WHERE NOT EXISTS (
          SELECT 1 FROM board_records WHERE "roomId" = ${roomId} AND kind = 'clear' AND seq > CAST(${seq} AS BIGINT)
        )
        ON CONFLICT DO NOTHING`;
      if (r.t === 'stroke') return [notCleared('stroke', r.stroke.id, JSON.stringify(r.stroke))];
      if (r.t === 'erase') return [notCleared('erase', null, JSON.stringify(r.ids))];
      if (r.t === 'correct') return [notCleared('correct', null, JSON.stringify(r.correction))];
      if (seq === null) {
        // Without seq, everything stored came before this clear: the room starts empty.
        return [this.db.$executeRaw`DELETE FROM board_records WHERE "roomId" = ${roomId}`];
      }
      return [
        // What sorts before the clear (see board()): rows with a lower seq, and rows without
        // seq that arrived before any row at or after it.
        this.db.$executeRaw`
          DELETE FROM board_records WHERE "roomId" = ${roomId} AND (
            seq < CAST(${seq} AS BIGINT)
            OR (seq IS NULL AND NOT EXISTS (
              SELECT 1 FROM board_records AS later
              WHERE later."roomId" = ${roomId} AND later.seq >= CAST(${seq} AS BIGINT) AND later.id < board_records.id
            ))
          )`,
        // The tombstone, unless a later clear is already there.
        this.db.$executeRaw`
          INSERT INTO board_records ("roomId", seq, kind, "strokeId", body)
          SELECT ${roomId}, CAST(${seq} AS BIGINT), 'clear', NULL, ''
          WHERE NOT EXISTS (
            SELECT 1 FROM board_records WHERE "roomId" = ${roomId} AND kind = 'clear' AND seq >= CAST(${seq} AS BIGINT)
          )`,
      ];
    });
    await this.db.$transaction(statements);
  }
}

function fromRow(row: Row): StoreRecord {
  const seq = row.seq === null ? {} : { seq: Number(row.seq) };
  if (row.kind === 'stroke') return { t: 'stroke', stroke: JSON.parse(row.body) as StoredStroke, ...seq };
  if (row.kind === 'erase') return { t: 'erase', ids: JSON.parse(row.body) as string[], ...seq };
  if (row.kind === 'correct') return { t: 'correct', correction: JSON.parse(row.body) as StoredCorrection, ...seq };
  return { t: 'clear', ...seq };
}

/**
 * The board that records (in arrival order) describe. Records with seq sort by it; one without
 * sorts right after the records that arrived before it (a room written by one node has no seqs
 * and sorts by arrival; one that moved between a single node and a cluster keeps its history in
 * order). A stroke id is stored once: a second copy is ignored, as the unique index does.
 */
export function board(records: StoreRecord[]): StoredBoard {
  let highest = -Infinity;
  const keyed = records.map((record, arrival) => {
    if (record.seq !== undefined) highest = Math.max(highest, record.seq);
    return { record, key: record.seq ?? highest, late: record.seq === undefined ? 1 : 0, arrival };
  });
  keyed.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.late - b.late || a.arrival - b.arrival));
  // The first copy to arrive is the one kept, as in the table.
  const firstCopy = new Map<string, number>();
  for (const { record, arrival } of [...keyed].sort((a, b) => a.arrival - b.arrival)) {
    if (record.t === 'stroke' && !firstCopy.has(record.stroke.id)) firstCopy.set(record.stroke.id, arrival);
  }
  const strokes = new Map<string, StoredStroke>();
  // As room-store.ts's replay(): the latest correction of each number version, until withdrawn.
  const corrections = new Map<string, StoredCorrection>();
  for (const { record, arrival } of keyed) {
    if (record.t === 'stroke') {
      if (firstCopy.get(record.stroke.id) === arrival) strokes.set(record.stroke.id, record.stroke);
    } else if (record.t === 'erase') {
      for (const id of record.ids) strokes.delete(id);
      for (const [key, c] of corrections) if (c.strokeIds.some((id) => record.ids.includes(id))) corrections.delete(key);
    } else if (record.t === 'correct') {
      const key = correctionKey(record.correction);
      if (record.correction.text === '') corrections.delete(key);
      else corrections.set(key, record.correction);
    } else {
      strokes.clear();
      corrections.clear();
    }
  }
  return { strokes: [...strokes.values()], corrections: [...corrections.values()] };
}
