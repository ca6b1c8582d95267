/**
 * Splits ink into digits: strokes whose horizontal extents overlap substantially belong to one
 * digit (a "4" or "5" drawn in two strokes), digits that merely touch stay apart, and groups
 * are ordered left to right.
 */
import { strokesBounds, type Box, type Stroke } from './preprocess.js';

export interface InkGroup {
  strokes: Stroke[];
  /** Indices of the strokes in the input order. */
  indices: number[];
  box: Box;
}

/** Fraction of the narrower extent two ranges must share to be one digit. */
const OVERLAP = 0.45;

export function segmentStrokes(strokes: readonly Stroke[]): InkGroup[] {
  const items = strokes
    .map((stroke, index) => ({ stroke, index, box: strokesBounds([stroke]) }))
    .filter((s): s is { stroke: Stroke; index: number; box: Box } => s.box !== null);
  if (items.length === 0) return [];
  const all = strokesBounds(items.map((s) => s.stroke))!;
  // A thin vertical stroke (a "1") has no width: give every extent a floor tied to the ink's
  // height so that overlap stays meaningful.
  const floor = Math.max(1, (all.maxY - all.minY) * 0.08);
  const range = (b: Box): [number, number] => {
    const mid = (b.minX + b.maxX) / 2;
    const half = Math.max(b.maxX - b.minX, floor) / 2;
    return [mid - half, mid + half];
  };
  items.sort((a, b) => a.box.minX - b.box.minX);

  const groups: InkGroup[] = [];
  for (const item of items) {
    const [a0, a1] = range(item.box);
    let best: InkGroup | null = null;
    let bestShare = 0;
    for (const g of groups) {
      const [b0, b1] = range(g.box);
      const shared = Math.min(a1, b1) - Math.max(a0, b0);
      const share = shared / Math.min(a1 - a0, b1 - b0);
      if (share > bestShare) {
        best = g;
        bestShare = share;
      }
    }
    if (best && bestShare >= OVERLAP) {
      best.strokes.push(item.stroke);
      best.indices.push(item.index);
      best.box = strokesBounds(best.strokes)!;
    } else {
      groups.push({ strokes: [item.stroke], indices: [item.index], box: item.box });
    }
  }
  // Restore drawing order inside each group (rendering does not care, replay does).
  for (const g of groups) {
    const order = g.indices.map((idx, k) => [idx, k] as const).sort((x, y) => x[0] - y[0]);
    g.strokes = order.map(([, k]) => g.strokes[k]);
    g.indices = order.map(([idx]) => idx);
  }
  return groups.sort((a, b) => (a.box.minX + a.box.maxX) - (b.box.minX + b.box.maxX));
}
