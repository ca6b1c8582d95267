import { TimerController } from './timer-controller.js';

export type ShareState = 'idle' | 'copied' | 'failed';

/** How long "Copied" stays on the share button. */
const COPIED_MS = 2_000;

/** Copies the page's address (the board's link) for the user to share, and says how it went. */
export class ShareController extends TimerController {
  /** `failed`: the page shows the link for the user to copy by hand. */
  state: ShareState = 'idle';

  async share(): Promise<void> {
    const url = location.href;
    let copied: boolean;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      copied = copyWithSelection(url);
    }
    this.set(copied ? 'copied' : 'failed');
    if (copied) this.startTimer(() => this.set('idle'), COPIED_MS);
    else this.clearTimer();
  }

  /** Forgets the last share (another board). */
  reset(): void {
    this.clearTimer();
    this.set('idle');
  }

  private set(state: ShareState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}

/** For browsers (or permissions) without the async clipboard: the old way, through a selection. */
function copyWithSelection(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
  }
}
