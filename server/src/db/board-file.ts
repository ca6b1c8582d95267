/**
 * Reading and rewriting a board file (JSON lines, one record a line; room-store.ts).
 *
 * Reading streams the file in 64 KiB chunks and yields to the event loop after each one: a 100 MB
 * file parsed in one go held every other board for seconds (and one string cannot exceed ~512 MB).
 * Only the live board is kept while reading. A file over the limit is refused before it is read.
 *
 * Rewriting is atomic: the new board goes to a temporary file in the same directory, which is
 * flushed, renamed over the old one, and the directory flushed. A crash at any point leaves the
 * old file or the new one, each complete.
 */
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { LiveBoard } from './live-board.js';
import type { StoreRecord } from './room-store.js';

/** A board file over the size limit: refused rather than loaded. */
export class BoardTooLargeError extends Error {
  constructor(
    readonly roomId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`this board's file is ${mb(bytes)}, over the ${mb(limit)} a board may load; it was not opened`);
    this.name = 'BoardTooLargeError';
  }
}

const mb = (bytes: number) => (bytes < 2 ** 20 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

const CHUNK_BYTES = 64 * 1024;
/** Bytes written to the temporary file per write while rewriting. */
const WRITE_BYTES = 1 << 20;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The bytes a record takes in a board file. */
export function lineOf(record: StoreRecord): string {
  return JSON.stringify(record) + '\n';
}

export interface BoardFile {
  board: LiveBoard<StoreRecord>;
  /** The file's size (0 when there is none). */
  bytes: number;
}

/** Reads a board file in chunks, yielding between them; a missing file is an empty board. */
export async function readBoardFile(file: string, roomId: string, maxBytes: number): Promise<BoardFile> {
  const board = new LiveBoard<StoreRecord>();
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { board, bytes: 0 };
    throw err;
  }
  if (size > maxBytes) throw new BoardTooLargeError(roomId, size, maxBytes);
  let bytes = 0;
  let rest = '';
  const take = (line: string) => {
    if (!line) return;
    let record: StoreRecord;
    try {
      record = JSON.parse(line) as StoreRecord;
    } catch {
      // A torn last line from a crash mid-write: that record was never acknowledged.
      return;
    }
    board.apply(record, record, Buffer.byteLength(line) + 1);
  };
  // The encoding makes the stream decode UTF-8 across chunk boundaries.
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
    const text = rest + (chunk as string);
    bytes += Buffer.byteLength(chunk as string);
    // The file grew past the limit while being read (it was under it when we looked).
    if (bytes > maxBytes) throw new BoardTooLargeError(roomId, bytes, maxBytes);
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) take(line);
    await yieldToLoop();
  }
  take(rest);
  return { board, bytes };
}

/** Where a rewrite can be interrupted (tests stop it there, as a crash would). */
export type CompactionStep = 'written' | 'synced' | 'renamed';

/** Replaces `file` by these records, atomically. Resolves with the new file's size. */
export async function writeBoardFile(file: string, records: Iterable<StoreRecord>, step?: (at: CompactionStep) => void | Promise<void>): Promise<number> {
  const temp = `${file}.compacting`;
  let bytes = 0;
  let renamed = false;
  try {
    const h = await open(temp, 'w');
    try {
      let buffer = '';
      for (const record of records) {
        buffer += lineOf(record);
        if (buffer.length < WRITE_BYTES) continue;
        bytes += Buffer.byteLength(buffer);
        await h.write(buffer);
        buffer = '';
      }
      if (buffer) {
        bytes += Buffer.byteLength(buffer);
        await h.write(buffer);
      }
      await step?.('written');
      await h.sync();
    } finally {
      await h.close();
    }
    await step?.('synced');
    await rename(temp, file);
    renamed = true;
    await step?.('renamed');
    // The rename itself is durable once the directory is.
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (err) {
    if (!renamed) await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
  return bytes;
}
