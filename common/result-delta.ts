/**
 * Results on the wire as changes (protocol 3). A board's numbers change one or two at a time, so
 * each `result` message carries only the numbers that are new or changed since the previous one
 * and the ids of those that are gone; a joining member gets every number once (`full`). With 100
 * writers on one board this is the difference between a few hundred bytes and ~75 KB per result,
 * sent to every member.
 */
import type { GroupResult } from './protocol.js';

export interface ResultDelta {
  /** Numbers that are new or changed (all of them when `full`). */
  groups: GroupResult[];
  /** Ids of numbers no longer on the board. */
  removed: string[];
  /** `groups` is the whole board: replace rather than merge. */
  full: boolean;
}

/** Reading order, as common/grouping.ts sorts numbers: rows top to bottom, then left to right. */
function readingOrder(a: GroupResult, b: GroupResult): number {
  return Math.abs(a.box.y - b.box.y) > a.box.height / 2 ? a.box.y - b.box.y : a.box.x - b.box.x;
}

/** A client's numbers after a `result` message. */
export function applyDelta(current: readonly GroupResult[], delta: ResultDelta): GroupResult[] {
  if (delta.full) return [...delta.groups];
  const gone = new Set([...delta.removed, ...delta.groups.map((g) => g.id)]);
  return [...current.filter((g) => !gone.has(g.id)), ...delta.groups].sort(readingOrder);
}
