/**
 * GET /api/health: the node serves once the model is loaded (the app does not finish booting
 * before). `checks` has one entry per service that registered a check with app.health (database,
 * Redis, ...); the status is "degraded" while any of them is not ok. Always 200: a degraded node
 * still recognizes and serves boards, so a load balancer should keep sending it traffic.
 */
import type { FastifyPluginAsync } from 'fastify';

const healthRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/health', async () => {
    const { status, checks } = await app.health.report();
    return {
      status,
      model: app.inference.manifest.version,
      uptimeSeconds: Math.round(process.uptime()),
      inference: app.inference.stats,
      checks,
    };
  });
};

export default healthRoute;
