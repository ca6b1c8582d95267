/** Ink -> Recognition: candidate digits rasterized and classified in one batch, the best reading chosen. */
import { LRUCache } from 'lru-cache';
import { columnPage, columns, holdsColumn, isRuleStroke } from '../../../common/column-sums.js';
import { groupByPlace } from '../../../common/grouping.js';
import type { GroupResult } from '../../../common/protocol.js';
import type { InkOptions } from '../../../common/ink-reading.js';
import { readLine } from '../../../common/line-reading.js';
import { toRect, type Stroke } from '../../../common/preprocess.js';
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

/**
 * Reads a page of ink sent at once (POST /api/recognize): one line, as a board reads one number,
 * unless it holds a column of numbers with a rule under it. Then each number is read on its own
 * and the page answers the numbers top to bottom, one per line of `text`, with the sums in `math`
 * (none where a sum is withheld).
 */
export async function recognizePage(inference: Classifier, strokes: readonly Stroke[], options: RecognizeOptions): Promise<Recognition> {
  const start = performance.now();
  const groups = groupByPlace(strokes.map((points, i) => ({ id: String(i), points })));
  const whole = () => recognizeStrokes(inference, strokes, options);
  const isRule = (ids: readonly string[]) => ids.length === 1 && isRuleStroke(strokes[Number(ids[0])]);
  if (!holdsColumn(groups.map((g) => ({ box: toRect(g.box), rule: isRule(g.strokeIds) })))) return whole();
  const read: GroupResult[] = await Promise.all(
    groups.map(async (g) => ({
      id: g.strokeIds[0],
      box: toRect(g.box),
      strokeIds: g.strokeIds,
      result: await recognizeStrokes(inference, g.strokeIds.map((id) => strokes[Number(id)]), options),
    })),
  );
  return { ...columnPage(read, columns(read, (id) => strokes[Number(id)])), model: inference.manifest.version, ms: round(performance.now() - start, 3) };
}
