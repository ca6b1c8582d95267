/**
 * Durable board state: one append-only JSON-lines file per room under data/rooms/. A stroke is
 * acknowledged only after its record is on disk (the file is opened with O_DSYNC: a write returns
 * once its data is flushed, as a datasync after it would), so an acknowledged stroke survives a
 * crash or restart. A clear rewrites the file empty (compaction). Corrections of numbers are
 * records too (see corrections.ts).
 *
 * Chosen over SQLite for now because accounts/Prisma are not in yet; the interface is small so a
 * Prisma-backed store can replace it.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { correctionKey, type StoredCorrection } from './corrections.js';

export interface StoredStroke {
  id: string;
  author: string;
  color: string;
  points: number[][];
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
}

export const emptyBoard = (): StoredBoard => ({ strokes: [], corrections: [] });

export interface RoomStore {
  /** The room's board (empty for a new room). */
  load(roomId: string): Promise<StoredBoard>;
  /** Resolves once the record is durable. */
  append(roomId: string, record: StoreRecord): Promise<void>;
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

export class FileRoomStore implements RoomStore {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  /** Records waiting for the room's current write to finish, and rooms being written. */
  private readonly queues = new Map<string, PendingRecord[]>();
  private readonly writing = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  private file(roomId: string): string {
    // Room ids are validated against ROOM_ID_PATTERN before they get here; this is belt and braces.
    if (!/^[A-Za-z0-9_-]+$/.test(roomId)) throw new Error(`bad room id ${roomId}`);
    return path.join(this.dir, `${roomId}.jsonl`);
  }

  async load(roomId: string): Promise<StoredBoard> {
    let text: string;
    try {
      text = await readFile(this.file(roomId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyBoard();
      throw err;
    }
    const records: StoreRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // A torn last line from a crash mid-write: that record was never acknowledged.
      }
    }
    return replay(records);
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
      if (!this.writing.has(roomId)) this.chains.set(roomId, this.drain(roomId));
    });
  }

  private async drain(roomId: string): Promise<void> {
    this.writing.add(roomId);
    try {
      for (let batch = this.take(roomId); batch.length > 0; batch = this.take(roomId)) {
        try {
          await this.write(roomId, batch.map((p) => p.record));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
      }
    } finally {
      this.writing.delete(roomId);
    }
  }

  private take(roomId: string): PendingRecord[] {
    const queue = this.queues.get(roomId) ?? [];
    this.queues.delete(roomId);
    return queue;
  }

  private async handle(roomId: string): Promise<FileHandle> {
    let h = this.handles.get(roomId);
    if (!h) {
      // O_DSYNC instead of a datasync after each write: one thread-pool job per batch, not two
      // (each job's hand-off cost the main thread ~4% with 200 busy rooms, profiled).
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC;
      h = mkdir(this.dir, { recursive: true }).then(() => open(this.file(roomId), flags));
      this.handles.set(roomId, h);
      h.catch(() => this.handles.delete(roomId));
    }
    return h;
  }

  /** Writes records in order; a clear truncates what came before it (compaction). */
  private async write(roomId: string, records: StoreRecord[]): Promise<void> {
    const lastClear = records.map((r) => r.t).lastIndexOf('clear');
    if (lastClear >= 0) {
      const h = await this.handles.get(roomId);
      this.handles.delete(roomId);
      await h?.close();
      await rm(this.file(roomId), { force: true });
      records = records.slice(lastClear + 1);
      if (records.length === 0) return;
    }
    const h = await this.handle(roomId);
    await h.appendFile(records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.chains.values());
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
