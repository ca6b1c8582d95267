/**
 * Ink -> the best readings of one number (common/reading.ts). Strokes are laid out left to right
 * by their centres; a candidate digit is a run of up to MAX_STROKES neighbouring strokes (a "1"
 * with a flag and a base, a "7" with a crossbar, a "4" or "5" in two strokes). Every candidate is
 * scored by the model, so whether strokes belong together is decided by what they look like
 * together, with geometry as a prior: the line's digit height, width, gaps, writing order.
 */
import { cutPrior, digitPrior, gapPrior, readLattice, type Candidate, type Decision } from './reading.js';
import { strokesBounds, type Box, type Stroke } from './preprocess.js';
import { segmentStrokes } from './segment.js';

/** Most strokes one digit is written with. */
export const MAX_STROKES = 4;
/** Candidates whose prior is below this are not worth scoring: they cannot win. */
const HOPELESS = -15;

export interface InkCandidate extends Candidate {
  strokes: Stroke[];
}

export interface InkOptions {
  /**
   * Marks smaller than this (in input units) are never digits: a tap, a dot. Callers derive it from
   * the canvas (see minExtentFor).
   */
  minExtent: number;
}

/** The smallest digit on a canvas of this size: 1.5% of its shorter side. */
export const minExtentFor = (width: number, height: number): number => 0.015 * Math.min(width, height);

/** Height of the line's digits: the median height of the overlap groups at least half as tall as the tallest. */
export function lineHeight(strokes: readonly Stroke[]): number {
  const heights = segmentStrokes(strokes).map((g) => g.box.maxY - g.box.minY);
  if (heights.length === 0) return 0;
  const tallest = Math.max(...heights);
  const tall = heights.filter((h) => h >= 0.5 * tallest).sort((a, b) => a - b);
  return tall[tall.length >> 1];
}

/** Widest stretch of x that none of the boxes covers, between the first and the last. */
function innerGap(boxes: readonly Box[]): number {
  const sorted = [...boxes].sort((a, b) => a.minX - b.minX);
  let reach = sorted[0].maxX, gap = 0;
  for (const b of sorted.slice(1)) {
    gap = Math.max(gap, b.minX - reach);
    reach = Math.max(reach, b.maxX);
  }
  return gap;
}

/** The lattice of candidate digits for one number's strokes. */
export function inkLattice(strokes: readonly Stroke[], { minExtent }: InkOptions): { nodes: number; candidates: InkCandidate[]; cutPriors: number[] } {
  const atoms = strokes
    .map((stroke, index) => ({ stroke, index, box: strokesBounds([stroke]) }))
    .filter((a): a is { stroke: Stroke; index: number; box: Box } => a.box !== null)
    .sort((a, b) => a.box.minX + a.box.maxX - (b.box.minX + b.box.maxX) || a.index - b.index);
  const H = lineHeight(atoms.map((a) => a.stroke));
  // A boundary at node k: how far the ink on its left reaches past the start of the ink on its right.
  // The overlap is also taken against the narrower of the two strokes concerned (at least 0.15 H):
  // the stem of a 4 lies wholly within the reach of its other stroke.
  const cutPriors = atoms.map((_, k) => {
    if (k === 0) return 0;
    let left = atoms[0].box, right = atoms[k].box;
    for (let i = 0; i < k; i++) if (atoms[i].box.maxX > left.maxX) left = atoms[i].box;
    for (let i = k; i < atoms.length; i++) if (atoms[i].box.minX < right.minX) right = atoms[i].box;
    const overlap = left.maxX - right.minX;
    const narrower = Math.max(Math.min(left.maxX - left.minX, right.maxX - right.minX), 0.15 * H);
    return cutPrior(overlap, H) - 4 * Math.max(0, overlap / narrower - 0.4);
  });
  const candidates: InkCandidate[] = [];
  for (let from = 0; from < atoms.length; from++) {
    for (let to = from + 1; to <= Math.min(atoms.length, from + MAX_STROKES); to++) {
      const span = atoms.slice(from, to);
      const box = strokesBounds(span.map((a) => a.stroke))!;
      const together = gapPrior(innerGap(span.map((a) => a.box)), H);
      // Strokes of one mark are mostly written one after another: each stroke of another mark
      // written between them counts against the grouping (a 7 crossed at the end can still win).
      const order = span.map((a) => a.index).sort((a, b) => a - b);
      const between = order[order.length - 1] - order[0] + 1 - order.length;
      const merged = to - from - 1;
      const shared = together - 0.5 * Math.min(between, 4);
      const asDigit = digitPrior(box, H, minExtent) + shared;
      // Ink that touches its neighbours is more likely part of a digit than a stray mark.
      const isolated = atoms.every((a, i) => (i >= from && i < to) || a.box.minX > box.maxX + 0.05 * H || a.box.maxX < box.minX - 0.05 * H);
      const asNoise = shared - 0.5 * merged - (isolated ? 0 : 3);
      if (merged > 0 && Math.max(asDigit, asNoise) < HOPELESS) continue;
      candidates.push({ from, to, box, digitPrior: asDigit, noisePrior: asNoise, strokes: span.sort((a, b) => a.index - b.index).map((a) => a.stroke) });
    }
  }
  return { nodes: atoms.length + 1, candidates, cutPriors };
}

/** Model outputs for candidates' strokes (null: no ink), computed however the caller batches and caches. */
export type ScoreInk = (candidates: readonly Stroke[][]) => Promise<readonly (ArrayLike<number> | null)[]>;

/** The best reading of one number's strokes, with alternatives. */
export async function readInk(strokes: readonly Stroke[], score: ScoreInk, options: InkOptions): Promise<Decision> {
  const { nodes, candidates, cutPriors } = inkLattice(strokes, options);
  if (candidates.length === 0) return readLattice(0, [], []);
  const outputs = await score(candidates.map((c) => c.strokes));
  return readLattice(nodes, candidates, outputs, cutPriors);
}
