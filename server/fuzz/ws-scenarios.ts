/**
 * The scripted abuse of the WebSocket fuzz run: wrong order, floods, oversized frames, a foreign
 * origin, a full room, a slow consumer. Each checks one documented answer.
 */
import { CloseCode, PROTOCOL_VERSION } from '../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE } from '../src/realtime/connection.js';
import { helloMessage, points } from './board-messages.js';
import { FuzzSocket, type ServerMsg } from './fuzz-socket.js';
import type { Random } from './random.js';
import { abbreviate } from './tally.js';
import { ANSWER_MS, checkSocket, join, open, sleep, type Run } from './ws-run.js';

type Scenario = (run: Run, r: Random, where: string) => Promise<void>;

/** Sends a text message and waits for a message matching `pred` (or a close). */
async function expectReply(run: Run, socket: FuzzSocket, where: string, msg: unknown, want: string, pred: (m: ServerMsg) => boolean): Promise<boolean> {
  const from = socket.inbox.length;
  socket.sendJson(msg);
  run.scripted++;
  await socket.until(() => socket.closed !== null || socket.find(from, pred) !== undefined, ANSWER_MS);
  if (socket.find(from, pred)) {
    run.tally.count(`ws scenario: ${where.split(' #')[0]} -> ${want}`);
    return true;
  }
  run.tally.fail({ where, sent: abbreviate(JSON.stringify(msg)), expected: want, got: socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : `messages ${JSON.stringify(socket.since(from)).slice(0, 300)}` });
  return false;
}

async function expectClose(run: Run, socket: FuzzSocket, where: string, sent: string, codes: number[]): Promise<void> {
  await socket.until(() => socket.closed !== null, ANSWER_MS);
  if (socket.closed && codes.includes(socket.closed.code)) run.tally.count(`ws scenario: ${where.split(' #')[0]} -> close ${socket.closed.code}`);
  else run.tally.fail({ where, sent, expected: `close ${codes.join('|')}`, got: socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : 'no close (hang)' });
}

const isError = (code: string) => (m: ServerMsg) => m.type === 'error' && m.code === code;

