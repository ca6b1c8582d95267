/**
 * A protocol-2 board client on the `ws` package, as a careful real client behaves: it tracks the
 * room's seq and the board, keeps its strokes until they are acknowledged, and on any close but
 * the fatal ones (4000, 4001, 4005) reconnects (by default to the same URL, usually the load
 * balancer), resumes its session with lastSeq and re-sends every unacknowledged stroke
 * (stroke-begin with all its points, then stroke-end if the pen was up).
 *
 * It also keeps what the tests check: how often each stroke was acknowledged, the seqs at which
 * each stroke ended (one stroke stored twice shows up as two), events that arrived twice or out
 * of order, ids repeated in a welcome's board, close codes, errors, results and pen-up -> result
 * latencies.
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type BoardStroke, type Participant, type ServerMessage } from '../../common/protocol.js';
import { waitFor } from './ports.js';

type Welcome = Extract<ServerMessage, { type: 'welcome' }>;
type Result = Extract<ServerMessage, { type: 'result' }>;

const FATAL_CLOSES = new Set([4000, 4001, 4005]);
const BOARD_EVENTS = new Set(['stroke-begin', 'stroke-points', 'stroke-end', 'erased', 'cleared', 'corrected']);

export interface ClientOptions {
  /** Where the first connection goes. */
  url: string;
  /** Where reconnects go (default: `url`): the load balancer. */
  reconnectUrl?: string;
  room: string;
  name?: string;
  /** A login session cookie (`name=value`) sent with the upgrade. */
  cookie?: string;
  /** The key a browser keeps (hello.client): the same writer again after a reload. */
  client?: string;
  /** Reconnect after unexpected closes (default true). */
  reconnect?: boolean;
  /** Called for every message, with its arrival time (performance.now()). */
  onMessage?: (msg: ServerMessage, at: number) => void;
  /** Tells which backend a connection landed on, from the client's local port (see LoadBalancer.backendOf). */
  label?: string;
}

interface OwnStroke {
  points: number[][];
  ended: boolean;
  endedAt?: number;
}

export class BoardClient {
  ws: WebSocket | null = null;
  session: string | null = null;
  you: Participant | null = null;
  room: string;
  lastSeq = 0;
  /** The highest seq of my own acknowledged strokes (my own events are not echoed to me). */
  lastAckSeq = 0;
  welcomed = false;
  /** Local port of the current connection (to ask the load balancer where it landed). */
  localPort = 0;
  readonly board = new Map<string, BoardStroke>();
  participants: Participant[] = [];
  readonly results: { at: number; msg: Result }[] = [];
  readonly welcomes: Welcome[] = [];
  /** Acks received per stroke id. */
  readonly acks = new Map<string, number>();
  /** My strokes not acknowledged yet. */
  readonly unacked = new Map<string, OwnStroke>();
  /** Seqs of the stroke-end events seen per stroke id (two different ones: stored twice). */
  readonly endSeqs = new Map<string, Set<number>>();
  readonly errors: Extract<ServerMessage, { type: 'error' }>[] = [];
  /** Corrections seen, in order. */
  readonly corrections: Extract<ServerMessage, { type: 'corrected' }>[] = [];
  readonly closes: { code: number; reason: string; at: number }[] = [];
  readonly cursors = new Map<string, { x: number; y: number; at: number }>();
  /** Board events whose seq was not above the last seen one. */
  staleEvents = 0;
  /** Board events that skipped seqs (normal for a writer: its own events are not echoed). */
  gaps = 0;
  /** Stroke ids that a welcome's board listed more than once. */
  readonly welcomeDuplicates: string[] = [];
  /** stroke-points or stroke-end for a stroke this client never saw begin. */
  unknownStrokeEvents = 0;
  reconnects = 0;
  /** Pen-up -> result (ms) for my strokes. */
  readonly penUpToResult: number[] = [];
  private pendingPenUps = new Map<string, number>();
  private closedByUs = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<Welcome> | null = null;
  private attempt = 0;

  constructor(readonly opts: ClientOptions) {
    this.room = opts.room;
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.welcomed;
  }

