/**
 * A shared board: its strokes (completed and in progress), its members, a sequence number for
 * every board event, a bounded log of recent events for resuming clients, durable storage of
 * completed strokes, and recognition of the numbers written on it.
 *
 * A room may be served by several nodes at once. Members' messages are checked here and turned
 * into changes that go through the bus (bus.ts), which numbers them and delivers them to every
 * node's replica of the room in the same order; `apply` is the only place the board changes.
 * On one node the bus delivers at once, so a change is applied before `handle` returns.
 *
 * Rooms talk to members through a minimal socket interface, so scenario tests drive them with
 * in-memory sockets.
 */
import { randomBytes } from 'node:crypto';
import { PlaceGroups, type StrokeGroup } from '../../../common/grouping.js';
import type { Box } from '../../../common/preprocess.js';
import {
  CloseCode,
  ErrorCode,
  MAX_ROOM_PARTICIPANTS,
  PROTOCOL_VERSION,
  WELCOME_LIMITS,
  type BoardEvent,
  type BoardStroke,
  type ClientMessage,
  type GroupResult,
  type Participant,
  type ServerMessage,
} from '../../../common/protocol.js';
import { LIMITS, type Recognition } from '../../../common/recognition.js';
import { applyDelta } from '../../../common/result-delta.js';
import { LocalBus, type Change, type Channel, type RoomBus, type Signal, type Snapshot } from './bus.js';
import { Corrections, correctionKey, currentGroup, type StoredCorrection } from './corrections.js';
import { cleanName } from './display-name.js';
import { COLORS, generatedName } from './names.js';
import { ReturningWriters } from './returning-writers.js';
import type { RoomStore, StoreRecord } from './room-store.js';

export interface MemberSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** A settled number on the board, attributed to the logged-in writer who last changed it. */
export interface BoardRecord {
  userId: string;
  /** "<room>:<stroke id of the number's last pen-up>": the same number recorded twice is stored once. */
  key: string;
  strokes: number[][][];
  box: { x: number; y: number; width: number; height: number };
  recognition: Recognition;
  /** What the room said the number is, when it was corrected before it was recorded. */
  correctedText?: string;
}

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
  modelVersion: string;
  log: { warn(obj: object, msg: string): void };
}

/** A room holds many writers: more ink than a private board allows. */
export const ROOM_LIMITS = { maxStrokes: 5_000, maxPoints: 500_000 } as const;
/** What a writer is told when the board's ink is at its limit: the limit itself. */
const BOARD_FULL = `this board is full of ink (at most ${ROOM_LIMITS.maxPoints.toLocaleString('en')} points); erase or clear some`;
/**
 * Events kept for resuming clients, as sent: at most this many, and this many bytes of JSON (a
 * room of 100 writers fills 5,000 events in about a second). A client further behind gets the
 * whole board instead.
 */
const LOG_SIZE = 5_000;
const LOG_BYTES = 1 << 20;
/** How long a disconnected member's identity (and undo history) waits for a resume. */
const RESUME_WINDOW_MS = 120_000;
/** A writer's latest strokes whose numbers are recorded again when they resume on another node. */
const RERECORD_OWN = 50;
/** Undo history shared with other nodes for a member that moves, at most. */
const LIMITS_OWN_SHARED = 1_000;
const CURSOR_INTERVAL_MS = 30;
/** Nodes repeat their part of the participant list this often; a node silent for 3 beats is gone. */
const PRESENCE_BEAT_MS = 5_000;
/** A writer's number goes into their history once they leave it alone this long. */
export const RECORD_AFTER_MS = 2_000;

export interface Member {
  session: string;
  participant: Participant;
  socket: MemberSocket | null;
  /** The member's completed strokes, newest last, for undo. */
  own: string[];
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
  /** Pending history records, keyed by the pen-up stroke that scheduled them. */
  recordTimers: Map<string, { timer: NodeJS.Timeout; fire(): void }>;
}

type Hello = Extract<ClientMessage, { type: 'hello' }>;
/** What a change touched: a pen-up's number, the number nearest erased ink, or none (a clear). */
type Touched = { strokeId: string } | { box: Box } | null;

const alone = new LocalBus();

const emptyRecognition = (model: string): Recognition => ({ text: '', digits: [], rejected: [], model, ms: 0 });

/**
 * Points are kept to a tenth (of a board pixel, of a millisecond): what the browser client sends,
 * and all that drawing and recognition need. Longer decimals would be sent on to every member.
 * Rounds in place: the arrays are the message's own, fresh from JSON.parse (no copy per point).
 */
function quantize(points: number[][]): number[][] {
  for (const p of points) for (let i = 0; i < p.length; i++) p[i] = Math.round(p[i] * 10) / 10;
  return points;
}

