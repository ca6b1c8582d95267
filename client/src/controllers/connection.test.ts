import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../../common/protocol-constants.js';

/** A WebSocket that the test opens, answers and closes by hand. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string; target: FakeSocket }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: unknown = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {}
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message), target: this });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

const welcome = { type: 'welcome', protocol: PROTOCOL_VERSION, model: 'm', room: 'r'.repeat(22), session: 's', you: { id: 'me', name: 'n', color: '#000' }, seq: 0, participants: [], limits: {} };

describe('ConnectionController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    vi.stubGlobal('location', { origin: 'http://localhost', href: 'http://localhost/' });
    vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('WebSocket', FakeSocket);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function connect() {
    const { ConnectionController } = await import('./connection.js');
    const host = { updates: 0, addController: () => {}, requestUpdate: () => host.updates++ };
    const connection = new ConnectionController(host as never, { room: 'r'.repeat(22), client: () => 'k'.repeat(22), onWelcome: () => {}, onMessage: () => {} });
    connection.hostConnected();
    return { connection, host };
  }

  it('is not unreachable while the first connection is being made, and is once it fails', async () => {
    const { connection, host } = await connect();
    expect(connection.status).toBe('offline');
    expect(connection.unreachable).toBe(false);
    const before = host.updates;
    FakeSocket.all[0].drop();
    expect(connection.unreachable).toBe(true);
    expect(host.updates).toBeGreaterThan(before);
    connection.hostDisconnected();
  });

  it('sends the browser key in hello, and a welcome makes the server reachable again', async () => {
    const { connection } = await connect();
    FakeSocket.all[0].drop();
    vi.advanceTimersByTime(2_000);
    const socket = FakeSocket.all[1];
    socket.open();
    expect(socket.sent[0]).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION, client: 'k'.repeat(22) });
    socket.receive(welcome);
    expect(connection.status).toBe('online');
    expect(connection.unreachable).toBe(false);
    // A session that drops after its welcome is not yet "unreachable": the reconnect decides.
    socket.drop();
    expect(connection.unreachable).toBe(false);
    connection.hostDisconnected();
  });

  it('takes the browser\'s word that it is offline', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const { connection } = await connect();
    expect(connection.unreachable).toBe(true);
    connection.hostDisconnected();
  });
  it('does not retry a board too large to open (4012), and says why', async () => {
    const { connection } = await connect();
    const socket = FakeSocket.all[0];
    socket.open();
    socket.readyState = 3;
    socket.onclose?.({ code: 4012, reason: "this board's file is 95.6 MiB, over the 64.0 MiB a board may load" });
    expect(connection.status).toBe('error');
    expect(connection.errorCode).toBe(4012);
    expect(connection.errorReason).toMatch(/too large to open.*95\.6 MiB/);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    connection.hostDisconnected();
  });
});
