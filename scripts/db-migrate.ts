/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (SQLite default or
 * PostgreSQL) with Prisma's wasm schema engine, like `prisma migrate deploy`. Idempotent.
 * The server applies them by itself on start for the embedded SQLite default only.
 */
import { loadConfig } from '../server/src/config.js';
import { applyMigrations } from '../server/src/db/migrations.js';
import { redactUrl } from '../server/src/db/provider.js';

const { DATABASE_URL: url } = loadConfig();
const started = performance.now();
try {
  const applied = await applyMigrations(url);
  const ms = Math.round(performance.now() - started);
  console.log(applied.length === 0 ? `${redactUrl(url)}: up to date (${ms} ms)` : `${redactUrl(url)}: applied ${applied.join(', ')} (${ms} ms)`);
} catch (err) {
  console.error(`migration failed on ${redactUrl(url)}:`, err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
