/**
 * GET /ws: the board's WebSocket. Listeners are attached synchronously (before any await) so no
 * early frame is lost; the Origin is checked before the upgrade (cross-site WebSocket hijacking).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CloseCode } from '../../../common/protocol.js';
import { errors } from '../errors.js';
import { Connection } from './connection.js';
import { AddressBudget } from './rate-limit.js';
import { SocketsPerAddress } from './sockets-per-address.js';

/** A client that lets this much unsent data pile up is too slow: drop it; it resumes on reconnect. */
export const MAX_BUFFERED_BYTES = 1 << 20;
/** Characters of frames queued while boards load, per client address (each socket: 256 KiB at most). */
export const MAX_EARLY_CHARS_PER_ADDRESS = 1 << 20;

/**
 * Least time between two frames to one busy socket (ms) while the server keeps up; 0: a socket's
 * messages leave at the end of the event-loop turn they were queued in. A fixed pause delays
 * fan-out on a server that keeps up (docs/benchmarks.md), so it is only added under load, by
 * FlushTicker.
 */
export const DEFAULT_FLUSH_INTERVAL_MS = 0;
/**
 * While the event loop runs late the pause grows up to this (see FlushTicker): fewer, larger
 * frames, as every frame is a writev, so many busy rooms get their results sooner; one room alone
 * pays a little fan-out latency for it (docs/benchmarks.md, realtime). WS_FLUSH_MAX_MS=0 turns
 * it off.
 */
export const MAX_FLUSH_INTERVAL_MS = 64;
/**
 * Event-loop delay (p99 over the last half second, ms) above which the pause doubles, and below
 * which it halves. Delay, not utilization: a busy loop that still answers within a few ms needs
 * no pause, and a pause would only slow its fan-out.
 */
const BEHIND_MS = 20;
const ON_TIME_MS = 8;

export interface WsRouteOptions {
  /** Extra origins allowed besides the server's own host. */
  allowedOrigins: string[];
  /** See DEFAULT_FLUSH_INTERVAL_MS (config WS_FLUSH_MS). */
  flushIntervalMs?: number;
  /** See MAX_FLUSH_INTERVAL_MS (config WS_FLUSH_MAX_MS); equal to flushIntervalMs: no stretch. */
  maxFlushIntervalMs?: number;
  /** Open sockets per client address, at most (0: no limit). */
  socketsPerAddress?: number;
}

/**
 * One shared timer for every socket that has something to send and was written to recently.
 * A busy room then costs each socket one frame (one writev) per tick instead of one per
 * event-loop turn: writes grow with the sockets, not with sockets times messages.
 */
export class FlushTicker {
  private readonly due = new Set<Outbox>();
  private timer: NodeJS.Timeout | null = null;
  /** The pause now in force: `baseMs`, or up to `maxMs` while the event loop is busy. */
  intervalMs: number;
  private readonly sampler: NodeJS.Timeout | null = null;
  private readonly delay = monitorEventLoopDelay({ resolution: 5 });

  constructor(
    readonly baseMs: number,
    readonly maxMs = baseMs,
  ) {
    this.intervalMs = baseMs;
    if (maxMs > baseMs) {
      // A loop that falls behind only falls further behind by writing more often, and every frame
      // is a writev (the largest cost under load): when the loop ran late in the last half-second,
      // stretch the tick (fewer, larger frames per socket); shrink it back as it catches up. The
      // band between ON_TIME_MS and BEHIND_MS keeps it from swinging at every sample.
      this.delay.enable();
      this.sampler = setInterval(() => {
        const lateMs = this.delay.percentile(99) / 1e6;
        this.delay.reset();
        if (lateMs > BEHIND_MS) this.intervalMs = Math.min(maxMs, Math.max(4, this.intervalMs * 2));
        else if (lateMs < ON_TIME_MS) this.intervalMs = Math.max(baseMs, this.intervalMs / 2 < 4 ? 0 : this.intervalMs / 2);
      }, 500);
      this.sampler.unref();
    }
  }

  close(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.delay.disable();
  }

  add(outbox: Outbox): void {
    this.due.add(outbox);
    this.timer ??= setTimeout(this.tick, this.intervalMs);
  }

  delete(outbox: Outbox): void {
    this.due.delete(outbox);
  }

  private readonly tick = (): void => {
    this.timer = null;
    const due = [...this.due];
    this.due.clear();
    // Members of a room are queued one after another by the same broadcasts, so watchers of a
    // room usually hold the very same messages: encode that frame once and share the bytes.
    let last: { batch: string[]; frame: Buffer } | null = null;
    for (const outbox of due) {
      const batch = outbox.take();
      if (!batch) continue;
      if (!last || !sameMessages(last.batch, batch)) last = { batch, frame: Buffer.from(frameOf(batch)) };
      outbox.write(last.frame);
    }
  };
}

