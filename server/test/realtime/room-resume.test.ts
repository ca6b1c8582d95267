/**
 * Room scenario tests of reconnecting: resuming with only what was missed, the replay log's
 * size, re-sent strokes, and a reconnect that races the old socket.
 */
import { describe, expect, it } from 'vitest';
import { ROOM, settle, world } from './room-world.js';

describe('rooms: resuming', () => {
  it('resumes a reconnecting client with only what it missed, without duplicates', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.draw('a1');
    await settle();
    const seen = b.lastSeq();
    const session = b.welcome().session;
    b.close();
    a.draw('a2');
    a.draw('a3');
    await settle();
    const b2 = w.client({ resume: { session, lastSeq: seen } });
    await settle();
    expect(b2.welcome().board).toBeUndefined();
    expect(b2.welcome().you.id).toBe(b.welcome().you.id);
    const replayed = b2.of('stroke-begin').map((e) => e.stroke.id);
    expect(replayed).toEqual(['a2', 'a3']);
    expect(b2.inbox.filter((m) => 'seq' in m && m.type !== 'welcome' && m.type !== 'ack').every((m) => (m as { seq: number }).seq > seen)).toBe(true);
  });

  it('keeps about a megabyte of events for resuming: further behind gets the whole board, a little behind a replay', async () => {
    const w = world();
    const late = w.client();
    const recent = w.client();
    await settle();
    const sessions = [late.welcome().session, recent.welcome().session];
    const seenBefore = late.lastSeq();
    late.close();
    // 20 writers x 15 strokes x 512 points: ~2 MB of events, twice the log's byte cap.
    const writers = Array.from({ length: 20 }, () => w.client());
    await settle();
    writers.forEach((c, i) => {
      for (let k = 0; k < 15; k++) c.draw(`w${i}-${k}`, Array.from({ length: 512 }, (_, j) => [i * 100 + (j % 90), k * 100 + (j % 80), k * 512 + j]));
    });
    await settle();
    const seenLast = recent.lastSeq();
    recent.close();
    writers[0].draw('last');
    await settle();
    const far = w.client({ resume: { session: sessions[0], lastSeq: seenBefore } });
    const near = w.client({ resume: { session: sessions[1], lastSeq: seenLast } });
    await settle();
    expect(far.welcome().board!.strokes).toHaveLength(301);
    expect(near.welcome().board).toBeUndefined();
    expect(near.of('stroke-begin').map((e) => e.stroke.id)).toEqual(['last']);
  });

  it("re-sent strokes after a reconnect are idempotent: acked again, not duplicated", async () => {
    const w = world();
    const a = w.client();
    await settle();
    a.draw('a1');
    await settle();
    const session = a.welcome().session;
    a.close();
    const a2 = w.client({ resume: { session, lastSeq: 0 } });
    await settle();
    a2.draw('a1'); // the client did not see the ack and sends the stroke again
    await settle();
    expect(a2.of('ack').map((x) => x.strokeId)).toEqual(['a1']);
    expect(a2.of('error')).toEqual([]);
    expect((await w.store.load(ROOM)).strokes.map((s) => s.id)).toEqual(['a1']);
    const c = w.client();
    await settle();
    expect(c.welcome().board!.strokes).toHaveLength(1);
  });

  it('a reconnect that races the old socket keeps the new one', async () => {
    const w = world();
    const a = w.client();
    await settle();
    const session = a.welcome().session;
    const a2 = w.client({ resume: { session, lastSeq: 0 } });
    await settle();
    expect(a.closes[0]?.reason).toContain('newer connection');
    a.close(); // the old socket's close arrives late
    const b = w.client();
    await settle();
    expect(b.welcome().participants.map((p) => p.id)).toContain(a2.welcome().you.id);
  });
});
