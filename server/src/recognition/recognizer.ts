/** Ink -> Recognition: segment into digits, rasterize each, classify them in one batch. */
import { NOT_A_DIGIT } from '../../../common/model-contract.js';
import type { Stroke } from '../../../common/preprocess.js';
import type { DigitResult, Recognition } from '../../../common/recognition.js';
import { segmentStrokes } from '../../../common/segment.js';
import type { Inference } from '../plugins/inference.js';
import { rasterizeStrokes } from './rasterize.js';

const round = (v: number, places = 4) => Math.round(v * 10 ** places) / 10 ** places;

export async function recognizeStrokes(inference: Inference, strokes: readonly Stroke[]): Promise<Recognition> {
  const start = performance.now();
  const groups = segmentStrokes(strokes);
  const outputs = await Promise.all(
    groups.map(async (g) => {
      const image = await rasterizeStrokes(g.strokes);
      return image ? inference.classify(image) : null;
    }),
  );
  const digits: DigitResult[] = [];
  const rejected: Recognition['rejected'] = [];
  groups.forEach((g, i) => {
    const p = outputs[i];
    if (!p) return;
    const box = { x: g.box.minX, y: g.box.minY, width: g.box.maxX - g.box.minX, height: g.box.maxY - g.box.minY };
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
