/**
 * The operators of arithmetic written among digits, found by the shape of their strokes: a minus
 * or a rule is one flat straight stroke, "=" two stacked, "+" a flat and an upright stroke crossing
 * near their middles, "×" two diagonals crossing, "÷" a dash between two dots, ":" two dots, "/"
 * a steeply leaning line, "(" and ")" a tall bow, "." a dot on the baseline between digits.
 *
 * The digit model knows none of these: its only say is "not a digit". Shapes this simple are told
 * apart more reliably by geometry, and each one must stand alone (its strokes touch no other ink)
 * on the line of the digits around it, so that the crossbar of a 7, the flag or base of a 1 and the
 * bar of a 5 stay parts of their digits. Ink without digits has no operators: a lone dash or
 * cross reads as it did before.
 */
import { strokesBounds, type Box, type Stroke } from './preprocess.js';
import { chord, crosses, inkLength, resample, sample, straight, touches } from './stroke-shape.js';
import { distanceToSegment } from './render.js';

export type OperatorSymbol = '+' | '-' | '×' | '÷' | '/' | ':' | '=' | '(' | ')' | '.';

/** A line's operators, and the strokes not taken as one that come close to one (see findOperators). */
export interface LineOperators {
  operators: FoundOperator[];
  /** Places of strokes left to be read as digits that look almost like a "/". */
  doubtful: number[];
}

export interface FoundOperator {
  symbol: OperatorSymbol;
  /** Its strokes' places in the input. */
  indices: number[];
  box: Box;
}

/** Ink length over the distance between the ends, at most, of a stroke drawn as a line. */
const LINE = 1.15;
/** Strokes closer than this (a fraction of the line's height) touch. */
const TOUCH = 0.06;
/** Points of a stroke used to tell whether it touches another. */
const SAMPLES = 24;
/** Largest slope of a flat stroke (a minus, the bars of "=" and "+"), in degrees; images' operators use it too. */
export const FLAT = 20;
/** Smallest slope of an upright stroke (the stem of "+"), in degrees. */
export const UPRIGHT = 65;
/** Slopes of the diagonals of a "×", in degrees: a hand's slant makes one of them steeper. */
const TIMES = [25, 70] as const;
/** Slopes of a "/", in degrees from the horizontal: a 1 leans less. */
export const SLASH = [35, 70] as const;
/** Length (in digit heights) from which a steep rising line is a "/" among sure operators: a 1 is about one. */
const LONG_SLASH = 1.05;
/** Share of the digits' band at its top where a stroke's end that a bar's tip meets is a joint (see clings). */
const JOINT_TOP = 0.2;
/** Bow (of the stroke's height) from which a parenthesis-shaped stroke is one among sure operators. */
const SHALLOW_BOW = 0.05;
/** Points a stroke is resampled to before its bow is measured. */
const BOW_SAMPLES = 33;
/**
 * Operators no digit or piece of one looks like: a "/", a "(" or a "." is read as one of its
 * look-alikes' operator only in a line with one of these (ink here, images in image-operators.ts).
 */
export const UNMISTAKABLE: ReadonlySet<OperatorSymbol> = new Set(['=', '+', '×', '÷', ':']);
/** A stroke that leans this many degrees further forward than the writing is in doubt (a "/" or a slanted 1). */
const DOUBTFUL_OVER_SLANT = 6;
/** Steepest a "/" may be when it is longer than the digits (reaches past them up and down): as steep as slanted writing. */
export const STEEP_SLASH = 80;

