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
      return recognizeStrokes(app.inference, strokes);
    },
  );
};

export default recognizeRoute;
