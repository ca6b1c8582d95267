/** POST /api/recognize: ink (JSON strokes) or an image (PNG/JPEG/WebP, raw or multipart) -> the number. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RecognitionSchema, RecognizeRequestSchema, LIMITS, type RecognizeRequest } from '../../../../common/recognition.js';
import { errors } from '../../errors.js';
import { minExtentFor } from '../../../../common/ink-reading.js';
import { recognizePage } from '../../recognition/recognizer.js';
import { imageUploads, recognizeUpload } from './recognize-image.js';
import { perAddressLimit } from '../per-address-limit.js';

export interface RecognizeRouteOptions {
  /** Requests per client address per minute; 0: no limit. */
  perMinute?: number;
}

const recognizeRoute: FastifyPluginAsyncTypebox<RecognizeRouteOptions> = async (app, opts) => {
  await app.register(imageUploads);
  // Recognition costs CPU: one address cannot take the node's whole budget.
  const limited = await perAddressLimit(app, 'requests', { max: opts.perMinute ?? 0, timeWindow: '1 minute' });
  app.post(
    '/api/recognize',
    {
      config: limited,
      schema: {
        summary: 'Recognize the digits in ink or in an image',
        description:
          'application/json: strokes in canvas pixels. image/png, image/jpeg, image/webp (raw body) or multipart/form-data ' +
          '(field `image`): a photo or scan. Answers the number read left to right, with per-digit probabilities and boxes. ' +
          'Ink and images may also hold arithmetic: `text` then has its operators ("12+30="), and `math` lists what was evaluated: an ' +
          'expression written up to its "=", or a column of numbers with a rule drawn under it (then `text` has the numbers top to ' +
          'bottom, one per line, and `math` their sum unless it cannot be read with confidence). `math` is [] when nothing was ' +
          'evaluated; digits alone answer as before.',
        tags: ['recognition'],
        // Only JSON is validated against the ink schema; image bodies are checked by recognizeUpload.
        body: { content: { 'application/json': { schema: RecognizeRequestSchema } } },
        response: { 200: RecognitionSchema },
      },
    },
    async (request) => {
      const user = request.user;
      // Signed-in users' recognitions go to their history (queued; never delays or fails this answer).
      const upload = await recognizeUpload(app.inference, request);
      if (upload) {
        if (user) app.history.record({ userId: user.id, source: 'upload', input: { image: upload.image }, recognition: upload.recognition, latencyMs: upload.recognition.ms });
        return upload.recognition;
      }
      const { strokes, width, height } = request.body as RecognizeRequest;
      let total = 0;
      for (const s of strokes) total += s.length;
      if (total > LIMITS.maxPointsTotal) {
        throw new errors.TooMuchInk(`at most ${LIMITS.maxPointsTotal} points in all (got ${total})`);
      }
      const recognition = await recognizePage(app.inference, strokes, { minExtent: minExtentFor(width, height) });
      if (user) app.history.record({ userId: user.id, source: 'api', input: { strokes, width, height }, recognition, latencyMs: recognition.ms });
      return recognition;
    },
  );
};

export default recognizeRoute;
