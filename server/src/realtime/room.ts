/**
 * A shared board as one node serves it: wires members' sockets, the bus, presence, history and the
 * store to the board's pure core (board-core.ts).
 *
 * A room may be served by several nodes at once. Members' messages are checked here and turned
 * into changes that go through the bus (bus.ts), which numbers them and delivers them to every
 * node's replica of the room in the same order; BoardCore.apply is the only place the board
 * changes. On one node the bus delivers at once, so a change is applied before `handle` returns.
 *
 * Rooms talk to members through a minimal socket interface, so scenario tests drive them with
 * in-memory sockets.
 *
 * Its length (a little over 400 lines) is the wiring itself: each part it connects has its own
 * file (membership, presence, history-recorder, board-core, recognition-schedule, event-log).
 */
import {
  CloseCode,
  ErrorCode,
  MAX_ROOM_PARTICIPANTS,
  PROTOCOL_VERSION,
  WELCOME_LIMITS,
  type ClientMessage,
  type ServerMessage,
} from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import { writerKey, type WriterDirectory } from '../db/board-writers.js';
import { correctionKey, type RoomStore, type StoreRecord } from '../db/room-store.js';
import { BoardCore, ROOM_LIMITS, type BoardListener } from './board-core.js';
import { roomContents, type RoomContents } from './board-contents.js';
import { boardRequest, unknownGroup } from './board-request.js';
import { LocalBus, type Change, type Channel, type RoomBus, type Signal, type Snapshot } from './bus.js';
import { systemClock, type Cancel, type Clock } from './clock.js';
import { cleanName } from './display-name.js';
import { HistoryRecorder, type BoardRecord } from './history-recorder.js';
import { Membership, type Member, type MemberSocket } from './membership.js';
import { generatedName } from './names.js';
import { Presence, PRESENCE_BEAT_MS } from './presence.js';

export { ROOM_LIMITS } from './board-core.js';
export { RECORD_AFTER_MS, type BoardRecord } from './history-recorder.js';
export type { Member, MemberSocket } from './membership.js';

export interface RoomDeps {
  store: RoomStore;
  /** How the room's replicas on other nodes are kept in step (default: this node alone). */
  bus?: RoomBus;
  recognize(strokes: readonly number[][][]): Promise<Recognition>;
  /** Stores a logged-in writer's recognition in their history (never throws). */
  record?(entry: BoardRecord): void;
  /**
   * A number was corrected on the board (text null: withdrawn): the history record stored under
   * `key` (see BoardRecord.key), if any, takes the correction (never throws).
   */
  correct?(key: string, text: string | null): void;
  /** The name a logged-in writer shows on boards (null: unknown, a generated one is used). */
  nameOf?(userId: string): Promise<string | null>;
  /** Writers who come back after a restart or on another node (default: this node's memory only). */
  writers?: WriterDirectory;
  modelVersion: string;
  log: { warn(obj: object, msg: string): void };
  /** Time and timers (default: the system's). */
  clock?: Clock;
}

/** A writer's latest strokes whose numbers are recorded again when they resume on another node. */
const RERECORD_LATEST = 50;
/** Undo history shared with other nodes for a member that moves, at most. */
const SHARED_UNDO_LIMIT = 1_000;
const CURSOR_INTERVAL_MS = 30;

type Hello = Extract<ClientMessage, { type: 'hello' }>;

/** The bus of a room served by this node alone. */
const singleNode = new LocalBus();

export class Room {
  private readonly members: Membership;
  private readonly board: BoardCore;
  private readonly presence: Presence;
  private readonly history: HistoryRecorder;
  private readonly clock: Clock;
  private channel!: Channel;
  /** Changes the bus delivered while the room was opening, before its snapshot was in place; null once open. */
  private deliveredWhileOpening: [number, Change][] | null = [];
  /** Joins waiting on the bus or the account's name: the room is not idle meanwhile. */
  private joining = 0;
  private stopHeartbeat: Cancel = () => {};
  closed = false;

