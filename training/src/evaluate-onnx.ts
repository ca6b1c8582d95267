/**
 * Scores an exported ONNX model on the MNIST test set through onnxruntime-node: the runtime the
 * server uses, so the numbers describe the model as shipped rather than its TF.js original.
 */
import * as ort from 'onnxruntime-node';
import { INPUT_NAME, INPUT_SIZE, NOT_A_DIGIT, NUM_CLASSES, OUTPUT_NAME } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';

export interface EvaluateOptions {
  /** Score only the first n test images. */
  limit?: number;
  /** Default 256. */
  batchSize?: number;
  /** onnxruntime's intra-op threads; its default (all cores) when absent. */
  threads?: number;
}

export interface ClassScore {
  label: number;
  count: number;
  correct: number;
  accuracy: number;
}

export interface Evaluation {
  count: number;
  accuracy: number;
  /** One entry per digit 0-9. */
  perClass: ClassScore[];
  /** confusion[true digit][predicted class]: 10 rows of NUM_CLASSES columns (the last is not-a-digit). */
  confusion: number[][];
  /** Fraction of test digits the model called not-a-digit. */
  falseAbstainRate: number;
}

const PX = INPUT_SIZE * INPUT_SIZE;

/** Index of the largest value in each row of a [rows, cols] matrix. */
export function argmaxRows(values: Float32Array, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * cols < values.length; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
    out.push(best);
  }
  return out;
}

/** Runs [n, 28, 28, 1] images through a session and returns its [n, NUM_CLASSES] output. */
export async function runSession(session: ort.InferenceSession, images: Float32Array, n: number): Promise<Float32Array> {
  const input = new ort.Tensor('float32', images, [n, INPUT_SIZE, INPUT_SIZE, 1]);
  const result = await session.run({ [INPUT_NAME]: input });
  const output = result[OUTPUT_NAME];
  if (!output || output.dims.length !== 2 || output.dims[0] !== n || output.dims[1] !== NUM_CLASSES) {
    throw new Error(`Model output '${OUTPUT_NAME}' has shape ${JSON.stringify(output?.dims)}; expected [${n}, ${NUM_CLASSES}]`);
  }
  return output.data as Float32Array;
}

/** Accuracy, per-digit accuracy, confusion matrix and false-abstain rate on MNIST test. */
export async function evaluateOnnx(model: string | Uint8Array, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const batchSize = opts.batchSize ?? 256;
  const test = await loadMnist('test', opts.limit);
  const sessionOptions: ort.InferenceSession.SessionOptions = opts.threads ? { intraOpNumThreads: opts.threads } : {};
  // Written out twice because TypeScript cannot pick between create's overloads for a union.
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(NUM_CLASSES).fill(0));
  try {
    for (let s = 0; s < test.count; s += batchSize) {
      const n = Math.min(batchSize, test.count - s);
      // slice, not subarray: hands the native binding its own offset-0 buffer.
      const probs = await runSession(session, test.images.slice(s * PX, (s + n) * PX), n);
      argmaxRows(probs, NUM_CLASSES).forEach((p, i) => confusion[test.labels[s + i]][p]++);
    }
  } finally {
    await session.release();
  }
  const perClass = confusion.map((row, label) => {
    const count = row.reduce((a, b) => a + b, 0);
    return { label, count, correct: row[label], accuracy: count ? row[label] / count : 0 };
  });
  const correct = perClass.reduce((a, c) => a + c.correct, 0);
  const abstained = confusion.reduce((a, row) => a + row[NOT_A_DIGIT], 0);
  return {
    count: test.count,
    accuracy: test.count ? correct / test.count : 0,
    perClass,
    confusion,
    falseAbstainRate: test.count ? abstained / test.count : 0,
  };
}
