/**
 * The operators of arithmetic in an image, found among its marks (connected components) by their
 * shape measured against the height of the line's digits, as common/operators.ts finds them among
 * strokes: a minus is one flat bar, "=" two flat bars one over the other, "+" one mark made of a
 * flat and an upright bar crossing near their middles, "×" (or the letter x) two diagonal bars
 * crossing, "÷" a dash between two dots, ":" two dots stacked, "/" a leaning bar, "(" and ")" a
 * tall, thin, evenly bowed mark, "." a dot low on the line between digits.
 *
 * A bar is found as the narrowest strip, a pen's width or so, that holds most of a mark's pixels at
 * one of a few directions; a mark that one strip holds is a bar, one that two crossing strips hold
 * is a cross. The rules of the ink reader carry over: each operator sits on the band of the digits,
 * is not written over or under another mark (the bar of a 5 over its body), and stands beside
 * digits; ink without digits has no operators. In an image an operator that touches a digit is
 * part of that digit's mark, and is not found.
 */
import { FLAT, SLASH, STEEP_SLASH, UNMISTAKABLE, UPRIGHT, type OperatorSymbol } from '../../../common/operators.js';
import type { Box } from '../../../common/preprocess.js';
import type { Component } from './components.js';

export interface ImageOperator {
  symbol: OperatorSymbol;
  /** Labels of its marks. */
  labels: number[];
  /** Work-image pixels, inclusive. */
  box: Box;
}

export interface ImageOperators {
  /** Left to right; none when the line holds no operator that a digit cannot look like (UNMISTAKABLE). */
  operators: ImageOperator[];
  /** Labels of the marks, not operators, that come close to a "/" or a parenthesis. */
  doubtful: number[];
}

/** The line's digits are at least this many pen widths tall. */
const MIN_DIGIT_PENS = 4;
/** Directions tried for a bar, in degrees (0: flat, 90: upright), every this many. */
const ANGLE_STEP = 3;
/** Most pixels of a mark its bars are measured on (see pixelsOf). */
const MAX_PIXELS = 1500;
/** Share of a mark's pixels that its bar must hold. */
const COVER = 0.9;
/** Share of a cross's pixels its two bars must hold: a 4 is a cross with a diagonal besides. */
const CROSS_COVER = 0.96;
/**
 * Tallest "+" or "×", for the digits' height: people write them smaller than the digits beside
 * them. A cross as tall as the digits is a digit in a bold pen, whose strokes fill in what tells
 * it apart: the stem and bar of a 4 (its diagonal lost in the ink), the loops of an 8.
 */
const CROSS_TALLEST = 0.87;
/** Steepest bar of a "×", in degrees: the letter x of slanted writing leans one of its bars up to this. */
const TIMES_STEEPEST = 72;
// An image holds no strokes to tell a "/" from a slanted 1, a "-" from the bar of a 5, a "." from a
// speck, or a ")" from a bowed 1: those are read only in a line with an UNMISTAKABLE operator.
/** How many degrees more than the writing's slant a "/" leans, at least. */
const SLASH_OVER_SLANT = 10;
/**
 * Bow (of its height) from which a tall narrow mark is a parenthesis. Operators of an image count
 * only in a line with a sure one (see UNMISTAKABLE), where ink's parentheses may bow less still.
 */
const PAREN_BOW = 0.07;
/** Bow from which a tall narrow mark read as a digit is in doubt (a parenthesis or a bowed 1). */
const DOUBTFUL_BOW = 0.05;
/** How many degrees more than the writing's slant a "/" steeper than SLASH leans, at least. */
const STEEP_SLASH_OVER_SLANT = 15;
/** A mark that leans this much more than the writing is in doubt (a "/" or a slanted 1). */
const DOUBTFUL_OVER_SLANT = 4;

/** A straight strip of a mark's ink: its direction, where its centre line is, and how far it runs. */
interface Bar {
  /** Direction in degrees, 0 to 180, y down: below 90 it falls to the right, above 90 it rises. */
  angle: number;
  /** The centre line's distance from the origin along the normal (-sin, cos). */
  offset: number;
  /** Extent along the direction (cos, sin), in pixels: first and last of most of its ink. */
  from: number;
  to: number;
  /** Pixels it holds. */
  count: number;
}

