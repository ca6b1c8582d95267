/**
 * Which components may be digits or parts of digits (specks and bands along the border dropped),
 * grouped by horizontal overlap, the line's height, and where a wide mark may be cut into touching
 * digits. Which marks make a digit, and where to cut, is decided in image.ts by reading them all.
 */
import { groupByOverlap } from '../../../common/segment.js';
import type { Component, InkBox } from './components.js';

/** Components that overlap horizontally (the two strokes of a 4 or 5): used for the line's height and the count of digits. */
export interface MarkGroup extends InkBox {
  members: Component[];
}

/**
 * A band along an edge of the photo (the page's edge, the table, the corners of a tilted shot):
 * lying on the border for most of its length, and shallow. A digit cropped tightly touches the
 * border too, but only where its strokes end, or it is deep (the bar of a 7 along the top).
 */
function isBorderBand(c: InkBox, w: number, h: number): boolean {
  const [top, right, bottom, left] = c.contact;
  const cw = c.maxX - c.minX + 1, ch = c.maxY - c.minY + 1;
  const alongX = Math.max(top, bottom) >= Math.max(0.5 * cw, 0.05 * w) && ch <= 0.15 * h;
  const alongY = Math.max(left, right) >= Math.max(0.5 * ch, 0.05 * h) && cw <= 0.15 * w;
  return alongX || alongY;
}

/** Components -> groups of horizontally overlapping ones on the same line, left to right (common/segment.ts). */
export function overlapGroups(components: readonly Component[]): MarkGroup[] {
  // A component's columns minX..maxX are maxX - minX + 1 pixels wide.
  return groupByOverlap(components.map((c) => ({ minX: c.minX, minY: c.minY, maxX: c.maxX + 1, maxY: c.maxY })), { sameLine: true }).map((members) => {
    const group: MarkGroup = { members: [], area: 0, minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, contact: [0, 0, 0, 0] };
    for (const c of members.map((k) => components[k])) {
      group.members.push(c);
      group.area += c.area;
      group.minX = Math.min(group.minX, c.minX);
      group.minY = Math.min(group.minY, c.minY);
      group.maxX = Math.max(group.maxX, c.maxX);
      group.maxY = Math.max(group.maxY, c.maxY);
      for (let k = 0; k < 4; k++) group.contact[k] += c.contact[k];
    }
    return group;
  });
}

export interface KeptMarks {
  /** The components that may be digits or parts of digits, by the centre of their box, left to right. */
  marks: Component[];
  /** Height of the line's digits: the median height of the groups at least half as tall as the tallest. */
  lineHeight: number;
  /** Groups at least 0.4 of the line's height: how many digits the image seems to hold. */
  digitLike: number;
}

/**
 * Drops specks (small against the image and against the largest mark) and bands along the border
 * (page edges, the table). Everything else stays, short marks included: whether a mark is a digit,
 * part of one or not a digit is the reading's call (image.ts).
 */
export function keepMarks(components: readonly Component[], w: number, h: number): KeptMarks {
  const maxArea = components.reduce((m, c) => Math.max(m, c.area), 0);
  // Floors that scale down with the image: an 8 x 8 scan's strokes are a few pixels.
  const minArea = Math.max(2, Math.min(8, 0.002 * w * h), 2e-5 * w * h, 0.04 * maxArea);
  const minExtent = Math.max(Math.min(4, 0.25 * Math.min(w, h)), 0.02 * Math.min(w, h));
  const kept = components.filter((c) => {
    const cw = c.maxX - c.minX + 1, ch = c.maxY - c.minY + 1;
    return c.area >= minArea && Math.max(cw, ch) >= minExtent && !isBorderBand(c, w, h);
  });
  // A band cut into pieces (by a shadow, say) shows only once they are together.
  const groups = overlapGroups(kept).filter((g) => !isBorderBand(g, w, h));
  const marks = groups.flatMap((g) => g.members).sort((a, b) => a.minX + a.maxX - (b.minX + b.maxX));
  if (groups.length === 0) return { marks: [], lineHeight: 0, digitLike: 0 };
  const heights = groups.map((g) => g.maxY - g.minY + 1);
  const tallest = Math.max(...heights);
  const tall = heights.filter((x) => x >= 0.5 * tallest).sort((a, b) => a - b);
  const lineHeight = tall[tall.length >> 1];
  return { marks, lineHeight, digitLike: heights.filter((x) => x >= 0.4 * lineHeight).length };
}

