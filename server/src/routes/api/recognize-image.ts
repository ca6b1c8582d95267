/**
 * Image uploads for POST /api/recognize: body parsers for a raw PNG, JPEG or WebP body and for
 * multipart/form-data with the file in the field `image`, and the step from such a request to a
 * Recognition. The route (recognize.ts) registers `imageUploads` inside its own plugin, so the
 * parsers exist for that route only, and answers with `recognizeUpload` before reading ink.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Recognition } from '../../../../common/recognition.js';
import { errors } from '../../errors.js';
import type { Inference } from '../../plugins/inference.js';
import { ImageError, recognizeImage, type ImageErrorCode } from '../../recognition/image.js';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
/** Largest upload, raw or multipart: a 12 Mpx phone JPEG is 3-6 MB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const IMAGE_FIELD = 'image';

/** Body parsers for image uploads, on the context that registers this plugin (fastify-plugin: not encapsulated). */
export const imageUploads = fp(
  async (app) => {
    // The body stays bytes: the format is sniffed from them, never taken from the header.
    app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
    // busboy does not apply Fastify's bodyLimit: every dimension of the form is limited here.
    await app.register(multipart, {
      limits: { files: 1, fileSize: MAX_UPLOAD_BYTES, fields: 4, fieldSize: 1024, fieldNameSize: 100, parts: 6, headerPairs: 32 },
    });
  },
  { name: 'image-uploads' },
);

/** @fastify/multipart and busboy failures as the API's errors (their own codes would read as FST_*). */
function multipartError(err: unknown): Error {
  if (err instanceof errors.TooManyFiles || err instanceof errors.InvalidRequest) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new errors.BodyTooLarge(`The image is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`);
  if (code === 'FST_FILES_LIMIT') return tooManyFiles();
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new errors.InvalidRequest('The form has too many fields.');
  const detail = err instanceof Error ? `: ${err.message}` : '';
  return new errors.InvalidRequest(`Malformed multipart/form-data body${detail}`);
}

const tooManyFiles = () => new errors.TooManyFiles(`Send one image per request, in the field "${IMAGE_FIELD}"; this form has more than one file.`);

/**
 * The form's one file. The whole form is read: a second file is refused (too_many_files) rather
 * than silently ignored, as request.file() alone would, so what was read is what was sent.
 */
async function multipartImage(request: FastifyRequest): Promise<Buffer> {
  let image: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue; // plain fields are read by the iterator and ignored
      if (image !== null) {
        part.file.resume();
        throw tooManyFiles();
      }
      if (part.fieldname !== IMAGE_FIELD) {
        part.file.resume();
        throw new errors.InvalidRequest(`Send the image in the field "${IMAGE_FIELD}" (got "${part.fieldname}").`);
      }
      image = await part.toBuffer();
    }
  } catch (err) {
    throw multipartError(err);
  }
  if (!image) throw new errors.InvalidRequest(`The form has no file: send the image in the field "${IMAGE_FIELD}".`);
  return image;
}

/** The uploaded image's bytes, or null when the request is not an image upload (JSON ink). */
export async function uploadedImage(request: FastifyRequest): Promise<Buffer | null> {
  const type = request.mediaType;
  // An empty body with an image type never reaches the parser: it is an empty image.
  if (type && IMAGE_TYPES.includes(type)) return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (type === 'multipart/form-data') return multipartImage(request);
  return null;
}

const IMAGE_ERRORS: Record<ImageErrorCode, new (message: string) => Error> = {
  unsupported_image: errors.UnsupportedImage,
  corrupt_image: errors.CorruptImage,
  image_too_large: errors.ImageTooLarge,
  too_many_digits: errors.TooManyDigits,
};

/**
 * POST /api/recognize for uploads: the Recognition of the image in the request (and its bytes), or null when the
 * request carries ink as JSON (left to the route's schema). A request with no body and no
 * Content-Type is neither, and a 400.
 */
export async function recognizeUpload(inference: Inference, request: FastifyRequest): Promise<{ recognition: Recognition; image: Buffer } | null> {
  if (request.mediaType === undefined && request.body === undefined) {
    throw new errors.InvalidRequest(`The body is empty: send ink as application/json, or an image (${IMAGE_TYPES.join(', ')} or multipart/form-data).`);
  }
  const bytes = await uploadedImage(request);
  if (!bytes) return null;
  try {
    return { recognition: await recognizeImage(inference, bytes), image: bytes };
  } catch (err) {
    if (err instanceof ImageError) throw new IMAGE_ERRORS[err.code](err.message);
    throw err;
  }
}
