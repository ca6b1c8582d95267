/**
 * Calibration of the model's softmax: reliability bins, expected calibration error (ECE) and
 * temperature scaling (Guo et al., 2017). The exported model ends in a softmax, so "logits" here
 * are log-probabilities: softmax(log p / T) is exactly temperature scaling of the original logits,
 * because the log-sum-exp constant that separates them cancels in the softmax.
 */

export interface ReliabilityBin {
  /** Confidence interval (lo, hi]; the first bin also holds confidence 0. */
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence of the predictions in the bin (NaN when empty). */
  confidence: number;
  /** Fraction of them that were right (NaN when empty). */
  accuracy: number;
}

/** Equal-width bins over [0, 1] of the top-class confidence, with each bin's accuracy. */
export function reliabilityBins(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, nBins = 15): ReliabilityBin[] {
  if (confidence.length !== correct.length) throw new Error('confidence and correct differ in length');
  const count = new Array<number>(nBins).fill(0);
  const conf = new Array<number>(nBins).fill(0);
  const right = new Array<number>(nBins).fill(0);
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i];
    const b = Math.min(nBins - 1, Math.max(0, Math.ceil(c * nBins) - 1));
    count[b]++;
    conf[b] += c;
    if (correct[i]) right[b]++;
  }
  return count.map((n, b) => ({
    lo: b / nBins,
    hi: (b + 1) / nBins,
    count: n,
    confidence: n ? conf[b] / n : NaN,
    accuracy: n ? right[b] / n : NaN,
  }));
}

/** ECE: the count-weighted mean gap |accuracy - confidence| over the bins. */
export function eceFromBins(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((a, b) => a + b.count, 0);
  if (!total) return 0;
  return bins.reduce((a, b) => (b.count ? a + (b.count / total) * Math.abs(b.accuracy - b.confidence) : a), 0);
}

export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, nBins = 15): number {
  return eceFromBins(reliabilityBins(confidence, correct, nBins));
}

/** Smallest probability taken before log: keeps log finite where float32 softmax underflowed to 0. */
const FLOOR = 1e-38;

/** log p of a row-major [n, cols] probability matrix: logits up to a per-row constant. */
export function probsToLogits(probs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = Math.log(Math.max(probs[i], FLOOR));
  return out;
}

/** Row-wise softmax(logits / T) of a [n, cols] matrix. */
export function softmaxT(logits: ArrayLike<number>, cols: number, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length; r += cols) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r + c] / temperature);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += out[r + c] = Math.exp(logits[r + c] / temperature - max);
    for (let c = 0; c < cols; c++) out[r + c] /= sum;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(logits / T). */
export function nllAt(logits: ArrayLike<number>, labels: ArrayLike<number>, cols: number, temperature: number): number {
  let total = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const r = i * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[r + c] / temperature);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[r + c] / temperature - max);
    total += max + Math.log(sum) - logits[r + labels[i]] / temperature;
  }
  return n ? total / n : 0;
}

/**
 * The temperature minimising NLL on (logits, labels). NLL is convex in 1/T, so a golden-section
 * search over 1/T in [1/maxT, 1/minT] finds the global minimum.
 */
export function fitTemperature(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  cols: number,
  { minT = 0.05, maxT = 20, tolerance = 1e-4 }: { minT?: number; maxT?: number; tolerance?: number } = {},
): number {
  if (logits.length !== labels.length * cols) throw new Error('logits must be [labels.length, cols]');
  const f = (beta: number) => nllAt(logits, labels, cols, 1 / beta);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 1 / maxT, b = 1 / minT;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(c), fd = f(d);
  while (b - a > tolerance * Math.max(1, c)) {
    if (fc < fd) {
      b = d; d = c; fd = fc;
      c = b - g * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd;
      d = a + g * (b - a); fd = f(d);
    }
  }
  return 1 / ((a + b) / 2);
}

/** Top-class confidence, predicted class and correctness of each row of a [n, cols] matrix. */
export function topClass(probs: ArrayLike<number>, labels: ArrayLike<number>, cols: number): { confidence: Float64Array; predicted: Int32Array; correct: Uint8Array } {
  const n = labels.length;
  const confidence = new Float64Array(n);
  const predicted = new Int32Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (probs[i * cols + c] > probs[i * cols + best]) best = c;
    predicted[i] = best;
    confidence[i] = probs[i * cols + best];
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return { confidence, predicted, correct };
}
