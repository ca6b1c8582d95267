/** The model card's measurements: MNIST test, calibration, and the robustness sets, through onnxruntime-node. */
import * as ort from 'onnxruntime-node';
import { NOT_A_DIGIT } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';
import { eceFromBins, fitTemperature, nllAt, probsToLogits, reliabilityBins, softmaxT, topClass } from '../src/calibration.js';
import { canvasAltDigits, canvasDigits } from '../src/canvas-digits.js';
import { runSession } from '../src/evaluate-onnx.js';
import { isTrainingFamily } from '../src/font-letters.js';
import { fontDigits, fontLetters, listFontFaces } from '../src/font-sets.js';
import { MNIST_TRANSFORMS, mnistTransformSet, type MnistTransform } from '../src/mnist-transforms.js';
import { fashionTest, pairSet, scribbleSet, shapeSet } from '../src/non-digit-sets.js';
import { pickIndices, type RobustnessSet } from '../src/robustness-set.js';
import { BINS, C, log, pct, PX, type CardContext } from './context.js';
export interface TagScore {
  tag: string;
  n: number;
  correct: number;
  abstained: number;
  /** Most frequent digit predicted (non-digit sets). */
  topDigit?: [number, number];
}
export interface SetResult {
  set: RobustnessSet;
  n: number;
  predicted: Int32Array;
  confidence: Float64Array;
  accuracy: number;
  abstain: number;
  wrongDigit: number;
  /** Among wrong digit answers (digit sets) or digit answers (non-digit sets): mean confidence. */
  wrongConfidence: number;
  byTag: TagScore[];
  perDigit: number[];
}

export type Measured = Awaited<ReturnType<typeof measure>>;

