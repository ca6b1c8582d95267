/**
 * Image uploads -> Recognition, by segmentation by recognition (common/reading.ts): decode
 * (image-decode.ts); find the ink (ink-image.ts), drop ruled lines (ruled-lines.ts), label the marks
 * (components.ts) and keep those that may be digits (marks.ts); lay out every plausible digit as a
 * candidate of a lattice (each mark, neighbouring marks merged, pieces of wide marks cut where they
 * may touch, and the whole ink of the image), render each (candidate-input.ts), score them all
 * with the model in one batch, and keep the best reading. Geometry only weighs in as priors: the model sees every candidate. Boxes are in the pixel
 * coordinates of the upright input image. A line with operators among its marks (image-operators.ts)
 * is read number by number between them and joined as ink's lines are (common/line-reading.ts),
 * with the value of what ends in "="; without operators the image reads exactly as a number.
 */
import { cutPrior, digitPrior, gapPrior, MIN_DIGIT_HEIGHT, readLattice, round, type Candidate } from '../../../common/reading.js';
import { NOT_A_DIGIT } from '../../../common/model-contract.js';
import { fitWhole, toRect, type Box } from '../../../common/preprocess.js';
import { joinLine, type LineDecision, type LineOperator } from '../../../common/line-reading.js';
import { columnPage, columns, holdsColumn } from '../../../common/column-sums.js';
import { groupByPlace } from '../../../common/grouping.js';
import type { GroupResult } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import type { Classifier } from './classifier.js';
import { decodeImage, ImageError } from './image-decode.js';
import { candidateInput } from './candidate-input.js';
import { labelComponents, type Component } from './components.js';
import { findImageOperators } from './image-operators.js';
import { frameFilling, inkMask, normalizeInk, type InkImage } from './ink-image.js';
import { cutPaths, cutsAlong, keepMarks, overlapGroups, pieceAt, type KeptMarks, type Part } from './marks.js';
import { removeRuledLines } from './ruled-lines.js';

export { ImageError, MAX_INPUT_PIXELS, sniffImageFormat, type ImageErrorCode } from './image-decode.js';

/**
 * At most this many digits are read from one image. Beyond it the image is refused
 * (`too_many_digits`) rather than answered with a subset: a partial number would be a made-up one.
 */
export const MAX_DIGITS = 12;

/** Marks at least this wide for their height (or the line's) get cut points: they may be digits that touch. */
const CUT_ASPECT = 0.75;
/**
 * Marks at least this wide for their height (or the line's) are most likely several digits that
 * touch: they are cut wherever they narrow (cutsAlong). Narrower ones, often one wide digit, only
 * where they split into 2-4 even pieces (cutPaths): every other cut through one stroke of a single
 * digit is one more way to misread it.
 */
const MANY_DIGITS_ASPECT = 1.25;
/** Digits other than 1 are at least about this wide for their height: it bounds the pieces a mark is cut into. */
const MIN_DIGIT_ASPECT = 0.45;
/** A candidate spans at most this many atoms (marks and pieces of marks). */
const MAX_SPAN = 8;
/** At most this many marks take part; beyond it the smallest (specks, dots) are left out. */
const MAX_MARKS = 48;
/** Candidates whose priors are below this are not scored: they cannot win. */
const HOPELESS = -15;
/**
 * Log-prior of cutting a mark through more than one stroke: digits touch at one place, so a cut
 * between them mostly goes through one stroke, while a cut through one digit (MNIST has 2s wider
 * than high whose halves read as a sure "5" and "2") or through a shape (the top and bottom of a
 * box) meets two. Such a cut needs its pieces to read clearly better, however wide the mark.
 */
const CUT_THROUGH_INK = -2;
/**
 * Log-prior against a cut, per stroke it goes through beyond two: digits that touch meet at a
 * point or two, while a cut across three strokes or more goes through a tangle (a scribble).
 */
const CUT_PER_STROKE = 3;
/**
 * Log-prior, per line height of width beyond one, of reading a full-height mark as "not a digit":
 * a mark as tall as the line and wider than a digit is more often digits that touch than a scribble.
 */
