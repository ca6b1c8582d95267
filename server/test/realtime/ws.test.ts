/** The board over a real WebSocket (injectWS: no port), with the real model. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { CloseCode, ErrorCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import { BINARY_FRAME_ALLOWANCE, MAX_EARLY_CHARS, RATE } from '../../src/realtime/connection.js';
import { MAX_EARLY_CHARS_PER_ADDRESS } from '../../src/realtime/ws-route.js';
import { digitStrokes, VARIANTS } from '../../../test-support/digit-strokes.js';
import { build } from '../helper.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.close());

/** A connected client that collects messages and can wait for one of a type. */
async function connect(headers: Record<string, string> = {}, target: FastifyInstance = app) {
  const ws: WebSocket = await target.injectWS('/ws', { headers });
  const inbox: ServerMessage[] = [];
  const waiters: (() => void)[] = [];
  let closed: { code: number; reason: string } | null = null;
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    waiters.splice(0).forEach((w) => w());
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    waiters.splice(0).forEach((w) => w());
  });
  const next = async <T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
      if (closed || Date.now() > deadline) throw new Error(`no ${type} message (closed: ${JSON.stringify(closed)})`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  const send = (msg: unknown) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  const whenClosed = async () => {
    while (!closed) await new Promise((r) => setTimeout(r, 10));
    return closed;
  };
  return { ws, send, next, whenClosed };
}

const connectTo = (target: FastifyInstance) => connect({}, target);

/** Streams strokes the way the client does: begin, points in small batches, end. */
function draw(send: (m: unknown) => void, strokes: number[][][], prefix = 's') {
  strokes.forEach((stroke, i) => {
    const id = `${prefix}${i}`;
    send({ type: 'stroke-begin', strokeId: id, points: stroke.slice(0, 1) });
    for (let k = 1; k < stroke.length; k += 4) send({ type: 'stroke-points', strokeId: id, points: stroke.slice(k, k + 4) });
    send({ type: 'stroke-end', strokeId: id });
  });
}

describe('/ws', () => {
  /** Draws `strokes` on a new board of `target`; its result and POST /api/recognize's for the same strokes. */
  async function boardAndRest(target: FastifyInstance, strokes: number[][][]) {
    const c = await connectTo(target);
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect((await c.next('welcome')).protocol).toBe(PROTOCOL_VERSION);
    draw(c.send, strokes);
    let result = await c.next('result');
    while (result.strokes < strokes.length) result = await c.next('result');
    c.ws.close();
    const rest = (await target.inject({ method: 'POST', url: '/api/recognize', payload: { strokes, width: 300, height: 300 } })).json();
    return { board: result.result, rest };
  }

  it('recognizes a streamed digit, and agrees with POST /api/recognize', async () => {
    // The board draws on the event loop, REST with sharp: the same picture within rounding.
    const { board, rest } = await boardAndRest(app, digitStrokes(4));
    expect(board.text).toBe('4');
    expect(rest.text).toBe(board.text);
    rest.digits[0].probabilities.forEach((p: number, c: number) => expect(Math.abs(p - board.digits[0].probabilities[c])).toBeLessThan(0.01));
  });

  it('with BOARD_RASTERIZER=sharp, draws a board\'s digits exactly as POST /api/recognize does', async () => {
    const bySharp = await build({ BOARD_RASTERIZER: 'sharp' });
    try {
      // A 1 whose probabilities differ from the event loop's drawing in the fourth decimal.
      const { board, rest } = await boardAndRest(bySharp, digitStrokes(1, VARIANTS[1]));
      expect(board.text).toBe('1');
      expect(rest.digits[0].probabilities).toEqual(board.digits[0].probabilities);
    } finally {
      await bySharp.close();
    }
  });

  it('clears the board', async () => {
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await c.next('welcome');
    draw(c.send, digitStrokes(7));
    expect((await c.next('result')).result.text).toBe('7');
    c.send({ type: 'clear' });
    await c.next('cleared');
    expect((await c.next('result')).result).toMatchObject({ text: '', digits: [] });
    c.ws.close();
  });

  it('answers malformed frames with errors and keeps the connection', async () => {
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await c.next('welcome');
    c.send('not json');
    expect((await c.next('error')).code).toBe('bad_json');
    c.send({ type: 'stroke-begin', strokeId: 'x', points: [[Number.MAX_VALUE, 1]] });
    expect((await c.next('error')).code).toBe('bad_message');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next('error')).code).toBe('bad_message');
    c.send({ type: 'ping', t: 5 });
    expect((await c.next('pong')).t).toBe(5);
    c.ws.close();
  });

  it('closes with a reason on a version mismatch', async () => {
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION + 1 });
    const closed = await c.whenClosed();
    expect(closed.code).toBe(CloseCode.versionMismatch);
    expect(closed.reason).toContain('protocol');
  });

  it('closes a connection that sends a frame larger than maxPayload', async () => {
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await c.next('welcome');
    c.send('x'.repeat(MAX_FRAME_BYTES + 1));
    const closed = await c.whenClosed();
    expect(closed.code).toBe(1009); // message too big
    // The server is fine: a new connection works.
    const d = await connect();
    d.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await d.next('welcome');
    d.ws.close();
  });

  it('refuses an upgrade from a foreign Origin', async () => {
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow();
  });
});

