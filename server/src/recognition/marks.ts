/**
 * Which components may be digits or parts of digits (specks and bands along the border dropped),
 * grouped by horizontal overlap, the line's height, and where a wide mark may be cut into touching
 * digits. Which marks make a digit, and where to cut, is decided in image.ts by reading them all.
 */
import { groupByOverlap } from '../../../common/segment.js';
import type { Component, InkBox } from './components.js';

/** Components that overlap horizontally (the two strokes of a 4 or 5): used for the line's height and the count of digits. */
export interface MarkGroup extends InkBox {
  members: Component[];
}

/**
 * A band along an edge of the photo (the page's edge, the table, the corners of a tilted shot):
 * lying on the border for most of its length, and shallow. A digit cropped tightly touches the
 * border too, but only where its strokes end, or it is deep (the bar of a 7 along the top).
 */
function isBorderBand(c: InkBox, w: number, h: number): boolean {
  const [top, right, bottom, left] = c.contact;
  const cw = c.maxX - c.minX + 1, ch = c.maxY - c.minY + 1;
  const alongX = Math.max(top, bottom) >= Math.max(0.5 * cw, 0.05 * w) && ch <= 0.15 * h;
  const alongY = Math.max(left, right) >= Math.max(0.5 * ch, 0.05 * h) && cw <= 0.15 * w;
  return alongX || alongY;
}

/** Components -> groups of horizontally overlapping ones on the same line, left to right (common/segment.ts). */
export function overlapGroups(components: readonly Component[]): MarkGroup[] {
  // A component's columns minX..maxX are maxX - minX + 1 pixels wide.
  return groupByOverlap(components.map((c) => ({ minX: c.minX, minY: c.minY, maxX: c.maxX + 1, maxY: c.maxY })), { sameLine: true }).map((members) => {
    const group: MarkGroup = { members: [], area: 0, minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, contact: [0, 0, 0, 0] };
    for (const c of members.map((k) => components[k])) {
      group.members.push(c);
      group.area += c.area;
      group.minX = Math.min(group.minX, c.minX);
      group.minY = Math.min(group.minY, c.minY);
      group.maxX = Math.max(group.maxX, c.maxX);
      group.maxY = Math.max(group.maxY, c.maxY);
      for (let k = 0; k < 4; k++) group.contact[k] += c.contact[k];
    }
    return group;
  });
}

export interface KeptMarks {
  /** The components that may be digits or parts of digits, by the centre of their box, left to right. */
  marks: Component[];
  /** Height of the line's digits: the median height of the groups at least half as tall as the tallest. */
  lineHeight: number;
  /** Groups at least 0.4 of the line's height: how many digits the image seems to hold. */
  digitLike: number;
}

/**
 * Drops specks (small against the image and against the largest mark) and bands along the border
 * (page edges, the table). Everything else stays, short marks included: whether a mark is a digit,
 * part of one or not a digit is the reading's call (image.ts).
 */
export function keepMarks(components: readonly Component[], w: number, h: number): KeptMarks {
  const maxArea = components.reduce((m, c) => Math.max(m, c.area), 0);
  // Floors that scale down with the image: an 8 x 8 scan's strokes are a few pixels.
  const minArea = Math.max(2, Math.min(8, 0.002 * w * h), 2e-5 * w * h, 0.04 * maxArea);
  const minExtent = Math.max(Math.min(4, 0.25 * Math.min(w, h)), 0.02 * Math.min(w, h));
  const kept = components.filter((c) => {
    const cw = c.maxX - c.minX + 1, ch = c.maxY - c.minY + 1;
    return c.area >= minArea && Math.max(cw, ch) >= minExtent && !isBorderBand(c, w, h);
  });
  // A band cut into pieces (by a shadow, say) shows only once they are together.
  const groups = overlapGroups(kept).filter((g) => !isBorderBand(g, w, h));
  const marks = groups.flatMap((g) => g.members).sort((a, b) => a.minX + a.maxX - (b.minX + b.maxX));
  if (groups.length === 0) return { marks: [], lineHeight: 0, digitLike: 0 };
  const heights = groups.map((g) => g.maxY - g.minY + 1);
  const tallest = Math.max(...heights);
  const tall = heights.filter((x) => x >= 0.5 * tallest).sort((a, b) => a - b);
  const lineHeight = tall[tall.length >> 1];
  return { marks, lineHeight, digitLike: heights.filter((x) => x >= 0.4 * lineHeight).length };
}

export interface Cut {
  /** First column of the right-hand piece (image x). */
  x: number;
  /** Ink pixels of the mark in the column cut through. */
  ink: number;
  /** Strokes the cut goes through: runs of the mark's pixels down that column. */
  runs: number;
}

/**
 * Where a wide mark may be cut into digits written so close that they touch: for 2 up to `maxPieces`
 * pieces side by side, the columns with the least ink near the evenly spaced positions, as long as
 * every piece holds some ink. Left to right, without near-duplicates.
 */
export function cutColumns(c: Component, labels: Int32Array, w: number, maxPieces: number): Cut[] {
  const gw = c.maxX - c.minX + 1;
  const column = new Int32Array(gw);
  for (let y = c.minY; y <= c.maxY; y++) {
    const row = y * w;
    for (let x = c.minX; x <= c.maxX; x++) if (labels[row + x] === c.label) column[x - c.minX]++;
  }
  const prefix = new Int32Array(gw + 1);
  for (let x = 0; x < gw; x++) prefix[x + 1] = prefix[x] + column[x];
  const found: number[] = [];
  for (let pieces = 2; pieces <= maxPieces; pieces++) {
    const cuts = [0];
    const step = gw / pieces;
    for (let k = 1; k < pieces; k++) {
      const centre = Math.round(k * step);
      let best = centre;
      for (let x = Math.max(cuts[k - 1] + 1, Math.round(centre - step / 4)); x <= Math.min(gw - 1, Math.round(centre + step / 4)); x++) {
        if (column[x] < column[best] || (column[x] === column[best] && Math.abs(x - centre) < Math.abs(best - centre))) best = x;
      }
      cuts.push(best);
    }
    cuts.push(gw);
    let ok = true;
    for (let k = 0; k < pieces; k++) if (prefix[cuts[k + 1]] - prefix[cuts[k]] < (0.5 * c.area) / pieces) ok = false;
    if (ok) found.push(...cuts.slice(1, -1));
  }
  const near = Math.max(2, 0.08 * (c.maxY - c.minY + 1));
  const out: Cut[] = [];
  for (const x of [...new Set(found)].sort((a, b) => a - b)) {
    if (out.length > 0 && x - (out[out.length - 1].x - c.minX) < near) continue;
    let runs = 0;
    for (let y = c.minY, inside = false; y <= c.maxY; y++) {
      const on = labels[y * w + c.minX + x] === c.label;
      if (on && !inside) runs++;
      inside = on;
    }
    out.push({ x: c.minX + x, ink: column[x], runs });
  }
  return out;
}

/** A stretch of one component: columns x0..x1 of it (a whole component, or a piece between cuts). */
export interface Part {
  label: number;
  x0: number;
  x1: number;
}