const WIDE_NOISE = -8;
/**
 * A mark at least this much of whose width is pieces too flat for a digit (MIN_DIGIT_HEIGHT) is
 * no run of touching digits (an arrow: its shaft): read whole as "not a digit", its width is not
 * held against it.
 */
const FLAT_SHARE = 0.3;
/** Log-prior of reading a mark as "not a digit" in an image that the marks fill (a tight crop of a digit). */
const FRAME_NOISE = -4;
/**
 * Width for height beyond which the whole of a frame-filling image is less likely one digit (MNIST
 * crops of a wide 2, 6 or 0 reach 1.4; two digits side by side are wider).
 */
const WHOLE_FRAME_ASPECT = 1.4;
/** Marks at least this large for the digits' height, read as no digit between operators, withhold the value. */
const UNREAD_MARK = 0.3;
/** The whole image is a candidate only when its ink covers at least this much of its box (not scattered specks). */
const WHOLE_MIN_DENSITY = 0.02;
/**
 * A frame-filling image read as a digit at least this surely in the polarity its pixels suggest is
 * not read the other way round as well: read the wrong way round, a digit is seldom sure (chosen on
 * crops of MNIST training digits, docs/benchmarks.md).
 */
const SURE_POLARITY = 0.9;

/** One node-to-node step of the lattice: a mark, or a piece of a wide mark between two cuts. */
interface Atom extends Part {
  /** Index of its mark. */
  mark: number;
  /** Work-image pixels, inclusive. */
  box: Box;
  /**
   * The columns it stands for along the line: its box's, or for a piece of a cut mark, from the
   * cut on its left to the one on its right (where they run on average). Pieces cut along a slant
   * overlap in their boxes, not here.
   */
  x0: number;
  x1: number;
}

export interface ImageCandidate extends Candidate {
  /** Whose pixels: parts of marks, or null for all the ink of the image. */
  parts: Part[] | null;
  /** Work-image pixels, inclusive. */
  pixels: Box;
}

export interface ImageLattice {
  nodes: number;
  candidates: ImageCandidate[];
  cutPriors: number[];
}

const union = (boxes: readonly Box[]): Box => ({
  minX: Math.min(...boxes.map((b) => b.minX)),
  minY: Math.min(...boxes.map((b) => b.minY)),
  maxX: Math.max(...boxes.map((b) => b.maxX)),
  maxY: Math.max(...boxes.map((b) => b.maxY)),
});

/** Widest stretch of x that none of the boxes covers, between the first and the last. */
function innerGap(boxes: readonly Box[]): number {
  const sorted = [...boxes].sort((a, b) => a.minX - b.minX);
  let reach = sorted[0].maxX, gap = 0;
  for (const b of sorted.slice(1)) {
    gap = Math.max(gap, b.minX - reach - 1);
    reach = Math.max(reach, b.maxX);
  }
  return gap;
}

/** A mark as atoms: whole, or in pieces between its cuts (with the ink each cut goes through). */
function atomsOf(mark: Component, index: number, labels: Int32Array, w: number, lineHeight: number): { atoms: Atom[]; cuts: { ink: number; runs: number }[] } {
  const mw = mark.maxX - mark.minX + 1, mh = mark.maxY - mark.minY + 1;
  const box = { minX: mark.minX, minY: mark.minY, maxX: mark.maxX, maxY: mark.maxY };
  const whole: Atom = { label: mark.label, y0: mark.minY, from: null, to: null, mark: index, box, x0: mark.minX, x1: mark.maxX };
  const height = Math.max(mh, 0.5 * lineHeight);
  if (mw < CUT_ASPECT * height) return { atoms: [whole], cuts: [] };
  const cuts = mw >= MANY_DIGITS_ASPECT * height ? cutsAlong(mark, labels, w) : cutPaths(mark, labels, w, Math.min(4, Math.max(2, Math.ceil(mw / (MIN_DIGIT_ASPECT * height)))));
  if (cuts.length === 0) return { atoms: [whole], cuts: [] };
  const paths = cuts.map((c) => c.path);
  const edges = [mark.minX, ...cuts.map((c) => Math.round(c.x)), mark.maxX + 1];
  const atoms: Atom[] = edges.slice(0, -1).map((x0, k) => ({
    label: mark.label,
    y0: mark.minY,
    from: k > 0 ? paths[k - 1] : null,
    to: k < paths.length ? paths[k] : null,
    mark: index,
    box: { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity },
    x0,
    x1: edges[k + 1] - 1,
  }));
  // Each piece's box: the mark's pixels between its cuts.
  for (let y = mark.minY; y <= mark.maxY; y++) {
    for (let x = mark.minX; x <= mark.maxX; x++) {
      if (labels[y * w + x] !== mark.label) continue;
      const b = atoms[pieceAt(paths, y - mark.minY, x)].box;
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
    }
  }
  // (A piece with no pixel of its own, between cuts moved apart so as not to cross, is left out with its cut.)
  const kept = atoms.map((a, k) => [a, k] as const).filter(([a]) => a.box.maxX >= 0);
  return { atoms: kept.map(([a]) => a), cuts: kept.slice(1).map(([, k]) => ({ ink: cuts[k - 1].ink, runs: cuts[k - 1].runs })) };
}

