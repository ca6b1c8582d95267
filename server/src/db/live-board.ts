/**
 * The board that a room's records leave, built one record at a time: what replay() computes,
 * without holding the records it no longer needs. Each live stroke and correction carries a value
 * of the caller's choosing (the record to load, its line to rewrite, nothing to count) and the
 * bytes it takes in the store, so a store knows its live size without holding the board.
 */
import { correctionKey, type StoreRecord } from './room-store.js';

interface Entry<T> {
  value: T;
  bytes: number;
}

export class LiveBoard<T> {
  readonly strokes = new Map<string, Entry<T>>();
  readonly corrections = new Map<string, Entry<T> & { strokeIds: string[] }>();
  /** Bytes of the live strokes and corrections. */
  bytes = 0;

  /** Applies one record (in order), `value` and `bytes` standing for it while it is live. */
  apply(record: StoreRecord, value: T, bytes: number): void {
    if (record.t === 'stroke') {
      // A stroke written again (re-sent after a reconnect) keeps its place, as in replay().
      this.bytes += bytes - (this.strokes.get(record.stroke.id)?.bytes ?? 0);
      this.strokes.set(record.stroke.id, { value, bytes });
    } else if (record.t === 'erase') {
      for (const id of record.ids) this.remove(this.strokes, id);
      for (const [key, c] of this.corrections) if (c.strokeIds.some((id) => record.ids.includes(id))) this.remove(this.corrections, key);
    } else if (record.t === 'correct') {
      const key = correctionKey(record.correction);
      if (record.correction.text === '') return this.remove(this.corrections, key);
      this.bytes += bytes - (this.corrections.get(key)?.bytes ?? 0);
      this.corrections.set(key, { value, bytes, strokeIds: record.correction.strokeIds });
    } else {
      this.strokes.clear();
      this.corrections.clear();
      this.bytes = 0;
    }
  }

  /** Live values: strokes in the order they were last written, then corrections. */
  values(): T[] {
    return [...[...this.strokes.values()].map((e) => e.value), ...[...this.corrections.values()].map((e) => e.value)];
  }

  private remove(map: Map<string, Entry<T>>, key: string): void {
    const entry = map.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    map.delete(key);
  }
}
