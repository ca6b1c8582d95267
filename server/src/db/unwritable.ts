/**
 * Tells "the database cannot store anything right now" (read-only file, mount or server, full
 * disk, I/O failure, or unreachable) from a failure of the query or the data. Routes answer the
 * first with a 503 that says so; the second stays a 500 (a bug, logged).
 */
import { Prisma } from './client.js';
import { isDatabaseUnreachable } from './unreachable.js';

/**
 * SQLite result codes (primary code: the low byte of an extended one): SQLITE_IOERR 10,
 * SQLITE_READONLY 8, SQLITE_FULL 13, SQLITE_CANTOPEN 14.
 */
const SQLITE_CODES = new Set([8, 10, 13, 14]);

/**
 * PostgreSQL SQLSTATEs: 25006 read_only_sql_transaction (a hot standby, or
 * default_transaction_read_only), class 53 insufficient resources (disk full, out of memory),
 * 58030 io_error.
 */
const pgUnwritable = (code: string) => code === '25006' || code.startsWith('53') || code === '58030';

/** libsql's words when it has no code to give (e.g. "attempt to write a readonly database"). */
const MESSAGES = /readonly database|read-only|database or disk is full|disk I\/O error|unable to open database/i;

interface AdapterCause {
  kind?: string;
  code?: string | number;
  originalCode?: string;
  originalMessage?: string;
}

function causeUnwritable(cause: AdapterCause | undefined): boolean {
  if (!cause?.kind) return false;
  if (cause.kind === 'postgres') return pgUnwritable(String(cause.originalCode ?? cause.code ?? ''));
  if (cause.kind === 'sqlite') {
    const code = Number(cause.originalCode ?? cause.code);
    return (Number.isInteger(code) && SQLITE_CODES.has(code & 0xff)) || MESSAGES.test(cause.originalMessage ?? '');
  }
  return false;
}

/** True when `err` (or an error it wraps) says the database cannot take writes now. */
export function isStorageUnavailable(err: unknown): boolean {
  if (isDatabaseUnreachable(err)) return true;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof Prisma.PrismaClientKnownRequestError) {
      const meta = e.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
      if (causeUnwritable(meta?.driverAdapterError?.cause)) return true;
    }
    if ((e as { name?: string }).name === 'DriverAdapterError' && causeUnwritable((e as { cause?: AdapterCause }).cause)) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && pgUnwritable(code)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
  }
  return false;
}