/**
 * The lattice of candidate digits of an image's marks, left to right (see the file's comment).
 * `components` are all of the image's ink after ruled lines are removed (`labels` their pixels).
 */
export function imageLattice(marks: readonly Component[], lineHeight: number, labels: Int32Array, components: readonly Component[], w: number, h: number, fillsFrame = false): ImageLattice {
  const H = Math.max(lineHeight, 1);
  const minExtent = Math.max(2, 0.015 * Math.min(w, h));
  const atoms: Atom[] = [];
  // Ink a cut goes through, by the atom it starts (0 where the atom starts a mark).
  const cutInk = new Map<Atom, { ink: number; runs: number }>();
  marks.forEach((m, i) => {
    const { atoms: pieces, cuts } = atomsOf(m, i, labels, w, H);
    pieces.forEach((a, k) => {
      if (k > 0) cutInk.set(a, cuts[k - 1]);
      atoms.push(a);
    });
  });
  // Reading order: by the centre of the columns each stands for; pieces of a mark stay in their order.
  atoms.sort((a, b) => a.x0 + a.x1 - (b.x0 + b.x1) || a.mark - b.mark || a.x0 - b.x0);
  const n = atoms.length;

  // A boundary at node k: how far the ink on its left reaches past the start of the ink on its
  // right (against the line and against the narrower of the two, as for ink; a cut mark's pieces
  // by the columns they stand for), and the ink of any mark it cuts through.
  const cutPriors = atoms.map((atom, k) => {
    if (k === 0) return 0;
    let left = atoms[0], right = atoms[k];
    for (let i = 0; i < k; i++) if (atoms[i].x1 > left.x1) left = atoms[i];
    for (let i = k; i < n; i++) if (atoms[i].x0 < right.x0) right = atoms[i];
    const overlap = left.x1 - right.x0;
    const narrower = Math.max(Math.min(left.x1 - left.x0, right.x1 - right.x0), 0.15 * H);
    let prior = cutPrior(overlap, H) - 4 * Math.max(0, overlap / narrower - 0.4);
    // Marks with pieces on both sides of this node are cut through.
    const before = new Set(atoms.slice(0, k).map((a) => a.mark));
    for (const a of atoms.slice(k)) {
      if (!before.has(a.mark) || !cutInk.has(a)) continue;
      before.delete(a.mark);
      const cut = cutInk.get(a)!;
      prior += (cut.runs > 1 ? CUT_THROUGH_INK : 0) - 10 * Math.max(0, cut.ink / H - 0.25) - CUT_PER_STROKE * Math.max(0, cut.runs - 2);
    }
    return prior;
  });

  // Per mark, the width of its pieces too flat for a digit (see FLAT_SHARE).
  const flatWidth = new Map<number, number>();
  for (const a of atoms) if (a.box.maxY - a.box.minY + 1 < MIN_DIGIT_HEIGHT * H) flatWidth.set(a.mark, (flatWidth.get(a.mark) ?? 0) + a.x1 - a.x0 + 1);
  const unlikeDigits = (mark: number) => (flatWidth.get(mark) ?? 0) >= FLAT_SHARE * (marks[mark].maxX - marks[mark].minX + 1);

  /** The candidate of atoms from..to - 1 (null when it cannot win); `asNoiseOnly`: never read as a digit. */
  const candidateOf = (from: number, to: number, asNoiseOnly = false): ImageCandidate | null => {
    const span = atoms.slice(from, to);
    const box = union(span.map((a) => a.box));
    const together = gapPrior(innerGap(span.map((a) => a.box)), H);
    const merged = new Set(span.map((a) => a.mark)).size - 1;
    const asDigit = asNoiseOnly ? -Infinity : digitPrior(box, H, minExtent) + together;
    // Ink that touches its neighbours is more likely part of a digit than a stray mark.
    const isolated = atoms.every((a, i) => (i >= from && i < to) || a.box.minX > box.maxX + 0.05 * H || a.box.maxX < box.minX - 0.05 * H);
    const tall = box.maxY - box.minY + 1 >= 0.6 * H && !span.some((a) => unlikeDigits(a.mark));
    const wide = tall ? WIDE_NOISE * Math.max(0, (box.maxX - box.minX + 1) / H - 1) : 0;
    // In a frame filled by its marks, the marks are the digits, or the whole is not one.
    const asNoise = together - 0.5 * merged - (isolated ? 0 : 3) + wide + (fillsFrame ? FRAME_NOISE : 0);
    if (Math.max(asDigit, asNoise) < HOPELESS) return null;
    // A mark's pieces in the span (in their order) make one piece: from the first one's left cut to the last one's right cut.
    const parts = new Map<number, Part>();
    for (const a of span) {
      const p = parts.get(a.label);
      if (p) p.to = a.to;
      else parts.set(a.label, { label: a.label, y0: a.y0, from: a.from, to: a.to });
    }
    return { from, to, box, pixels: box, digitPrior: asDigit, noisePrior: asNoise, parts: [...parts.values()] };
  };

  const candidates: ImageCandidate[] = [];
  for (let from = 0; from < n; from++) {
    for (let to = from + 1; to <= Math.min(n, from + MAX_SPAN); to++) {
      const c = candidateOf(from, to);
      if (c) {
        candidates.push(c);
        continue;
      }
      // Wider spans from here only get worse once the box is too wide to be a digit.
      const box = union(atoms.slice(from, to).map((a) => a.box));
      if (box.maxX - box.minX > 2 * H) break;
    }
  }
  // A mark cut into more pieces than a candidate spans, whole, as "not a digit" (an arrow).
  marks.forEach((_, m) => {
    const first = atoms.findIndex((a) => a.mark === m);
    const last = atoms.findLastIndex((a) => a.mark === m);
    const contiguous = atoms.slice(first, last + 1).every((a) => a.mark === m);
    if (last + 1 - first <= MAX_SPAN || !contiguous) return;
    const c = candidateOf(first, last + 1, true);
    if (c) candidates.push(c);
  });

  // The whole ink of the image, as one digit (a tight crop whose marks the steps above broke up).
  let inkPixels = 0, minX = w, minY = h, maxX = -1, maxY = -1;
  for (const c of components) {
    inkPixels += c.area;
    minX = Math.min(minX, c.minX);
    minY = Math.min(minY, c.minY);
    maxX = Math.max(maxX, c.maxX);
    maxY = Math.max(maxY, c.maxY);
  }
  const marksArea = marks.reduce((s, m) => s + m.area, 0);
  // (In a frame-filling image the whole is read from its grey levels: never the same input.)
  const duplicate = !fillsFrame && inkPixels === marksArea && candidates.some((c) => c.from === 0 && c.to === n);
  if (inkPixels > 0 && !duplicate) {
    const box = { minX, minY, maxX, maxY };
    const density = inkPixels / ((maxX - minX + 1) * (maxY - minY + 1));
    // A frame-filling image is most often one digit, and one digit's whole is not held to the
    // proportions of a digit in a line: only an image wider than WHOLE_FRAME_ASPECT is less likely one.
    const prior = fillsFrame ? -10 * Math.max(0, (maxX - minX + 1) / (maxY - minY + 1) - WHOLE_FRAME_ASPECT) : digitPrior(box, Math.max(lineHeight, maxY - minY + 1), minExtent);
    if (density >= WHOLE_MIN_DENSITY && prior >= HOPELESS) {
      // In a frame-filling image the whole, read from its grey levels, stands for all of its marks
      // read together from their mask: the same ink, read better.
      if (fillsFrame) for (let i = candidates.length - 1; i >= 0; i--) if (candidates[i].from === 0 && candidates[i].to === n) candidates.splice(i, 1);
      candidates.push({ from: 0, to: Math.max(1, n), box, pixels: box, digitPrior: prior, noisePrior: fillsFrame ? FRAME_NOISE : 0, parts: null });
    }
  }
  return { nodes: Math.max(2, n + 1), candidates, cutPriors };
}