  /** Opens the connection (first time: to `url`) and resolves with the welcome. */
  connect(url = this.opts.url): Promise<Welcome> {
    this.welcomed = false;
    const ws = new WebSocket(url, { headers: this.opts.cookie ? { cookie: this.opts.cookie } : {}, perMessageDeflate: false });
    this.ws = ws;
    let resolveWelcome!: (w: Welcome) => void, rejectWelcome!: (e: Error) => void;
    const welcome = new Promise<Welcome>((res, rej) => ((resolveWelcome = res), (rejectWelcome = rej)));
    welcome.catch(() => undefined);
    ws.on('upgrade', (res) => (this.localPort = res.socket.localPort ?? 0));
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          room: this.room,
          ...(this.opts.name ? { name: this.opts.name } : {}),
          ...(this.opts.client ? { client: this.opts.client } : {}),
          ...(this.session ? { resume: { session: this.session, lastSeq: this.lastSeq } } : {}),
        }),
      );
    });
    ws.on('message', (data) => {
      if (this.ws !== ws) return;
      const at = performance.now();
      const parsed = JSON.parse(data.toString()) as ServerMessage | ServerMessage[];
      for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
        this.apply(msg, at);
        if (msg.type === 'welcome') resolveWelcome(msg);
        this.opts.onMessage?.(msg, at);
      }
    });
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.welcomed = false;
      this.closes.push({ code, reason: reason.toString(), at: performance.now() });
      rejectWelcome(new Error(`closed before welcome: ${code} ${reason.toString()}`));
      if (!this.closedByUs && this.opts.reconnect !== false && !FATAL_CLOSES.has(code)) this.scheduleReconnect();
    });
    return welcome;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    const delay = Math.min(1_000, 50 * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closedByUs) return;
      this.reconnects++;
      this.connecting = this.connect(this.opts.reconnectUrl ?? this.opts.url);
      this.connecting.catch(() => undefined);
    }, delay);
  }

  private apply(msg: ServerMessage, at: number): void {
    if (BOARD_EVENTS.has(msg.type)) {
      const seq = (msg as { seq: number }).seq;
      if (seq <= this.lastSeq) this.staleEvents++;
      else if (seq > this.lastSeq + 1) this.gaps++;
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
    switch (msg.type) {
      case 'welcome': {
        this.welcomes.push(msg);
        this.session = msg.session;
        this.you = msg.you;
        this.participants = msg.participants;
        this.welcomed = true;
        this.attempt = 0;
        if (msg.board) {
          this.board.clear();
          const seen = new Set<string>();
          for (const s of msg.board.strokes) {
            if (seen.has(s.id)) this.welcomeDuplicates.push(s.id);
            seen.add(s.id);
            this.board.set(s.id, { ...s, points: [...s.points] });
          }
          this.lastSeq = msg.seq;
        }
        this.resendUnacked();
        return;
      }
      case 'stroke-begin':
        this.board.set(msg.stroke.id, { ...msg.stroke, points: [...msg.stroke.points] });
        return;
      case 'stroke-points': {
        const s = this.board.get(msg.strokeId);
        if (s) s.points.push(...msg.points);
        else this.unknownStrokeEvents++;
        return;
      }
      case 'stroke-end': {
        const s = this.board.get(msg.strokeId);
        if (s) s.done = true;
        else this.unknownStrokeEvents++;
        let seqs = this.endSeqs.get(msg.strokeId);
        if (!seqs) this.endSeqs.set(msg.strokeId, (seqs = new Set()));
        seqs.add(msg.seq);
        return;
      }
      case 'erased':
        for (const id of msg.strokeIds) this.board.delete(id);
        return;
      case 'cleared':
        this.board.clear();
        return;
      case 'corrected':
        this.corrections.push(msg);
        return;
      case 'ack': {
        this.lastAckSeq = Math.max(this.lastAckSeq, msg.seq);
        this.acks.set(msg.strokeId, (this.acks.get(msg.strokeId) ?? 0) + 1);
        const own = this.unacked.get(msg.strokeId);
        if (own?.ended) this.unacked.delete(msg.strokeId);
        let seqs = this.endSeqs.get(msg.strokeId);
        if (!seqs) this.endSeqs.set(msg.strokeId, (seqs = new Set()));
        // A re-acknowledgement of a stored stroke may carry the room's current seq: count the first only.
        if (seqs.size === 0) seqs.add(msg.seq);
        return;
      }
      case 'result':
        this.results.push({ at, msg });
        for (const [id, t] of this.pendingPenUps) {
          if (msg.groups.some((g) => g.strokeIds.includes(id))) {
            this.penUpToResult.push(at - t);
            this.pendingPenUps.delete(id);
          }
        }
        return;
      case 'presence':
        this.participants = msg.participants;
        return;
      case 'cursor':
        this.cursors.set(msg.id, { x: msg.x, y: msg.y, at });
        return;
      case 'error':
        this.errors.push(msg);
        return;
      case 'pong':
        return;
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private resendUnacked(): void {
    for (const [id, s] of this.unacked) {
      if (s.points.length === 0) continue;
      // My own ink stays on my board even when a whole-board welcome did not have it yet.
      if (this.you) this.board.set(id, { id, author: this.you.id, color: this.you.color, points: [...s.points], done: s.ended });
      // Chunks of at most 512 points (MAX_POINTS_PER_MESSAGE): begin with the first, then the rest.
      this.raw({ type: 'stroke-begin', strokeId: id, points: s.points.slice(0, 512) });
      for (let i = 512; i < s.points.length; i += 512) this.raw({ type: 'stroke-points', strokeId: id, points: s.points.slice(i, i + 512) });
      if (s.ended) this.raw({ type: 'stroke-end', strokeId: id });
    }
  }

  /** Sends when connected and welcomed; returns false (message dropped) otherwise. */
  raw(msg: object): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify(msg));
    return true;
  }

  beginStroke(id: string, points: number[][]): void {
    this.unacked.set(id, { points: [...points], ended: false });
    if (this.you) this.board.set(id, { id, author: this.you.id, color: this.you.color, points: [...points], done: false });
    this.raw({ type: 'stroke-begin', strokeId: id, points });
  }

  addPoints(id: string, points: number[][]): void {
    const own = this.unacked.get(id);
    if (own) own.points.push(...points);
    this.board.get(id)?.points.push(...points);
    this.raw({ type: 'stroke-points', strokeId: id, points });
  }

  endStroke(id: string): void {
    const own = this.unacked.get(id);
    if (own) {
      own.ended = true;
      own.endedAt = performance.now();
    }
    const s = this.board.get(id);
    if (s) s.done = true;
    this.pendingPenUps.set(id, performance.now());
    this.raw({ type: 'stroke-end', strokeId: id });
  }

  /** A whole stroke at once: begin with the first point, the rest in messages of `chunk` points, end. */
  drawStroke(id: string, points: number[][], chunk = 8): void {
    this.beginStroke(id, points.slice(0, 1));
    for (let i = 1; i < points.length; i += chunk) this.addPoints(id, points.slice(i, i + chunk));
    this.endStroke(id);
  }

  /** Resolves when `check` holds (polling every 20 ms). */
  until<T>(what: string, check: () => T, timeoutMs = 15_000): Promise<NonNullable<T>> {
    return waitFor(`${this.opts.label ?? this.opts.name ?? 'client'}: ${what}`, check, timeoutMs, 20);
  }

  /** Waits until every stroke of mine is acknowledged. */
  allAcked(timeoutMs = 15_000): Promise<boolean> {
    return this.until(`acks for ${[...this.unacked.keys()].join(', ')}`, () => this.open && this.unacked.size === 0, timeoutMs);
  }

  /** Closes for good (no reconnect). */
  close(): void {
    this.closedByUs = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ws?.close(1000);
  }
}

/**
 * Points of a vertical bar (reads as a "1") at x, from y to y + height, with t in ms since
 * pen-down; to a tenth of a pixel, as the browser sends them (rooms keep points to a tenth).
 * Bars 200 units apart are separate numbers at the default height (over 1.4 heights apart).
 */
export function oneAt(x: number, y: number, height = 100, n = 30): number[][] {
  const tenth = (v: number) => Math.round(v * 10) / 10;
  return Array.from({ length: n }, (_, i) => [tenth(x + Math.sin(i / 7) * 2), tenth(y + (height * i) / (n - 1)), i * 16]);
}

/** Unique stroke ids per test run. */
let counter = 0;
const prefix = Math.random().toString(36).slice(2, 8);
export const strokeId = (tag: string) => `${tag}-${prefix}-${++counter}`;
