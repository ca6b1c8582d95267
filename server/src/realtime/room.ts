/**
 * A shared board: its strokes (completed and in progress), its members, a sequence number for
 * every board event, a bounded log of recent events for resuming clients, durable storage of
 * completed strokes, and recognition of the numbers written on it.
 *
 * Rooms talk to members through a minimal socket interface, so scenario tests drive them with
 * in-memory sockets.
 */
import { randomBytes } from 'node:crypto';
import { groupByPlace } from '../../../common/grouping.js';
import { strokesBounds, type Box } from '../../../common/preprocess.js';
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
import { COLORS, generatedName } from './names.js';
import type { RoomStore } from './room-store.js';

export interface MemberSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** A settled number on the board, attributed to the logged-in writer who last changed it. */
export interface BoardRecord {
  userId: string;
  strokes: number[][][];
  box: { x: number; y: number; width: number; height: number };
  recognition: Recognition;
}

export interface RoomDeps {
  store: RoomStore;
  recognize(strokes: readonly number[][][]): Promise<Recognition>;
  /** Stores a logged-in writer's recognition in their history (never throws). */
  record?(entry: BoardRecord): void;
  modelVersion: string;
  log: { warn(obj: object, msg: string): void };
}

/** A room holds many writers: more ink than a private board allows. */
export const ROOM_LIMITS = { maxStrokes: 5_000, maxPoints: 500_000 } as const;
/** Events kept for resuming clients; a client further behind gets the whole board instead. */
const LOG_SIZE = 5_000;
/** How long a disconnected member's identity (and undo history) waits for a resume. */
const RESUME_WINDOW_MS = 120_000;
const CURSOR_INTERVAL_MS = 30;
/** A writer's number goes into their history once they leave it alone this long. */
export const RECORD_AFTER_MS = 2_000;

export interface Member {
  session: string;
  participant: Participant;
  socket: MemberSocket | null;
  /** The member's completed strokes, newest last, for undo. */
  own: string[];
  /** Strokes the member is re-sending after a reconnect that the room already has complete. */
  replaying: Set<string>;
  lastCursor: number;
  leftAt: number;
  /** The logged-in account behind this writer, if any: their recognitions are theirs. */
  userId: string | null;
  /** Pending history records, keyed by the pen-up stroke that scheduled them. */
  recordTimers: Map<string, NodeJS.Timeout>;
}

type Hello = Extract<ClientMessage, { type: 'hello' }>;
type Change = { strokeId: string } | { box: Box } | null;

const emptyRecognition = (model: string): Recognition => ({ text: '', digits: [], rejected: [], model, ms: 0 });

export class Room {
  private readonly strokes = new Map<string, BoardStroke>();
  /** Bounds of completed strokes, computed once (grouping runs after every change). */
  private readonly bounds = new WeakMap<BoardStroke, Box | null>();
  private readonly members = new Map<string, Member>();
  private seq = 0;
  private readonly log: BoardEvent[] = [];
  private totalPoints = 0;
  /** Ids removed by a clear or erase while their author was still drawing: later points are dropped quietly. */
  private readonly dropped = new Set<string>();
  private colorIndex = 0;
  // Recognition: one run at a time; changes during a run ask for one more run.
  private recognizing = false;
  private again: Change = null;
  private pendingChange = false;
  private generation = 0;
  private cache = new Map<string, Recognition>();
  private lastResult: Extract<ServerMessage, { type: 'result' }> | null = null;

  private constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {}

  /** Loads a room's stored strokes (a new room is simply empty). */
  static async load(id: string, deps: RoomDeps): Promise<Room> {
    const room = new Room(id, deps);
    for (const s of await deps.store.load(id)) {
      room.strokes.set(s.id, { ...s, done: true });
      room.totalPoints += s.points.length;
    }
    if (room.strokes.size > 0) room.recognize(null);
    return room;
  }

