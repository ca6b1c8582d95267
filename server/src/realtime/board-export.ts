/**
 * A board's numbers as data (GET /api/rooms/:id/export): one row per number with what it reads,
 * how sure the model is, where it is, who wrote it and when, as JSON or CSV. Pure: the room's
 * contents (Room.contents) in, text out. The ink itself is drawn by board-svg.ts.
 *
 * A row is a number, an expression (its value is what it evaluates to, common/line-reading.ts) or
 * a column sum (common/column-sums.ts: the numbers above a rule and the rule, after the numbers).
 */
import { stringify } from 'csv-stringify/sync';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { BOARD_HEIGHT, BOARD_WIDTH } from '../../../common/protocol-constants.js';
import type { GroupResult } from '../../../common/protocol.js';
import { columns, type Column } from '../../../common/column-sums.js';
import { AlternativeSchema, BoxSchema, MathErrorSchema, type Recognition } from '../../../common/recognition.js';
import type { RoomContents } from './board-contents.js';

const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

export const ExportNumberSchema = Type.Object({
  id: Type.String({ description: "The number's id on the board (the id of its oldest stroke); a sum's is \"sum:\" and its rule's id" }),
  kind: Type.Union([Type.Literal('number'), Type.Literal('expression'), Type.Literal('sum')], {
    description: 'A number, an expression written up to its "=" (value: what it evaluates to), or the sum of a column of numbers under a rule',
  }),
  expression: Nullable(Type.String(), 'What was evaluated ("12+30"; a sum\'s terms joined by "+"), or null for a number'),
  error: Nullable(MathErrorSchema, 'Why an expression or a sum has no value (division_by_zero, overflow), or null'),
  text: Type.String({ description: 'What the number is: its correction if a participant gave one, else what the model read ("" for nothing)' }),
  recognizedText: Type.String({ description: 'What the model read' }),
  correctedText: Nullable(Type.String(), 'What a participant said it is, or null'),
  value: Nullable(
    Type.Number(),
    "A number's text as a number, an expression's or a sum's value; null when there is none (no digits, over 15 digits, an expression not read surely enough, an error)",
  ),
  confidence: Nullable(Type.Number(), "The model's probability for its reading (recognizedText), or null when it read nothing"),
  alternatives: Type.Array(AlternativeSchema, { description: "The model's readings, most probable first" }),
  box: BoxSchema,
  writer: Nullable(Type.String(), 'The display name of whoever wrote most of its strokes, or null when the board no longer knows them'),
  writers: Type.Array(Type.String(), { description: 'The display names of everyone who wrote part of it, by their first stroke' }),
  strokeIds: Type.Array(Type.String()),
  time: Nullable(Type.String({ format: 'date-time' }), 'When its latest stroke was written, or null for ink stored before times were kept'),
});
export type ExportNumber = Static<typeof ExportNumberSchema>;

export const BoardExportSchema = Type.Object({
  room: Type.String(),
  /** The board's logical size: boxes and the SVG are in these units. */
  width: Type.Integer(),
  height: Type.Integer(),
  /** In reading order (rows top to bottom, left to right). */
  numbers: Type.Array(ExportNumberSchema),
});
export type BoardExport = Static<typeof BoardExportSchema>;

/** The most digits a number's value holds exactly (Number.MAX_SAFE_INTEGER has 16, not all of them free). */
const EXACT_DIGITS = 15;

/** The number the text reads as; null for no digits, or too many to hold exactly. */
export function numericValue(text: string): number | null {
  if (!/^[0-9]+$/.test(text) || text.replace(/^0+(?=.)/, '').length > EXACT_DIGITS) return null;
  return Number(text);
}

/** The model's probability for its reading: its first alternative's, else the product of its digits'; null when it read nothing. */
export function readingConfidence(result: Recognition): number | null {
  const first = result.alternatives?.[0];
  if (first) return first.confidence;
  if (result.digits.length === 0) return null;
  return result.digits.reduce((p, d) => p * d.confidence, 1);
}

/** Who wrote a number: the author of most of its strokes (ties: the earliest), and every author by first stroke. */
function writersOf(strokeIds: readonly string[], authorOf: ReadonlyMap<string, string>): { main: string | undefined; all: string[] } {
  const counts = new Map<string, number>();
  for (const id of strokeIds) {
    const author = authorOf.get(id);
    if (author !== undefined) counts.set(author, (counts.get(author) ?? 0) + 1);
  }
  let main: string | undefined;
  for (const [author, n] of counts) if (main === undefined || n > counts.get(main)!) main = author;
  return { main, all: [...counts.keys()] };
}