  private constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.members = new Membership(id, deps.writers, deps.log);
    this.board = new BoardCore({ recognize: deps.recognize, modelVersion: deps.modelVersion, listener: this.boardListener() });
    this.presence = new Presence((deps.bus ?? singleNode).node, () => this.members.connectedParticipants());
    this.history = new HistoryRecorder({
      roomId: id,
      clock: this.clock,
      record: deps.record,
      correct: deps.correct,
      // Only the node the writer is connected to records (another may still hold its old session).
      writerOf: (strokeId) => {
        const author = this.board.stroke(strokeId)?.author;
        return author ? this.members.connectedMember(author) : undefined;
      },
      isOnBoard: (strokeId) => this.board.stroke(strokeId) !== undefined,
      pointsOf: (strokeId) => this.board.stroke(strokeId)?.points ?? [],
      shownGroupOf: (strokeId) => this.board.recognition.shownGroupOf(strokeId),
    });
  }

  /** Opens the room on this node: its board from the bus (or the store, for a room the bus does not hold). */
  static async load(id: string, deps: RoomDeps): Promise<Room> {
    const room = new Room(id, deps);
    const { channel, snapshot } = await (deps.bus ?? singleNode).open(
      id,
      {
        change: (seq, change) => room.deliver(seq, change),
        signal: (signal) => room.onSignal(signal),
        resync: (snap) => room.resync(snap),
      },
      () => deps.store.load(id),
    );
    room.channel = channel;
    room.board.reset(snapshot);
    for (const [seq, change] of room.deliveredWhileOpening!) room.board.apply(seq, change);
    room.deliveredWhileOpening = null;
    room.stopHeartbeat = room.clock.every(PRESENCE_BEAT_MS, () => room.heartbeat());
    return room;
  }

  /** Members currently connected to this node. */
  get connected(): number {
    return this.members.connected;
  }

  /** True when nobody is connected and no resume is pending: the registry may drop the room. */
  idle(now = this.clock.now()): boolean {
    if (this.joining > 0 || this.board.recognition.busy) return false;
    return !this.members.anyActive(now);
  }

  /** The board for an export (board-export.ts): its strokes, its numbers once read, and its writers' names. */
  contents(): Promise<RoomContents> {
    const present = () => [...this.members.all()].map((m) => m.participant).concat(this.presence.participants());
    return roomContents(this.board, present, { ...this.deps, roomId: this.id, clock: this.clock });
  }

  /** Stops serving the room on this node. */
  close(): void {
    this.closed = true;
    this.board.close();
    this.stopHeartbeat();
    // Numbers waiting to settle are recorded now rather than lost with the room.
    this.history.flush();
    this.channel.close();
  }

  /**
   * Adds (or, with a valid resume, re-attaches) a member; null when the room is full. A session
   * from another node (it died, or the balancer chose another) is found through the bus.
   */
  async join(socket: MemberSocket, hello: Hello, userId: string | null = null): Promise<Member | null> {
    this.members.forgetStale(this.clock.now());
    const session = hello.resume?.session;
    const writer = hello.client ? writerKey(hello.client) : undefined;
    let member = session ? this.members.bySession(session) : undefined;
    let fromOtherNode = false;
    if (session && !member) {
      const shared = await this.whileJoining(() => this.channel.loadMember(session));
      member = this.members.bySession(session);
      if (!member && shared) {
        member = this.members.newMember(socket, shared.participant, userId, session);
        member.undoStack = shared.own;
        fromOtherNode = true;
      }
    }
    const resumed = member !== undefined;
    if (member && !fromOtherNode) {
      // A reconnect can race the old socket's close: the newer connection wins.
      if (member.socket && member.socket !== socket) member.socket.close(1000, 'replaced by a newer connection');
      member.socket = socket;
      member.replaying.clear();
      member.userId = userId;
    } else if (!member) {
      const full = () => this.presence.participants().length >= MAX_ROOM_PARTICIPANTS;
      if (full()) return this.refuseFull(socket);
      const accountName = userId ? await this.whileJoining(() => this.accountName(userId)) : null;
      const returning = await this.whileJoining(() => this.members.returning(writer, this.board.allStrokes()));
      // Others may have joined while the name or the writer was looked up.
      if (full()) return this.refuseFull(socket);
      if (returning) {
        // Their previous connection (the page before the reload) will not resume: it is this one now.
        if (returning.replaces) this.members.forget(returning.replaces);
        member = this.members.newMember(socket, accountName ? { ...returning.participant, name: accountName } : returning.participant, userId);
        member.undoStack = returning.own;
      } else {
        const name = accountName ?? cleanName(hello.name) ?? generatedName();
        member = this.members.newMember(socket, this.members.newParticipant(name, this.presence.participants()), userId);
      }
      if (writer) this.members.keepWriter(writer, member.participant);
    }
    this.members.admit(member, writer);
    this.share(member);
    this.welcome(member, resumed && !fromOtherNode, hello.resume?.lastSeq);
    this.presenceChanged();
    // A writer coming from another node (which may have died) may have numbers that node never
    // got to record: record their recent numbers again; the keys make repeats no-ops.
    if (fromOtherNode) for (const id of member.undoStack.slice(-RERECORD_LATEST)) if (this.board.stroke(id)?.done) this.history.schedule(id);
    return member;
  }

  /**
   * Sends the welcome, then what the member missed: events are replayed only from this node's own
   * log, to a member it knows and that has not been resynchronized since; anyone else gets the
   * whole board.
   */
  private welcome(member: Member, resumedHere: boolean, lastSeq: number | undefined): void {
    const canReplay = resumedHere && !member.needsBoard && lastSeq !== undefined && this.board.canReplayFrom(lastSeq);
    member.needsBoard = false;
    this.sendTo(member, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      model: this.deps.modelVersion,
      room: this.id,
      session: member.session,
      you: member.participant,
      seq: this.board.seq,
      ...(canReplay ? {} : { board: { strokes: this.board.allStrokes() } }),
      participants: this.presence.participants(),
      limits: { ...WELCOME_LIMITS, maxStrokes: ROOM_LIMITS.maxStrokes },
    });
    if (canReplay) for (const data of this.board.eventsSince(lastSeq)) member.socket?.send(data);
    const result = this.board.recognition.fullResult();
    if (result) this.sendTo(member, result);
  }

  private refuseFull(socket: MemberSocket): null {
    socket.close(CloseCode.roomFull, `this board already has ${MAX_ROOM_PARTICIPANTS} writers`);
    return null;
  }

  /** Runs a lookup a join waits for: the room is not idle meanwhile. */
  private async whileJoining<T>(lookup: () => Promise<T>): Promise<T> {
    this.joining++;
    try {
      return await lookup();
    } finally {
      this.joining--;
    }
  }

  /** The display name of a signed-in writer; null when unknown or when the lookup fails (logged). */
  private async accountName(userId: string): Promise<string | null> {
    try {
      return (await this.deps.nameOf?.(userId)) ?? null;
    } catch (err) {
      this.deps.log.warn({ err }, 'looking up a writer\'s name failed; using a generated one');
      return null;
    }
  }

  /** The member's socket closed. Its identity stays for a while so that it can resume. */
  leave(member: Member, socket: MemberSocket): void {
    if (member.socket !== socket) return; // an old socket of a member that already reconnected
    member.socket = null;
    member.leftAt = this.clock.now();
    this.presenceChanged();
  }

  /** Handles a validated message from a joined member. */
  handle(member: Member, msg: Exclude<ClientMessage, Hello | { type: 'ping' }>): void {
    if (msg.type === 'cursor') return this.cursor(member, msg.x, msg.y);
    const decision = boardRequest(this.board, member, msg);
    switch (decision.type) {
      case 'publish':
        if (msg.type === 'undo') this.share(member); // its undo history is shorter now
        if (decision.change.type === 'stroke-end') decision.change.stroke.at = this.clock.now(); // when it was written, for exports
        return this.publish(decision.change);
      case 'refuse':
        return this.error(member, decision.code, decision.message, decision.strokeId);
      case 'replayed': {
        // Make sure the stroke is stored (the node that had it may have died before storing it;
        // storing is idempotent), then acknowledge it again.
        const { id } = decision.stroke;
        this.store(member, { t: 'stroke', stroke: this.board.storedStroke(id)! }, this.board.seq);
        // Its number may not have been recorded either (records are keyed: never twice).
        return this.history.schedule(id);
      }
      case 'ignore':
        return;
    }
  }

  private cursor(member: Member, x: number, y: number): void {
    const now = this.clock.now();
    if (now - member.lastCursor < CURSOR_INTERVAL_MS) return;
    member.lastCursor = now;
    const signal = { type: 'cursor', id: member.participant.id, x, y } as const;
    this.broadcast(signal, member);
    this.channel.signal(signal);
  }

  private publish(change: Change): void {
    this.channel.publish(change).catch((err: Error) => this.deps.log.warn({ err, room: this.id }, 'publishing a board change failed'));
  }

  private deliver(seq: number, change: Change): void {
    if (this.deliveredWhileOpening) this.deliveredWhileOpening.push([seq, change]);
    else this.board.apply(seq, change);
  }

  /** What the board's changes mean on this node: events to members, and storage by the node of whoever made them. */
  private boardListener(): BoardListener {
    const local = (participantId: string) => this.members.connectedMember(participantId);
    return {
      event: (data, author) => this.members.send(data, author ? local(author) : undefined),
      broadcast: (msg) => this.broadcast(msg),
      completed: (seq, stroke) => {
        const author = local(stroke.author);
        if (!author) return;
        // The author's node stores the stroke and acknowledges it once it is durable.
        author.drawing.delete(stroke.id);
        author.undoStack.push(stroke.id);
        this.share(author);
        this.store(author, { t: 'stroke', seq, stroke }, seq);
      },
      abandoned: (id) => {
        for (const m of this.members.all()) m.drawing.delete(id);
      },
      erased: (seq, ids, by) => {
        if (local(by)) this.persist({ t: 'erase', ids, seq });
      },
      cleared: (seq, by) => {
        if (local(by)) this.persist({ t: 'clear', seq });
      },
      corrected: (seq, correction) => {
        if (!local(correction.by)) return;
        this.persist({ t: 'correct', correction, seq });
        this.history.correct(correction.strokeIds.at(-1)!, correction.text);
      },
      correctionRefused: (by, groupId) => {
        const corrector = local(by);
        if (!corrector) return;
        const { code, message } = unknownGroup(groupId);
        this.error(corrector, code, message);
      },
      // The node of whoever changed the numbers also drops the corrections from the store and the
      // bus's board, so that a reload does not take them up again if the strokes come back.
      correctionsDropped: (seq, by, dropped) => {
        if (!local(by)) return;
        for (const c of dropped) this.persist({ t: 'correct', correction: { ...c, text: '' }, seq });
        this.channel.dropCorrections(dropped.map(correctionKey));
      },
      numberShown: (strokeId) => this.history.schedule(strokeId),
      warn: (err, msg) => this.deps.log.warn({ err, room: this.id }, msg),
    };
  }

  /** The bus may have missed changes: take its board and have every member reconnect for it. */
  private resync(snapshot: Snapshot): void {
    if (this.deliveredWhileOpening) return; // still opening: the snapshot being fetched is newer anyway
    this.board.reset(snapshot);
    for (const m of this.members.all()) {
      m.drawing.clear();
      m.replaying.clear();
      m.needsBoard = true;
      m.socket?.close(CloseCode.resync, 'the board was reloaded after a server outage; reconnecting');
    }
  }

  private onSignal(signal: Signal): void {
    if (signal.type === 'cursor') return this.broadcast(signal);
    // A node we did not know of: tell it who is here now rather than at our next beat.
    if (!this.presence.knows(signal.node) && this.connected > 0) this.channel.signal(this.presence.localSignal());
    if (this.presence.heard(signal, this.clock.now())) this.broadcast({ type: 'presence', participants: this.presence.participants() });
  }

  /** Repeats this node's part of the presence list; forgets nodes that went quiet. */
  private heartbeat(): void {
    if (this.presence.forgetSilent(this.clock.now())) this.broadcast({ type: 'presence', participants: this.presence.participants() });
    if (this.connected > 0) this.channel.signal(this.presence.localSignal());
  }

  private presenceChanged(): void {
    this.broadcast({ type: 'presence', participants: this.presence.participants() });
    this.channel.signal(this.presence.localSignal());
  }

  /** Stores a completed stroke and acknowledges it to its author once it is durable. */
  private store(member: Member, record: StoreRecord, seq: number): void {
    const id = record.t === 'stroke' ? record.stroke.id : '';
    this.deps.store.append(this.id, record).then(
      () => this.sendTo(member, { type: 'ack', strokeId: id, seq }),
      (err: Error) => {
        this.deps.log.warn({ err, room: this.id }, 'storing a stroke failed');
        this.error(member, ErrorCode.storageFailed, `stroke ${id} could not be stored; it stays on the board but may not survive a restart`, id);
      },
    );
  }

  private persist(record: StoreRecord): void {
    this.deps.store.append(this.id, record).catch((err: Error) => this.deps.log.warn({ err, room: this.id }, 'storing a board change failed'));
  }

  /** Lets other nodes resume this member: its identity and undo history. */
  private share(member: Member): void {
    this.channel.saveMember(member.session, { participant: member.participant, own: member.undoStack.slice(-SHARED_UNDO_LIMIT) });
  }

  private broadcast(msg: ServerMessage | Signal, except?: Member): void {
    this.members.send(JSON.stringify(msg), except);
  }

  private sendTo(member: Member, msg: ServerMessage): void {
    member.socket?.send(JSON.stringify(msg));
  }

  private error(member: Member, code: ErrorCode, message: string, strokeId?: string): void {
    this.sendTo(member, { type: 'error', code, message, ...(strokeId ? { strokeId } : {}) });
  }
}
