import type { ClientMessage } from '../../../common/protocol.js';
import type { InkStroke } from './board-model.js';

/** An own stroke, complete, that the server may not have. */
export interface PendingStroke {
  id: string;
  points: number[][];
}

interface Unacked {
  ended: boolean;
  /** Its stroke-begin went out on some connection (the server may have it). */
  sent: boolean;
}

/**
 * Own strokes until the server acknowledges them, and how they go out: in frames the server
 * accepts, the first one a stroke's begin. A stroke that could not go out (offline) goes whole
 * after the next welcome; one that did is sent again then too, since the server takes re-sent
 * strokes idempotently.
 */
export class StrokeOutbox {
  /** In the order the strokes were drawn. */
  private readonly unacked = new Map<string, Unacked>();

  constructor(
    /** Sends if the session is up; false otherwise. */
    private readonly send: (message: ClientMessage) => boolean,
    private readonly maxPointsPerMessage: () => number,
  ) {}

  /** Sends a new stroke (and its end, when `ended`), and keeps it until acknowledged. Whether it went out. */
  add(strokeId: string, points: readonly number[][], ended: boolean): boolean {
    const sent = this.sendFrames(strokeId, points, true);
    if (sent && ended) this.send({ type: 'stroke-end', strokeId });
    this.unacked.set(strokeId, { ended, sent });
    return sent;
  }

  /** More points of a stroke being drawn; one not sent yet goes out whole after the reconnect. */
  append(strokeId: string, points: readonly number[][]): void {
    if (this.unacked.get(strokeId)?.sent) this.sendFrames(strokeId, points, false);
  }

  /** The stroke is complete: its end goes out if its begin did. False for a stroke not kept here. */
  end(strokeId: string): boolean {
    const state = this.unacked.get(strokeId);
    if (!state) return false;
    state.ended = true;
    if (state.sent) this.send({ type: 'stroke-end', strokeId });
    return true;
  }

  has(strokeId: string): boolean {
    return this.unacked.has(strokeId);
  }

  /** Kept, and its begin went out: the server may have it. */
  isSent(strokeId: string): boolean {
    return this.unacked.get(strokeId)?.sent === true;
  }

  /** Kept, and never sent (drawn offline): the server has never seen it. */
  isUnsent(strokeId: string): boolean {
    return this.unacked.get(strokeId)?.sent === false;
  }

  /** The stroke sent last, the one an error about ink refers to. */
  latest(): string | undefined {
    return [...this.unacked.keys()].pop();
  }

  /** Acknowledged, or gone from the board. */
  delete(strokeId: string): void {
    this.unacked.delete(strokeId);
  }

  clear(): void {
    this.unacked.clear();
  }

  /**
   * A new session: keeps the strokes for which `keep` holds, as not sent on it (they go out again
   * on resend), and forgets the others. Returns the ids kept.
   */
  keepUnsent(keep: (strokeId: string) => boolean): string[] {
    const kept: string[] = [];
    for (const [id, state] of this.unacked) {
      if (!keep(id)) {
        this.unacked.delete(id);
        continue;
      }
      state.sent = false;
      kept.push(id);
    }
    return kept;
  }

  /** Sends every kept stroke again, with its end if it has one; strokes no longer on the board are forgotten. */
  resend(strokeOf: (strokeId: string) => InkStroke | undefined): void {
    for (const [id, state] of this.unacked) {
      const stroke = strokeOf(id);
      if (!stroke || stroke.points.length === 0) {
        this.unacked.delete(id);
        continue;
      }
      state.sent = this.sendFrames(id, stroke.points, true);
      if (state.sent && state.ended) this.send({ type: 'stroke-end', strokeId: id });
    }
  }

  /** The kept strokes that are complete: what closing the page now would lose. */
  pending(strokeOf: (strokeId: string) => InkStroke | undefined): PendingStroke[] {
    const out: PendingStroke[] = [];
    for (const [id, state] of this.unacked) {
      const stroke = strokeOf(id);
      if (state.ended && stroke?.done) out.push({ id, points: stroke.points });
    }
    return out;
  }

  /** Sends points in frames the server accepts; the first frame of a stroke is its begin. */
  private sendFrames(strokeId: string, points: readonly number[][], begin: boolean): boolean {
    const size = this.maxPointsPerMessage();
    for (let i = 0; i < points.length; i += size) {
      const type = begin && i === 0 ? 'stroke-begin' : 'stroke-points';
      if (!this.send({ type, strokeId, points: points.slice(i, i + size) })) return false;
    }
    return true;
  }
}
