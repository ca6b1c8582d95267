import { afterEach, describe, expect, it, vi } from 'vitest';
import { Prisma } from '../../src/db/client.js';
import { isDatabaseUnreachable } from '../../src/db/unreachable.js';
import { WriteQueue, type WriteQueueOptions } from '../../src/db/write-queue.js';

function logger() {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    warn: (_o: object, msg: string) => void lines.push({ level: 'warn', msg }),
    error: (_o: object, msg: string) => void lines.push({ level: 'error', msg }),
  };
}

function queue<T>(write: (item: T) => Promise<void>, opts: Partial<WriteQueueOptions<T>> = {}) {
  const log = logger();
  const q = new WriteQueue<T>(write, {
    capacity: 10,
    maxBytes: 1000,
    sizeOf: () => 1,
    attempts: 3,
    backoffMs: 1,
    concurrency: 1,
    log,
    ...opts,
  });
  return { q, log };
}

describe('WriteQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a failing write with backoff until it succeeds', async () => {
    let calls = 0;
    const written: number[] = [];
    const { q, log } = queue<number>(async (n) => {
      if (++calls < 3) throw new Error('database is down');
      written.push(n);
    });
    expect(q.push(7)).toBe(true);
    await q.drain();
    expect(written).toEqual([7]);
    expect(q.stats).toMatchObject({ written: 1, retries: 2, failed: 0 });
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('gives up after the last attempt, logs it, and goes on with the next item', async () => {
    const written: number[] = [];
    const { q, log } = queue<number>(async (n) => {
      if (n === 1) throw new Error('always fails');
      written.push(n);
    });
    q.push(1);
    q.push(2);
    await q.drain();
    expect(written).toEqual([2]);
    expect(q.stats).toMatchObject({ written: 1, failed: 1, retries: 2 });
    expect(log.lines.at(-1)).toMatchObject({ level: 'error' });
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const { q } = queue<number>(
      async () => {
        calls++;
        throw new Error('foreign key');
      },
      { permanent: () => true },
    );
    q.push(1);
    await q.drain();
    expect(calls).toBe(1);
    expect(q.stats.failed).toBe(1);
  });

  it('is bounded: drops (and logs) when full by count or by bytes, never throws', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { q, log } = queue<number>(() => gate, { capacity: 2, maxBytes: 10, sizeOf: (n) => n });
    expect(q.push(1)).toBe(true); // being written
    expect(q.push(1)).toBe(true);
    expect(q.push(9)).toBe(true);
    expect(q.push(1)).toBe(false); // 2 waiting: full
    expect(q.stats.dropped).toBe(1);
    release();
    await q.drain();
    expect(q.push(11)).toBe(false); // alone over maxBytes
    expect(q.stats.dropped).toBe(2);
    // One line per second at most: an outage can drop thousands.
    expect(log.lines.filter((l) => l.msg.includes('full'))).toHaveLength(1);
  });

  it('discards waiting items that match and waits for matching ones in flight', async () => {
    const written: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { q } = queue<string>(async (s) => {
      if (s === 'a1') await gate;
      written.push(s);
    });
    q.push('a1');
    q.push('b1');
    q.push('a2');
    const discarded = q.discard((s) => s.startsWith('a'));
    let done = false;
    void discarded.then(() => (done = true));
    // Every pending promise and timer has run: only a1's write is left, held by the gate.
    vi.useFakeTimers();
    await vi.runAllTimersAsync();
    vi.useRealTimers();
    expect(done).toBe(false); // a1 is still being written
    release();
    await discarded;
    await q.drain();
    expect(written.sort()).toEqual(['a1', 'b1']);
  });

  it('waits out an outage: transient errors are retried past attempts, in order, until the database is back', async () => {
    const state = { down: true };
    const written: number[] = [];
    const outage = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { q, log } = queue<number>(
      async (n) => {
        if (state.down) throw outage();
        written.push(n);
      },
      { transient: (err) => (err as { code?: string }).code === 'ECONNREFUSED', maxBackoffMs: 4, capacity: 3 },
    );
    vi.useFakeTimers();
    q.push(1);
    q.push(2);
    await vi.advanceTimersByTimeAsync(60);
    expect(q.stats).toMatchObject({ failing: true, written: 0, failed: 0, writing: 1, queued: 1 });
    expect(q.stats.lastError).toMatch(/ECONNREFUSED/);
    // Capped backoff: many more tries than `attempts` (3) in 60 ms.
    expect(q.stats.retries).toBeGreaterThan(5);
    // One warning for the outage, not one per retry.
    expect(log.lines.filter((l) => l.msg.includes('unreachable'))).toHaveLength(1);
    state.down = false;
    const drained = q.drain();
    await vi.advanceTimersByTimeAsync(10);
    await drained;
    expect(written).toEqual([1, 2]);
    expect(q.stats).toMatchObject({ failing: false, written: 2, failed: 0, dropped: 0 });
    expect(q.stats.lastError).toBeUndefined();
  });

  it('drops (and counts) new items that do not fit while the database is away', async () => {
    const { q } = queue<number>(() => Promise.reject(Object.assign(new Error('Connection terminated'), { code: 'X' })), {
      transient: () => true,
      capacity: 2,
      maxBackoffMs: 5,
    });
    for (let i = 0; i < 10; i++) q.push(i);
    // One being written, two waiting, seven dropped.
    expect(q.stats).toMatchObject({ writing: 1, queued: 2, dropped: 7 });
    await q.close(30);
    expect(q.stats).toMatchObject({ writing: 0, queued: 0, dropped: 9, failed: 1 });
  });

  it('a permanent error is not retried even when transient() would say so; other errors keep their few attempts', async () => {
    let calls = 0;
    const { q } = queue<number>(
      async (n) => {
        calls++;
        throw new Error(n === 1 ? 'duplicate' : 'bad value');
      },
      { permanent: (err) => (err as Error).message === 'duplicate', transient: (err) => (err as Error).message === 'duplicate' },
    );
    q.push(1);
    q.push(2);
    await q.drain();
    expect(calls).toBe(1 + 3);
    expect(q.stats).toMatchObject({ failed: 2, failing: false });
  });

  it('discard() does not wait for an item retrying through an outage', async () => {
    const { q } = queue<string>(() => Promise.reject(new Error('down')), { transient: () => true, backoffMs: 10_000, maxBackoffMs: 10_000 });
    vi.useFakeTimers();
    q.push('a');
    // The first attempt fails; the retry waits 10 s.
    await vi.advanceTimersByTimeAsync(5);
    await q.discard((s) => s === 'a');
    await q.drain();
    expect(q.stats).toMatchObject({ writing: 0, failed: 0, written: 0 });
  });

  it('close() writes what is queued, then refuses new items', async () => {
    vi.useFakeTimers();
    const written: number[] = [];
    const { q } = queue<number>(async (n) => {
      // A write that takes a while.
      await new Promise((r) => setTimeout(r, 5));
      written.push(n);
    });
    q.push(1);
    q.push(2);
    const closed = q.close(1000);
    await vi.advanceTimersByTimeAsync(20);
    await closed;
    expect(written).toEqual([1, 2]);
    expect(q.push(3)).toBe(false);
  });
});

