import { html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { BoardView } from '../../board/board-view.js';
import { spokenValue } from '../../board/value-text.js';
import { px } from './number-label.js';
import type { PlacedValue } from './placed-labels.js';

/**
 * A value where the layout placed it, in its writer's colour: the value of an expression after
 * its "=", or a column's sum under its rule. Not a control: the screen reader hears the whole
 * sentence (what was evaluated and its value), the eye sees the value.
 */
export function renderValueLabel({ item, text, color, rect }: PlacedValue, view: BoardView) {
  return html`<li
    style=${styleMap({
      left: px(view.screenX(rect.x)),
      top: px(view.screenY(rect.y)),
      width: px(rect.width / view.unitsPerPx()),
      height: px(rect.height / view.unitsPerPx()),
      '--value-color': color,
    })}
  >
    <span class="sr-only">${spokenValue(item)}</span>
    <span class="value" data-testid="math-value" data-kind=${item.kind} data-error=${item.error ?? nothing} aria-hidden="true">${text}</span>
  </li>`;
}
