import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Tool } from '../digit-board/digit-board.js';
import { styles } from './board-toolbar.styles.js';

export type BoardCommand = Tool | 'undo' | 'redo' | 'clear';

/**
 * The board's tools: pen and eraser (one is pressed), undo and redo of your own strokes, and
 * clear for everyone. Every button says its keyboard shortcut.
 *
 * @fires board-command - CustomEvent<BoardCommand>
 */
@customElement('board-toolbar')
export class BoardToolbar extends LitElement {
  static override styles = styles;

  @property() tool: Tool = 'pen';
  @property({ type: Boolean }) canUndo = false;
  @property({ type: Boolean }) canRedo = false;
  @property({ type: Boolean }) canClear = false;
  /** The server is reachable: erasing, undo, redo and clear go through it. */
  @property({ type: Boolean }) online = false;

  override render() {
    const offline = this.online ? '' : ' (needs the connection)';
    return html`
      <div role="group" aria-label="Tool">
        <button
          type="button"
          data-testid="pen"
          aria-pressed=${this.tool === 'pen'}
          aria-keyshortcuts="P"
          title="Pen (P)"
          @click=${() => this.command('pen')}
        >
          Pen
        </button>
        <button
          type="button"
          data-testid="eraser"
          aria-pressed=${this.tool === 'eraser'}
          aria-keyshortcuts="E"
          title=${`Eraser: touch a stroke to remove it (E)${offline}`}
          @click=${() => this.command('eraser')}
        >
          Eraser
        </button>
      </div>
      <div role="group" aria-label="History">
        <button
          type="button"
          data-testid="undo"
          aria-label="Undo your last stroke"
          aria-keyshortcuts="Control+Z Meta+Z"
          title=${`Undo your last stroke (Ctrl+Z)${offline}`}
          ?disabled=${!this.online || !this.canUndo}
          @click=${() => this.command('undo')}
        >
          Undo
        </button>
        <button
          type="button"
          data-testid="redo"
          aria-label="Redo your last undone stroke"
          aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z"
          title=${`Redo (Ctrl+Shift+Z or Ctrl+Y)${offline}`}
          ?disabled=${!this.online || !this.canRedo}
          @click=${() => this.command('redo')}
        >
          Redo
        </button>
      </div>
      <button
        type="button"
        class="danger"
        data-testid="clear"
        aria-label="Clear the board for everyone"
        aria-keyshortcuts="Escape Delete"
        title=${`Clear the board for everyone (Esc or Delete)${offline}`}
        ?disabled=${!this.online || !this.canClear}
        @click=${() => this.command('clear')}
      >
        Clear
      </button>
    `;
  }

  private command(command: BoardCommand): void {
    this.dispatchEvent(new CustomEvent('board-command', { detail: command, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'board-toolbar': BoardToolbar;
  }
  interface HTMLElementEventMap {
    'board-command': CustomEvent<BoardCommand>;
  }
}
