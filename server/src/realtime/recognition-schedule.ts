/**
 * Which numbers on a board to recognize, when, and what members are told. Every number whose
 * strokes changed is recognized once the message that changed it is handled, concurrently with
 * the others, and its result is broadcast as soon as it is known, unless the number changed
 * meanwhile. A change whose number members already hold is answered at once with that number's
 * result. A clear or a reset starts a new PlaceGroups: groups from before are never current.
 *
 * No timers and no I/O: the recognizer, the "soon" scheduler and the output are injected.
 */
import { PlaceGroups, type StrokeGroup } from '../../../common/grouping.js';
import { toRect, type Box } from '../../../common/preprocess.js';
import { ErrorCode, type GroupResult, type ServerMessage } from '../../../common/protocol.js';
import type { MathItem, Recognition } from '../../../common/recognition.js';
import { applyDelta } from '../../../common/result-delta.js';
import { columnSums } from '../../../common/column-sums.js';
import type { StoredCorrection } from '../db/room-store.js';
import { Corrections, currentGroup } from './corrections.js';

/** What a change touched: a pen-up's number, the number nearest erased ink, or nothing in particular (a clear). */
export type ChangeSite = { strokeId: string } | { box: Box } | null;

export interface RecognitionScheduleDeps {
  recognize(strokes: readonly number[][][]): Promise<Recognition>;
  modelVersion: string;
  /** The points of a stroke on the board ([] when it is gone). */
  pointsOf(strokeId: string): number[][];
  /** Runs `fn` once the current message is handled (a microtask in production). */
  soon(fn: () => void): void;
  /** Sends a message to every member here. */
  broadcast(msg: ServerMessage): void;
  /** A pen-up's number has just been sent to members. */
  numberShown(strokeId: string): void;
  warn(err: Error, msg: string): void;
}

const emptyRecognition = (model: string): Recognition => ({ text: '', digits: [], rejected: [], model, ms: 0 });

export class RecognitionSchedule {
  private grouping = new PlaceGroups();
  /** Completed strokes on the board: what results count. */
  private completed = 0;
  /** Numbers the current message changed (or whose recognition failed): recognized in flush(). */
  private readonly changed = new Set<StrokeGroup>();
  /** What those changes touched: a change whose number members already hold is answered at once. */
  private sitesToAnswer: ChangeSite[] = [];
  private flushing = false;
  private recognizing = 0;
  /** Pen-ups whose number was not broadcast yet: each is reported by numberShown once it is. */
  private readonly penUps = new Set<string>();
  /** What participants said numbers are; the numbers members hold carry them. */
  private readonly corrections = new Corrections();
  /** What members hold: every number broadcast so far (by id, as `removed` left them), and the latest result. */
  private lastResult: { strokes: number; result: Recognition; groups: Map<string, GroupResult>; sums: MathItem[] } | null = null;
  private closed = false;

  constructor(private readonly deps: RecognitionScheduleDeps) {}

  /** True while a recognition runs or a flush is due. */
  get busy(): boolean {
    return this.recognizing > 0 || this.flushing;
  }

  close(): void {
    this.closed = true;
  }

  /** Starts over from a whole board: every number is recognized anew. */
  reset(strokes: readonly { id: string; points: number[][] }[], corrections: readonly StoredCorrection[]): void {
    this.completed = strokes.length;
    this.grouping = new PlaceGroups(strokes);
    this.corrections.reset(this.grouping, corrections);
    this.changed.clear();
    for (const group of this.grouping.values()) this.changed.add(group);
    this.lastResult = null;
    if (this.changed.size > 0) this.flushSoon();
  }

  /** A stroke was completed. */
  add(stroke: { id: string; points: number[][] }): void {
    this.completed++;
    const groups = this.grouping.add(stroke);
    for (const group of groups) this.changed.add(group);
    if (groups.length) this.penUps.add(stroke.id);
  }

  /** A completed stroke was erased. */
  remove(strokeId: string): void {
    this.completed--;
    for (const group of this.grouping.remove(strokeId)) this.changed.add(group);
    this.penUps.delete(strokeId);
  }

  clear(): void {
    this.completed = 0;
    this.grouping = new PlaceGroups();
    this.corrections.reset();
    this.changed.clear();
    this.penUps.clear();
  }

  /** Notes what a change touched; the numbers it changed are recognized once the message is handled. */
  noteChange(site: ChangeSite): void {
    this.sitesToAnswer.push(site);
    this.flushSoon();
  }

  /** The current number with this id and exactly these strokes, if there is one. */
  currentGroup(groupId: string, strokeIds: readonly string[]): StrokeGroup | undefined {
    return currentGroup(this.grouping, groupId, strokeIds);
  }

