/**
 * The WebSocket half of the fuzz run: many connections, each a seeded session of generated and
 * mutated frames, plus scripted abuse (wrong order, floods, oversized frames, a full room, a
 * slow consumer). After every frame the session sends a ping "barrier" and waits for its pong:
 * every frame is then known to be processed, and a frame the server must refuse has its
 * error (or close) in the messages before that pong. No answer within the deadline is a hang.
 */
import { CloseCode, MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE } from '../src/realtime/connection.js';
import { FuzzSocket, type ServerMsg } from './fuzz-socket.js';
import { random, type Random } from './random.js';
import { abbreviate, Tally } from './tally.js';
import {
  expectedAnswer,
  helloMessage,
  joinedFrame,
  newContext,
  newFrame,
  points,
  track,
  validMessage,
  frameBytes,
  type Expected,
  type Frame,
} from './ws-frames.js';

/** How long the server may take to answer one frame (it shares its CPU with recognition). */
const ANSWER_MS = 10_000;
/** Time between a session's frames: a frame and its barrier ping stay under 200 messages/s. */
const PACE_MS = 12;
/** Barrier pings carry t values no generated frame uses. */
const BARRIER_BASE = -1e12;

export interface WsFuzzOptions {
  seed: string;
  /** Stop starting sessions once this many frames were sent. */
  frames: number;
  concurrency: number;
  /** False once the server is gone: the run stops instead of failing forever. */
  alive: () => boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface WsFuzzResult {
  tally: Tally;
  /** Generated and mutated frames. */
  frames: number;
  /** Frames of the scripted scenarios (floods included). */
  scripted: number;
  barrierPings: number;
  connections: number;
  ms: number;
}

interface Run {
  url: string;
  seed: string;
  rooms: string[];
  tally: Tally;
  /** Generated frames (by the sessions) and scripted ones (scenarios, floods). */
  frames: number;
  scripted: number;
  barrierPings: number;
  connections: number;
  /** Upgrades refused or failed in a row; the run stops after 20. */
  failedOpens: number;
}

const describe = (e: Expected) => (e.kind === 'error' ? `error ${e.codes.join('|')}` : e.kind === 'close' ? `close ${e.codes.join('|')}` : e.kind);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorCodes = (msgs: ServerMsg[]) => msgs.filter((m) => m.type === 'error').map((m) => String(m.code));
/** A frame's kind for the summary: "fields:replace+add" -> "fields", "pre:text:truncate" -> "text", "huge-65537" -> "huge". */
const kindOf = (frame: Frame) => frame.label.replace(/^pre:/, '').split(':')[0].replace(/-\d+$/, '');

async function open(run: Run, where: string, headers: Record<string, string> = {}): Promise<FuzzSocket | null> {
  try {
    const socket = await FuzzSocket.open(run.url, headers);
    run.connections++;
    run.failedOpens = 0;
    return socket;
  } catch (err) {
    run.failedOpens++;
    run.tally.fail({ where, sent: 'upgrade', expected: 'a WebSocket', got: String(err) });
    return null;
  }
}

async function join(run: Run, socket: FuzzSocket, r: Random, where: string, room?: string): Promise<boolean> {
  const from = socket.inbox.length;
  socket.sendJson(helloMessage(r, room));
  const ok = await socket.until(() => socket.closed !== null || socket.find(from, (m) => m.type === 'welcome') !== undefined, ANSWER_MS);
  if (ok && !socket.closed) return true;
  run.tally.fail({ where, sent: 'hello', expected: 'welcome', got: socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : 'nothing (hang)' });
  return false;
}

/** Checks that every server frame was JSON, and records a close without a code (1005/1006). */
function checkSocket(run: Run, socket: FuzzSocket, where: string): void {
  for (const text of socket.unreadable) run.tally.fail({ where, sent: '-', expected: 'JSON messages from the server', got: `unreadable frame ${text}` });
  if (socket.closed && (socket.closed.code === 1005 || socket.closed.code === 1006)) {
    run.tally.fail({ where, sent: '-', expected: 'a close code', got: `close ${socket.closed.code} (no code from the server)` });
  }
}

/**
 * Sends one frame to a joined connection and checks its answer. Returns false when the
 * connection is gone (expected or not).
 */
async function joinedStep(
  run: Run,
  socket: FuzzSocket,
  frame: Frame,
  where: string,
  onAccepted?: (msg: { type: string; strokeId?: string }) => void,
  binaryBefore = 0,
): Promise<boolean> {
  const expected = expectedAnswer(frame, 'joined', binaryBefore);
  const from = socket.inbox.length;
  const fail = (got: string) => run.tally.fail({ where: `${where} [${frame.label}]`, sent: abbreviate(frame.data), expected: describe(expected), got });
  await socket.send(frame);
  run.frames++;
  if (expected.kind === 'close') {
    const closed = await socket.until(() => socket.closed !== null, ANSWER_MS);
    if (!closed) fail('no close (hang)');
    else if (!expected.codes.includes(socket.closed!.code)) fail(`close ${socket.closed!.code} ${socket.closed!.reason}`);
    else run.tally.count(`ws: ${kindOf(frame)} -> close ${socket.closed!.code}`);
    return false;
  }
  const t = BARRIER_BASE - ++run.barrierPings;
  socket.sendJson({ type: 'ping', t });
  const answered = await socket.until(() => socket.closed !== null || socket.find(from, (m) => m.type === 'pong' && m.t === t) !== undefined, ANSWER_MS);
  if (socket.closed) {
    // A board message may legitimately earn a close only through the rate limit.
    fail(`close ${socket.closed.code} ${socket.closed.reason}`);
    return false;
  }
  if (!answered) {
    fail('no answer to the frame or to the ping after it (hang)');
    return false;
  }
  const codes = errorCodes(socket.since(from));
  if (expected.kind === 'error') {
    const hit = codes.find((c) => expected.codes.includes(c));
    if (hit) run.tally.count(`ws: ${kindOf(frame)} -> error ${hit}`);
    else fail(codes.length ? `errors ${codes.join(',')}` : 'silence (no error before the next pong)');
  } else {
    if (codes.includes('bad_message') || codes.includes('bad_json')) fail(`a valid message refused: ${codes.join(',')}`);
    else run.tally.count(`ws: valid -> accepted${codes.length ? ` (+ error ${[...new Set(codes)].join(',')})` : ''}`);
    const msg = validMessage(frame);
    if (msg && onAccepted) onAccepted(msg);
  }
  return true;
}

/** A joined connection sends 20-60 generated frames, each checked. */
async function mutationSession(run: Run, id: number): Promise<void> {
  const where = `ws session ${id}`;
  const r = random(`${run.seed}:ws:${id}`);
  const socket = await open(run, where);
  if (!socket) return;
  try {
    if (!(await join(run, socket, r, where, r.chance(0.75) ? r.pick(run.rooms) : undefined))) return;
    const ctx = newContext(`s${id}`);
    const n = r.int(20, 60);
    // Binary frames past the allowance close the socket (1003); the oracle counts them.
    let binary = 0;
    for (let i = 0; i < n; i++) {
      const started = Date.now();
      const frame = joinedFrame(r, ctx);
      const step = joinedStep(run, socket, frame, `${where} frame ${i}`, (msg) => track(ctx, msg), binary);
      if (frame.binary && frameBytes(frame) <= MAX_FRAME_BYTES) binary++;
      if (!(await step)) break;
      await sleep(PACE_MS - (Date.now() - started));
    }
    checkSocket(run, socket, where);
  } finally {
    socket.terminate();
  }
}

/** A connection that has not said hello: up to 6 frames, until the server closes or welcomes. */
async function preHelloSession(run: Run, id: number): Promise<void> {
  const where = `ws pre-hello session ${id}`;
  const r = random(`${run.seed}:pre:${id}`);
  const socket = await open(run, where);
  if (!socket) return;
  try {
    // (A method, not the field: TypeScript would narrow `closed` to null across the awaits below.)
    for (let i = r.int(1, 6); i > 0 && socket.isOpen(); i--) {
      const frame = newFrame(r, run.rooms);
      const expected = expectedAnswer(frame, 'new');
      const from = socket.inbox.length;
      const fail = (got: string) => run.tally.fail({ where: `${where} [${frame.label}]`, sent: abbreviate(frame.data), expected: describe(expected), got });
      await socket.send(frame);
      run.frames++;
      const answered = await socket.until(() => socket.closed !== null || socket.inbox.length > from, ANSWER_MS);
      const replies = socket.since(from);
      if (!answered) {
        fail('silence (hang)');
        break;
      }
      if (expected.kind === 'close') {
        if (socket.closed && expected.codes.includes(socket.closed.code)) run.tally.count(`ws: before hello, ${kindOf(frame)} -> close ${socket.closed.code}`);
        else fail(socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : `messages ${JSON.stringify(replies).slice(0, 200)}`);
        break;
      }
      if (expected.kind === 'welcome') {
        if (replies.some((m) => m.type === 'welcome')) run.tally.count(`ws: before hello, ${kindOf(frame)} -> welcome`);
        else fail(socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : `messages ${JSON.stringify(replies).slice(0, 200)}`);
        break;
      }
      const codes = errorCodes(replies);
      const hit = expected.kind === 'error' ? codes.find((c) => expected.codes.includes(c)) : undefined;
      if (hit) run.tally.count(`ws: before hello, ${kindOf(frame)} -> error ${hit}`);
      else fail(socket.closed ? `close ${socket.closed.code} ${socket.closed.reason}` : `messages ${JSON.stringify(replies).slice(0, 200)}`);
    }
    checkSocket(run, socket, where);
  } finally {
    socket.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Scripted abuse: each checks one documented answer.

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

const scenarios: Record<string, Scenario> = {
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
async function roomFull(run: Run, r: Random): Promise<void> {
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
async function slowConsumer(run: Run, r: Random): Promise<void> {
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

export async function runWsFuzz(baseUrl: string, opts: WsFuzzOptions): Promise<WsFuzzResult> {
  const started = Date.now();
  const r = random(`${opts.seed}:ws`);
  const run: Run = {
    url: `${baseUrl.replace(/^http/, 'ws')}/ws`,
    seed: opts.seed,
    rooms: Array.from({ length: 8 }, () => r.bytes(16).toString('base64url')),
    tally: new Tally(),
    frames: 0,
    scripted: 0,
    barrierPings: 0,
    connections: 0,
    failedOpens: 0,
  };
  const log = opts.log ?? (() => {});
  const going = () => opts.alive() && run.failedOpens < 20;
  // Scripted scenarios first, each a few times, two at a time.
  const tasks = Object.entries(scenarios).flatMap(([name, fn]) => [1, 2, 3].map((k) => () => fn(run, random(`${opts.seed}:scenario:${name}:${k}`), `ws scenario: ${name} #${k}`)));
  await pool(tasks, 2, going);
  log(`scenarios done: ${run.tally.failures.length} failure(s)`);
  if (going()) await roomFull(run, random(`${opts.seed}:room-full`));
  if (going()) await slowConsumer(run, random(`${opts.seed}:slow`));
  log(`room full and slow consumer done: ${run.tally.failures.length} failure(s)`);

  // Generated sessions until the frame budget is spent: one in five has not said hello.
  let next = 0;
  const worker = async () => {
    while (run.frames < opts.frames && going()) {
      const id = next++;
      if (id % 50 === 0) log(`session ${id}: ${run.frames} frames, ${run.tally.failures.length} failure(s)`);
      await (id % 5 === 4 ? preHelloSession(run, id) : mutationSession(run, id));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { tally: run.tally, frames: run.frames, scripted: run.scripted, barrierPings: run.barrierPings, connections: run.connections, ms: Date.now() - started };
}

async function pool(tasks: (() => Promise<void>)[], size: number, going: () => boolean): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (i < tasks.length && going()) await tasks[i++]();
    }),
  );
}