/** The 28x28 model input of a candidate; `partOf` is indexed by label, and left empty. */
function inputOf(c: ImageCandidate, ink: InkImage, labels: Int32Array, mask: Uint8Array, threshold: number, partOf: (Part | undefined)[]): Float32Array {
  if (!c.parts) return candidateInput(ink, (i) => mask[i] === 1, c.pixels, threshold);
  for (const p of c.parts) partOf[p.label] = p;
  const w = ink.width;
  const input = candidateInput(
    ink,
    (i, x) => {
      const p = partOf[labels[i]];
      if (!p) return false;
      const r = Math.floor(i / w) - p.y0;
      return (!p.from || x >= p.from[r]) && (!p.to || x < p.to[r]);
    },
    c.pixels,
    threshold,
  );
  for (const p of c.parts) partOf[p.label] = undefined;
  return input;
}

/** The marks of an image's ink, laid out as a lattice, with every candidate's model input. */
interface Segmented {
  ink: InkImage;
  lattice: ImageLattice;
  /** Per candidate: its model input, or null for the whole of a frame-filling image (read with the polarity). */
  inputs: (Float32Array | null)[];
  /** Marks that look like digits, when there are more than MAX_DIGITS (the image is refused). */
  tooMany?: number;
}

/** An image's ink as marks: its mask, the label image of its components, and those that may be digits. */
interface Marked {
  ink: InkImage;
  mask: Uint8Array;
  threshold: number;
  labels: Int32Array;
  /** All of the ink after ruled lines are removed. */
  components: Component[];
  kept: KeptMarks;
}

