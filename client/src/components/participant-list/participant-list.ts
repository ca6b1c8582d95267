import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Participant } from '../../../../common/protocol.js';
import { displayName } from '../../board/generated-names.js';
import { styles } from './participant-list.styles.js';

/** Who is on the board: a dot in each writer's ink colour and their name, "you" first and marked. */
@customElement('participant-list')
export class ParticipantList extends LitElement {
  static override styles = styles;

  @property({ attribute: false }) participants: readonly Participant[] = [];
  /** This page's participant id. */
  @property() you = '';

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override render() {
    const sorted = [...this.participants].sort((a, b) => Number(b.id === this.you) - Number(a.id === this.you));
    return html`<ul data-testid="participants" aria-label=${msg(str`${sorted.length} on this board`)}>
      ${repeat(
        sorted,
        (p) => p.id,
        (p) =>
          html`<li data-participant=${p.id} data-color=${p.color} ?data-you=${p.id === this.you}>
            <span class="dot" style=${styleMap({ background: p.color })}></span>
            <span class="name">${displayName(p.name)}</span>${p.id === this.you ? html`<span class="you">${msg('(you)')}</span>` : nothing}
          </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'participant-list': ParticipantList;
  }
}
