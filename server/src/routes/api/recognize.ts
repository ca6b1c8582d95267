/** POST /api/recognize: strokes (JSON) -> the recognized number. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RecognitionSchema, RecognizeRequestSchema, LIMITS } from '../../../../common/recognition.js';
import { errors } from '../../errors.js';
import { recognizeStrokes } from '../../recognition/recognizer.js';

const recognizeRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/recognize',
    {
      schema: {
        summary: 'Recognize the digits in ink',
        description: 'Strokes in canvas pixels -> the number they write, left to right, with per-digit probabilities.',
        tags: ['recognition'],
        body: RecognizeRequestSchema,
        response: { 200: RecognitionSchema },
      },
    },
    async (request) => {
      const { strokes } = request.body;
      let total = 0;
      for (const s of strokes) total += s.length;
      if (total > LIMITS.maxPointsTotal) {
        throw new errors.TooMuchInk(`at most ${LIMITS.maxPointsTotal} points in all (got ${total})`);
      }
      const recognition = await recognizeStrokes(app.inference, strokes);
      // Signed-in users' recognitions go to their history (queued; never delays or fails this answer).
      if (request.user && app.hasDecorator('history')) {
        const { width, height } = request.body;
        app.history.record({ userId: request.user.id, source: 'api', input: { strokes, width, height }, recognition, latencyMs: recognition.ms });
      }
      return recognition;
    },
  );
};

export default recognizeRoute;
