/** GET /api/health: ok once the model is loaded (the app does not finish booting before). */
import type { FastifyPluginAsync } from 'fastify';

const healthRoute: FastifyPluginAsync = async (app) => {
  app.get('/api/health', async () => ({
    status: 'ok',
    model: app.inference.manifest.version,
    uptimeSeconds: Math.round(process.uptime()),
    inference: app.inference.stats,
  }));
};

export default healthRoute;
