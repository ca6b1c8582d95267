/**
 * Valid board messages for the WebSocket fuzz run, written from what one connection knows about
 * its board so that they refer to real strokes (and sometimes to strokes that are gone).
 */
import { MAX_POINTS_PER_MESSAGE, PROTOCOL_VERSION } from '../../common/protocol.js';
import { obj } from './hostile-values.js';
import type { Random } from './random.js';

/** What one fuzzing connection knows about its board, to write plausible (and implausible) messages. */
export interface BoardContext {
  /** A prefix unique to the session: stroke ids must be unique on a shared board. */
  prefix: string;
  counter: number;
  /** Strokes this connection began and has not ended. */
  open: string[];
  /** Strokes this connection completed. */
  done: string[];
}

export function newContext(prefix: string): BoardContext {
  return { prefix, counter: 0, open: [], done: [] };
}

export function points(r: Random, n: number): number[][] {
  const out: number[][] = [];
  let x = r.int(0, 1000), y = r.int(0, 800);
  for (let i = 0; i < n; i++) {
    x += r.int(-8, 8);
    y += r.int(-8, 8);
    out.push(r.chance(0.5) ? [x, y] : [x, y, i * 16]);
  }
  return out;
}

/** Mostly a few points, as a pen streams them; sometimes a frame-full. */
const pointCount = (r: Random) => (r.chance(0.05) ? r.int(100, MAX_POINTS_PER_MESSAGE) : r.int(1, 30));

export function validBoardMessage(r: Random, ctx: BoardContext): Record<string, unknown> {
  const open = ctx.open.length > 0 ? r.pick(ctx.open) : null;
  const any = ctx.open.length + ctx.done.length > 0 ? r.pick([...ctx.open, ...ctx.done]) : `${ctx.prefix}-x`;
  return r.weighted<() => Record<string, unknown>>([
    [5, () => obj({ type: 'stroke-begin', strokeId: `${ctx.prefix}-${++ctx.counter}`, points: points(r, pointCount(r)) })],
    [6, () => obj({ type: 'stroke-points', strokeId: open ?? `${ctx.prefix}-${ctx.counter}`, points: points(r, pointCount(r)) })],
    [4, () => obj({ type: 'stroke-end', strokeId: open ?? any })],
    [1, () => obj({ type: 'undo' })],
    [1, () => obj({ type: 'erase', strokeId: any })],
    [0.3, () => obj({ type: 'clear' })],
    [2, () => obj({ type: 'cursor', x: r.int(-100, 1100), y: r.int(-100, 900) })],
    [1, () => obj({ type: 'ping', t: r.next() * 1e9 })],
  ])();
}

/** Records the effect of a message the server accepted, so that later messages refer to real strokes. */
export function track(ctx: BoardContext, msg: { type: string; strokeId?: string }): void {
  if (msg.type === 'stroke-begin' && msg.strokeId && !ctx.open.includes(msg.strokeId)) ctx.open.push(msg.strokeId);
  if (msg.type === 'stroke-end' && msg.strokeId) {
    ctx.open = ctx.open.filter((id) => id !== msg.strokeId);
    if (!ctx.done.includes(msg.strokeId)) ctx.done.push(msg.strokeId);
  }
  if (msg.type === 'clear') ctx.open = [];
  // Keep ids from growing without bound over a long session.
  if (ctx.done.length > 50) ctx.done.shift();
}

export function helloMessage(r: Random, room?: string): Record<string, unknown> {
  const m = obj({ type: 'hello', protocol: PROTOCOL_VERSION });
  if (room) m.room = room;
  if (r.chance(0.5)) m.name = r.pick(['Ada', 'Grace', '🖊️', 'x'.repeat(40), '<b>bold</b>']);
  return m;
}
