/**
 * Scenario tests of the board protocol with an in-memory socket, deterministic: handshake,
 * streaming, pen-up recognition, clear, version mismatch, malformed frames, limits.
 * The recognizer here records what it was asked (the real one is covered by ws.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, MAX_POINTS_PER_MESSAGE, PROTOCOL_VERSION, type ServerMessage } from '../../../common/protocol.js';
import type { Stroke } from '../../../common/preprocess.js';
import { LIMITS, type Recognition } from '../../../common/recognition.js';
import { BoardSession } from '../../src/realtime/board-session.js';

function harness(recognize?: (strokes: readonly Stroke[]) => Promise<Recognition>) {
  const sent: ServerMessage[] = [];
  const closed: { code: number; reason: string }[] = [];
  const asked: number[] = [];
  const session = new BoardSession(
    { send: (d) => sent.push(JSON.parse(d)), close: (code, reason) => closed.push({ code, reason }) },
    {
      recognize:
        recognize ??
        (async (strokes) => {
          asked.push(strokes.length);
          return { text: String(strokes.length % 10), digits: [], rejected: [], model: 'test', ms: 0 };
        }),
      modelVersion: 'test',
      log: { warn: () => {} },
    },
  );
  const send = (msg: unknown) => session.handle(typeof msg === 'string' ? msg : JSON.stringify(msg));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const ofType = <T extends ServerMessage['type']>(type: T) => sent.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  return { session, sent, closed, asked, send, settle, ofType };
}

const hello = { type: 'hello', protocol: PROTOCOL_VERSION };

describe('BoardSession', () => {
  it('welcomes a client that speaks our version', () => {
    const h = harness();
    h.send(hello);
    expect(h.sent).toEqual([{ type: 'welcome', protocol: PROTOCOL_VERSION, model: 'test', limits: expect.any(Object) }]);
    expect(h.closed).toEqual([]);
  });

  it('closes with versionMismatch on a too-old or too-new peer', () => {
    for (const protocol of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const h = harness();
      h.send({ type: 'hello', protocol });
      expect(h.closed).toEqual([{ code: CloseCode.versionMismatch, reason: expect.stringContaining(String(PROTOCOL_VERSION)) }]);
      h.send(hello);
      expect(h.sent).toEqual([]); // nothing after the close
    }
  });

  it('requires hello first, and only once', () => {
    const h = harness();
    h.send({ type: 'ping', t: 1 });
    expect(h.closed[0].code).toBe(CloseCode.badHandshake);
    const h2 = harness();
    h2.send(hello);
    h2.send(hello);
    expect(h2.closed[0].code).toBe(CloseCode.badHandshake);
    const h3 = harness();
    h3.send('garbage');
    expect(h3.ofType('error')[0].code).toBe('bad_json');
  });

  it('assembles streamed points and recognizes all the ink at each pen-up', async () => {
    const h = harness(async (strokes) => {
      h.asked.push(strokes.length);
      return { text: JSON.stringify(strokes), digits: [], rejected: [], model: 'test', ms: 0 };
    });
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[1, 2, 0]] });
    h.send({ type: 'stroke-points', strokeId: 'a', points: [[3, 4, 8], [5, 6, 16]] });
    expect(h.asked).toEqual([]); // not before pen-up
    h.send({ type: 'stroke-end', strokeId: 'a' });
    await h.settle();
    const [result] = h.ofType('result');
    expect(result.strokes).toBe(1);
    expect(JSON.parse(result.result.text)).toEqual([[[1, 2, 0], [3, 4, 8], [5, 6, 16]]]);
  });

  it('runs one recognition at a time and catches up with the latest ink', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness(async (strokes) => {
      h.asked.push(strokes.length);
      await gate;
      return { text: '', digits: [], rejected: [], model: 'test', ms: 0 };
    });
    h.send(hello);
    for (const id of ['a', 'b', 'c']) {
      h.send({ type: 'stroke-begin', strokeId: id, points: [[1, 1]] });
      h.send({ type: 'stroke-end', strokeId: id });
    }
    expect(h.asked).toEqual([1]);
    release();
    await h.settle();
    await h.settle();
    expect(h.asked).toEqual([1, 3]); // the two pen-ups during the first run become one run
    expect(h.ofType('result').map((r) => r.strokes)).toEqual([1, 3]);
  });

  it('clears the board for a fresh start', async () => {
    const h = harness();
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[1, 1]] });
    h.send({ type: 'stroke-end', strokeId: 'a' });
    await h.settle();
    h.send({ type: 'clear' });
    await h.settle();
    expect(h.ofType('cleared')).toHaveLength(1);
    expect(h.ofType('result').at(-1)!.strokes).toBe(0);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[1, 1]] }); // ids are free again
    expect(h.ofType('error')).toEqual([]);
  });

  it('never sends a result for ink from before a clear after the clear', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness(async (strokes) => {
      if (strokes.length > 0) await gate;
      return { text: String(strokes.length), digits: [], rejected: [], model: 'test', ms: 0 };
    });
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[1, 1]] });
    h.send({ type: 'stroke-end', strokeId: 'a' });
    h.send({ type: 'clear' });
    release();
    for (let i = 0; i < 4; i++) await h.settle();
    const after = h.sent.slice(h.sent.findIndex((m) => m.type === 'cleared'));
    expect(after.filter((m) => m.type === 'result').map((m) => (m as { strokes: number }).strokes)).toEqual([0]);
  });

  it('answers malformed messages with a clear error and keeps going', async () => {
    const h = harness();
    h.send(hello);
    const bad: unknown[] = [
      '{"type":',
      [],
      { type: 'nope' },
      { type: 'stroke-begin', strokeId: 'a', points: [] },
      { type: 'stroke-begin', strokeId: 'a', points: [['1', 2]] },
      { type: 'stroke-begin', strokeId: 'a', points: [[1e9, 2]] },
      { type: 'stroke-begin', strokeId: 'a', points: [[1, 2, 3, 4]] },
      { type: 'stroke-begin', strokeId: '../../etc', points: [[1, 2]] },
      { type: 'stroke-begin', strokeId: 'a', points: [[1, 2]], extra: true },
      '{"type":"stroke-begin","strokeId":"a","points":[[1e999,2]]}',
      { type: 'stroke-points', strokeId: 'a', points: Array.from({ length: MAX_POINTS_PER_MESSAGE + 1 }, () => [1, 1]) },
      { type: 'stroke-end', strokeId: 'never-begun' },
    ];
    for (const msg of bad) h.send(msg);
    const errors = h.ofType('error');
    expect(errors).toHaveLength(bad.length);
    for (const e of errors) expect(e.message.length).toBeGreaterThan(5);
    expect(errors[0].code).toBe('bad_json');
    expect(errors[4].message).toContain('stroke-begin');
    expect(errors.at(-1)!.code).toBe('unknown_stroke');
    expect(h.closed).toEqual([]);
    h.send({ type: 'ping', t: 42 });
    expect(h.sent.at(-1)).toEqual({ type: 'pong', t: 42 });
  });

  it('enforces ink limits per stroke and per board', () => {
    const h = harness();
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 's', points: [[0, 0]] });
    const batch = Array.from({ length: MAX_POINTS_PER_MESSAGE }, (_, i) => [i, i]);
    for (let i = 0; i < Math.ceil(LIMITS.maxPointsPerStroke / MAX_POINTS_PER_MESSAGE) + 1; i++) {
      h.send({ type: 'stroke-points', strokeId: 's', points: batch });
    }
    expect(h.ofType('error').map((e) => e.code)).toContain('too_much_ink');

    const h2 = harness();
    h2.send(hello);
    for (let i = 0; i < LIMITS.maxStrokes + 1; i++) {
      h2.send({ type: 'stroke-begin', strokeId: `s${i}`, points: [[0, 0]] });
      h2.send({ type: 'stroke-end', strokeId: `s${i}` });
    }
    expect(h2.ofType('error').map((e) => e.code)).toEqual(['too_much_ink', 'unknown_stroke']);
  });

  it('rejects a duplicate stroke id', () => {
    const h = harness();
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[0, 0]] });
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[0, 0]] });
    expect(h.ofType('error')[0].code).toBe('duplicate_stroke');
  });

  it('reports a failed recognition without dropping the ink', async () => {
    let fail = true;
    const h = harness(async (strokes) => {
      if (fail) throw new Error('boom');
      return { text: String(strokes.length), digits: [], rejected: [], model: 'test', ms: 0 };
    });
    h.send(hello);
    h.send({ type: 'stroke-begin', strokeId: 'a', points: [[0, 0]] });
    h.send({ type: 'stroke-end', strokeId: 'a' });
    await h.settle();
    expect(h.ofType('error')[0].code).toBe('recognition_failed');
    fail = false;
    h.send({ type: 'stroke-begin', strokeId: 'b', points: [[0, 0]] });
    h.send({ type: 'stroke-end', strokeId: 'b' });
    await h.settle();
    expect(h.ofType('result')[0]).toMatchObject({ strokes: 2, result: { text: '2' } });
  });
});
