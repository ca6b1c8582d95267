import { msg, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { buttonStyles } from '../../styles/button.styles.js';

/** The formats of GET /api/rooms/:id/export. */
export const EXPORT_FORMATS = ['json', 'csv', 'svg', 'png'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Where a board's export is downloaded from. */
export const exportUrl = (room: string, format: ExportFormat): string => `/api/rooms/${encodeURIComponent(room)}/export?format=${format}`;

/**
 * The board's downloads, folded under one button: its numbers as JSON or CSV, and its ink with
 * their labels as SVG or PNG. Plain links (the server names the files): nothing to do here but
 * point at them. Disabled until the board has an id.
 */
@customElement('board-downloads')
export class BoardDownloads extends LitElement {
  static override styles = [
    buttonStyles,
    css`
      :host {
        position: relative;
        display: inline-block;
      }
      summary {
        list-style: none;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary:focus-visible {
        outline: 3px solid #1d4ed8;
        outline-offset: 2px;
      }
      ul {
        position: absolute;
        z-index: 10;
        right: 0;
        display: grid;
        gap: 0.375rem;
        margin: 0.375rem 0 0;
        padding: 0.5rem;
        list-style: none;
        border: 1px solid #d1d5db;
        border-radius: 0.5rem;
        background: #ffffff;
        box-shadow: 0 4px 12px rgb(0 0 0 / 0.12);
        white-space: nowrap;
      }
      :host([disabled]) summary {
        opacity: 0.5;
        pointer-events: none;
      }
    `,
  ];

  /** The board's id ('' until the server names it). */
  @property() room = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override updated(): void {
    this.toggleAttribute('disabled', !this.room);
  }

  override render() {
    const labels: Record<ExportFormat, string> = {
      json: msg('Download JSON'),
      csv: msg('Download CSV'),
      svg: msg('Download SVG'),
      png: msg('Download PNG'),
    };
    return html`<details data-testid="downloads">
      <summary class="button" aria-disabled=${this.room ? 'false' : 'true'}>${msg('Download')}</summary>
      <ul aria-label=${msg('Download this board')}>
        ${EXPORT_FORMATS.map(
          (format) =>
            html`<li>
              <a class="button" data-testid=${`download-${format}`} href=${exportUrl(this.room, format)} download=${`board-${this.room}.${format}`}
                >${labels[format]}</a
              >
            </li>`,
        )}
      </ul>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'board-downloads': BoardDownloads;
  }
}
