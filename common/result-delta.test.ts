import { describe, expect, it } from 'vitest';
import type { GroupResult } from './protocol.js';
import { applyDelta, type ResultDelta } from './result-delta.js';

const recognition = (text: string) => ({ text, digits: [], rejected: [], model: 'test', ms: 0 });
/** A number at column `col`, row `row`, made of `ids`. */
const group = (ids: string[], col: number, row = 0): GroupResult => ({
  id: ids[0],
  box: { x: col * 200, y: row * 300, width: 100, height: 150 },
  strokeIds: ids,
  result: recognition(ids.join('')),
});

/**
 * The change from `before` to `after` (both complete lists of a board's numbers), as a server
 * that recomputes the whole board would send it. (Rooms send one number at a time since they
 * recognize numbers one by one; this drives applyDelta through arbitrary changes.)
 */
function diffGroups(before: readonly GroupResult[], after: readonly GroupResult[]): ResultDelta {
  const signature = (g: GroupResult) => [...g.strokeIds].sort().join(' ');
  const previous = new Map(before.map((g) => [g.id, signature(g)]));
  const present = new Set(after.map((g) => g.id));
  return { groups: after.filter((g) => previous.get(g.id) !== signature(g)), removed: before.filter((g) => !present.has(g.id)).map((g) => g.id), full: false };
}

describe('result deltas', () => {
  it('carries only new and changed numbers, and the ids of removed ones', () => {
    const before = [group(['a'], 0), group(['b'], 1), group(['c'], 2)];
    const after = [group(['a'], 0), group(['b', 'b2'], 1), group(['d'], 3)];
    const delta = diffGroups(before, after);
    expect(delta.full).toBe(false);
    expect(delta.groups.map((g) => g.id)).toEqual(['b', 'd']);
    expect(delta.removed).toEqual(['c']);
    expect(applyDelta(before, delta)).toEqual(after);
  });

  it('sees no change when a number keeps its strokes in another order', () => {
    const delta = diffGroups([group(['a', 'b'], 0)], [{ ...group(['b', 'a'], 0), id: 'a' }]);
    expect(delta).toEqual({ groups: [], removed: [], full: false });
  });

  it('replaces everything with a full result', () => {
    const held = [group(['x'], 0), group(['y'], 1)];
    expect(applyDelta(held, { groups: [group(['z'], 4)], removed: [], full: true })).toEqual([group(['z'], 4)]);
  });

  it('rebuilds any board from a chain of deltas, in reading order', () => {
    // A seeded walk through boards of up to 12 numbers on 3 rows: strokes added, moved, erased.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const sorted = (gs: GroupResult[]) =>
      [...gs].sort((a, b) => (Math.abs(a.box.y - b.box.y) > a.box.height / 2 ? a.box.y - b.box.y : a.box.x - b.box.x));
    let server: GroupResult[] = [];
    let client: GroupResult[] = [];
    for (let step = 0; step < 500; step++) {
      const next = new Map(server.map((g) => [`${g.box.x},${g.box.y}`, g]));
      for (let k = rand(3); k >= 0; k--) {
        const col = rand(4), row = rand(3), key = `${col * 200},${row * 300}`;
        const existing = next.get(key);
        if (existing && rand(3) === 0) next.delete(key);
        else next.set(key, group(existing ? [...existing.strokeIds, `s${step}-${k}`] : [`s${step}-${k}`], col, row));
      }
      const after = sorted([...next.values()]);
      client = applyDelta(client, diffGroups(server, after));
      server = after;
      expect(client).toEqual(server);
    }
  });
});
