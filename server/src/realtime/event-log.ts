/**
 * A room's recent board events, kept for clients that resume: each as the JSON every member was
 * sent (no second copy as objects), with its seq. Bounded by count and by bytes; a client further
 * behind than the oldest event kept gets the whole board instead.
 */

/** Events kept, at most, and bytes of their JSON. */
export const LOG_SIZE = 5_000;
export const LOG_BYTES = 1 << 20;

export class EventLog {
  private events: string[] = [];
  private seqs: number[] = [];
  private bytes = 0;

  constructor(private readonly limits: { size: number; bytes: number } = { size: LOG_SIZE, bytes: LOG_BYTES }) {}

  push(seq: number, data: string): void {
    this.events.push(data);
    this.seqs.push(seq);
    this.bytes += data.length;
    if (this.events.length > this.limits.size || this.bytes > this.limits.bytes) this.trim();
  }

  /** True when a client that saw every event up to `lastSeq` can catch up from here to `current`. */
  covers(lastSeq: number, current: number): boolean {
    const first = this.seqs[0] ?? current + 1;
    return lastSeq <= current && lastSeq >= first - 1;
  }

  /** The events after `lastSeq`, oldest first. */
  since(lastSeq: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.events.length; i++) if (this.seqs[i] > lastSeq) out.push(this.events[i]);
    return out;
  }

  clear(): void {
    this.events = [];
    this.seqs = [];
    this.bytes = 0;
  }

  /** Drops the oldest events down to three quarters of either cap: a busy room trims now and then, not at every event. */
  private trim(): void {
    let drop = 0;
    while (drop < this.events.length && (this.events.length - drop > this.limits.size * 0.75 || this.bytes > this.limits.bytes * 0.75)) {
      this.bytes -= this.events[drop].length;
      drop++;
    }
    this.events.splice(0, drop);
    this.seqs.splice(0, drop);
  }
}
