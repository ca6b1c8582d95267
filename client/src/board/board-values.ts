/**
 * The values shown on the board: each expression's value after its "=" (from its number's
 * `result.math`) and each column's sum under its rule (the result message's `sums`), in the
 * colour of whoever wrote them. Pure: results and ink in, what to show out, in board units.
 */
import type { GroupResult } from '../../../common/protocol.js';
import { isRuleStroke } from '../../../common/column-sums.js';
import { strokesBounds, type Box } from '../../../common/preprocess.js';
import type { MathItem } from '../../../common/recognition.js';
import type { BoardModel, InkStroke } from './board-model.js';
import { DEFAULT_INK } from './board-sync.js';
import { showsValue } from './value-text.js';

/** A value to show, and how. */
export interface BoardValue {
  /** The same for the same value across results (an expression's number, a sum's place in the list). */
  key: string;
  item: MathItem;
  /** The ink colour of its writer. */
  color: string;
  /** The edge of `item.answer` the label keeps to: an expression's value starts after its "=", a sum ends under its rule's right end. */
  align: 'start' | 'end';
}

/** The parts of the board model read here. */
type Ink = Pick<BoardModel, 'has' | 'get' | 'values'>;

/** A sum's rule (common/column-sums.ts says what a rule is) is drawn across most of its column. */
const RULE_SPAN = 0.5;
/** Points may sit this far outside a sum's box (board units: rounding of the box). */
const SLACK = 1;

const within = (b: Box, box: MathItem['box']): boolean =>
  b.minX >= box.x - SLACK && b.minY >= box.y - SLACK && b.maxX <= box.x + box.width + SLACK && b.maxY <= box.y + box.height + SLACK;

/** Whether all of a group's strokes are on the board: results lag the ink a little (an erased digit's number is stale). */
const present = (group: GroupResult, model: Ink): boolean => group.strokeIds.every((id) => model.has(id));

/** The colour of an expression: that of the latest stroke of its number (the writer who completed it). */
function expressionColor(group: GroupResult, model: Ink): string {
  const ids = new Set(group.strokeIds);
  let color: string | undefined;
  // The model keeps strokes in drawing order.
  for (const stroke of model.values()) if (ids.has(stroke.id)) color = stroke.color;
  return color ?? DEFAULT_INK;
}

/**
 * The colour of a sum: that of its rule's writer (the lowest flat stroke across its column), else
 * that of the latest stroke in its box.
 */
function sumColor(sum: MathItem, model: Ink): string {
  let rule: { stroke: InkStroke; bottom: number } | undefined;
  let latest: InkStroke | undefined;
  for (const stroke of model.values()) {
    const b = strokesBounds([stroke.points]);
    if (!stroke.done || !b || !within(b, sum.box)) continue;
    latest = stroke;
    const width = b.maxX - b.minX;
    const isRule = width >= RULE_SPAN * sum.box.width && isRuleStroke(stroke.points);
    if (isRule && (!rule || b.maxY > rule.bottom)) rule = { stroke, bottom: b.maxY };
  }
  return (rule?.stroke ?? latest)?.color ?? DEFAULT_INK;
}

const centerInside = (group: GroupResult, box: MathItem['box']): boolean => {
  const cx = group.box.x + group.box.width / 2;
  const cy = group.box.y + group.box.height / 2;
  return cx >= box.x && cx <= box.x + box.width && cy >= box.y && cy <= box.y + box.height;
};

/**
 * The values to show: expressions of numbers whose strokes are all on the board, in the order of
 * the numbers, then the sums, unless a number in their column has lost ink since they were
 * computed (the next result brings the new sum). Only `kind: 'expression'` items are taken from
 * numbers: sums come whole from `sums`, so that none is shown twice. A corrected number has no
 * value of its own: a correction is digits only, so the expression it was is now that number.
 */
export function boardValues(groups: readonly GroupResult[], sums: readonly MathItem[], model: Ink): BoardValue[] {
  const values: BoardValue[] = [];
  for (const group of groups) {
    if (group.correctedText || !present(group, model)) continue;
    (group.result.math ?? []).forEach((item, i) => {
      if (item.kind !== 'expression' || !showsValue(item)) return;
      values.push({ key: `expression:${group.id}:${i}`, item, color: expressionColor(group, model), align: 'start' });
    });
  }
  sums.forEach((item, i) => {
    if (!showsValue(item)) return;
    if (groups.some((g) => centerInside(g, item.box) && !present(g, model))) return;
    values.push({ key: `sum:${i}`, item, color: sumColor(item, model), align: 'end' });
  });
  return values;
}