interface Writers {
  authorOf: ReadonlyMap<string, string>;
  atOf: ReadonlyMap<string, number>;
  names: ReadonlyMap<string, string>;
}

/** Who wrote these strokes, and when the latest was written. */
function provenance(strokeIds: readonly string[], { authorOf, atOf, names }: Writers): Pick<ExportNumber, 'writer' | 'writers' | 'strokeIds' | 'time'> {
  const { main, all } = writersOf(strokeIds, authorOf);
  const times = strokeIds.flatMap((id) => atOf.get(id) ?? []);
  return {
    writer: (main !== undefined && names.get(main)) || null,
    writers: all.flatMap((author) => names.get(author) ?? []),
    strokeIds: [...strokeIds],
    time: times.length > 0 ? new Date(Math.max(...times)).toISOString() : null,
  };
}

function exportNumber(group: GroupResult, writers: Writers): ExportNumber {
  const { result } = group;
  const text = group.correctedText ?? result.text;
  // A correction is digits only: a corrected expression is the number it was corrected to.
  const math = group.correctedText ? undefined : result.math?.[0];
  return {
    id: group.id,
    kind: math || /[^0-9]/.test(result.text) ? 'expression' : 'number',
    expression: math?.expression ?? null,
    error: math?.error ?? null,
    text,
    recognizedText: result.text,
    correctedText: group.correctedText ?? null,
    value: math ? math.value : numericValue(text),
    confidence: readingConfidence(result),
    alternatives: result.alternatives ?? [],
    box: group.box,
    ...provenance(group.strokeIds, writers),
  };
}

/** A column sum as a row: its numbers' and its rule's strokes, its text the sum written out. */
function exportSum({ sum, rows, rule }: Column, writers: Writers): ExportNumber {
  const text = `${sum.expression}=${sum.display}`;
  return {
    id: `sum:${rule.id}`,
    kind: 'sum',
    expression: sum.expression,
    error: sum.error ?? null,
    text,
    recognizedText: text,
    correctedText: null,
    value: sum.value,
    confidence: sum.confidence,
    alternatives: [],
    box: sum.box,
    ...provenance([...rows, rule].flatMap((g) => g.strokeIds), writers),
  };
}

/** The board's numbers, in reading order, then its column sums, with their writers' names and times. */
export function boardExport(room: string, contents: RoomContents): BoardExport {
  const writers: Writers = {
    authorOf: new Map(contents.strokes.map((s) => [s.id, s.author])),
    atOf: new Map(contents.strokes.flatMap((s) => (s.at === undefined ? [] : [[s.id, s.at] as const]))),
    names: contents.names,
  };
  const pointsOf = new Map(contents.strokes.map((s) => [s.id, s.points]));
  const sums = columns(contents.groups, (id) => pointsOf.get(id) ?? []);
  return {
    room,
    width: BOARD_WIDTH,
    height: BOARD_HEIGHT,
    numbers: [...contents.groups.map((g) => exportNumber(g, writers)), ...sums.map((c) => exportSum(c, writers))],
  };
}

export const CSV_COLUMNS = ['text', 'value', 'confidence', 'alternatives', 'x', 'y', 'width', 'height', 'writer', 'strokeIds', 'time', 'kind', 'expression', 'error'] as const;

/**
 * The numbers as CSV (RFC 4180, CRLF), a header first. `alternatives` is JSON, `strokeIds` space
 * separated, a null an empty cell. Cells a spreadsheet would run as a formula (a writer named
 * "=...") are prefixed with a quote.
 */
export function exportCsv(numbers: readonly ExportNumber[]): string {
  const rows = numbers.map((n) => [
    n.text,
    n.value ?? '',
    n.confidence ?? '',
    JSON.stringify(n.alternatives),
    n.box.x,
    n.box.y,
    n.box.width,
    n.box.height,
    n.writer ?? '',
    n.strokeIds.join(' '),
    n.time ?? '',
    n.kind,
    n.expression ?? '',
    n.error ?? '',
  ]);
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', escape_formulas: true });
}
