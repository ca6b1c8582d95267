/**
 * How the ink lattice weighs the model's readings (common/ink-reading.ts), with a stand-in model
 * whose readings each case sets: the rules, not the model, are under test.
 */
import { describe, expect, it } from 'vitest';
import { minExtentFor, readInk, type ScoreInk } from './ink-reading.js';
import { NOT_A_DIGIT, NUM_CLASSES } from './model-contract.js';
import type { Stroke } from './preprocess.js';

const OPTIONS = { minExtent: minExtentFor(1600, 1000) };

/** A stem, and an arch that leaves it a third of the way down and ends in a leg: an n, or a 1 and a 7 touching. */
const stem: Stroke = Array.from({ length: 9 }, (_, i) => [200, 200 + i * 18.75]);
const arch: Stroke = [
  [201, 260],
  ...Array.from({ length: 13 }, (_, i) => {
    const a = Math.PI + (i / 12) * Math.PI;
    return [250 + 45 * Math.cos(a), 250 + 45 * Math.sin(a)];
  }),
  [295, 300],
  [295, 350],
];

const probabilities = (label: number, p: number, other: number): Float32Array => {
  const out = new Float32Array(NUM_CLASSES).fill((1 - p) / 2 / (NUM_CLASSES - 2));
  out[label] = p;
  out[other] = (1 - p) / 2;
  return out;
};

/** A model that reads the stem as a sure 1, the two strokes together as surely no digit, and the arch as given. */
const model = (archAlone: Float32Array): ScoreInk => async (candidates) =>
  candidates.map((strokes) => {
    if (strokes.length === 2) return probabilities(NOT_A_DIGIT, 0.999, 7);
    return strokes[0] === stem ? probabilities(1, 0.999, 7) : archAlone;
  });

describe('strokes that hang together as one mark', () => {
  it('a stem and an arch that is no digit are one mark, not "17" (joining two overlap groups used to cost it the reading)', async () => {
    const r = await readInk([stem, arch], model(probabilities(NOT_A_DIGIT, 0.9, 7)), OPTIONS);
    expect(r.text).toBe('');
    expect(r.rejected).toHaveLength(1);
  });

  it('touching strokes that each read as a sure digit stay two digits, though together they are no digit', async () => {
    const r = await readInk([stem, arch], model(probabilities(7, 0.999, NOT_A_DIGIT)), OPTIONS);
    expect(r.text).toBe('17');
  });
});
