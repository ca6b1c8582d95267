import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { CloseCode, PROTOCOL_VERSION } from '../../../common/protocol-constants.js';
import type { ClientMessage, ServerMessage } from '../../../common/protocol.js';
import { config } from '../config.js';

/** `offline` covers "connecting" and "waiting to retry"; `error` is final until a reload. */
export type ConnectionStatus = 'online' | 'offline' | 'error';

export type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;

export interface ConnectionOptions {
  url?: string;
  /** Every message after the handshake, pongs excepted. */
  onMessage(message: ServerMessage): void;
  /** After each successful handshake (the first and every reconnect): a fresh session, empty board. */
  onWelcome?(welcome: WelcomeMessage): void;
}

/** Close codes after which reconnecting cannot help: the user must reload a newer client. */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.versionMismatch, CloseCode.badHandshake]);

/**
 * The one WebSocket connection of the page: hello handshake, reconnect with jittered backoff,
 * app-level pings with a liveness deadline, and no retry after a fatal close code.
 * Lit hosts drive it: it connects in hostConnected, closes in hostDisconnected, and asks the host
 * to re-render whenever `status` changes.
 */
export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = 'offline';
  /** Why the status is `error`, for people. */
  errorReason = '';
  /** Round-trip time of the last ping, in ms. */
  rttMs: number | undefined;

  private readonly host: ReactiveControllerHost;
  private readonly options: ConnectionOptions;
  private readonly url: string;
  private socket: WebSocket | undefined;
  private attempt = 0;
  private lastHeard = 0;
  private lastPing = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = true;

  constructor(host: ReactiveControllerHost, options: ConnectionOptions) {
    this.host = host;
    this.options = options;
    this.url = options.url ?? config.wsUrl;
    host.addController(this);
  }

  hostConnected(): void {
    this.stopped = false;
    window.addEventListener('online', this.onBrowserOnline);
    this.connect();
  }

  hostDisconnected(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onBrowserOnline);
    clearTimeout(this.reconnectTimer);
    this.dropSocket(1000, 'page closed');
    if (this.status === 'online') this.status = 'offline';
  }

  /**
   * Sends a message if the session is up. Returns false (and drops it) otherwise: callers keep
   * their own state and resend it from `onWelcome`, which also covers what was drawn while connecting.
   */
  send(message: ClientMessage): boolean {
    if (this.status !== 'online' || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
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
    this.lastHeard = performance.now();
    socket.onopen = () => {
      this.lastHeard = performance.now();
      socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION } satisfies ClientMessage));
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
    let message: ServerMessage;
    try {
      const parsed: unknown = JSON.parse(String(event.data));
      // The server is ours and validated at its end; a cheap shape check keeps a bad frame from throwing later.
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') return;
      message = parsed as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'welcome') {
      this.attempt = 0;
      this.lastPing = performance.now();
      this.setStatus('online');
      this.options.onWelcome?.(message);
      return;
    }
    if (this.status !== 'online') return;
    if (message.type === 'pong') {
      this.rttMs = Math.round(performance.now() - message.t);
      return;
    }
    this.options.onMessage(message);
  }

  private onSocketClose(event: CloseEvent): void {
    this.socket = undefined;
    clearInterval(this.pingTimer);
    if (FATAL_CLOSE_CODES.has(event.code)) {
      this.errorReason =
        event.code === CloseCode.versionMismatch
          ? 'This page is out of date. Please reload.'
          : `The server refused the connection${event.reason ? `: ${event.reason}` : ''}.`;
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
      this.setStatus('offline');
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

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.host.requestUpdate();
  }
}
