/**
 * The decision from the model's outputs to a Recognition, shared by the server and the browser's
 * on-device recognizer so that both read the same ink the same way (and round the same way).
 */
import { NOT_A_DIGIT } from './model-contract.js';
import type { DigitResult, Recognition } from './recognition.js';
import type { InkGroup } from './segment.js';

/** Rounds to `places` decimals: results go over the wire and into snapshots, not raw float noise. */
export const round = (value: number, places = 4): number => Math.round(value * 10 ** places) / 10 ** places;

/** A Recognition without who made it and how long it took. */
export type Decision = Pick<Recognition, 'text' | 'digits' | 'rejected'>;

/**
 * Reads each group of ink as its most probable class: a digit goes into `text` and `digits`, the
 * not-a-digit class into `rejected`. `outputs[i]` holds group i's NUM_CLASSES probabilities, or
 * null when the group had no ink to classify (it is then left out).
 */
export function decide(groups: readonly Pick<InkGroup, 'box'>[], outputs: readonly (ArrayLike<number> | null)[]): Decision {
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
    const probabilities = Array.from({ length: 10 }, (_, k) => round(p[k], 6));
    digits.push({ digit: best, confidence: probabilities[best], probabilities, box });
  });
  return { text: digits.map((d) => d.digit).join(''), digits, rejected };
}
