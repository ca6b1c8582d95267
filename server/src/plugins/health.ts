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

export interface HealthCheck {
  status: 'ok' | 'down' | 'degraded';
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
