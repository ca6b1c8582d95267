import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BoardCommand } from '../components/board-toolbar/board-toolbar.js';

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>;

/** The board command of a key: P pen, E eraser, Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Escape or Delete clear. */
export function shortcutFor({ key, ctrlKey, metaKey, shiftKey }: Keys): BoardCommand | undefined {
  const name = key.toLowerCase();
  const command = ctrlKey || metaKey;
  if (command && name === 'z') return shiftKey ? 'redo' : 'undo';
  if (command && name === 'y' && !shiftKey) return 'redo';
  if (command || shiftKey) return undefined;
  if (name === 'escape' || name === 'delete') return 'clear';
  if (name === 'e') return 'eraser';
  if (name === 'p') return 'pen';
  return undefined;
}

const isEditable = (target: EventTarget | undefined): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

export interface ShortcutOptions {
  /** Escape was pressed: true if it closed something (the folded menu), and so must not clear the board. */
  escape(): boolean;
  /** Whether the board has the keyboard (no other page covers it). */
  active(): boolean;
  run(command: BoardCommand): void;
}

/** The board's keyboard shortcuts, on the whole document, except where a dialog or a text field has the keys. */
export class ShortcutsController implements ReactiveController {
  private readonly options: ShortcutOptions;

  constructor(host: ReactiveControllerHost, options: ShortcutOptions) {
    this.options = options;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('keydown', this.onKeyDown);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.onKeyDown);
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.options.escape()) {
      event.preventDefault();
      return;
    }
    if (event.repeat || event.altKey || !this.options.active()) return;
    // A modal (the log in form) has the keyboard: Escape there closes it, not clears the board.
    if (event.composedPath().some((target) => target instanceof HTMLDialogElement)) return;
    // Leave keys alone where they edit text (there is no such field today, but one may come).
    if (isEditable(event.composedPath()[0])) return;
    const command = shortcutFor(event);
    if (!command) return;
    event.preventDefault();
    this.options.run(command);
  };
}