export interface Cut {
  /** Where the cut runs: per row of the mark (index y - minY), the first column of the right-hand piece. */
  path: Int32Array;
  /** Its mean column (image x): where it is along the mark. */
  x: number;
  /** Ink pixels of the mark the cut goes through. */
  ink: number;
  /** Strokes the cut goes through: the separate runs of the mark's pixels along it. */
  runs: number;
}

/**
 * How far a cut may wander sideways from where it starts, for the mark's height: digits written
 * close overlap (a 3's lower bowl under the next digit), and a straight cut would take a piece of
 * one digit into the other.
 */
const CUT_WANDER = 0.3;
/** Cost of a cut's sideways step, against one ink pixel gone through: of cuts through as much ink, the straighter. */
const CUT_STEP = 0.05;
/** Cost per column away from where the cut starts: of two equal cuts, the one nearer the even spacing. */
const CUT_DRIFT = 0.001;
/**
 * Cost of a row where the cut has all of the mark's ink on one side: a cut runs between two
 * digits, not around the mark's edge (which would go through no ink and cut nothing off).
 */
const CUT_ONE_SIDED = 0.3;

/**
 * The cheapest cut from the top of a mark to its bottom near column `start` (the first column of
 * the right-hand piece): a dynamic program over the rows, a step of at most two columns sideways
 * per row, paying for each ink pixel the cut goes through (along its row when it steps sideways)
 * and for each row it leaves all of the mark's ink on one side of.
 */
function cheapestCut(c: Component, labels: Int32Array, w: number, start: number): Cut {
  const mh = c.maxY - c.minY + 1;
  const wander = Math.max(1, Math.round(CUT_WANDER * mh));
  const lo = Math.max(c.minX + 1, start - wander), hi = Math.min(c.maxX, start + wander);
  const span = hi - lo + 1;
  // Ink of row r (of the mark) in columns lo - 2 .. hi, as prefix sums: inkIn(r, a, b) for a..b inclusive.
  const base = lo - 2, width = span + 2;
  const prefix = new Int32Array(mh * (width + 1));
  for (let r = 0; r < mh; r++) {
    const row = (c.minY + r) * w;
    for (let k = 0; k < width; k++) {
      const x = base + k;
      prefix[r * (width + 1) + k + 1] = prefix[r * (width + 1) + k] + (x >= c.minX && labels[row + x] === c.label ? 1 : 0);
    }
  }
  const inkIn = (r: number, a: number, b: number) => prefix[r * (width + 1) + b - base + 1] - prefix[r * (width + 1) + a - base];
  // Each row's ink left of the window's columns, and in all.
  const before = new Int32Array(mh), total = new Int32Array(mh);
  for (let r = 0; r < mh; r++) {
    const row = (c.minY + r) * w;
    for (let x = c.minX; x <= c.maxX; x++) {
      if (labels[row + x] !== c.label) continue;
      total[r]++;
      if (x < base) before[r]++;
    }
  }
  const oneSided = (r: number, x: number) => {
    const left = before[r] + inkIn(r, base, x - 1);
    return total[r] > 0 && (left === 0 || left === total[r]) ? CUT_ONE_SIDED : 0;
  };
  const cost = new Float64Array(mh * span);
  const step = new Int8Array(mh * span);
  for (let k = 0; k < span; k++) cost[k] = inkIn(0, lo + k, lo + k) + oneSided(0, lo + k) + CUT_DRIFT * Math.abs(lo + k - start);
  for (let r = 1; r < mh; r++) {
    for (let k = 0; k < span; k++) {
      const x = lo + k;
      let best = Infinity, from = 0;
      for (let d = -2; d <= 2; d++) {
        const kk = k + d;
        if (kk < 0 || kk >= span) continue;
        const v = cost[(r - 1) * span + kk] + inkIn(r, Math.min(x, x + d), Math.max(x, x + d)) + CUT_STEP * Math.abs(d);
        if (v < best) [best, from] = [v, d];
      }
      cost[r * span + k] = best + oneSided(r, x) + CUT_DRIFT * Math.abs(x - start);
      step[r * span + k] = from;
    }
  }
  let k = 0;
  for (let j = 1; j < span; j++) if (cost[(mh - 1) * span + j] < cost[(mh - 1) * span + k]) k = j;
  const path = new Int32Array(mh);
  for (let r = mh - 1; r >= 0; r--) {
    path[r] = lo + k;
    k += step[r * span + k];
  }
  return { path, ...alongCut(c, labels, w, path) };
}

