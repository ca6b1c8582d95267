import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Recognition } from '../../../../common/recognition.js';
import { choosableAlternatives, percent as percentOrLess } from '../reading-choices/correction.js';
import { styles } from './result-panel.styles.js';

const percent = (p: number): string => `${Math.round(p * 100)}%`;
const ms = (value: number): string => (value < 10 ? value.toFixed(1) : String(Math.round(value)));

/** Where a recognition was computed: by the server, or in this browser. */
export type RecognitionSource = 'server' | 'device';

/**
 * Shows a recognition: the number, each digit's confidence, and the ten probabilities of one
 * digit (the latest written). Results are also announced to screen readers.
 */
@customElement('result-panel')
export class ResultPanel extends LitElement {
  static override styles = styles;

  /** The latest recognition, or null when the board is empty. */
  @property({ attribute: false }) result: Recognition | null = null;

  /** Which digit of `result.digits` the chart shows; defaults to the last one. */
  @property({ type: Number }) latest = -1;

  /** Who produced `result`; shown with it. */
  @property() source: RecognitionSource = 'server';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override render() {
    const result = this.result;
    const digits = result?.digits ?? [];
    const index = this.latest >= 0 && this.latest < digits.length ? this.latest : digits.length - 1;
    const focus = digits[index];
    const notADigit = result !== null && result.text === '' && result.rejected.length > 0;
    // The model's readings of the latest number, best first (the first is `text`).
    const alternatives = choosableAlternatives(result?.alternatives);

    return html`
      <h2>
        ${msg('Recognized')}
        ${result
          ? html`<span class="source" data-testid="result-source" data-source=${this.source}
              >${this.source === 'device' ? msg('On this device') : msg('By the server')}</span
            >`
          : nothing}
      </h2>
      <!-- Not an <output>: that is a live region of its own, and the one below already announces. -->
      <p class="number" data-testid="result-text">${result?.text ?? ''}</p>
      ${notADigit ? html`<p class="rejected" data-testid="not-a-digit">${msg('Not a digit')}</p>` : nothing}
      ${!result || (result.text === '' && !notADigit) ? html`<p class="hint">${msg('Your number will appear here.')}</p>` : nothing}
      ${digits.length > 0
        ? html`<ul class="confidences" data-testid="confidence" aria-label=${msg('Confidence per digit')}>
            ${digits.map(
              (digit, i) =>
                html`<li class=${i === index ? 'latest' : ''}><b>${digit.digit}</b>${percent(digit.confidence)}</li>`,
            )}
          </ul>`
        : nothing}
      ${alternatives.length > 1
        ? html`<div class="alternatives">
            <h3 id="alternatives-title">${msg('Possible readings')}</h3>
            <ol data-testid="result-alternatives" aria-labelledby="alternatives-title">
              ${alternatives.map(
                (a, i) => html`<li class=${i === 0 ? 'top' : ''}><b>${a.text}</b> · ${percentOrLess(a.confidence)}</li>`,
              )}
            </ol>
          </div>`
        : nothing}
      ${focus
        ? html`<figure>
            <figcaption>
              ${digits.length > 1 ? msg(str`Probabilities for digit ${index + 1} of ${digits.length}`) : msg('Probabilities for the digit')}
            </figcaption>
            <ol class="chart" data-testid="probabilities">
              ${focus.probabilities.map(
                (p, d) =>
                  html`<li class=${d === focus.digit ? 'top' : ''} title=${`${d}: ${percent(p)}`}>
                    <span class="bar" style=${`--p:${Math.min(1, Math.max(0, p))}`}></span>
                    <span class="label">${d}<span class="sr-only">: ${percent(p)}</span></span>
                  </li>`,
              )}
            </ol>
          </figure>`
        : nothing}
      ${result && result.model
        ? html`<p class="meta">
            ${this.source === 'device'
              ? msg(str`Model ${result.model} · ${ms(result.ms)} ms on this device`)
              : msg(str`Model ${result.model} · ${ms(result.ms)} ms on the server`)}
          </p>`
        : nothing}
      <div class="sr-only" aria-live="polite" aria-atomic="true">${this.announcement()}</div>
    `;
  }

  private announcement(): string {
    const result = this.result;
    if (!result) return '';
    if (result.text !== '') {
      const confidences = result.digits.map((d) => percent(d.confidence)).join(', ');
      return msg(str`Recognized ${result.text}, confidence ${confidences}`);
    }
    return result.rejected.length > 0 ? msg('Not a digit') : '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'result-panel': ResultPanel;
  }
}
