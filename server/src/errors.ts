/** Every HTTP error the API returns on purpose, each with a stable code. */
import createError from '@fastify/error';

export const errors = {
  ModelNotReady: createError('model_not_ready', 'The model is still loading', 503),
  UnsupportedMediaType: createError('unsupported_media_type', '%s', 415),
  InvalidRequest: createError('invalid_request', '%s', 400),
  TooMuchInk: createError('too_much_ink', '%s', 400),
};
