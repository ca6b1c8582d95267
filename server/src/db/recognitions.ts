/**
 * Recognition history in the database: one row per recognition, one per digit, always written
 * together in one transaction, and always read through the owner's id (another user's record
 * is simply not found).
 */
import { Type, type Static } from '@sinclair/typebox';
import { randomUUID } from 'node:crypto';
import { AlternativeSchema, BoxSchema, DigitResultSchema, MathSchema, StrokeSchema, type Recognition } from '../../../common/recognition.js';
import type { Db, Prisma, RecognitionSource } from './client.js';

export const SOURCES = ['board', 'upload', 'api'] as const satisfies readonly RecognitionSource[];
export const SourceSchema = Type.Union([Type.Literal('board'), Type.Literal('upload'), Type.Literal('api')]);
export type { RecognitionSource };

/** What a stored recognition was read from. */
export type RecognitionInput =
  | { strokes: number[][][]; width: number; height: number }
  /** A small PNG made from the upload (see thumbnail.ts), never the original. */
  | { thumbnail: Uint8Array | null };

export interface NewRecognition {
  id: string;
  userId: string;
  source: RecognitionSource;
  createdAt: Date;
  input: RecognitionInput;
  recognition: Recognition;
  latencyMs: number;
  /** A board number's identity: a second record with the same key is refused (P2002). */
  boardKey?: string;
  /** What was written, when it was corrected before the record was stored. */
  correctedText?: string;
  /** The boardKeys of the user's records this one replaces (a board number they went on with): deleted as it is written. */
  replaces?: string[];
}

/** A correction: digits only, at most 40 (the board's CORRECTION_PATTERN without the empty text). */
export const CORRECTED_TEXT_PATTERN = '^[0-9]{1,40}$';

export function newRecognitionId(): string {
  return randomUUID();
}

/**
 * Writes a recognition and its digits in one transaction (a nested create): all or nothing; with
 * `replaces`, the user's records under those keys are deleted in the same transaction.
 */
export async function insertRecognition(db: Db, rec: NewRecognition): Promise<void> {
  const { recognition: r, input } = rec;
  const ink = 'strokes' in input ? input : null;
  const create = db.recognition.create({
    data: {
      id: rec.id,
      userId: rec.userId,
      createdAt: rec.createdAt,
      source: rec.source,
      text: r.text,
      model: r.model,
      latencyMs: rec.latencyMs,
      boardKey: rec.boardKey,
      correctedText: rec.correctedText,
      alternatives: r.alternatives,
      math: r.math,
      strokes: ink ? ink.strokes : undefined,
      width: ink?.width,
      height: ink?.height,
      thumbnail: 'thumbnail' in input && input.thumbnail ? new Uint8Array(input.thumbnail) : undefined,
      rejected: r.rejected,
      digits: {
        create: r.digits.map((d, position) => ({
          position,
          digit: d.digit,
          confidence: d.confidence,
          probabilities: d.probabilities,
          boxX: d.box.x,
          boxY: d.box.y,
          boxWidth: d.box.width,
          boxHeight: d.box.height,
        })),
      },
    },
  });
  if (rec.replaces?.length) await db.$transaction([db.recognition.deleteMany({ where: { userId: rec.userId, boardKey: { in: rec.replaces } } }), create]);
  else await create;
}

export const StrokesInputSchema = Type.Object({
  kind: Type.Literal('strokes'),
  strokes: Type.Array(StrokeSchema),
  width: Type.Number(),
  height: Type.Number(),
});
export const ImageInputSchema = Type.Object({
  kind: Type.Literal('image'),
  /** data:image/png;base64,... or null when no thumbnail could be made. */
  thumbnail: Type.Union([Type.String(), Type.Null()]),
});

/** A stored recognition as the API returns it: the Recognition fields plus who/when/how. */
export const RecognitionRecordSchema = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  source: SourceSchema,
  text: Type.String(),
  digits: Type.Array(DigitResultSchema),
  rejected: Type.Array(Type.Object({ box: BoxSchema, notDigitProbability: Type.Number() })),
  model: Type.String(),
  latencyMs: Type.Number(),
  inputKind: Type.Union([Type.Literal('strokes'), Type.Literal('image')]),
  alternatives: Type.Optional(Type.Array(AlternativeSchema, { description: 'Up to three readings, most probable first; absent on records made before there were any' })),
  math: Type.Optional(Type.Array(MathSchema, { description: 'What was evaluated (expressions and their values, column sums); absent on records made before arithmetic' })),
  correctedText: Type.Union([Type.String(), Type.Null()], {
    description: 'What the user (or, for a board number, someone in the room) said was written; null when the reading stands',
  }),
  /** Only in single-record answers and JSON exports: lists stay small. */
  input: Type.Optional(Type.Union([StrokesInputSchema, ImageInputSchema])),
});
export type RecognitionRecord = Static<typeof RecognitionRecordSchema>;

export interface HistoryFilter {
  /** Records whose text contains this digit. */
  digit?: number;
  /** Inclusive. */
  from?: Date;
  /** Inclusive. */
  to?: Date;
  source?: RecognitionSource;
  /** Only corrected records. */
  corrected?: boolean;
}

