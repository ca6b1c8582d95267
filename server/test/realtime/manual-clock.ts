/** A clock that moves only when a test says so: timers fire, in order, inside advance(). */
import type { Cancel, Clock } from '../../src/realtime/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  /** Repeats this often (intervals). */
  every?: number;
}

export class ManualClock implements Clock {
  private readonly timers = new Set<Timer>();

  constructor(private time = 1_000_000) {}

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.time + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  every(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.time + ms, fn, every: ms };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way at its own time. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers) if (t.at <= until && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.time = next.at;
      if (next.every) next.at += next.every;
      else this.timers.delete(next);
      next.fn();
    }
    this.time = until;
  }
}
