import type { GroupResult } from '../../../../common/protocol.js';
import type { MathItem } from '../../../../common/recognition.js';
import type { BoardModel } from '../../board/board-model.js';
import { BOARD_HEIGHT, BOARD_WIDTH, PEN_WIDTH } from '../../board/board-space.js';
import { boardValues, type BoardValue } from '../../board/board-values.js';
import type { BoardView } from '../../board/board-view.js';
import { layoutLabels, type LabelRequest, type Rect } from '../../board/label-layout.js';
import { shownReading } from '../reading-choices/correction.js';

/** A label on the board: its number, what it shows, and where (board units). */
export interface PlacedLabel {
  group: GroupResult;
  text: string;
  corrected: boolean;
  rect: Rect;
}

/** A value on the board (an expression's, a sum's), what it shows, and where (board units). */
export interface PlacedValue extends BoardValue {
  text: string;
  rect: Rect;
}

/** Every label on the board: the numbers' and the values'. */
export interface PlacedLabels {
  numbers: PlacedLabel[];
  values: PlacedValue[];
}

/** Space between a label and its ink, in CSS pixels. */
const LABEL_GAP = 4;

/**
 * A label's size in CSS pixels, from its text (see .label in digit-board.styles.ts: 1.125rem
 * bold digits, 0.5rem padding each side, a 1px border). Digits are taken at 0.7em, as wide as
 * the widest common sans-serif faces draw them; a corrected label has room for its check mark.
 */
function labelCssSize(text: string, corrected: boolean, rem: number): { width: number; height: number } {
  const em = 1.125 * rem;
  return {
    width: Math.ceil(Math.max(1, text.length) * 0.7 * em + (corrected ? 1.0 * em : 0) + rem + 2),
    height: Math.ceil(1.4 * em + 0.125 * rem + 2),
  };
}

/**
 * A value's size in CSS pixels (see .value in digit-board.styles.ts: 1.25rem bold, 0.25rem
 * padding each side, a 1px border), characters taken at 0.7em as for the numbers' labels.
 */
function valueCssSize(text: string, rem: number): { width: number; height: number } {
  const em = 1.25 * rem;
  return { width: Math.ceil(Math.max(1, text.length) * 0.7 * em + 0.5 * rem + 2), height: Math.ceil(1.3 * em + 2) };
}

/**
 * Where a value of this size goes: starting right of its "=", centred on it; or under its rule,
 * flush with its right end. Never over the ink it belongs to (`ink`: its box, pen width included),
 * `gap` away from it at least: the answer slot may start where the ink ends.
 */
function valueRequest({ item, align }: BoardValue, ink: Rect, width: number, height: number, gap: number): LabelRequest {
  const { answer } = item;
  const at =
    align === 'start'
      ? { x: Math.max(answer.x, ink.x + ink.width + gap), y: answer.y + answer.height / 2 - height / 2 }
      : { x: answer.x + answer.width - width, y: Math.max(answer.y, ink.y + ink.height + gap) };
  return { box: ink, width, height, at };
}

/** Groups worth a label: read (or corrected) as something, and all their strokes still here (results lag the ink a little). */
function labelled(groups: readonly GroupResult[], model: BoardModel): GroupResult[] {
  return groups.filter((g) => (!!g.correctedText || g.result.text !== '' || g.result.rejected.length > 0) && g.strokeIds.every((id) => model.has(id)));
}

const boxKey = (b: Rect): string => `${b.x},${b.y},${b.width},${b.height}`;

/** A box of points widened by the pen's half width: the ink reaches beyond its points. */
function inkBox(box: Rect): Rect {
  const ink = PEN_WIDTH / 2;
  return { x: box.x - ink, y: box.y - ink, width: box.width + 2 * ink, height: box.height + 2 * ink };
}

/**
 * The labels of the numbers and of the values (board-values.ts) and where they go
 * (label-layout.ts), sized for the board's size on screen. Values are placed first: each has a
 * place of its own, after its "=" or under its rule, and the numbers' labels keep off them.
 * The last layout is kept until the numbers, the values, their texts or the scale change: other
 * renders (cursors) reuse it.
 */
export class LabelPlacer {
  private cache: { key: string; labels: PlacedLabels } | undefined;

  /** `valueText` says what a value's label reads (its `display`, or its error in words). */
  place(groups: readonly GroupResult[], sums: readonly MathItem[], model: BoardModel, view: BoardView, valueText: (item: MathItem) => string): PlacedLabels {
    const scale = view.unitsPerPx();
    const items = labelled(groups, model).map((group) => {
      const text = shownReading(group.result.text, group.correctedText);
      return { group, text, corrected: !!group.correctedText };
    });
    const values = boardValues(groups, sums, model).map((value) => ({ ...value, text: valueText(value.item) }));
    const key = [
      `${scale}|${view.rem}`,
      items.map(({ group: g, text, corrected }) => `${g.id}:${text}:${corrected}:${boxKey(g.box)}`).join(';'),
      values.map((v) => `${v.key}:${v.text}:${v.color}:${boxKey(v.item.box)}:${boxKey(v.item.answer)}`).join(';'),
    ].join('|');
    if (this.cache?.key === key) {
      // Same places; the groups and items themselves may be newer objects (a result with the same reading).
      const { numbers, values: placed } = this.cache.labels;
      return { numbers: numbers.map((label, i) => ({ ...label, group: items[i].group })), values: placed.map((value, i) => ({ ...value, item: values[i].item })) };
    }
    const gap = LABEL_GAP * scale;
    const valueRequests = values.map((value) => {
      const size = valueCssSize(value.text, view.rem);
      return valueRequest(value, inkBox(value.item.box), size.width * scale, size.height * scale, gap);
    });
    const numberRequests = items.map(({ group: { box }, text, corrected }) => {
      const size = labelCssSize(text === '' ? '?' : text, corrected, view.rem);
      return { box: inkBox(box), width: size.width * scale, height: size.height * scale };
    });
    const rects = layoutLabels([...valueRequests, ...numberRequests], { width: BOARD_WIDTH, height: BOARD_HEIGHT, gap });
    const labels = {
      values: values.map((value, i) => ({ ...value, rect: rects[i] })),
      numbers: items.map((item, i) => ({ ...item, rect: rects[values.length + i] })),
    };
    this.cache = { key, labels };
    return labels;
  }
}
