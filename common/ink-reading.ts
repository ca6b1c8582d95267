/**
 * Ink -> the best readings of one number (common/reading.ts). Strokes are laid out left to right
 * by their centres; a candidate digit is a run of up to MAX_STROKES neighbouring strokes (a "1"
 * with a flag and a base, a "7" with a crossbar, a "4" or "5" in two strokes). Every candidate is
 * scored by the model, so whether strokes belong together is decided by what they look like
 * together, with geometry as a prior: the line's digit height, width, gaps, writing order.
 */
import { NOT_A_DIGIT } from './model-contract.js';
import { cutPrior, digitPrior, gapPrior, readLattice, topDigits, type Candidate, type Decision } from './reading.js';
import { strokesBounds, type Box, type Stroke } from './preprocess.js';
import { distanceToSegment } from './render.js';
import { segmentStrokes } from './segment.js';
import { sample, straight, touches } from './stroke-shape.js';

/** Most strokes one digit is written with (retraced and pieced-together digits take several). */
export const MAX_STROKES = 8;
/** Strokes closer than this (a fraction of the line's height) touch: their ink meets. */
const TOUCH = 0.06;
/** Share of a stroke's points on another stroke's ink that make it a retrace of it. */
const RETRACE_SHARE = 0.9;
/** Points of a stroke used to tell whether it touches another. */
const TOUCH_SAMPLES = 32;
/** Log-prior against cutting through, or merging, the groups of the old overlap rule. */
const OVERLAP_RULE = 5;
/**
 * Log-prior against a boundary between two strokes that meet at a point (formPoint: the arms of a
 * V, the strokes of an N or an M): the strokes of one letter or shape, seldom two digits written
 * side by side.
 */
const JOINED = 4;
/** Candidates whose prior is below this are not worth scoring: they cannot win. */
const HOPELESS = -15;
/**
 * Boundaries whose prior is below this (the strokes on either side overlap and touch like the parts
 * of one digit) are not worth reading across: the candidates that end or begin there are not
 * scored. A reading through such a cut would need every merged reading to be far less likely.
 */
const HOPELESS_CUT = -10;

