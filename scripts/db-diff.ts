/**
 * `npm run db:diff -- --name <snake_case>`: creates a migration for each provider from the
 * difference between its migrations and prisma/schema.prisma, with Prisma's wasm schema engine
 * (SQL is never hand-written). The SQLite diff replays the migrations in memory; the PostgreSQL
 * one on a shadow database of a throwaway local cluster (or of DIFF_POSTGRES_URL, if set).
 * `--check` writes nothing and exits 1 when the schema has changes no migration covers.
 */
import { parseArgs } from 'node:util';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffSchema, migrationTimestamp, writeMigration } from '../server/src/db/migrations.js';
import type { Provider } from '../server/src/db/provider.js';
import { startPgCluster, type PgCluster } from './db-pg-cluster.js';

const { values } = parseArgs({ options: { name: { type: 'string' }, check: { type: 'boolean', default: false } } });
if (!values.check && !values.name) {
  console.error('usage: npm run db:diff -- --name <snake_case_name>   (or -- --check)');
  process.exit(2);
}

const timestamp = migrationTimestamp();
const scratch = mkdtempSync(path.join(tmpdir(), 'digitboard-diff-'));
let cluster: PgCluster | undefined;
let changed = false;
try {
  for (const provider of ['sqlite', 'postgresql'] satisfies Provider[]) {
    let url: string;
    if (provider === 'sqlite') {
      url = `file:${path.join(scratch, 'diff.db')}`;
    } else {
      url = process.env.DIFF_POSTGRES_URL ?? (cluster ??= await startPgCluster()).url;
    }
    const sql = await diffSchema(url);
    if (sql === null) {
      console.log(`${provider}: the migrations already match the schema`);
      continue;
    }
    changed = true;
    if (values.check) {
      console.log(`${provider}: the schema has changes that no migration covers:\n${sql}`);
    } else {
      console.log(`${provider}: wrote ${await writeMigration(provider, values.name!, sql, timestamp)}`);
    }
  }
} finally {
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
if (values.check && changed) process.exitCode = 1;
