import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A controller that changes what its host shows now and changes it back after a while: it holds
 * one timeout, replaced by each new one and cleared when the host leaves the page.
 */
export abstract class TimerController implements ReactiveController {
  protected readonly host: ReactiveControllerHost;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.clearTimer();
  }

  /** Runs `callback` after `ms`, instead of whatever was pending. */
  protected startTimer(callback: () => void, ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(callback, ms);
  }

  protected clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
