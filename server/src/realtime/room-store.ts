/**
 * Durable board state: one append-only JSON-lines file per room under data/rooms/. A stroke is
 * acknowledged only after its record is written and flushed (datasync), so an acknowledged
 * stroke survives a crash or restart. A clear rewrites the file empty (compaction).
 *
 * Chosen over SQLite for now because accounts/Prisma are not in yet; the interface is small so a
 * Prisma-backed store can replace it.
 */
import { mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface StoredStroke {
  id: string;
  author: string;
  color: string;
  points: number[][];
}

export type StoreRecord = { t: 'stroke'; stroke: StoredStroke } | { t: 'erase'; ids: string[] } | { t: 'clear' };

export interface RoomStore {
  /** Completed strokes of a room in drawing order ([] for a new room). */
  load(roomId: string): Promise<StoredStroke[]>;
  /** Resolves once the record is durable. */
  append(roomId: string, record: StoreRecord): Promise<void>;
  close(): Promise<void>;
}

/** Replays records into the board they describe. */
export function replay(records: Iterable<StoreRecord>): StoredStroke[] {
  const strokes = new Map<string, StoredStroke>();
  for (const r of records) {
    if (r.t === 'stroke') strokes.set(r.stroke.id, r.stroke);
    else if (r.t === 'erase') r.ids.forEach((id) => strokes.delete(id));
    else strokes.clear();
  }
  return [...strokes.values()];
}

export class FileRoomStore implements RoomStore {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  /** Writes to one room's file happen one after another. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  private file(roomId: string): string {
    // Room ids are validated against ROOM_ID_PATTERN before they get here; this is belt and braces.
    if (!/^[A-Za-z0-9_-]+$/.test(roomId)) throw new Error(`bad room id ${roomId}`);
    return path.join(this.dir, `${roomId}.jsonl`);
  }

  async load(roomId: string): Promise<StoredStroke[]> {
    let text: string;
    try {
      text = await readFile(this.file(roomId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
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

  append(roomId: string, record: StoreRecord): Promise<void> {
    const previous = this.chains.get(roomId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.write(roomId, record));
    this.chains.set(roomId, next);
    return next;
  }

  private async handle(roomId: string): Promise<FileHandle> {
    let h = this.handles.get(roomId);
    if (!h) {
      h = mkdir(this.dir, { recursive: true }).then(() => open(this.file(roomId), 'a'));
      this.handles.set(roomId, h);
      h.catch(() => this.handles.delete(roomId));
    }
    return h;
  }

  private async write(roomId: string, record: StoreRecord): Promise<void> {
    if (record.t === 'clear') {
      const h = await this.handles.get(roomId);
      this.handles.delete(roomId);
      await h?.close();
      await rm(this.file(roomId), { force: true });
      return;
    }
    const h = await this.handle(roomId);
    await h.appendFile(JSON.stringify(record) + '\n');
    await h.datasync();
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
  async load(roomId: string): Promise<StoredStroke[]> {
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
