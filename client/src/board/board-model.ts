import type { BoardStroke } from '../../../common/protocol.js';
import { distanceToPolyline } from './hit-test.js';

/** A stroke on the board: anyone's, complete or still being drawn. Points are in board units. */
export type InkStroke = BoardStroke;

/** `ink`: points were added or a stroke completed; `strokes`: strokes came or went. */
export type ModelChange = 'ink' | 'strokes';

/**
 * The ink on the board as this page knows it, in drawing order. The board component paints it;
 * BoardSync keeps it in step with the server. Listeners hear about every change (the board
 * repaints on the next animation frame, so a burst of changes costs one paint).
 */
export class BoardModel {
  private readonly strokes = new Map<string, InkStroke>();
  private readonly listeners = new Set<(change: ModelChange) => void>();

  get size(): number {
    return this.strokes.size;
  }

  get(id: string): InkStroke | undefined {
    return this.strokes.get(id);
  }

  has(id: string): boolean {
    return this.strokes.has(id);
  }

  values(): IterableIterator<InkStroke> {
    return this.strokes.values();
  }

  /** The completed strokes, in drawing order. */
  completed(): InkStroke[] {
    return [...this.strokes.values()].filter((s) => s.done);
  }

  /** Adds a stroke, or replaces the one with its id (a stroke restarted after its author reconnected). */
  put(stroke: InkStroke): void {
    this.strokes.set(stroke.id, { ...stroke, points: stroke.points.slice() });
    this.changed('strokes');
  }

  append(id: string, points: readonly number[][]): boolean {
    const stroke = this.strokes.get(id);
    if (!stroke || stroke.done) return false;
    for (const p of points) stroke.points.push(p);
    this.changed('ink');
    return true;
  }

  end(id: string): boolean {
    const stroke = this.strokes.get(id);
    if (!stroke || stroke.done) return false;
    stroke.done = true;
    this.changed('ink');
    return true;
  }

  remove(id: string): InkStroke | undefined {
    const stroke = this.strokes.get(id);
    if (!stroke) return undefined;
    this.strokes.delete(id);
    this.changed('strokes');
    return stroke;
  }

  /** Removes every stroke, or those for which `keep` is false. */
  clear(keep?: (stroke: InkStroke) => boolean): void {
    if (this.strokes.size === 0) return;
    for (const [id, stroke] of this.strokes) if (!keep?.(stroke)) this.strokes.delete(id);
    this.changed('strokes');
  }

  /** Replaces the whole board (a welcome that carries it). */
  replace(strokes: readonly InkStroke[]): void {
    this.strokes.clear();
    for (const s of strokes) this.strokes.set(s.id, { ...s, points: s.points.slice() });
    this.changed('strokes');
  }

  /** The top-most stroke (the latest drawn) within `radius` of (x, y), if any. */
  hitTest(x: number, y: number, radius: number): string | undefined {
    const ids = [...this.strokes.keys()];
    for (let i = ids.length - 1; i >= 0; i--) {
      const stroke = this.strokes.get(ids[i])!;
      if (distanceToPolyline([x, y], stroke.points) <= radius) return stroke.id;
    }
    return undefined;
  }

  subscribe(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: ModelChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
