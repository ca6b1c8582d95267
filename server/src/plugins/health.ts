/**
 * Health checks as a Fastify service, `app.health`: each service (database, Redis, ...)
 * registers a named check, and GET /api/health reports them all. A node whose dependency is down
 * still serves what it can (live recognition needs neither), so a failing check makes the node
 * "degraded", never unhealthy by itself.
 *
 * Checks run in parallel, each with a time limit, and a result is reused for a short while: a
 * flood of health requests costs one database round trip per second, not one per request.
 */
import fp from 'fastify-plugin';
import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file is in the way of the directory',
  ENOENT: 'a part of the path does not exist',
};

/**
 * Can files be created and written in `dir` (made if missing)? A real write: a small file is
 * created, written, synced and removed, as the board store will do. Null when it can, else why:
 * the absolute path, the errno code and what it means ("... is not writable: EACCES, permission denied").
 */
export async function probeDirectory(dir: string): Promise<string | null> {
  const absolute = path.resolve(dir);
  const file = path.join(absolute, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(absolute, { recursive: true });
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile('probe');
      await handle.sync();
    } finally {
      await handle.close();
      await unlink(file).catch(() => {});
    }
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code ? `${code}, ${WHY[code] ?? (err as Error).message}` : String(err);
    return `${absolute} is not writable: ${why}`;
  }
}

export interface HealthCheck {
  status: 'ok' | 'down' | 'degraded';
  /** Why it is not ok, in words (no hosts, ports or paths: health is public). */
  reason?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  /** 'ok' when every check is ok. */
  status: 'ok' | 'degraded';
  checks: Record<string, HealthCheck>;
}

export interface Health {
  /** Adds a check; a name is registered once. */
  register(name: string, check: () => HealthCheck | Promise<HealthCheck>): void;
  /** Runs every check (or returns the result of a run less than cacheMs old). */
  report(): Promise<HealthReport>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

export interface HealthOptions {
  /** A check that has not answered by then is "down". Default 1 s. */
  timeoutMs?: number;
  /** How long a report is reused. Default 1 s. */
  cacheMs?: number;
}

export default fp<HealthOptions>(
  async (app, opts) => {
    const timeoutMs = opts.timeoutMs ?? 1_000;
    const cacheMs = opts.cacheMs ?? 1_000;
    const checks = new Map<string, () => HealthCheck | Promise<HealthCheck>>();
    let cached: { at: number; report: Promise<HealthReport> } | undefined;

    async function runOne(name: string, check: () => HealthCheck | Promise<HealthCheck>): Promise<HealthCheck> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<HealthCheck>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'down', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      try {
        return await Promise.race([Promise.resolve().then(check), timeout]);
      } catch (err) {
        // The message stays in the log: health is public, error texts name hosts and ports.
        app.log.warn({ err, check: name }, 'health check failed');
        return { status: 'down', error: 'check failed' };
      } finally {
        clearTimeout(timer);
      }
    }

    async function run(): Promise<HealthReport> {
      const results = await Promise.all([...checks].map(async ([name, check]) => [name, await runOne(name, check)] as const));
      const all = Object.fromEntries(results);
      return { status: results.every(([, r]) => r.status === 'ok') ? 'ok' : 'degraded', checks: all };
    }

    const health: Health = {
      register(name, check) {
        if (checks.has(name)) throw new Error(`health check ${name} is already registered`);
        checks.set(name, check);
        cached = undefined;
      },
      report() {
        const now = performance.now();
        // Concurrent requests share the run in progress, not only a finished one.
        if (!cached || now - cached.at >= cacheMs) cached = { at: now, report: run() };
        return cached.report;
      },
    };
    app.decorate('health', health);
  },
  { name: 'health' },
);
