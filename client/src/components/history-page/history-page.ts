import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { describeError } from '../../api/api-request.js';
import {
  confidenceSummary,
  deleteAllRecords,
  deleteRecord,
  exportUrl,
  getRecord,
  HISTORY_SOURCES,
  listHistory,
  type HistoryFilter,
  type HistoryInput,
  type HistoryRecord,
} from '../../api/history-api.js';
import '../history-detail/history-detail.js';
import { shownReading } from '../reading-choices/correction.js';
import '../ink-thumbnail/ink-thumbnail.js';
import { historyHash } from '../../router.js';
import { renderRecordValues } from './record-values.js';
import { styles } from './history-page.styles.js';

const percent = (p: number): string => `${Math.round(p * 100)}%`;
const sourceNames = (): Record<string, string> => ({ board: msg('Board'), upload: msg('Upload'), api: 'API' });
/** Thumbnails need each record's input, which lists leave out: fetched this many at a time. */
const THUMBNAIL_FETCHES = 4;

/**
 * The signed-in user's recognition history: newest first, filtered by digit, source and dates,
 * a page at a time ("Load more"), each with a thumbnail of its ink (or upload) and the values it
 * came to (record-values.ts); one record in detail when `recordId` is set. Navigation is by links
 * to #history and #history/<id>.
 *
 * @fires history-close - the user asked to go back to the board
 */
@customElement('history-page')
export class HistoryPage extends LitElement {
  static override styles = styles;

  /** The record shown in detail, or undefined for the list. */
  @property() recordId: string | undefined;
  /** Whose history (their id): a change reloads it. */
  @property() userId = '';

