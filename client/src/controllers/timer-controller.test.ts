import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerController } from './timer-controller.js';

/** A flag that goes back down a second after it is raised. */
class Flag extends TimerController {
  up = false;

  raise(): void {
    this.up = true;
    this.startTimer(() => (this.up = false), 1_000);
  }

  lower(): void {
    this.clearTimer();
    this.up = false;
  }
}

function host() {
  const controllers: ReactiveController[] = [];
  const fake: ReactiveControllerHost = {
    addController: (c) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  return { fake, controllers };
}

describe('TimerController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('registers with its host and runs its timeout once, after the time', () => {
    const { fake, controllers } = host();
    const flag = new Flag(fake);
    expect(controllers).toEqual([flag]);
    flag.raise();
    vi.advanceTimersByTime(999);
    expect(flag.up).toBe(true);
    vi.advanceTimersByTime(1);
    expect(flag.up).toBe(false);
  });

  it('a new timeout replaces the pending one', () => {
    const flag = new Flag(host().fake);
    flag.raise();
    vi.advanceTimersByTime(600);
    flag.raise();
    vi.advanceTimersByTime(600);
    expect(flag.up).toBe(true);
    vi.advanceTimersByTime(400);
    expect(flag.up).toBe(false);
  });

  it('clears its timeout when asked and when the host leaves the page', () => {
    const flag = new Flag(host().fake);
    flag.raise();
    flag.lower();
    flag.up = true;
    vi.advanceTimersByTime(1_000);
    expect(flag.up).toBe(true);

    flag.raise();
    flag.hostDisconnected();
    vi.advanceTimersByTime(1_000);
    expect(flag.up).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
