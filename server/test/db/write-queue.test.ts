import { describe, expect, it } from 'vitest';
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
    expect(log.lines.filter((l) => l.msg.includes('full'))).toHaveLength(2);
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
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false); // a1 is still being written
    release();
    await discarded;
    await q.drain();
    expect(written.sort()).toEqual(['a1', 'b1']);
  });

  it('close() writes what is queued, then refuses new items', async () => {
    const written: number[] = [];
    const { q } = queue<number>(async (n) => {
      await new Promise((r) => setTimeout(r, 5));
      written.push(n);
    });
    q.push(1);
    q.push(2);
    await q.close(1000);
    expect(written).toEqual([1, 2]);
    expect(q.push(3)).toBe(false);
  });
});
