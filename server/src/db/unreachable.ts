/**
 * Tells "the database is unreachable right now" (worth waiting for, however long) from every
 * other failure (a bad record, a missing table: retrying cannot fix those). Writers keep the
 * first kind queued until the database answers again.
 */
import { Prisma } from './client.js';

/** Prisma's own codes for a database it cannot reach or that stopped answering. */
const PRISMA_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // reached, but timed out
  'P1008', // operations timed out (SQLite: database locked past busy_timeout)
  'P1011', // error opening a TLS connection
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
]);

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that mean the same. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);

/** Node's socket errors. */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
 * cannot connect now: a server stopping or starting), 53300 (too many connections).
 */
function pgTransient(code: string): boolean {
  return code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300';
}

/** node-postgres' own messages when the socket goes away (no code on these errors). */
const MESSAGES = /connection terminated|terminating connection|connection (?:was )?closed|timeout exceeded when trying to connect|connection timeout|server closed the connection|can't reach database server|socket hang up/i;

interface AdapterCause {
  kind?: string;
  code?: string | number;
  originalCode?: string;
}

function adapterCauseTransient(cause: AdapterCause | undefined): boolean {
  if (!cause?.kind) return false;
  if (ADAPTER_KINDS.has(cause.kind)) return true;
  if (cause.kind === 'postgres') return pgTransient(String(cause.originalCode ?? cause.code ?? ''));
  // SQLITE_BUSY (5), SQLITE_LOCKED (6): another process holds the file longer than busy_timeout.
  if (cause.kind === 'sqlite') return cause.code === 5 || cause.code === 6 || cause.originalCode === '5' || cause.originalCode === '6';
  return false;
}

/** True when `err` (or an error it wraps) says the database cannot be reached right now. */
export function isDatabaseUnreachable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof Prisma.PrismaClientInitializationError) return true;
    if (e instanceof Prisma.PrismaClientKnownRequestError) {
      if (PRISMA_CODES.has(e.code)) return true;
      // Raw queries report adapter errors as P2010 with the cause in meta.
      const meta = e.meta as { driverAdapterError?: { cause?: AdapterCause } } | undefined;
      if (adapterCauseTransient(meta?.driverAdapterError?.cause)) return true;
      // Any other known request error is about the query or the data.
      return false;
    }
    const { name, code, message } = e as { name?: string; code?: unknown; message?: unknown };
    if (name === 'DriverAdapterError' && adapterCauseTransient((e as { cause?: AdapterCause }).cause)) return true;
    if (typeof code === 'string' && (NODE_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && pgTransient(code)))) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
  }
  return false;
}
