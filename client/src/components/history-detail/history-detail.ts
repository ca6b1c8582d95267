import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { describeError } from '../../api/api-request.js';
import { confidenceSummary, correctRecord, deleteRecord, getRecord, type HistoryRecord } from '../../api/history-api.js';
import { shownReading } from '../reading-choices/correction.js';
import '../reading-choices/reading-choices.js';
import type { ReadingCorrectDetail } from '../reading-choices/reading-choices.js';
import '../ink-thumbnail/ink-thumbnail.js';
import type { InkThumbnail } from '../ink-thumbnail/ink-thumbnail.js';
import { historyHash } from '../../router.js';
import { renderRecordValues } from '../history-page/record-values.js';
import { styles } from './history-detail.styles.js';

const percent = (p: number): string => `${Math.round(p * 100)}%`;

/**
 * One recognition from the history: its ink (with a replay of the writing) or uploaded image,
 * what it came to (an expression's value, a sum), each digit's ten probabilities, when and how it was read, the model's other readings, a way for
 * the owner to correct the reading (an alternative or the number typed), and a delete button.
 *
 * @fires record-deleted - CustomEvent<string>, the id, once the server has deleted it
 * @fires record-corrected - CustomEvent<HistoryRecord>, the record as corrected (or no longer), once the server has it
 */
@customElement('history-detail')
export class HistoryDetail extends LitElement {
  static override styles = styles;

  @property() recordId = '';
  /** The record as the list had it (without its input), shown until the full one arrives. */
  @property({ attribute: false }) record: HistoryRecord | undefined;

  @state() private full: HistoryRecord | undefined;
  @state() private error = '';
  @state() private replaying = false;
  @state() private correcting = false;
  /** Said (politely) to screen readers after a correction is saved. */
  @state() private saved = '';

