/**
 * How a room's replicas on different nodes stay in step. Every board change goes through the
 * bus, which gives it the room-wide sequence number and delivers it, in that order, to every
 * node that serves the room (the sending node included). Cursors and presence are signals:
 * delivered to the other nodes, unordered, never stored.
 *
 * LocalBus is a single node: it numbers and delivers synchronously, which keeps the room's
 * scenario tests deterministic. RedisBus (redis-bus.ts) spans nodes.
 */
import type { BoardStroke, Participant } from '../../../common/protocol.js';
import type { StoredBoard, StoredCorrection, StoredStroke } from '../db/room-store.js';

/** A board change before it has its seq. stroke-end carries the whole stroke: a node that joined mid-stroke still gets it right. */
export type Change =
  | { type: 'stroke-begin'; stroke: BoardStroke }
  | { type: 'stroke-points'; strokeId: string; author: string; points: number[][] }
  | { type: 'stroke-end'; stroke: StoredStroke }
  | { type: 'erased'; strokeIds: string[]; by: string }
  | { type: 'cleared'; by: string }
  | ({ type: 'corrected' } & StoredCorrection);

export type Signal =
  | { type: 'cursor'; id: string; x: number; y: number }
  /** A node's connected members of the room; repeated as a heartbeat, forgotten when it stops. */
  | { type: 'presence'; node: string; participants: Participant[] };

/** What a node remembers of a member so that the member can resume on any node. */
export interface SharedMember {
  participant: Participant;
  /** The member's completed strokes, newest last (undo). */
  own: string[];
}

/** The board as the bus knows it when a node starts serving a room. */
export interface Snapshot {
  seq: number;
  strokes: StoredStroke[];
  /** Corrections of numbers (the room keeps those that match its numbers). */
  corrections: StoredCorrection[];
}

export interface ChannelHandlers {
  change(seq: number, change: Change): void;
  signal(signal: Signal): void;
  /** The bus may have lost changes (an outage): the board is now `snapshot`; members must resync. */
  resync(snapshot: Snapshot): void;
}

export interface Channel {
  /** Numbers the change and delivers it everywhere, this node included. Resolves with its seq. */
  publish(change: Change): Promise<number>;
  signal(signal: Signal): void;
  saveMember(session: string, member: SharedMember): void;
  /**
   * Corrections dropped because their numbers' strokes changed (by correctionKey), forgotten by
   * the bus's board so that a node opening the room later does not take them up again.
   */
  dropCorrections(keys: string[]): void;
  loadMember(session: string): Promise<SharedMember | null>;
  close(): void;
}

export interface RoomBus {
  /** This node's name. */
  readonly node: string;
  /**
   * Starts delivering a room's changes to `handlers`. `seed` loads the durable board when the
   * bus holds none for the room; the snapshot returned is the board at the moment delivery
   * starts (changes after it arrive through `handlers.change`).
   */
  open(roomId: string, handlers: ChannelHandlers, seed: () => Promise<StoredBoard>): Promise<{ channel: Channel; snapshot: Snapshot }>;
  health(): { status: 'ok' | 'down'; [detail: string]: unknown };
  close(): Promise<void>;
}

/** One node alone: seq numbers continue from the stored board's (or 0), delivery is immediate. */
export class LocalBus implements RoomBus {
  readonly node = 'local';

  async open(_roomId: string, handlers: ChannelHandlers, seed: () => Promise<StoredBoard>): Promise<{ channel: Channel; snapshot: Snapshot }> {
    const board = await seed();
    let seq = board.seq ?? 0;
    // Members never leave this node, so the room's own member list is all there is to share.
    const channel: Channel = {
      publish(change) {
        handlers.change(++seq, change);
        return Promise.resolve(seq);
      },
      signal() {},
      saveMember() {},
      dropCorrections() {},
      loadMember: () => Promise.resolve(null),
      close() {},
    };
    return { channel, snapshot: { seq, strokes: board.strokes, corrections: board.corrections } };
  }

  health() {
    return { status: 'ok' as const, mode: 'single node' };
  }

  async close(): Promise<void> {}
}
