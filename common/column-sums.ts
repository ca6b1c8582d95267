/**
 * Column sums: numbers written one under another with a rule drawn under them add up, and the sum
 * belongs under the rule. Found among a board's numbers (common/grouping.ts keeps a rule a number
 * of its own), by the server for every member and by the browser on its own: the same function, so
 * that everyone sees the same sums.
 */
import { MIN_MATH_CONFIDENCE, sumOf } from './arithmetic.js';
import type { GroupResult } from './protocol.js';
import type { Stroke } from './preprocess.js';
import { round } from './reading.js';
import type { MathItem, Recognition } from './recognition.js';
import { sag } from './stroke-shape.js';

/** Largest slope of a rule, in degrees. */
const RULE_SLOPE = 12;
/**
 * How far a rule strays from the line between its ends, at most, in its length: drawn rules stay
 * within a few hundredths; a curve or a V does not.
 */
const RULE_SAG = 0.1;
/** Gap between two rows of a column (or the last row and the rule), at most, in rows' heights. */
const ROW_GAP = 1.2;
/**
 * A number that left out, as no digit, ink at least this tall for its row was read only in part
 * (touching digits whose cut read as nothing): a sum with it would be a wrong one.
 */
const PARTLY_READ = 0.6;
/** A row this many times as tall as the column's middle row (the lower of two) withholds the sum. */
const TALL_ROW = 1.6;
/** A number is in a rule's column when its centre is within the rule's span, widened by this share of it. */
const SPAN_SLACK = 0.15;

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

type Rect = GroupResult['box'];

/** Whether a number on the board is one stroke drawn as a flat line: a rule (or a lone minus). */
function isRule(group: GroupResult, pointsOf: (strokeId: string) => Stroke): boolean {
  return group.strokeIds.length === 1 && isRuleStroke(pointsOf(group.strokeIds[0]));
}

/**
 * Whether each stroke seen is a rule, by its points and how many there were: a board finds its
 * sums at every result, and most of its strokes are not rules and do not change.
 */
const ruleStrokes = new WeakMap<Stroke, { length: number; rule: boolean }>();

/** Whether a stroke is drawn as a rule: a flat straight line. */
export function isRuleStroke(points: Stroke): boolean {
  const known = ruleStrokes.get(points);
  if (known?.length === points.length) return known.rule;
  const rule = measureRule(points);
  ruleStrokes.set(points, { length: points.length, rule });
  return rule;
}

function measureRule(points: Stroke): boolean {
  if (points.length < 2) return false;
  const [x0, y0] = points[0], [x1, y1] = points[points.length - 1];
  const slope = (Math.atan2(Math.abs(y1 - y0), Math.abs(x1 - x0)) * 180) / Math.PI;
  return slope <= RULE_SLOPE && sag(points) <= RULE_SAG;
}

/** What a number reads as people see it: its correction, else its reading. */
const shownText = (g: GroupResult) => g.correctedText || g.result.text;
/** Whether a number's reading left out ink of a digit's size (a correction is read in full). */
const partlyRead = (g: GroupResult) =>
  !g.correctedText && g.result.rejected.some((r) => r.notDigitProbability < 1 && r.box.height >= PARTLY_READ * g.box.height);
/** How sure its reading is: a correction is sure. */
const sureness = (g: GroupResult) => (g.correctedText ? 1 : (g.result.alternatives?.[0]?.confidence ?? 0));

/** A column sum with the numbers it adds, top to bottom, and its rule. */
export interface Column {
  sum: MathItem;
  rows: GroupResult[];
  rule: GroupResult;
}

/** Every column sum among a board's numbers, top to bottom. `pointsOf` gives a stroke's points. */
export function columnSums(groups: readonly GroupResult[], pointsOf: (strokeId: string) => Stroke): MathItem[] {
  return columns(groups, pointsOf).map((c) => c.sum);
}