/** Messages that answer something a client waits for; see Outbox.send. */
const URGENT = ['{"type":"result"', '{"type":"pong"', '{"type":"ack"', '{"type":"error"'];
const TYPE_AT = '{"type":"'.length;
/** The first letter of the type rules out most messages (points, cursors) before any prefix is compared. */
const URGENT_FIRST = new Set(URGENT.map((prefix) => prefix.charCodeAt(TYPE_AT)));
const isUrgent = (data: string) => URGENT_FIRST.has(data.charCodeAt(TYPE_AT)) && URGENT.some((prefix) => data.startsWith(prefix));

const frameOf = (batch: string[]) => (batch.length === 1 ? batch[0] : `[${batch.join(',')}]`);

/** Same strings in the same order; identity is enough (a broadcast queues one string for all). */
function sameMessages(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A socket's outgoing messages, sent as one frame (a JSON array when there are several). The
 * first message after a quiet spell leaves at the end of the current event-loop turn, so an
 * idle board answers as fast as before; later ones wait for the shared tick.
 */
export class Outbox {
  private queue: string[] = [];
  private lastFlush = -Infinity;

  constructor(
    private readonly socket: WebSocket,
    private readonly ticker: FlushTicker,
  ) {}

  send(data: string): void {
    const first = this.queue.push(data) === 1;
    if (isUrgent(data)) {
      // A reply someone is waiting for (a recognition result after pen-up, a pong) waits for
      // nothing, even on a quiet socket: it leaves now, with whatever is queued before it.
      // (Waiting for the end of the turn costs a whole loop iteration whenever the reply is sent
      // from a setImmediate callback.)
      this.flush();
    } else if (first && performance.now() - this.lastFlush >= this.ticker.intervalMs) {
      setImmediate(this.flush);
    } else if (first) this.ticker.add(this);
  }

  readonly flush = (): void => {
    const batch = this.take();
    if (batch) this.write(frameOf(batch));
  };

  /** The queued messages (null if none or the socket is gone); the next send starts a new frame. */
  take(): string[] | null {
    if (this.queue.length === 0) return null;
    const batch = this.queue;
    this.queue = [];
    this.lastFlush = performance.now();
    return this.socket.readyState === this.socket.OPEN ? batch : null;
  }

  write(frame: string | Buffer): void {
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(CloseCode.rateLimited, 'client too slow');
      return;
    }
    // A Buffer goes out as a text frame like the string would: ws frames the same bytes.
    this.socket.send(frame, { binary: false });
  }

  dispose(): void {
    this.queue = [];
    this.ticker.delete(this);
  }
}

function sameOriginOrAllowed(request: FastifyRequest, allowed: string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // Non-browser clients send no Origin; browsers always do.
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

const wsRoute: FastifyPluginAsync<WsRouteOptions> = async (app, opts) => {
  const intervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const maxMs = Math.max(intervalMs, opts.maxFlushIntervalMs ?? MAX_FLUSH_INTERVAL_MS);
  const ticker = new FlushTicker(intervalMs, maxMs);
  const perAddress = new SocketsPerAddress(opts.socketsPerAddress ?? 0);
  const earlyFrames = new AddressBudget(MAX_EARLY_CHARS_PER_ADDRESS);
  app.addHook('onClose', async () => ticker.close());
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request) => {
        if (!sameOriginOrAllowed(request, opts.allowedOrigins)) throw new errors.ForbiddenOrigin('Origin not allowed');
      },
    },
    (socket, request) => {
      // Counted after the upgrade, released on close: a handshake that never completes holds nothing.
      if (!perAddress.acquire(request.ip)) {
        socket.close(CloseCode.rateLimited, `too many open connections from your address (at most ${perAddress.max})`);
        return;
      }
      const outbox = new Outbox(socket, ticker);
      const connection = new Connection(
        {
          send: (data) => outbox.send(data),
          close: (code, reason) => {
            outbox.flush();
            socket.close(code, reason);
          },
        },
        app.rooms,
        request.log,
        request.user?.id ?? null,
        { address: request.ip, earlyFrames },
      );
      socket.on('message', (data, isBinary) => {
        // ws still reads what arrives after a close (closed by a limit, or too slow): drop it unread.
        if (socket.readyState !== socket.OPEN) return;
        try {
          // Binary or text, every frame goes through the connection's rate limit and the outbox.
          if (isBinary) connection.handleBinary();
          else connection.handle(data.toString());
        } catch (err) {
          // Connection.handle answers bad input itself; anything thrown is our bug. It costs this
          // socket, never the process (and every other board with it).
          request.log.error({ err }, 'websocket message handler failed');
          socket.close(1011, 'internal error');
        }
      });
      socket.on('close', () => {
        perAddress.release(request.ip);
        outbox.dispose();
        connection.dispose();
      });
      socket.on('error', (err) => request.log.warn({ err }, 'websocket error'));
    },
  );
};

export default wsRoute;
