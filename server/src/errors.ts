/** Every HTTP error the API returns on purpose, each with a stable code. */
import createError from '@fastify/error';

export const errors = {
  ModelNotReady: createError('model_not_ready', 'The model is still loading', 503),
  UnsupportedMediaType: createError('unsupported_media_type', '%s', 415),
  InvalidRequest: createError('invalid_request', '%s', 400),
  TooMuchInk: createError('too_much_ink', '%s', 400),
  // Image uploads (POST /api/recognize with an image body).
  UnsupportedImage: createError('unsupported_image', '%s', 415),
  CorruptImage: createError('corrupt_image', '%s', 400),
  ImageTooLarge: createError('image_too_large', '%s', 413),
  TooManyDigits: createError('too_many_digits', '%s', 422),
  BodyTooLarge: createError('body_too_large', '%s', 413),
  /** A multipart upload with more than one file: one image per request. */
  TooManyFiles: createError('too_many_files', '%s', 400),
  RateLimited: createError('rate_limited', 'Too many requests; retry in %s', 429),
  // Recognition history.
  NotFound: createError('not_found', 'No such recognition', 404),
  InvalidCursor: createError('invalid_cursor', 'The cursor is not one this server gave out', 400),
};
