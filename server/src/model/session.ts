/**
 * An onnxruntime-node session that runs when called.
 *
 * onnxruntime-node (1.x) runs a session synchronously on the main thread, but only after a
 * setImmediate (microsoft/onnxruntime#19611, #26968; a `runSync` is proposed in #27604). The
 * deferral blocks nothing less; it only makes every run wait for the next turn of the event loop,
 * which under load is a whole iteration of every other socket's work: in 200 busy rooms the
 * pen-up -> result p99 fell from ~340 to ~240 ms without it (docs/benchmarks.md, Targets). This
 * wraps the same native session the package's own handler wraps, and calls it directly.
 *
 * The binding is not public API (onnxruntime-node 1.30, as package-lock.json pins it):
 * server/test/model/session.test.ts checks it against the public InferenceSession, so an upgrade
 * that changes it fails there, not in production.
 */
import { createRequire } from 'node:module';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: InferenceSession.SessionOptions): void;
  run(feeds: Record<string, Tensor>, fetches: Record<string, null>, options: InferenceSession.RunOptions): Record<string, Tensor>;
  dispose(): void;
}

interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

const { binding, initOrt } = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as Binding;

export class SyncSession {
  private readonly native = new binding.InferenceSession();

  constructor(model: Uint8Array, options: InferenceSession.SessionOptions) {
    initOrt();
    this.native.loadModel(model.buffer, model.byteOffset, model.byteLength, { executionProviders: ['cpu'], ...options });
  }

  /** Runs the model on one input tensor; returns the named output. */
  run(inputName: string, input: Tensor, outputName: string): Tensor {
    return this.native.run({ [inputName]: input }, { [outputName]: null }, {})[outputName];
  }

  release(): void {
    this.native.dispose();
  }
}