export interface InkCandidate extends Candidate {
  strokes: Stroke[];
  /**
   * Strokes that all hang together (each touches another): the noise prior of the candidate as one
   * mark, a letter, with nothing charged for its number of strokes or the overlap groups it
   * merges. It replaces noisePrior only where the model's reading of the parts says it is a letter
   * (see oneMark); undefined for a single atom or strokes that do not hang together.
   */
  markPrior?: number;
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

/** Cosine of the widest angle two strokes may leave a shared end at and still form a point (a V, an N). */
const POINT_COS = Math.cos((70 * Math.PI) / 180);

/** The direction a stroke leaves its end `atStart` (or its last point) in, over about `length` of ink. */
function leaving(stroke: Stroke, atStart: boolean, length: number): [number, number] {
  const points = atStart ? stroke : [...stroke].reverse();
  const [x0, y0] = points[0];
  let far = points[points.length - 1];
  for (const p of points) {
    if (Math.hypot(p[0] - x0, p[1] - y0) >= length) {
      far = p;
      break;
    }
  }
  return [far[0] - x0, far[1] - y0];
}

/** Ink length over the distance between the ends, at most, of a stroke that is a straight line. */
const STRAIGHT = 1.1;

/**
 * Whether two straight strokes meet at a point: an end of each within `reach` of the other's, the
 * two leaving it at an acute angle (the arms of a V, the strokes of an N or an M). Neighbouring
 * digits that touch are seldom both straight lines meeting end to end at a sharp angle.
 */
function formPoint(a: Stroke, b: Stroke, reach: number, length: number): boolean {
  if (a.length < 2 || b.length < 2 || !straight(a, STRAIGHT) || !straight(b, STRAIGHT)) return false;
  for (const atA of [true, false]) {
    for (const atB of [true, false]) {
      const p = atA ? a[0] : a[a.length - 1], q = atB ? b[0] : b[b.length - 1];
      if (Math.hypot(p[0] - q[0], p[1] - q[1]) > reach) continue;
      const [ux, uy] = leaving(a, atA, length), [vx, vy] = leaving(b, atB, length);
      const norms = Math.hypot(ux, uy) * Math.hypot(vx, vy);
      if (norms > 0 && (ux * vx + uy * vy) / norms >= POINT_COS) return true;
    }
  }
  return false;
}

/** Strokes taken as one unit of the lattice: a stroke, with the strokes that retrace it. */
interface Atom {
  strokes: Stroke[];
  /** The strokes' places in writing order. */
  indices: number[];
  box: Box;
}

/**
 * Whether `b` retraces `a`: nearly all of its ink lies on a's ink (a stroke gone over again, the
 * second line of a double-lined letterform). A retrace adds nothing a digit could be told apart by,
 * and as a lattice unit of its own it only multiplies the candidates (and lets its copy be read
 * as a digit next to the original).
 */
function retraces(b: Stroke, a: Stroke, reach: number): boolean {
  if (a.length < 2 || b.length < 2) return false;
  let on = 0;
  for (const p of b) {
    for (let i = 1; i < a.length; i++) {
      if (distanceToSegment(p[0], p[1], a[i - 1][0], a[i - 1][1], a[i][0], a[i][1]) <= reach) {
        on++;
        break;
      }
    }
  }
  return on >= RETRACE_SHARE * b.length;
}

/** Strokes (marks left out) grouped into atoms, retraces with the stroke they go over. */
function atomsOf(inked: readonly { stroke: Stroke; index: number; box: Box }[], reach: number): Atom[] {
  const owner = inked.map((_, i) => i);
  const root = (i: number): number => (owner[i] === i ? i : (owner[i] = root(owner[i])));
  const samples = inked.map((a) => sample(a.stroke, TOUCH_SAMPLES));
  for (let i = 0; i < inked.length; i++) {
    for (let j = 0; j < inked.length; j++) {
      if (i === j || root(i) === root(j)) continue;
      const a = inked[i].box, b = inked[j].box;
      const inside = b.minX >= a.minX - reach && b.maxX <= a.maxX + reach && b.minY >= a.minY - reach && b.maxY <= a.maxY + reach;
      if (inside && retraces(samples[j], samples[i], reach)) owner[root(j)] = root(i);
    }
  }
  const atoms = new Map<number, Atom>();
  inked.forEach((a, i) => {
    const atom = atoms.get(root(i));
    if (!atom) atoms.set(root(i), { strokes: [a.stroke], indices: [a.index], box: a.box });
    else {
      atom.strokes.push(a.stroke);
      atom.indices.push(a.index);
      atom.box = { minX: Math.min(atom.box.minX, a.box.minX), minY: Math.min(atom.box.minY, a.box.minY), maxX: Math.max(atom.box.maxX, a.box.maxX), maxY: Math.max(atom.box.maxY, a.box.maxY) };
    }
  });
  // Left to right by centres, as the strokes were.
  return [...atoms.values()].sort((a, b) => a.box.minX + a.box.maxX - (b.box.minX + b.box.maxX) || a.indices[0] - b.indices[0]);
}

/** The lattice of candidate digits for one number's strokes. */
export function inkLattice(strokes: readonly Stroke[], { minExtent }: InkOptions): { nodes: number; candidates: InkCandidate[]; cutPriors: number[] } {
  const inked = strokes
    .map((stroke, index) => ({ stroke, index, box: strokesBounds([stroke]) }))
    .filter((a): a is { stroke: Stroke; index: number; box: Box } => a.box !== null)
    .sort((a, b) => a.box.minX + a.box.maxX - (b.box.minX + b.box.maxX) || a.index - b.index);
  // Marks (taps, dots) are too small to be digits or to change how one reads: they take no part
  // in the candidates (dots dropped around a digit would each make new ones to draw and score).
  const isMark = (b: Box) => Math.max(b.maxX - b.minX, b.maxY - b.minY) < minExtent;
  const drawn = inked.filter((a) => !isMark(a.box));
  const marks = inked.filter((a) => isMark(a.box));
  const H = lineHeight(drawn.map((a) => a.stroke));
  const reach = Math.max(TOUCH * H, minExtent / 2);
  const atoms = atomsOf(drawn, reach);
  // The overlap rule that used to decide (common/segment.ts) is now a prior: cutting through one of
  // its groups, or merging two, costs (the model can still overrule it). A retrace lies on its
  // stroke, so an atom's strokes are in one group.
  const groupOf = new Map<Stroke, number>();
  segmentStrokes(drawn.map((a) => a.stroke)).forEach((g, n) => g.indices.forEach((i) => groupOf.set(drawn[i].stroke, n)));
  const overlapGroup = atoms.map((a) => groupOf.get(a.strokes[0])!);
  // Which atoms touch: the parts of one digit meet; neighbouring digits mostly do not.
  const samples = atoms.map((a) => a.strokes.map((s) => sample(s, TOUCH_SAMPLES)));
  const touching = atoms.map(() => new Set<number>());
  // Which atoms meet at a point (see JOINED).
  const joined = atoms.map(() => new Set<number>());
  const piece = (i: number) => atoms[i].box.maxY - atoms[i].box.minY < 0.75 * H;
  for (let i = 0; i < atoms.length; i++) {
    for (let j = i + 1; j < atoms.length; j++) {
      const a = atoms[i].box, b = atoms[j].box;
      if (a.minX - reach > b.maxX || b.minX - reach > a.maxX || a.minY - reach > b.maxY || b.minY - reach > a.maxY) continue;
      if (samples[i].some((si) => samples[j].some((sj) => touches(si, sj, reach)))) {
        touching[i].add(j);
        touching[j].add(i);
      }
      if (atoms[i].strokes.some((si) => atoms[j].strokes.some((sj) => formPoint(si, sj, reach, 0.3 * H)))) {
        joined[i].add(j);
        joined[j].add(i);
      }
    }
  }
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
    // A piece of ink (shorter than a digit) that meets ink across the boundary is usually part of
    // that digit; two whole-height strokes that touch are as often two digits written close.
    let met = 0, ends = 0;
    for (let i = Math.max(0, k - MAX_STROKES); i < k; i++) {
      for (const j of joined[i]) if (j >= k) ends++;
      for (const j of touching[i]) if (j >= k && !joined[i].has(j) && (piece(i) || piece(j))) met++;
    }
    let splitsGroup = false;
    for (let i = Math.max(0, k - MAX_STROKES); i < k && !splitsGroup; i++) for (let j = k; j < Math.min(atoms.length, k + MAX_STROKES); j++) if (overlapGroup[i] === overlapGroup[j]) splitsGroup = true;
    return cutPrior(overlap, H) - 4 * Math.max(0, overlap / narrower - 0.4) - 2 * Math.min(met, 3) - JOINED * Math.min(ends, 2) - (splitsGroup ? OVERLAP_RULE : 0);
  });
  const candidates: InkCandidate[] = [];
  for (let from = 0; from < atoms.length; from++) {
    for (let to = from + 1; to <= Math.min(atoms.length, from + MAX_STROKES); to++) {
      const span = atoms.slice(from, to);
      const box = strokesBounds(span.flatMap((a) => a.strokes))!;
      const together = gapPrior(innerGap(span.map((a) => a.box)), H);
      // Strokes of one mark are mostly written one after another: each stroke of another mark
      // written between them counts against the grouping (a 7 crossed at the end can still win).
      const order = span.flatMap((a) => a.indices).sort((a, b) => a - b);
      const between = order[order.length - 1] - order[0] + 1 - order.length;
      const merged = to - from - 1;
      const groupsMerged = mergedGroups(overlapGroup, joined, from, to);
      // Gaps and writing order: what any grouping of these strokes is charged, digit or mark.
      const spanPrior = together - 0.5 * Math.min(between, 4);
      const shared = spanPrior - OVERLAP_RULE * groupsMerged;
      const asDigit = digitPrior(box, H, minExtent) + shared;
      // On a board for digits, ink is read as "not a digit" only when the model is sure of it: more
      // so for several strokes at once, for a mark as wide as digits side by side, and for ink
      // that touches its neighbours (more likely part of a digit than a stray mark).
      const isolated = atoms.every((a, i) => (i >= from && i < to) || a.box.minX > box.maxX + 0.05 * H || a.box.maxX < box.minX - 0.05 * H);
      const w = box.maxX - box.minX, h = Math.max(box.maxY - box.minY, minExtent);
      // Strokes that meet at points are one mark, whatever it is: their number does not count against it.
      let points = 0;
      for (let i = from; i < to; i++) for (const j of joined[i]) if (j > i && j < to) points++;
      const noiseShape = 4 * Math.max(0, w / h - 1.1) + (isolated ? 0 : 3);
      const asNoise = shared - 1 - Math.max(0, merged - points) - noiseShape;
      if (Math.max(asDigit, asNoise) < HOPELESS) continue;
      const markPrior = merged > 0 && connected(touching, from, to) ? spanPrior - 2 - noiseShape : undefined;
      const inOrder = span.flatMap((a) => a.strokes.map((stroke, k) => ({ stroke, index: a.indices[k] }))).sort((a, b) => a.index - b.index);
      candidates.push({ from, to, box, digitPrior: asDigit, noisePrior: asNoise, markPrior, strokes: inOrder.map((a) => a.stroke) });
    }
  }
  const kept = withoutHopelessCuts(candidates, cutPriors, atoms.length);
  candidates.length = 0;
  candidates.push(...kept);
  // The marks follow, each read as not a digit by geometry alone (whatever the model would say of
  // a dot blown up to 28x28).
  marks.forEach((m, k) => {
    const at = atoms.length + k;
    candidates.push({ from: at, to: at + 1, box: m.box, digitPrior: -Infinity, noisePrior: 0, mark: true, strokes: [m.stroke] });
    cutPriors.push(0);
  });
  return { nodes: atoms.length + marks.length + 1, candidates, cutPriors };
}