  /** Sets (text "": withdraws) the correction of a current number. */
  setCorrection(group: StrokeGroup, correction: StoredCorrection): void {
    this.corrections.set(group, correction);
  }

  /**
   * Sends a corrected number again if members hold it; otherwise its recognition is under way and
   * its result will carry the correction.
   */
  showCorrection(group: StrokeGroup): void {
    const shown = this.lastResult?.groups.get(group.strokeIds[0]);
    if (shown && this.sameStrokes(shown, group)) this.broadcastResult(shown.result, this.corrections.decorate(shown, group));
  }

  /** Corrections of numbers whose strokes changed no longer apply: dropped, and returned. */
  pruneCorrections(): StoredCorrection[] {
    return this.corrections.prune(this.grouping);
  }

  /** The number members hold this stroke in. */
  shownGroupOf(strokeId: string): GroupResult | undefined {
    for (const g of this.lastResult?.groups.values() ?? []) if (g.strokeIds.includes(strokeId)) return g;
    return undefined;
  }

  /** Everything members hold, for a member who joins: null before the first result. */
  fullResult(): ServerMessage | null {
    if (!this.lastResult) return null;
    // In reading order, as every member's own copy is (applyDelta sorts).
    const groups = applyDelta([], { groups: [...this.lastResult.groups.values()], removed: [], full: false });
    const { strokes, result, sums } = this.lastResult;
    return { type: 'result', strokes, result, groups, removed: [], full: true, sums };
  }

  /** The changes of a message (the bus may deliver many at once) are taken together, once it is handled. */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    this.deps.soon(() => this.flush());
  }

  /** Recognizes the numbers that changed, and answers the changes whose number members already hold. */
  private flush(): void {
    this.flushing = false;
    if (this.closed) return;
    for (const group of this.changed) if (this.isCurrent(group) && !this.shownAsIs(group)) this.recognizeGroup(group);
    this.changed.clear();
    // A change whose number is being recognized is answered by that number's result.
    let answer: Recognition | undefined;
    for (const change of this.sitesToAnswer) {
      const group = this.groupAt(change);
      if (!group) answer = emptyRecognition(this.deps.modelVersion);
      else answer = this.shownAsIs(group)?.result ?? answer;
    }
    this.sitesToAnswer = [];
    if (answer) this.broadcastResult(answer);
  }

  private recognizeGroup(group: StrokeGroup): void {
    this.recognizing++;
    this.deps
      .recognize(group.strokeIds.map((id) => this.deps.pointsOf(id)))
      .then((result) => {
        // Changed meanwhile: a recognition of its new strokes is under way.
        if (this.closed || !this.isCurrent(group)) return;
        this.broadcastResult(result, this.corrections.decorate({ id: group.strokeIds[0], box: toRect(group.box), strokeIds: group.strokeIds, result }, group));
      })
      .catch((err: Error) => {
        this.deps.warn(err, 'recognition failed');
        if (this.closed || !this.isCurrent(group)) return;
        this.deps.broadcast({ type: 'error', code: ErrorCode.recognitionFailed, message: 'recognition failed; the ink is kept' });
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
    // Sums depend on every number of their column: found anew from what members now hold.
    const sums = columnSums([...groups.values()], (id) => this.deps.pointsOf(id));
    this.lastResult = { strokes: this.completed, result, groups, sums };
    this.deps.broadcast({ type: 'result', strokes: this.completed, result, groups: group ? [group] : [], removed, full: false, sums });
    for (const id of group?.strokeIds ?? []) if (this.penUps.delete(id)) this.deps.numberShown(id);
  }

  private isCurrent(group: StrokeGroup): boolean {
    return this.grouping.get(group.strokeIds[0]) === group;
  }

  /**
   * The number as members hold it, if they hold exactly these strokes under its id, with its
   * correction as it stands (a correction dropped since is sent again as a new result).
   */
  private shownAsIs(group: StrokeGroup): GroupResult | undefined {
    const shown = this.lastResult?.groups.get(group.strokeIds[0]);
    const same = shown && this.sameStrokes(shown, group) && shown.correctedText === this.corrections.of(group)?.text;
    return same ? shown : undefined;
  }

  private sameStrokes(shown: GroupResult, group: StrokeGroup): boolean {
    return shown.strokeIds.length === group.strokeIds.length && shown.strokeIds.every((id) => this.grouping.groupOf(id) === group);
  }

  /** The number a change touched: the pen-up's, or the one nearest the erased ink. */
  private groupAt(change: ChangeSite): StrokeGroup | undefined {
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
}
