/** Recognitions as the recognizer answers them, for history tests. */
import type { Recognition } from '../../../common/recognition.js';

/** A recognition of `text` with plausible per-digit details. */
export function recognitionOf(text: string, model = 'digitnet-test'): Recognition {
  return {
    text,
    digits: [...text].map((ch, i) => {
      const digit = Number(ch);
      const probabilities = Array.from({ length: 10 }, (_, d) => (d === digit ? 0.9 - i / 100 : (0.1 + i / 100) / 9));
      return { digit, confidence: probabilities[digit], probabilities, box: { x: 10 + 40 * i, y: 12.5, width: 30, height: 44.25 } };
    }),
    rejected: text === '' ? [{ box: { x: 1, y: 2, width: 3, height: 4 }, notDigitProbability: 0.8 }] : [],
    model,
    ms: 3.25,
  };
}

export const STROKES = [
  [
    [10, 10, 0],
    [20, 40, 16],
    [30, 80, 33],
  ],
  [
    [5.5, 6.25],
    [7, 8],
  ],
];
