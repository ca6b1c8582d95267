/**
 * Room scenario tests of joining a board: the welcome, names, a full room, protocol versions.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, MAX_ROOM_PARTICIPANTS, PROTOCOL_VERSION } from '../../../common/protocol.js';
import { ROOM, settle, world } from './room-world.js';

describe('rooms: joining', () => {
  it('welcomes with identity, the board and the participants; others see the newcomer', async () => {
    const w = world();
    const a = w.client();
    await settle();
    expect(a.welcome()).toMatchObject({ protocol: PROTOCOL_VERSION, room: ROOM, seq: 0, board: { strokes: [] } });
    expect(a.welcome().you.name.length).toBeGreaterThan(2);
    const b = w.client();
    await settle();
    expect(b.welcome().participants).toHaveLength(2);
    expect(a.of('presence').at(-1)!.participants.map((p) => p.id)).toContain(b.welcome().you.id);
    expect(a.welcome().you.color).not.toBe(b.welcome().you.color);
  });

  it("shows a logged-in writer under their account's name, others under the name they asked for or a generated one", async () => {
    const w = world();
    const logged = w.client({ userId: 'user-1' });
    const named = w.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: ROOM, name: 'Swift Otter' } });
    const anon = w.client();
    await settle();
    expect(logged.welcome().you.name).toBe('ana');
    expect(named.welcome().you.name).toBe('Swift Otter');
    expect(anon.welcome().you.name).toMatch(/^\S+ \S+$/);
  });

  it('refuses the next writer of a full room with a clear close code', async () => {
    const w = world();
    for (let i = 0; i < MAX_ROOM_PARTICIPANTS; i++) w.client();
    await settle();
    const extra = w.client();
    await settle();
    expect(extra.closes).toEqual([{ code: CloseCode.roomFull, reason: expect.stringContaining(String(MAX_ROOM_PARTICIPANTS)) }]);
  });

  it('closes too-old and too-new peers with versionMismatch, and a missing hello with badHandshake', async () => {
    const w = world();
    for (const protocol of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const c = w.client({ hello: { type: 'hello', protocol } });
      expect(c.closes[0].code).toBe(CloseCode.versionMismatch);
    }
    expect(w.client({ hello: { type: 'ping', t: 1 } }).closes[0].code).toBe(CloseCode.badHandshake);
    expect(w.client({ hello: { type: 'hello', protocol: PROTOCOL_VERSION, room: '../../etc/passwd' } }).closes[0].code).toBe(CloseCode.badHandshake);
  });
});
