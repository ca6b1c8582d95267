import { ErrorCode } from '../../../common/error-codes.js';
import type { Box } from '../../../common/preprocess.js';
import type { BoardEvent, ClientMessage, Participant, ServerMessage } from '../../../common/protocol.js';
import { BoardModel, type InkStroke } from './board-model.js';
import { nextStrokeId } from './stroke-ids.js';
import { StrokeOutbox, type PendingStroke } from './stroke-outbox.js';

export type { PendingStroke } from './stroke-outbox.js';

type Welcome = Extract<ServerMessage, { type: 'welcome' }>;
type Ack = Extract<ServerMessage, { type: 'ack' }>;
export type Limits = Welcome['limits'];

/** Until the server states its limits in the welcome. */
export const DEFAULT_LIMITS: Limits = { maxStrokes: 200, maxPointsPerStroke: 4_000, maxPointsPerMessage: 512 };

/** Own ink before the server has given us a colour. */
export const DEFAULT_INK = '#111827';

/** A change to the completed ink, which is what recognition reads (mirrors the server's notion of "the change"). */
export type InkChange =
  | { type: 'stroke'; strokeId: string }
  | { type: 'removed'; box: Box | null }
  | { type: 'cleared' }
  /** The whole board was replaced (a welcome that carries it). */
  | { type: 'replaced' };

export interface BoardSyncIo {
  /** Sends if the session is up; false otherwise (the message is dropped). */
  send(message: ClientMessage): boolean;
  onInkChange(change: InkChange): void;
  /** The stroke being drawn here was erased or cleared by someone: stop drawing it. */
  onStrokeCancelled(strokeId: string): void;
}

function boundsOf(strokes: readonly InkStroke[]): Box | null {
  let box: Box | null = null;
  for (const s of strokes) {
    for (const [x, y] of s.points) {
      box = box
        ? { minX: Math.min(box.minX, x), minY: Math.min(box.minY, y), maxX: Math.max(box.maxX, x), maxY: Math.max(box.maxY, y) }
        : { minX: x, minY: y, maxX: x, maxY: y };
    }
  }
  return box;
}

/**
 * Keeps this page's copy of a shared board in step with the server (protocol 2): applies board
 * events, sends the ink drawn here, remembers own strokes until they are acknowledged so that
 * they can be re-sent after a reconnect (stroke-outbox.ts), and keeps the redo stack of own
 * strokes undone.
 *
 * The server does not echo a writer's own strokes to it, but it does replay them to a resuming
 * client (its log holds every event): events about strokes made on this page are ignored, since
 * the page's copy is at least as new.
 */
export class BoardSync {
  readonly model = new BoardModel();
  /** Who we are on this board (from the welcome). */
  me: Participant | undefined;
  limits: Limits = DEFAULT_LIMITS;

  /** Strokes drawn on this page (in this room), acknowledged or not. */
  private readonly own = new Set<string>();
  private readonly outbox = new StrokeOutbox(
    (message) => this.io.send(message),
    () => this.limits.maxPointsPerMessage,
  );
  /** Points of own strokes undone, newest last. */
  private readonly redoStack: number[][][] = [];
  /** Strokes this page erased and whose `erased` has not come back (optimistic). */
  private readonly pendingErases = new Set<string>();
  private pendingUndos = 0;
  private pendingClears = 0;
  /** The stroke being drawn here. */
  private drawing: string | undefined;

  constructor(private readonly io: BoardSyncIo) {}

  /** The colour of ink drawn here. */
  get ownColor(): string {
    return this.me?.color ?? DEFAULT_INK;
  }

