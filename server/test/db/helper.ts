/**
 * Databases and apps for the accounts/history tests, on both providers: a fresh SQLite file, or
 * a fresh database in the run's throwaway PostgreSQL cluster (server/test/global-setup-postgres.ts;
 * a file started without that setup starts its own cluster). PostgreSQL is never optional.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { startPgCluster, type PgCluster } from '../../../scripts/db-pg-cluster.js';
import { app, fastifyOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Provider } from '../../src/db/provider.js';
import prisma from '../../src/plugins/prisma.js';
import auth from '../../src/plugins/auth.js';
import history, { type HistoryOptions } from '../../src/plugins/history.js';
import inference from '../../src/plugins/inference.js';
import authRoutes from '../../src/routes/api/auth.js';
import recognitionsRoutes from '../../src/routes/api/recognitions.js';
import recognizeRoute from '../../src/routes/api/recognize.js';
import { errorHandler } from '../../src/error-handler.js';
import { applyMigrations } from '../../src/db/migrations.js';

export const PROVIDERS: Provider[] = ['sqlite', 'postgresql'];

let ownCluster: Promise<PgCluster> | undefined;

/** The admin URL of a running PostgreSQL (the run's, or one this file started). */
export async function postgresAdminUrl(): Promise<string> {
  const provided = inject('postgresUrl');
  if (provided) return provided;
  ownCluster ??= startPgCluster();
  return (await ownCluster).url;
}

/** Stops the cluster this file started, if any (call in afterAll). */
export async function stopOwnCluster(): Promise<void> {
  if (ownCluster) await (await ownCluster).stop();
  ownCluster = undefined;
}

export interface TestDatabase {
  url: string;
  provider: Provider;
  drop(): Promise<void>;
}

/** An empty database (no tables). */
export async function freshDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'digitboard-db-'));
    return { provider, url: `file:${path.join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = await postgresAdminUrl();
  const name = `test_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    provider,
    url: url.toString(),
    drop: async () => {
      await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** A migrated, empty database: what an operator has after `npm run db:migrate`. */
export async function migratedDatabase(provider: Provider): Promise<TestDatabase> {
  const db = await freshDatabase(provider);
  await applyMigrations(db.url);
  return db;
}

export interface BuildOptions {
  databaseUrl: string;
  /**
   * A history store with test settings (injected failures, short backoff). The app's own wiring
   * takes none, so the instance is then assembled here from the same plugins: inference,
   * database, sessions, history, POST /api/recognize and the account and history routes.
   */
  history?: HistoryOptions;
  fastify?: FastifyServerOptions;
  /** Configuration beside the database and the temp DATA_DIR (e.g. SMTP_URL). */
  config?: Partial<Config>;
  /** Extra routes for a test, registered with the rest. */
  extra?: (instance: FastifyInstance) => void;
}

/**
 * The whole app (server/src/app.ts) on an unlistened instance with a temp DATA_DIR and the given
 * database; accounts and history are added here unless app.ts already registers them.
 */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'digitboard-test-'));
  const instance = Fastify({ ...fastifyOptions, logger: false, ...opts.fastify }).withTypeProvider<TypeBoxTypeProvider>();
  instance.addHook('onClose', async () => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig(process.env, { LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: opts.databaseUrl, ...opts.config });
  try {
    if (opts.history) {
      instance.setErrorHandler(errorHandler);
      await instance.register(inference, { modelPath: config.MODEL_PATH, threads: config.INFERENCE_THREADS, maxBatch: config.INFERENCE_MAX_BATCH });
      await instance.register(prisma, { url: config.DATABASE_URL });
      await instance.register(auth);
      await instance.register(history, opts.history);
      await instance.register(recognizeRoute);
      await instance.register(authRoutes);
      await instance.register(recognitionsRoutes);
    } else {
      await instance.register(app, config);
      if (!instance.hasDecorator('prisma')) {
        await instance.register(prisma, { url: config.DATABASE_URL });
        await instance.register(auth);
        await instance.register(history);
        await instance.register(authRoutes);
        await instance.register(recognitionsRoutes);
      }
    }
    opts.extra?.(instance);
    await instance.ready();
  } catch (err) {
    await instance.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return instance;
}

/** A browser-like client: keeps the session cookie and sends a same-site Origin. */
export class Client {
  cookie: string | undefined;
  /** Each client its own address, so tests do not share the login rate limit. */
  readonly ip = `10.${rnd()}.${rnd()}.${rnd()}`;

  constructor(private readonly app: FastifyInstance) {}

  async request(opts: InjectOptions & { origin?: string | null }): Promise<LightMyRequestResponse> {
    const { origin = 'http://localhost', ...rest } = opts;
    const headers: Record<string, string> = { host: 'localhost:80', ...(rest.headers as Record<string, string> | undefined) };
    if (origin !== null && !('origin' in headers)) headers.origin = origin;
    if (this.cookie && !('cookie' in headers)) headers.cookie = this.cookie;
    const res = await this.app.inject({ remoteAddress: this.ip, ...rest, headers });
    const set = res.cookies.find((c) => c.name === 'digitboard_session');
    if (set) this.cookie = set.value && !(set.expires && set.expires.getTime() <= Date.now()) ? `digitboard_session=${set.value}` : undefined;
    return res;
  }

  register(email: string, password = 'correct horse battery') {
    return this.request({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  }

  login(email: string, password = 'correct horse battery') {
    return this.request({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  }
}

function rnd(): number {
  return randomBytes(1)[0];
}

/** An email nobody else in the run uses. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}