function markUp(ink: InkImage): Marked {
  const { width: w, height: h } = ink;
  const { mask, threshold } = inkMask(ink);
  removeRuledLines(mask, ink);
  const { labels, components } = labelComponents(mask, w, h);
  return { ink, mask, threshold, labels, components, kept: keepMarks(components, w, h) };
}

/** The model inputs of a lattice's candidates (null for the whole of a frame-filling image, read with the polarity). */
function inputsOf(lattice: ImageLattice, { ink, labels, components, mask, threshold }: Marked): (Float32Array | null)[] {
  // Indexed by label: `components` may be some of the image's (a row of a column).
  const labelsUpTo = components.reduce((most, c) => Math.max(most, c.label), 0);
  const partOf: (Part | undefined)[] = new Array(labelsUpTo + 1);
  return lattice.candidates.map((c) => (!c.parts && ink.fillsFrame ? null : inputOf(c, ink, labels, mask, threshold, partOf)));
}

function segment(marked: Marked): Segmented {
  const { ink, labels, components, kept } = marked;
  const { width: w, height: h } = ink;
  if (kept.digitLike > MAX_DIGITS) return { ink, lattice: { nodes: 2, candidates: [], cutPriors: [] }, inputs: [], tooMany: kept.digitLike };
  let marks = kept.marks;
  if (marks.length > MAX_MARKS) {
    const largest = new Set([...marks].sort((a, b) => b.area - a.area).slice(0, MAX_MARKS));
    marks = marks.filter((m) => largest.has(m));
  }
  const lattice = imageLattice(marks, kept.lineHeight, labels, components, w, h, ink.fillsFrame);
  return { ink, lattice, inputs: inputsOf(lattice, marked) };
}

/**
 * Every candidate classified together (the micro-batcher makes them one run); `whole` stands for
 * the whole of a frame-filling image, already read.
 */