  /** Whether the server has one of our strokes to undo (it undoes the sender's own completed strokes). */
  get canUndo(): boolean {
    for (const s of this.model.values()) if (s.done && this.isMine(s)) return true;
    return false;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** A clear was sent and has not come back: results computed before it are stale. */
  get clearPending(): boolean {
    return this.pendingClears > 0;
  }

  /** Whether someone else's ink is on the board (clearing it deserves a confirmation). */
  get hasOthersInk(): boolean {
    for (const s of this.model.values()) if (!this.isMine(s)) return true;
    return false;
  }

  isMine(stroke: InkStroke): boolean {
    return this.own.has(stroke.id) || (this.me !== undefined && stroke.author === this.me.id);
  }

  /** Forgets everything: another board is about to be joined. */
  reset(): void {
    this.me = undefined;
    this.own.clear();
    this.outbox.clear();
    this.redoStack.length = 0;
    this.pendingErases.clear();
    this.pendingUndos = this.pendingClears = 0;
    if (this.drawing) this.cancelDrawing();
    this.model.replace([]);
  }

  /**
   * A session is up. With a board, it replaces ours (own strokes the server lacks are kept, to
   * be re-sent); without one, the events we missed follow in the same frame.
   */
  welcome(welcome: Welcome): void {
    this.me = welcome.you;
    this.limits = { ...DEFAULT_LIMITS, ...welcome.limits };
    // Whatever was in flight on the old connection is answered (or not) by the replay.
    this.pendingUndos = this.pendingClears = 0;
    this.pendingErases.clear();
    if (!welcome.board) return;
    const board = welcome.board.strokes;
    const onServer = new Map(board.map((s) => [s.id, s]));
    const keep: InkStroke[] = [];
    // Own strokes not acknowledged stay, to be re-sent, unless the server has them complete:
    // stored, whatever became of the ack.
    for (const id of this.outbox.keepUnsent((id) => this.model.has(id) && !onServer.get(id)?.done)) {
      const local = this.model.get(id);
      if (!local) continue;
      onServer.delete(id);
      keep.push({ ...local, author: welcome.you.id, color: welcome.you.color });
    }
    this.model.replace([...onServer.values(), ...keep]);
    this.io.onInkChange({ type: 'replaced' });
  }

  /** After the welcome's frame (replayed events included): re-sends own strokes not acknowledged. */
  resend(): void {
    this.outbox.resend((id) => this.model.get(id));
  }

  /**
   * Own completed strokes the server has not acknowledged: what closing the page now would lose
   * (kept in IndexedDB while offline, see offline-ink.ts).
   */
  pendingInk(): PendingStroke[] {
    return this.outbox.pending((id) => this.model.get(id));
  }

  /**
   * Puts back own ink written before a reload and never acknowledged: drawn at once, sent after
   * the next welcome like any unacknowledged stroke. The server takes a stroke id it already has
   * as a duplicate, so ink that did arrive before the reload is not doubled.
   */
  restore(strokes: readonly PendingStroke[]): void {
    let added = false;
    for (const { id, points } of strokes) {
      if (this.model.has(id) || points.length === 0) continue;
      this.own.add(id);
      this.model.put({ id, author: this.me?.id ?? '', color: this.ownColor, points: points.slice(0, this.limits.maxPointsPerStroke), done: true });
      // Online already (the welcome came before storage answered): out now; otherwise after the welcome.
      this.outbox.add(id, points, true);
      added = true;
    }
    if (added) this.io.onInkChange({ type: 'replaced' });
  }

  /** A board event or an ack from the server. */
  apply(message: BoardEvent | Ack): void {
    switch (message.type) {
      case 'stroke-begin': {
        const { stroke } = message;
        if (this.own.has(stroke.id)) return;
        this.model.put(stroke);
        if (stroke.done) this.io.onInkChange({ type: 'stroke', strokeId: stroke.id });
        return;
      }
      case 'stroke-points':
        if (!this.own.has(message.strokeId)) this.model.append(message.strokeId, message.points);
        return;
      case 'stroke-end':
        if (!this.own.has(message.strokeId) && this.model.end(message.strokeId)) {
          this.io.onInkChange({ type: 'stroke', strokeId: message.strokeId });
        }
        return;
      case 'erased':
        return this.onErased(message.strokeIds, message.by);
      case 'cleared':
        return this.onCleared(message.by);
      case 'ack':
        this.outbox.delete(message.strokeId);
        return;
      case 'corrected':
        // The ink is unchanged; what the number reads comes with the result that follows.
        return;
      default: {
        const unexpected: never = message;
        return unexpected;
      }
    }
  }

  /** An error from the server about what we sent. True when it is ours to absorb, not the user's to read. */
  absorbError(code: string): boolean {
    switch (code) {
      case ErrorCode.nothingToUndo:
        this.pendingUndos = Math.max(0, this.pendingUndos - 1);
        return false;
      case ErrorCode.tooMuchInk: {
        // The board refused our latest stroke (errors name no stroke: it is the one being sent),
        // at its start or part way (then the server holds a piece of it, erased here to match).
        // Take it off here too, so that everyone sees the same board; the user reads why.
        const latest = this.outbox.latest();
        if (latest) {
          if (this.outbox.isSent(latest) && this.io.send({ type: 'erase', strokeId: latest })) this.pendingErases.add(latest);
          this.outbox.delete(latest);
          this.model.remove(latest);
          if (this.drawing === latest) this.cancelDrawing();
        }
        return false;
      }
      // Erasing a stroke that someone removed first, reconciling after a clear, or re-sending a
      // stroke under a new identity after the server forgot our session: nothing to tell anyone.
      case ErrorCode.unknownStroke:
      case ErrorCode.duplicateStroke:
        return true;
      default:
        return false;
    }
  }

  // --- Ink drawn on this page -------------------------------------------------------------

  /** Pen down. Returns false when the stroke is refused (nothing is drawn). */
  penDown(strokeId: string, points: number[][]): boolean {
    const accepted = points.slice(0, this.limits.maxPointsPerStroke);
    if (accepted.length === 0) return false;
    // A new stroke ends the redo chain, as in any editor.
    this.redoStack.length = 0;
    this.own.add(strokeId);
    this.drawing = strokeId;
    this.model.put({ id: strokeId, author: this.me?.id ?? '', color: this.ownColor, points: accepted, done: false });
    this.outbox.add(strokeId, accepted, false);
    return true;
  }

  penMove(strokeId: string, points: number[][]): void {
    const stroke = this.model.get(strokeId);
    if (this.drawing !== strokeId || !stroke || !this.outbox.has(strokeId)) return;
    // Past the per-stroke limit the pen draws nothing more (everyone sees the same ink).
    const accepted = points.slice(0, Math.max(0, this.limits.maxPointsPerStroke - stroke.points.length));
    if (accepted.length === 0) return;
    this.model.append(strokeId, accepted);
    // Not yet sent (offline): the whole stroke goes out after the reconnect.
    this.outbox.append(strokeId, accepted);
  }

  penUp(strokeId: string): void {
    if (this.drawing !== strokeId) return;
    this.drawing = undefined;
    if (!this.model.end(strokeId) || !this.outbox.end(strokeId)) return;
    this.io.onInkChange({ type: 'stroke', strokeId });
  }

  /** Asks the server to remove our latest stroke; the board changes when its `erased` comes back. */
  undo(): boolean {
    if (!this.canUndo || !this.io.send({ type: 'undo' })) return false;
    this.pendingUndos += 1;
    return true;
  }

  /** Writes the latest undone stroke again, as a new stroke (ids are never reused). */
  redo(): boolean {
    const points = this.redoStack.pop();
    if (!points) return false;
    const strokeId = nextStrokeId();
    this.own.add(strokeId);
    this.model.put({ id: strokeId, author: this.me?.id ?? '', color: this.ownColor, points, done: true });
    this.outbox.add(strokeId, points, true);
    this.io.onInkChange({ type: 'stroke', strokeId });
    return true;
  }

  /** Removes a stroke (anyone's) at once, and tells the server. False when it cannot be told (offline). */
  erase(strokeId: string): boolean {
    const stroke = this.model.get(strokeId);
    if (!stroke) return false;
    // A stroke never sent (drawn offline) is unknown to the server: nobody to tell.
    if (!this.outbox.isUnsent(strokeId)) {
      if (!this.io.send({ type: 'erase', strokeId })) return false;
      this.pendingErases.add(strokeId);
    }
    this.outbox.delete(strokeId);
    this.model.remove(strokeId);
    if (this.drawing === strokeId) this.cancelDrawing();
    if (stroke.done) this.io.onInkChange({ type: 'removed', box: boundsOf([stroke]) });
    return true;
  }

  /**
   * Says what a number on the board is (`text` "" goes back to the model's reading), for everyone.
   * `strokeIds` are the number's strokes as shown: the server applies it only while they still
   * are. The label changes when the server's next result carries it. False when offline.
   */
  correct(groupId: string, strokeIds: readonly string[], text: string): boolean {
    if (strokeIds.length === 0) return false;
    return this.io.send({ type: 'correct', groupId, strokeIds: [...strokeIds], text });
  }

  /** Wipes the board for everyone. False when the server cannot be told (offline). */
  clear(): boolean {
    if (!this.io.send({ type: 'clear' })) return false;
    this.pendingClears += 1;
    this.outbox.clear();
    if (this.drawing) this.cancelDrawing();
    this.model.clear();
    this.io.onInkChange({ type: 'cleared' });
    return true;
  }

  // --- Events from others -----------------------------------------------------------------

  private onErased(ids: readonly string[], by: string): void {
    const byMe = this.me !== undefined && by === this.me.id;
    const erasedHere = byMe && ids.every((id) => this.pendingErases.has(id));
    const undone = byMe && !erasedHere && this.pendingUndos > 0;
    if (erasedHere) for (const id of ids) this.pendingErases.delete(id);
    if (undone) this.pendingUndos -= 1;
    const removed: InkStroke[] = [];
    for (const id of ids) {
      const stroke = this.model.remove(id);
      this.outbox.delete(id);
      if (!stroke) continue;
      if (this.drawing === id) this.cancelDrawing();
      // Ours, from this page or (same participant after a reload) an earlier one.
      if (undone && this.isMine(stroke)) this.redoStack.push(stroke.points);
      if (stroke.done) removed.push(stroke);
    }
    if (removed.length > 0) this.io.onInkChange({ type: 'removed', box: boundsOf(removed) });
  }

  private onCleared(by: string): void {
    if (this.pendingClears > 0 && this.me !== undefined && by === this.me.id) {
      // Our own clear: the board was wiped when we sent it. Others' ink that reached us meanwhile
      // was drawn before it; ours since was sent after it and stays.
      this.pendingClears -= 1;
      this.model.clear((s) => this.own.has(s.id));
      this.io.onInkChange({ type: 'cleared' });
      return;
    }
    // Someone's clear. Own strokes that went out before we heard of it may have reached the
    // server before the clear (wiped there, and their later points dropped silently) or after it
    // (kept): we cannot tell which, so erase them to be sure both sides agree. Ink the server has
    // never seen (drawn offline) stays, and goes out after the reconnect.
    this.model.clear((s) => {
      if (this.own.has(s.id) && this.outbox.isUnsent(s.id)) return true;
      if (this.outbox.has(s.id) && this.io.send({ type: 'erase', strokeId: s.id })) this.pendingErases.add(s.id);
      this.outbox.delete(s.id);
      if (this.drawing === s.id) this.cancelDrawing();
      return false;
    });
    this.io.onInkChange({ type: 'cleared' });
  }

  private cancelDrawing(): void {
    const id = this.drawing;
    this.drawing = undefined;
    if (id) this.io.onStrokeCancelled(id);
  }
}
