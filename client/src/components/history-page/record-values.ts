/**
 * What a record of the history came to: the values of the expressions and sums it held, shown
 * beside its text in the list and in the detail ("12+30= 42", "Σ 49"), in the board's words.
 */
import { html, nothing } from 'lit';
import type { MathItem } from '../../../../common/recognition.js';
import type { HistoryRecord } from '../../api/history-api.js';
import { showsValue, spokenValue, valueText } from '../../board/value-text.js';

/**
 * The values to show for a record: none for a record stored before arithmetic, nor for a corrected
 * one (a correction is digits only: the expression it was is now that number).
 */
export function recordValues(record: Pick<HistoryRecord, 'math' | 'correctedText'>): MathItem[] {
  if (record.correctedText) return [];
  return (record.math ?? []).filter(showsValue);
}

/** What the eye sees of a value: an expression's after its text, a sum marked Σ (a symbol, the same in every language). */
export function valueShown(item: MathItem): string {
  return item.kind === 'sum' ? `Σ ${valueText(item)}` : valueText(item);
}

/**
 * A record's values, or nothing. Each is seen as its value and heard as the board's sentence
 * ("12+30 equals 42"), so that a screen reader does not hear a bare number.
 */
export function renderRecordValues(record: Pick<HistoryRecord, 'math' | 'correctedText'>) {
  const items = recordValues(record);
  if (items.length === 0) return nothing;
  return html`<span class="values" data-testid="history-values">
    ${items.map(
      (item) =>
        html`<span class="value" data-testid="history-value" data-kind=${item.kind} data-error=${item.error ?? nothing} aria-hidden="true"
            >${valueShown(item)}</span
          ><span class="sr-only"> ${spokenValue(item)} </span>`,
    )}
  </span>`;
}