/** Where a cut is (its mean column), and the ink and the strokes it goes through. */
function alongCut(c: Component, labels: Int32Array, w: number, path: Int32Array): Omit<Cut, 'path'> {
  let ink = 0, runs = 0, sum = 0;
  for (let r = 0, inside = false; r < path.length; r++) {
    const row = (c.minY + r) * w;
    // The cut's pixels on this row: from its column on the row above to its column here.
    const a = Math.min(path[r], r > 0 ? path[r - 1] : path[r]), b = Math.max(path[r], r > 0 ? path[r - 1] : path[r]);
    let here = 0;
    for (let x = a; x <= Math.min(b, w - 1); x++) if (labels[row + x] === c.label) here++;
    ink += here;
    if (here > 0 && !inside) runs++;
    inside = here > 0;
    sum += path[r];
  }
  return { x: sum / path.length, ink, runs };
}

/** Which piece of a mark cut by `paths` (left to right) the pixel at column x of row r falls in. */
export function pieceAt(paths: readonly Int32Array[], r: number, x: number): number {
  let k = 0;
  while (k < paths.length && x >= paths[k][r]) k++;
  return k;
}

/**
 * Where a wide mark may be cut into digits written so close that they touch: for 2 up to
 * `maxPieces` pieces side by side, the cheapest cuts (cheapestCut) from the columns with the least
 * ink near the evenly spaced positions, as long as every piece holds some ink. Left to right,
 * without near-duplicates; no two cross.
 */
export function cutPaths(c: Component, labels: Int32Array, w: number, maxPieces: number): Cut[] {
  const gw = c.maxX - c.minX + 1, mh = c.maxY - c.minY + 1;
  const column = new Int32Array(gw);
  for (let y = c.minY; y <= c.maxY; y++) {
    const row = y * w;
    for (let x = c.minX; x <= c.maxX; x++) if (labels[row + x] === c.label) column[x - c.minX]++;
  }
  const byStart = new Map<number, Cut>();
  const cutFrom = (x: number) => byStart.get(x) ?? byStart.set(x, cheapestCut(c, labels, w, c.minX + x)).get(x)!;
  const found: Cut[] = [];
  for (let pieces = 2; pieces <= maxPieces; pieces++) {
    const starts = [0];
    const stride = gw / pieces;
    for (let k = 1; k < pieces; k++) {
      const centre = Math.round(k * stride);
      let best = centre;
      for (let x = Math.max(starts[k - 1] + 1, Math.round(centre - stride / 4)); x <= Math.min(gw - 1, Math.round(centre + stride / 4)); x++) {
        if (column[x] < column[best] || (column[x] === column[best] && Math.abs(x - centre) < Math.abs(best - centre))) best = x;
      }
      starts.push(best);
    }
    const cuts = uncrossed(starts.slice(1).map(cutFrom));
    const area = new Int32Array(pieces);
    for (let y = c.minY; y <= c.maxY; y++) {
      for (let x = c.minX; x <= c.maxX; x++) if (labels[y * w + x] === c.label) area[pieceAt(cuts.map((k) => k.path), y - c.minY, x)]++;
    }
    if (area.every((a) => a >= (0.5 * c.area) / pieces)) found.push(...cuts);
  }
  const near = Math.max(2, 0.08 * mh);
  const out: Cut[] = [];
  for (const cut of [...new Set(found)].sort((a, b) => a.x - b.x)) {
    if (out.length > 0 && cut.x - out[out.length - 1].x < near) continue;
    out.push(cut);
  }
  return uncrossed(out).map((cut) => ({ ...cut, ...alongCut(c, labels, w, cut.path) }));
}

