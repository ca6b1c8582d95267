import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { MathItem } from '../../../../common/recognition.js';
import type { BoardView } from '../../board/board-view.js';
import { px } from './number-label.js';
import type { PlacedValue } from './placed-labels.js';

/** What a value's label reads: the value as written for people, or why there is none, in a word or two. */
export function valueText(item: MathItem): string {
  switch (item.error) {
    case 'division_by_zero':
      return msg('÷ by 0');
    case 'overflow':
      return msg('Too large');
    case undefined:
      return item.display;
    default: {
      const unexpected: never = item.error;
      return unexpected;
    }
  }
}

/** What a screen reader says of a value: what was evaluated, and its value or why there is none. */
function spokenValue({ expression, display, error, kind }: MathItem): string {
  if (error === 'division_by_zero') return msg(str`${expression}: division by zero, no value`);
  if (error === 'overflow') return kind === 'sum' ? msg(str`Sum of ${expression}: too large to show`) : msg(str`${expression}: too large to show`);
  return kind === 'sum' ? msg(str`Sum of ${expression}: ${display}`) : msg(str`${expression} equals ${display}`);
}

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
