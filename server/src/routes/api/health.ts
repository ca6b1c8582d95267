/**
 * GET /api/health: the node serves once the model is loaded (the app does not finish booting
 * before). `checks` has one entry per service that registered a check with app.health (database,
 * Redis, ...); the status is "degraded" while any of them is not ok, with `reason` saying which
 * and why. Always 200: a degraded node still recognizes and serves boards, so a load balancer
 * should keep sending it traffic.
 *
 * The 'writes' check registered here tries real writes (a file in the boards' directory, a row in
 * the database): a node whose disk or database turned read-only answers reads and recognizes as
 * before, so only a write tells. Each probe runs at most every PROBE_EVERY_MS.
 */
import type { FastifyPluginAsync } from 'fastify';
import { hostname } from 'node:os';
import { probeDirectory, type HealthCheck } from '../../plugins/health.js';

export interface HealthRouteOptions {
  /** Where boards are written (DATA_DIR/rooms with the SQLite default); none: not probed. */
  dataDir?: string;
  /** The row this node rewrites in health_probes. */
  nodeId?: string;
}

const PROBE_EVERY_MS = 5_000;

/**
 * A probe's success, shared by every request until it is PROBE_EVERY_MS old. A failure is tried
 * again at the next report (the health plugin's own cache spaces those), so recovery shows at once.
 */
function cached(probe: () => Promise<string | null>): () => Promise<string | null> {
  let last: { at: number; result: Promise<string | null> } | undefined;
  return () => {
    const now = performance.now();
    if (!last || now - last.at >= PROBE_EVERY_MS) {
      const entry = { at: now, result: probe() };
      last = entry;
      void entry.result.then((failure) => {
        if (failure !== null && last === entry) last = undefined;
      });
    }
    return last.result;
  };
}

const healthRoute: FastifyPluginAsync<HealthRouteOptions> = async (app, opts) => {
  const node = opts.nodeId ?? `${hostname()}-${process.pid}`;
  const probeDir = opts.dataDir ? cached(() => probeDirectory(opts.dataDir!)) : null;
  const probeDb = app.hasDecorator('prisma')
    ? cached(async (): Promise<string | null> => {
        try {
          const writtenAt = new Date();
          await app.prisma.healthProbe.upsert({ where: { node }, create: { node, writtenAt }, update: { writtenAt } });
          return null;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      })
    : null;
  let failing = '';
  app.health.register('writes', async (): Promise<HealthCheck> => {
    const [dir, db] = await Promise.all([probeDir?.() ?? null, probeDb?.() ?? null]);
    const reasons = [dir && 'the data directory is not writable', db && 'the database refuses writes'].filter((r): r is string => !!r);
    // The paths and driver messages go to the log (once per change), not to the public answer.
    const now = [dir, db].filter(Boolean).join('; ');
    if (now !== failing) {
      if (now) app.log.error({ dataDir: dir, database: db }, 'writes fail: health is degraded');
      else app.log.info('writes succeed again');
      failing = now;
    }
    return {
      status: reasons.length ? 'down' : 'ok',
      ...(probeDir ? { dataDir: dir ? 'not writable' : 'ok' } : {}),
      database: db ? 'not writable' : 'ok',
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    };
  });

  app.get('/api/health', async () => {
    const { status, checks } = await app.health.report();
    const reasons = Object.entries(checks)
      .filter(([, check]) => check.status !== 'ok')
      .map(([name, check]) => `${name}: ${check.reason ?? (typeof check.error === 'string' ? check.error : check.status)}`);
    return {
      status,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
      model: app.inference.manifest.version,
      uptimeSeconds: Math.round(process.uptime()),
      inference: app.inference.stats,
      checks,
    };
  });
};

export default healthRoute;
