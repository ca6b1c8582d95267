/**
 * The words for a value (an expression's, a column's sum): whether there is one, what people see
 * and what a screen reader says. Shared by the board's value labels and the history, so that both
 * say the same.
 */
import { msg, str } from '@lit/localize';
import type { MathItem } from '../../../common/recognition.js';

/** Whether an item has something to show: a value, or an error to say instead (neither: nothing shows). */
export const showsValue = (item: MathItem): boolean => item.value !== null || item.error !== undefined;

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
export function spokenValue({ expression, display, error, kind }: MathItem): string {
  if (error === 'division_by_zero') return msg(str`${expression}: division by zero, no value`);
  if (error === 'overflow') return kind === 'sum' ? msg(str`Sum of ${expression}: too large to show`) : msg(str`${expression}: too large to show`);
  return kind === 'sum' ? msg(str`Sum of ${expression}: ${display}`) : msg(str`${expression} equals ${display}`);
}
