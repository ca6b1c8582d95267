import { config } from '../config.js';
import { TimerController } from './timer-controller.js';

/** A notice for the user that goes away after a while (a busy board has no natural moment to take it away). */
export class NoticeController extends TimerController {
  /** The notice shown, '' for none. */
  text = '';

  /** Shows a notice ('' takes it away). */
  say(text: string): void {
    this.text = text;
    if (text) this.startTimer(() => this.say(''), config.noticeMs);
    else this.clearTimer();
    this.host.requestUpdate();
  }
}
