import type { ModelManifest } from '../../../common/model-contract.js';
import type { Recognition } from '../../../common/recognition.js';
import { apiRequest, readResponse } from './api-request.js';

/** The image types POST /api/recognize reads (the server sniffs the bytes; this is for the file picker). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** The largest image the server takes (server/src/routes/api/recognize-image.ts). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Recognizes the digits in an image file (POST /api/recognize, multipart field `image`).
 * Rejects with an ApiError carrying the server's message (unsupported_image, corrupt_image, ...).
 */
export async function recognizeImage(file: Blob, signal?: AbortSignal): Promise<Recognition> {
  const form = new FormData();
  form.append('image', file);
  const response = await fetch('/api/recognize', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    body: form,
    signal,
  });
  return readResponse<Recognition>(response);
}

/** The shipped model's manifest (GET /api/model). */
export const getModel = (): Promise<ModelManifest> => apiRequest<ModelManifest>('GET', '/api/model');

/** Where the model itself downloads from. */
export const MODEL_DOWNLOAD_URL = '/api/model.onnx';