describe('/ws hostile frames', () => {
  it('survives a deeply nested type (a stack-overflow bug the fuzz suite found) and keeps serving', async () => {
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    await c.next('welcome');
    c.send(`{"type":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const err = await c.next('error');
    expect(err.code).toBe('bad_message');
    c.send({ type: 'ping', t: 1 });
    expect((await c.next('pong')).t).toBe(1);
    c.ws.close();
  });
});

describe('/ws outgoing frames with WS_FLUSH_MS=16', () => {
  let ticking: FastifyInstance;
  beforeAll(async () => {
    // The default is 8 ms; 16 makes the coalescing plain to see.
    ticking = await build({ WS_FLUSH_MS: 16 });
  });
  afterAll(() => ticking.close());
  const connect = () => connectTo(ticking);

  it('coalesces a busy room into few frames per socket, in order, without losing a message', async () => {
    const a = await connect();
    a.send({ type: 'hello', protocol: PROTOCOL_VERSION });
    const room = (await a.next('welcome')).room;
    const b = await connect();
    let frames = 0;
    b.ws.on('message', () => frames++);
    b.send({ type: 'hello', protocol: PROTOCOL_VERSION, room });
    await b.next('welcome');
    // A second watcher gets the same messages (in ticks, the same encoded frame).
    const c = await connect();
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, room });
    await c.next('welcome');
    await b.next('presence');
    frames = 0;
    // 60 points, one message every ~2 ms (each in its own event-loop turn on the server): many
    // more events than 16 ms ticks.
    a.send({ type: 'stroke-begin', strokeId: 'burst', points: [[10, 10, 0]] });
    for (let k = 1; k <= 60; k++) {
      a.send({ type: 'stroke-points', strokeId: 'burst', points: [[10 + k, 10 + k, k]] });
      await new Promise((r) => setTimeout(r, 2));
    }
    a.send({ type: 'stroke-end', strokeId: 'burst' });
    await b.next('stroke-end');
    await c.next('stroke-end');
    for (const watcher of [b, c]) {
      const seen: number[] = [];
      for (;;) {
        try {
          seen.push((await watcher.next('stroke-points', 200)).points[0][2]);
        } catch {
          break;
        }
      }
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    }
    // 62+ messages (begin, 60 points, end, result) in far fewer frames (WS_FLUSH_MS=0, one
    // frame per turn, sends ~60).
    expect(frames).toBeLessThan(30);
    a.ws.close();
    b.ws.close();
    c.ws.close();
  });
});

describe('/ws open sockets per client address', () => {
  it('closes a socket past the per-address limit with 4008 and a reason, and frees the slot when one closes', async () => {
    const limited = await build({ WS_PER_ADDRESS: 2 });
    try {
      const a = await connectTo(limited);
      const b = await connectTo(limited);
      const c = await connectTo(limited);
      expect(await c.whenClosed()).toMatchObject({ code: CloseCode.rateLimited, reason: expect.stringMatching(/too many open connections/) });
      a.ws.terminate();
      // The server counts the slot free once it sees the socket close.
      let d = await connectTo(limited);
      for (let i = 0; i < 40; i++) {
        d.send({ type: 'hello', protocol: PROTOCOL_VERSION });
        const welcomed = await d.next('welcome', 200).then(
          () => true,
          () => false,
        );
        if (welcomed) break;
        await new Promise((r) => setTimeout(r, 50));
        d = await connectTo(limited);
      }
      expect(d.ws.readyState).toBe(d.ws.OPEN);
      b.ws.close();
      d.ws.close();
    } finally {
      await limited.close();
    }
  });
});

/**
 * A client that records every message and its close, and waits on events only (no polling): the
 * server's answers arrive through the in-memory socket pair of injectWS.
 */
async function recorder(target: FastifyInstance = app) {
  const ws: WebSocket = await target.injectWS('/ws');
  const inbox: ServerMessage[] = [];
  let closed: { code: number; reason: string } | null = null;
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString());
    inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    waiters.forEach((w) => w());
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    waiters.forEach((w) => w());
  });
  /**
   * Resolves once `done()` holds, checked at every message and at the close; rejects if the socket
   * closes first (unless that is what `done` waits for) or after a deadline (a hang, not a wait).
   */
  const until = (done: () => boolean, what: string, deadlineMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        waiters.delete(check);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const got = () => `${closed ? `closed ${JSON.stringify(closed)}` : 'open'}; last messages ${JSON.stringify(inbox.slice(-3)).slice(0, 300)} (${inbox.length} in all)`;
      const check = () => {
        if (done()) finish();
        else if (closed) finish(new Error(`${got()} while waiting for ${what}`));
      };
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${deadlineMs} ms: ${got()}`)), deadlineMs);
      waiters.add(check);
      check();
    });
  const errors = () => inbox.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error');
  return { ws, inbox, errors, until, closed: () => closed, whenClosed: () => until(() => closed !== null, 'a close').then(() => closed!) };
}