/** Every column among a board's numbers, with what it adds, top to bottom. */
export function columns(groups: readonly GroupResult[], pointsOf: (strokeId: string) => Stroke): Column[] {
  const rules = groups.filter((g) => isRule(g, pointsOf)).sort((a, b) => a.box.y - b.box.y);
  const marks = groups.filter((g) => !rules.includes(g));
  const taken = new Set<GroupResult>();
  const found: Column[] = [];
  for (const rule of rules) {
    const r = rule.box;
    const slack = SPAN_SLACK * r.width;
    const inSpan = (b: Rect) => b.x + b.width / 2 >= r.x - slack && b.x + b.width / 2 <= r.x + r.width + slack;
    // Up from the rule, row by row, while the next row is close enough above the last and is a
    // number. Ink read as nothing there may be a row not read: the sum would leave it out.
    const rows: GroupResult[] = [];
    let floor = r.y;
    let unread = false;
    for (;;) {
      const above = marks.filter((g) => !taken.has(g) && !rows.includes(g) && inSpan(g.box) && g.box.y + g.box.height <= floor + 0.25 * g.box.height);
      const next = above.sort((a, b) => b.box.y + b.box.height - (a.box.y + a.box.height))[0];
      if (!next || floor - (next.box.y + next.box.height) > ROW_GAP * next.box.height) break;
      if (!NUMBER.test(shownText(next)) || partlyRead(next)) {
        unread = shownText(next) === '' || partlyRead(next);
        break;
      }
      rows.push(next);
      floor = next.box.y;
    }
    if (rows.length < 2 || unread) continue;
    // A row much taller than the others may be two rows read as one number.
    const heights = rows.map((g) => g.box.height).sort((a, b) => a - b);
    if (heights[heights.length - 1] > TALL_ROW * heights[(heights.length - 1) >> 1]) continue;
    rows.reverse();
    const confidence = rows.reduce((p, g) => p * sureness(g), 1);
    const value = sumOf(rows.map(shownText));
    if (!value || confidence < MIN_MATH_CONFIDENCE) continue;
    for (const g of rows) taken.add(g);
    const top = rows[0].box.y;
    const rowHeight = heights[heights.length >> 1];
    const left = Math.min(r.x, ...rows.map((g) => g.box.x));
    const right = Math.max(r.x + r.width, ...rows.map((g) => g.box.x + g.box.width));
    const item: MathItem = {
      expression: value.expression,
      value: value.value,
      display: value.display,
      kind: 'sum',
      confidence: round(confidence),
      box: { x: round(left, 2), y: round(top, 2), width: round(right - left, 2), height: round(r.y + r.height - top, 2) },
      answer: { x: round(r.x, 2), y: round(r.y + r.height + 0.15 * rowHeight, 2), width: round(r.width, 2), height: round(rowHeight, 2) },
    };
    if (value.error) item.error = value.error;
    found.push({ sum: item, rows, rule });
  }
  return found;
}

/**
 * Whether a page's numbers (`boxes`, some of them `rules`) hold a column: a rule with two of them
 * over it, one wholly above the other. Such a page is read number by number (see columnPage); any
 * other is one line.
 */
export function holdsColumn(boxes: readonly { box: Rect; rule: boolean }[]): boolean {
  const numbers = boxes.filter((b) => !b.rule).map((b) => b.box);
  return boxes.some(({ box: r, rule }) => {
    if (!rule) return false;
    const over = numbers.filter((b) => b.y + b.height <= r.y + 0.25 * b.height);
    return over.some((a) => over.some((b) => b.y >= a.y + a.height));
  });
}

/**
 * A page read number by number (POST /api/recognize, ink or image) that holds a column: its
 * numbers top to bottom, one per line of `text`, with every number's value and the sums of the
 * columns found (none where a sum is withheld).
 */
export function columnPage(read: readonly GroupResult[], found: readonly Column[]): Omit<Recognition, 'model' | 'ms'> {
  const lines = read.filter((g) => g.result.text !== '');
  const text = lines.map((g) => g.result.text).join('\n');
  const confidence = lines.reduce((p, g) => p * (g.result.alternatives?.[0]?.confidence ?? 1), 1);
  return {
    text,
    digits: lines.flatMap((g) => g.result.digits),
    rejected: read.flatMap((g) => g.result.rejected),
    alternatives: [{ text, confidence: round(confidence) }],
    math: [...read.flatMap((g) => g.result.math ?? []), ...found.map((c) => c.sum)],
  };
}
