import { msg, str } from '@lit/localize';
import { html, nothing, type LitElement, type ReactiveController } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { GroupResult } from '../../../../common/protocol.js';
import type { BoardView } from '../../board/board-view.js';
import { displayName } from '../../board/generated-names.js';
import '../reading-choices/reading-choices.js';
import type { ReadingChoices, ReadingCorrectDetail } from '../reading-choices/reading-choices.js';
import { emitBoardEvent, type Tool } from './board-events.js';
import { labelId, px } from './number-label.js';
import type { PlacedLabel } from './placed-labels.js';

/**
 * The popover of a number's label: the model's other readings and, when the board is
 * correctable, a way to say what the number is (reported by the host as `correct-number`). At
 * most one is open. It takes the focus when it opens and gives it back to its label when it
 * closes on purpose (Escape, a choice, its close button); a press or the focus going elsewhere
 * closes it too.
 */
export class ReadingPopover implements ReactiveController {
  /** The number whose label's popover is open. */
  openGroup: string | undefined;
  /** Move focus into the popover after the render that opens it. */
  private focusPending = false;

  constructor(
    private readonly host: LitElement,
    /** The board's tool: with the pen, a click on a label is a tap, handled on pointer up. */
    private readonly tool: () => Tool,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const choices = this.choices();
    if (this.focusPending && choices) {
      this.focusPending = false;
      // reading-choices renders in its own update: focus once it has.
      void choices.updateComplete.then(() => this.choices()?.focusFirst());
    }
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  /** Closes the popover of a number that went away (erased, cleared) while it was open. */
  closeIfGone(labels: readonly PlacedLabel[]): void {
    if (this.openGroup !== undefined && !labels.some((l) => l.group.id === this.openGroup)) this.close(false);
  }

  toggle(groupId: string): void {
    if (this.openGroup === groupId) this.close(true);
    else this.open(groupId);
  }

  /**
   * Enter or Space on a label (clicks of the pen are taps, handled on pointer up). Clicks that a
   * pointer makes (detail > 0) with the eraser open it too.
   */
  readonly onLabelClick = (event: MouseEvent): void => {
    if (event.detail > 0 && this.tool() === 'pen') return;
    const groupId = (event.currentTarget as HTMLElement).dataset['group'];
    if (groupId !== undefined) this.toggle(groupId);
  };

  /** The open label's popover, beside the label on the side with more room (it may spill out of the board). */
  render({ group, text, corrected, rect }: PlacedLabel, view: BoardView, correctable: boolean) {
    const top = view.screenY(rect.y);
    const bottom = view.screenY(rect.y + rect.height);
    const left = view.screenX(rect.x);
    const right = view.screenX(rect.x + rect.width);
    const below = (top + bottom) / 2 < view.cssHeight / 2;
    const rightward = (left + right) / 2 < view.cssWidth / 2;
    const position = {
      ...(below ? { top: px(bottom) } : { bottom: px(view.cssHeight - top) }),
      ...(rightward ? { left: px(left) } : { right: px(view.cssWidth - right) }),
    };
    const by = displayName(group.correctedBy ?? '');
    return html`<div class="popover-layer">
      <dialog
        open
        id="reading-popover"
        class=${below ? 'below' : 'above'}
        data-testid="reading-popover"
        aria-labelledby="reading-popover-title"
        style=${styleMap(position)}
        @keydown=${this.onKeyDown}
        @focusout=${this.onFocusOut}
        @reading-correct=${(event: CustomEvent<ReadingCorrectDetail>) => this.onCorrect(group, event.detail.text)}
      >
        <div class="popover-head">
          <h2 id="reading-popover-title">${text ? msg(str`Readings of ${text}`) : msg('Readings of this mark')}</h2>
          <button type="button" class="close" data-testid="close-popover" aria-label=${msg('Close')} @click=${() => this.close(true)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        ${corrected
          ? html`<p class="corrected" data-testid="corrected-by">
              ${by ? msg(str`Corrected by ${by}; the model read ${group.result.text || '?'}.`) : msg(str`Corrected; the model read ${group.result.text || '?'}.`)}
            </p>`
          : nothing}
        <reading-choices
          .alternatives=${group.result.alternatives}
          .modelText=${group.result.text}
          .correctedText=${group.correctedText}
          ?editable=${correctable}
        ></reading-choices>
        ${correctable ? nothing : html`<p class="note">${msg('Corrections need the connection to the board.')}</p>`}
      </dialog>
    </div>`;
  }

  private choices(): ReadingChoices | null {
    return this.host.renderRoot.querySelector<ReadingChoices>('reading-choices');
  }

  private open(groupId: string): void {
    this.openGroup = groupId;
    this.focusPending = true;
    document.addEventListener('pointerdown', this.onDocumentPointerDown, true);
    this.host.requestUpdate();
  }

  /** Closes the popover; `refocus` puts the focus back on its label (Escape, a choice, the close button). */
  private close(refocus: boolean): void {
    const groupId = this.openGroup;
    if (groupId === undefined) return;
    this.openGroup = undefined;
    this.focusPending = false;
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
    this.host.requestUpdate();
    if (refocus) this.host.renderRoot.querySelector<HTMLElement>(`#${CSS.escape(labelId(groupId))}`)?.focus();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    // Escape also clears the board (digit-app): here it only closes the popover.
    event.preventDefault();
    event.stopPropagation();
    this.close(true);
  };

  /** Tabbing out of the popover closes it (focus has gone on; it is not pulled back). */
  private readonly onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget;
    const dialog = event.currentTarget as HTMLElement;
    if (next instanceof Node && !dialog.contains(next) && !(next instanceof HTMLElement && next.id === labelId(this.openGroup ?? ''))) {
      this.close(false);
    }
  };

  /** A press outside the popover and its label closes it, and goes on to do what it does. */
  private readonly onDocumentPointerDown = (event: PointerEvent): void => {
    const path = event.composedPath();
    const dialog = this.host.renderRoot.querySelector('dialog');
    const label = this.openGroup ? this.host.renderRoot.querySelector(`#${CSS.escape(labelId(this.openGroup))}`) : null;
    if ((dialog && path.includes(dialog)) || (label && path.includes(label))) return;
    this.close(false);
  };

  private onCorrect(group: GroupResult, text: string): void {
    emitBoardEvent(this.host, 'correct-number', { groupId: group.id, strokeIds: [...group.strokeIds], text });
    this.close(true);
  }
}
