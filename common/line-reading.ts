/**
 * Ink -> what a line says: numbers, and the arithmetic between them. Operators are found by their
 * shape (common/operators.ts); the ink between them is read number by number with segmentation by
 * recognition (common/ink-reading.ts); an expression that ends in "=" is evaluated exactly
 * (common/arithmetic.ts). Ink without operators reads exactly as a number does. Boards, REST ink
 * and the browser's on-device path all read through here.
 */
import { evaluate, MIN_MATH_CONFIDENCE } from './arithmetic.js';
import { lineHeight, readInk, type InkOptions, type ScoreInk } from './ink-reading.js';
import { findOperators, type FoundOperator } from './operators.js';
import { strokesBounds, toRect, type Box, type Stroke } from './preprocess.js';
import { MAX_ALTERNATIVES, round, type Alternative, type Decision } from './reading.js';
import type { MathItem } from './recognition.js';

export type LineDecision = Decision & { math: MathItem[] };

const cx = (b: Box) => (b.minX + b.maxX) / 2;

/** A number's reading with decimal points put between the digits they stand between. */
function withPoints(decision: Decision, points: readonly LineOperator[]): { decision: Decision; unused: LineOperator[] } {
  const { digits } = decision;
  const places = new Set<number>();
  const unused: LineOperator[] = [];
  for (const p of points) {
    const at = digits.filter((d) => d.box.x + d.box.width / 2 < cx(p.box)).length;
    // One point per number, between two of its digits.
    if (at > 0 && at < digits.length && places.size === 0) places.add(at);
    else unused.push(p);
  }
  if (places.size === 0) return { decision, unused };
  const [at] = places;
  const dotted = (text: string) => (text.length === digits.length ? `${text.slice(0, at)}.${text.slice(at)}` : text);
  return { decision: { ...decision, text: dotted(decision.text), alternatives: decision.alternatives?.map((a) => ({ ...a, text: dotted(a.text) })) }, unused };
}

/**
 * The few best texts of a line from its parts' alternatives: every part's first reading, then one
 * part at a time changed to one of its others; confidence is the product of the parts'.
 */
function combined(parts: readonly (readonly Alternative[])[]): Alternative[] {
  const firsts = parts.map((alts) => alts[0] ?? { text: '', confidence: 1 });
  const join = (choice: readonly Alternative[]) => ({ text: choice.map((a) => a.text).join(''), confidence: choice.reduce((p, a) => p * a.confidence, 1) });
  const options = [join(firsts)];
  parts.forEach((alts, i) => alts.slice(1).forEach((alt) => options.push(join(firsts.map((f, k) => (k === i ? alt : f))))));
  const seen = new Set<string>();
  return options
    .sort((a, b) => b.confidence - a.confidence)
    .filter((a) => !seen.has(a.text) && seen.add(a.text))
    .slice(0, MAX_ALTERNATIVES)
    .map((a) => ({ text: a.text, confidence: round(a.confidence) }));
}

/** Reads one line's strokes: a number, or an expression with its value once it ends in "=". */
export async function readLine(strokes: readonly Stroke[], score: ScoreInk, options: InkOptions): Promise<LineDecision> {
  // An operator stands beside a digit: one stroke alone is never one.
  if (strokes.length < 2) return { ...(await readInk(strokes, score, options)), math: [] };
  const drawn = strokes.filter((s) => {
    const b = strokesBounds([s]);
    return b !== null && Math.max(b.maxX - b.minX, b.maxY - b.minY) >= options.minExtent;
  });
  const H = lineHeight(drawn);
  const { operators, doubtful } = findOperators(strokes, H, options.minExtent);
  if (operators.length === 0) return { ...(await readInk(strokes, score, options)), math: [] };

  // The ink between operators, number by number, left to right; decimal points go with their number.
  const splitters = operators.filter((o) => o.symbol !== '.');
  const theirs = new Set(operators.flatMap((o) => o.indices));
  const pieces: { strokes: Stroke[]; points: FoundOperator[] }[] = splitters.map(() => ({ strokes: [], points: [] }));
  pieces.push({ strokes: [], points: [] });
  const pieceAt = (x: number) => splitters.filter((o) => cx(o.box) < x).length;
  strokes.forEach((stroke, i) => {
    const box = strokesBounds([stroke]);
    if (box && !theirs.has(i)) pieces[pieceAt(cx(box))].strokes.push(stroke);
  });
  for (const p of operators) if (p.symbol === '.') pieces[pieceAt(cx(p.box))].points.push(p);
  const read = await Promise.all(pieces.map((p) => (p.strokes.length > 0 ? readInk(p.strokes, score, options) : null)));
  const line = joinLine(read, pieces.map((p) => p.points), splitters, H);
  // A stroke read as a digit that may be a "/" leaves the value in doubt: none is shown.
  if (doubtful.length > 0) line.math = [];
  return line;
}

