/** Ink -> Recognition: candidate digits rasterized and classified in one batch, the best reading chosen. */
import { LRUCache } from 'lru-cache';
import type { InkOptions } from '../../../common/ink-reading.js';
import { readLine } from '../../../common/line-reading.js';
import type { Stroke } from '../../../common/preprocess.js';
import type { Recognition } from '../../../common/recognition.js';
import { round } from '../../../common/reading.js';
import type { Classifier } from './classifier.js';
import { rasterizeStrokes } from './rasterize.js';

/**
 * Probabilities of digits already classified, by their ink. A board re-recognizes a whole number
 * at every pen-up; with this, only the digits that changed are rasterized and classified again.
 * A digit's image depends on its own strokes' x and y alone, so a hit is exact.
 */
export class DigitCache extends LRUCache<string, Float32Array> {
  constructor(max = 10_000) {
    super({ max });
  }

  static keyOf(strokes: readonly Stroke[]): string {
    return strokes.map((s) => s.map((p) => `${p[0]},${p[1]}`).join(' ')).join('|');
  }
}

/** Strokes -> the model's input, null without ink: sharp by default, or drawn at once (boards). */
export type Rasterize = (strokes: readonly Stroke[]) => Promise<Float32Array | null> | Float32Array | null;

export interface RecognizeOptions extends InkOptions {
  cache?: DigitCache;
  rasterize?: Rasterize;
}

async function classifyDigit(inference: Classifier, strokes: readonly Stroke[], { cache, rasterize = rasterizeStrokes }: RecognizeOptions): Promise<Float32Array | null> {
  const key = cache ? DigitCache.keyOf(strokes) : '';
  const known = cache?.get(key);
  if (known) return known;
  const image = await rasterize(strokes);
  if (!image) return null;
  const probabilities = await inference.classify(image);
  cache?.set(key, probabilities);
  return probabilities;
}

/**
 * Reads one line's ink (common/line-reading.ts: a number, or an expression and its value): every
 * candidate grouping of its strokes is classified (each through the cache, all of them in the
 * micro-batcher's same batch), and the model's scores choose the grouping.
 */
export async function recognizeStrokes(inference: Classifier, strokes: readonly Stroke[], options: RecognizeOptions): Promise<Recognition> {
  const start = performance.now();
  const decision = await readLine(strokes, (candidates) => Promise.all(candidates.map((c) => classifyDigit(inference, c, options))), options);
  return { ...decision, model: inference.manifest.version, ms: round(performance.now() - start, 3) };
}
