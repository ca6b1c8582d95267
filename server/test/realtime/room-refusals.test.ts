/**
 * Room scenario tests of what a room refuses from a joined writer: malformed frames, floods,
 * another writer's stroke id.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../common/protocol.js';
import { RATE } from '../../src/realtime/connection.js';
import { settle, world } from './room-world.js';

describe('rooms: refusals', () => {
  it('answers malformed frames with errors and keeps the connection', async () => {
    const w = world();
    const a = w.client();
    await settle();
    const bad = ['{', '[]', '{"type":"nope"}', '{"type":"stroke-begin","strokeId":"x","points":[["1",2]]}', '{"type":"cursor","x":"a","y":1}', '{"type":"erase","strokeId":"missing"}', '{"type":"stroke-end","strokeId":"never"}'];
    for (const f of bad) a.send(f);
    expect(a.of('error').map((e) => e.code)).toEqual(['bad_json', 'bad_message', 'bad_message', 'bad_message', 'bad_message', 'unknown_stroke', 'unknown_stroke']);
    expect(a.closes).toEqual([]);
    a.send({ type: 'ping', t: 7 });
    expect(a.of('pong')).toEqual([{ type: 'pong', t: 7 }]);
  });

  it('rate-limits a flooding connection and finally closes it', async () => {
    const w = world();
    const a = w.client();
    await settle();
    for (let i = 0; i < RATE.messagesPerSecond * 2 + 150; i++) a.send({ type: 'ping', t: i });
    expect(a.of('error').some((e) => e.code === 'rate_limited')).toBe(true);
    expect(a.closes[0]?.code).toBe(CloseCode.rateLimited);
  });

  it('does not let one writer steal another\'s stroke id', async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await settle();
    a.send({ type: 'stroke-begin', strokeId: 's', points: [[0, 0]] });
    b.send({ type: 'stroke-begin', strokeId: 's', points: [[9, 9]] });
    b.send({ type: 'stroke-points', strokeId: 's', points: [[9, 9]] });
    expect(b.of('error').map((e) => e.code)).toEqual(['duplicate_stroke', 'unknown_stroke']);
  });
});
