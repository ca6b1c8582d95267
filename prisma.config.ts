/**
 * Prisma CLI configuration (`prisma generate`, `validate`, `format`, Studio). Migrations do not go
 * through the CLI here: it needs a native schema engine downloaded from Prisma's host, so
 * `npm run db:migrate` / `db:diff` drive Prisma's wasm schema engine instead (server/src/db/).
 */
import { defineConfig } from 'prisma/config';

// The CLI refuses to start without a schema-engine binary, even for `generate`, which never runs
// it. Any existing file satisfies the check; a real binary, when present, still wins.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ||= '/bin/false';

const url = process.env.DATABASE_URL || 'file:./data/digitboard.db';
const postgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  // The PostgreSQL schema is derived from prisma/schema.prisma by scripts/db-generate.ts.
  schema: postgres ? 'server/src/db/generated/schema.postgresql.prisma' : 'prisma/schema.prisma',
  migrations: { path: postgres ? 'prisma/migrations/postgresql' : 'prisma/migrations/sqlite' },
  datasource: { url },
});
