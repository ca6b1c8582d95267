/** A WebSocket client for the fuzz run: collects every server message, and waits with deadlines. */
import WebSocket from 'ws';
import type { Frame } from './ws-frames.js';

export type ServerMsg = Record<string, unknown> & { type?: unknown };

export class FuzzSocket {
  readonly inbox: ServerMsg[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Frames from the server that were not JSON messages (a protocol violation). */
  readonly unreadable: string[] = [];
  /** Set to stop parsing and keeping messages (a busy writer's echo of the board); bytes are still counted. */
  discard = false;
  bytesReceived = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.bytesReceived += data.length;
      if (this.discard) return;
      try {
        const parsed = JSON.parse(data.toString()) as ServerMsg | ServerMsg[];
        this.inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      } catch {
        this.unreadable.push(data.toString().slice(0, 200));
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    // A send after the server closed, a reset: the close event tells the story.
    ws.on('error', () => {});
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, handshakeTimeout: timeoutMs, perMessageDeflate: false });
      const socket = new FuzzSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
        res.resume();
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  /** Resolves true once `done()` holds, false after `timeoutMs`. Checked after every event. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
  }

  isOpen(): boolean {
    return this.closed === null;
  }

  /** Messages received since index `from`, of the given type. */
  since(from: number, type?: string): ServerMsg[] {
    const out = this.inbox.slice(from);
    return type ? out.filter((m) => m.type === type) : out;
  }

  find(from: number, pred: (m: ServerMsg) => boolean): ServerMsg | undefined {
    for (let i = from; i < this.inbox.length; i++) if (pred(this.inbox[i])) return this.inbox[i];
    return undefined;
  }

  /** Sends a fuzz frame (as several fragments when it says so). */
  async send(frame: Frame): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const data = typeof frame.data === 'string' ? Buffer.from(frame.data) : frame.data;
    const parts = Math.max(1, Math.min(frame.fragments ?? 1, data.length || 1));
    const size = Math.ceil(data.length / parts);
    await new Promise<void>((resolve) => {
      for (let i = 0; i < parts; i++) {
        const last = i === parts - 1;
        const chunk = data.subarray(i * size, last ? data.length : (i + 1) * size);
        // The callback of the last fragment runs once it is written (or the socket failed).
        this.ws.send(chunk, { binary: frame.binary, fin: last }, last ? () => resolve() : undefined);
      }
    });
  }

  sendJson(msg: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  terminate(): void {
    this.ws.terminate();
  }
}