interface Shape {
  index: number;
  stroke: Stroke;
  box: Box;
  /** Slope of the line between its ends, 0-90 degrees from the horizontal. */
  slope: number;
  /** True when it rises to the right (y grows downwards). */
  rising: boolean;
  length: number;
  line: boolean;
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

function shapeOf(stroke: Stroke, index: number, box: Box, dotSize: number): Shape {
  const [x0, y0] = stroke[0], [x1, y1] = stroke[stroke.length - 1];
  const slope = (Math.atan2(Math.abs(y1 - y0), Math.abs(x1 - x0)) * 180) / Math.PI;
  const dot = Math.max(box.maxX - box.minX, box.maxY - box.minY) <= dotSize;
  return { index, stroke, box, slope, rising: (x1 - x0) * (y1 - y0) < 0, length: chord(stroke), line: !dot && stroke.length > 1 && straight(stroke, LINE), dot };
}

/** Where two strokes' lines cross, as fractions along each (null when they do not). */
function crossing(a: Shape, b: Shape): [number, number] | null {
  const [p, q] = [a.stroke[0], a.stroke[a.stroke.length - 1]];
  const [r, s] = [b.stroke[0], b.stroke[b.stroke.length - 1]];
  const d = (q[0] - p[0]) * (s[1] - r[1]) - (q[1] - p[1]) * (s[0] - r[0]);
  if (d === 0) return null;
  const t = ((r[0] - p[0]) * (s[1] - r[1]) - (r[1] - p[1]) * (s[0] - r[0])) / d;
  const u = ((r[0] - p[0]) * (q[1] - p[1]) - (r[1] - p[1]) * (q[0] - p[0])) / d;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? [t, u] : null;
}

const middling = (t: number) => t >= 0.15 && t <= 0.85;

/**
 * How far a stroke bows away from the line between its ends, signed (+: to the right), when it
 * bows as a parenthesis does: evenly, farthest near its middle, a third of the way in from either
 * end still well off the line. A 1 with a flag is off the line only at its flag. 0 otherwise.
 */
function bow(drawn: Stroke): number {
  if (drawn.length < 2) return 0;
  // Evenly spaced points, so that how often the pen was sampled does not decide (a fast pen or a
  // font's outline gives a parenthesis four or five points, none of them a third of the way in).
  const stroke = resample(drawn, BOW_SAMPLES);
  const [x0, y0] = stroke[0], [x1, y1] = stroke[stroke.length - 1];
  const len = Math.hypot(x1 - x0, y1 - y0) || 1;
  // Signed distance of each point from the chord, positive to the right of it taken downwards.
  const off = stroke.map(([x, y]) => ((y1 >= y0 ? -1 : 1) * ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0))) / len);
  // How far along the ink each point is, as a share of its length.
  const along = [0];
  for (let i = 1; i < stroke.length; i++) along.push(along[i - 1] + Math.hypot(stroke[i][0] - stroke[i - 1][0], stroke[i][1] - stroke[i - 1][1]));
  const total = along[along.length - 1] || 1;
  let peak = 0;
  off.forEach((d, i) => {
    if (Math.abs(d) > Math.abs(off[peak])) peak = i;
  });
  const most = off[peak];
  const at = (share: number) => off[along.findIndex((a) => a >= share * total)];
  const even = along[peak] >= 0.25 * total && along[peak] <= 0.75 * total && at(0.3) * most >= 0.5 * most * most && at(0.7) * most >= 0.5 * most * most;
  return even ? most : 0;
}

/**
 * The operators among one line's strokes. `height` is the height of the line's digits (see
 * lineHeight); `minExtent` the size below which a mark is a dot.
 */