interface Shape {
  mark: Component;
  box: Box;
  width: number;
  height: number;
  /** Stroke width: 2 x area / boundary length. */
  pen: number;
  /** Pixel coordinates. */
  xs: Int32Array;
  ys: Int32Array;
  /** The bar that holds the mark, if one does. */
  line?: Bar;
  /** The two bars that hold it together, crossing, if they do. */
  cross?: [Bar, Bar];
  dot: boolean;
}

const cx = (b: Box) => (b.minX + b.maxX) / 2;
const cy = (b: Box) => (b.minY + b.maxY) / 2;
const union = (boxes: readonly Box[]): Box => ({
  minX: Math.min(...boxes.map((b) => b.minX)),
  minY: Math.min(...boxes.map((b) => b.minY)),
  maxX: Math.max(...boxes.map((b) => b.maxX)),
  maxY: Math.max(...boxes.map((b) => b.maxY)),
});
const rad = (deg: number) => (deg * Math.PI) / 180;
/** Slope of a bar, 0-90 degrees from the horizontal. */
const slopeOf = (b: Bar) => (b.angle <= 90 ? b.angle : 180 - b.angle);
const rising = (b: Bar) => b.angle > 90;
/** Length of a bar's centre line (its ink's extent less the round ends of the pen). */
const lengthOf = (b: Bar, pen: number) => Math.max(0, b.to - b.from - pen);

function pixelsOf(mark: Component, labels: Int32Array, w: number): { xs: Int32Array; ys: Int32Array; pen: number } {
  const xs = new Int32Array(mark.area), ys = new Int32Array(mark.area);
  let n = 0, edges = 0;
  const is = (x: number, y: number) => x >= mark.minX && x <= mark.maxX && y >= mark.minY && y <= mark.maxY && labels[y * w + x] === mark.label;
  for (let y = mark.minY; y <= mark.maxY; y++) {
    for (let x = mark.minX; x <= mark.maxX; x++) {
      if (labels[y * w + x] !== mark.label) continue;
      xs[n] = x;
      ys[n++] = y;
      edges += Number(!is(x - 1, y)) + Number(!is(x + 1, y)) + Number(!is(x, y - 1)) + Number(!is(x, y + 1));
    }
  }
  // A large mark (a digit in a photo) is measured on an even sample of its pixels: the shares of
  // ink that bars hold are about the same, for a fraction of the work of trying every direction.
  const step = Math.ceil(n / MAX_PIXELS);
  const sample = (a: Int32Array) => (step > 1 ? a.subarray(0, n).filter((_, i) => i % step === 0) : a.subarray(0, n));
  return { xs: sample(xs), ys: sample(ys), pen: edges > 0 ? (2 * n) / edges : 1 };
}

/**
 * The strip `width` wide at direction `angle` that holds the most of the pixels (those with
 * `skip` set left out), with the extent of the ink in it unless `extent` is false (from and to
 * are then 0: the search over directions needs only the counts, and sorting each direction's
 * ink is most of its cost).
 */
function bestStrip(xs: Int32Array, ys: Int32Array, angle: number, width: number, skip?: Uint8Array, extent = true): Bar {
  const s = Math.sin(rad(angle)), c = Math.cos(rad(angle));
  let lo = Infinity, hi = -Infinity;
  const d = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    d[i] = -xs[i] * s + ys[i] * c;
    if (skip?.[i]) continue;
    lo = Math.min(lo, d[i]);
    hi = Math.max(hi, d[i]);
  }
  if (lo > hi) return { angle, offset: 0, from: 0, to: 0, count: 0 };
  const bins = new Int32Array(Math.floor(hi - lo) + 2);
  for (let i = 0; i < xs.length; i++) if (!skip?.[i]) bins[Math.floor(d[i] - lo)]++;
  // Sliding sum over `span` bins.
  const span = Math.max(1, Math.round(width));
  let sum = 0, best = -1, at = 0;
  for (let k = 0; k < bins.length; k++) {
    sum += bins[k] - (k >= span ? bins[k - span] : 0);
    if (sum > best) [best, at] = [sum, k];
  }
  const offset = lo + at + 1 - span / 2;
  const bar = { angle, offset, from: 0, to: 0, count: best };
  return extent ? withExtent(xs, ys, bar, width) : bar;
}

