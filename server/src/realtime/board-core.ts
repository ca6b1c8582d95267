/**
 * One replica of a shared board: its strokes (completed and in progress), the room-wide sequence
 * number, the log of recent events for resuming clients, and the recognition of its numbers.
 * `apply` is the only place the board changes; every node applies the same numbered changes in
 * the same order, so every replica ends up the same.
 *
 * Pure and deterministic: no timers, no sockets, no storage. What follows from a change (events
 * for members, what the author's node stores, results) goes to an injected BoardListener, and
 * recognition runs on an injected recognizer and scheduler (recognition-schedule.ts).
 *
 * The room (room.ts) wires it to the rest: members and their sockets (membership.ts), presence
 * across nodes (presence.ts), history records (history-recorder.ts), the bus and the store.
 */
import type { Box } from '../../../common/preprocess.js';
import type { BoardEvent, BoardStroke, GroupResult, ServerMessage } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import type { StoredCorrection, StoredStroke } from '../db/room-store.js';
import type { Change, Snapshot } from './bus.js';
import { EventLog } from './event-log.js';
import { RecognitionSchedule } from './recognition-schedule.js';

/** A room holds many writers: more ink than a private board allows. */
export const ROOM_LIMITS = { maxStrokes: 5_000, maxPoints: 500_000 } as const;

/** What follows from the changes a board applies. Called synchronously, in order. */
export interface BoardListener {
  /** A numbered board event (as JSON) for every member here but the author's connection. */
  event(data: string, author?: string): void;
  /** A message for every member here (results, recognition failures). */
  broadcast(msg: ServerMessage): void;
  /** A stroke was completed (the author's node stores it). */
  completed(seq: number, stroke: StoredStroke): void;
  /** A stroke was removed while its author was drawing it: the author's further points are dropped. */
  abandoned(strokeId: string): void;
  erased(seq: number, strokeIds: string[], by: string): void;
  cleared(seq: number, by: string): void;
  /** A correction took effect; its stroke ids are the number's as it stands. */
  corrected(seq: number, correction: StoredCorrection): void;
  /** A correction came for a number that is no longer as its corrector saw it. */
  correctionRefused(by: string, groupId: string): void;
  /** Corrections no longer apply because `by` changed their numbers' strokes. */
  correctionsDropped(seq: number, by: string, dropped: StoredCorrection[]): void;
  /** The number of this pen-up has just been sent to members. */
  numberShown(strokeId: string): void;
  warn(err: Error, msg: string): void;
}

export interface BoardCoreDeps {
  recognize(strokes: readonly number[][][]): Promise<Recognition>;
  modelVersion: string;
  /** Runs `fn` once the current message is handled. Default: a microtask. */
  soon?: (fn: () => void) => void;
  listener: BoardListener;
}

/** The board as an export shows it (board-export.ts). */
export interface BoardContents {
  /** Completed strokes in drawing order, with when they were completed where that is known. */
  strokes: StoredStroke[];
  /** The numbers members hold, in reading order. */
  groups: GroupResult[];
}

/** A stroke's `at` as a property, absent when unknown (strokes stored before it was kept). */
const timed = (at: number | undefined): { at?: number } => (at === undefined ? {} : { at });

/** Ids removed while still drawn, remembered at most (a clear forgets them beyond this). */
const MAX_DROPPED = 10_000;

export class BoardCore {
  private readonly strokes = new Map<string, BoardStroke>();
  private totalPoints = 0;
  /** When each completed stroke was completed (StoredStroke.at), where that is known. */
  private readonly completedAt = new Map<string, number>();
  /** Ids removed by a clear or erase while their author was still drawing: later points are dropped quietly. */
  private readonly dropped = new Set<string>();
  private readonly log = new EventLog();
  private readonly listener: BoardListener;
  readonly recognition: RecognitionSchedule;
  /** The seq of the last change applied. */
  seq = 0;
  private closed = false;

