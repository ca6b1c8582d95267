/**
 * Who is connected to a room across nodes. Each node repeats its part of the participant list as
 * a heartbeat signal on the bus; a node silent for three beats is forgotten. This node's own part
 * comes from its members (membership.ts). Time is passed in: no timers here.
 */
import type { Participant } from '../../../common/protocol.js';
import type { Signal } from './bus.js';

/** Nodes repeat their part of the participant list this often. */
export const PRESENCE_BEAT_MS = 5_000;
/** A node not heard from for this long is gone. */
const SILENT_MS = 3 * PRESENCE_BEAT_MS;

export class Presence {
  /** Participants connected to other nodes, by node, with when we last heard of them. */
  private readonly remote = new Map<string, { participants: Participant[]; at: number }>();

  constructor(
    /** This node's name on the bus. */
    private readonly node: string,
    /** The participants connected to this node. */
    private readonly local: () => Participant[],
  ) {}

  /** Everyone connected, on this node and the others (a member that moved here counts once). */
  participants(): Participant[] {
    const all = new Map(this.local().map((p) => [p.id, p]));
    for (const { participants } of this.remote.values()) for (const p of participants) if (!all.has(p.id)) all.set(p.id, p);
    return [...all.values()];
  }

  /** The signal that tells other nodes who is connected here. */
  localSignal(): Signal {
    return { type: 'presence', node: this.node, participants: this.local() };
  }

  knows(node: string): boolean {
    return this.remote.has(node);
  }

  /** Takes another node's list; true when the room's participants changed. */
  heard(signal: Extract<Signal, { type: 'presence' }>, now: number): boolean {
    const before = this.key();
    this.remote.set(signal.node, { participants: signal.participants, at: now });
    return this.key() !== before;
  }

  /** Forgets nodes that went quiet; true when that changed the participants. */
  forgetSilent(now: number): boolean {
    let changed = false;
    for (const [node, entry] of this.remote) {
      if (now - entry.at > SILENT_MS) {
        this.remote.delete(node);
        changed = true;
      }
    }
    return changed;
  }

  private key(): string {
    return this.participants()
      .map((p) => p.id)
      .sort()
      .join(' ');
  }
}
