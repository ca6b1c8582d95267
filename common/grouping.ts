/**
 * Groups a board's strokes into numbers by place: strokes whose boxes come close (within a
 * fraction of the writing's height sideways, less vertically) are written together. Each group is
 * then split into digits by common/segment.ts.
 */
import { strokesBounds, type Box, type Stroke } from './preprocess.js';

export interface PlacedStroke {
  id: string;
  points: Stroke;
  /** The stroke's bounds, when the caller already has them (a board caches them per stroke). */
  box?: Box | null;
}

export interface StrokeGroup {
  strokeIds: string[];
  box: Box;
}

/** Sideways gap allowed between digits of one number, as a fraction of the digits' height. */
const GAP_X = 0.75;
const GAP_Y = 0.25;

export function groupByPlace(strokes: readonly PlacedStroke[]): StrokeGroup[] {
  const items = strokes
    .map((s) => ({ id: s.id, box: s.box === undefined ? strokesBounds([s.points]) : s.box }))
    .filter((s): s is { id: string; box: Box } => s.box !== null);
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  // Sweep along x: two strokes can only join if their x gap is within GAP_X times the taller
  // one's height, so with boxes sorted by minX the inner loop stops early. A board with
  // thousands of strokes spread out stays far from n^2.
  let tallest = 1;
  for (const it of items) tallest = Math.max(tallest, it.box.maxY - it.box.minY);
  const byX = items.map((_, i) => i).sort((a, b) => items[a].box.minX - items[b].box.minX);
  for (let ii = 0; ii < byX.length; ii++) {
    const i = byX[ii];
    for (let jj = ii + 1; jj < byX.length; jj++) {
      const j = byX[jj];
      const a = items[i].box, b = items[j].box;
      // b and every later box start too far right of a to join it.
      if (b.minX - a.maxX > GAP_X * tallest) break;
      // A thin stroke (a "1", a bar) borrows the taller one's height for its reach.
      const h = Math.max(a.maxY - a.minY, b.maxY - b.minY, 1);
      const dx = Math.max(0, Math.max(a.minX, b.minX) - Math.min(a.maxX, b.maxX));
      const dy = Math.max(0, Math.max(a.minY, b.minY) - Math.min(a.maxY, b.maxY));
      if (dx <= GAP_X * h && dy <= GAP_Y * h) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, StrokeGroup>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (!g) groups.set(root, { strokeIds: [item.id], box: { ...item.box } });
    else {
      g.strokeIds.push(item.id);
      g.box = {
        minX: Math.min(g.box.minX, item.box.minX),
        minY: Math.min(g.box.minY, item.box.minY),
        maxX: Math.max(g.box.maxX, item.box.maxX),
        maxY: Math.max(g.box.maxY, item.box.maxY),
      };
    }
  });
  // Reading order: top to bottom by rows, then left to right.
  return [...groups.values()].sort((a, b) => (Math.abs(a.box.minY - b.box.minY) > (a.box.maxY - a.box.minY) / 2 ? a.box.minY - b.box.minY : a.box.minX - b.box.minX));
}
