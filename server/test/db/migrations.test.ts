import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { applyMigrations, diffSchema, pendingMigrations, readMigrations } from '../../src/db/migrations.js';
import { derivedSchema, migrationsDir, SCHEMA_PATH } from '../../src/db/provider.js';
import prismaPlugin from '../../src/plugins/prisma.js';
import { adminQuery, freshDatabase, postgresAdminUrl, PROVIDERS, stopOwnCluster, type TestDatabase } from './helper.js';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const db of dbs) await db.drop();
  await stopOwnCluster();
});
async function fresh(provider: (typeof PROVIDERS)[number]) {
  const db = await freshDatabase(provider);
  dbs.push(db);
  return db;
}

const TABLES = ['account_tokens', 'board_records', 'board_writers', 'health_probes', 'recognitions', 'recognized_digits', 'sessions', 'users'];

describe.each(PROVIDERS)('migrations on %s', (provider) => {
  it('apply to an empty database, then are idempotent and keep the data', async () => {
    const { url } = await fresh(provider);
    const onDisk = (await readMigrations(provider)).migrationDirectories.map((d) => d.path);
    expect(onDisk.length).toBeGreaterThan(0);

    expect(await applyMigrations(url)).toEqual(onDisk);
    const { db } = await createDb(url);
    try {
      const tables =
        provider === 'sqlite'
          ? await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name")
          : await db.$queryRawUnsafe<{ name: string }[]>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '\\_%' ORDER BY table_name");
      expect(tables.map((t) => t.name)).toEqual(TABLES);
      await db.user.create({ data: { email: 'keep@example.com', passwordHash: 'x' } });
      expect(await pendingMigrations(db, provider)).toEqual([]);
    } finally {
      await db.$disconnect();
    }

    expect(await applyMigrations(url)).toEqual([]);
    expect(await applyMigrations(url)).toEqual([]);
    const again = (await createDb(url)).db;
    try {
      expect(await again.user.count()).toBe(1);
    } finally {
      await again.$disconnect();
    }
  });

  it('match prisma/schema.prisma (a schema change without `npm run db:diff` fails here)', async () => {
    const url = provider === 'sqlite' ? (await fresh('sqlite')).url : await postgresAdminUrl();
    expect(await diffSchema(url)).toBeNull();
    if (provider === 'postgresql') {
      // The shadow database the engine replayed the migrations on is gone again.
      const left = await adminQuery(url, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'");
      expect(left).toEqual([]);
    }
  });

  it('the lockfile names the provider', () => {
    expect(readFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), 'utf8')).toContain(`provider = "${provider}"`);
  });

  it('prisma plugin: migrates the embedded SQLite itself; refuses a PostgreSQL that is behind', async () => {
    const fresh_ = await fresh(provider);
    // SQLite: in a folder that does not exist yet, as data/ in a fresh checkout.
    const url = provider === 'sqlite' ? fresh_.url.replace(/test\.db$/, 'new/folder/test.db') : fresh_.url;
    const app = Fastify({ logger: false });
    if (provider === 'sqlite') {
      await app.register(prismaPlugin, { url });
      await app.ready();
      expect(await app.prisma.user.count()).toBe(0);
      await app.close();
      // The file is not left locked: another client can write right away.
      const other = (await createDb(url)).db;
      await other.user.create({ data: { email: 'after@example.com', passwordHash: 'x' } });
      await other.$disconnect();
    } else {
      await expect(app.register(prismaPlugin, { url }).then(() => app.ready())).rejects.toThrow(/unapplied migration.*npm run db:migrate/);
      await applyMigrations(url);
      const ok = Fastify({ logger: false });
      await ok.register(prismaPlugin, { url });
      await ok.ready();
      expect(await ok.prisma.user.count()).toBe(0);
      await ok.close();
    }
  });
});

describe('the PostgreSQL schema', () => {
  it('is the SQLite one with only the provider and the client folder changed', () => {
    const source = readFileSync(SCHEMA_PATH, 'utf8');
    const pg = derivedSchema(source, 'postgresql');
    expect(pg).toContain('provider = "postgresql"');
    expect(pg).toContain('output              = "./postgresql"');
    const strip = (s: string) => s.replace(/provider = "(sqlite|postgresql)"/, '').replace(/output\s*=\s*"[^"]*"/, '');
    expect(strip(pg)).toBe(strip(source));
    expect(() => derivedSchema('datasource db { provider = "mysql" }', 'postgresql')).toThrow();
  });

  it('honours ?schema= (objects land in that schema, not public)', async () => {
    const { url } = await fresh('postgresql');
    const withSchema = `${url}?schema=digitboard`;
    expect((await applyMigrations(withSchema)).length).toBeGreaterThan(0);
    const rows = await adminQuery(url, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'users'");
    expect(rows.map((r) => r.table_schema)).toEqual(['digitboard']);
    const { db } = await createDb(withSchema);
    try {
      await db.user.create({ data: { email: 'schema@example.com', passwordHash: 'x' } });
      expect(await db.user.count()).toBe(1);
      expect(await pendingMigrations(db, 'postgresql')).toEqual([]);
    } finally {
      await db.$disconnect();
    }
  });
});
