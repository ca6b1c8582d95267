/**
 * What every cluster test file sets up the same way: one cluster for the file (started before
 * its tests, stopped after them, PostgreSQL resumed first in case a failed test left it paused),
 * clients that reconnect through the balancer and are closed at the end, signed-in accounts, and
 * ink drawn with a record of its points.
 */
import { afterAll, beforeAll } from 'vitest';
import { BoardClient, oneAt, strokeId, type ClientOptions } from './client.js';
import { register, startCluster, type Cluster } from './cluster.js';

export function useCluster(nodes: number) {
  let started: Cluster | undefined;
  const clients: BoardClient[] = [];
  beforeAll(async () => {
    started = await startCluster({ nodes });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await started?.pg.resume?.().catch(() => undefined);
    await started?.stop();
  });
  return {
    get cluster(): Cluster {
      if (!started) throw new Error('the cluster has not started');
      return started;
    },
    /** A client of `room` connecting to `url` first, then reconnecting through the balancer. */
    client(room: string, url: string, name: string, extra: Partial<ClientOptions> = {}): BoardClient {
      const c = new BoardClient({ url, reconnectUrl: this.cluster.lb.wsUrl, room, name, label: name, ...extra });
      clients.push(c);
      return c;
    },
    /** A new account, registered on `baseUrl`: its session cookie and user id. */
    async signIn(baseUrl: string, tag: string): Promise<{ cookie: string; id: string }> {
      const cookie = await register(baseUrl, `${tag}-${Date.now()}@example.com`);
      const me = (await (await fetch(`${baseUrl}/api/me`, { headers: { cookie } })).json()) as { id: string };
      return { cookie, id: me.id };
    },
  };
}

/** Draws "1"s and remembers each stroke's points by id. */
export function inkLog() {
  const drawn = new Map<string, number[][]>();
  return {
    drawn,
    draw(c: BoardClient, x: number, tag: string, y = 100): string {
      const id = strokeId(tag);
      const points = oneAt(x, y);
      drawn.set(id, points);
      c.drawStroke(id, points);
      return id;
    },
  };
}
