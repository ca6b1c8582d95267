import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CloseCode, PROTOCOL_VERSION } from '../../../common/protocol-constants.js';
import type { ClientMessage, ServerMessage } from '../../../common/protocol.js';
import { config } from '../config.js';

/** `offline` covers "connecting" and "waiting to retry"; `error` is final until the user acts. */
export type ConnectionStatus = 'online' | 'offline' | 'error';

export type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;

export interface ConnectionOptions {
  url?: string;
  /** The board to join; undefined asks the server for a new one (see `room` after the welcome). */
  room?: string;
  /** The name to join with (the server makes one up otherwise). */
  name?(): string | undefined;
  /** This browser's key, to be the same writer after a reload (hello.client). */
  client?(): string | undefined;
  /** After each successful handshake. Without `welcome.board`, the missed events follow. */
  onWelcome(welcome: WelcomeMessage): void;
  /** Every message after the handshake, pongs excepted. */
  onMessage(message: ServerMessage): void;
  /** After the frame that held a welcome: the replayed events and the latest result are applied. */
  onSynced?(): void;
}

/** Where a session can pick up after a reconnect. */
interface ResumePoint {
  session: string;
  lastSeq: number;
}

/** Close codes after which reconnecting on our own cannot help. */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.versionMismatch, CloseCode.badHandshake, CloseCode.roomFull, CloseCode.boardTooLarge]);

function describeFatal(event: CloseEvent): string {
  switch (event.code) {
    case CloseCode.versionMismatch:
      return 'This page is out of date. Please reload.';
    case CloseCode.roomFull:
      return 'This board is full: it already has as many writers as it can take. Try again later, or start a new board.';
    case CloseCode.boardTooLarge:
      return `This board is too large to open${event.reason ? ` (${event.reason})` : ''}. Start a new board.`;
    case 1000:
      return 'This board was opened again with the same session elsewhere. Reload to continue here.';
    default:
      return `The server refused the connection${event.reason ? `: ${event.reason}` : ''}.`;
  }
}

const isMessage = (value: unknown): value is ServerMessage =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/**
 * The one WebSocket connection of the page (protocol 2): hello handshake into a board, resume
 * after a reconnect (the session and the last sequence number seen, per board), reconnect with
 * jittered backoff, app-level pings with a liveness deadline, and no retry after a fatal close.
 * Server frames hold one message or an array of them. Lit hosts drive it: it connects in
 * hostConnected, closes in hostDisconnected, and asks the host to re-render when `status` changes.
 */