/** The bar with the extent along it of all the ink in its strip, trimmed of the few farthest pixels. */
function withExtent(xs: Int32Array, ys: Int32Array, bar: Bar, width: number): Bar {
  const s = Math.sin(rad(bar.angle)), c = Math.cos(rad(bar.angle));
  const span = Math.max(1, Math.round(width));
  const along: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Math.abs(-xs[i] * s + ys[i] * c - bar.offset) <= span / 2) along.push(xs[i] * c + ys[i] * s);
  along.sort((a, b) => a - b);
  const q = (f: number) => along[Math.round(f * (along.length - 1))] ?? 0;
  return { ...bar, from: q(0.01), to: q(0.99) };
}

/**
 * A bar's direction and centre line from the second moments of the ink in its strip: among the
 * directions tried, a short bar fits a strip at several, the first of which is not its own.
 */
function refined(xs: Int32Array, ys: Int32Array, bar: Bar, width: number): Bar {
  const s = Math.sin(rad(bar.angle)), c = Math.cos(rad(bar.angle));
  let n = 0, mx = 0, my = 0;
  const inside: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (Math.abs(-xs[i] * s + ys[i] * c - bar.offset) > Math.round(width) / 2) continue;
    inside.push(i);
    mx += xs[i];
    my += ys[i];
    n++;
  }
  if (n < 2) return withExtent(xs, ys, bar, width);
  mx /= n;
  my /= n;
  let sxx = 0, syy = 0, sxy = 0;
  for (const i of inside) {
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  return bestStrip(xs, ys, ((((0.5 * Math.atan2(2 * sxy, sxx - syy) * 180) / Math.PI) % 180) + 180) % 180, width);
}

/** The best strip over every direction (only those at least `apart` degrees from `other`, if given). */
function bestBar(xs: Int32Array, ys: Int32Array, width: number, skip?: Uint8Array, other?: number, apart = 0): Bar {
  let best: Bar | undefined;
  for (let angle = 0; angle < 180; angle += ANGLE_STEP) {
    if (other !== undefined) {
      const diff = Math.abs(angle - other) % 180;
      if (Math.min(diff, 180 - diff) < apart) continue;
    }
    const bar = bestStrip(xs, ys, angle, width, skip, false);
    if (!best || bar.count > best.count) best = bar;
  }
  return best!;
}

/** Where two bars' centre lines cross, as fractions along each (null when they do not, or are parallel). */
function crossing(a: Bar, b: Bar): [number, number] | null {
  const [ua, ub] = [rad(a.angle), rad(b.angle)];
  // Point = t * (cos, sin) + offset * (-sin, cos), for each bar; solve for ta, tb.
  const [ax, ay, bx, by] = [Math.cos(ua), Math.sin(ua), Math.cos(ub), Math.sin(ub)];
  const [pax, pay, pbx, pby] = [-a.offset * ay, a.offset * ax, -b.offset * by, b.offset * bx];
  const det = ax * -by - ay * -bx;
  if (Math.abs(det) < 1e-6) return null;
  const [rx, ry] = [pbx - pax, pby - pay];
  const ta = (rx * -by - ry * -bx) / det;
  const tb = (ax * ry - ay * rx) / det;
  return [(ta - a.from) / Math.max(a.to - a.from, 1), (tb - b.from) / Math.max(b.to - b.from, 1)];
}