export const scenarios: Record<string, Scenario> = {
  'no hello': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    s.sendJson({ type: 'stroke-begin', strokeId: 'a', points: points(r, 3) });
    run.scripted++;
    await expectClose(run, s, where, 'stroke-begin first', [4001]);
    s.terminate();
  },
  'hello twice': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    if (await join(run, s, r, where)) {
      s.sendJson(helloMessage(r));
      run.scripted++;
      await expectClose(run, s, where, 'second hello', [4001]);
    }
    s.terminate();
  },
  'wrong protocol': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    s.sendJson({ type: 'hello', protocol: r.pick([0, 1, PROTOCOL_VERSION + 1, 2 ** 31]) });
    run.scripted++;
    await expectClose(run, s, where, 'hello with another protocol', [4000]);
    s.terminate();
  },
  'ink out of order': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    // A board of its own: on a shared one another session's clear could remove the stroke.
    if (await join(run, s, r, where)) {
      const id = `o${r.int(0, 1e9)}`;
      const unknown = isError('unknown_stroke');
      await expectReply(run, s, `${where}: points before begin`, { type: 'stroke-points', strokeId: id, points: points(r, 3) }, 'error unknown_stroke', unknown);
      await expectReply(run, s, `${where}: end before begin`, { type: 'stroke-end', strokeId: id }, 'error unknown_stroke', unknown);
      s.sendJson({ type: 'stroke-begin', strokeId: id, points: points(r, 5) });
      run.scripted++;
      await expectReply(run, s, `${where}: end`, { type: 'stroke-end', strokeId: id }, 'ack', (m) => m.type === 'ack' && m.strokeId === id);
      // A second end is a replay after a reconnect: acknowledged again (docs/protocol.md).
      await expectReply(run, s, `${where}: end twice`, { type: 'stroke-end', strokeId: id }, 'ack again', (m) => m.type === 'ack' && m.strokeId === id);
      await expectReply(run, s, `${where}: points after end`, { type: 'stroke-points', strokeId: id, points: points(r, 3) }, 'error unknown_stroke', unknown);
      await expectReply(run, s, `${where}: erase unknown`, { type: 'erase', strokeId: `${id}-nope` }, 'error unknown_stroke', unknown);
      checkSocket(run, s, where);
    }
    s.terminate();
  },
  'nothing to undo': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    if (await join(run, s, r, where)) await expectReply(run, s, where, { type: 'undo' }, 'error nothing_to_undo', isError('nothing_to_undo'));
    s.terminate();
  },
  "another's stroke id": async (run, r, where) => {
    const room = r.bytes(16).toString('base64url');
    const [a, b] = [await open(run, where), await open(run, where)];
    if (a && b && (await join(run, a, r, where, room)) && (await join(run, b, r, where, room))) {
      const id = `d${r.int(0, 1e9)}`;
      a.sendJson({ type: 'stroke-begin', strokeId: id, points: points(r, 3) });
      run.scripted++;
      await a.until(() => b.find(0, (m) => m.type === 'stroke-begin') !== undefined, ANSWER_MS);
      await expectReply(run, b, `${where}: begin`, { type: 'stroke-begin', strokeId: id, points: points(r, 3) }, 'error duplicate_stroke', isError('duplicate_stroke'));
      await expectReply(run, b, `${where}: points`, { type: 'stroke-points', strokeId: id, points: points(r, 3) }, 'error unknown_stroke', isError('unknown_stroke'));
    }
    a?.terminate();
    b?.terminate();
  },
  'binary before hello': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    await s.send({ data: r.bytes(100), binary: true, label: 'binary' });
    run.scripted++;
    await s.until(() => s.closed !== null || s.inbox.length > 0, ANSWER_MS);
    if (s.find(0, isError('bad_message'))) run.tally.count('ws scenario: binary before hello -> error bad_message');
    else run.tally.fail({ where, sent: 'binary frame', expected: 'error bad_message', got: s.closed ? `close ${s.closed.code}` : 'silence' });
    s.terminate();
  },
  'binary flood before hello': async (run, _r, where) => {
    const s = await open(run, where);
    if (!s) return;
    for (let i = 0; i < 1_000; i++) await s.send({ data: Buffer.alloc(0), binary: true, label: 'binary' });
    run.scripted += 1_000;
    await expectClose(run, s, where, '1,000 empty binary frames', [CloseCode.unsupportedData]);
    const errors = s.since(0, 'error').length;
    if (errors > BINARY_FRAME_ALLOWANCE) run.tally.fail({ where, sent: '1,000 empty binary frames', expected: `at most ${BINARY_FRAME_ALLOWANCE} errors`, got: `${errors} errors` });
    s.terminate();
  },
  'huge frame before hello': async (run, _r, where) => {
    const s = await open(run, where);
    if (!s) return;
    await s.send({ data: `{"type":"hello","protocol":${PROTOCOL_VERSION},"name":"${'x'.repeat(100_000)}"}`, binary: false, label: 'huge' });
    run.scripted++;
    await expectClose(run, s, where, '100 kB hello', [1009]);
    s.terminate();
  },
  'message flood': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    if (await join(run, s, r, where)) {
      const from = s.inbox.length;
      for (let i = 0; i < 1_000; i++) s.sendJson({ type: 'ping', t: i });
      run.scripted += 1_000;
      await s.until(() => s.closed !== null, ANSWER_MS);
      const limited = s.find(from, isError('rate_limited'));
      if (limited && s.closed?.code === 4008) run.tally.count('ws scenario: message flood -> error rate_limited, close 4008');
      else run.tally.fail({ where, sent: '1000 pings at once', expected: 'error rate_limited, then close 4008', got: `${limited ? 'rate_limited' : 'no rate_limited'}, ${s.closed ? `close ${s.closed.code}` : 'open'}` });
    }
    s.terminate();
  },
  'point flood': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    if (await join(run, s, r, where)) {
      const from = s.inbox.length;
      // 512 points a message: the point budget (8,000 burst) runs out after 15 messages.
      for (let i = 0; i < 150; i++) s.sendJson({ type: i % 7 === 0 ? 'stroke-begin' : 'stroke-points', strokeId: `p${Math.floor(i / 7)}`, points: points(r, 512) });
      run.scripted += 150;
      await s.until(() => s.closed !== null || s.find(from, isError('rate_limited')) !== undefined, ANSWER_MS);
      if (s.find(from, isError('rate_limited'))) run.tally.count('ws scenario: point flood -> error rate_limited');
      else run.tally.fail({ where, sent: '150 x 512 points at once', expected: 'error rate_limited', got: s.closed ? `close ${s.closed.code}` : 'silence' });
    }
    s.terminate();
  },
  'flood before the board loads': async (run, r, where) => {
    const s = await open(run, where);
    if (!s) return;
    s.sendJson(helloMessage(r, r.pick(run.rooms)));
    for (let i = 0; i < 300; i++) s.sendJson({ type: 'ping', t: i });
    run.scripted += 301;
    // Queued frames (at most 256) are handled after the welcome; more closes with 4008.
    await s.until(() => s.closed !== null || s.since(0, 'pong').length === 300, ANSWER_MS);
    const pongs = s.since(0, 'pong').length;
    if (s.closed?.code === 4008 || pongs === 300) run.tally.count(`ws scenario: 300 frames right after hello -> ${s.closed ? `close ${s.closed.code}` : '300 pongs'}`);
    else run.tally.fail({ where, sent: 'hello + 300 pings', expected: 'close 4008 or 300 pongs', got: `${pongs} pongs, ${s.closed ? `close ${s.closed.code}` : 'open'}` });
    s.terminate();
  },
  'bad utf-8': async (run, _r, where) => {
    const s = await open(run, where);
    if (!s) return;
    await s.send({ data: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), binary: false, label: 'bad-utf8' });
    run.scripted++;
    await expectClose(run, s, where, 'text frame with invalid UTF-8', [1007]);
    s.terminate();
  },
  'foreign origin': async (run, _r, where) => {
    try {
      const s = await FuzzSocket.open(run.url, { origin: 'https://evil.example' });
      s.terminate();
      run.tally.fail({ where, sent: 'upgrade with Origin https://evil.example', expected: 'HTTP 403', got: 'upgraded' });
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 403) run.tally.count('ws scenario: foreign origin -> HTTP 403');
      else run.tally.fail({ where, sent: 'upgrade with Origin https://evil.example', expected: 'HTTP 403', got: String(err) });
    }
  },
  'dropped mid-stroke': async (run, r, where) => {
    const room = r.pick(run.rooms);
    for (let i = 0; i < 5; i++) {
      const s = await open(run, where);
      if (!s) return;
      if (await join(run, s, r, where, room)) {
        s.sendJson({ type: 'stroke-begin', strokeId: `x${r.int(0, 1e9)}`, points: points(r, 20) });
        run.scripted++;
      }
      s.terminate();
    }
    const s = await open(run, where);
    if (s && (await join(run, s, r, where, room))) await expectReply(run, s, where, { type: 'ping', t: 1 }, 'pong', (m) => m.type === 'pong');
    s?.terminate();
  },
};

