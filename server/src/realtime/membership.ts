/**
 * Who is in a room on this node: members by session (a member that disconnects keeps its
 * identity and undo history for a while, so that it can resume) and by participant id, the
 * colours handed out, and the writers who come back after a reload (returning-writers.ts), found
 * in the writer directory when this node does not know them (a restart, another node).
 */
import { randomBytes } from 'node:crypto';
import type { Participant } from '../../../common/protocol.js';
import type { WriterDirectory } from '../db/board-writers.js';
import { COLORS } from './names.js';
import { ReturningWriters, type Returning } from './returning-writers.js';

/** The room's view of a connection: scenario tests use in-memory sockets. */
export interface MemberSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface Member {
  session: string;
  participant: Participant;
  /** Null while disconnected (waiting for a resume). */
  socket: MemberSocket | null;
  /** The member's completed strokes, newest last, for undo. */
  undoStack: string[];
  /** Strokes in progress as this node received them: what the member's stroke-end publishes. */
  drawing: Map<string, number[][]>;
  /** Strokes the member is re-sending after a reconnect that the room already has complete. */
  replaying: Set<string>;
  /** The next join gets the whole board (the board was resynchronized since). */
  needsBoard: boolean;
  lastCursor: number;
  leftAt: number;
  /** The logged-in account behind this writer, if any: their recognitions are theirs. */
  userId: string | null;
}

/** How long a disconnected member's identity (and undo history) waits for a resume. */
export const RESUME_WINDOW_MS = 120_000;

export class Membership {
  private readonly members = new Map<string, Member>();
  /** The same members by participant id (one per session): found for every event, so not by a scan. */
  private readonly byParticipant = new Map<string, Member>();
  private colorIndex = 0;
  /** Writers by their browser's key (hello.client): the same participant after a reload. */
  private readonly writers = new ReturningWriters();

  constructor(
    private readonly roomId: string,
    /** Where writers are kept beyond this node's memory (none: they are not). */
    private readonly directory?: WriterDirectory,
    private readonly log: { warn(obj: object, msg: string): void } = { warn() {} },
  ) {}

  bySession(session: string): Member | undefined {
    return this.members.get(session);
  }

  all(): IterableIterator<Member> {
    return this.members.values();
  }

  /** Members currently connected to this node. */
  get connected(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.socket) n++;
    return n;
  }

  /** True while a member is connected or may still resume. */
  anyActive(now: number): boolean {
    for (const m of this.members.values()) if (m.socket || now - m.leftAt < RESUME_WINDOW_MS) return true;
    return false;
  }

  /** The member connected here with this participant id, if any. */
  connectedMember(participantId: string): Member | undefined {
    const m = this.byParticipant.get(participantId);
    return m?.socket ? m : undefined;
  }

  /** The participants connected to this node. */
  connectedParticipants(): Participant[] {
    return [...this.members.values()].filter((m) => m.socket).map((m) => m.participant);
  }

  /**
   * A new identity: a fresh participant id and the next colour that nobody in `present` wears
   * (writers who come back after a restart keep theirs), or simply the next when all are worn.
   */
  newParticipant(name: string, present: readonly Participant[] = []): Participant {
    const worn = new Set(present.map((p) => p.color));
    let color = COLORS[this.colorIndex % COLORS.length];
    for (let i = 0; i < COLORS.length; i++) {
      const candidate = COLORS[(this.colorIndex + i) % COLORS.length];
      if (worn.has(candidate)) continue;
      color = candidate;
      this.colorIndex += i;
      break;
    }
    this.colorIndex++;
    return { id: randomBytes(6).toString('base64url'), name, color };
  }

  newMember(socket: MemberSocket, participant: Participant, userId: string | null, session = randomBytes(12).toString('base64url')): Member {
    return {
      session,
      participant,
      socket,
      undoStack: [],
      drawing: new Map(),
      replaying: new Set(),
      needsBoard: false,
      lastCursor: 0,
      leftAt: 0,
      userId,
    };
  }

  /** Adds (or re-adds) a member, remembering its browser's (hashed) key. */
  admit(member: Member, writerKey: string | undefined): void {
    this.writers.remember(writerKey, member.participant);
    this.members.set(member.session, member);
    this.byParticipant.set(member.participant.id, member);
  }

  /**
   * The writer behind a browser's (hashed) key, coming back (see ReturningWriters.find); a key
   * this node does not know is looked up in the directory first. A directory that cannot answer
   * makes them a new writer (logged), never a failed join.
   */
  async returning(writerKey: string | undefined, strokes: Iterable<{ id: string; author: string; done: boolean }>): Promise<Returning | undefined> {
    if (writerKey && this.directory && !this.writers.knows(writerKey)) {
      try {
        const found = await this.directory.find(this.roomId, writerKey);
        if (found && !this.writers.knows(writerKey)) this.writers.remember(writerKey, found);
      } catch (err) {
        this.log.warn({ err, room: this.roomId }, 'looking up a returning writer failed; they join as a new writer');
      }
    }
    const members = [...this.members.values()].map((m) => ({ session: m.session, participant: m.participant, socket: m.socket, own: m.undoStack }));
    return this.writers.find(writerKey, members, strokes);
  }

  /** Keeps who a browser's key is on this board in the directory, for its next visit (best effort). */
  keepWriter(writerKey: string, participant: Participant): void {
    this.directory?.remember(this.roomId, writerKey, participant).catch((err: Error) => this.log.warn({ err, room: this.roomId }, 'remembering a writer failed'));
  }

  /** Forgets a session that will not resume (its writer came back on a new connection). */
  forget(session: string): void {
    this.members.delete(session);
  }

  /** Forgets the members whose resume window has passed. */
  forgetStale(now: number): void {
    for (const [key, m] of this.members) {
      if (m.socket || now - m.leftAt <= RESUME_WINDOW_MS) continue;
      this.members.delete(key);
      this.byParticipant.delete(m.participant.id);
    }
  }

  /** Sends one encoded message to everyone connected here but `except`. */
  send(data: string, except?: Member): void {
    for (const m of this.members.values()) if (m.socket && m !== except) m.socket.send(data);
  }
}
