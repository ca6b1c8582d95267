/**
 * Micro-batching: requests made in the same task (or while a run is under way) go into one run.
 * onnxruntime runs a session synchronously on the main thread (SyncSession), and one run of n
 * images costs far less than n runs (~0.11 ms per image from 8 up). Rasterization already draws
 * the digits requested in one turn of the loop in one strip, which completes as one task: its
 * digits, often from many requests, make one batch.
 */
export type RunBatch = (inputs: Float32Array, count: number) => Promise<Float32Array>;

interface Pending {
  image: Float32Array;
  resolve: (probabilities: Float32Array) => void;
  reject: (err: Error) => void;
}

export class Batcher {
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  /** Counts for the health endpoint and benchmarks. */
  readonly stats = { runs: 0, images: 0, largestBatch: 0 };

  constructor(
    private readonly run: RunBatch,
    private readonly inputSize: number,
    private readonly outputSize: number,
    private readonly maxBatch = 256,
  ) {}

  /** Classifies one input (inputSize floats); resolves with its outputSize probabilities. */
  classify(image: Float32Array): Promise<Float32Array> {
    if (image.length !== this.inputSize) {
      return Promise.reject(new Error(`expected ${this.inputSize} floats, got ${image.length}`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ image, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // A microtask: every request made in this task joins the batch, and the run does not wait
    // behind the turn's other setImmediate callbacks (a busy board queues one per socket to
    // flush). A setImmediate here cost 30-40% of the in-server p99 from pen-up to result in 200
    // busy rooms, and gave REST no clear gain (docs/benchmarks.md, Targets).
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const input = new Float32Array(batch.length * this.inputSize);
    batch.forEach((p, i) => input.set(p.image, i * this.inputSize));
    try {
      const output = await this.run(input, batch.length);
      this.stats.runs++;
      this.stats.images += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      batch.forEach((p, i) => p.resolve(output.slice(i * this.outputSize, (i + 1) * this.outputSize)));
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
