import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';

export interface BoardNotices {
  /** The server cannot be reached: the ink is read here and sent later. */
  offline: boolean;
  /** A passing notice ('' for none). */
  notice: string;
  /** The link could not be copied: shown for the user to copy. */
  shareFailed: boolean;
  /** Why on-device recognition is unavailable, when it is in charge; undefined otherwise. */
  onDeviceError: string | undefined;
}

/** The notices under the board, rendered in digit-app's shadow root (its styles). */
export function boardNotices({ offline, notice, shareFailed, onDeviceError }: BoardNotices): TemplateResult {
  return html`${offline
      ? html`<p class="offline" data-testid="offline-notice">
          ${msg('No connection to the server: your digits are read on this device, and your ink joins the board when the connection is back.')}
        </p>`
      : nothing}
    ${notice ? html`<p class="notice" role="alert">${notice}</p>` : nothing}
    ${shareFailed ? html`<p class="notice" role="alert">${msg('Copy this link to share the board:')} <code>${location.href}</code></p>` : nothing}
    ${onDeviceError !== undefined
      ? html`<p class="notice" role="alert" data-testid="on-device-error">${msg(str`On-device recognition is unavailable: ${onDeviceError}`)}</p>`
      : nothing}`;
}