/** Whether atoms [from, to) hang together: each reached from the first through atoms that touch. */
function connected(touching: readonly Set<number>[], from: number, to: number): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const j of touching[stack.pop()!]) {
      if (j >= from && j < to && !seen.has(j)) {
        seen.add(j);
        stack.push(j);
      }
    }
  }
  return seen.size === to - from;
}

/**
 * How many overlap groups a candidate of atoms [from, to) merges, groups whose atoms meet at a
 * point counting as one: merging the strokes of a V costs nothing against the old overlap rule.
 */
function mergedGroups(overlapGroup: readonly number[], joined: readonly Set<number>[], from: number, to: number): number {
  const owner = new Map<number, number>();
  const root = (g: number): number => {
    const o = owner.get(g) ?? g;
    return o === g ? g : root(o);
  };
  for (let i = from; i < to; i++) for (const j of joined[i]) if (j >= from && j < to) owner.set(root(overlapGroup[i]), root(overlapGroup[j]));
  return new Set(overlapGroup.slice(from, to).map(root)).size - 1;
}

/**
 * The candidates that neither end nor begin at a boundary too unlikely to read across, as long as
 * they still join the first node to the last; otherwise all of them.
 */
function withoutHopelessCuts(candidates: readonly InkCandidate[], cutPriors: readonly number[], last: number): InkCandidate[] {
  const hopeless = (node: number) => node > 0 && node < last && cutPriors[node] < HOPELESS_CUT;
  const kept = candidates.filter((c) => !hopeless(c.from) && !hopeless(c.to));
  const reached = new Set([0]);
  for (const c of [...kept].sort((a, b) => a.from - b.from)) if (reached.has(c.from)) reached.add(c.to);
  return reached.has(last) ? kept : [...candidates];
}

