import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { describeError } from '../../api/api-request.js';
import { confidenceSummary, deleteRecord, getRecord, type HistoryRecord } from '../../api/history-api.js';
import '../ink-thumbnail/ink-thumbnail.js';
import type { InkThumbnail } from '../ink-thumbnail/ink-thumbnail.js';
import { historyHash } from '../history-page/history-route.js';
import { styles } from './history-detail.styles.js';

const percent = (p: number): string => `${Math.round(p * 100)}%`;

/**
 * One recognition from the history: its ink (with a replay of the writing) or uploaded image,
 * each digit's ten probabilities, when and how it was read, and a delete button.
 *
 * @fires record-deleted - CustomEvent<string>, the id, once the server has deleted it
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

  @query('ink-thumbnail') private ink: InkThumbnail | null | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('recordId')) {
      this.full = undefined;
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
    return html`
      ${back}
      <article data-testid="history-detail" aria-labelledby="detail-text">
        <div class="input">
          ${input?.kind === 'image'
            ? input.thumbnail
              ? html`<img src=${input.thumbnail} alt=${msg('The uploaded image')} />`
              : html`<p class="none">${msg('No image was kept of this upload.')}</p>`
            : html`<ink-thumbnail .strokes=${input?.kind === 'strokes' ? input.strokes : []} label=${msg(str`Ink of ${record.text}`)}></ink-thumbnail>
                <button type="button" class="secondary" data-testid="replay" ?disabled=${!input || this.replaying} @click=${this.replay}>
                  ${this.replaying ? msg('Replaying…') : msg('Replay')}
                </button>`}
        </div>
        <div class="facts">
          <p class="number" id="detail-text" data-testid="detail-text">${record.text || '—'}</p>
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

  private async delete(): Promise<void> {
    const id = this.recordId;
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
  }
}