/** Columns between the starts that cutsAlong tries, for the mark's height. */
const SCAN_STEP = 0.05;
/** Two cuts nearer than this (for the mark's height) are one: the cheaper is kept. */
const SCAN_NEAR = 0.15;
/** No cut leaves less than this (for the mark's height) at either end of the mark: a 1 is about as narrow. */
const SCAN_EDGE = 0.15;

/**
 * Where a mark of several touching digits may be cut, whatever their widths: the cheapest cut
 * (cheapestCut) from every few columns along it, and of cuts near each other the one through the
 * least ink. Unlike cutPaths, it does not expect evenly wide digits (a 1 between two 8s), and it
 * finds as many cuts as the mark has narrow places: the reading decides which of them part digits.
 * Left to right; no two cross.
 */
export function cutsAlong(c: Component, labels: Int32Array, w: number): Cut[] {
  const mh = c.maxY - c.minY + 1;
  const step = Math.max(1, Math.round(SCAN_STEP * mh));
  const edge = Math.max(1, Math.round(SCAN_EDGE * mh));
  const near = Math.max(2, SCAN_NEAR * mh);
  const byColumn = new Map<number, Cut>();
  for (let x = c.minX + edge; x <= c.maxX + 1 - edge; x += step) {
    const cut = cheapestCut(c, labels, w, x);
    const at = Math.round(cut.x);
    if (cut.x - c.minX < edge || c.maxX + 1 - cut.x < edge) continue;
    const had = byColumn.get(at);
    if (!had || cut.ink < had.ink) byColumn.set(at, cut);
  }
  const kept: Cut[] = [];
  for (const cut of [...byColumn.values()].sort((a, b) => a.ink + a.runs - (b.ink + b.runs) || a.x - b.x)) {
    if (!kept.some((k) => Math.abs(k.x - cut.x) < near)) kept.push(cut);
  }
  return uncrossed(kept.sort((a, b) => a.x - b.x)).map((cut) => ({ ...cut, ...alongCut(c, labels, w, cut.path) }));
}

/** Cuts left to right, each moved right where it would cross the one before (copies, where moved). */
function uncrossed(cuts: readonly Cut[]): Cut[] {
  const out: Cut[] = [];
  for (const cut of cuts) {
    const before = out[out.length - 1];
    if (!before || cut.path.every((x, r) => x > before.path[r])) {
      out.push(cut);
      continue;
    }
    out.push({ ...cut, path: cut.path.map((x, r) => Math.max(x, before.path[r] + 1)) });
  }
  return out;
}

/**
 * A piece of one component: all of it, or its pixels between two cuts. `from` and `to` (per row
 * of the component, from its row `y0`) bound it: a pixel at column x of row y is in it when
 * x >= from[y - y0] and x < to[y - y0] (no bound where null).
 */
export interface Part {
  label: number;
  y0: number;
  from: Int32Array | null;
  to: Int32Array | null;
}
