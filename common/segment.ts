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

/** A box as both ink (strokes) and images (pixel components) measure it. */
export interface Extent {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Groups boxes whose horizontal extents overlap by at least OVERLAP of the narrower one (the
 * strokes or components of one digit), taking them left to right, each into the group it shares
 * most with. With `sameLine`, boxes far apart vertically (on different lines of text) never join.
 * Returns each group's indices into `boxes`, in the order the boxes joined it, groups left to
 * right by the centre of their box.
 */
export function groupByOverlap(boxes: readonly Extent[], { sameLine = false } = {}): number[][] {
  if (boxes.length === 0) return [];
  const top = Math.min(...boxes.map((b) => b.minY));
  const bottom = Math.max(...boxes.map((b) => b.maxY));
  // A thin vertical stroke (a "1") has no width: give every extent a floor tied to the ink's
  // height so that overlap stays meaningful.
  const floor = Math.max(1, (bottom - top) * 0.08);
  const range = (b: Extent): [number, number] => {
    const mid = (b.minX + b.maxX) / 2;
    const half = Math.max(b.maxX - b.minX, floor) / 2;
    return [mid - half, mid + half];
  };
  const groups: { members: number[]; box: Extent }[] = [];
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a].minX - boxes[b].minX);
  for (const i of order) {
    const box = boxes[i];
    const [a0, a1] = range(box);
    let best: (typeof groups)[number] | null = null;
    let bestShare = 0;
    for (const g of groups) {
      const vGap = Math.max(g.box.minY, box.minY) - Math.min(g.box.maxY, box.maxY);
      if (sameLine && vGap > 0.6 * Math.max(g.box.maxY - g.box.minY, box.maxY - box.minY)) continue;
      const [b0, b1] = range(g.box);
      const share = (Math.min(a1, b1) - Math.max(a0, b0)) / Math.min(a1 - a0, b1 - b0);
      if (share > bestShare) {
        best = g;
        bestShare = share;
      }
    }
    if (best && bestShare >= OVERLAP) {
      best.members.push(i);
      best.box = {
        minX: Math.min(best.box.minX, box.minX),
        minY: Math.min(best.box.minY, box.minY),
        maxX: Math.max(best.box.maxX, box.maxX),
        maxY: Math.max(best.box.maxY, box.maxY),
      };
    } else {
      groups.push({ members: [i], box: { ...box } });
    }
  }
  return groups.sort((a, b) => a.box.minX + a.box.maxX - (b.box.minX + b.box.maxX)).map((g) => g.members);
}

export function segmentStrokes(strokes: readonly Stroke[]): InkGroup[] {
  const items = strokes
    .map((stroke, index) => ({ stroke, index, box: strokesBounds([stroke]) }))
    .filter((s): s is { stroke: Stroke; index: number; box: Box } => s.box !== null);
  return groupByOverlap(items.map((s) => s.box)).map((members) => {
    // Drawing order inside each group (rendering does not care, replay does).
    const inOrder = members.map((k) => items[k]).sort((a, b) => a.index - b.index);
    const groupStrokes = inOrder.map((s) => s.stroke);
    return { strokes: groupStrokes, indices: inOrder.map((s) => s.index), box: strokesBounds(groupStrokes)! };
  });
}
