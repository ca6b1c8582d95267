/**
 * Recognition in the browser: the server's model (GET /api/model.onnx) run by onnxruntime-web on
 * one WebAssembly thread, with the same reading (common/ink-reading.ts) and preprocessing as the server,
 * so that it produces the same Recognition for the same ink.
 *
 * This module is only ever imported dynamically: it pulls in onnxruntime-web, which has no place
 * in the board's first load.
 */
import * as ort from 'onnxruntime-web/wasm';
import type { InkOptions } from '../../../common/ink-reading.js';
import { readLine } from '../../../common/line-reading.js';
import {
  INPUT_NAME,
  INPUT_SIZE,
  LABELS,
  OUTPUT_NAME,
  PREPROCESSING_VERSION,
  type ModelManifest,
} from '../../../common/model-contract.js';
import type { Stroke } from '../../../common/preprocess.js';
import type { Recognition } from '../../../common/recognition.js';
import { round } from '../../../common/reading.js';
import { rasterizeStrokes } from './rasterize.js';

export interface LocalRecognizer {
  /** The model's version, as in Recognition.model. */
  readonly model: string;
  /** Reads the ink as one number, as POST /api/recognize would. Calls run one after another. */
  recognize(strokes: readonly Stroke[], options: InkOptions): Promise<Recognition>;
  release(): Promise<void>;
}

export interface LocalRecognizerOptions {
  manifestUrl: string;
  modelUrl: string;
  /** Folder of onnxruntime-web's .wasm and .mjs files on our server; the runtime's version is appended. */
  runtimeUrl: string;
}

/** The manifest fields this code relies on; the server has checked the rest before serving the model. */
function checkManifest(manifest: ModelManifest): void {
  const problems: string[] = [];
  if (manifest.preprocessingVersion !== PREPROCESSING_VERSION) problems.push(`preprocessing version ${manifest.preprocessingVersion}`);
  if (manifest.input?.name !== INPUT_NAME || manifest.output?.name !== OUTPUT_NAME) problems.push('input or output name');
  if (JSON.stringify(manifest.labels) !== JSON.stringify(LABELS)) problems.push('labels');
  if (problems.length > 0) throw new Error(`this page cannot run model ${manifest.version} (${problems.join(', ')}); please reload`);
}

/** Runs one loading step; a failure becomes an error whose message is fit for people (the cause keeps the details). */
async function step<T>(failure: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw new Error(failure, { cause });
  }
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/** Downloads the model and starts onnxruntime-web; rejects with a readable message when either is unavailable. */
export async function createLocalRecognizer(options: LocalRecognizerOptions): Promise<LocalRecognizer> {
  // Same-origin runtime files, never a CDN; one thread, so no SharedArrayBuffer and no worker.
  ort.env.wasm.wasmPaths = new URL(`${options.runtimeUrl}${ort.env.versions.web}/`, location.href).href;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';

  const { manifest, bytes } = await step('the model could not be downloaded', async () => {
    const manifest = (await (await fetchOk(options.manifestUrl)).json()) as ModelManifest;
    const response = await fetchOk(options.modelUrl);
    // The server's ETag is the file's sha256: the bytes must be those the manifest describes, not
    // a model deployed between the two requests.
    const etag = response.headers.get('etag');
    if (etag && etag !== `"${manifest.sha256}"`) throw new Error(`ETag ${etag} is not the manifest's sha256`);
    return { manifest, bytes: new Uint8Array(await response.arrayBuffer()) };
  });
  checkManifest(manifest);
  const px = INPUT_SIZE * INPUT_SIZE;
  const session = await step('the recognition engine could not start in this browser', async () => {
    const created = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    // The first run of a session is several times slower (kernels set up, code tiered up): pay
    // for it now rather than on the user's first digit.
    await created.run({ [INPUT_NAME]: new ort.Tensor('float32', new Float32Array(px), [1, INPUT_SIZE, INPUT_SIZE, 1]) });
    return created;
  });
  // onnxruntime-web runs one inference at a time per session.
  let queue: Promise<unknown> = Promise.resolve();

  /** Classifies images in one run of the session, in order. */
  async function classify(images: readonly Float32Array[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const input = new Float32Array(images.length * px);
    images.forEach((image, i) => input.set(image, i * px));
    const result = await session.run({ [INPUT_NAME]: new ort.Tensor('float32', input, [images.length, INPUT_SIZE, INPUT_SIZE, 1]) });
    const probabilities = result[OUTPUT_NAME].data as Float32Array;
    const classes = probabilities.length / images.length;
    return images.map((_, i) => probabilities.subarray(i * classes, (i + 1) * classes));
  }

  async function run(strokes: readonly Stroke[], options: InkOptions): Promise<Recognition> {
    const start = performance.now();
    const decision = await readLine(
      strokes,
      async (candidates) => {
        const images = candidates.map((c) => rasterizeStrokes(c));
        const present = images.filter((image): image is Float32Array => image !== null);
        const outputs = await classify(present);
        let k = 0;
        return images.map((image) => (image ? outputs[k++] : null));
      },
      options,
    );
    return { ...decision, model: manifest.version, ms: round(performance.now() - start, 3) };
  }

  return {
    model: manifest.version,
    recognize(strokes, options) {
      const next = queue.then(() => run(strokes, options));
      queue = next.catch(() => undefined);
      return next;
    },
    release: () => session.release(),
  };
}