/** How far forward a tall mark leans, in degrees, from the main axis of its pixels; null when it is not elongated enough to tell. */
function leanOf(s: Shape): number | null {
  const n = s.xs.length;
  if (n < 3) return null;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) [mx, my] = [mx + s.xs[i], my + s.ys[i]];
  [mx, my] = [mx / n, my / n];
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (s.xs[i] - mx) ** 2;
    syy += (s.ys[i] - my) ** 2;
    sxy += (s.xs[i] - mx) * (s.ys[i] - my);
  }
  const spread = Math.sqrt((sxx - syy) ** 2 + 4 * sxy * sxy);
  const [major, minor] = [(sxx + syy + spread) / 2, (sxx + syy - spread) / 2];
  if (major < 2 * Math.max(minor, 1e-9)) return null;
  // Direction of the main axis, 0-180 degrees, y down: 90 is upright, above it leans forward.
  const angle = ((((0.5 * Math.atan2(2 * sxy, sxx - syy) * 180) / Math.PI) % 180) + 180) % 180;
  return angle >= 45 && angle <= 135 ? angle - 90 : null;
}

/**
 * How far a mark bows away from the line between its top and bottom, signed (+: to the right),
 * when it bows as a parenthesis does: evenly, farthest near its middle, still well off the line a
 * third of the way in from either end (a 1 with a flag is off it only at the flag). 0 otherwise.
 */
function bow(shape: Shape): number {
  const { box, xs, ys } = shape;
  const rows = box.maxY - box.minY + 1;
  const sum = new Float64Array(rows), count = new Int32Array(rows);
  for (let i = 0; i < xs.length; i++) {
    sum[ys[i] - box.minY] += xs[i];
    count[ys[i] - box.minY]++;
  }
  const centre = (r: number) => (count[r] > 0 ? sum[r] / count[r] : NaN);
  const x0 = centre(0), x1 = centre(rows - 1);
  const off = Array.from({ length: rows }, (_, r) => centre(r) - (x0 + ((x1 - x0) * r) / Math.max(rows - 1, 1)));
  let peak = 0;
  off.forEach((d, r) => {
    if (Math.abs(d) > Math.abs(off[peak])) peak = r;
  });
  const most = off[peak];
  const at = (share: number) => off[Math.round(share * (rows - 1))];
  const even = peak >= 0.25 * rows && peak <= 0.75 * rows && at(0.3) * most >= 0.5 * most * most && at(0.7) * most >= 0.5 * most * most;
  return even ? most : 0;
}

/**
 * The operators among one line's marks, found by shape, and the marks that come close to one.
 * `specks` are the components left out of the marks (dots among them); `labels` is the label
 * image (`w` wide); `height` is the height of the line's digits.
 */
