/**
 * The database as a Fastify service: `app.prisma`, a Prisma client for the SQLite file or the
 * PostgreSQL server that DATABASE_URL names. The embedded SQLite default migrates itself at start;
 * PostgreSQL is migrated by its operator (`npm run db:migrate`) and the server refuses to start
 * on a database that is behind its migrations.
 */
import fp from 'fastify-plugin';
import { createDb, type Db } from '../db/client.js';
import { applyMigrations, ensureSqliteDir, pendingMigrations } from '../db/migrations.js';
import { providerOf, redactUrl } from '../db/provider.js';

declare module 'fastify' {
  interface FastifyInstance {
    prisma: Db;
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
    const { db, provider } = createDb(opts.url);
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
    app.log.info({ database: redactUrl(opts.url), provider }, 'database ready');
  },
  { name: 'prisma' },
);
