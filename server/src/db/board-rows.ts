/**
 * board_records rows and the board they describe (prisma-room-store.ts): a row parsed into its
 * record and back, the statements that write a batch of records, and the replay that orders records by the room-wide seq, keeps the first copy
 * of a stroke, and tells which rows the board still needs (compaction deletes the others).
 */
import type { Db } from './client.js';
import { correctionKey, type StoredBoard, type StoredCorrection, type StoredStroke, type StoreRecord } from './room-store.js';

/** A row of board_records as load() needs it. */
export interface Row {
  id: number;
  seq: bigint | number | null;
  kind: string;
  body: string;
}

/**
 * The statements of one transaction that writes a room's batch, in order. Raw SQL for the
 * inserts: Prisma's createMany cannot skip duplicates on SQLite, and a failed insert inside a
 * PostgreSQL transaction aborts it; INSERT ... ON CONFLICT DO NOTHING is the same on both. Seqs are cast: a bare parameter
 * in a SELECT list would be text to PostgreSQL.
 */
export function batchStatements(db: Db, roomId: string, records: StoreRecord[]) {
  const statements = records.flatMap((r) => {
    const seq = r.seq ?? null;
    // A record older than a clear already stored is obsolete: not stored at all.
    const notCleared = (kind: string, strokeId: string | null, body: string) => db.$executeRaw`
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
      return [db.$executeRaw`DELETE FROM board_records WHERE "roomId" = ${roomId}`];
    }
    return [
      // What sorts before the clear (see board()): rows with a lower seq, and rows without
      // seq that arrived before any row at or after it.
      db.$executeRaw`
        DELETE FROM board_records WHERE "roomId" = ${roomId} AND (
          seq < CAST(${seq} AS BIGINT)
          OR (seq IS NULL AND NOT EXISTS (
            SELECT 1 FROM board_records AS later
            WHERE later."roomId" = ${roomId} AND later.seq >= CAST(${seq} AS BIGINT) AND later.id < board_records.id
          ))
        )`,
      // The tombstone, unless a later clear is already there.
      db.$executeRaw`
        INSERT INTO board_records ("roomId", seq, kind, "strokeId", body)
        SELECT ${roomId}, CAST(${seq} AS BIGINT), 'clear', NULL, ''
        WHERE NOT EXISTS (
          SELECT 1 FROM board_records WHERE "roomId" = ${roomId} AND kind = 'clear' AND seq >= CAST(${seq} AS BIGINT)
        )`,
    ];
  });
  return statements;
}

export function fromRow(row: Row): StoreRecord {
  const seq = row.seq === null ? {} : { seq: Number(row.seq) };
  if (row.kind === 'stroke') return { t: 'stroke', stroke: JSON.parse(row.body) as StoredStroke, ...seq };
  if (row.kind === 'erase') return { t: 'erase', ids: JSON.parse(row.body) as string[], ...seq };
  if (row.kind === 'correct') return { t: 'correct', correction: JSON.parse(row.body) as StoredCorrection, ...seq };
  return { t: 'clear', ...seq };
}

/** A record's body as a row stores it. */
export function bodyOf(r: StoreRecord): string {
  if (r.t === 'stroke') return JSON.stringify(r.stroke);
  if (r.t === 'erase') return JSON.stringify(r.ids);
  if (r.t === 'correct') return JSON.stringify(r.correction);
  return '';
}

/**
 * The board that records (in arrival order) describe. Records with seq sort by it; one without
 * sorts right after the records that arrived before it (a room written by one node has no seqs
 * and sorts by arrival; one that moved between a single node and a cluster keeps its history in
 * order). A stroke id is stored once: a second copy is ignored, as the unique index does.
 */
export function board(records: StoreRecord[]): StoredBoard {
  return replayRows(records).board;
}

/**
 * The board, and the records it needs (by arrival index): those of its strokes and corrections,
 * clears (they keep refusing older records that arrive late), and erases of strokes that have
 * no record (the stroke's may still arrive). Compaction deletes the others.
 */
export function replayRows(records: StoreRecord[]): { board: StoredBoard; needed: Set<number> } {
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
  const strokes = new Map<string, { stroke: StoredStroke; arrival: number }>();
  // As room-store.ts's replay(): the latest correction of each number version, until withdrawn.
  const corrections = new Map<string, { correction: StoredCorrection; arrival: number }>();
  const needed = new Set<number>();
  for (const { record, arrival } of keyed) {
    if (record.t === 'stroke') {
      if (firstCopy.get(record.stroke.id) === arrival) strokes.set(record.stroke.id, { stroke: record.stroke, arrival });
    } else if (record.t === 'erase') {
      for (const id of record.ids) strokes.delete(id);
      for (const [key, c] of corrections) if (c.correction.strokeIds.some((id) => record.ids.includes(id))) corrections.delete(key);
      if (record.ids.some((id) => !firstCopy.has(id))) needed.add(arrival);
    } else if (record.t === 'correct') {
      const key = correctionKey(record.correction);
      if (record.correction.text === '') corrections.delete(key);
      else corrections.set(key, { correction: record.correction, arrival });
    } else {
      strokes.clear();
      corrections.clear();
      needed.add(arrival);
    }
  }
  for (const { arrival } of strokes.values()) needed.add(arrival);
  for (const { arrival } of corrections.values()) needed.add(arrival);
  const board: StoredBoard = { strokes: [...strokes.values()].map((s) => s.stroke), corrections: [...corrections.values()].map((c) => c.correction) };
  if (highest > -Infinity) board.seq = highest;
  return { board, needed };
}
