/**
 * A bounded, retrying background writer. Callers push and move on: a write that fails is retried
 * with backoff, then logged and dropped; a full queue drops new items (and logs) instead of
 * growing. Nothing here ever throws into the caller.
 */

export interface QueueLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WriteQueueOptions<T> {
  /** Most items waiting (not counting those being written). */
  capacity: number;
  /** Most bytes waiting, as sizeOf counts them (uploads can be large). */
  maxBytes: number;
  sizeOf: (item: T) => number;
  /** Tries per item, the first included. */
  attempts: number;
  /** Delay before the first retry; each next one waits 4x longer (with jitter). */
  backoffMs: number;
  /** Writes at once. */
  concurrency: number;
  /** Errors that retrying cannot fix: the item is dropped at once. */
  permanent?: (err: unknown) => boolean;
  log: QueueLogger;
}

export interface WriteQueueStats {
  queued: number;
  writing: number;
  written: number;
  retries: number;
  failed: number;
  dropped: number;
}

interface Entry<T> {
  item: T;
  size: number;
}

export class WriteQueue<T> {
  private readonly pending: Entry<T>[] = [];
  private readonly writing = new Set<Entry<T>>();
  private readonly inFlight = new Map<Entry<T>, Promise<void>>();
  private bytes = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats: WriteQueueStats = { queued: 0, writing: 0, written: 0, retries: 0, failed: 0, dropped: 0 };

  constructor(
    private readonly write: (item: T) => Promise<void>,
    private readonly opts: WriteQueueOptions<T>,
  ) {}

  /** Queues an item; false when it was dropped (queue full or closed). */
  push(item: T): boolean {
    const size = this.opts.sizeOf(item);
    if (this.closed || this.pending.length >= this.opts.capacity || this.bytes + size > this.opts.maxBytes) {
      this.stats.dropped++;
      this.opts.log.warn({ closed: this.closed, queued: this.pending.length, bytes: this.bytes }, 'write queue full: item dropped');
      return false;
    }
    this.pending.push({ item, size });
    this.bytes += size;
    this.update();
    this.pump();
    return true;
  }

  /** Removes waiting items that match; those already being written finish first. Resolves when they have. */
  async discard(match: (item: T) => boolean): Promise<void> {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (match(this.pending[i].item)) {
        this.bytes -= this.pending[i].size;
        this.pending.splice(i, 1);
      }
    }
    this.update();
    const running = [...this.inFlight].filter(([entry]) => match(entry.item)).map(([, p]) => p);
    await Promise.all(running);
    this.maybeIdle();
  }

  /** Resolves once nothing is waiting or being written. */
  drain(): Promise<void> {
    if (this.pending.length === 0 && this.writing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting items and waits (at most timeoutMs) for the rest to be written. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.drain(), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.opts.log.error({ queued: this.pending.length, writing: this.writing.size }, 'write queue closed before everything was written');
    }
  }

  private pump(): void {
    while (this.writing.size < this.opts.concurrency && this.pending.length > 0) {
      const entry = this.pending.shift()!;
      this.bytes -= entry.size;
      this.writing.add(entry);
      this.update();
      const done = this.run(entry).finally(() => {
        this.writing.delete(entry);
        this.inFlight.delete(entry);
        this.update();
        this.pump();
        this.maybeIdle();
      });
      this.inFlight.set(entry, done);
    }
  }

  private async run(entry: Entry<T>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(entry.item);
        this.stats.written++;
        return;
      } catch (err) {
        const permanent = this.opts.permanent?.(err) ?? false;
        if (permanent || attempt >= this.opts.attempts) {
          this.stats.failed++;
          this.opts.log.error({ err, attempt, permanent }, 'write failed; item dropped');
          return;
        }
        this.stats.retries++;
        const delay = this.opts.backoffMs * 4 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        this.opts.log.warn({ err, attempt, retryInMs: Math.round(delay) }, 'write failed; will retry');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  private update(): void {
    this.stats.queued = this.pending.length;
    this.stats.writing = this.writing.size;
  }

  private maybeIdle(): void {
    if (this.pending.length > 0 || this.writing.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
