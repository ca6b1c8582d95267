/**
 * Image uploads -> Recognition: decode (image-decode.ts), find the marks (image-segment.ts),
 * classify each 28x28 crop, and answer exactly as the ink path does, with boxes in the pixel
 * coordinates of the upright input image.
 */
import { decide, round } from '../../../common/decide.js';
import { NOT_A_DIGIT } from '../../../common/model-contract.js';
import type { Box } from '../../../common/preprocess.js';
import type { Recognition } from '../../../common/recognition.js';
import type { Inference } from '../plugins/inference.js';
import { decodeImage, ImageError } from './image-decode.js';
import { digitInput, findDigitGroups, inkMask, labelComponents, normalizeInk, removeRuledLines, splitGroup, type DigitGroup } from './image-segment.js';

export { ImageError, MAX_INPUT_PIXELS, sniffImageFormat, type ImageErrorCode } from './image-decode.js';

/**
 * At most this many digits are read from one image. Beyond it the image is refused
 * (`too_many_digits`) rather than answered with a subset: a partial number would be a made-up one.
 */
export const MAX_DIGITS = 12;

/** Marks at least this wide for their height may be touching digits: they are also read cut in 2, 3 or 4. */
const SPLIT_ASPECT = 0.9;
/**
 * A mark the model does not read as a sure digit (not a digit, or below WHOLE_SURE) is read cut
 * when each piece is at least PIECE_SURE. A sure whole is never cut: wide single digits are
 * common enough (MNIST has 2s wider than high whose halves read as a sure "5" and "2").
 */
const WHOLE_SURE = 0.6;
const PIECE_SURE = 0.9;

export interface Candidate {
  /** The 28x28 model input. */
  image: Float32Array;
  /** Where it is, in whole pixels of the upright input image (maxX, maxY exclusive). */
  box: Box;
}

export interface Mark extends Candidate {
  /** For a wide mark: the readings as 2, 3 or 4 digits side by side. */
  splits: Candidate[][];
}

export interface ExtractedDigits {
  /** The separate marks (digit candidates), left to right. */
  marks: Mark[];
  /** Size of the upright input image (EXIF orientation applied). */
  width: number;
  height: number;
}

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
  const candidate = (g: DigitGroup): Candidate => ({
    image: digitInput(ink, labels, g, threshold),
    box: { minX: Math.floor(g.minX * sx), minY: Math.floor(g.minY * sy), maxX: Math.ceil((g.maxX + 1) * sx), maxY: Math.ceil((g.maxY + 1) * sy) },
  });
  const marks = groups.map((g) => {
    const aspect = (g.maxX - g.minX + 1) / (g.maxY - g.minY + 1);
    const splits: Candidate[][] = [];
    if (aspect >= SPLIT_ASPECT) {
      // Digits other than 1 are at least about 0.45 as wide as high: that bounds the pieces.
      for (let pieces = 2; pieces <= Math.min(4, Math.ceil(aspect / 0.45)); pieces++) {
        const parts = splitGroup(g, labels, ink.width, pieces);
        if (parts) splits.push(parts.map(candidate));
      }
    }
    return { ...candidate(g), splits };
  });
  return { marks, width: decoded.inputWidth, height: decoded.inputHeight };
}

interface Reading {
  digit: number;
  p: Float32Array;
}

const read = (p: Float32Array): Reading => {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return { digit: best, p };
};

/** Whole or cut: a mark is read as touching digits when the whole is not a sure digit and every piece is. */
function chooseReading(mark: Mark, whole: Reading, splits: Reading[][]): { candidates: Candidate[]; readings: Reading[] } {
  const wholeSure = whole.digit !== NOT_A_DIGIT && whole.p[whole.digit] >= WHOLE_SURE;
  const needed = wholeSure ? Infinity : PIECE_SURE;
  let chosen = -1;
  let bestScore = -Infinity;
  splits.forEach((readings, i) => {
    if (readings.some((r) => r.digit === NOT_A_DIGIT)) return;
    const score = Math.min(...readings.map((r) => r.p[r.digit]));
    // Strictly better: on a tie the cut into fewer pieces (listed first) stays.
    if (score >= needed && score > bestScore) {
      chosen = i;
      bestScore = score;
    }
  });
  return chosen < 0 ? { candidates: [mark], readings: [whole] } : { candidates: mark.splits[chosen], readings: splits[chosen] };
}

/** Image bytes -> the recognized number, decided as for ink (common/decide.ts). */
export async function recognizeImage(inference: Inference, bytes: Buffer): Promise<Recognition> {
  const start = performance.now();
  const { marks } = await extractDigits(bytes);
  // One batch: every mark whole, and every cut of the wide ones.
  const all = marks.flatMap((m) => [m, ...m.splits.flat()]);
  const outputs = await Promise.all(all.map((c) => inference.classify(c.image)));
  let next = 0;
  const chosen: { box: Box; p: Float32Array }[] = [];
  for (const mark of marks) {
    const whole = read(outputs[next++]);
    const splits = mark.splits.map((pieces) => pieces.map(() => read(outputs[next++])));
    const { candidates, readings } = chooseReading(mark, whole, splits);
    candidates.forEach((c, i) => chosen.push({ box: c.box, p: readings[i].p }));
  }
  const decision = decide(chosen, chosen.map((c) => c.p));
  if (decision.digits.length > MAX_DIGITS) {
    throw new ImageError('too_many_digits', `Found ${decision.digits.length} digits; at most ${MAX_DIGITS} are read from one image. Crop the image to the number.`);
  }
  return { ...decision, model: inference.manifest.version, ms: round(performance.now() - start, 3) };
}
