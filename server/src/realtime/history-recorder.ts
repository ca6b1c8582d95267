/**
 * Puts logged-in writers' numbers into their history. After a pen-up, the writer's number is
 * recorded once it settles (no change to it for RECORD_AFTER_MS), so a "4" drawn in two strokes is
 * one history entry, not two. Only the node the writer is connected to records; records are keyed
 * by "<room>:<stroke id of the number's last pen-up>", so recording a number twice stores it once.
 * A number the writer goes on with after its record (a pause in the middle of "7×6=") is recorded
 * again in place of its earlier records: the history keeps what was written, not the stages.
 */
import type { GroupResult } from '../../../common/protocol.js';
import type { Recognition } from '../../../common/recognition.js';
import type { Cancel, Clock } from './clock.js';

/** A writer's number goes into their history once they leave it alone this long. */
export const RECORD_AFTER_MS = 2_000;
/** Records remembered per room, for a number that grows to take their place (the latest kept). */
const RECORDS_REMEMBERED = 500;

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
  /** Keys of this writer's earlier records of this number (all of their strokes are in it): this record replaces them. */
  replaces?: string[];
}

/** The writer a record is for; their pending records are theirs until they fire. */
export interface Writer {
  userId: string | null;
}

export interface HistoryRecorderDeps {
  roomId: string;
  clock: Clock;
  /** Stores a record in the writer's history (never throws). */
  record?(entry: BoardRecord): void;
  /** The history record stored under `key`, if any, takes a correction (text null: withdrawn; never throws). */
  correct?(key: string, text: string | null): void;
  /** The logged-in writer connected here who wrote this stroke, if any. */
  writerOf(strokeId: string): Writer | undefined;
  isOnBoard(strokeId: string): boolean;
  pointsOf(strokeId: string): number[][];
  /** The number members hold this stroke in. */
  shownGroupOf(strokeId: string): GroupResult | undefined;
}

interface Pending {
  cancel: Cancel;
  fire(): void;
}

export class HistoryRecorder {
  /** Pending records per writer, keyed by the pen-up stroke that scheduled them. */
  private readonly pending = new Map<Writer, Map<string, Pending>>();
  /** The records written here, by key: whose, and of which strokes (oldest first). */
  private readonly recorded = new Map<string, { userId: string; strokeIds: readonly string[] }>();

  constructor(private readonly deps: HistoryRecorderDeps) {}

  /** Schedules the record of the number this pen-up belongs to. */
  schedule(strokeId: string): void {
    const writer = this.deps.writerOf(strokeId);
    if (!writer?.userId || !this.deps.record) return;
    let mine = this.pending.get(writer);
    if (!mine) this.pending.set(writer, (mine = new Map()));
    // A newer pen-up in the same number replaces its pending record; other numbers keep theirs.
    const group = this.deps.shownGroupOf(strokeId);
    for (const [penUp, { cancel }] of mine) {
      if (!this.deps.isOnBoard(penUp) || group?.strokeIds.includes(penUp)) {
        cancel();
        mine.delete(penUp);
      }
    }
    const fire = () => {
      cancel();
      mine.delete(strokeId);
      if (mine.size === 0 && this.pending.get(writer) === mine) this.pending.delete(writer);
      this.write(writer, strokeId);
    };
    const cancel = this.deps.clock.after(RECORD_AFTER_MS, fire);
    mine.set(strokeId, { cancel, fire });
  }

  /** A number was corrected: the record its last pen-up scheduled takes the correction. */
  correct(lastStrokeId: string, text: string): void {
    this.deps.correct?.(`${this.deps.roomId}:${lastStrokeId}`, text === '' ? null : text);
  }

  /** Records every pending number now (the room is closing) rather than losing them. */
  flush(): void {
    for (const mine of [...this.pending.values()]) for (const { fire } of [...mine.values()]) fire();
  }

  private write(writer: Writer, strokeId: string): void {
    const settled = this.deps.shownGroupOf(strokeId);
    const userId = writer.userId;
    if (!settled || !userId || settled.result.text === '') return;
    const key = `${this.deps.roomId}:${strokeId}`;
    const replaces = [...this.recorded].filter(([k, r]) => k !== key && r.userId === userId && r.strokeIds.every((id) => settled.strokeIds.includes(id))).map(([k]) => k);
    for (const k of replaces) this.recorded.delete(k);
    this.recorded.delete(key);
    this.recorded.set(key, { userId, strokeIds: settled.strokeIds });
    if (this.recorded.size > RECORDS_REMEMBERED) this.recorded.delete(this.recorded.keys().next().value!);
    this.deps.record?.({
      userId,
      key,
      strokes: settled.strokeIds.map((id) => this.deps.pointsOf(id)),
      box: settled.box,
      recognition: settled.result,
      ...(settled.correctedText !== undefined ? { correctedText: settled.correctedText } : {}),
      ...(replaces.length > 0 ? { replaces } : {}),
    });
  }
}
