import { msg, updateWhenLocaleChanges } from '@lit/localize';
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

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  override render() {
    const offline = this.online ? '' : ` ${msg('(needs the connection)')}`;
    return html`
      <div role="group" aria-label=${msg('Tool')}>
        <button
          type="button"
          data-testid="pen"
          aria-pressed=${this.tool === 'pen'}
          aria-keyshortcuts="P"
          title=${msg('Pen (P)')}
          @click=${() => this.command('pen')}
        >
          ${msg('Pen')}
        </button>
        <button
          type="button"
          data-testid="eraser"
          aria-pressed=${this.tool === 'eraser'}
          aria-keyshortcuts="E"
          title=${msg('Eraser: touch a stroke to remove it (E)') + offline}
          @click=${() => this.command('eraser')}
        >
          ${msg('Eraser')}
        </button>
      </div>
      <div role="group" aria-label=${msg('History')}>
        <button
          type="button"
          data-testid="undo"
          aria-label=${msg('Undo your last stroke')}
          aria-keyshortcuts="Control+Z Meta+Z"
          title=${msg('Undo your last stroke (Ctrl+Z)') + offline}
          ?disabled=${!this.online || !this.canUndo}
          @click=${() => this.command('undo')}
        >
          ${msg('Undo')}
        </button>
        <button
          type="button"
          data-testid="redo"
          aria-label=${msg('Redo your last undone stroke')}
          aria-keyshortcuts="Control+Shift+Z Control+Y Meta+Shift+Z"
          title=${msg('Redo (Ctrl+Shift+Z or Ctrl+Y)') + offline}
          ?disabled=${!this.online || !this.canRedo}
          @click=${() => this.command('redo')}
        >
          ${msg('Redo')}
        </button>
      </div>
      <button
        type="button"
        class="danger"
        data-testid="clear"
        aria-label=${msg('Clear the board for everyone')}
        aria-keyshortcuts="Escape Delete"
        title=${msg('Clear the board for everyone (Esc or Delete)') + offline}
        ?disabled=${!this.online || !this.canClear}
        @click=${() => this.command('clear')}
      >
        ${msg('Clear')}
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
