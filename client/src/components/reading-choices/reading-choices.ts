import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { correctionToSend, MAX_CORRECTION_LENGTH, percent, sanitizeCorrection, shownAlternatives, shownReading, type Alternative } from './correction.js';
import { styles } from './reading-choices.styles.js';

export interface ReadingCorrectDetail {
  /** What the number is: digits, or "" to go back to the model's reading. */
  text: string;
}

/**
 * A reading and what else it could be: the model's alternatives with their confidence and, when
 * `editable`, a way to say what was written (pick an alternative or type the number) or to go
 * back to the model's reading. Only readings of digits can be picked: those with signs (an
 * expression's) are shown as readings, since a correction is digits only. It only asks: the owner
 * sends the correction and passes the result back down as `correctedText`.
 *
 * @fires reading-correct - CustomEvent<ReadingCorrectDetail>, only for a choice that changes something
 */
@customElement('reading-choices')
export class ReadingChoices extends LitElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The model's readings, best first (absent from records stored before there were any). */
  @property({ attribute: false }) alternatives: readonly Alternative[] | undefined;
  /** The model's reading ("" when it read nothing). */
  @property() modelText = '';
  /** The correction in force, if any ("" or null: none). */
  @property({ attribute: false }) correctedText: string | null | undefined;
  /** Whether corrections can be made here (not on a board recognized on this device, for one). */
  @property({ type: Boolean }) editable = false;

  @state() private draft = '';

  @query('input') private field!: HTMLInputElement | null;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another number (or the same one, corrected meanwhile): the typed text no longer applies.
    if (changed.has('modelText') || changed.has('correctedText')) this.draft = '';
  }

  /** Focuses the reading shown (or the first control), for a popover that just opened. */
  focusFirst(): void {
    const target =
      this.renderRoot.querySelector<HTMLElement>('button[aria-pressed="true"]') ?? this.renderRoot.querySelector<HTMLElement>('button, input');
    target?.focus();
  }

  override render() {
    const shown = shownReading(this.modelText, this.correctedText);
    const alternatives = shownAlternatives(this.alternatives);
    const unpickable = this.editable && alternatives.some((a) => !a.pickable);
    const corrected = !!this.correctedText;
    return html`
      ${alternatives.length > 0
        ? html`<ul class="alternatives" aria-label=${msg('Possible readings')} data-testid="alternatives">
              ${alternatives.map((a) => {
                const content = html`<span class="text">${a.text}</span> · <span class="confidence">${percent(a.confidence)}</span>`;
                return html`<li>
                  ${this.editable && a.pickable
                    ? html`<button
                        type="button"
                        data-testid="alternative"
                        data-text=${a.text}
                        aria-pressed=${a.text === shown ? 'true' : 'false'}
                        title=${msg(str`Confidence ${percent(a.confidence)}`)}
                        @click=${() => this.choose(a.text)}
                      >${content}</button>`
                    : html`<span class="reading" data-testid="alternative" data-text=${a.text} ?data-unpickable=${!a.pickable}>${content}</span>`}
                </li>`;
              })}
            </ul>
            ${unpickable
              ? html`<p class="none" data-testid="unpickable-note">${msg('Readings with signs cannot be chosen: a correction is digits only.')}</p>`
              : nothing}`
        : this.alternatives
          ? html`<p class="none">${msg('The model gave no other readings.')}</p>`
          : // Records stored before readings were kept have none to show.
            nothing}
      ${this.editable
        ? html`<form @submit=${this.onSubmit}>
              <label for="correction">${msg('The right number')}</label>
              <span class="row">
                <input
                  id="correction"
                  data-testid="correction-input"
                  inputmode="numeric"
                  pattern="[0-9]*"
                  maxlength=${MAX_CORRECTION_LENGTH}
                  autocomplete="off"
                  aria-describedby="correction-hint"
                  .value=${this.draft}
                  @input=${this.onInput}
                />
                <button type="submit" data-testid="correction-submit" ?disabled=${this.draft === ''}>${msg('Correct')}</button>
              </span>
              <small id="correction-hint">${msg('Digits only, up to 40.')}</small>
            </form>
            ${corrected
              ? html`<button type="button" class="withdraw" data-testid="withdraw-correction" @click=${() => this.choose('')}>
                  ${msg('Use the model’s reading')}${this.modelText ? html` (${this.modelText})` : nothing}
                </button>`
              : nothing}`
        : nothing}
    `;
  }

  private onInput(event: Event): void {
    const input = event.target as HTMLInputElement;
    const clean = sanitizeCorrection(input.value);
    // Letters and signs never reach the field: a correction is digits only.
    if (clean !== input.value) input.value = clean;
    this.draft = clean;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.draft === '') {
      this.field?.focus();
      return;
    }
    this.choose(this.draft);
  }

  private choose(chosen: string): void {
    const text = correctionToSend(chosen, this.modelText, this.correctedText);
    if (text === null) return;
    this.dispatchEvent(new CustomEvent('reading-correct', { detail: { text }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'reading-choices': ReadingChoices;
  }
  interface HTMLElementEventMap {
    'reading-correct': CustomEvent<ReadingCorrectDetail>;
  }
}