/** An operator as joinLine needs it: its symbol and its box, in the coordinates of the readings. */
export type LineOperator = Pick<FoundOperator, 'symbol' | 'box'>;

/**
 * A line from the readings of its numbers, left to right (null where there is no ink between two
 * operators), the decimal points found in each, and the operators between them (`splitters`, one
 * fewer than the readings): its text, alternatives, and the value of what ends in "=". `H` is the
 * height of the line's digits. Images read through here too (server/src/recognition/image.ts).
 */
export function joinLine(read: readonly (Decision | null)[], points: readonly (readonly LineOperator[])[], splitters: readonly LineOperator[], H: number): LineDecision {
  const decision: LineDecision = { text: '', digits: [], rejected: [], alternatives: [], math: [] };
  const parts: Alternative[][] = [];
  read.forEach((number, k) => {
    if (number) {
      const { decision: dotted, unused } = withPoints(number, points[k]);
      decision.digits.push(...dotted.digits);
      decision.rejected.push(...dotted.rejected, ...unused.map((p) => ({ box: toRect(p.box), notDigitProbability: 1 })));
      parts.push(dotted.alternatives?.length ? dotted.alternatives : [{ text: dotted.text, confidence: 1 }]);
    }
    if (k < splitters.length) parts.push([{ text: splitters[k].symbol, confidence: 1 }]);
  });
  decision.alternatives = combined(parts);
  decision.text = decision.alternatives[0]?.text ?? '';
  decision.math = evaluated(decision, splitters, H);
  return decision;
}

/** The value of an expression written up to its "=", if it is read surely enough. */
function evaluated(decision: Decision, splitters: readonly LineOperator[], H: number): MathItem[] {
  const equals = splitters.find((o) => o.symbol === '=');
  const at = decision.text.indexOf('=');
  const confidence = decision.alternatives?.[0]?.confidence ?? 0;
  if (!equals || at < 0 || confidence < MIN_MATH_CONFIDENCE) return [];
  const value = evaluate(decision.text.slice(0, at));
  if (!value) return [];
  const left = [...decision.digits.map((d) => d.box), ...splitters.map((o) => toRect(o.box))].filter((b) => b.x + b.width / 2 <= cx(equals.box));
  const box = {
    x: Math.min(...left.map((b) => b.x)),
    y: Math.min(...left.map((b) => b.y)),
    width: equals.box.maxX - Math.min(...left.map((b) => b.x)),
    height: Math.max(...left.map((b) => b.y + b.height)) - Math.min(...left.map((b) => b.y)),
  };
  const answer = { x: equals.box.maxX + 0.2 * H, y: (equals.box.minY + equals.box.maxY) / 2 - H / 2, width: H, height: H };
  const item: MathItem = { expression: value.expression, value: value.value, display: value.display, kind: 'expression', confidence: round(confidence), box: rounded(box), answer: rounded(answer) };
  if (value.error) item.error = value.error;
  return [item];
}

const rounded = (b: { x: number; y: number; width: number; height: number }) => ({ x: round(b.x, 2), y: round(b.y, 2), width: round(b.width, 2), height: round(b.height, 2) });
