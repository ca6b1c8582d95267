/**
 * Who wrote on a board before, by the key their browser keeps (hello.client, hashed: see
 * db/board-writers.ts): a writer who reloads the page, or comes back after closing the browser,
 * is the same participant again: same id, name and colour, and undo reaches the strokes written
 * before.
 *
 * This is the room's memory of its writers on this node, bounded; the room fills it from the
 * writer directory (the database) for a key it does not know, so a writer is found again after
 * a restart or on another node.
 */
import { LRUCache } from 'lru-cache';
import type { Participant } from '../../../common/protocol.js';

/** Writers remembered per board: far more than ever write on one at a time (MAX_ROOM_PARTICIPANTS). */
const REMEMBERED = 500;

/** A writer coming back, as the room should take them. */
export interface Returning {
  participant: Participant;
  /** Their strokes on the board, oldest first, for undo. */
  own: string[];
  /** The session of their previous connection, still waiting for a resume that will not come: to be dropped. */
  replaces?: string;
}

/** What the room knows of a member, as far as this file needs. */
interface MemberView {
  session: string;
  participant: Participant;
  socket: unknown;
  own: string[];
}

export class ReturningWriters {
  private readonly byKey = new LRUCache<string, Participant>({ max: REMEMBERED });

  /** Remembers the participant behind a key (after every join that brought one). */
  remember(key: string | undefined, participant: Participant): void {
    if (key) this.byKey.set(key, participant);
  }

  /** True when this node knows the participant behind `key`. */
  knows(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * The writer behind `key`, when they come back: undefined for a key never seen here, or whose
   * participant is connected right now (a second tab is another writer: acks and undo go to one
   * connection per participant).
   */
  find(
    key: string | undefined,
    members: Iterable<MemberView>,
    strokes: Iterable<{ id: string; author: string; done: boolean }>,
  ): Returning | undefined {
    const participant = key ? this.byKey.get(key) : undefined;
    if (!participant) return undefined;
    let previous: MemberView | undefined;
    for (const m of members) {
      if (m.participant.id !== participant.id) continue;
      if (m.socket) return undefined;
      previous = m;
    }
    if (previous) return { participant: previous.participant, own: [...previous.own], replaces: previous.session };
    // Their old session is forgotten: their strokes on the board, in the board's order.
    const own: string[] = [];
    for (const s of strokes) if (s.done && s.author === participant.id) own.push(s.id);
    return { participant, own };
  }
}
