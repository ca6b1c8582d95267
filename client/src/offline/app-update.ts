import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Workbox } from 'workbox-window';

/**
 * Registers the service worker (client/src/sw.ts) and notices a new version of the app waiting
 * to take over: `waiting` turns true, the page offers an update, and `update()` hands over and
 * reloads once the new version controls the page. Never reloads on its own: a board may be
 * mid-stroke.
 */
export class AppUpdateController implements ReactiveController {
  /** A new version is installed and waits for the user's word. */
  waiting = false;
  private workbox: Workbox | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    // Service workers need a secure context (https, or localhost); elsewhere the app simply needs the server.
    if (this.workbox || !('serviceWorker' in navigator) || !window.isSecureContext) return;
    const workbox = new Workbox('/sw.js');
    this.workbox = workbox;
    workbox.addEventListener('waiting', () => {
      this.waiting = true;
      this.host.requestUpdate();
    });
    workbox.register().catch((err: unknown) => {
      // The dev server has no /sw.js; the app works without one, online.
      console.warn('The service worker could not be registered:', err);
    });
  }

  hostDisconnected(): void {}

  /** Lets the waiting version take over, then reloads into it. */
  update(): void {
    const workbox = this.workbox;
    if (!workbox || !this.waiting) return;
    workbox.addEventListener('controlling', () => location.reload());
    workbox.messageSkipWaiting();
  }
}
