/**
 * Where each number's label goes on the board: beside its ink, never over another label, never
 * over another number's ink, never over its own (touching is fine), and inside the board. A label
 * with a place of its own (a value after its "=", a sum under its rule) goes there, or as near as
 * the same rules allow. Pure: boxes and sizes in, positions out, all in board units.
 */

/** A rectangle in board units: top left corner and size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A label to place: the ink box of its number, and the label's own size. */
export interface LabelRequest {
  box: Rect;
  width: number;
  height: number;
  /**
   * Where the label's top left corner should be, when it has a place of its own rather than a
   * side of its box (a value after its "="). Its `box` is then ink that the numbers' requests
   * already stand for (an expression, a column of numbers): it keeps this label off that ink,
   * and nobody else (a column's box spans the labels beside its shorter numbers).
   */
  at?: { x: number; y: number };
}

export interface LayoutArea {
  /** The board's size: every label stays inside [0, width] x [0, height]. */
  width: number;
  height: number;
  /** Space kept between a label and the ink it belongs to. */
  gap: number;
}

type Side = 'right' | 'left' | 'above' | 'below';
/** The order of preference: right of the box at its top, left of it, above, below. */
const SIDES: readonly Side[] = ['right', 'left', 'above', 'below'];
/** Positions tried per label at most, so that a crowded board costs bounded time (a few rings around each box). */
const MAX_TRIES = 4_000;

/** Whether two rectangles share some area (edges that only touch do not count). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The label at (x, y), kept inside the board. */
function inside(request: LabelRequest, area: LayoutArea, x: number, y: number): Rect {
  const { width, height } = request;
  // A label larger than the board cannot fit anyway: it then starts at the board's origin.
  return { x: Math.max(0, Math.min(x, area.width - width)), y: Math.max(0, Math.min(y, area.height - height)), width, height };
}

/**
 * The label's position on `side` of `box`, moved `along` the side (down for left and right,
 * rightwards for above and below) and `out` further away from it, then kept inside the board.
 */
function candidate(request: LabelRequest, area: LayoutArea, side: Side, along: number, out: number): Rect {
  const { box, width, height } = request;
  const g = area.gap;
  let x: number;
  let y: number;
  switch (side) {
    case 'right':
      x = box.x + box.width + g + out;
      y = box.y + along;
      break;
    case 'left':
      x = box.x - g - width - out;
      y = box.y + along;
      break;
    case 'above':
      x = box.x + along;
      y = box.y - g - height - out;
      break;
    case 'below':
      x = box.x + along;
      y = box.y + box.height + g + out;
      break;
  }
  return inside(request, area, x, y);
}

/**
 * Positions to try for a label with a place of its own: that place, then cells around it in
 * widening rings, nearer first and, at the same distance, along its line before off it.
 */
function* around(request: LabelRequest, at: { x: number; y: number }, area: LayoutArea): Generator<Rect> {
  yield inside(request, area, at.x, at.y);
  const step = Math.max(1, Math.min(request.width, request.height) / 2);
  const rings = Math.ceil(Math.max(area.width, area.height) / step) + 1;
  for (let ring = 1; ring <= rings; ring++) {
    const cells: [number, number][] = [];
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) if (Math.max(Math.abs(i), Math.abs(j)) === ring) cells.push([i, j]);
    }
    cells.sort(([ai, aj], [bi, bj]) => Math.abs(ai) + Math.abs(aj) - (Math.abs(bi) + Math.abs(bj)) || Math.abs(aj) - Math.abs(bj) || bi - ai || bj - aj);
    for (const [i, j] of cells) yield inside(request, area, at.x + i * step, at.y + j * step);
  }
}

/**
 * Positions to try, most preferred first: the four sides as they are, then nudged in widening
 * rings (slid along a side by whole steps, then pushed away from the box), until the ring spans
 * the board. A label with a place of its own tries around that place instead.
 */
function* candidates(request: LabelRequest, area: LayoutArea): Generator<Rect> {
  if (request.at) {
    yield* around(request, request.at, area);
    return;
  }
  for (const side of SIDES) yield candidate(request, area, side, 0, 0);
  const step = Math.max(1, Math.min(request.width, request.height) / 2);
  const rings = Math.ceil(Math.max(area.width, area.height) / step) + 1;
  for (let ring = 1; ring <= rings; ring++) {
    for (const side of SIDES) {
      // The cells of this ring: pushed out by `ring` steps with any slide up to it, or slid by
      // exactly `ring` steps at a lesser push; nearer (smaller slide + push) first.
      for (let distance = ring; distance <= 2 * ring; distance++) {
        for (let slide = Math.min(ring, distance); slide >= Math.max(0, distance - ring); slide--) {
          const out = distance - slide;
          if (Math.max(slide, out) !== ring) continue;
          yield candidate(request, area, side, slide * step, out * step);
          if (slide > 0) yield candidate(request, area, side, -slide * step, out * step);
        }
      }
    }
  }
}

/**
 * Places every label, in the order given (reading order: earlier numbers get the better spots;
 * labels with a place of their own first, so that they get it).
 * A label takes the first position, in order of preference, that overlaps no label placed
 * before it and no number's ink box (its own included). Should the board be too crowded for
 * that, it takes the position that overlaps least, labels counting far more than ink.
 * Returns one rectangle per request, in the same order.
 */
export function layoutLabels(requests: readonly LabelRequest[], area: LayoutArea): Rect[] {
  const placed: Rect[] = [];
  requests.forEach((request, index) => {
    let best: Rect | undefined;
    let bestCost = Infinity;
    let tries = 0;
    for (const spot of candidates(request, area)) {
      let cost = overlapArea(spot, request.box);
      for (const label of placed) cost += overlapArea(spot, label) * 1e6;
      requests.forEach((other, i) => {
        if (i !== index && !other.at) cost += overlapArea(spot, other.box) * 1e3;
      });
      if (cost < bestCost) {
        best = spot;
        bestCost = cost;
        if (cost === 0) break;
      }
      // A board too crowded for a free spot nearby: the least bad one seen will do.
      if (++tries >= MAX_TRIES) break;
    }
    placed.push(best ?? (request.at ? inside(request, area, request.at.x, request.at.y) : candidate(request, area, 'right', 0, 0)));
  });
  return placed;
}