export async function measure(ctx: CardContext) {
  const { modelFile, sessionOptions, sha256, seed } = ctx;
  const session = await ort.InferenceSession.create(modelFile, sessionOptions);

  /** Model probabilities ([n, C]) for n images stored back to back. */
  async function predict(images: Float32Array, n: number): Promise<Float32Array> {
    const out = new Float32Array(n * C);
    const batch = 500;
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      out.set(await runSession(session, images.slice(s * PX, (s + m) * PX), m), s * C);
    }
    return out;
  }
  function stack(images: readonly Float32Array[]): Float32Array {
    const out = new Float32Array(images.length * PX);
    images.forEach((im, i) => out.set(im, i * PX));
    return out;
  }

  /* ------------------------------------------------------------------------------------------ */
  /* MNIST test and calibration.                                                                 */

  log(`model ${modelFile} (sha256 ${sha256.slice(0, 12)}), scoring MNIST test...`);
  const test = await loadMnist('test');
  const testProbs = await predict(test.images, test.count);
  const testTop = topClass(testProbs, test.labels, C);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < test.count; i++) confusion[test.labels[i]][testTop.predicted[i]]++;
  const perClass = confusion.map((row, d) => {
    const n = row.reduce((a, b) => a + b, 0);
    const mistaken = row.map((v, j) => [j, v] as const).filter(([j, v]) => j !== d && v > 0).sort((a, b) => b[1] - a[1]);
    return { digit: d, n, correct: row[d], accuracy: row[d] / n, abstained: row[NOT_A_DIGIT], mostConfused: mistaken[0] };
  });
  const testCorrect = perClass.reduce((a, c) => a + c.correct, 0);
  const testAccuracy = testCorrect / test.count;
  const falseAbstain = perClass.reduce((a, c) => a + c.abstained, 0);
  const falseAbstainRate = falseAbstain / test.count;
  log(`MNIST test accuracy ${pct(testAccuracy)}, false-abstain ${pct(falseAbstainRate)}`);

  // Temperature: fitted on the last 5,000 MNIST training images (train.ts's validation slice, never
  // trained on), scored on test.
  const VAL = 5000;
  const train = await loadMnist('train');
  const valStart = train.count - VAL;
  const valImages = train.images.slice(valStart * PX);
  const valLabels = train.labels.slice(valStart);
  const valProbs = await predict(valImages, VAL);
  const valLogits = probsToLogits(valProbs);
  const temperature = fitTemperature(valLogits, valLabels, C);
  const testLogits = probsToLogits(testProbs);
  const testScaled = softmaxT(testLogits, C, temperature);
  const valScaled = softmaxT(valLogits, C, temperature);
  const calib = (probs: ArrayLike<number>, labels: ArrayLike<number>) => {
    const t = topClass(probs, labels, C);
    const bins = reliabilityBins(t.confidence, t.correct, BINS);
    return { bins, ece: eceFromBins(bins) };
  };
  const before = calib(testProbs, test.labels);
  const after = calib(testScaled, test.labels);
  const valBefore = calib(valProbs, valLabels);
  const valAfter = calib(valScaled, valLabels);
  const nllBefore = nllAt(testLogits, test.labels, C, 1);
  const nllAfter = nllAt(testLogits, test.labels, C, temperature);
  const valTop = topClass(valProbs, valLabels, C);
  const valAccuracy = valTop.correct.reduce((a, b) => a + b, 0) / VAL;
  const temperatureHelps = after.ece < before.ece;
  log(`T = ${temperature.toFixed(3)}; test ECE ${pct(before.ece)} -> ${pct(after.ece)}; NLL ${nllBefore.toFixed(4)} -> ${nllAfter.toFixed(4)}`);

  /* ------------------------------------------------------------------------------------------ */
  /* Robustness sets.                                                                            */

  log('building robustness sets...');
  const faces = await listFontFaces();
  const subset = pickIndices(test.count, 1000, `${seed}:mnist-subset`);
  const sets: RobustnessSet[] = [];
  sets.push(canvasDigits(1500, seed));
  sets.push(canvasDigits(1000, seed, [1.5, 3.5]));
  sets.push(canvasAltDigits(1000, seed));
  if (faces.length) sets.push(await fontDigits(faces));
  for (const kind of Object.keys(MNIST_TRANSFORMS) as MnistTransform[]) sets.push(mnistTransformSet(test.images, test.labels, subset, kind, seed));
  const fashion = await fashionTest(2000, seed);
  if (fashion) sets.push(fashion);
  sets.push(scribbleSet(1000, seed));
  // Letters are measured only in faces of families training never typeset its negatives in.
  const letterFaces = faces.filter((f) => !isTrainingFamily(f.family));
  if (letterFaces.length) sets.push(await fontLetters(letterFaces, 2000, seed, ' (DejaVu and Liberation, the fonts training typesets its letter negatives in, left out)'));
  sets.push(shapeSet(1000, seed));
  sets.push(pairSet(test.images, test.labels, 1000, seed));
  log(`${sets.length} sets, ${sets.reduce((a, s) => a + s.images.length, 0)} images; scoring...`);


  const results: SetResult[] = [];
  for (const set of sets) {
    const probs = await predict(stack(set.images), set.images.length);
    const top = topClass(probs, set.labels, C);
    const n = set.images.length;
    let correct = 0, abstained = 0, wrongConf = 0, wrong = 0;
    const tags = new Map<string, TagScore & { digits: number[] }>();
    const digitN = new Array<number>(10).fill(0), digitOk = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const p = top.predicted[i];
      const ok = p === set.labels[i];
      if (ok) correct++;
      if (p === NOT_A_DIGIT) abstained++;
      if (!ok && p !== NOT_A_DIGIT) {
        wrong++;
        wrongConf += top.confidence[i];
      }
      let t = tags.get(set.tags[i]);
      if (!t) tags.set(set.tags[i], (t = { tag: set.tags[i], n: 0, correct: 0, abstained: 0, digits: new Array<number>(10).fill(0) }));
      t.n++;
      if (ok) t.correct++;
      if (p === NOT_A_DIGIT) t.abstained++;
      else t.digits[p]++;
      if (set.labels[i] !== NOT_A_DIGIT) {
        digitN[set.labels[i]]++;
        if (ok) digitOk[set.labels[i]]++;
      }
    }
    const byTag = [...tags.values()].map(({ digits, ...t }) => {
      const best = digits.reduce((b, v, d) => (v > digits[b] ? d : b), 0);
      return { ...t, topDigit: digits[best] > 0 ? ([best, digits[best]] as [number, number]) : undefined };
    });
    results.push({
      set,
      n,
      predicted: top.predicted,
      confidence: top.confidence,
      accuracy: correct / n,
      abstain: abstained / n,
      wrongDigit: wrong / n,
      wrongConfidence: wrong ? wrongConf / wrong : NaN,
      byTag,
      perDigit: digitN.map((v, d) => (v ? digitOk[d] / v : NaN)),
    });
    log(`  ${set.name.padEnd(34)} n=${String(n).padStart(4)}  ${set.kind === 'digits' ? `accuracy ${pct(correct / n)}, ` : ''}abstain ${pct(abstained / n)}`);
  }
  await session.release();
  const digitResults = results.filter((r) => r.set.kind === 'digits');
  const negResults = results.filter((r) => r.set.kind === 'non-digits');
  const byId = (id: string) => results.find((r) => r.set.id === id);
  return { test, testProbs, testTop, confusion, perClass, testCorrect, testAccuracy, falseAbstain, falseAbstainRate, VAL, valLabels, valProbs, temperature, testScaled, before, after, valBefore, valAfter, nllBefore, nllAfter, valTop, valAccuracy, temperatureHelps, faces, letterFaces, subset, sets, results, digitResults, negResults, byId };
}