describe('isDatabaseUnreachable', () => {
  const known = (code: string, meta?: Record<string, unknown>) => new Prisma.PrismaClientKnownRequestError('x', { code, clientVersion: 'test', meta });
  const adapter = (cause: object) => ({ driverAdapterError: { name: 'DriverAdapterError', cause } });

  it('is true for an outage, however it is reported', () => {
    for (const err of [
      known('P1001'),
      known('P1002'),
      known('P1017'),
      known('P2010', adapter({ kind: 'DatabaseNotReachable', host: 'h', port: 1 })),
      known('P2010', adapter({ kind: 'postgres', code: '57P01', originalCode: '57P01' })),
      known('P2010', adapter({ kind: 'postgres', code: '08006', originalCode: '08006' })),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('wrapped', { cause: Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }) }),
    ]) {
      expect(isDatabaseUnreachable(err), String(err)).toBe(true);
    }
  });

  it('is false for errors about the query or the data', () => {
    for (const err of [
      known('P2002'),
      known('P2003'),
      known('P2010', adapter({ kind: 'postgres', code: '23505', originalCode: '23505' })),
      known('P2010', adapter({ kind: 'UniqueConstraintViolation' })),
      new Error('disk full'),
      new Error('connection reset'),
      null,
      'text',
    ]) {
      expect(isDatabaseUnreachable(err), String(err)).toBe(false);
    }
  });
});