/** 105 writers for one board: 100 get in, 5 are closed with 4005. */
export async function roomFull(run: Run, r: Random): Promise<void> {
  const where = 'ws scenario: room full';
  const room = r.bytes(16).toString('base64url');
  const sockets = (await Promise.all(Array.from({ length: 105 }, () => open(run, where)))).filter((s): s is FuzzSocket => s !== null);
  for (const s of sockets) s.sendJson({ type: 'hello', protocol: PROTOCOL_VERSION, room });
  run.scripted += sockets.length;
  await Promise.all(sockets.map((s) => s.until(() => s.closed !== null || s.inbox.some((m) => m.type === 'welcome'), ANSWER_MS)));
  const welcomed = sockets.filter((s) => s.inbox.some((m) => m.type === 'welcome')).length;
  const full = sockets.filter((s) => s.closed?.code === 4005).length;
  if (welcomed === 100 && full === sockets.length - 100) run.tally.count(`${where} -> 100 welcomed, ${full} closed 4005`);
  else run.tally.fail({ where, sent: '105 hellos to one board', expected: '100 welcomes, 5 x close 4005', got: `${welcomed} welcomed, ${full} x 4005` });
  for (const s of sockets) s.terminate();
}

/**
 * A reader that stops reading while 16 writers stream ink into its board: the server must drop
 * it (4008, "client too slow") rather than buffer without bound. Each writer sends 512 points
 * 7.5 times a second (under its point budget); the reader's share, ~1 MB/s, exceeds the 1 MiB
 * send buffer plus what the kernel's socket buffers absorb within a few seconds.
 */
export async function slowConsumer(run: Run, r: Random): Promise<void> {
  const where = 'ws scenario: slow consumer';
  const room = r.bytes(16).toString('base64url');
  const reader = await open(run, where);
  if (!reader || !(await join(run, reader, r, where, room))) return reader?.terminate();
  const raw = (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();
  const writers = (await Promise.all(Array.from({ length: 16 }, () => open(run, where)))).filter((s): s is FuzzSocket => s !== null);
  for (const w of writers) {
    if (await join(run, w, r, where, room)) w.discard = true;
  }
  const line = points(r, 512);
  for (let tick = 0; tick < 75; tick++) {
    const started = Date.now();
    // The board holds 500,000 points: clear it once on the way (before new strokes begin).
    if (tick === 49) writers[0].sendJson({ type: 'clear' });
    writers.forEach((w, i) => w.sendJson({ type: tick % 7 === 0 ? 'stroke-begin' : 'stroke-points', strokeId: `w${i}-${Math.floor(tick / 7)}`, points: line }));
    run.scripted += writers.length;
    await sleep(133 - (Date.now() - started));
  }
  raw.resume();
  await reader.until(() => reader.closed !== null, 40_000);
  const mb = (reader.bytesReceived / 1e6).toFixed(1);
  if (reader.closed?.code === 4008) run.tally.count('ws scenario: slow consumer -> close 4008');
  else run.tally.fail({ where, sent: '16 writers x 512 points at 7.5 Hz to a reader that does not read', expected: 'close 4008 (client too slow)', got: `${reader.closed ? `close ${reader.closed.code} ${reader.closed.reason}` : 'still open'} after ${mb} MB` });
  for (const w of writers) w.terminate();
  reader.terminate();
}
