/**
 * GET /api/rooms/:id/export?format=json|csv|svg|png: a board's numbers as data (what each reads,
 * how sure the model is, where, who wrote it and when), or its ink with their labels as a picture.
 * Anyone with the board's id may read it, as anyone with its link may join it.
 *
 * A board nobody wrote on is an empty board (boards are made on first use), not a 404. An export
 * opens the room like a join does, waits (bounded) for numbers still being read, and the room is
 * dropped again once idle.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { ROOM_ID_PATTERN } from '../../../../common/protocol-constants.js';
import { BoardTooLargeError } from '../../db/room-store.js';
import { ErrorResponseSchema, errors } from '../../errors.js';
import { boardExport, BoardExportSchema, exportCsv } from '../../realtime/board-export.js';
import { boardSvg } from '../../realtime/board-svg.js';
import { perAddressLimit } from '../per-address-limit.js';

const TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  png: 'image/png',
} as const;

/** PNGs rendered at once, at most: librsvg runs on libuv's thread pool, which board writes need too. */
const renderSlots = pLimit(2);

export interface RoomExportOptions {
  /** Exports per client address per minute; 0: no limit. An export may read a whole board, as recognition does. */
  perMinute?: number;
}

const roomExportRoute: FastifyPluginAsyncTypebox<RoomExportOptions> = async (app, opts) => {
  const limited = await perAddressLimit(app, 'exports', { max: opts.perMinute ?? 0, timeWindow: '1 minute' });
  app.get(
    '/api/rooms/:id/export',
    {
      config: limited,
      schema: {
        summary: "Export a shared board's numbers (JSON, CSV) or its ink with their labels (SVG, PNG)",
        description:
          'Every number on the board in reading order: `text` (a participant\'s correction if any, else what the model read), ' +
          '`value`, the model\'s `confidence` and `alternatives`, its `box` in board units (1600 x 1000), the `writer`\'s display name, ' +
          'its `strokeIds` and the `time` its latest stroke was written. CSV has the columns ' +
          'text,value,confidence,alternatives (JSON),x,y,width,height,writer,strokeIds (space separated),time. SVG and PNG are the ' +
          'whole board (1600 x 1000), each stroke in its writer\'s colour, each number\'s text above it. A board nobody wrote on exports empty.',
        tags: ['boards'],
        params: Type.Object({ id: Type.String({ pattern: ROOM_ID_PATTERN, description: 'The board id (the end of its /r/<id> link)' }) }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('svg'), Type.Literal('png')], { default: 'json' })),
        }),
        response: {
          200: {
            description: 'The export, as an attachment named board-<id>.<format>',
            content: {
              'application/json': { schema: BoardExportSchema },
              'text/csv': { schema: Type.String() },
              'image/svg+xml': { schema: Type.String() },
              'image/png': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
            },
          },
          400: ErrorResponseSchema,
          422: { description: 'The stored board is over the size this server opens (board_too_large)', ...ErrorResponseSchema },
          429: ErrorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const format: keyof typeof TYPES = request.query.format ?? 'json';
      const room = await app.rooms.get(id).catch((err: unknown) => {
        if (err instanceof BoardTooLargeError) throw new errors.BoardTooLarge(err.message);
        throw err;
      });
      const contents = await room.contents();
      const board = boardExport(id, contents);
      void reply
        .type(TYPES[format])
        .header('content-disposition', `attachment; filename="board-${id}.${format}"`)
        .header('cache-control', 'no-store');
      if (format === 'json') return board;
      if (format === 'csv') return exportCsv(board.numbers);
      const svg = boardSvg(board, contents.strokes);
      if (format === 'svg') return svg;
      return renderSlots(() => sharp(Buffer.from(svg)).png().toBuffer());
    },
  );
};

export default roomExportRoute;
