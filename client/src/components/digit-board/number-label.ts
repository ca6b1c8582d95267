import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { BoardView } from '../../board/board-view.js';
import { displayName } from '../../board/generated-names.js';
import type { PlacedLabel } from './placed-labels.js';

/** A length in CSS pixels, for a style. */
export const px = (value: number): string => `${value}px`;

/** The id of a number's label button (the popover points back to it). */
export const labelId = (groupId: string): string => `label-${groupId}`;

export interface NumberLabelOptions {
  /** Its popover is open. */
  expanded: boolean;
  onPointerDown(event: PointerEvent, groupId: string): void;
  onClick(event: MouseEvent): void;
}

/**
 * A number's label where the layout placed it: a button that shows what the number reads (? for
 * a mark that is not a digit) and opens the popover of its other readings.
 */
export function renderNumberLabel({ group, text, corrected, rect }: PlacedLabel, view: BoardView, { expanded, onPointerDown, onClick }: NumberLabelOptions) {
  const rejected = text === '';
  const by = displayName(group.correctedBy ?? '');
  const name = corrected
    ? by
      ? msg(str`${text}, corrected by ${by}: show other readings`)
      : msg(str`${text}, corrected: show other readings`)
    : rejected
      ? msg('Not a digit: show other readings')
      : msg(str`${text}: show other readings`);
  const title = corrected ? (by ? msg(str`Corrected by ${by}`) : msg('Corrected')) : rejected ? msg('Not a digit') : msg(str`Read as ${text}`);
  return html`<li
    style=${styleMap({ left: px(view.screenX(rect.x)), top: px(view.screenY(rect.y)), width: px(rect.width / view.unitsPerPx()), height: px(rect.height / view.unitsPerPx()) })}
  >
    <button
      type="button"
      id=${labelId(group.id)}
      data-testid="group-label"
      data-group=${group.id}
      class=${`label${rejected ? ' rejected' : ''}`}
      ?data-corrected=${corrected}
      aria-label=${name}
      aria-haspopup="dialog"
      aria-expanded=${expanded ? 'true' : 'false'}
      aria-controls=${expanded ? 'reading-popover' : nothing}
      title=${title}
      @pointerdown=${(event: PointerEvent) => onPointerDown(event, group.id)}
      @click=${onClick}
    >${rejected ? '?' : text}</button>
  </li>`;
}
