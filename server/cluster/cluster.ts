/**
 * One throwaway cluster: PostgreSQL (migrated), redis-server, N nodes and the round-robin load
 * balancer in front, all on loopback, all removed by stop(). Tests and the soak build on it.
 */
import pg from 'pg';
import { startPgCluster, type PgCluster } from '../../scripts/db-pg-cluster.js';
import { applyMigrations } from '../src/db/migrations.js';
import { LoadBalancer } from './lb.js';
import { ClusterNode } from './nodes.js';
import { startRedis, type RedisServer } from './redis.js';

/** pause()/resume() take PostgreSQL away and bring it back (being added to scripts/db-pg-cluster.ts). */
export type PausablePg = PgCluster & { pause?: () => Promise<void>; resume?: () => Promise<void> };

export interface Cluster {
  pg: PausablePg;
  redis: RedisServer;
  nodes: ClusterNode[];
  lb: LoadBalancer;
  /** Runs SQL against the cluster's database (a new connection each time: PostgreSQL may have been restarted). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Every node's log lines (warnings and errors), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startCluster(opts: { nodes?: number; nodeEnv?: Record<string, string> } = {}): Promise<Cluster> {
  const pgCluster: PausablePg = await startPgCluster();
  let redis: RedisServer | null = null;
  const nodes: ClusterNode[] = [];
  const lb = new LoadBalancer([]);
  try {
    await applyMigrations(pgCluster.url);
    redis = await startRedis();
    for (let i = 1; i <= (opts.nodes ?? 2); i++) nodes.push(new ClusterNode({ name: `node${i}`, databaseUrl: pgCluster.url, redisUrl: redis.url, env: opts.nodeEnv }));
    // One at a time: each loads the model; two cold starts at once on 2 cores just take longer.
    for (const n of nodes) await n.start();
    for (const n of nodes) lb.backends.push({ port: n.port, name: n.name });
    await lb.listen();
  } catch (err) {
    for (const n of nodes) await n.dispose().catch(() => undefined);
    await redis?.stop();
    await pgCluster.stop();
    throw err;
  }
  const r = redis;
  return {
    pg: pgCluster,
    redis: r,
    nodes,
    lb,
    async query(sql, params) {
      const client = new pg.Client({ connectionString: pgCluster.url, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    logs: () => nodes.flatMap((n) => n.logLines).join('\n'),
    async stop() {
      await lb.close();
      for (const n of nodes) await n.dispose().catch(() => undefined);
      await r.stop();
      await pgCluster.stop();
    },
  };
}

/**
 * How many rows of the board tables hold each stroke id. The PostgreSQL board store's tables are
 * found by name (any table but the account and history ones and Prisma's bookkeeping), and each
 * row is read as JSON text, so the count does not depend on the store's column layout.
 */
export async function strokeRowCounts(cluster: Cluster, ids: string[]): Promise<Map<string, number>> {
  const skip = new Set(['_prisma_migrations', 'users', 'sessions', 'recognitions', 'recognized_digits']);
  const tables = (await cluster.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
    .map((r) => r.table_name)
    .filter((t) => !skip.has(t));
  const counts = new Map(ids.map((id) => [id, 0]));
  for (const table of tables) {
    const rows = await cluster.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${table.replace(/"/g, '""')}" t`);
    for (const { j } of rows) for (const id of ids) if (j.includes(`"${id}"`) || j.includes(`\\"${id}\\"`)) counts.set(id, counts.get(id)! + 1);
  }
  return counts;
}

/** The board tables strokeRowCounts reads (to say so in a failure message). */
export async function boardTables(cluster: Cluster): Promise<string[]> {
  const rows = await cluster.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  return rows.map((r) => r.table_name);
}

/** Creates a room through a node's REST API and returns its id. */
export async function createRoom(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/rooms`, { method: 'POST' });
  if (res.status !== 201) throw new Error(`POST /api/rooms: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Registers an account on a node; returns the session cookie (`name=value`). */
export async function register(baseUrl: string, email: string, password = 'correct horse battery staple'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('register: no session cookie');
  return cookie.split(';')[0];
}
