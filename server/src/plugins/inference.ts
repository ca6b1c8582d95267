/**
 * The ONNX model as a Fastify service: loaded once at start (refused if its manifest does not
 * match this server's contract), run by onnxruntime-node (see SyncSession) through a micro-batcher.
 */
import fp from 'fastify-plugin';
import { Tensor } from 'onnxruntime-node';
import { INPUT_NAME, INPUT_SIZE, NUM_CLASSES, OUTPUT_NAME } from '../../../common/model-contract.js';
import { Batcher } from '../model/batcher.js';
import { loadModelFile } from '../model/manifest.js';
import { SyncSession } from '../model/session.js';
import type { Classifier } from '../recognition/classifier.js';

/** The model as recognition sees it (a Classifier), plus what the routes and /health need. */
export interface Inference extends Classifier {
  /** The exact bytes of the model file (served for download). */
  bytes: Buffer;
  stats: Batcher['stats'];
}

declare module 'fastify' {
  interface FastifyInstance {
    inference: Inference;
  }
}

/**
 * Images per session.run. onnxruntime's CPU arena keeps its peak for the life of the session:
 * ~0.42 MB per image of the largest run with this model (+107 MB resident after one run of 256),
 * while the time per image is the same from 8 images up (~0.11 ms). A larger batch from the
 * batcher runs in slices of this size: the same throughput, an arena of ~14 MB. (Turning the
 * arena off instead saved less and made runs of 256 70% slower.)
 */
const RUN_SLICE = 32;

export interface InferenceOptions {
  modelPath: string;
  threads: number;
  maxBatch: number;
}

export default fp<InferenceOptions>(
  async (app, opts) => {
    const { manifest, bytes } = await loadModelFile(opts.modelPath);
    const session = new SyncSession(bytes, {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const px = INPUT_SIZE * INPUT_SIZE;
    const runSlice = (input: Float32Array, count: number) =>
      session.run(INPUT_NAME, new Tensor('float32', input, [count, INPUT_SIZE, INPUT_SIZE, 1]), OUTPUT_NAME).data as Float32Array;
    const batcher = new Batcher(
      async (input, count) => {
        if (count <= RUN_SLICE) return runSlice(input, count);
        // Slices run back to back, one slice's arena at a time.
        const probabilities = new Float32Array(count * NUM_CLASSES);
        for (let i = 0; i < count; i += RUN_SLICE) {
          const n = Math.min(RUN_SLICE, count - i);
          probabilities.set(runSlice(input.subarray(i * px, (i + n) * px), n), i * NUM_CLASSES);
        }
        return probabilities;
      },
      px,
      NUM_CLASSES,
      opts.maxBatch,
    );
    app.decorate('inference', { manifest, bytes, classify: (image) => batcher.classify(image), stats: batcher.stats } satisfies Inference);
    app.addHook('onClose', async () => session.release());
    app.log.info({ model: manifest.version, sha256: manifest.sha256.slice(0, 12) }, 'model loaded');
  },
  { name: 'inference' },
);
