/**
 * Which database a DATABASE_URL names, and where that provider's schema and migrations live.
 * One schema (prisma/schema.prisma, SQLite) is the source of truth; the PostgreSQL variant is
 * derived from it (see derivedSchema) so the two can never drift apart.
 */
import path from 'node:path';
import { ROOT } from '../config.js';

export type Provider = 'sqlite' | 'postgresql';

export const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
export const GENERATED_DIR = path.join(ROOT, 'server', 'src', 'db', 'generated');

/** `file:` is the embedded SQLite default; postgres:// and postgresql:// select PostgreSQL. */
export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (got ${redactUrl(url)})`);
}

/** Each provider has its own migration history: their SQL differs. */
export function migrationsDir(provider: Provider): string {
  return path.join(ROOT, 'prisma', 'migrations', provider);
}

/** Where the schema file for `provider` is (the derived one is written by scripts/db-generate.ts). */
export function schemaPath(provider: Provider): string {
  return provider === 'sqlite' ? SCHEMA_PATH : path.join(GENERATED_DIR, 'schema.postgresql.prisma');
}

/**
 * The schema for `provider`, from the SQLite source: the datasource provider and the client's
 * output folder change, nothing else. Throws if the source no longer has the expected shape.
 */
export function derivedSchema(source: string, provider: Provider): string {
  if (provider === 'sqlite') return source;
  let replaced = 0;
  const out = source
    .replace(/(datasource\s+db\s*\{[^}]*provider\s*=\s*)"sqlite"/, (_m, head: string) => {
      replaced++;
      return `${head}"postgresql"`;
    })
    .replace(/(output\s*=\s*)"[^"]*\/generated\/sqlite"/, (_m, head: string) => {
      replaced++;
      // Relative to the derived file, which sits in GENERATED_DIR.
      return `${head}"./postgresql"`;
    });
  if (replaced !== 2) throw new Error('prisma/schema.prisma: expected a sqlite datasource and an output ending in /generated/sqlite');
  return out;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
