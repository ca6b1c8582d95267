/** What the board reports, and the types it is given: the board's side of its events and properties. */

/** A point of ink: board units (see board-space.ts), and ms since the stroke began. */
export type Point = [x: number, y: number, t: number];

export type Tool = 'pen' | 'eraser';

export interface StrokeDetail {
  strokeId: string;
  /** The new points only: all of them for `stroke-begin`, those since the last event for `stroke-points`. */
  points: Point[];
}

export interface StrokeEndDetail {
  strokeId: string;
}

/** Someone says what a number on the board is (`text` "" goes back to the model's reading). */
export interface CorrectNumberDetail {
  groupId: string;
  /** The number's strokes as shown: the correction holds only while the number has exactly these. */
  strokeIds: string[];
  text: string;
}

export interface BoardPointerDetail {
  x: number;
  y: number;
}

/** Someone else's pointer on the board. */
export interface RemoteCursor {
  id: string;
  name: string;
  color: string;
  x: number;
  y: number;
  /** Not moved for a while: shown faded. */
  idle: boolean;
}

/** The events the board fires. */
export type BoardEventType = 'stroke-begin' | 'stroke-points' | 'stroke-end' | 'erase-stroke' | 'board-pointer' | 'correct-number';

/** Fires one of the board's events from `target` (the board), out through its shadow root. */
export function emitBoardEvent<K extends BoardEventType>(target: EventTarget, type: K, detail: HTMLElementEventMap[K]['detail']): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'stroke-begin': CustomEvent<StrokeDetail>;
    'stroke-points': CustomEvent<StrokeDetail>;
    'stroke-end': CustomEvent<StrokeEndDetail>;
    'erase-stroke': CustomEvent<StrokeEndDetail>;
    'board-pointer': CustomEvent<BoardPointerDetail>;
    'correct-number': CustomEvent<CorrectNumberDetail>;
  }
}
