/**
 * The signed-in user's recognition history: list (newest first, cursor pages, filters), read,
 * correct, delete one or all, export as CSV or JSON, and export the corrected records as
 * training data (JSON Lines). Every query is scoped to the session's user: another user's record
 * is "not found", never "forbidden", so ids leak nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import { CORRECTED_TEXT_PATTERN, decodeCursor, RecognitionRecordSchema, SourceSchema, type HistoryFilter, type RecognitionRecord } from '../../db/recognitions.js';
import { ErrorResponseSchema, errors } from '../../errors.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

// A date (a whole UTC day) or a date-time with its zone; a zone-less time would mean server time.
const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$';

// Querystring values arrive as strings and ajv does not coerce here (see fastifyOptions).
const FilterQuery = {
  digit: Type.Optional(Type.String({ pattern: '^[0-9]$', description: 'Only records whose text contains this digit' })),
  from: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'ISO date or date-time, inclusive' })),
  to: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'ISO date (the whole day) or date-time, inclusive' })),
  source: Type.Optional(SourceSchema),
};
const ListQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: `1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  ...FilterQuery,
});
const ExportQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  ...FilterQuery,
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CorrectionBody = Type.Object({
  correctedText: Type.Union([Type.String({ pattern: CORRECTED_TEXT_PATTERN }), Type.Null()], {
    description: 'What was written: digits only, at most 40; null withdraws the correction',
  }),
});
const NoContent = Type.Null({ description: 'Done; no body' });

function parseDate(value: string, name: string, endOfDay: boolean): Date {
  const dateOnly = value.length === 10;
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  // new Date() rolls 2026-02-30 over to March: compare the day back to refuse it.
  if (Number.isNaN(date.getTime()) || (dateOnly && date.toISOString().slice(0, 10) !== value)) {
    throw new errors.InvalidRequest(`${name} is not a valid date: ${value}`);
  }
  return dateOnly && endOfDay ? new Date(date.getTime() + 86_400_000 - 1) : date;
}

function toFilter(q: Static<typeof ListQuery> | Static<typeof ExportQuery>): HistoryFilter {
  const filter: HistoryFilter = {
    digit: q.digit === undefined ? undefined : Number(q.digit),
    from: q.from === undefined ? undefined : parseDate(q.from, 'from', false),
    to: q.to === undefined ? undefined : parseDate(q.to, 'to', true),
    source: q.source,
  };
  if (filter.from && filter.to && filter.from > filter.to) throw new errors.InvalidRequest('from is after to');
  return filter;
}

// correctedText last: columns that consumers read by position keep their place.
const CSV_COLUMNS = ['id', 'createdAt', 'source', 'text', 'model', 'latencyMs', 'inputKind', 'digits', 'confidences', 'probabilities', 'correctedText'] as const;

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvRow(r: RecognitionRecord): string {
  const row: Record<(typeof CSV_COLUMNS)[number], string | number> = {
    id: r.id,
    createdAt: r.createdAt,
    source: r.source,
    text: r.text,
    model: r.model,
    latencyMs: r.latencyMs,
    inputKind: r.inputKind,
    digits: r.digits.map((d) => d.digit).join(' '),
    confidences: r.digits.map((d) => d.confidence).join(' '),
    probabilities: JSON.stringify(r.digits.map((d) => d.probabilities)),
    correctedText: r.correctedText ?? '',
  };
  return `${CSV_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
}

/**
 * A corrected record as a training example (training/src/corrections.ts reads these): the ink or
 * the upload's thumbnail with the corrected label; null for an upload without a thumbnail.
 */
export function trainingExample(r: RecognitionRecord): object | null {
  const label = r.correctedText;
  if (!label || !r.input) return null;
  if (r.input.kind === 'strokes') return { label, strokes: r.input.strokes, width: r.input.width, height: r.input.height };
  if (!r.input.thumbnail) return null;
  return { label, image: r.input.thumbnail.slice(r.input.thumbnail.indexOf(',') + 1) };
}

const recognitionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/recognitions',
    {
      schema: {
        summary: 'Recognition history, newest first',
        description: 'Pages of at most `limit` records; pass `nextCursor` back as `cursor` for the next page (null at the end).',
        tags: ['history'],
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(RecognitionRecordSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 401: ErrorResponseSchema },
      },
    },
    async (request) => {
      const user = app.auth.requireUser(request);
      const q = request.query;
      const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
      if (limit < 1 || limit > MAX_LIMIT) throw new errors.InvalidRequest(`limit must be 1-${MAX_LIMIT} (got ${q.limit})`);
      let cursor;
      if (q.cursor !== undefined) {
        cursor = decodeCursor(q.cursor);
        if (!cursor) throw new errors.InvalidCursor();
      }
      return app.history.list(user.id, toFilter(q), { limit, cursor: cursor ?? undefined });
    },
  );

  app.get(
    '/api/recognitions/export',
    {
      schema: {
        summary: 'Download the history (CSV or JSON)',
        description: 'All matching records, newest first, as an attachment. JSON includes each input (strokes or thumbnail); CSV does not.',
        tags: ['history'],
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const user = app.auth.requireUser(request);
      const format = request.query.format ?? 'json';
      const records = app.history.all(user.id, toFilter(request.query));
      const day = new Date().toISOString().slice(0, 10);
      async function* body(): AsyncGenerator<string> {
        if (format === 'csv') {
          yield `${CSV_COLUMNS.join(',')}\r\n`;
          for await (const r of records) yield csvRow(r);
        } else {
          let first = true;
          yield '[';
          for await (const r of records) {
            yield `${first ? '' : ','}\n${JSON.stringify(r)}`;
            first = false;
          }
          yield '\n]\n';
        }
      }
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="digitboard-history-${day}.${format}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(body()));
    },
  );

  app.get(
    '/api/recognitions/corrections',
    {
      schema: {
        summary: 'Download your corrections as training data (JSON Lines)',
        description:
          'One JSON object per line, newest first: `{"label", "strokes", "width", "height"}` for ink, `{"label", "image"}` (a base64 PNG thumbnail) for uploads. ' +
          '`npm run train -- --corrections <file>` takes such a file as extra training data.',
        tags: ['history'],
        produces: ['application/x-ndjson'],
      },
    },
    async (request, reply) => {
      const user = app.auth.requireUser(request);
      const records = app.history.all(user.id, { corrected: true });
      const day = new Date().toISOString().slice(0, 10);
      async function* body(): AsyncGenerator<string> {
        for await (const r of records) {
          const example = trainingExample(r);
          if (example) yield `${JSON.stringify(example)}\n`;
        }
      }
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="digitboard-corrections-${day}.jsonl"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(body()));
    },
  );

  app.get(
    '/api/recognitions/:id',
    {
      schema: {
        summary: 'One recognition, with its input',
        tags: ['history'],
        params: IdParams,
        response: { 200: RecognitionRecordSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const user = app.auth.requireUser(request);
      const record = await app.history.get(user.id, request.params.id);
      if (!record) throw new errors.NotFound();
      return record;
    },
  );

  app.patch(
    '/api/recognitions/:id',
    {
      schema: {
        summary: 'Correct a recognition (what was written), or withdraw the correction',
        description: 'The record keeps what the model read (`text`); `correctedText` is what was written. Corrected records make up the corrections export.',
        tags: ['history'],
        params: IdParams,
        body: CorrectionBody,
        response: { 200: RecognitionRecordSchema, 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema },
      },
    },
    async (request) => {
      const user = app.auth.requireUser(request);
      const record = await app.history.correct(user.id, request.params.id, request.body.correctedText);
      if (!record) throw new errors.NotFound();
      return record;
    },
  );

  app.delete(
    '/api/recognitions/:id',
    { schema: { summary: 'Delete one recognition', tags: ['history'], params: IdParams, response: { 204: NoContent, 401: ErrorResponseSchema, 404: ErrorResponseSchema } } },
    async (request, reply) => {
      const user = app.auth.requireUser(request);
      if (!(await app.history.remove(user.id, request.params.id))) throw new errors.NotFound();
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/recognitions',
    { schema: { summary: 'Delete the whole history', tags: ['history'], response: { 204: NoContent, 401: ErrorResponseSchema } } },
    async (request, reply) => {
      const user = app.auth.requireUser(request);
      await app.history.removeAll(user.id);
      return reply.status(204).send(null);
    },
  );
};

export default recognitionsRoutes;
