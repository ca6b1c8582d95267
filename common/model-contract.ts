/**
 * What the server, the browser and the training pipeline agree on about the model.
 * The manifest beside the .onnx file states these values; the server refuses a model whose
 * manifest disagrees (manifestProblems, checked by server/src/model/manifest.ts), and the
 * training pipeline's tests hold the manifests it writes to the same check.
 */

/** Bumped whenever the meaning of a 28x28 input changes (crop, centring, stroke width...). */
export const PREPROCESSING_VERSION = 1;
/** Bumped when the manifest's shape changes. */
export const MANIFEST_VERSION = 1;

export const INPUT_SIZE = 28;
/** Side of the box the ink is fitted into, keeping aspect ratio (as MNIST does). */
export const FIT_BOX = 20;
export const INPUT_NAME = 'image';
export const OUTPUT_NAME = 'probabilities';

/** Ten digits, then one class for "this is not a digit" (trained on negatives). */
export const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'not-a-digit'] as const;
export const NOT_A_DIGIT = 10;
export const NUM_CLASSES = LABELS.length;

export interface ModelManifest {
  manifestVersion: number;
  name: string;
  version: string;
  file: string;
  sha256: string;
  opset: number;
  input: {
    name: string;
    /** -1 is the dynamic batch dimension. */
    shape: [number, number, number, number];
    layout: 'NHWC';
    dtype: 'float32';
    range: [number, number];
    polarity: 'ink-high';
  };
  output: { name: string; kind: 'softmax'; shape: [number, number] };
  labels: string[];
  preprocessingVersion: number;
  metrics: { mnistTestAccuracy: number; [name: string]: number };
  training: { command: string; date: string; backend: string; seconds: number; epochs: number; seed: number };
}

/**
 * What keeps a model with this manifest from being run here (another input contract, other
 * labels, another preprocessing version): one line per problem, empty when it fits. The file's
 * integrity (its sha256) is the reader's to check.
 */
export function manifestProblems(manifest: ModelManifest): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => ok || problems.push(what);
  expect(manifest.manifestVersion === MANIFEST_VERSION, `manifestVersion ${manifest.manifestVersion} (this server reads ${MANIFEST_VERSION})`);
  expect(manifest.preprocessingVersion === PREPROCESSING_VERSION, `preprocessingVersion ${manifest.preprocessingVersion} (this server prepares inputs as version ${PREPROCESSING_VERSION})`);
  expect(manifest.input?.name === INPUT_NAME, `input name ${manifest.input?.name} (expected ${INPUT_NAME})`);
  expect(JSON.stringify(manifest.input?.shape) === JSON.stringify([-1, INPUT_SIZE, INPUT_SIZE, 1]), `input shape ${JSON.stringify(manifest.input?.shape)}`);
  expect(manifest.input?.layout === 'NHWC' && manifest.input?.polarity === 'ink-high', 'input layout/polarity (expected NHWC, ink-high)');
  expect(JSON.stringify(manifest.input?.range) === '[0,1]', `input range ${JSON.stringify(manifest.input?.range)}`);
  expect(manifest.output?.name === OUTPUT_NAME && manifest.output?.kind === 'softmax', `output ${manifest.output?.name}/${manifest.output?.kind}`);
  expect(JSON.stringify(manifest.labels) === JSON.stringify(LABELS), `labels ${JSON.stringify(manifest.labels)}`);
  return problems;
}
