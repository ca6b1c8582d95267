/**
 * The libsql driver adapter with transactions on its one connection. @libsql/client hands each
 * transaction its connection and lazily opens a new one for what follows, leaving the old one
 * open until garbage collection: one file descriptor per write (1,000 writes held 1,000 open
 * files) and a fresh connection, without its pragmas, after each. libsql's adapter already lets
 * nothing else run during a transaction, so running it on the same connection, behind the same
 * kind of lock, changes nothing else.
 */
import { PrismaLibSql } from '@prisma/adapter-libsql';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from '@prisma/driver-adapter-utils';

/** A FIFO lock: resolves with the function that releases it. */
function createLock(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = tail.then(() => release);
    tail = tail.then(() => held);
    return acquired;
  };
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

export function oneConnection(inner: SqlDriverAdapter): SqlDriverAdapter {
  const lock = createLock();
  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await lock();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => locked(() => inner.queryRaw(query)),
    executeRaw: (query) => locked(() => inner.executeRaw(query)),
    executeScript: (script) => locked(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
    dispose: () => locked(() => inner.dispose()),
    async startTransaction(isolationLevel): Promise<Transaction> {
      if (isolationLevel && isolationLevel !== 'SERIALIZABLE') {
        throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
      }
      const release = await lock();
      try {
        await inner.executeRaw(statement('BEGIN'));
      } catch (err) {
        release();
        throw err;
      }
      let open = true;
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        // Prisma sends COMMIT / ROLLBACK itself (through executeRaw), then calls commit()/rollback().
        options: { usePhantomQuery: false },
        queryRaw: (query) => inner.queryRaw(query),
        executeRaw: (query) => inner.executeRaw(query),
        async commit() {
          if (open) {
            open = false;
            release();
          }
        },
        async rollback() {
          if (!open) return;
          open = false;
          try {
            // Usually already rolled back by Prisma; after a failed COMMIT it may not be, and the
            // shared connection must not stay inside a transaction.
            await inner.executeRaw(statement('ROLLBACK'));
          } catch {
            // "no transaction is active": nothing to undo.
          } finally {
            release();
          }
        },
        createSavepoint: async (name) => void (await inner.executeRaw(statement(`SAVEPOINT ${name}`))),
        rollbackToSavepoint: async (name) => void (await inner.executeRaw(statement(`ROLLBACK TO ${name}`))),
        releaseSavepoint: async (name) => void (await inner.executeRaw(statement(`RELEASE SAVEPOINT ${name}`))),
      };
    },
  };
}

/** The SQLite adapter factory the app's client uses. */
export function sqliteAdapter(url: string): SqlDriverAdapterFactory {
  const base = new PrismaLibSql({ url });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => oneConnection(await base.connect()),
  };
}
