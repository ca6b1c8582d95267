/**
 * The generated sessions of the WebSocket fuzz run: a joined connection sending seeded,
 * mutated frames, and a connection that has not said hello. After every frame a joined session
 * sends a ping "barrier" and waits for its pong: every frame is then known to be processed, and
 * a frame the server must refuse has its error (or close) in the messages before that pong.
 */
import { MAX_FRAME_BYTES } from '../../common/protocol.js';
import { newContext, track } from './board-messages.js';
import type { FuzzSocket, ServerMsg } from './fuzz-socket.js';
import { random } from './random.js';
import { abbreviate } from './tally.js';
import { joinedFrame, newFrame, type Frame } from './ws-frames.js';
import { expectedAnswer, frameBytes, validMessage, type Expected } from './ws-oracle.js';
import { ANSWER_MS, checkSocket, join, open, sleep, type Run } from './ws-run.js';

/** Time between a session's frames: a frame and its barrier ping stay under 200 messages/s. */
const PACE_MS = 12;
/** Barrier pings carry t values no generated frame uses. */
const BARRIER_BASE = -1e12;

const describe = (e: Expected) => (e.kind === 'error' ? `error ${e.codes.join('|')}` : e.kind === 'close' ? `close ${e.codes.join('|')}` : e.kind);
const errorCodes = (msgs: ServerMsg[]) => msgs.filter((m) => m.type === 'error').map((m) => String(m.code));
/** A frame's kind for the summary: "fields:replace+add" -> "fields", "pre:text:truncate" -> "text", "huge-65537" -> "huge". */
const kindOf = (frame: Frame) => frame.label.replace(/^pre:/, '').split(':')[0].replace(/-\d+$/, '');

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
export async function mutationSession(run: Run, id: number): Promise<void> {
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
export async function preHelloSession(run: Run, id: number): Promise<void> {
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