export class Room {
  private readonly strokes = new Map<string, BoardStroke>();
  private readonly members = new Map<string, Member>();
  /** The same members by participant id (one per session): found for every event, so not by a scan. */
  private readonly byParticipant = new Map<string, Member>();
  /** Participants connected to other nodes, by node, with when we last heard of them. */
  private readonly remote = new Map<string, { participants: Participant[]; at: number }>();
  private seq = 0;
  /** Recent events, kept as the JSON every member was sent (no second copy as objects), and their seqs. */
  private log: string[] = [];
  private logSeqs: number[] = [];
  private logBytes = 0;
  private totalPoints = 0;
  /** Ids removed by a clear or erase while their author was still drawing: later points are dropped quietly. */
  private readonly dropped = new Set<string>();
  private colorIndex = 0;
  /** Writers by their browser's key (hello.client): the same participant after a reload. */
  private readonly writers = new ReturningWriters();
  private channel!: Channel;
  /** Changes delivered before the snapshot was in place. */
  private early: [number, Change][] | null = [];
  private joining = 0;
  private beat: NodeJS.Timeout | undefined;
  closed = false;
  // Recognition: every number whose strokes changed is recognized once the message that changed
  // it is handled, concurrently with the others, and broadcast as soon as its recognition is
  // known, unless it changed meanwhile. A clear or a reset starts a new PlaceGroups: groups from
  // before are never current.
  private grouping = new PlaceGroups();
  private completed = 0;
  /** Numbers the current message changed (or whose recognition failed): recognized in flush(). */
  private readonly changed = new Set<StrokeGroup>();
  /** What those changes touched: a change whose number members already hold is answered at once. */
  private touched: Touched[] = [];
  private flushing = false;
  private recognizing = 0;
  /** Pen-ups whose number was not broadcast yet: each schedules its number's record once it is. */
  private readonly penUps = new Set<string>();
  /** What participants said numbers are; the numbers members hold carry them. */
  private readonly corrections = new Corrections();
  /** What members hold: every number broadcast so far (by id, as `removed` left them), and the latest result. */
  private lastResult: { strokes: number; result: Recognition; groups: Map<string, GroupResult> } | null = null;

  private constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {}

  /** Opens the room on this node: its board from the bus (or the store, for a room the bus does not hold). */
  static async load(id: string, deps: RoomDeps): Promise<Room> {
    const room = new Room(id, deps);
    const { channel, snapshot } = await (deps.bus ?? alone).open(
      id,
      {
        change: (seq, change) => room.deliver(seq, change),
        signal: (signal) => room.onSignal(signal),
        resync: (snap) => room.resync(snap),
      },
      () => deps.store.load(id),
    );
    room.channel = channel;
    room.reset(snapshot);
    for (const [seq, change] of room.early!) room.apply(seq, change);
    room.early = null;
    room.beat = setInterval(() => room.heartbeat(), PRESENCE_BEAT_MS);
    room.beat.unref();
    return room;
  }

