/**
 * The bounded, retrying background writer of everything stored in the database: history records
 * (plugins/history.ts) and board records (prisma-room-store.ts). Callers push and move on: a
 * write that fails is retried with backoff, then logged and given up; a full queue drops new
 * items (and logs) instead of growing. While the database is unreachable (`transient` errors)
 * items are not given up: they wait, retried with capped backoff until it answers, and only new
 * items that do not fit are dropped. A caller that must know the outcome of an item (a board
 * acknowledges a stroke only once it is stored) passes a callback to push(). Nothing here ever
 * throws into the caller.
 */

export interface QueueLogger {
  info?(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Told once how an item ended: no error when it was written. */
export type Outcome = (err?: Error) => void;

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
  /**
   * Errors that say the database is unreachable: the item is retried until it is written (they
   * do not count towards `attempts`), waiting backoffMs, doubling up to maxBackoffMs.
   */
  transient?: (err: unknown) => boolean;
  /** Longest wait between retries of a transient error. Default 5 s. */
  maxBackoffMs?: number;
  log: QueueLogger;
}

export interface WriteQueueStats {
  queued: number;
  writing: number;
  written: number;
  retries: number;
  failed: number;
  dropped: number;
  /** The last write failed with a transient error (the database is unreachable). */
  failing: boolean;
  lastError?: string;
}

interface Entry<T> {
  item: T;
  size: number;
  done?: Outcome;
  /** Discarded or closed while being written: no further retry. */
  cancelled?: 'discarded' | 'closed';
}

export class WriteQueue<T> {
  private readonly pending: Entry<T>[] = [];
  private readonly writing = new Set<Entry<T>>();
  private readonly inFlight = new Map<Entry<T>, Promise<void>>();
  private bytes = 0;
  private closed = false;
  private lastDropLog = -Infinity;
  private idleWaiters: (() => void)[] = [];
  /** Wakes a retry's backoff early (discard, close). */
  private readonly sleepers = new Map<Entry<T>, () => void>();
  readonly stats: WriteQueueStats = { queued: 0, writing: 0, written: 0, retries: 0, failed: 0, dropped: 0, failing: false };

  constructor(
    private readonly write: (item: T) => Promise<void>,
    private readonly opts: WriteQueueOptions<T>,
  ) {}

  /** Queues an item; false when it was dropped (queue full or closed), and then `done` is not called. */
  push(item: T, done?: Outcome): boolean {
    const size = this.opts.sizeOf(item);
    if (this.closed || this.pending.length >= this.opts.capacity || this.bytes + size > this.opts.maxBytes) {
      this.stats.dropped++;
      // During an outage every push may land here: one line per second, with the count.
      const now = Date.now();
      if (now - this.lastDropLog >= 1000) {
        this.opts.log.warn(
          { closed: this.closed, queued: this.pending.length, bytes: this.bytes, dropped: this.stats.dropped, failing: this.stats.failing },
          'write queue full: item dropped',
        );
        this.lastDropLog = now;
      }
      return false;
    }
    this.pending.push({ item, size, done });
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
        this.pending.splice(i, 1)[0].done?.(new Error('discarded before it was written'));
      }
    }
    this.update();
    const running = [...this.inFlight].filter(([entry]) => match(entry.item));
    // An item waiting out an outage would otherwise hold this up until the database is back.
    for (const [entry] of running) this.cancel(entry, 'discarded');
    await Promise.all(running.map(([, p]) => p));
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
      this.opts.log.error(
        { queued: this.pending.length, writing: this.writing.size, lastError: this.stats.lastError },
        'write queue closed before everything was written',
      );
      // Items retrying through an outage stop at their next retry instead of outliving the app.
      this.stats.dropped += this.pending.length;
      for (const entry of this.pending.splice(0)) entry.done?.(new Error('write queue closed before the item was written'));
      this.bytes = 0;
      for (const entry of this.writing) this.cancel(entry, 'closed');
      this.update();
      // Woken from their backoff, they stop at once; one stuck in a write gets a short grace.
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(timeoutMs, 1_000))));
      await Promise.race([Promise.allSettled(this.inFlight.values()), grace]);
      clearTimeout(timer);
    }
  }

  private cancel(entry: Entry<T>, why: 'discarded' | 'closed'): void {
    entry.cancelled = why;
    this.sleepers.get(entry)?.();
  }

  private pump(): void {
    while (this.writing.size < this.opts.concurrency && this.pending.length > 0) {
      const entry = this.pending.shift()!;
      this.bytes -= entry.size;
      this.writing.add(entry);
      this.update();
      const done = this.run(entry).then((err) => entry.done?.(err)).finally(() => {
        this.writing.delete(entry);
        this.inFlight.delete(entry);
        this.update();
        this.pump();
        this.maybeIdle();
      });
      this.inFlight.set(entry, done);
    }
  }

  /** Writes an item, retrying as the options say; resolves with the error it was given up with, if any. */
  private async run(entry: Entry<T>): Promise<Error | undefined> {
    let failures = 0;
    let outages = 0;
    for (;;) {
      try {
        await this.write(entry.item);
        this.stats.written++;
        if (this.stats.failing) {
          this.stats.failing = false;
          this.stats.lastError = undefined;
          this.opts.log.info?.({ queued: this.pending.length }, 'database reachable again: writing what waited');
        }
        return undefined;
      } catch (err) {
        const permanent = this.opts.permanent?.(err) ?? false;
        const transient = !permanent && (this.opts.transient?.(err) ?? false);
        let delay: number;
        if (transient) {
          outages++;
          if (!this.stats.failing) this.opts.log.warn({ err }, 'database unreachable: writes wait until it is back');
          this.stats.failing = true;
          this.stats.lastError = err instanceof Error ? err.message : String(err);
          delay = Math.min(this.opts.maxBackoffMs ?? 5_000, this.opts.backoffMs * 2 ** (outages - 1));
        } else {
          failures++;
          if (permanent || failures >= this.opts.attempts) {
            this.stats.failed++;
            this.opts.log.error({ err, attempt: failures + outages, permanent }, 'write failed; given up');
            return asError(err);
          }
          delay = this.opts.backoffMs * 4 ** (failures - 1);
          this.opts.log.warn({ err, attempt: failures + outages, retryInMs: Math.round(delay) }, 'write failed; will retry');
        }
        if (!entry.cancelled) {
          this.stats.retries++;
          await this.sleep(entry, delay * (0.75 + Math.random() * 0.5));
        }
        if (entry.cancelled === 'discarded') return new Error('discarded before it was written');
        if (entry.cancelled === 'closed') {
          this.stats.failed++;
          this.opts.log.error({ err }, 'write queue closed while retrying; item dropped');
          return new Error('write queue closed before the item was written');
        }
      }
    }
  }

  private sleep(entry: Entry<T>, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(entry);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.set(entry, wake);
    });
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

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