export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = 'offline';
  /** Why the status is `error`, for people. */
  errorReason = '';
  /** The close code behind `error` (CloseCode.roomFull: worth a "try again"). */
  errorCode: number | undefined;
  /** Round-trip time of the last ping, in ms. */
  rttMs: number | undefined;
  /** The board this connection joins (set from the welcome when we asked for a new one). */
  room: string | undefined;
  /**
   * The server could not be reached: a connection failed before its welcome, or the browser says
   * it is offline. Unlike `offline`, not set while a first connection is merely being made.
   */
  unreachable = false;

  private readonly host: ReactiveControllerHost;
  private readonly options: ConnectionOptions;
  private readonly url: string;
  private readonly resumePoints = new Map<string, ResumePoint>();
  private socket: WebSocket | undefined;
  private attempt = 0;
  private lastHeard = 0;
  private lastPing = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = true;
  /** The current socket got its welcome. */
  private welcomed = false;

  constructor(host: ReactiveControllerHost, options: ConnectionOptions) {
    this.host = host;
    this.options = options;
    this.url = options.url ?? config.wsUrl;
    this.room = options.room;
    host.addController(this);
  }

  hostConnected(): void {
    this.stopped = false;
    window.addEventListener('online', this.onBrowserOnline);
    window.addEventListener('offline', this.onBrowserOffline);
    if (!navigator.onLine) this.unreachable = true;
    this.connect();
  }

  hostDisconnected(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    clearTimeout(this.reconnectTimer);
    this.dropSocket(1000, 'page closed');
    if (this.status === 'online') this.status = 'offline';
  }

  /**
   * Sends a message if the session is up. Returns false (and drops it) otherwise: callers keep
   * their own state and resend it after the next welcome.
   */
  send(message: ClientMessage): boolean {
    if (this.status !== 'online' || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Leaves the current board for another (undefined: a new one), as a fresh member with the whole board. */
  switchRoom(room: string | undefined): void {
    this.dropSocket(1000, 'switching boards');
    clearTimeout(this.reconnectTimer);
    this.room = room;
    if (room) this.resumePoints.delete(room);
    this.attempt = 0;
    this.errorReason = '';
    this.errorCode = undefined;
    this.status = 'offline';
    this.host.requestUpdate();
    this.connect();
  }

  /**
   * Closes the socket and connects again at once, resuming on the same board: the server reads
   * the session cookie only on the upgrade, so this is how a log in or log out reaches the board.
   */
  reconnect(): void {
    if (this.stopped || this.status === 'error') return;
    this.dropSocket(1000, 'reconnecting');
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.setStatus('offline');
    this.connect();
  }

  /** After an error the user may try again (a full board may have room now). */
  retry(): void {
    if (this.status !== 'error') return;
    this.switchRoom(this.room);
  }

  private connect(): void {
    if (this.stopped || this.status === 'error') return;
    clearTimeout(this.reconnectTimer);
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    this.lastHeard = performance.now();
    socket.onopen = () => {
      this.lastHeard = performance.now();
      const room = this.room;
      const resume = room ? this.resumePoints.get(room) : undefined;
      const name = this.options.name?.();
      const client = this.options.client?.();
      const hello: ClientMessage = {
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        ...(room ? { room } : {}),
        ...(name ? { name } : {}),
        ...(resume ? { resume } : {}),
        ...(client ? { client } : {}),
      };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (event) => this.onSocketMessage(event);
    socket.onclose = (event) => this.onSocketClose(event);
    // An error is always followed by a close event, which does the work.
    socket.onerror = null;
    // The liveness check runs from the start, so a handshake that never completes counts as dead too.
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(this.tick, config.livenessCheckMs);
  }

  private onSocketMessage(event: MessageEvent): void {
    this.lastHeard = performance.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(event.data));
    } catch {
      return;
    }
    // The server batches what is ready in one turn of its event loop into an array.
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    let welcomed = false;
    for (const message of messages) {
      // The server is ours and validated at its end; a cheap shape check keeps a bad frame from throwing later.
      if (!isMessage(message)) continue;
      // A handler may have switched boards or closed the page: the rest of the frame is not ours.
      if (event.target !== this.socket) return;
      if (message.type === 'welcome') {
        welcomed = true;
        this.onWelcome(message);
        continue;
      }
      if (this.status !== 'online') continue;
      if (message.type === 'pong') {
        this.rttMs = Math.round(performance.now() - message.t);
        continue;
      }
      this.noteSeq(message);
      this.options.onMessage(message);
    }
    if (welcomed && event.target === this.socket) this.options.onSynced?.();
  }

  private onWelcome(welcome: WelcomeMessage): void {
    this.attempt = 0;
    this.lastPing = performance.now();
    this.room = welcome.room;
    this.welcomed = true;
    this.unreachable = false;
    const previous = this.resumePoints.get(welcome.room);
    // With the whole board we are current with its seq; without it, the replayed events that
    // follow bring lastSeq up to date one by one.
    const lastSeq = welcome.board || !previous ? welcome.seq : previous.lastSeq;
    this.resumePoints.set(welcome.room, { session: welcome.session, lastSeq });
    this.setStatus('online');
    this.options.onWelcome(welcome);
  }

  /** Remembers the latest sequence number seen on this board, to resume from. */
  private noteSeq(message: ServerMessage): void {
    if (!('seq' in message) || !this.room) return;
    const point = this.resumePoints.get(this.room);
    if (point && message.seq > point.lastSeq) point.lastSeq = message.seq;
  }

  private onSocketClose(event: CloseEvent): void {
    this.socket = undefined;
    if (!this.welcomed && !this.unreachable) {
      this.unreachable = true;
      this.host.requestUpdate();
    }
    clearInterval(this.pingTimer);
    // 1000 "replaced": the same session resumed on another connection, which now has it.
    if (FATAL_CLOSE_CODES.has(event.code) || (event.code === 1000 && /replaced/i.test(event.reason))) {
      this.errorReason = describeFatal(event);
      this.errorCode = event.code;
      this.setStatus('error');
      return;
    }
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  private readonly tick = (): void => {
    const socket = this.socket;
    if (!socket) return;
    if (performance.now() - this.lastHeard > config.deadAfterMs) {
      // Closing a socket whose peer is gone can take the browser a long time to report, so
      // forget it now and start over instead of waiting for its close event.
      this.dropSocket(1000, 'no pong');
      this.unreachable = true;
      this.setStatus('offline');
      this.host.requestUpdate();
      this.scheduleReconnect();
      return;
    }
    const now = performance.now();
    if (this.status === 'online' && now - this.lastPing >= config.pingIntervalMs) {
      this.lastPing = now;
      this.send({ type: 'ping', t: now });
    }
  };

  private dropSocket(code: number, reason: string): void {
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.status === 'error') return;
    clearTimeout(this.reconnectTimer);
    // 0.5 s, 1 s, then 2 s, each +-20% so that many clients do not come back in lockstep.
    const base = config.reconnectMinMs * 2 ** this.attempt;
    const jittered = base * (0.8 + Math.random() * 0.4);
    const delay = Math.min(config.reconnectMaxMs, Math.max(config.reconnectMinMs, jittered));
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private readonly onBrowserOnline = (): void => {
    // The network is back: skip the rest of the backoff.
    if (this.status === 'offline' && !this.socket) {
      this.attempt = 0;
      this.connect();
    }
  };

  private readonly onBrowserOffline = (): void => {
    this.unreachable = true;
    this.host.requestUpdate();
  };

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.host.requestUpdate();
  }
}