/** Model outputs for candidates' strokes (null: no ink), computed however the caller batches and caches. */
export type ScoreInk = (candidates: readonly Stroke[][]) => Promise<readonly (ArrayLike<number> | null)[]>;

/** The best reading of one number's strokes, with alternatives. */
export async function readInk(strokes: readonly Stroke[], score: ScoreInk, options: InkOptions): Promise<Decision> {
  const { nodes, candidates, cutPriors } = inkLattice(strokes, options);
  if (candidates.length === 0) return readLattice(0, [], []);
  // Marks are read by geometry alone: only the other candidates are scored.
  const scored = candidates.filter((c) => !c.mark);
  const outputs = await score(scored.map((c) => c.strokes));
  const byCandidate = new Map(scored.map((c, i) => [c, outputs[i]]));
  const at = new Map(scored.map((c) => [`${c.from},${c.to}`, c]));
  // oneMark first: it weighs parts by their geometric prior, which explainAway then lowers.
  oneMark(scored, at, byCandidate);
  explainAway(scored, at, byCandidate, cutPriors);
  return readLattice(nodes, candidates, candidates.map((c) => byCandidate.get(c) ?? null), cutPriors);
}

/**
 * Explaining away. A candidate of several atoms is read as d, but one of its parts alone reads d at
 * least as surely, and the other part is a whole digit of its own: sure, another digit, with nothing
 * against it by geometry. The merged reading leaves that other part's ink unexplained: it is mostly
 * a digit written close against another (a 1 whose stem crosses the edge of a 2, read together as
 * the 2). Such a merge loses EXPLAINED_AWAY, and the boundary between the two parts costs at most
 * EXPLAINED_CUT, so that the model's reading of the parts can win. A 1's flag, a 7's crossbar or a
 * 5's bar is no whole digit (too short or flat), so those merges keep their prior.
 */