  constructor(deps: BoardCoreDeps) {
    this.listener = deps.listener;
    this.recognition = new RecognitionSchedule({
      recognize: deps.recognize,
      modelVersion: deps.modelVersion,
      pointsOf: (id) => this.strokes.get(id)?.points ?? [],
      soon: deps.soon ?? queueMicrotask,
      broadcast: (msg) => this.listener.broadcast(msg),
      numberShown: (id) => this.listener.numberShown(id),
      warn: (err, msg) => this.listener.warn(err, msg),
    });
  }

  /** Stops applying changes and answering recognitions. */
  close(): void {
    this.closed = true;
    this.recognition.close();
  }

  stroke(id: string): BoardStroke | undefined {
    return this.strokes.get(id);
  }

  /** Every stroke, completed and in progress, in drawing order. */
  allStrokes(): BoardStroke[] {
    return [...this.strokes.values()];
  }

  get strokeCount(): number {
    return this.strokes.size;
  }

  /** A completed stroke as stores keep it (with when it was completed, where that is known). */
  storedStroke(id: string): StoredStroke | undefined {
    const stroke = this.strokes.get(id);
    if (!stroke?.done) return undefined;
    const { author, color, points } = stroke;
    return { id, author, color, points, ...timed(this.completedAt.get(id)) };
  }

  /** The completed strokes and the numbers members hold, for an export. */
  contents(): BoardContents {
    const strokes: StoredStroke[] = [];
    for (const id of this.strokes.keys()) {
      const stroke = this.storedStroke(id);
      if (stroke) strokes.push(stroke);
    }
    const full = this.recognition.fullResult();
    return { strokes, groups: full?.type === 'result' ? full.groups : [] };
  }

  /** True when `points` more points fit on the board. */
  fits(points: number): boolean {
    return this.totalPoints + points <= ROOM_LIMITS.maxPoints;
  }

  /** True for a stroke removed while it was being drawn (its author's further messages are ignored). */
  isDropped(id: string): boolean {
    return this.dropped.has(id);
  }

  /** A stroke about to be begun again is no longer dropped. */
  undrop(id: string): void {
    this.dropped.delete(id);
  }

  /** True when a client that saw every event up to `lastSeq` can catch up from the log. */
  canReplayFrom(lastSeq: number): boolean {
    return this.log.covers(lastSeq, this.seq);
  }

  eventsSince(lastSeq: number): string[] {
    return this.log.since(lastSeq);
  }

  /** Replaces the board (opening the room, or after an outage of the bus). */
  reset(snapshot: Snapshot): void {
    this.strokes.clear();
    this.totalPoints = 0;
    this.completedAt.clear();
    for (const { at, ...s } of snapshot.strokes) {
      this.strokes.set(s.id, { ...s, done: true });
      this.totalPoints += s.points.length;
      if (at !== undefined) this.completedAt.set(s.id, at);
    }
    this.seq = snapshot.seq;
    this.log.clear();
    this.dropped.clear();
    this.recognition.reset([...this.strokes.values()], snapshot.corrections);
  }

