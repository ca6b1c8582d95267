/**
 * Prisma's own schema engine (the wasm build) driven through a driver adapter: the CLI's native
 * engine cannot be downloaded here, and Prisma 7's CLI cannot use the wasm one. All SQL still
 * comes from Prisma's engine. The adapters below work around the quirks listed in
 * shared/notes/prisma-offline.md (numbered "pitfall N" where they bite).
 */
import { PrismaLibSql } from '@prisma/adapter-libsql';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type pg from 'pg';
import { pgConnection, searchPathOption } from './client.js';
import { providerOf } from './provider.js';

export type { SchemaEngine };

let loaded: Promise<typeof glue.SchemaEngine> | undefined;

/**
 * Instantiates the wasm module once per process. Importing the package root fails on Node 20
 * (it imports a .wasm file), so the JS glue is wired to the module by hand.
 *
 * The instance is kept: it cannot be released anyway. engine.free() frees the engine, but one
 * closure of wasm-bindgen's glue stays registered in the glue's FinalizationRegistry, whose held
 * value (the closure's destructor, a wasm function) keeps the instance alive, and the instance's
 * externref table keeps the closure alive. Only a process that ran a migration pays that memory
 * (a server whose database is up to date never loads this module); a worker thread that exits
 * after migrating does not give it back either.
 */
function loadEngine(): Promise<typeof glue.SchemaEngine> {
  loaded ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const imports: Record<string, unknown> = { ...glue };
    // Pitfall 5: the engine arms timers (10 s) that would keep a CLI process alive after its work.
    for (const [name, fn] of Object.entries(glue)) {
      if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
        imports[name] = (...args: unknown[]) => {
          const timer = (fn as (...a: unknown[]) => unknown)(...args);
          (timer as NodeJS.Timeout | undefined)?.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return loaded;
}

/**
 * Adapters the engine opened, closed by us after `free()`, which does not close them (pitfall 2).
 * The engine disposes some itself (shadow databases): dispose runs once per adapter.
 */
class AdapterTracker {
  private readonly open = new Set<() => Promise<void>>();

  track(adapter: SqlDriverAdapter, dispose: () => Promise<void> = () => adapter.dispose()): SqlDriverAdapter {
    let done: Promise<void> | undefined;
    const once = () => (done ??= dispose());
    this.open.add(once);
    return withOverride(adapter, 'dispose', once);
  }

  async disposeAll(): Promise<void> {
    const pending = [...this.open];
    this.open.clear();
    for (const dispose of pending) await dispose();
  }
}

/** `adapter` with one method replaced; everything else still reaches the original object. */
function withOverride<K extends keyof SqlDriverAdapter>(adapter: SqlDriverAdapter, key: K, value: SqlDriverAdapter[K]): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === key) return value;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * Pitfall 1: when it replays migrations on a shadow database the engine sends a whole
 * multi-statement script through executeRaw, and libsql then runs only the first statement.
 */
function scriptsThroughExecuteScript(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return withOverride(adapter, 'executeRaw', async (query) => {
    if (query.args.length > 0) return adapter.executeRaw(query);
    await adapter.executeScript(query.sql);
    return 0;
  });
}

function sqliteFactory(url: string, tracker: AdapterTracker): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaLibSql({ url });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => tracker.track(await base.connect()),
    connectToShadowDb: async () => tracker.track(scriptsThroughExecuteScript(await base.connectToShadowDb())),
  };
}

/**
 * Pitfall 3: introspection reads pg_catalog columns of type "char" (OID 18), which the pg adapter
 * cannot map. They are single characters: report them as text (OID 25). Migration connections only.
 * Built from the pg module that the caller imported (pg is loaded only for PostgreSQL).
 */
function charAsTextClient(base: typeof pg.Client): typeof pg.Client {
  return class CharAsTextClient extends base {
    override query(...args: unknown[]): any {
      const fix = (res: pg.QueryResult | undefined) => {
        for (const field of res?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
        return res;
      };
      // pg.Pool calls query(text, values, callback); the promise form has no callback.
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last] as (err: Error | undefined, res?: pg.QueryResult) => void;
        args[last] = (err: Error | undefined, res?: pg.QueryResult) => callback(err, fix(res));
      }
      const result: unknown = (super.query as (...a: unknown[]) => unknown)(...args);
      return result instanceof Promise ? result.then(fix) : result;
    }
  };
}

function pgConfig(url: string, Client: typeof pg.Client): pg.PoolConfig {
  const { connectionString, schema } = pgConnection(url);
  return {
    connectionString,
    Client,
    max: 2,
    // Pitfall 6: without a search_path, objects would land in `public` whatever ?schema= says.
    ...(schema ? { options: searchPathOption(schema) } : {}),
  };
}

async function postgresFactory(url: string, tracker: AdapterTracker): Promise<SqlMigrationAwareDriverAdapterFactory> {
  // Imported here, not at the top: a SQLite server never loads node-postgres.
  const [{ PrismaPg }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('pg')]);
  const config = pgConfig(url, charAsTextClient(pg.Client));
  const { schema } = pgConnection(url);
  const base = new PrismaPg(config, schema ? { schema } : undefined);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => tracker.track(await base.connect()),
    // Pitfall 4: the adapter's own shadow database is dropped before its pool closes (so the
    // drop fails and shadow databases pile up). Create, connect, and on dispose close, then drop.
    connectToShadowDb: async () => {
      const name = `prisma_shadow_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: config.connectionString });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        await admin.end();
        throw err;
      }
      // The URL's path names the database; pg lets a connection string win over `database`.
      const shadowUrl = new URL(config.connectionString!);
      shadowUrl.pathname = `/${name}`;
      const adapter = await new PrismaPg({ ...config, connectionString: shadowUrl.toString() }).connect();
      const dispose = async () => {
        try {
          await adapter.dispose();
          await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        } finally {
          await admin.end();
        }
      };
      return tracker.track(adapter, dispose);
    },
  };
}

/**
 * Runs `fn` with a schema engine connected to `url`, then frees the engine and closes every
 * connection it opened (SQLite would otherwise stay locked: pitfall 2).
 */
export async function withSchemaEngine<T>(url: string, fn: (engine: SchemaEngine) => Promise<T>, log?: (line: string) => void): Promise<T> {
  const Engine = await loadEngine();
  const tracker = new AdapterTracker();
  const factory = providerOf(url) === 'sqlite' ? sqliteFactory(url, tracker) : await postgresFactory(url, tracker);
  let engine: SchemaEngine | undefined;
  try {
    engine = await Engine.new({ datamodels: undefined }, (line: string) => log?.(line), bindMigrationAwareSqlAdapterFactory(factory));
    return await fn(engine);
  } finally {
    engine?.free();
    await tracker.disposeAll();
  }
}
