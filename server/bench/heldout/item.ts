/** What every held-out set is made of: ink to write (boards and REST) or an image to upload. */
import type { Ink } from './ink.js';

/** The fixed logical board of the web client (docs/protocol.md); REST ink is sent on the same canvas. */
export const BOARD = { width: 1600, height: 1000 } as const;

export interface InkItem {
  id: string;
  strokes: Ink;
  /** The numbers a board must end with, in reading order; [] when it must abstain (no digit read). */
  expect: string[];
  /** How the item was made (style, template, spacing), for reading failures. */
  note: string;
}

export interface ImageItem {
  id: string;
  type: 'image/png' | 'image/jpeg';
  /** Encodes the image (large ones are made when needed, not held). */
  make: () => Promise<Buffer>;
  /** The text the upload must read. */
  expect: string;
  note: string;
}

export interface InkSet {
  name: string;
  kind: 'ink';
  /** What a pass means for this set. */
  measure: 'exact' | 'abstain';
  /** Whether REST reads it too (a pair of numbers is a board's notion). */
  rest: boolean;
  items: InkItem[];
  target?: number;
}

export interface ImageSet {
  name: string;
  kind: 'image';
  /** What a pass means for this set: the digits read exactly, or none read at all. */
  measure: 'exact' | 'abstain';
  items: ImageItem[];
  target?: number;
}

export type HeldoutSet = InkSet | ImageSet;