  @state() private items: HistoryRecord[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loading = false;
  @state() private error = '';
  @state() private filter: HistoryFilter = {};
  /** Inputs for the thumbnails, by record id (null: could not be fetched). */
  @state() private inputs = new Map<string, HistoryInput | null>();

  /** Bumped by each new list load, so that a slow answer for an older filter is dropped. */
  private generation = 0;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) void this.reload();
  }

  override render() {
    return html`
      <!-- Not a <header>: inside our shadow root it would read as a second page banner. -->
      <div class="header">
        <h2 id="history-title">${msg('Your history')}</h2>
        <button type="button" data-testid="close-history" @click=${this.close}>${msg('Back to the board')}</button>
      </div>
      ${this.recordId
        ? html`<history-detail
            recordId=${this.recordId}
            .record=${this.items.find((r) => r.id === this.recordId)}
            @record-deleted=${this.onDeleted}
            @record-corrected=${this.onCorrected}
          ></history-detail>`
        : this.renderList()}
    `;
  }

  private renderList() {
    const filtered = Object.values(this.filter).some(Boolean);
    return html`
      <form class="filters" aria-label=${msg('Filters')} @change=${this.onFilterChange} @submit=${(e: Event) => e.preventDefault()}>
        <label
          >${msg('Digit')}
          <select name="digit" data-testid="filter-digit">
            <option value="">${msg('Any')}</option>
            ${Array.from({ length: 10 }, (_, d) => html`<option value=${d} ?selected=${this.filter.digit === String(d)}>${d}</option>`)}
          </select>
        </label>
        <label
          >${msg('Source')}
          <select name="source" data-testid="filter-source">
            <option value="">${msg('Any')}</option>
            ${HISTORY_SOURCES.map((s) => html`<option value=${s} ?selected=${this.filter.source === s}>${sourceNames()[s]}</option>`)}
          </select>
        </label>
        <label>${msg('From')} <input type="date" name="from" data-testid="filter-from" .value=${this.filter.from ?? ''} /></label>
        <label>${msg('To')} <input type="date" name="to" data-testid="filter-to" .value=${this.filter.to ?? ''} /></label>
        <span class="spacer"></span>
        <a class="button" data-testid="export-csv" href=${exportUrl('csv', this.filter)} download>${msg('Export CSV')}</a>
        <a class="button" data-testid="export-json" href=${exportUrl('json', this.filter)} download>${msg('Export JSON')}</a>
        <button type="button" class="danger" data-testid="delete-all" ?disabled=${this.items.length === 0} @click=${this.deleteAll}>
          ${msg('Delete all')}
        </button>
      </form>
      ${this.error ? html`<p class="error" role="alert" data-testid="history-error">${this.error}</p>` : nothing}
      ${this.items.length === 0 && !this.loading && !this.error
        ? html`<p class="empty" data-testid="history-empty">
            ${filtered ? msg('Nothing matches these filters.') : msg('Nothing yet: numbers you write on a board while logged in appear here.')}
          </p>`
        : nothing}
      <ol class="items" aria-labelledby="history-title" aria-busy=${this.loading ? 'true' : 'false'}>
        ${this.items.map((record) => this.renderItem(record))}
      </ol>
      <div class="more">
        ${this.loading ? html`<span role="status">${msg('Loading…')}</span>` : nothing}
        ${this.nextCursor && !this.loading
          ? html`<button type="button" data-testid="load-more" @click=${this.loadMore}>${msg('Load more')}</button>`
          : nothing}
      </div>
    `;
  }

  private renderItem(record: HistoryRecord) {
    const summary = confidenceSummary(record);
    const input = this.inputs.get(record.id);
    const time = new Date(record.createdAt);
    return html`<li data-testid="history-item" data-id=${record.id}>
      <a class="open" href=${historyHash(record.id)}>
        <span class="sr-only">${record.text ? msg('Details of') : msg('Details of nothing')}</span>
        ${input?.kind === 'image'
          ? input.thumbnail
            ? html`<img class="thumb" src=${input.thumbnail} alt="" />`
            : html`<span class="thumb none">${msg('No image')}</span>`
          : html`<ink-thumbnail class="thumb" .strokes=${input?.kind === 'strokes' ? input.strokes : []}></ink-thumbnail>`}
        <span class="text" data-testid="history-text">${shownReading(record.text, record.correctedText)}${record.correctedText
            ? html`<span class="mark" aria-hidden="true">✓</span><span class="sr-only">${msg('(corrected)')}</span>`
            : nothing}</span>
        ${renderRecordValues(record)}
        <span class="meta">
          ${summary
            ? html`<span title=${msg('Mean and lowest confidence of the digits')}>${msg(str`${percent(summary.mean)} mean · ${percent(summary.min)} min`)}</span>`
            : nothing}
          <span class="source" data-source=${record.source}>${sourceNames()[record.source] ?? record.source}</span>
          <time datetime=${record.createdAt}>${time.toLocaleString()}</time>
        </span>
      </a>
      <button
        type="button"
        data-testid="delete-item"
        aria-label=${msg(str`Delete ${record.text} from ${time.toLocaleString()}`)}
        @click=${() => this.deleteOne(record)}
      >
        ${msg('Delete')}
      </button>
    </li>`;
  }

  /** Loads the first page again (after a filter change, another user, a deletion of everything). */
  async reload(): Promise<void> {
    this.items = [];
    this.nextCursor = null;
    await this.load();
  }

  private async load(cursor?: string): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = '';
    try {
      const page = await listHistory(this.filter, cursor);
      if (generation !== this.generation) return;
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      void this.fetchInputs(page.items);
    } catch (error) {
      if (generation === this.generation) this.error = msg(str`Could not load your history: ${describeError(error)}`);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private loadMore(): void {
    if (this.nextCursor) void this.load(this.nextCursor);
  }

  /** Each record's input, for its thumbnail, a few requests at a time. */
  private async fetchInputs(records: readonly HistoryRecord[]): Promise<void> {
    const queue = records.filter((r) => !this.inputs.has(r.id));
    const worker = async () => {
      for (let record = queue.shift(); record; record = queue.shift()) {
        let input: HistoryInput | null = null;
        try {
          input = (await getRecord(record.id)).input ?? null;
        } catch {
          // A thumbnail is not worth an error message: the item shows without one.
        }
        this.inputs = new Map(this.inputs).set(record.id, input);
      }
    };
    await Promise.all(Array.from({ length: THUMBNAIL_FETCHES }, worker));
  }

  private onFilterChange(event: Event): void {
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '');
    this.filter = { digit: value('digit'), source: value('source') as HistoryFilter['source'], from: value('from'), to: value('to') };
    void this.reload();
  }

  private async deleteOne(record: HistoryRecord): Promise<void> {
    if (!confirm(msg(str`Delete ${record.correctedText ?? record.text} from your history? This cannot be undone.`))) return;
    try {
      await deleteRecord(record.id);
      this.removeItem(record.id);
    } catch (error) {
      this.error = msg(str`Could not delete it: ${describeError(error)}`);
    }
  }

  private onCorrected(event: CustomEvent<HistoryRecord>): void {
    const { id, correctedText } = event.detail;
    this.items = this.items.map((r) => (r.id === id ? { ...r, correctedText } : r));
  }

  private onDeleted(event: CustomEvent<string>): void {
    this.removeItem(event.detail);
    location.hash = historyHash();
  }

  private removeItem(id: string): void {
    this.items = this.items.filter((r) => r.id !== id);
  }

  private async deleteAll(): Promise<void> {
    if (!confirm(msg('Delete your whole history? This cannot be undone.'))) return;
    try {
      await deleteAllRecords();
      this.inputs = new Map();
      await this.reload();
    } catch (error) {
      this.error = msg(str`Could not delete your history: ${describeError(error)}`);
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('history-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'history-page': HistoryPage;
  }
  interface HTMLElementEventMap {
    'history-close': CustomEvent<void>;
  }
}