  /** Members currently connected to this node. */
  get connected(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.socket) n++;
    return n;
  }

  /** True when nobody is connected and no resume is pending: the registry may drop the room. */
  idle(now = Date.now()): boolean {
    if (this.joining > 0 || this.recognizing > 0 || this.flushing) return false;
    for (const m of this.members.values()) if (m.socket || now - m.leftAt < RESUME_WINDOW_MS) return false;
    return true;
  }

  /** Stops serving the room on this node. */
  close(): void {
    this.closed = true;
    clearInterval(this.beat);
    // Numbers waiting to settle are recorded now rather than lost with the room.
    for (const m of this.members.values()) for (const pending of [...m.recordTimers.values()]) pending.fire();
    this.channel.close();
  }

  /**
   * Adds (or, with a valid resume, re-attaches) a member; null when the room is full. A session
   * from another node (it died, or the balancer chose another) is found through the bus.
   */
  async join(socket: MemberSocket, hello: Hello, userId: string | null = null): Promise<Member | null> {
    this.forgetStaleMembers();
    const session = hello.resume?.session;
    let member = session ? this.members.get(session) : undefined;
    let fromElsewhere = false;
    if (session && !member) {
      this.joining++;
      try {
        const shared = await this.channel.loadMember(session);
        member = this.members.get(session);
        if (!member && shared) {
          member = this.newMember(socket, shared.participant, userId, session);
          member.own = shared.own;
          fromElsewhere = true;
        }
      } finally {
        this.joining--;
      }
    }
    const resumed = member !== undefined;
    if (member && !fromElsewhere) {
      // A reconnect can race the old socket's close: the newer connection wins.
      if (member.socket && member.socket !== socket) member.socket.close(1000, 'replaced by a newer connection');
      member.socket = socket;
      member.replaying.clear();
      member.userId = userId;
    } else if (!member) {
      if (this.participants().length >= MAX_ROOM_PARTICIPANTS) {
        socket.close(CloseCode.roomFull, `this board already has ${MAX_ROOM_PARTICIPANTS} writers`);
        return null;
      }
      const accountName = userId ? await this.accountName(userId) : null;
      const returning = this.writers.find(hello.client, this.members.values(), this.strokes.values());
      if (returning) {
        // Their previous connection (the page before the reload) will not resume: it is this one now.
        if (returning.replaces) this.members.delete(returning.replaces);
        member = this.newMember(socket, accountName ? { ...returning.participant, name: accountName } : returning.participant, userId);
        member.own = returning.own;
      } else {
        const name = accountName ?? cleanName(hello.name) ?? generatedName();
        const participant = { id: randomBytes(6).toString('base64url'), name, color: COLORS[this.colorIndex++ % COLORS.length] };
        member = this.newMember(socket, participant, userId);
      }
    }
    this.writers.remember(hello.client, member.participant);
    this.members.set(member.session, member);
    this.byParticipant.set(member.participant.id, member);
    this.share(member);

    // Events are replayed only from this node's own log, to a member it knows and that has not
    // been resynchronized since; anyone else gets the whole board.
    const lastSeq = hello.resume?.lastSeq;
    const firstLogged = this.logSeqs[0] ?? this.seq + 1;
    const canReplay = resumed && !fromElsewhere && !member.needsBoard && lastSeq !== undefined && lastSeq <= this.seq && lastSeq >= firstLogged - 1;
    member.needsBoard = false;
    this.sendTo(member, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      model: this.deps.modelVersion,
      room: this.id,
      session: member.session,
      you: member.participant,
      seq: this.seq,
      ...(canReplay ? {} : { board: { strokes: [...this.strokes.values()] } }),
      participants: this.participants(),
      limits: { ...WELCOME_LIMITS, maxStrokes: ROOM_LIMITS.maxStrokes },
    });
    if (canReplay) for (let i = 0; i < this.log.length; i++) if (this.logSeqs[i] > lastSeq!) member.socket?.send(this.log[i]);
    if (this.lastResult) {
      // In reading order, as every member's own copy is (applyDelta sorts).
      const groups = applyDelta([], { groups: [...this.lastResult.groups.values()], removed: [], full: false });
      this.sendTo(member, { type: 'result', strokes: this.lastResult.strokes, result: this.lastResult.result, groups, removed: [], full: true });
    }
    this.presenceChanged();
    // A writer coming from another node (which may have died) may have numbers that node never
    // got to record: record their recent numbers again; the keys make repeats no-ops.
    if (fromElsewhere) for (const id of member.own.slice(-RERECORD_OWN)) if (this.strokes.get(id)?.done) this.scheduleRecord(id);
    return member;
  }

  private async accountName(userId: string): Promise<string | null> {
    this.joining++;
    try {
      return (await this.deps.nameOf?.(userId)) ?? null;
    } catch (err) {
      this.deps.log.warn({ err }, 'looking up a writer\'s name failed; using a generated one');
      return null;
    } finally {
      this.joining--;
    }
  }

  private newMember(socket: MemberSocket, participant: Participant, userId: string | null, session = randomBytes(12).toString('base64url')): Member {
    return {
      session,
      participant,
      socket,
      own: [],
      drawing: new Map(),
      replaying: new Set(),
      needsBoard: false,
      lastCursor: 0,
      leftAt: 0,
      userId,
      recordTimers: new Map(),
    };
  }

  /** The member's socket closed. Its identity stays for a while so that it can resume. */
  leave(member: Member, socket: MemberSocket): void {
    if (member.socket !== socket) return; // an old socket of a member that already reconnected
    member.socket = null;
    member.leftAt = Date.now();
    this.presenceChanged();
  }

  /** Handles a validated message from a joined member. */
  handle(member: Member, msg: Exclude<ClientMessage, Hello | { type: 'ping' }>): void {
    switch (msg.type) {
      case 'stroke-begin':
        return this.begin(member, msg.strokeId, quantize(msg.points));
      case 'stroke-points':
        return this.addPoints(member, msg.strokeId, quantize(msg.points));
      case 'stroke-end':
        return this.end(member, msg.strokeId);
      case 'undo':
        return this.undo(member);
      case 'erase':
        return this.erase(member, msg.strokeId);
      case 'clear':
        return this.publish({ type: 'cleared', by: member.participant.id });
      case 'cursor':
        return this.cursor(member, msg.x, msg.y);
      case 'correct':
        return this.correct(member, msg.groupId, msg.strokeIds, msg.text);
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private begin(member: Member, id: string, points: number[][]): void {
    const existing = this.strokes.get(id);
    if (existing && existing.author !== member.participant.id) return this.error(member, ErrorCode.duplicateStroke, `stroke ${id} already exists`, id);
    // The author re-sends a stroke the room already has after a reconnect: idempotent.
    if (existing?.done) {
      member.replaying.add(id);
      return;
    }
    if (!existing && this.strokes.size >= ROOM_LIMITS.maxStrokes) {
      return this.error(member, ErrorCode.tooMuchInk, `a board holds at most ${ROOM_LIMITS.maxStrokes} strokes; erase or clear some`, id);
    }
    if (this.totalPoints + points.length > ROOM_LIMITS.maxPoints) return this.error(member, ErrorCode.tooMuchInk, BOARD_FULL, id);
    this.dropped.delete(id);
    member.drawing.set(id, [...points]);
    const { id: author, color } = member.participant;
    this.publish({ type: 'stroke-begin', stroke: { id, author, color, points: [...points], done: false } });
  }

  private addPoints(member: Member, id: string, points: number[][]): void {
    if (member.replaying.has(id) || this.dropped.has(id)) return;
    const drawing = member.drawing.get(id);
    if (!drawing) {
      const done = this.strokes.get(id)?.done && this.strokes.get(id)?.author === member.participant.id;
      return this.error(member, ErrorCode.unknownStroke, done ? `stroke ${id} is already complete` : `stroke ${id} was not begun`, id);
    }
    if (this.totalPoints + points.length > ROOM_LIMITS.maxPoints) return this.error(member, ErrorCode.tooMuchInk, BOARD_FULL, id);
    if (drawing.length + points.length > LIMITS.maxPointsPerStroke) {
      return this.error(member, ErrorCode.tooMuchInk, `too many points (at most ${LIMITS.maxPointsPerStroke} per stroke)`, id);
    }
    for (const p of points) drawing.push(p);
    this.publish({ type: 'stroke-points', strokeId: id, author: member.participant.id, points });
  }

  private end(member: Member, id: string): void {
    if (this.dropped.has(id)) return;
    const stroke = this.strokes.get(id);
    const points = member.drawing.get(id);
    if (!points) {
      if (stroke?.done && stroke.author === member.participant.id) {
        // A replayed stroke the room already has: make sure it is stored (the node that had it
        // may have died before storing it; storing is idempotent), then acknowledge it again.
        member.replaying.delete(id);
        this.store(member, { t: 'stroke', stroke: { id, author: stroke.author, color: stroke.color, points: stroke.points } }, this.seq);
        // Its number may not have been recorded either (records are keyed: never twice).
        return this.scheduleRecord(id);
      }
      return this.error(member, ErrorCode.unknownStroke, `stroke ${id} was not begun`, id);
    }
    this.publish({ type: 'stroke-end', stroke: { id, author: member.participant.id, color: member.participant.color, points } });
  }

  private undo(member: Member): void {
    while (member.own.length > 0) {
      const id = member.own.pop()!;
      if (this.strokes.has(id)) {
        this.share(member);
        return this.publish({ type: 'erased', strokeIds: [id], by: member.participant.id });
      }
    }
    this.error(member, ErrorCode.nothingToUndo, 'you have no stroke on this board to undo');
  }

  private erase(member: Member, id: string): void {
    if (!this.strokes.has(id)) return this.error(member, ErrorCode.unknownStroke, `stroke ${id} is not on the board`, id);
    this.publish({ type: 'erased', strokeIds: [id], by: member.participant.id });
  }

  private correct(member: Member, groupId: string, strokeIds: string[], text: string): void {
    // Checked again when applied: another change may come first.
    if (!currentGroup(this.grouping, groupId, strokeIds)) return this.unknownGroup(member, groupId);
    const { id: by, name } = member.participant;
    this.publish({ type: 'corrected', groupId, strokeIds, text, by, name });
  }

  private unknownGroup(member: Member, groupId: string): void {
    this.error(member, ErrorCode.unknownGroup, `number ${groupId} is not on the board with those strokes (any more)`);
  }

  private cursor(member: Member, x: number, y: number): void {
    const now = Date.now();
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
    if (this.early) this.early.push([seq, change]);
    else this.apply(seq, change);
  }

  /** Applies a numbered change from any node. Every node applies the same changes in the same order. */
  private apply(seq: number, change: Change): void {
    if (seq <= this.seq || this.closed) return; // already in the snapshot
    this.seq = seq;
    switch (change.type) {
      case 'stroke-begin': {
        const { stroke } = change;
        const existing = this.strokes.get(stroke.id);
        if (existing && (existing.author !== stroke.author || existing.done)) return;
        if (existing) {
          // The author restarts a stroke after a reconnect: it replaces what we had.
          this.totalPoints -= existing.points.length;
          existing.points = [...stroke.points];
        } else {
          if (this.strokes.size >= ROOM_LIMITS.maxStrokes || this.totalPoints + stroke.points.length > ROOM_LIMITS.maxPoints) return;
          this.dropped.delete(stroke.id);
          this.strokes.set(stroke.id, { ...stroke, points: [...stroke.points], done: false });
        }
        this.totalPoints += stroke.points.length;
        return this.emit({ type: 'stroke-begin', seq, stroke: { ...stroke, points: [...stroke.points] } }, stroke.author);
      }
      case 'stroke-points': {
        const stroke = this.strokes.get(change.strokeId);
        // A node that opened the room mid-stroke missed its beginning: the stroke-end brings it whole.
        if (!stroke || stroke.author !== change.author || stroke.done) return;
        for (const p of change.points) stroke.points.push(p);
        this.totalPoints += change.points.length;
        return this.emit({ type: 'stroke-points', seq, strokeId: change.strokeId, points: change.points }, change.author);
      }
      case 'stroke-end':
        return this.applyEnd(seq, change.stroke);
      case 'erased':
        return this.applyErase(seq, change.strokeIds, change.by);
      case 'cleared':
        return this.applyClear(seq, change.by);
      case 'corrected': {
        const { type: _type, ...correction } = change;
        return this.applyCorrection(seq, correction);
      }
    }
  }

  private applyEnd(seq: number, stored: Extract<Change, { type: 'stroke-end' }>['stroke']): void {
    if (this.dropped.has(stored.id)) return;
    let stroke = this.strokes.get(stored.id);
    if (stroke && (stroke.author !== stored.author || stroke.done)) return;
    if (!stroke || stroke.points.length !== stored.points.length) {
      // This node missed part of the stroke: take it whole from the author's node.
      if (!stroke && this.strokes.size >= ROOM_LIMITS.maxStrokes) return;
      this.totalPoints += stored.points.length - (stroke?.points.length ?? 0);
      stroke = { ...stored, points: [...stored.points], done: false };
      this.strokes.set(stored.id, stroke);
      this.emit({ type: 'stroke-begin', seq, stroke: { ...stroke } }, stored.author);
    }
    stroke.done = true;
    this.emit({ type: 'stroke-end', seq, strokeId: stored.id }, stored.author);
    const author = this.localMember(stored.author);
    if (author) {
      // The author's node stores the stroke and acknowledges it once it is durable.
      author.drawing.delete(stored.id);
      author.own.push(stored.id);
      this.share(author);
      this.store(author, { t: 'stroke', seq, stroke: { id: stored.id, author: stored.author, color: stored.color, points: [...stroke.points] } }, seq);
    }
    this.completed++;
    const group = this.grouping.add({ id: stored.id, points: stroke.points });
    if (group) {
      this.changed.add(group);
      this.penUps.add(stored.id);
    }
    this.dropStaleCorrections(seq, stored.author);
    this.touch({ strokeId: stored.id });
  }

  private applyErase(seq: number, ids: string[], by: string): void {
    let box: Box | null = null;
    const removed: string[] = [];
    for (const id of ids) {
      const stroke = this.strokes.get(id);
      if (!stroke) continue;
      for (const p of stroke.points) {
        box = box
          ? { minX: Math.min(box.minX, p[0]), minY: Math.min(box.minY, p[1]), maxX: Math.max(box.maxX, p[0]), maxY: Math.max(box.maxY, p[1]) }
          : { minX: p[0], minY: p[1], maxX: p[0], maxY: p[1] };
      }
      this.totalPoints -= stroke.points.length;
      this.strokes.delete(id);
      if (stroke.done) {
        this.completed--;
        for (const group of this.grouping.remove(id)) this.changed.add(group);
        this.penUps.delete(id);
      } else this.drop(id);
      removed.push(id);
    }
    if (removed.length === 0) return;
    this.emit({ type: 'erased', seq, strokeIds: removed, by });
    if (this.localMember(by)) this.persist({ t: 'erase', ids: removed, seq });
    this.dropStaleCorrections(seq, by);
    this.touch(box ? { box } : null);
  }

  private applyClear(seq: number, by: string): void {
    for (const s of this.strokes.values()) if (!s.done) this.drop(s.id);
    if (this.dropped.size > 10_000) this.dropped.clear();
    this.strokes.clear();
    this.totalPoints = 0;
    this.completed = 0;
    this.grouping = new PlaceGroups();
    this.corrections.reset();
    this.changed.clear();
    this.penUps.clear();
    this.emit({ type: 'cleared', seq, by });
    if (this.localMember(by)) this.persist({ t: 'clear', seq });
    this.touch(null);
  }

  /**
   * Applies a correction (text "": withdraws it) if the number is still as the corrector saw it,
   * and shows it to everyone: the event, and the number's result carrying it.
   */
  private applyCorrection(seq: number, correction: StoredCorrection): void {
    const group = currentGroup(this.grouping, correction.groupId, correction.strokeIds);
    const corrector = this.localMember(correction.by);
    if (!group) {
      if (corrector) this.unknownGroup(corrector, correction.groupId);
      return;
    }
    this.corrections.set(group, correction);
    const { groupId, text, by } = correction;
    this.emit({ type: 'corrected', seq, groupId, strokeIds: [...group.strokeIds], text, by });
    if (corrector) {
      this.persist({ t: 'correct', correction: { ...correction, strokeIds: [...group.strokeIds] }, seq });
      // The history record of this version of the number: the one its last pen-up scheduled.
      this.deps.correct?.(`${this.id}:${group.strokeIds.at(-1)}`, text === '' ? null : text);
    }
    // Members hold this number already: it goes out again with the correction. Otherwise its
    // recognition is under way and its result will carry the correction.
    const held = this.lastResult?.groups.get(group.strokeIds[0]);
    if (held && this.sameStrokes(held, group)) this.broadcastResult(held.result, this.corrections.decorate(held, group));
  }

  /**
   * Corrections of numbers whose strokes changed no longer apply (every node drops them as it
   * applies the change); the node of whoever changed them also drops them from the store and the
   * bus's board, so that a reload does not take them up again if the strokes come back.
   */
  private dropStaleCorrections(seq: number, by: string): void {
    const dropped = this.corrections.prune(this.grouping);
    if (dropped.length === 0 || !this.localMember(by)) return;
    for (const c of dropped) this.persist({ t: 'correct', correction: { ...c, text: '' }, seq });
    this.channel.dropCorrections(dropped.map(correctionKey));
  }

  /** A stroke removed while its author was drawing it: the author's later points are dropped quietly. */
  private drop(id: string): void {
    this.dropped.add(id);
    for (const m of this.members.values()) m.drawing.delete(id);
  }

  /** Replaces the board (opening the room, or after an outage of the bus). */
  private reset(snapshot: Snapshot): void {
    this.strokes.clear();
    this.totalPoints = 0;
    for (const s of snapshot.strokes) {
      this.strokes.set(s.id, { ...s, done: true });
      this.totalPoints += s.points.length;
    }
    this.seq = snapshot.seq;
    this.log = [];
    this.logSeqs = [];
    this.logBytes = 0;
    this.dropped.clear();
    // Every number is recognized anew; members reconnect (or are yet to join) for the new board.
    this.completed = this.strokes.size;
    this.grouping = new PlaceGroups([...this.strokes.values()]);
    this.corrections.reset(this.grouping, snapshot.corrections);
    this.changed.clear();
    for (const group of this.grouping.values()) this.changed.add(group);
    this.lastResult = null;
    if (this.changed.size > 0) this.flushSoon();
  }

  /** The bus may have missed changes: take its board and have every member reconnect for it. */
  private resync(snapshot: Snapshot): void {
    if (this.early) return; // still opening: the snapshot being fetched is newer anyway
    this.reset(snapshot);
    for (const m of this.members.values()) {
      m.drawing.clear();
      m.replaying.clear();
      m.needsBoard = true;
      m.socket?.close(CloseCode.resync, 'the board was reloaded after a server outage; reconnecting');
    }
  }

  private onSignal(signal: Signal): void {
    if (signal.type === 'cursor') return this.broadcast(signal);
    const before = this.participantKey();
    // A node we did not know of: tell it who is here now rather than at our next beat.
    if (!this.remote.has(signal.node) && this.connected > 0) this.channel.signal(this.localPresence());
    this.remote.set(signal.node, { participants: signal.participants, at: Date.now() });
    if (this.participantKey() !== before) this.broadcast({ type: 'presence', participants: this.participants() });
  }

  /** Repeats this node's part of the presence list; forgets nodes that went quiet. */
  private heartbeat(): void {
    const now = Date.now();
    let changed = false;
    for (const [node, entry] of this.remote) {
      if (now - entry.at > 3 * PRESENCE_BEAT_MS) {
        this.remote.delete(node);
        changed = true;
      }
    }
    if (changed) this.broadcast({ type: 'presence', participants: this.participants() });
    if (this.connected > 0) this.channel.signal(this.localPresence());
  }

  private presenceChanged(): void {
    this.broadcast({ type: 'presence', participants: this.participants() });
    this.channel.signal(this.localPresence());
  }

  private localPresence(): Signal {
    return { type: 'presence', node: (this.deps.bus ?? alone).node, participants: this.localParticipants() };
  }

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

  private share(member: Member): void {
    this.channel.saveMember(member.session, { participant: member.participant, own: member.own.slice(-LIMITS_OWN_SHARED) });
  }

  /** Records a board event in the log and sends it to everyone on this node but its author. */
  private emit(event: BoardEvent, exceptAuthor?: string): void {
    const data = JSON.stringify(event);
    this.log.push(data);
    this.logSeqs.push(event.seq);
    this.logBytes += data.length;
    if (this.log.length > LOG_SIZE || this.logBytes > LOG_BYTES) this.trimLog();
    this.send(data, exceptAuthor ? this.localMember(exceptAuthor) : undefined);
  }

  /** Drops the oldest events down to three quarters of either cap: a busy room trims now and then, not at every event. */
  private trimLog(): void {
    let drop = 0;
    while (drop < this.log.length && (this.log.length - drop > LOG_SIZE * 0.75 || this.logBytes > LOG_BYTES * 0.75)) {
      this.logBytes -= this.log[drop].length;
      drop++;
    }
    this.log.splice(0, drop);
    this.logSeqs.splice(0, drop);
  }

  private touch(change: Touched): void {
    this.touched.push(change);
    this.flushSoon();
  }

  /**
   * The changes of this message (the bus may deliver many at once) are taken together, as soon as
   * it is handled: a microtask, not a setImmediate, which under load waits for every other socket's
   * input of the loop iteration (and, scheduled from a setImmediate, for the next iteration).
   */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => this.flush());
  }

  /** Recognizes the numbers that changed, and answers the changes whose number members already hold. */
  private flush(): void {
    this.flushing = false;
    if (this.closed) return;
    for (const group of this.changed) if (this.isCurrent(group) && !this.held(group)) this.recognizeGroup(group);
    this.changed.clear();
    // A change whose number is being recognized is answered by that number's result.
    let answer: Recognition | undefined;
    for (const change of this.touched) {
      const group = this.touchedGroup(change);
      if (!group) answer = emptyRecognition(this.deps.modelVersion);
      else answer = this.held(group)?.result ?? answer;
    }
    this.touched = [];
    if (answer) this.broadcastResult(answer);
  }

  private recognizeGroup(group: StrokeGroup): void {
    this.recognizing++;
    this.deps
      .recognize(group.strokeIds.map((id) => this.strokes.get(id)?.points ?? []))
      .then((result) => {
        // Changed meanwhile: a recognition of its new strokes is under way.
        if (this.closed || !this.isCurrent(group)) return;
        const { minX, minY, maxX, maxY } = group.box;
        const box = { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
        this.broadcastResult(result, this.corrections.decorate({ id: group.strokeIds[0], box, strokeIds: group.strokeIds, result }, group));
      })
      .catch((err: Error) => {
        this.deps.log.warn({ err, room: this.id }, 'recognition failed');
        if (this.closed || !this.isCurrent(group)) return;
        this.broadcast({ type: 'error', code: ErrorCode.recognitionFailed, message: 'recognition failed; the ink is kept' });
        this.changed.add(group); // tried again after the next change
      })
      .finally(() => this.recognizing--);
  }

  /**
   * Sends members a result: `group` (a number just recognized) if any, and the ids of the numbers
   * they hold that are gone; `result` is the recognition of the number the result answers for.
   */
  private broadcastResult(result: Recognition, group?: GroupResult): void {
    const groups = this.lastResult?.groups ?? new Map<string, GroupResult>();
    const removed = [...groups.keys()].filter((id) => !this.grouping.get(id));
    for (const id of removed) groups.delete(id);
    if (group) groups.set(group.id, group);
    this.lastResult = { strokes: this.completed, result, groups };
    this.broadcast({ type: 'result', strokes: this.completed, result, groups: group ? [group] : [], removed, full: false });
    for (const id of group?.strokeIds ?? []) if (this.penUps.delete(id)) this.scheduleRecord(id);
  }

  private isCurrent(group: StrokeGroup): boolean {
    return this.grouping.get(group.strokeIds[0]) === group;
  }

  /**
   * The number as members hold it, if they hold exactly these strokes under its id, with its
   * correction as it stands (a correction dropped since is sent again as a new result).
   */
  private held(group: StrokeGroup): GroupResult | undefined {
    const held = this.lastResult?.groups.get(group.strokeIds[0]);
    const same = held && this.sameStrokes(held, group) && held.correctedText === this.corrections.of(group)?.text;
    return same ? held : undefined;
  }

  private sameStrokes(held: GroupResult, group: StrokeGroup): boolean {
    return held.strokeIds.length === group.strokeIds.length && held.strokeIds.every((id) => this.grouping.groupOf(id) === group);
  }

  /** The number a change touched: the pen-up's, or the one nearest the erased ink. */
  private touchedGroup(change: Touched): StrokeGroup | undefined {
    if (!change) return undefined;
    if ('strokeId' in change) return this.grouping.groupOf(change.strokeId);
    const cx = (change.box.minX + change.box.maxX) / 2, cy = (change.box.minY + change.box.maxY) / 2;
    let nearest: StrokeGroup | undefined;
    let best = Infinity;
    for (const g of this.grouping.values()) {
      const d = Math.hypot((g.box.minX + g.box.maxX) / 2 - cx, (g.box.minY + g.box.maxY) / 2 - cy);
      if (d < best) [nearest, best] = [g, d];
    }
    return nearest;
  }

  /**
   * After a logged-in writer's pen-up, their number is recorded once it settles (no change to its
   * group for RECORD_AFTER_MS), so a "4" drawn in two strokes is one history entry, not two.
   */
  private scheduleRecord(strokeId: string): void {
    const author = this.strokes.get(strokeId)?.author;
    // Only the node the writer is connected to records (another may still hold its old session).
    const member = author ? this.localMember(author) : undefined;
    if (!member?.userId || !this.deps.record) return;
    // A newer pen-up in the same number replaces its pending record; other numbers keep theirs.
    const group = this.heldGroupOf(strokeId);
    for (const [pending, { timer }] of member.recordTimers) {
      if (!this.strokes.has(pending) || group?.strokeIds.includes(pending)) {
        clearTimeout(timer);
        member.recordTimers.delete(pending);
      }
    }
    const fire = () => {
      clearTimeout(timer);
      member.recordTimers.delete(strokeId);
      const settled = this.heldGroupOf(strokeId);
      if (!settled || !member.userId || settled.result.text === '') return;
      this.deps.record?.({
        userId: member.userId,
        key: `${this.id}:${strokeId}`,
        strokes: settled.strokeIds.map((id) => this.strokes.get(id)?.points ?? []),
        box: settled.box,
        recognition: settled.result,
        ...(settled.correctedText !== undefined ? { correctedText: settled.correctedText } : {}),
      });
    };
    const timer = setTimeout(fire, RECORD_AFTER_MS);
    timer.unref();
    member.recordTimers.set(strokeId, { timer, fire });
  }

  /** The number members hold this stroke in. */
  private heldGroupOf(strokeId: string): GroupResult | undefined {
    for (const g of this.lastResult?.groups.values() ?? []) if (g.strokeIds.includes(strokeId)) return g;
    return undefined;
  }

  private localParticipants(): Participant[] {
    return [...this.members.values()].filter((m) => m.socket).map((m) => m.participant);
  }

  /** Everyone connected, on this node and the others (a member that moved here counts once). */
  private participants(): Participant[] {
    const all = new Map(this.localParticipants().map((p) => [p.id, p]));
    for (const { participants } of this.remote.values()) for (const p of participants) if (!all.has(p.id)) all.set(p.id, p);
    return [...all.values()];
  }

  private participantKey(): string {
    return this.participants()
      .map((p) => p.id)
      .sort()
      .join(' ');
  }

  /** The member connected here with this participant id, if any. */
  private localMember(participantId: string): Member | undefined {
    const m = this.byParticipant.get(participantId);
    return m?.socket ? m : undefined;
  }

  private forgetStaleMembers(): void {
    const now = Date.now();
    for (const [key, m] of this.members) {
      if (m.socket || now - m.leftAt <= RESUME_WINDOW_MS) continue;
      this.members.delete(key);
      this.byParticipant.delete(m.participant.id);
    }
  }

  private broadcast(msg: ServerMessage, except?: Member): void {
    this.send(JSON.stringify(msg), except);
  }

  /** Sends one encoded message to everyone connected here but `except`. */
  private send(data: string, except?: Member): void {
    for (const m of this.members.values()) if (m.socket && m !== except) m.socket.send(data);
  }

  private sendTo(member: Member, msg: ServerMessage): void {
    member.socket?.send(JSON.stringify(msg));
  }

  private error(member: Member, code: ErrorCode, message: string, strokeId?: string): void {
    this.sendTo(member, { type: 'error', code, message, ...(strokeId ? { strokeId } : {}) });
  }
}