const classifyAll = (inference: Classifier, inputs: (Float32Array | null)[], whole?: Float32Array): Promise<Float32Array[]> =>
  Promise.all(inputs.map((input) => (input ? inference.classify(input) : whole!)));

/** Input-image pixels (maxX, maxY exclusive) of a box in the work image's (inclusive), `sx` and `sy` the scales. */
const inputBox = (b: Box, sx: number, sy: number): Box => ({ minX: Math.floor(b.minX * sx), minY: Math.floor(b.minY * sy), maxX: Math.ceil((b.maxX + 1) * sx), maxY: Math.ceil((b.maxY + 1) * sy) });

/**
 * Height of the digits among marks: as keepMarks measures the line's, over these marks only, but
 * the lower of two middle heights (parentheses and slashes are taller than the digits).
 */
function digitHeight(marks: readonly Component[]): { height: number; digitLike: number } {
  const heights = overlapGroups(marks).map((g) => g.maxY - g.minY + 1);
  if (heights.length === 0) return { height: 0, digitLike: 0 };
  const tallest = Math.max(...heights);
  const tall = heights.filter((x) => x >= 0.5 * tallest).sort((a, b) => a - b);
  const height = tall[(tall.length - 1) >> 1];
  return { height, digitLike: heights.filter((x) => x >= 0.4 * height).length };
}

/**
 * The line of an image with operators among its marks (image-operators.ts): the marks between
 * them read number by number, each with its own lattice (all scored in one batch), and joined as
 * ink's lines are (common/line-reading.ts), with the value of what ends in "=". Null when the
 * image has no operators: it is read as a number. With `pointsAlone` (a row of a column, known to
 * be a number) its decimal points count, though no other operator is there.
 */
async function readExpression(inference: Classifier, marked: Marked, decoded: { inputWidth: number; inputHeight: number }, { pointsAlone = false } = {}): Promise<LineDecision | null> {
  const { ink, labels, kept } = marked;
  if (kept.marks.length < 2 || kept.marks.length > MAX_MARKS) return null;
  const inMarks = new Set(kept.marks);
  const { operators, doubtful } = findImageOperators(kept.marks, marked.components.filter((c) => !inMarks.has(c)), labels, ink.width, digitHeight(kept.marks).height, { pointsAlone });
  if (operators.length === 0) return null;
  const theirs = new Set(operators.flatMap((o) => o.labels));
  const rest = kept.marks.filter((m) => !theirs.has(m.label));
  const { height, digitLike } = digitHeight(rest);
  if (digitLike > MAX_DIGITS) {
    throw new ImageError('too_many_digits', `Found ${digitLike} separate marks; at most ${MAX_DIGITS} digits are read from one image. Crop the image to the number.`);
  }

  // The marks between operators, number by number, left to right; decimal points go with their number.
  const sx = decoded.inputWidth / ink.width, sy = decoded.inputHeight / ink.height;
  const splitters = operators.filter((o) => o.symbol !== '.');
  const pieceAt = (x: number) => splitters.filter((o) => (o.box.minX + o.box.maxX) / 2 < x).length;
  const pieces: Component[][] = [...splitters.map((): Component[] => []), []];
  for (const m of rest) pieces[pieceAt((m.minX + m.maxX) / 2)].push(m);
  const points: LineOperator[][] = pieces.map(() => []);
  for (const p of operators) if (p.symbol === '.') points[pieceAt((p.box.minX + p.box.maxX) / 2)].push({ symbol: p.symbol, box: inputBox(p.box, sx, sy) });
  // (Without the whole of the piece's ink as one more candidate: that is for a tight crop of a digit whose marks are broken.)
  const lattices = pieces.map((marks) => (marks.length > 0 ? imageLattice(marks, height, labels, [], ink.width, ink.height) : null));
  const inputs = lattices.map((l) => (l ? (inputsOf(l, marked) as Float32Array[]) : []));
  const outputs = await Promise.all(inputs.flat().map((i) => inference.classify(i)));
  let k = 0;
  const read = lattices.map((lattice, p) => {
    const scored = outputs.slice(k, (k += inputs[p].length));
    if (!lattice) return null;
    const candidates = lattice.candidates.map((c) => ({ ...c, box: inputBox(c.pixels, sx, sy) }));
    return readLattice(lattice.nodes, candidates, scored, lattice.cutPriors);
  });
  const line = joinLine(read, points, splitters.map((o) => ({ symbol: o.symbol, box: inputBox(o.box, sx, sy) })), height * sy);
  // A mark of some size among the numbers that is read as no digit may be an operator not found:
  // the value of the rest would be a wrong one.
  // So may a mark that comes close to a "/" or a parenthesis (read as a 1).
  const unread = line.rejected.some((r) => r.notDigitProbability < 1 && Math.max(r.box.width / sx, r.box.height / sy) >= UNREAD_MARK * height);
  if (unread || doubtful.length > 0) line.math = [];
  if (line.digits.length > MAX_DIGITS) {
    throw new ImageError('too_many_digits', `Found ${line.digits.length} digits; at most ${MAX_DIGITS} are read from one image. Crop the image to the number.`);
  }
  return line;
}