/** Keyset position: the last record of the previous page. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.getTime()}.${c.id}`).toString('base64url');
}

/** null for anything that is not a cursor this server made. */
export function decodeCursor(s: string): Cursor | null {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(s, 'base64url').toString());
  return m ? { createdAt: new Date(Number(m[1])), id: m[2] } : null;
}

const withDigits = { digits: { orderBy: { position: 'asc' } } } as const;
type Row = Prisma.RecognitionGetPayload<{ include: typeof withDigits }>;
type ListRow = Omit<Row, 'strokes' | 'thumbnail'>;

function where(userId: string, filter: HistoryFilter, cursor?: Cursor): Prisma.RecognitionWhereInput {
  return {
    userId,
    ...(filter.source ? { source: filter.source } : {}),
    ...(filter.corrected ? { correctedText: { not: null } } : {}),
    ...(filter.digit !== undefined ? { text: { contains: String(filter.digit) } } : {}),
    ...(filter.from || filter.to ? { createdAt: { gte: filter.from, lte: filter.to } } : {}),
    ...(cursor
      ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
      : {}),
  };
}

const NEWEST_FIRST = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.RecognitionOrderByWithRelationInput[];

function toRecord(row: ListRow | Row, withInput: boolean): RecognitionRecord {
  const record: RecognitionRecord = {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    source: row.source,
    text: row.text,
    digits: row.digits.map((d) => ({
      digit: d.digit,
      confidence: d.confidence,
      probabilities: d.probabilities as number[],
      box: { x: d.boxX, y: d.boxY, width: d.boxWidth, height: d.boxHeight },
    })),
    rejected: row.rejected as RecognitionRecord['rejected'],
    model: row.model,
    latencyMs: row.latencyMs,
    inputKind: row.width !== null ? 'strokes' : 'image',
    correctedText: row.correctedText,
  };
  if (Array.isArray(row.alternatives)) record.alternatives = row.alternatives as RecognitionRecord['alternatives'];
  if (Array.isArray(row.math)) record.math = row.math as RecognitionRecord['math'];
  if (withInput && 'strokes' in row) {
    record.input =
      row.width !== null
        ? { kind: 'strokes', strokes: (row.strokes ?? []) as number[][][], width: row.width, height: row.height ?? 0 }
        : { kind: 'image', thumbnail: row.thumbnail ? `data:image/png;base64,${Buffer.from(row.thumbnail).toString('base64')}` : null };
  }
  return record;
}

/** One page of a user's history, newest first, and the cursor of the next page (null at the end). */
export async function listRecognitions(
  db: Db,
  userId: string,
  filter: HistoryFilter,
  page: { limit: number; cursor?: Cursor },
): Promise<{ items: RecognitionRecord[]; nextCursor: string | null }> {
  const rows = await db.recognition.findMany({
    where: where(userId, filter, page.cursor),
    orderBy: NEWEST_FIRST,
    take: page.limit + 1,
    include: withDigits,
    omit: { strokes: true, thumbnail: true },
  });
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map((r) => toRecord(r, false));
  const last = more ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(last) : null };
}

/** Every matching record with its input, newest first, read in pages of `batch`. */
export async function* allRecognitions(db: Db, userId: string, filter: HistoryFilter, batch = 200): AsyncGenerator<RecognitionRecord> {
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await db.recognition.findMany({ where: where(userId, filter, cursor), orderBy: NEWEST_FIRST, take: batch, include: withDigits });
    for (const row of rows) yield toRecord(row, true);
    if (rows.length < batch) return;
    cursor = rows[rows.length - 1];
  }
}

/** The user's record, or null (also when it belongs to someone else). */
export async function getRecognition(db: Db, userId: string, id: string): Promise<RecognitionRecord | null> {
  const row = await db.recognition.findFirst({ where: { id, userId }, include: withDigits });
  return row ? toRecord(row, true) : null;
}

/** True when the user's record existed and is gone. */
export async function deleteRecognition(db: Db, userId: string, id: string): Promise<boolean> {
  const { count } = await db.recognition.deleteMany({ where: { id, userId } });
  return count > 0;
}

/** Deletes all the user's records (their digits go with them); returns how many. */
export async function deleteAllRecognitions(db: Db, userId: string): Promise<number> {
  const { count } = await db.recognition.deleteMany({ where: { userId } });
  return count;
}

/** Sets (null: withdraws) the correction of the user's record; the record as it is now, or null if it is not theirs. */
export async function correctRecognition(db: Db, userId: string, id: string, correctedText: string | null): Promise<RecognitionRecord | null> {
  const { count } = await db.recognition.updateMany({ where: { id, userId }, data: { correctedText } });
  return count > 0 ? getRecognition(db, userId, id) : null;
}

/** A board number was corrected in its room: its record (whoever's it is), if one was stored. */
export async function correctBoardRecognition(db: Db, boardKey: string, correctedText: string | null): Promise<number> {
  const { count } = await db.recognition.updateMany({ where: { boardKey }, data: { correctedText } });
  return count;
}