  /** Applies a numbered change from any node; changes at or below the current seq are already in. */
  apply(seq: number, change: Change): void {
    if (seq <= this.seq || this.closed) return;
    this.seq = seq;
    switch (change.type) {
      case 'stroke-begin':
        return this.applyBegin(seq, change.stroke);
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

  private applyBegin(seq: number, stroke: BoardStroke): void {
    const existing = this.strokes.get(stroke.id);
    if (existing && (existing.author !== stroke.author || existing.done)) return;
    if (existing) {
      // The author restarts a stroke after a reconnect: it replaces what we had.
      this.totalPoints -= existing.points.length;
      existing.points = [...stroke.points];
    } else {
      if (this.strokes.size >= ROOM_LIMITS.maxStrokes || !this.fits(stroke.points.length)) return;
      this.dropped.delete(stroke.id);
      this.strokes.set(stroke.id, { ...stroke, points: [...stroke.points], done: false });
    }
    this.totalPoints += stroke.points.length;
    this.emit({ type: 'stroke-begin', seq, stroke: { ...stroke, points: [...stroke.points] } }, stroke.author);
  }

  private applyEnd(seq: number, stored: StoredStroke): void {
    if (this.dropped.has(stored.id)) return;
    let stroke = this.strokes.get(stored.id);
    if (stroke && (stroke.author !== stored.author || stroke.done)) return;
    if (!stroke || stroke.points.length !== stored.points.length) {
      // This node missed part of the stroke: take it whole from the author's node.
      if (!stroke && this.strokes.size >= ROOM_LIMITS.maxStrokes) return;
      this.totalPoints += stored.points.length - (stroke?.points.length ?? 0);
      stroke = { id: stored.id, author: stored.author, color: stored.color, points: [...stored.points], done: false };
      this.strokes.set(stored.id, stroke);
      this.emit({ type: 'stroke-begin', seq, stroke: { ...stroke } }, stored.author);
    }
    stroke.done = true;
    const { at } = stored;
    if (at !== undefined) this.completedAt.set(stored.id, at);
    this.emit({ type: 'stroke-end', seq, strokeId: stored.id }, stored.author);
    this.listener.completed(seq, { id: stored.id, author: stored.author, color: stored.color, points: [...stroke.points], ...timed(at) });
    this.recognition.add({ id: stored.id, points: stroke.points });
    this.dropStaleCorrections(seq, stored.author);
    this.recognition.noteChange({ strokeId: stored.id });
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
      this.completedAt.delete(id);
      if (stroke.done) this.recognition.remove(id);
      else this.drop(id);
      removed.push(id);
    }
    if (removed.length === 0) return;
    this.emit({ type: 'erased', seq, strokeIds: removed, by });
    this.listener.erased(seq, removed, by);
    this.dropStaleCorrections(seq, by);
    this.recognition.noteChange(box ? { box } : null);
  }

  private applyClear(seq: number, by: string): void {
    for (const s of this.strokes.values()) if (!s.done) this.drop(s.id);
    if (this.dropped.size > MAX_DROPPED) this.dropped.clear();
    this.strokes.clear();
    this.completedAt.clear();
    this.totalPoints = 0;
    this.recognition.clear();
    this.emit({ type: 'cleared', seq, by });
    this.listener.cleared(seq, by);
    this.recognition.noteChange(null);
  }

  /**
   * Applies a correction (text "": withdraws it) if the number is still as the corrector saw it,
   * and shows it to everyone: the event, and the number's result carrying it.
   */
  private applyCorrection(seq: number, correction: StoredCorrection): void {
    const group = this.recognition.currentGroup(correction.groupId, correction.strokeIds);
    if (!group) return this.listener.correctionRefused(correction.by, correction.groupId);
    this.recognition.setCorrection(group, correction);
    const { groupId, text, by } = correction;
    this.emit({ type: 'corrected', seq, groupId, strokeIds: [...group.strokeIds], text, by });
    this.listener.corrected(seq, { ...correction, strokeIds: [...group.strokeIds] });
    this.recognition.showCorrection(group);
  }

  /** Corrections of numbers whose strokes changed no longer apply: every replica drops them as it applies the change. */
  private dropStaleCorrections(seq: number, by: string): void {
    const dropped = this.recognition.pruneCorrections();
    if (dropped.length > 0) this.listener.correctionsDropped(seq, by, dropped);
  }

  private drop(id: string): void {
    this.dropped.add(id);
    this.listener.abandoned(id);
  }

  /** Records a board event in the log and hands it out to members. */
  private emit(event: BoardEvent, author?: string): void {
    const data = JSON.stringify(event);
    this.log.push(event.seq, data);
    this.listener.event(data, author);
  }
}
