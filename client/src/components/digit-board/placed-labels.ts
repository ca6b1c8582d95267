import type { GroupResult } from '../../../../common/protocol.js';
import type { BoardModel } from '../../board/board-model.js';
import { BOARD_HEIGHT, BOARD_WIDTH, PEN_WIDTH } from '../../board/board-space.js';
import type { BoardView } from '../../board/board-view.js';
import { layoutLabels, type Rect } from '../../board/label-layout.js';
import { shownReading } from '../reading-choices/correction.js';

/** A label on the board: its number, what it shows, and where (board units). */
export interface PlacedLabel {
  group: GroupResult;
  text: string;
  corrected: boolean;
  rect: Rect;
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

/** Groups worth a label: read (or corrected) as something, and all their strokes still here (results lag the ink a little). */
function labelled(groups: readonly GroupResult[], model: BoardModel): GroupResult[] {
  return groups.filter((g) => (!!g.correctedText || g.result.text !== '' || g.result.rejected.length > 0) && g.strokeIds.every((id) => model.has(id)));
}

/**
 * The numbers' labels and where they go (label-layout.ts), sized for the board's size on screen.
 * The last layout is kept until the numbers, their texts or the scale change: other renders
 * (cursors) reuse it.
 */
export class LabelPlacer {
  private cache: { key: string; labels: PlacedLabel[] } | undefined;

  place(groups: readonly GroupResult[], model: BoardModel, view: BoardView): PlacedLabel[] {
    const scale = view.unitsPerPx();
    const items = labelled(groups, model).map((group) => {
      const text = shownReading(group.result.text, group.correctedText);
      return { group, text, corrected: !!group.correctedText };
    });
    const key = `${scale}|${view.rem}|${items.map(({ group: g, text, corrected }) => `${g.id}:${text}:${corrected}:${g.box.x},${g.box.y},${g.box.width},${g.box.height}`).join(';')}`;
    if (this.cache?.key === key) {
      // Same places; the groups themselves may be newer objects (a result with the same reading).
      return this.cache.labels.map((label, i) => ({ ...label, group: items[i].group }));
    }
    // The ink's box is that of its points: the pen's width reaches beyond it.
    const ink = PEN_WIDTH / 2;
    const rects = layoutLabels(
      items.map(({ group: { box }, text, corrected }) => {
        const size = labelCssSize(text === '' ? '?' : text, corrected, view.rem);
        return {
          box: { x: box.x - ink, y: box.y - ink, width: box.width + 2 * ink, height: box.height + 2 * ink },
          width: size.width * scale,
          height: size.height * scale,
        };
      }),
      { width: BOARD_WIDTH, height: BOARD_HEIGHT, gap: LABEL_GAP * scale },
    );
    const labels = items.map((item, i) => ({ ...item, rect: rects[i] }));
    this.cache = { key, labels };
    return labels;
  }
}