/** The best reading of segmented marks, their candidates scored (`outputs`); boxes in the input image's pixels. */
function readSegmented({ ink, lattice, tooMany }: Segmented, outputs: Float32Array[], decoded: { inputWidth: number; inputHeight: number }): LineDecision {
  if (tooMany) {
    throw new ImageError('too_many_digits', `Found ${tooMany} separate marks; at most ${MAX_DIGITS} digits are read from one image. Crop the image to the number.`);
  }
  const sx = decoded.inputWidth / ink.width, sy = decoded.inputHeight / ink.height;
  const candidates = lattice.candidates.map((c) => ({ ...c, box: inputBox(c.pixels, sx, sy) }));
  const decision = readLattice(lattice.nodes, candidates, outputs, lattice.cutPriors);
  if (decision.digits.length > MAX_DIGITS) {
    throw new ImageError('too_many_digits', `Found ${decision.digits.length} digits; at most ${MAX_DIGITS} are read from one image. Crop the image to the number.`);
  }
  // Without operators, an image answers its digits, and evaluates nothing.
  return { ...decision, math: [] };
}

/** The number in marks that do not fill their frame: their lattice, every candidate scored in one batch. */
async function readNumber(inference: Classifier, marked: Marked, decoded: { inputWidth: number; inputHeight: number }): Promise<LineDecision> {
  const seg = segment(marked);
  return readSegmented(seg, seg.tooMany ? [] : await classifyAll(inference, seg.inputs), decoded);
}

/** A rule under a column is flat: at most this tall for its width. */
const RULE_FLAT = 0.2;

/**
 * A column of numbers with a rule under it (issue 20), read as a board reads one: the marks
 * grouped into numbers by place (common/grouping.ts, rows of the column kept apart), each number
 * read as a line of its own (with its decimal point), and the column added up by
 * common/column-sums.ts (a sum withheld, the numbers are still answered row by row). Null when
 * the image holds no column: it is then read as one line.
 */
