import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { CloseCode } from '../../../../common/protocol-constants.js';
import type { ConnectionController } from '../../controllers/connection.js';
import type { OnDeviceController } from '../../controllers/on-device.js';

/**
 * The header's part about the connection, rendered in digit-app's shadow root (its styles): the
 * on-device badge, the status, and a "Try again" after a refusal that may pass (a full board).
 */
export function connectionStatus(connection: ConnectionController, onDevice: OnDeviceController, onDeviceInCharge: boolean): TemplateResult {
  const { status, errorReason, errorCode, rttMs } = connection;
  const online = status === 'online';
  const statusText = online
    ? msg('Online')
    : status === 'error'
      ? msg(str`Error: ${errorReason}`)
      : connection.unreachable
        ? msg('Offline')
        : msg('Connecting…');
  // Not while the first connection is being made (idle: nothing asked for the recognizer yet).
  const badge = onDeviceInCharge && (onDevice.state === 'loading' || onDevice.state === 'ready');
  return html`${badge
      ? html`<span class="mode" data-testid="on-device" data-state=${onDevice.state} title=${msg('Ink is recognized in this browser')}
          >${msg('On this device')}${onDevice.state === 'loading' ? html` <small>${msg('(loading)')}</small>` : nothing}</span
        >`
      : nothing}
    <span
      class="status"
      role="status"
      data-testid="status"
      data-status=${status}
      title=${online && rttMs !== undefined ? msg(str`Round trip ${rttMs} ms`) : ''}
      >${statusText}</span
    >
    ${status === 'error' && errorCode === CloseCode.roomFull
      ? html`<button type="button" data-testid="retry" @click=${() => connection.retry()}>${msg('Try again')}</button>`
      : nothing}`;
}
