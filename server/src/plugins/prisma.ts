/**
 * The database as a Fastify service: `app.prisma`, a Prisma client for the SQLite file or the
 * PostgreSQL server that DATABASE_URL names. The embedded SQLite default migrates itself at start;
 * PostgreSQL is migrated by its operator (`npm run db:migrate`) and the server refuses to start
 * on a database that is behind its migrations.
 *
 * Services that queue writes while the database is away (history, the board store) add their
 * stats to `app.databaseWriters`; the 'database' health check reports them with a `SELECT 1`.
 */
import fp from 'fastify-plugin';
import { createDb, type Db } from '../db/client.js';
import { isDatabaseUnreachable } from '../db/unreachable.js';
import { applyMigrations, ensureSqliteDir, pendingMigrations } from '../db/migrations.js';
import { providerOf, redactUrl } from '../db/provider.js';

/** What a queued writer tells health (its live stats object: read at each check). */
export interface DatabaseWriterStats {
  queued: number;
  /** Its last write found the database unreachable. */
  failing: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    prisma: Db;
    /** Named writers that queue while the database is away, e.g. 'history', 'rooms'. */
    databaseWriters: Map<string, DatabaseWriterStats>;
  }
}

export interface PrismaPluginOptions {
  /** DATABASE_URL: `file:<path>` (SQLite) or `postgres(ql)://...`. */
  url: string;
  /** Apply pending migrations at start. Default: on for SQLite, off for PostgreSQL. */
  autoMigrate?: boolean;
}

export default fp<PrismaPluginOptions>(
  async (app, opts) => {
    // A fresh checkout has no data/ folder yet.
    if (providerOf(opts.url) === 'sqlite') await ensureSqliteDir(opts.url);
    const { db, provider } = await createDb(opts.url);
    try {
      const pending = await pendingMigrations(db, provider);
      if (pending.length > 0) {
        if (!(opts.autoMigrate ?? provider === 'sqlite')) {
          throw new Error(`${redactUrl(opts.url)} has ${pending.length} unapplied migration(s) (${pending.join(', ')}): run npm run db:migrate`);
        }
        const started = performance.now();
        const applied = await applyMigrations(opts.url, { log: (line) => app.log.debug({ engine: line }, 'schema engine') });
        app.log.info({ applied, ms: Math.round(performance.now() - started) }, 'database migrated');
      }
      if (provider === 'sqlite') {
        // WAL (stored in the file) with synchronous=NORMAL: a commit costs no fsync (2.5 ms
        // instead of 18 ms per history record here); a power cut may lose the last commits but
        // never corrupts the file. Another process (db:migrate, a backup) can read meanwhile,
        // and a locked database is waited for (5 s), not an error. The pragmas hold because the
        // client keeps one connection (sqlite-adapter.ts).
        await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
        await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
        await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
      }
    } catch (err) {
      await db.$disconnect();
      throw err;
    }
    app.addHook('onClose', async () => {
      await db.$disconnect();
    });
    app.decorate('prisma', db);
    const writers = new Map<string, DatabaseWriterStats>();
    app.decorate('databaseWriters', writers);
    // The health plugin is there when the whole app runs; some tests assemble the app without it.
    if (app.hasDecorator('health')) {
      // Logged once per outage, not at every check.
      let down = false;
      app.health.register('database', async () => {
        const queues = Object.fromEntries([...writers].map(([name, s]) => [name, { queued: s.queued, failing: s.failing }]));
        try {
          await db.$queryRawUnsafe('SELECT 1');
        } catch (err) {
          if (!down) app.log.warn({ err }, 'database health check failed');
          down = true;
          return { status: 'down', provider, error: isDatabaseUnreachable(err) ? 'unreachable' : 'query failed', queues };
        }
        if (down) app.log.info('database answers again');
        down = false;
        // Answering again, but a writer has not caught up yet.
        const failing = [...writers.values()].some((s) => s.failing);
        return { status: failing ? 'degraded' : 'ok', provider, queues };
      });
    }
    app.log.info({ database: redactUrl(opts.url), provider }, 'database ready');
  },
  { name: 'prisma' },
);