export function findOperators(strokes: readonly Stroke[], height: number, minExtent: number): LineOperators {
  const none = { operators: [], doubtful: [] };
  if (!(height > 0)) return none;
  const H = height;
  const shapes: Shape[] = [];
  strokes.forEach((stroke, index) => {
    const box = strokesBounds([stroke]);
    if (box) shapes.push(shapeOf(stroke, index, box, Math.max(minExtent, 0.15 * H)));
  });
  // The band of the line's digits: where the ink of its tall strokes is, leaving out the few
  // points of a stroke that reaches far up or down (a parenthesis, a slash, a tail).
  const tall = shapes.filter((s) => s.box.maxY - s.box.minY >= 0.5 * H);
  if (tall.length === 0) return none;
  const ys = tall.flatMap((s) => sample(s.stroke, SAMPLES).map((p) => p[1])).sort((a, b) => a - b);
  const top = ys[Math.floor(0.03 * (ys.length - 1))];
  const bottom = ys[Math.ceil(0.97 * (ys.length - 1))];
  const band = Math.max(bottom - top, 1);
  const reach = Math.max(TOUCH * H, minExtent / 2);
  const samples = new Map(shapes.map((s) => [s, sample(s.stroke, SAMPLES)]));
  // A dot is small: it touches what its own few units of ink reach (a decimal point is written close).
  const dotReach = Math.max(TOUCH * H * 0.5, 1);
  const meets = (a: Shape, b: Shape) => {
    const r = a.dot || b.dot ? dotReach : reach;
    return a.box.minX - r <= b.box.maxX && b.box.minX - r <= a.box.maxX && a.box.minY - r <= b.box.maxY && b.box.minY - r <= a.box.maxY && (touches(samples.get(a)!, samples.get(b)!, r) || crosses(samples.get(a)!, samples.get(b)!));
  };
  /**
   * Whether operator stroke `p` holds on to stroke `s`: their ink meets somewhere other than
   * near p's ends. Written tight, an operator's tips touch the digits beside it; the crossbar of
   * a 7, the base of a 1 or the bar of a 4 meet their digit along their middle. A dot holds on to
   * whatever it touches.
   */
  const clings = (p: Shape, s: Shape): boolean => {
    if (!meets(p, s)) return false;
    if (p.dot || p.stroke.length < 2) return true;
    // Beside its neighbour, not inside its span (the bar of an A, an H).
    const width = Math.max(p.box.maxX - p.box.minX, 1);
    if (Math.min(p.box.maxX, s.box.maxX) - Math.max(p.box.minX, s.box.minX) > 0.3 * width) return true;
    const along = resample(p.stroke, 21);
    const line = samples.get(s)!;
    const near = (q: Stroke[number]) =>
      line.length === 1 ? Math.hypot(q[0] - line[0][0], q[1] - line[0][1]) <= reach : line.some((r, k) => k > 0 && distanceToSegment(q[0], q[1], line[k - 1][0], line[k - 1][1], r[0], r[1]) <= reach);
    // Its ends: the last 15% of its ink at either end, and the reach beyond.
    const end = Math.ceil(20 * (0.15 + reach / Math.max(inkLength(p.stroke), 1)));
    for (let k = end; k <= 20 - end; k++) if (near(along[k]) || (k < 20 - end && crosses([along[k], along[k + 1]], line))) return true;
    // A tip on a stroke's end at the top of the digits is a joint (the bar of a 5, a 7 or an F and
    // its stem); elsewhere, a tight neighbour's.
    const tips = [s.stroke[0], s.stroke[s.stroke.length - 1]].filter((t) => t[1] <= top + JOINT_TOP * band);
    return [along[0], along[20]].some((q) => tips.some((t) => Math.hypot(q[0] - t[0], q[1] - t[1]) <= 2 * reach));
  };
  const used = new Set<Shape>();
  const found: FoundOperator[] = [];
  /**
   * Takes these strokes as an operator if they hold on to no other ink (`apart`: touch none) and
   * sit on the line. A "/" must stand apart: touching a bar at its top, it is the stem of a 7.
   */
  const take = (symbol: OperatorSymbol, parts: Shape[], { low = false, apart = false } = {}): boolean => {
    // A parenthesis written tight leans its back on what comes before "(" or after ")": only what
    // it encloses (a 0 of two bows has its other half there) holds it as part of a digit.
    const behind = (s: Shape) => (symbol === '(' ? cx(s.box) < parts[0].box.minX : symbol === ')' ? cx(s.box) > parts[0].box.maxX : false);
    if (parts.some((p) => used.has(p))) return false;
    const box = union(parts.map((p) => p.box));
    const y = cy(box);
    // Operators sit about the middle of the digits; the bar of a 5 or a 7 is at their top.
    const onLine = low ? y >= top + 0.6 * band && y <= bottom + 0.35 * band : y >= top + 0.15 * band && y <= bottom - 0.1 * band;
    if (!onLine) return false;
    // Written tight, a stroke's tip may touch a neighbour (both bars of an "=" the digit before it);
    // a stroke touching ink at both of its tips (the bar of an H) is a letter's joint. Two diagonals
    // crossing at their middles are no letter's joint: a "×" written tight touches the digits on
    // both sides.
    const tipsAllowed = symbol === '×' ? 2 : 1;
    for (const p of parts) {
      let tipsTouching = 0;
      for (const s of shapes) {
        if (parts.includes(s) || !meets(p, s) || behind(s)) continue;
        if (apart || clings(p, s)) return false;
        tipsTouching++;
      }
      if (tipsTouching > tipsAllowed) return false;
    }
    // Not written above or below another mark, like the bar of a 5 over its body.
    const width = Math.max(box.maxX - box.minX, 1);
    const over = shapes.some((s) => !parts.includes(s) && !s.dot && Math.min(box.maxX, s.box.maxX) - Math.max(box.minX, s.box.minX) > 0.35 * width && (s.box.maxY < box.minY || s.box.minY > box.maxY));
    if (over) return false;
    // Digits on at least one side: an operator is written between, before or after them.
    const others = shapes.filter((s) => !parts.includes(s) && !s.dot && !used.has(s));
    const left = others.some((s) => s.box.maxX <= cx(box) && cx(box) - s.box.maxX <= 2 * H);
    const right = others.some((s) => s.box.minX >= cx(box) && s.box.minX - cx(box) <= 2 * H);
    if (symbol === '.' ? !(left && right) : !(left || right)) return false;
    for (const p of parts) used.add(p);
    found.push({ symbol, indices: parts.map((p) => p.index).sort((a, b) => a - b), box });
    return true;
  };
  /** Whether a stroke reaches past the digits' band at both ends, as a "/" written longer than them does (a 1 stays in it). */
  const beyond = (s: Shape) => s.box.minY < top - 0.08 * band && s.box.maxY > bottom + 0.08 * band;
  const lines = shapes.filter((s) => s.line);
  const dots = shapes.filter((s) => s.dot);
  const flat = (s: Shape, longest: number) => s.line && s.slope <= FLAT && s.length >= 0.25 * H && s.length <= longest * H;
  // Two strokes first: their parts alone would read as minuses or slashes.
  for (const a of lines) {
    for (const b of lines) {
      if (a === b || used.has(a) || used.has(b)) continue;
      const cross = crossing(a, b);
      const sized = [a, b].every((s) => s.length >= 0.25 * H && s.length <= 1.5 * H) && Math.min(a.length, b.length) >= 0.4 * Math.max(a.length, b.length);
      if (cross && sized && middling(cross[0]) && middling(cross[1])) {
        if (a.slope <= 25 && b.slope >= UPRIGHT) take('+', [a, b]);
        else if ([a, b].every((s) => s.slope >= TIMES[0] && s.slope <= TIMES[1]) && a.rising !== b.rising) take('×', [a, b]);
        continue;
      }
      // "=": two flat strokes of about one length, one over the other.
      if (cy(a.box) < cy(b.box) && flat(a, 2) && flat(b, 2) && Math.min(a.length, b.length) >= 0.5 * Math.max(a.length, b.length)) {
        const shared = Math.min(a.box.maxX, b.box.maxX) - Math.max(a.box.minX, b.box.minX);
        const apart = cy(b.box) - cy(a.box);
        if (shared >= 0.5 * Math.min(a.box.maxX - a.box.minX, b.box.maxX - b.box.minX) && apart >= 0.12 * H && apart <= 0.8 * H && !meets(a, b)) take('=', [a, b]);
      }
    }
  }
  // "÷": a dash with a dot above and one below.
  for (const bar of lines.filter((s) => !used.has(s) && flat(s, 1.4))) {
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
  /** As tall as the digits, narrow, its ends one over the other: the build of a parenthesis (and of a 1). */
  const tallAndNarrow = (s: Shape) => {
    const h = s.box.maxY - s.box.minY, w = s.box.maxX - s.box.minX;
    return !s.dot && h >= 0.9 * H && w <= 0.5 * h && Math.abs(s.stroke[0][0] - s.stroke[s.stroke.length - 1][0]) <= 0.3 * h && inkLength(s.stroke) <= 1.6 * h;
  };
  for (const s of shapes) {
    if (used.has(s)) continue;
    const h = s.box.maxY - s.box.minY;
    if (flat(s, 1.6)) take('-', [s]);
    else if (s.line && s.rising && s.slope >= SLASH[0] && (s.slope <= SLASH[1] ? s.length >= 0.6 * H : s.slope <= STEEP_SLASH && beyond(s))) take('/', [s], { apart: true });
    else if (tallAndNarrow(s)) {
      const b = bow(s.stroke);
      if (Math.abs(b) >= 0.1 * h) take(b > 0 ? ')' : '(', [s]);
    }
  }
  // In a line that has a sure operator (arithmetic is being written), two look-alikes of a 1 are
  // operators too: a bow shallower than the one above, and a rising line longer than the digits,
  // steep as a slanted 1, that does not bow. Elsewhere they stay 1s.
  if (found.some((o) => UNMISTAKABLE.has(o.symbol))) {
    for (const s of shapes) {
      if (used.has(s)) continue;
      const b = tallAndNarrow(s) ? bow(s.stroke) : 0;
      if (b !== 0 && Math.abs(b) >= SHALLOW_BOW * (s.box.maxY - s.box.minY)) take(b > 0 ? ')' : '(', [s]);
      else if (s.line && s.rising && s.slope >= SLASH[0] && s.slope <= STEEP_SLASH && s.length >= LONG_SLASH * H) take('/', [s], { apart: true });
    }
  }
  // Decimal points: a dot, or a small tick (a comma), low on the line between two digits.
  for (const s of shapes) {
    if (used.has(s)) continue;
    const size = Math.max(s.box.maxX - s.box.minX, s.box.maxY - s.box.minY);
    if (s.dot || size <= 0.35 * H) take('.', [s], { low: true, apart: true });
  }
  const operators = found.sort((a, b) => cx(a.box) - cx(b.box));
  if (!operators.some((o) => UNMISTAKABLE.has(o.symbol))) return { operators, doubtful: [] };
  // Strokes left to be read that come close to a "/": straight, apart from other ink, leaning
  // further forward than the writing's upright strokes do. Read as a 1, they would make a wrong value.
  const leanOf = (s: Shape) => (s.rising ? 1 : -1) * (90 - s.slope);
  const uprights = shapes.filter((s) => s.line && s.box.maxY - s.box.minY >= 0.5 * H && 90 - s.slope <= 30);
  const slantOf = (except: Shape) => {
    const others = uprights.filter((s) => s !== except).map(leanOf).sort((a, b) => a - b);
    return others.length > 0 ? others[others.length >> 1] : 0;
  };
  const alone = (s: Shape) => !shapes.some((o) => o !== s && meets(s, o));
  const doubtful = shapes.filter((s) => !used.has(s) && s.line && s.rising && s.slope >= SLASH[0] && s.slope <= STEEP_SLASH && s.length >= 0.7 * H && leanOf(s) >= slantOf(s) + DOUBTFUL_OVER_SLANT && alone(s));
  return { operators, doubtful: doubtful.map((s) => s.index) };
}