export function findImageOperators(marks: readonly Component[], specks: readonly Component[], labels: Int32Array, w: number, height: number, { pointsAlone = false } = {}): ImageOperators {
  const rowCount = labels.length / w;
  const none = { operators: [], doubtful: [] };
  if (!(height > 0) || marks.length < 2) return none;
  const H = height;
  // A pen's dot is small beside a digit's ink, and left out of the marks as a speck: specks the size of a dot come back as dots.
  const dotSized = (c: Component) => Math.max(c.maxX - c.minX + 1, c.maxY - c.minY + 1) <= 0.25 * H && Math.min(c.maxX - c.minX + 1, c.maxY - c.minY + 1) >= Math.max(2, 0.04 * H);
  const shapes: Shape[] = [...marks, ...specks.filter(dotSized)].map((mark) => {
    const box = { minX: mark.minX, minY: mark.minY, maxX: mark.maxX, maxY: mark.maxY };
    return { mark, box, width: mark.maxX - mark.minX + 1, height: mark.maxY - mark.minY + 1, pen: 1, xs: new Int32Array(0), ys: new Int32Array(0), dot: false };
  });
  // The band of the line's digits: where the ink of its tall marks is, leaving out the few rows of
  // a mark that reaches far up or down (a parenthesis, a slash, a tail).
  const tall = shapes.filter((s) => s.height >= 0.5 * H);
  if (tall.length === 0) return none;
  const rows = new Float64Array(Math.max(...tall.map((s) => s.box.maxY)) + 1);
  let total = 0;
  for (const s of tall) {
    // Rows by their share of the mark's box (an area-free count: a bold digit weighs as a thin one).
    for (let y = s.box.minY; y <= s.box.maxY; y++) rows[y] += 1;
    total += s.height;
  }
  const quantile = (f: number) => {
    let acc = 0;
    for (let y = 0; y < rows.length; y++) if ((acc += rows[y]) >= f * total) return y;
    return rows.length - 1;
  };
  const top = quantile(0.03), bottom = quantile(0.97);
  const band = Math.max(bottom - top, 1);

  // Only marks no taller or wider than an operator can be are measured.
  for (const s of shapes) {
    if (s.height > 1.7 * H || s.width > 2.2 * H) continue;
    Object.assign(s, pixelsOf(s.mark, labels, w));
  }
  const measured = shapes.filter((s) => s.xs.length > 0);
  const pens = tall.filter((s) => s.xs.length > 0).map((s) => s.pen).sort((a, b) => a - b);
  const pen = pens.length > 0 ? pens[pens.length >> 1] : Math.min(...measured.map((s) => s.pen));
  // Digits are several pen widths tall: marks no taller are specks, and have no operators.
  if (H < MIN_DIGIT_PENS * pen) return none;
  const strip = 1.3 * pen + 0.06 * H + 1;
  for (const s of measured) {
    const [small, large] = [Math.min(s.width, s.height), Math.max(s.width, s.height)];
    s.dot = large <= Math.max(0.2 * H, 2.2 * pen) && small >= Math.max(2, 0.6 * pen) && small >= 0.4 * large;
    if (s.dot) continue;
    const first = bestBar(s.xs, s.ys, strip);
    if (first.count >= COVER * s.xs.length) {
      s.line = refined(s.xs, s.ys, first, strip);
      continue;
    }
    // A second bar among the pixels the first leaves, at least 40 degrees off it.
    const skip = new Uint8Array(s.xs.length);
    const sn = Math.sin(rad(first.angle)), cs = Math.cos(rad(first.angle));
    for (let i = 0; i < s.xs.length; i++) skip[i] = Number(Math.abs(-s.xs[i] * sn + s.ys[i] * cs - first.offset) <= Math.round(strip) / 2);
    const second = bestBar(s.xs, s.ys, strip, skip, first.angle, 40);
    if (first.count + second.count >= CROSS_COVER * s.xs.length) s.cross = [refined(s.xs, s.ys, first, strip), refined(s.xs, s.ys, second, strip)];
  }

  const used = new Set<Shape>();
  const found: ImageOperator[] = [];
  /** Takes these marks as an operator if they sit on the line, under or over no other mark, beside digits. */
  const take = (symbol: OperatorSymbol, parts: Shape[], low = false): boolean => {
    if (parts.some((p) => used.has(p))) return false;
    const box = union(parts.map((p) => p.box));
    const y = cy(box);
    // Operators sit about the middle of the digits; the bar of a 5 or a 7 is at their top.
    // (Lower than in ink: a bar of a 5 or a 7 that its strokes leave apart is a mark of its own here.)
    const onLine = low ? y >= top + 0.6 * band && y <= bottom + 0.35 * band : y >= top + 0.3 * band && y <= bottom - 0.1 * band;
    if (!onLine) return false;
    // Not written above or below another mark, like the bar of a 5 over its body.
    const width = Math.max(box.maxX - box.minX, 1);
    const over = shapes.some((s) => !parts.includes(s) && !s.dot && Math.min(box.maxX, s.box.maxX) - Math.max(box.minX, s.box.minX) > 0.35 * width && (s.box.maxY < box.minY || s.box.minY > box.maxY));
    if (over) return false;
    // Digits on at least one side (both for a point): an operator is written between, before or after them.
    const others = shapes.filter((s) => !parts.includes(s) && !used.has(s) && !s.dot && s.height >= 0.4 * H);
    const left = others.some((s) => s.box.maxX <= cx(box) && cx(box) - s.box.maxX <= 2 * H);
    const right = others.some((s) => s.box.minX >= cx(box) && s.box.minX - cx(box) <= 2 * H);
    if (symbol === '.' ? !(left && right) : !(left || right)) return false;
    for (const p of parts) used.add(p);
    found.push({ symbol, labels: parts.map((p) => p.mark.label), box });
    return true;
  };
  const sized = (b: Bar, s: Shape, longest: number) => lengthOf(b, s.pen) >= 0.25 * H && lengthOf(b, s.pen) <= longest * H;
  const flat = (s: Shape, longest: number) => s.line !== undefined && slopeOf(s.line) <= FLAT && sized(s.line, s, longest);
  const dots = measured.filter((s) => s.dot);

  // Crosses: one mark, two bars crossing near their middles.
  for (const s of measured) {
    if (!s.cross) continue;
    const [a, b] = s.cross;
    const [la, lb] = [lengthOf(a, s.pen), lengthOf(b, s.pen)];
    const at = crossing(a, b);
    // Straighter and more even than strokes need to be: in an image a digit's strokes are one mark
    // too, and the stem and bar of a 4, or the stem and flag of a 1, cross off their middles.
    const balanced = (t: number) => t >= 0.25 && t <= 0.75;
    if (!at || !balanced(at[0]) || !balanced(at[1]) || !sized(a, s, 1.1) || !sized(b, s, 1.1) || Math.min(la, lb) < 0.6 * Math.max(la, lb)) continue;
    if (s.box.maxY - s.box.minY + 1 > CROSS_TALLEST * H) continue;
    const [lower, steeper] = slopeOf(a) <= slopeOf(b) ? [a, b] : [b, a];
    if (slopeOf(lower) <= 25 && slopeOf(steeper) >= UPRIGHT) take('+', [s]);
    else if ([a, b].every((bar) => slopeOf(bar) >= 20 && slopeOf(bar) <= TIMES_STEEPEST) && rising(a) !== rising(b)) take('×', [s]);
  }
  // "=": two flat bars of about one length, one over the other.
  for (const a of measured) {
    for (const b of measured) {
      if (a === b || used.has(a) || used.has(b) || cy(a.box) >= cy(b.box) || !flat(a, 2) || !flat(b, 2)) continue;
      const [la, lb] = [lengthOf(a.line!, a.pen), lengthOf(b.line!, b.pen)];
      if (Math.min(la, lb) < 0.5 * Math.max(la, lb)) continue;
      const shared = Math.min(a.box.maxX, b.box.maxX) - Math.max(a.box.minX, b.box.minX);
      const apart = cy(b.box) - cy(a.box);
      if (shared >= 0.5 * Math.min(a.width, b.width) && apart >= 0.12 * H && apart <= 0.8 * H) take('=', [a, b]);
    }
  }
  // "÷": a dash with a dot above and one below.
  for (const bar of measured.filter((s) => !used.has(s) && flat(s, 1.4))) {
    const beside = (d: Shape) => cx(d.box) >= bar.box.minX - 0.1 * H && cx(d.box) <= bar.box.maxX + 0.1 * H;
    const above = dots.find((d) => !used.has(d) && beside(d) && cy(bar.box) - cy(d.box) > 0.05 * H && cy(bar.box) - cy(d.box) <= 0.8 * H);
    const below = dots.find((d) => !used.has(d) && beside(d) && cy(d.box) - cy(bar.box) > 0.05 * H && cy(d.box) - cy(bar.box) <= 0.8 * H);
    if (above && below) take('÷', [above, bar, below]);
  }
  // ":": two dots, one over the other.
  for (const a of dots) {
    for (const b of dots) {
      if (a === b || used.has(a) || used.has(b) || cy(a.box) >= cy(b.box)) continue;
      const apart = cy(b.box) - cy(a.box);
      if (Math.abs(cx(a.box) - cx(b.box)) <= 0.3 * H && apart >= 0.2 * H && apart <= 0.9 * H) take(':', [a, b]);
    }
  }
  // The writing's slant: the median lean of the line's tall, elongated marks (0: upright, degrees forward).
  const leans = new Map<Shape, number>();
  for (const s of measured) {
    if (s.height < 0.7 * H) continue;
    const lean = leanOf(s);
    if (lean !== null) leans.set(s, lean);
  }
  const slantOf = (except: Shape) => {
    const others = [...leans].filter(([s]) => s !== except).map(([, l]) => l).sort((a, b) => a - b);
    return others.length > 0 ? others[others.length >> 1] : 0;
  };
  /** Whether no other ink is within `reach` pixels of a mark's. */
  const clear = (s: Shape, reach: number) => {
    const r = Math.ceil(reach);
    for (let i = 0; i < s.xs.length; i++) {
      for (let y = Math.max(0, s.ys[i] - r); y <= Math.min(rowCount - 1, s.ys[i] + r); y++) {
        for (let x = Math.max(0, s.xs[i] - r); x <= Math.min(w - 1, s.xs[i] + r); x++) {
          const l = labels[y * w + x];
          if (l !== 0 && l !== s.mark.label) return false;
        }
      }
    }
    return true;
  };
  /**
   * Whether a steep mark, about as long as the digits, leans so much further forward than the
   * writing that none of its 1s would (a "/" steeper than 70 degrees in upright writing).
   */
  const leansFar = (s: Shape) => !!s.line && lengthOf(s.line, s.pen) >= 0.8 * H && 90 - slopeOf(s.line) >= slantOf(s) + STEEP_SLASH_OVER_SLANT;
  /** Whether a mark reaches past the digits' band at both ends, as a "/" written longer than them does (a 1 stays in it). */
  const beyond = (s: Shape) => s.box.minY < top - 0.08 * band && s.box.maxY > bottom + 0.08 * band;
  for (const s of measured) {
    if (used.has(s) || s.dot) continue;
    if (flat(s, 1.6)) take('-', [s]);
    else if (s.line && rising(s.line) && slopeOf(s.line) >= SLASH[0] && (slopeOf(s.line) <= SLASH[1] ? lengthOf(s.line, s.pen) >= 0.6 * H : slopeOf(s.line) <= STEEP_SLASH && (beyond(s) || leansFar(s)))) {
      // Leaning more than the writing (a 1 of slanted writing leans as much), and clear of other ink (a 7's stem is close to its bar).
      if (90 - slopeOf(s.line) >= slantOf(s) + SLASH_OVER_SLANT && clear(s, Math.max(2, 0.06 * H))) take('/', [s]);
    } else if (s.height >= 0.9 * H && s.width <= 0.5 * s.height) {
      const b = bow(s);
      if (Math.abs(b) >= PAREN_BOW * s.height) take(b > 0 ? ')' : '(', [s]);
    }
  }
  // Decimal points: a dot low on the line between two digits.
  for (const s of dots) if (!used.has(s)) take('.', [s], true);
  // A slanted 1 is a "/", the bar of a 5 a "-", a speck a point: a line with only those reads as
  // digits, but for its points where the line is known to be a number (`pointsAlone`: a row of a column).
  if (!found.some((o) => UNMISTAKABLE.has(o.symbol))) return pointsAlone ? { operators: found.filter((o) => o.symbol === '.').sort((a, b) => cx(a.box) - cx(b.box)), doubtful: [] } : none;
  // Marks left to be read that come close to a "/" or a parenthesis: read as a 1, they would make a wrong value.
  const doubtful = measured.filter((s) => {
    if (used.has(s) || s.dot) return false;
    const leaning = s.line && rising(s.line) && slopeOf(s.line) >= SLASH[0] && slopeOf(s.line) <= STEEP_SLASH && 90 - slopeOf(s.line) >= slantOf(s) + DOUBTFUL_OVER_SLANT;
    const bowed = s.height >= 0.9 * H && s.width <= 0.5 * s.height && Math.abs(bow(s)) >= DOUBTFUL_BOW * s.height;
    return leaning || bowed;
  });
  return { operators: found.sort((a, b) => cx(a.box) - cx(b.box)), doubtful: doubtful.map((s) => s.mark.label) };
}