const EXPLAINED_AWAY = 6;
const EXPLAINED_CUT = -3;
/** How surely the other part must read as its digit. */
const WHOLE_DIGIT = 0.9;
/** How much less surely than the merge the explaining part may read d. */
const AS_SURELY = 0.02;

/** Scored candidates by their span, "from,to". */
type BySpan = ReadonlyMap<string, InkCandidate>;

function explainAway(scored: readonly InkCandidate[], at: BySpan, outputs: ReadonlyMap<InkCandidate, ArrayLike<number> | null>, cutPriors: number[]): void {
  const top = (p: ArrayLike<number>) => topDigits(p, 1)[0];
  const whole = (c: InkCandidate) => c.digitPrior >= -0.1;
  for (const c of scored) {
    const p = outputs.get(c);
    if (c.to - c.from < 2 || !p) continue;
    const d = top(p);
    for (let k = c.from + 1; k < c.to; k++) {
      const a = at.get(`${c.from},${k}`), b = at.get(`${k},${c.to}`);
      const pa = a && outputs.get(a), pb = b && outputs.get(b);
      if (!a || !b || !pa || !pb || !whole(a) || !whole(b)) continue;
      const explained = (same: ArrayLike<number>, other: ArrayLike<number>) => same[d] >= p[d] - AS_SURELY && top(other) !== d && other[top(other)] >= WHOLE_DIGIT;
      if (explained(pa, pb) || explained(pb, pa)) {
        c.digitPrior -= EXPLAINED_AWAY;
        cutPriors[k] = Math.max(cutPriors[k], EXPLAINED_CUT);
        break;
      }
    }
  }
}

/**
 * One mark. Strokes that hang together, which the model reads as surely not a digit together
 * (SURELY_NOT), and of which one part (whole-height, see LETTER_PART) is not a digit either: the
 * strokes of a letter (an n's stem and arch, the arch read as no digit), not digits written
 * touching (whose parts are all digits). Such a candidate is charged as one mark (markPrior),
 * no longer for the strokes and overlap groups it joins, so that reading its stem alone as a 1
 * (and the arch as a 7 the model is unsure of) no longer wins.
 */
const SURELY_NOT = 0.9;
/** A part at least this likely not a digit is no digit. */
const NOT_A_DIGIT_PART = 0.5;
/** Lowest digitPrior of a part that counts: about a digit's height (not a 5's flag, a 4's corner). */
const LETTER_PART = -1;

function oneMark(scored: readonly InkCandidate[], at: BySpan, outputs: ReadonlyMap<InkCandidate, ArrayLike<number> | null>): void {
  const notADigit = (part: InkCandidate | undefined) => {
    const p = part && outputs.get(part);
    return !!p && p[NOT_A_DIGIT] >= NOT_A_DIGIT_PART && part.digitPrior >= LETTER_PART;
  };
  for (const c of scored) {
    const p = outputs.get(c);
    if (c.markPrior === undefined || !p || p[NOT_A_DIGIT] < SURELY_NOT) continue;
    for (let k = c.from + 1; k < c.to; k++) {
      if (notADigit(at.get(`${c.from},${k}`)) || notADigit(at.get(`${k},${c.to}`))) {
        c.noisePrior = Math.max(c.noisePrior ?? -Infinity, c.markPrior);
        break;
      }
    }
  }
}
