/**
 * Opens the database a DATABASE_URL names: SQLite through libsql (embedded, no server) or
 * PostgreSQL through node-postgres. Both clients come from the same schema, so the rest of the
 * server sees one type, `Db`.
 */
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { providerOf, type Provider } from './provider.js';
import { sqliteAdapter } from './sqlite-adapter.js';

/**
 * The Prisma client for either provider. Typed as the SQLite client: the PostgreSQL one has the
 * same models and a superset of the query options (e.g. `mode: 'insensitive'`), so code written
 * against this type runs on both.
 */
export type Db = SqliteClient;
export { Prisma } from './generated/sqlite/client.js';
export type { RecognitionSource } from './generated/sqlite/enums.js';

export interface OpenDb {
  db: Db;
  provider: Provider;
}

/**
 * A client for `url`, not yet connected. The PostgreSQL client and node-postgres are imported
 * only for a postgres:// URL: the SQLite default does not pay for their memory.
 */
export async function createDb(url: string): Promise<OpenDb> {
  const provider = providerOf(url);
  if (provider === 'sqlite') {
    return { provider, db: new SqliteClient({ adapter: sqliteAdapter(url) }) };
  }
  const [{ PrismaPg }, { PrismaClient: PostgresClient }] = await Promise.all([
    import('@prisma/adapter-pg'),
    import('./generated/postgresql/client.js'),
  ]);
  const { connectionString, schema } = pgConnection(url);
  const config = { connectionString, ...(schema ? { options: searchPathOption(schema) } : {}) };
  const pg = new PostgresClient({ adapter: new PrismaPg(config, schema ? { schema } : undefined) });
  return { provider, db: pg as unknown as Db };
}

/** Raw queries are not qualified by the adapter: they find tables through the search_path. */
export function searchPathOption(schema: string): string {
  return `-c search_path="${schema.replaceAll('"', '""')}"`;
}

/**
 * node-postgres ignores Prisma's `?schema=` parameter: strip it and hand the schema to the
 * adapter (which qualifies table names with it).
 */
export function pgConnection(url: string): { connectionString: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}
