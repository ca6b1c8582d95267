/** Ink -> Recognition: segment into digits, rasterize each, classify them in one batch. */
import { decide, round } from '../../../common/decide.js';
import type { Stroke } from '../../../common/preprocess.js';
import type { Recognition } from '../../../common/recognition.js';
import { segmentStrokes } from '../../../common/segment.js';
import type { Inference } from '../plugins/inference.js';
import { rasterizeStrokes } from './rasterize.js';

export async function recognizeStrokes(inference: Inference, strokes: readonly Stroke[]): Promise<Recognition> {
  const start = performance.now();
  const groups = segmentStrokes(strokes);
  const outputs = await Promise.all(
    groups.map(async (g) => {
      const image = await rasterizeStrokes(g.strokes);
      return image ? inference.classify(image) : null;
    }),
  );
  return { ...decide(groups, outputs), model: inference.manifest.version, ms: round(performance.now() - start, 3) };
}
