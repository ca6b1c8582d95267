/** GET /api/rooms/:id/export: a board written on over a real WebSocket (injectWS), read by the real model, exported in every format. */
import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { PROTOCOL_VERSION, type GroupResult, type ServerMessage } from '../../../common/protocol.js';
import { numberStrokes } from '../../../test-support/digit-strokes.js';
import { CSV_COLUMNS } from '../../src/realtime/board-export.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';
import { build } from '../helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.close());

const exportOf = (room: string, format?: string) => app.inject({ method: 'GET', url: `/api/rooms/${room}/export${format ? `?format=${format}` : ''}` });

/** Writes a number on a new board as "Ana" and waits until the board has read it; the socket stays open. */
async function writtenBoard(): Promise<{ room: string; group: GroupResult; ws: WebSocket }> {
  const room = RoomRegistry.newId();
  const ws: WebSocket = await app.injectWS('/ws');
  const inbox: ServerMessage[] = [];
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  });
  const send = (msg: unknown) => ws.send(JSON.stringify(msg));
  send({ type: 'hello', protocol: PROTOCOL_VERSION, room, name: 'Ana' });
  // Twice the fixture's size: a number as tall as people write on a 1600 x 1000 board.
  const strokes = numberStrokes('41').map((s) => s.map(([x, y]) => [x * 2 + 200, y * 2 + 200]));
  strokes.forEach((points, i) => {
    send({ type: 'stroke-begin', strokeId: `s${i}`, points: points.slice(0, 1) });
    send({ type: 'stroke-points', strokeId: `s${i}`, points: points.slice(1) });
    send({ type: 'stroke-end', strokeId: `s${i}` });
  });
  const ids = strokes.map((_, i) => `s${i}`);
  for (;;) {
    const group = inbox.flatMap((m) => (m.type === 'result' ? m.groups : [])).find((g) => g.strokeIds.length === ids.length);
    if (group) return { room, group, ws };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /api/rooms/:id/export', () => {
  it('exports the board\'s number as JSON, CSV, SVG and PNG, as the board holds it', async () => {
    const before = Date.now();
    const { room, group, ws } = await writtenBoard();
    try {
      const json = await exportOf(room, 'json');
      expect(json.statusCode).toBe(200);
      expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json.headers['content-disposition']).toBe(`attachment; filename="board-${room}.json"`);
      const board = json.json();
      expect(board).toMatchObject({ room, width: 1600, height: 1000 });
      expect(board.numbers).toHaveLength(1);
      const [n] = board.numbers;
      expect(n).toMatchObject({
        id: group.id,
        text: group.result.text,
        recognizedText: group.result.text,
        correctedText: null,
        value: group.result.text === '' ? null : Number(group.result.text),
        confidence: group.result.alternatives![0].confidence,
        alternatives: group.result.alternatives,
        box: group.box,
        writer: 'Ana',
        writers: ['Ana'],
        strokeIds: group.strokeIds,
      });
      expect(Date.parse(n.time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(n.time)).toBeLessThanOrEqual(Date.now());
      // Without a format: JSON.
      expect((await exportOf(room)).json()).toEqual(board);

      const csv = await exportOf(room, 'csv');
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="board-${room}.csv"`);
      const lines = csv.body.split('\r\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines[1]).toBe(
        [n.text, n.value ?? '', n.confidence, `"${JSON.stringify(n.alternatives).replaceAll('"', '""')}"`, n.box.x, n.box.y, n.box.width, n.box.height, 'Ana', n.strokeIds.join(' '), n.time, 'number', '', ''].join(','),
      );
      expect(lines).toHaveLength(3);

      const svg = await exportOf(room, 'svg');
      expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(svg.headers['content-disposition']).toBe(`attachment; filename="board-${room}.svg"`);
      expect(svg.body.match(/<path data-stroke=/g)).toHaveLength(group.strokeIds.length);
      if (n.text !== '') expect(svg.body).toMatch(new RegExp(`<text data-number="${n.id}"[^>]*>${n.text}</text>`));

      const png = await exportOf(room, 'png');
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.headers['content-disposition']).toBe(`attachment; filename="board-${room}.png"`);
      const image = sharp(png.rawPayload);
      expect(await image.metadata()).toMatchObject({ format: 'png', width: 1600, height: 1000 });
      // Ink in the number's box: some pixels there are far from white.
      const { x, y, width, height } = n.box;
      const { data } = await image.extract({ left: Math.floor(x), top: Math.floor(y), width: Math.ceil(width), height: Math.ceil(height) }).greyscale().raw().toBuffer({ resolveWithObject: true });
      expect(data.some((v) => v < 128)).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('a board nobody wrote on exports empty', async () => {
    const room = RoomRegistry.newId();
    expect((await exportOf(room, 'json')).json()).toEqual({ room, width: 1600, height: 1000, numbers: [] });
    expect((await exportOf(room, 'csv')).body).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect((await exportOf(room, 'svg')).body).not.toContain('<path');
    const png = await exportOf(room, 'png');
    expect(png.statusCode).toBe(200);
    const { data } = await sharp(png.rawPayload).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(data.every((v) => v === 255)).toBe(true);
  });

  it('refuses an id that is not a board id, and an unknown format, with invalid_request', async () => {
    for (const res of [await exportOf('not-a-room', 'json'), await exportOf(RoomRegistry.newId(), 'xlsx')]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'invalid_request', error: 'Bad Request' });
    }
  });

  it('refuses a stored board over the size limit with board_too_large, and goes on serving', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-export-'));
    const small = await build({ DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'digitboard.db')}`, BOARD_MAX_FILE_BYTES: 1000 });
    try {
      const big = RoomRegistry.newId();
      mkdirSync(path.join(dataDir, 'rooms'), { recursive: true });
      const line = JSON.stringify({ t: 'stroke', stroke: { id: 'a', author: 'p', color: '#000000', points: Array.from({ length: 300 }, (_, i) => [i, i]) } });
      writeFileSync(path.join(dataDir, 'rooms', `${big}.jsonl`), `${line}\n`);
      const res = await small.inject({ method: 'GET', url: `/api/rooms/${big}/export` });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ statusCode: 422, code: 'board_too_large', message: expect.stringMatching(/over the 1 KiB a board may load/) });
      const other = await small.inject({ method: 'GET', url: `/api/rooms/${RoomRegistry.newId()}/export` });
      expect(other.statusCode).toBe(200);
    } finally {
      await small.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('limits exports per address, with rate_limited', async () => {
    const limited = await build({ RECOGNIZE_PER_MINUTE: 2 });
    try {
      const room = RoomRegistry.newId();
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await limited.inject({ method: 'GET', url: `/api/rooms/${room}/export` })).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      const refused = await limited.inject({ method: 'GET', url: `/api/rooms/${room}/export` });
      expect(refused.json()).toMatchObject({ statusCode: 429, code: 'rate_limited', message: expect.stringMatching(/^Too many exports; retry in/) });
    } finally {
      await limited.close();
    }
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = spec.paths['/api/rooms/{id}/export'].get;
    expect(op.tags).toEqual(['boards']);
    expect(Object.keys(op.responses['200'].content)).toEqual(['application/json', 'text/csv', 'image/svg+xml', 'image/png']);
  });
});