const EMPTY = Buffer.alloc(0);

describe('/ws binary frames and rate limits (issue 17)', () => {
  it('closes a socket that floods binary frames before hello with 1003 after a few errors', async () => {
    const c = await recorder();
    for (let i = 0; i < 1_000; i++) c.ws.send(EMPTY, { binary: true });
    expect(await c.whenClosed()).toMatchObject({ code: CloseCode.unsupportedData });
    // One error per binary frame up to the allowance, then nothing: the flood costs no more replies.
    expect(c.errors().map((e) => e.code)).toEqual(Array(BINARY_FRAME_ALLOWANCE).fill(ErrorCode.badMessage));
  });

  it("counts a reading client's binary frames against its rate limit: rate_limited, then the close", async () => {
    // Time stands still: the token bucket refills by elapsed time, and must not refill mid-test.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const c = await recorder();
      c.ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
      await c.until(() => c.inbox.some((m) => m.type === 'welcome'), 'welcome');
      // The hello and these pings spend the whole burst (twice the per-second rate).
      const burst = RATE.messagesPerSecond * 2 - 1;
      for (let t = 0; t < burst; t++) c.ws.send(JSON.stringify({ type: 'ping', t }));
      await c.until(() => c.inbox.filter((m) => m.type === 'pong').length === burst, `${burst} pongs`);
      expect(c.errors()).toEqual([]);
      for (let i = 0; i < 5_000; i++) c.ws.send(EMPTY, { binary: true });
      expect(await c.whenClosed()).toMatchObject({ code: CloseCode.unsupportedData });
      expect(c.errors().map((e) => e.code)).toEqual([ErrorCode.rateLimited]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('/ws frames sent while the board loads (issue 17)', () => {
  /** A ping padded with spaces to `chars` characters. */
  const padded = (chars: number) => {
    const ping = JSON.stringify({ type: 'ping', t: 1 });
    return ping.slice(0, -1) + ' '.repeat(chars - ping.length) + '}';
  };

  it('holds at most 256 KiB of them per socket and 1 MiB per address; more closes with 4008', async () => {
    // A board that never finishes loading (a slow store): every frame after hello is held.
    const get = vi.spyOn(app.rooms, 'get').mockReturnValue(new Promise(() => {}));
    try {
      const frame = padded(60_000);
      // One socket: four frames fit in its 256 KiB, the fifth does not.
      const alone = await recorder();
      alone.ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
      for (let i = 0; i < Math.floor(MAX_EARLY_CHARS / frame.length) + 1; i++) alone.ws.send(frame);
      expect(await alone.whenClosed()).toMatchObject({ code: CloseCode.rateLimited, reason: expect.stringMatching(/before the board loaded/) });

      // Six sockets of one address (injectWS: all 127.0.0.1), three frames each: each within its
      // own budget, 18 x 60,000 over the address's. The frame that crosses it closes its socket;
      // the 17 before it (1,020,000 characters) fit.
      expect(17 * frame.length).toBeLessThanOrEqual(MAX_EARLY_CHARS_PER_ADDRESS);
      expect(18 * frame.length).toBeGreaterThan(MAX_EARLY_CHARS_PER_ADDRESS);
      const sockets = await Promise.all(Array.from({ length: 6 }, () => recorder()));
      for (const s of sockets) {
        s.ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
        for (let i = 0; i < 3; i++) s.ws.send(frame);
      }
      const first = await Promise.race(sockets.map((s) => s.whenClosed()));
      expect(first).toMatchObject({ code: CloseCode.rateLimited, reason: expect.stringMatching(/before the board loaded/) });
      for (const s of sockets) s.ws.terminate();
    } finally {
      get.mockRestore();
    }
  });
});

describe('/ws invalid messages (issue 17)', () => {
  it('names the offending field and the rule', async () => {
    const c = await recorder();
    c.ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION }));
    await c.until(() => c.inbox.some((m) => m.type === 'welcome'), 'welcome');
    const cases: [unknown, string][] = [
      [{ type: 'stroke-begin', strokeId: 'a b', points: [[1, 2]] }, 'strokeId: must match ^[A-Za-z0-9_-]+$'],
      [{ type: 'stroke-points', strokeId: 'a', points: [[1, 2, 3, 4]] }, 'points[0]: must have at most 3 items'],
      [{ type: 'cursor', x: 1 }, 'y: is required'],
      [{ type: 'undo', all: true }, 'all: is not a field of this message'],
      [{ type: 'paint' }, 'type: must be one of hello, stroke-begin,'],
    ];
    for (const [msg] of cases) c.ws.send(JSON.stringify(msg));
    await c.until(() => c.errors().length === cases.length, `${cases.length} errors`);
    c.errors().forEach((e, i) => {
      expect(e.code).toBe(ErrorCode.badMessage);
      expect(e.message).toContain(cases[i][1]);
    });
    c.ws.close();
  });
});
