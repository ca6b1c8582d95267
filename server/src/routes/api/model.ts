/** GET /api/model (the manifest) and GET /api/model.onnx (the exact committed bytes). */
import type { FastifyPluginAsync } from 'fastify';

const modelRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/model', async () => app.inference.manifest);

  app.get('/api/model.onnx', async (request, reply) => {
    const { bytes, manifest } = app.inference;
    const etag = `"${manifest.sha256}"`;
    void reply.header('etag', etag).header('cache-control', 'public, max-age=0, must-revalidate');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="digitboard-${manifest.version}.onnx"`)
      .send(bytes);
  });
};

export default modelRoutes;
