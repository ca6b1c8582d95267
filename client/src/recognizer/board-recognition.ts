/**
 * Every number on the board, read on this device: the server's recipe (server/src/realtime/room.ts)
 * in the browser, so that the labels and values beside the ink look the same whoever computes
 * them. Strokes are grouped by place (common/grouping.ts), each group is recognized on its own
 * (expressions evaluated by the same reader), the column sums are worked out from the numbers as
 * the server does (common/column-sums.ts), and the group the last change touched is "the latest
 * number".
 */
import { columnSums } from '../../../common/column-sums.js';
import { groupByPlace, type PlacedStroke } from '../../../common/grouping.js';
import { toRect, type Box, type Stroke } from '../../../common/preprocess.js';
import type { GroupResult } from '../../../common/protocol.js';
import type { MathItem, Recognition } from '../../../common/recognition.js';

/** What changed last: a stroke completed, ink removed from a place, or the board cleared (null). */
export type RecognitionChange = { strokeId: string } | { box: Box } | null;

export interface BoardRecognition {
  /** Each number on the board, in reading order. */
  groups: GroupResult[];
  /** Every column sum on the board, as the server's result message would carry them. */
  sums: MathItem[];
  /** The number the change touched, or an empty recognition. */
  result: Recognition;
  /** Completed strokes read. */
  strokes: number;
}

export const emptyRecognition = (model: string): Recognition => ({ text: '', digits: [], rejected: [], model, ms: 0 });

/**
 * Recognizes each group, reusing `cache` (keyed by the group's stroke ids) for groups that did not
 * change; returns the new cache with the result.
 */
export async function recognizeBoard(
  strokes: readonly PlacedStroke[],
  change: RecognitionChange,
  recognize: (strokes: readonly Stroke[]) => Promise<Recognition>,
  cache: ReadonlyMap<string, Recognition>,
  model: string,
): Promise<{ recognition: BoardRecognition; cache: Map<string, Recognition> }> {
  const byId = new Map(strokes.map((s) => [s.id, s.points]));
  const next = new Map<string, Recognition>();
  const groups: GroupResult[] = [];
  // One after another: the recognizer runs one inference at a time anyway.
  for (const g of groupByPlace(strokes)) {
    const key = [...g.strokeIds].sort().join(' ');
    const result = cache.get(key) ?? (await recognize(g.strokeIds.map((id) => byId.get(id) ?? [])));
    next.set(key, result);
    const box = toRect(g.box);
    groups.push({ id: g.strokeIds[0], box, strokeIds: g.strokeIds, result });
  }
  let latest: GroupResult | undefined;
  if (change && 'strokeId' in change) latest = groups.find((g) => g.strokeIds.includes(change.strokeId));
  else if (change) {
    const cx = (change.box.minX + change.box.maxX) / 2;
    const cy = (change.box.minY + change.box.maxY) / 2;
    const distance = (g: GroupResult) => Math.hypot(g.box.x + g.box.width / 2 - cx, g.box.y + g.box.height / 2 - cy);
    latest = [...groups].sort((a, b) => distance(a) - distance(b))[0];
  }
  const sums = columnSums(groups, (id) => byId.get(id) ?? []);
  return { recognition: { groups, sums, result: latest?.result ?? emptyRecognition(model), strokes: strokes.length }, cache: next };
}
