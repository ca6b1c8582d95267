/**
 * `npm run db:generate` (also postinstall): writes the PostgreSQL schema derived from
 * prisma/schema.prisma, then generates one Prisma client per provider into
 * server/src/db/generated/ (not committed). A generated client only talks to its own provider.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../server/src/config.js';
import { derivedSchema, GENERATED_DIR, SCHEMA_PATH, schemaPath, type Provider } from '../server/src/db/provider.js';

const cli = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
const source = readFileSync(SCHEMA_PATH, 'utf8');
mkdirSync(GENERATED_DIR, { recursive: true });
for (const provider of ['sqlite', 'postgresql'] satisfies Provider[]) {
  const file = schemaPath(provider);
  if (file !== SCHEMA_PATH) writeFileSync(file, derivedSchema(source, provider));
  const started = performance.now();
  execFileSync(process.execPath, [cli, 'generate', '--schema', path.relative(ROOT, file)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`prisma client (${provider}) generated in ${Math.round(performance.now() - started)} ms`);
}