  /** Members currently connected. */
  get connected(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.socket) n++;
    return n;
  }

  /** True when nobody is connected and no resume is pending: the registry may drop the room. */
  idle(now = Date.now()): boolean {
    for (const m of this.members.values()) if (m.socket || now - m.leftAt < RESUME_WINDOW_MS) return false;
    return !this.recognizing;
  }

  /** Adds (or, with a valid resume, re-attaches) a member; null when the room is full. */
  join(socket: MemberSocket, hello: Hello, userId: string | null = null): Member | null {
    this.forgetStaleMembers();
    let member = hello.resume ? this.members.get(hello.resume.session) : undefined;
    const resumed = member !== undefined;
    if (member) {
      // A reconnect can race the old socket's close: the newer connection wins.
      if (member.socket && member.socket !== socket) member.socket.close(1000, 'replaced by a newer connection');
      member.socket = socket;
      member.replaying.clear();
      member.userId = userId;
    } else {
      if (this.connected >= MAX_ROOM_PARTICIPANTS) {
        socket.close(CloseCode.roomFull, `this board already has ${MAX_ROOM_PARTICIPANTS} writers`);
        return null;
      }
      member = {
        session: randomBytes(12).toString('base64url'),
        participant: {
          id: randomBytes(6).toString('base64url'),
          name: hello.name ?? generatedName(),
          color: COLORS[this.colorIndex++ % COLORS.length],
        },
        socket,
        own: [],
        replaying: new Set(),
        lastCursor: 0,
        leftAt: 0,
        userId,
        recordTimers: new Map(),
      };
      this.members.set(member.session, member);
    }

    const lastSeq = hello.resume?.lastSeq;
    const firstLogged = this.log[0]?.seq ?? this.seq + 1;
    const canReplay = resumed && lastSeq !== undefined && lastSeq <= this.seq && lastSeq >= firstLogged - 1;
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
    if (canReplay) for (const e of this.log) if (e.seq > lastSeq!) this.sendTo(member, e);
    if (this.lastResult) this.sendTo(member, this.lastResult);
    this.broadcast({ type: 'presence', participants: this.participants() });
    return member;
  }

  /** The member's socket closed. Its identity stays for a while so that it can resume. */
  leave(member: Member, socket: MemberSocket): void {
    if (member.socket !== socket) return; // an old socket of a member that already reconnected
    member.socket = null;
    member.leftAt = Date.now();
    this.broadcast({ type: 'presence', participants: this.participants() });
  }

  /** Handles a validated message from a joined member. */
  handle(member: Member, msg: Exclude<ClientMessage, Hello | { type: 'ping' }>): void {
    switch (msg.type) {
      case 'stroke-begin':
        return this.begin(member, msg.strokeId, msg.points);
      case 'stroke-points':
        return this.addPoints(member, msg.strokeId, msg.points);
      case 'stroke-end':
        return this.end(member, msg.strokeId);
      case 'undo':
        return this.undo(member);
      case 'erase':
        return this.erase(member, msg.strokeId);
      case 'clear':
        return this.clear(member);
      case 'cursor':
        return this.cursor(member, msg.x, msg.y);
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private begin(member: Member, id: string, points: number[][]): void {
    const existing = this.strokes.get(id);
    if (existing) {
      if (existing.author !== member.participant.id) return this.error(member, ErrorCode.duplicateStroke, `stroke ${id} already exists`, id);
      // The author re-sends a stroke after a reconnect: idempotent.
      if (existing.done) {
        member.replaying.add(id);
        return;
      }
      this.totalPoints -= existing.points.length;
      existing.points = [];
      return this.addPoints(member, id, points, true);
    }
    this.dropped.delete(id);
    if (this.strokes.size >= ROOM_LIMITS.maxStrokes) {
      return this.error(member, ErrorCode.tooMuchInk, `a board holds at most ${ROOM_LIMITS.maxStrokes} strokes; erase or clear some`, id);
    }
    if (this.totalPoints + points.length > ROOM_LIMITS.maxPoints) return this.error(member, ErrorCode.tooMuchInk, 'this board is full of ink; clear it first', id);
    const stroke: BoardStroke = { id, author: member.participant.id, color: member.participant.color, points: [...points], done: false };
    this.strokes.set(id, stroke);
    this.totalPoints += points.length;
    this.emit({ type: 'stroke-begin', seq: ++this.seq, stroke: { ...stroke, points: [...points] } }, member);
  }

  private addPoints(member: Member, id: string, points: number[][], restart = false): void {
    if (member.replaying.has(id) || this.dropped.has(id)) return;
    const stroke = this.strokes.get(id);
    if (!stroke || stroke.author !== member.participant.id) return this.error(member, ErrorCode.unknownStroke, `stroke ${id} was not begun`, id);
    if (stroke.done) return this.error(member, ErrorCode.unknownStroke, `stroke ${id} is already complete`, id);
    if (stroke.points.length + points.length > LIMITS.maxPointsPerStroke || this.totalPoints + points.length > ROOM_LIMITS.maxPoints) {
      return this.error(member, ErrorCode.tooMuchInk, `too many points (at most ${LIMITS.maxPointsPerStroke} per stroke)`, id);
    }
    for (const p of points) stroke.points.push(p);
    this.totalPoints += points.length;
    if (restart) this.emit({ type: 'stroke-begin', seq: ++this.seq, stroke: { ...stroke, points: [...stroke.points] } }, member);
    else this.emit({ type: 'stroke-points', seq: ++this.seq, strokeId: id, points }, member);
  }

  private end(member: Member, id: string): void {
    if (this.dropped.has(id)) return;
    const stroke = this.strokes.get(id);
    if (!stroke || stroke.author !== member.participant.id) return this.error(member, ErrorCode.unknownStroke, `stroke ${id} was not begun`, id);
    if (stroke.done) {
      // A replayed stroke the room already stored: acknowledge it again.
      member.replaying.delete(id);
      return this.sendTo(member, { type: 'ack', strokeId: id, seq: this.seq });
    }
    stroke.done = true;
    const seq = ++this.seq;
    this.emit({ type: 'stroke-end', seq, strokeId: id }, member);
    member.own.push(id);
    const { done: _done, ...stored } = stroke;
    this.deps.store.append(this.id, { t: 'stroke', stroke: { ...stored, points: [...stroke.points] } }).then(
      () => this.sendTo(member, { type: 'ack', strokeId: id, seq }),
      (err: Error) => {
        this.deps.log.warn({ err, room: this.id }, 'storing a stroke failed');
        this.error(member, ErrorCode.storageFailed, `stroke ${id} could not be stored; it stays on the board but may not survive a restart`, id);
      },
    );
    this.recognize({ strokeId: id });
  }

  private undo(member: Member): void {
    while (member.own.length > 0) {
      const id = member.own.pop()!;
      if (this.strokes.has(id)) return this.remove(member, [id]);
    }
    this.error(member, ErrorCode.nothingToUndo, 'you have no stroke on this board to undo');
  }

  private erase(member: Member, id: string): void {
    const stroke = this.strokes.get(id);
    if (!stroke) return this.error(member, ErrorCode.unknownStroke, `stroke ${id} is not on the board`, id);
    this.remove(member, [id]);
  }

  private remove(member: Member, ids: string[]): void {
    let box: Box | null = null;
    for (const id of ids) {
      const stroke = this.strokes.get(id)!;
      for (const p of stroke.points) {
        box = box
          ? { minX: Math.min(box.minX, p[0]), minY: Math.min(box.minY, p[1]), maxX: Math.max(box.maxX, p[0]), maxY: Math.max(box.maxY, p[1]) }
          : { minX: p[0], minY: p[1], maxX: p[0], maxY: p[1] };
      }
      this.totalPoints -= stroke.points.length;
      this.strokes.delete(id);
      if (!stroke.done) this.dropped.add(id);
    }
    this.emit({ type: 'erased', seq: ++this.seq, strokeIds: ids, by: member.participant.id });
    this.persist({ t: 'erase', ids });
    this.recognize(box ? { box } : null);
  }

  private clear(member: Member): void {
    for (const s of this.strokes.values()) if (!s.done) this.dropped.add(s.id);
    if (this.dropped.size > 10_000) this.dropped.clear();
    this.strokes.clear();
    this.totalPoints = 0;
    this.generation++;
    this.cache.clear();
    this.emit({ type: 'cleared', seq: ++this.seq, by: member.participant.id });
    this.persist({ t: 'clear' });
    this.recognize(null);
  }

  private cursor(member: Member, x: number, y: number): void {
    const now = Date.now();
    if (now - member.lastCursor < CURSOR_INTERVAL_MS) return;
    member.lastCursor = now;
    this.broadcast({ type: 'cursor', id: member.participant.id, x, y }, member);
  }

  private persist(record: Parameters<RoomStore['append']>[1]): void {
    this.deps.store.append(this.id, record).catch((err: Error) => this.deps.log.warn({ err, room: this.id }, 'storing a board change failed'));
  }

  /** Records a board event in the log and sends it to everyone but `except`. */
  private emit(event: BoardEvent, except?: Member): void {
    this.log.push(event);
    if (this.log.length > LOG_SIZE) this.log.splice(0, this.log.length - LOG_SIZE);
    this.broadcast(event, except);
  }

  private recognize(change: Change): void {
    if (this.recognizing) {
      this.pendingChange = true;
      this.again = change ?? this.again;
      return;
    }
    this.recognizing = true;
    const generation = this.generation;
    this.run(change)
      .then((message) => {
        if (generation !== this.generation || !message) return;
        this.lastResult = message;
        this.broadcast(message);
        if (change && 'strokeId' in change) this.scheduleRecord(change.strokeId);
      })
      .catch((err: Error) => {
        this.deps.log.warn({ err, room: this.id }, 'recognition failed');
        this.broadcast({ type: 'error', code: ErrorCode.recognitionFailed, message: 'recognition failed; the ink is kept' });
      })
      .finally(() => {
        this.recognizing = false;
        if (this.pendingChange) {
          const next = this.again;
          this.pendingChange = false;
          this.again = null;
          this.recognize(next);
        }
      });
  }

  private boundsOf(stroke: BoardStroke): Box | null {
    let box = this.bounds.get(stroke);
    if (box === undefined) {
      box = strokesBounds([stroke.points]);
      this.bounds.set(stroke, box);
    }
    return box;
  }

  /** Recognizes every number on the board, reusing results for groups that did not change. */
  private async run(change: Change): Promise<Extract<ServerMessage, { type: 'result' }>> {
    const done = [...this.strokes.values()].filter((s) => s.done);
    const groups = groupByPlace(done.map((s) => ({ id: s.id, points: s.points, box: this.boundsOf(s) })));
    const cache = new Map<string, Recognition>();
    const results: GroupResult[] = await Promise.all(
      groups.map(async (g) => {
        const key = [...g.strokeIds].sort().join(' ');
        const result = this.cache.get(key) ?? (await this.deps.recognize(g.strokeIds.map((id) => this.strokes.get(id)?.points ?? [])));
        cache.set(key, result);
        const box = { x: g.box.minX, y: g.box.minY, width: g.box.maxX - g.box.minX, height: g.box.maxY - g.box.minY };
        return { id: g.strokeIds[0], box, strokeIds: g.strokeIds, result };
      }),
    );
    this.cache = cache;
    let latest: GroupResult | undefined;
    if (change && 'strokeId' in change) latest = results.find((g) => g.strokeIds.includes(change.strokeId));
    else if (change && 'box' in change) {
      const cx = (change.box.minX + change.box.maxX) / 2, cy = (change.box.minY + change.box.maxY) / 2;
      const dist = (g: GroupResult) => Math.hypot(g.box.x + g.box.width / 2 - cx, g.box.y + g.box.height / 2 - cy);
      latest = [...results].sort((a, b) => dist(a) - dist(b))[0];
    }
    return { type: 'result', strokes: done.length, result: latest?.result ?? emptyRecognition(this.deps.modelVersion), groups: results };
  }

  /**
   * After a logged-in writer's pen-up, their number is recorded once it settles (no change to its
   * group for RECORD_AFTER_MS), so a "4" drawn in two strokes is one history entry, not two.
   */
  private scheduleRecord(strokeId: string): void {
    const author = this.strokes.get(strokeId)?.author;
    const member = [...this.members.values()].find((m) => m.participant.id === author);
    if (!member?.userId || !this.deps.record) return;
    // A newer pen-up in the same number replaces its pending record; other numbers keep theirs.
    const group = this.lastResult?.groups.find((g) => g.strokeIds.includes(strokeId));
    for (const [pending, timer] of member.recordTimers) {
      if (!this.strokes.has(pending) || group?.strokeIds.includes(pending)) {
        clearTimeout(timer);
        member.recordTimers.delete(pending);
      }
    }
    const timer = setTimeout(() => {
      member.recordTimers.delete(strokeId);
      const settled = this.lastResult?.groups.find((g) => g.strokeIds.includes(strokeId));
      if (!settled || !member.userId || settled.result.text === '') return;
      this.deps.record?.({
        userId: member.userId,
        strokes: settled.strokeIds.map((id) => this.strokes.get(id)?.points ?? []),
        box: settled.box,
        recognition: settled.result,
      });
    }, RECORD_AFTER_MS);
    timer.unref();
    member.recordTimers.set(strokeId, timer);
  }

  private participants(): Participant[] {
    return [...this.members.values()].filter((m) => m.socket).map((m) => m.participant);
  }

  private forgetStaleMembers(): void {
    const now = Date.now();
    for (const [key, m] of this.members) if (!m.socket && now - m.leftAt > RESUME_WINDOW_MS) this.members.delete(key);
  }

  private broadcast(msg: ServerMessage, except?: Member): void {
    const data = JSON.stringify(msg);
    for (const m of this.members.values()) if (m.socket && m !== except) m.socket.send(data);
  }

  private sendTo(member: Member, msg: ServerMessage): void {
    member.socket?.send(JSON.stringify(msg));
  }

  private error(member: Member, code: ErrorCode, message: string, strokeId?: string): void {
    this.sendTo(member, { type: 'error', code, message, ...(strokeId ? { strokeId } : {}) });
  }
}
