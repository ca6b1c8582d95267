/**
 * The in-memory world of the room scenario tests: a registry on a memory store, and clients
 * that speak to it through a Connection over an in-memory socket. The recognizer reports how
 * many strokes it was given, or is held back so that a test decides when (and in which order)
 * recognitions finish (the real one is in ws.test.ts).
 */
import { PROTOCOL_VERSION, type GroupResult, type ServerMessage } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import { applyDelta } from '../../../common/result-delta.js';
import { MemoryRoomStore } from '../../src/db/room-store.js';
import type { Clock } from '../../src/realtime/clock.js';
import { Connection } from '../../src/realtime/connection.js';
import type { BoardRecord } from '../../src/realtime/history-recorder.js';
import { RoomRegistry } from '../../src/realtime/rooms.js';

export const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
export const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

export const reading = (text: string): Recognition => ({ text, digits: [], rejected: [], model: 'test', ms: 0 });
const countStrokes = async (strokes: readonly number[][][]) => reading(String(strokes.length));

/** A recognizer that answers only when the test says so. */
export function heldBack() {
  const calls: { strokes: readonly number[][][]; resolve(r: Recognition): void; reject(err: Error): void }[] = [];
  const recognize = (strokes: readonly number[][][]) => new Promise<Recognition>((resolve, reject) => calls.push({ strokes, resolve, reject }));
  return { calls, recognize };
}

export function world(store = new MemoryRoomStore(), recognize = countStrokes, clock?: Clock) {
  const records: BoardRecord[] = [];
  /** History corrections the room asked for: [board key, text]. */
  const corrected: [string, string | null][] = [];
  const registry = new RoomRegistry({
    store,
    record: (r) => records.push(r),
    correct: (key, text) => corrected.push([key, text]),
    recognize,
    modelVersion: 'test',
    log: { warn: () => {} },
    nameOf: async (userId) => (userId === 'user-1' ? 'ana' : null),
    clock,
  });
  const client = (opts: { room?: string; resume?: { session: string; lastSeq: number }; hello?: unknown; userId?: string } = {}) => {
    const inbox: ServerMessage[] = [];
    const closes: { code: number; reason: string }[] = [];
    const socket = { send: (d: string) => inbox.push(JSON.parse(d)), close: (code: number, reason: string) => closes.push({ code, reason }) };
    const conn = new Connection(socket, registry, { warn: () => {} }, opts.userId ?? null);
    const send = (m: unknown) => conn.handle(typeof m === 'string' ? m : JSON.stringify(m));
    send(opts.hello ?? { type: 'hello', protocol: PROTOCOL_VERSION, room: opts.room ?? ROOM, ...(opts.resume ? { resume: opts.resume } : {}) });
    const of = <T extends ServerMessage['type']>(type: T) => inbox.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
    const welcome = () => of('welcome')[0];
    const lastSeq = () => Math.max(welcome()?.seq ?? 0, ...inbox.map((m) => ('seq' in m && m.type !== 'welcome' && m.type !== 'ack' ? m.seq : 0)));
    const draw = (id: string, points: number[][] = [[0, 0], [10, 10], [20, 30]]) => {
      send({ type: 'stroke-begin', strokeId: id, points: points.slice(0, 1) });
      send({ type: 'stroke-points', strokeId: id, points: points.slice(1) });
      send({ type: 'stroke-end', strokeId: id });
    };
    /** The board's numbers as a client holds them: every result merged in order. */
    const numbers = () => of('result').reduce<GroupResult[]>((held, r) => applyDelta(held, r), []);
    return { inbox, closes, send, of, welcome, lastSeq, draw, numbers, conn, close: () => conn.dispose() };
  };
  return { registry, store, client, records, corrected };
}
