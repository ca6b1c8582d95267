import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  eceFromBins,
  expectedCalibrationError,
  fitTemperature,
  nllAt,
  probsToLogits,
  reliabilityBins,
  softmaxT,
  topClass,
} from '../src/calibration.js';

/** Standard normal from a seeded uniform source (Box-Muller). */
function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Samples a class from a probability row. */
function sample(p: ArrayLike<number>, offset: number, cols: number, u: number): number {
  let acc = 0;
  for (let c = 0; c < cols; c++) {
    acc += p[offset + c];
    if (u < acc) return c;
  }
  return cols - 1;
}

describe('reliability bins and ECE', () => {
  it('puts confidences in equal-width bins, 0 in the first and 1 in the last', () => {
    const bins = reliabilityBins([0, 0.05, 0.5, 0.99, 1], [1, 0, 1, 1, 0], 10);
    expect(bins).toHaveLength(10);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(5);
    expect(bins[0].count).toBe(2);
    expect(bins[4].count).toBe(1); // 0.5 is in (0.4, 0.5]
    expect(bins[9].count).toBe(2);
    expect(bins[9].accuracy).toBe(0.5);
    expect(bins[9].confidence).toBeCloseTo(0.995, 10);
    expect(Number.isNaN(bins[1].accuracy)).toBe(true);
  });

  it('is about 0 for a perfectly calibrated toy', () => {
    const rng = seedrandom('calibrated');
    const n = 200_000;
    const conf = new Float64Array(n), correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      conf[i] = 0.1 + 0.9 * rng();
      correct[i] = rng() < conf[i] ? 1 : 0;
    }
    expect(expectedCalibrationError(conf, correct, 15)).toBeLessThan(0.006);
  });

  it('is the confidence-accuracy gap for an over-confident toy', () => {
    const rng = seedrandom('over');
    const n = 50_000;
    const conf = new Float64Array(n).fill(0.95), correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) correct[i] = rng() < 0.7 ? 1 : 0;
    const ece = expectedCalibrationError(conf, correct, 15);
    expect(ece).toBeGreaterThan(0.2);
    expect(ece).toBeCloseTo(0.25, 1);
  });

  it('is 0 for no data', () => {
    expect(eceFromBins(reliabilityBins([], [], 15))).toBe(0);
  });
});

describe('temperature scaling', () => {
  const cols = 11;

  /** Logits z, and labels drawn from softmax(z / trueT): the fit should find trueT. */
  function synthetic(trueT: number, n: number, seed: string): { logits: Float64Array; labels: Int32Array } {
    const rng = seedrandom(seed);
    const logits = new Float64Array(n * cols);
    for (let i = 0; i < logits.length; i++) logits[i] = 4 * gaussian(rng);
    const p = softmaxT(logits, cols, trueT);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = sample(p, i * cols, cols, rng());
    return { logits, labels };
  }

  for (const trueT of [0.6, 1, 2.5]) {
    it(`recovers a known temperature (${trueT}) on synthetic logits`, () => {
      const { logits, labels } = synthetic(trueT, 20_000, `T${trueT}`);
      const T = fitTemperature(logits, labels, cols);
      expect(Math.abs(T - trueT) / trueT).toBeLessThan(0.05);
      // And it is a minimum of the NLL.
      expect(nllAt(logits, labels, cols, T)).toBeLessThanOrEqual(nllAt(logits, labels, cols, T * 1.1));
      expect(nllAt(logits, labels, cols, T)).toBeLessThanOrEqual(nllAt(logits, labels, cols, T / 1.1));
    });
  }

  it('lowers the ECE of an over-confident model', () => {
    const { logits, labels } = synthetic(2.5, 20_000, 'ece');
    const p1 = topClass(softmaxT(logits, cols, 1), labels, cols);
    const T = fitTemperature(logits, labels, cols);
    const pT = topClass(softmaxT(logits, cols, T), labels, cols);
    const before = expectedCalibrationError(p1.confidence, p1.correct);
    const after = expectedCalibrationError(pT.confidence, pT.correct);
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.02);
    // Scaling never changes the answer.
    expect(Array.from(pT.predicted)).toEqual(Array.from(p1.predicted));
  });

  it('treats log-probabilities as logits: softmax(log p) = p, zeros included', () => {
    const probs = new Float32Array([0.7, 0.2, 0.1, 0, 1, 0]);
    const back = softmaxT(probsToLogits(probs), 3, 1);
    for (let i = 0; i < probs.length; i++) expect(back[i]).toBeCloseTo(probs[i], 6);
    const hot = softmaxT(probsToLogits(probs), 3, 0.5);
    expect(hot[0]).toBeGreaterThan(0.7);
    for (let r = 0; r < 2; r++) expect(hot[r * 3] + hot[r * 3 + 1] + hot[r * 3 + 2]).toBeCloseTo(1, 10);
  });
});