async function readColumn(inference: Classifier, marked: Marked, decoded: { inputWidth: number; inputHeight: number }): Promise<Omit<Recognition, 'model' | 'ms'> | null> {
  const marks = marked.kept.marks;
  if (marks.length < 3 || marks.length > MAX_MARKS) return null;
  const flat = (m: Component) => m.maxY - m.minY + 1 <= RULE_FLAT * (m.maxX - m.minX + 1);
  if (!marks.some(flat)) return null;
  const groups = groupByPlace(marks.map((m, i) => ({ id: String(i), points: [], box: { minX: m.minX, minY: m.minY, maxX: m.maxX + 1, maxY: m.maxY + 1 } })));
  if (groups.length < 3) return null;
  const isRule = (ids: readonly string[]) => ids.length === 1 && flat(marks[Number(ids[0])]);
  if (!holdsColumn(groups.map((g) => ({ box: toRect(g.box), rule: isRule(g.strokeIds) })))) return null;
  const sx = decoded.inputWidth / marked.ink.width, sy = decoded.inputHeight / marked.ink.height;
  const read: GroupResult[] = await Promise.all(
    groups.map(async (g) => {
      const own = g.strokeIds.map((id) => marks[Number(id)]).sort((a, b) => a.minX + a.maxX - (b.minX + b.maxX));
      const box = toRect(inputBox({ minX: g.box.minX, minY: g.box.minY, maxX: g.box.maxX - 1, maxY: g.box.maxY - 1 }, sx, sy));
      const empty = { text: '', digits: [], rejected: [], alternatives: [], math: [] };
      if (isRule(g.strokeIds)) return { id: g.strokeIds[0], box, strokeIds: g.strokeIds, result: { ...empty, model: '', ms: 0 } };
      // The number's own marks, and the ink about them (specks near a decimal point).
      const near = marked.components.filter((c) => c.maxY >= g.box.minY && c.minY < g.box.maxY && c.maxX >= g.box.minX && c.minX < g.box.maxX);
      const { height, digitLike } = digitHeight(own);
      const row: Marked = { ...marked, components: near, kept: { marks: own, lineHeight: height, digitLike } };
      const line = (await readExpression(inference, row, decoded, { pointsAlone: true })) ?? (await readNumber(inference, row, decoded));
      return { id: g.strokeIds[0], box, strokeIds: g.strokeIds, result: { ...line, model: '', ms: 0 } };
    }),
  );
  // common/column-sums.ts tells rules by their strokes: a rule's is drawn from its left end to its
  // right end along its middle; any other mark's stands upright (never a rule).
  const pointsOf = (id: string) => {
    const m = marks[Number(id)];
    const y = ((m.minY + m.maxY + 1) / 2) * sy;
    return isRule([id]) ? [[m.minX * sx, y], [(m.maxX + 1) * sx, y]] : [[0, 0], [0, 1]];
  };
  return columnPage(read, columns(read, pointsOf));
}

/**
 * Image bytes -> the recognized number, or the expression with its value, or the column with its
 * sum (the best reading of each lattice, with alternatives).
 */
export async function recognizeImage(inference: Classifier, bytes: Buffer): Promise<Recognition> {
  const start = performance.now();
  const decoded = await decodeImage(bytes);
  const first = normalizeInk(decoded);
  const marked = markUp(first);
  const done = (r: Omit<Recognition, 'model' | 'ms'>): Recognition => ({ ...r, model: inference.manifest.version, ms: round(performance.now() - start, 3) });
  if (!first.fillsFrame) {
    const read = (await readColumn(inference, marked, decoded)) ?? (await readExpression(inference, marked, decoded)) ?? (await readNumber(inference, marked, decoded));
    return done(read);
  }
  // A frame-filling image (one with one paper level: small, or filled by its marks) is most often
  // a crop of one digit: it is read with no operators and no column. Its paper's side is hard to
  // tell from the pixels alone (a bold digit is most of a small scan), so when the model is not
  // sure of a digit in the polarity the pixels suggest, and the ink reaches an edge, it reads the
  // whole image the other way too, and the polarity in which it sees the surer digit wins. A sure
  // digit means the pixels were read the right way round: in the other polarity the model sees the
  // paper around the digit as ink. The whole image's reading is also its candidate in the lattice.
  const seg = segment(marked);
  const [p, ...rest] = await Promise.all([fitWhole(first.ink, first.width, first.height), ...seg.inputs.filter((i) => i !== null)].map((i) => inference.classify(i)));
  const surest = (r: Float32Array) => Math.max(...r.subarray(0, NOT_A_DIGIT));
  // Ink that the paper surrounds, touching no edge, was read the right way round: the other way
  // round, the paper about it would be the ink, and would reach the edges.
  const surrounded = marked.components.length > 0 && marked.components.every((c) => c.contact.every((n) => n === 0));
  if (surest(p) < SURE_POLARITY && !surrounded) {
    const other = frameFilling(decoded, first.polarity === 'dark-on-light' ? 'light-on-dark' : 'dark-on-light');
    const q = await inference.classify(fitWhole(other.ink, other.width, other.height));
    if (surest(q) > surest(p)) {
      const flipped = segment(markUp(other));
      return done(readSegmented(flipped, flipped.tooMany ? [] : await classifyAll(inference, flipped.inputs, q), decoded));
    }
  }
  let k = 0;
  const outputs = seg.inputs.map((input) => (input ? rest[k++] : p));
  return done(readSegmented(seg, outputs, decoded));
}
