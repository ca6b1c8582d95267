import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { config } from '../config.js';

/** A notice for the user that goes away after a while (a busy board has no natural moment to take it away). */
export class NoticeController implements ReactiveController {
  /** The notice shown, '' for none. */
  text = '';

  private readonly host: ReactiveControllerHost;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  /** Shows a notice ('' takes it away). */
  say(text: string): void {
    this.text = text;
    clearTimeout(this.timer);
    if (text) this.timer = setTimeout(() => this.say(''), config.noticeMs);
    this.host.requestUpdate();
  }
}
