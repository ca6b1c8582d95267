/**
 * "Any load balancer": a round-robin TCP proxy on loopback, in the test process. No stickiness:
 * every new connection goes to the next backend; a backend that refuses the connection (a killed
 * or stopped node) is skipped and the next one tried. A connection whose backend dies is closed,
 * as a real L4 balancer would do; the client reconnects and lands elsewhere.
 */
import net from 'node:net';

export interface Backend {
  port: number;
  name: string;
}

export class LoadBalancer {
  private server: net.Server | null = null;
  private next = 0;
  private readonly open = new Set<net.Socket>();
  port = 0;
  /** Connections placed per backend name. */
  readonly placed = new Map<string, number>();
  /** Backend name per client-side port of the connections placed (see backendOf). */
  private readonly byClientPort = new Map<number, string>();

  constructor(readonly backends: Backend[]) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private accept(client: net.Socket): void {
    client.pause();
    // As nginx does for proxied WebSockets (tcp_nodelay): without it Nagle's algorithm and the
    // peer's delayed ACK hold small frames back ~40 ms.
    client.setNoDelay(true);
    this.open.add(client);
    client.once('close', () => this.open.delete(client));
    client.on('error', () => client.destroy());
    const order = this.backends.map((_, i) => this.backends[(this.next + i) % this.backends.length]);
    this.next = (this.next + 1) % Math.max(1, this.backends.length);
    const attempt = (i: number) => {
      if (client.destroyed) return;
      if (i >= order.length) return client.destroy();
      const backend = order[i];
      const upstream = net.connect({ port: backend.port, host: '127.0.0.1', noDelay: true });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        this.placed.set(backend.name, (this.placed.get(backend.name) ?? 0) + 1);
        if (client.remotePort) this.byClientPort.set(client.remotePort, backend.name);
        this.open.add(upstream);
        upstream.once('close', () => this.open.delete(upstream));
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
      upstream.on('error', () => {
        if (!connected) attempt(i + 1);
        else client.destroy();
      });
    };
    attempt(0);
  }

  /** The backend a client connection (named by the client's local port) was sent to. */
  backendOf(clientLocalPort: number): string | undefined {
    return this.byClientPort.get(clientLocalPort);
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
