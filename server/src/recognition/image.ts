/**
 * Image uploads -> Recognition: decode (image-decode.ts), find the digits (image-segment.ts),
 * classify each 28x28 crop, and answer exactly as the ink path does, with boxes in the pixel
 * coordinates of the upright input image.
 */
import { NOT_A_DIGIT } from '../../../common/model-contract.js';
import type { Box, DigitResult, Recognition } from '../../../common/recognition.js';
import type { Inference } from '../plugins/inference.js';
import { decodeImage, ImageError } from './image-decode.js';
import { digitInput, findDigitGroups, inkMask, labelComponents, normalizeInk, removeRuledLines } from './image-segment.js';

export { ImageError, MAX_INPUT_PIXELS, sniffImageFormat, type ImageErrorCode } from './image-decode.js';

/**
 * At most this many digits are read from one image. Beyond it the image is refused
 * (`too_many_digits`) rather than answered with a subset: a partial number would be a made-up one.
 */
export const MAX_DIGITS = 12;

export interface ExtractedDigits {
  /** One 28x28 model input per digit candidate, left to right. */
  images: Float32Array[];
  /** Where each candidate is, in pixels of the upright input image. */
  boxes: Box[];
  /** Size of the upright input image (EXIF orientation applied). */
  width: number;
  height: number;
}

const round = (v: number, places = 4) => Math.round(v * 10 ** places) / 10 ** places;

/** Finds the handwritten digits in PNG/JPEG/WebP bytes; throws ImageError for input it refuses. */
export async function extractDigits(bytes: Buffer): Promise<ExtractedDigits> {
  const decoded = await decodeImage(bytes);
  const ink = normalizeInk(decoded);
  const { mask, threshold } = inkMask(ink);
  removeRuledLines(mask, ink);
  const { labels, components } = labelComponents(mask, ink.width, ink.height);
  const groups = findDigitGroups(components, ink.width, ink.height);
  if (groups.length > MAX_DIGITS) {
    throw new ImageError('too_many_digits', `Found ${groups.length} separate marks; at most ${MAX_DIGITS} digits are read from one image. Crop the image to the number.`);
  }
  const sx = decoded.inputWidth / decoded.width, sy = decoded.inputHeight / decoded.height;
  return {
    images: groups.map((g) => digitInput(ink, labels, g, threshold)),
    boxes: groups.map((g) => ({
      x: round(g.minX * sx, 1),
      y: round(g.minY * sy, 1),
      width: round((g.maxX - g.minX + 1) * sx, 1),
      height: round((g.maxY - g.minY + 1) * sy, 1),
    })),
    width: decoded.inputWidth,
    height: decoded.inputHeight,
  };
}

/** Image bytes -> the recognized number, decided as for ink (server/src/recognition/recognizer.ts). */
export async function recognizeImage(inference: Inference, bytes: Buffer): Promise<Recognition> {
  const start = performance.now();
  const { images, boxes } = await extractDigits(bytes);
  const outputs = await Promise.all(images.map((image) => inference.classify(image)));
  const digits: DigitResult[] = [];
  const rejected: Recognition['rejected'] = [];
  outputs.forEach((p, i) => {
    const box = boxes[i];
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    if (best === NOT_A_DIGIT) {
      rejected.push({ box, notDigitProbability: round(p[NOT_A_DIGIT], 6) });
      return;
    }
    const probabilities = Array.from(p.subarray(0, 10), (v) => round(v, 6));
    digits.push({ digit: best, confidence: probabilities[best], probabilities, box });
  });
  return {
    text: digits.map((d) => d.digit).join(''),
    digits,
    rejected,
    model: inference.manifest.version,
    ms: round(performance.now() - start, 3),
  };
}