  @query('ink-thumbnail') private ink: InkThumbnail | null | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('recordId')) {
      this.full = undefined;
      this.saved = '';
      void this.load(this.recordId);
    }
  }

  private async load(id: string): Promise<void> {
    this.error = '';
    try {
      const record = await getRecord(id);
      if (id === this.recordId) this.full = record;
    } catch (error) {
      if (id === this.recordId) this.error = describeError(error);
    }
  }

  override render() {
    const record = this.full ?? this.record;
    const back = html`<a href=${historyHash()} data-testid="back-to-list">← ${msg('All recognitions')}</a>`;
    if (!record) {
      return html`${back}
        ${this.error
          ? html`<p class="error" role="alert">${this.error}</p>`
          : html`<p role="status">${msg('Loading…')}</p>`}`;
    }
    const summary = confidenceSummary(record);
    const input = this.full?.input;
    const time = new Date(record.createdAt);
    const corrected = !!record.correctedText;
    return html`
      ${back}
      <article data-testid="history-detail" aria-labelledby="detail-text">
        <div class="input">
          ${input?.kind === 'image'
            ? input.thumbnail
              ? html`<img src=${input.thumbnail} alt=${msg('The uploaded image')} />`
              : html`<p class="none">${msg('No image was kept of this upload.')}</p>`
            : html`<ink-thumbnail .strokes=${input?.kind === 'strokes' ? input.strokes : []} label=${msg(str`Ink of ${record.text}`)}></ink-thumbnail>
                <button type="button" data-testid="replay" ?disabled=${!input || this.replaying} @click=${this.replay}>
                  ${this.replaying ? msg('Replaying…') : msg('Replay')}
                </button>`}
        </div>
        <div class="facts">
          <p class="number" id="detail-text" data-testid="detail-text" ?data-corrected=${corrected}>
            ${shownReading(record.text, record.correctedText) || '—'}${corrected
              ? html`<span class="mark" aria-hidden="true">✓</span><span class="sr-only">${msg('(corrected)')}</span>`
              : nothing}
            ${renderRecordValues(record)}
          </p>
          ${corrected
            ? html`<p class="model-read" data-testid="detail-model-text">${msg(str`Corrected by you; the model read ${record.text || '—'}.`)}</p>`
            : nothing}
          <dl>
            ${summary
              ? html`<dt>${msg('Confidence')}</dt>
                  <dd>${msg(str`${percent(summary.mean)} mean, ${percent(summary.min)} lowest`)}</dd>`
              : nothing}
            <dt>${msg('Source')}</dt>
            <dd>${record.source}</dd>
            <dt>${msg('When')}</dt>
            <dd><time datetime=${record.createdAt}>${time.toLocaleString()}</time></dd>
            <dt>${msg('Model')}</dt>
            <dd>${record.model} · ${record.latencyMs < 10 ? record.latencyMs.toFixed(1) : Math.round(record.latencyMs)} ms</dd>
          </dl>
          <section class="correct" aria-labelledby="correct-title">
            <h3 id="correct-title">${msg('Is it right?')}</h3>
            <reading-choices
              data-testid="detail-choices"
              .alternatives=${record.alternatives}
              .modelText=${record.text}
              .correctedText=${record.correctedText}
              ?editable=${!this.correcting}
              @reading-correct=${this.onCorrect}
            ></reading-choices>
            ${this.correcting ? html`<p role="status">${msg('Saving…')}</p>` : nothing}
            <p class="sr-only" aria-live="polite">${this.saved}</p>
          </section>
          <button type="button" class="danger" data-testid="delete-item" @click=${this.delete}>${msg('Delete')}</button>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        </div>
      </article>
      <section class="charts" aria-label=${msg('Probabilities per digit')}>
        ${record.digits.map(
          (digit, i) => html`<figure>
            <figcaption>${msg(str`Digit ${i + 1} of ${record.digits.length}:`)} <b>${digit.digit}</b> (${percent(digit.confidence)})</figcaption>
            <ol class="chart" data-testid="detail-probabilities">
              ${digit.probabilities.map(
                (p, d) => html`<li class=${d === digit.digit ? 'top' : ''} title=${`${d}: ${percent(p)}`}>
                  <span class="bar" style=${`--p:${Math.min(1, Math.max(0, p))}`}></span>
                  <span class="label">${d}<span class="sr-only">: ${percent(p)}</span></span>
                </li>`,
              )}
            </ol>
          </figure>`,
        )}
      </section>
    `;
  }

  private async replay(): Promise<void> {
    if (!this.ink) return;
    this.replaying = true;
    try {
      await this.ink.replay();
    } finally {
      this.replaying = false;
    }
  }

  private async onCorrect(event: CustomEvent<ReadingCorrectDetail>): Promise<void> {
    const id = this.recordId;
    const before = this.full ?? this.record;
    if (!before) return;
    const text = event.detail.text;
    this.correcting = true;
    this.error = '';
    try {
      const answer = await correctRecord(id, text === '' ? null : text);
      if (id !== this.recordId) return;
      // The server answers with the record; should it not, ours with the correction will do.
      const record: HistoryRecord = answer && typeof answer === 'object' && answer.id === id ? { ...before, ...answer } : { ...before, correctedText: text || null };
      this.full = record;
      this.saved = text ? msg(str`Saved: it reads ${text}.`) : msg('Saved: back to the model’s reading.');
      this.dispatchEvent(new CustomEvent('record-corrected', { detail: record }));
    } catch (error) {
      if (id === this.recordId) this.error = msg(str`Could not save the correction: ${describeError(error)}`);
    } finally {
      this.correcting = false;
    }
  }

  private async delete(): Promise<void> {
    const id = this.recordId;
    const text = this.record ? (this.record.correctedText ?? this.record.text) : '';
    if (!confirm(msg(str`Delete ${text} from your history? This cannot be undone.`))) return;
    try {
      await deleteRecord(id);
      this.dispatchEvent(new CustomEvent('record-deleted', { detail: id }));
    } catch (error) {
      this.error = msg(str`Could not delete it: ${describeError(error)}`);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'history-detail': HistoryDetail;
  }
  interface HTMLElementEventMap {
    'record-deleted': CustomEvent<string>;
    'record-corrected': CustomEvent<HistoryRecord>;
  }
}
