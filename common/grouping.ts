/**
 * Groups a board's strokes into numbers by place: strokes whose boxes come close (within a
 * fraction of the writing's height sideways, less vertically) are written together. Each group is
 * then split into digits by common/segment.ts.
 */
import { strokesBounds, type Box, type Stroke } from './preprocess.js';

export interface PlacedStroke {
  id: string;
  points: Stroke;
  /** The stroke's bounds, when the caller already has them (a board caches them per stroke). */
  box?: Box | null;
}

export interface StrokeGroup {
  strokeIds: string[];
  box: Box;
}

/** Sideways gap allowed between digits of one number, as a fraction of the digits' height. */
const GAP_X = 0.75;
const GAP_Y = 0.25;

type Boxed = { id: string; box: Box };

const boxed = (strokes: readonly PlacedStroke[]): Boxed[] =>
  strokes.map((s) => ({ id: s.id, box: s.box === undefined ? strokesBounds([s.points]) : s.box })).filter((s): s is Boxed => s.box !== null);

/** Whether two strokes are written together. */
function near(a: Box, b: Box): boolean {
  // A thin stroke (a "1", a bar) borrows the taller one's height for its reach.
  const h = Math.max(a.maxY - a.minY, b.maxY - b.minY, 1);
  const dx = Math.max(0, Math.max(a.minX, b.minX) - Math.min(a.maxX, b.maxX));
  const dy = Math.max(0, Math.max(a.minY, b.minY) - Math.min(a.maxY, b.maxY));
  return dx <= GAP_X * h && dy <= GAP_Y * h;
}

const union = (a: Box, b: Box): Box => ({
  minX: Math.min(a.minX, b.minX),
  minY: Math.min(a.minY, b.minY),
  maxX: Math.max(a.maxX, b.maxX),
  maxY: Math.max(a.maxY, b.maxY),
});

/** The groups of strokes written together, each with its strokes in input order (groups in no particular order). */
function connect(items: readonly Boxed[]): StrokeGroup[] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  // Sweep along x: two strokes can only join if their x gap is within GAP_X times the taller
  // one's height, so with boxes sorted by minX the inner loop stops early. A board with
  // thousands of strokes spread out stays far from n^2.
  let tallest = 1;
  for (const it of items) tallest = Math.max(tallest, it.box.maxY - it.box.minY);
  const byX = items.map((_, i) => i).sort((a, b) => items[a].box.minX - items[b].box.minX);
  for (let ii = 0; ii < byX.length; ii++) {
    const i = byX[ii];
    for (let jj = ii + 1; jj < byX.length; jj++) {
      const j = byX[jj];
      // items[j] and every later box start too far right of items[i] to join it.
      if (items[j].box.minX - items[i].box.maxX > GAP_X * tallest) break;
      if (near(items[i].box, items[j].box)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, StrokeGroup>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (!g) groups.set(root, { strokeIds: [item.id], box: { ...item.box } });
    else {
      g.strokeIds.push(item.id);
      g.box = union(g.box, item.box);
    }
  });
  return [...groups.values()];
}

export function groupByPlace(strokes: readonly PlacedStroke[]): StrokeGroup[] {
  // Reading order: top to bottom by rows, then left to right.
  return connect(boxed(strokes)).sort((a, b) => (Math.abs(a.box.minY - b.box.minY) > (a.box.maxY - a.box.minY) / 2 ? a.box.minY - b.box.minY : a.box.minX - b.box.minX));
}

/**
 * The same groups as groupByPlace, kept up to date one stroke at a time for a board that changes
 * many times a second (a full groupByPlace of the benchmark's 3,000-stroke board takes ~13 ms):
 * a new stroke merges the groups it comes close to, a removed stroke regroups only the strokes of
 * its own group (the only ones it may have held together).
 *
 * Groups are never modified: a group that changes is replaced by a new object, so a group that
 * `get` still returns has exactly the strokes it had. A group's strokes are in the order they were
 * added, and its first (oldest) stroke's id names it.
 */
export class PlaceGroups {
  /** Every stroke with ink, with its box and when it was added. */
  private readonly placed = new Map<string, { box: Box; order: number }>();
  private readonly groups = new Map<string, StrokeGroup>();
  private readonly groupOfStroke = new Map<string, StrokeGroup>();
  private added = 0;

  /** Starts with these strokes, in this order. */
  constructor(strokes: readonly PlacedStroke[] = []) {
    const items = boxed(strokes);
    for (const { id, box } of items) this.placed.set(id, { box, order: this.added++ });
    for (const g of connect(items)) this.keep(g);
  }

  /** The current groups, in no particular order. */
  values(): IterableIterator<StrokeGroup> {
    return this.groups.values();
  }

  /** The current group named by this id (the id of its oldest stroke). */
  get(id: string): StrokeGroup | undefined {
    return this.groups.get(id);
  }

  /** The group a stroke is in (none for a stroke not added, or without ink). */
  groupOf(strokeId: string): StrokeGroup | undefined {
    return this.groupOfStroke.get(strokeId);
  }

  /** Adds a stroke (its id new here); returns its group, or null for a stroke without ink. */
  add(stroke: PlacedStroke): StrokeGroup | null {
    const [item] = boxed([stroke]);
    if (!item) return null;
    // No stroke of a group comes closer than the group's box, nor is taller than it: most
    // groups are ruled out by their box alone.
    const joined = [...this.groups.values()].filter((g) => near(item.box, g.box) && g.strokeIds.some((id) => near(item.box, this.placed.get(id)!.box)));
    this.placed.set(item.id, { box: item.box, order: this.added++ });
    const order = (id: string) => this.placed.get(id)!.order;
    const strokeIds = joined.length === 1 ? [...joined[0].strokeIds] : joined.flatMap((g) => g.strokeIds).sort((a, b) => order(a) - order(b));
    strokeIds.push(item.id);
    for (const g of joined) this.groups.delete(g.strokeIds[0]);
    return this.keep({ strokeIds, box: joined.reduce((box, g) => union(box, g.box), item.box) });
  }

  /** Removes a stroke; returns the groups the rest of its group now forms. */
  remove(strokeId: string): StrokeGroup[] {
    const group = this.groupOfStroke.get(strokeId);
    if (!group) return [];
    this.placed.delete(strokeId);
    this.groupOfStroke.delete(strokeId);
    this.groups.delete(group.strokeIds[0]);
    const rest = group.strokeIds.filter((id) => id !== strokeId);
    return connect(rest.map((id) => ({ id, box: this.placed.get(id)!.box }))).map((g) => this.keep(g));
  }

  private keep(group: StrokeGroup): StrokeGroup {
    this.groups.set(group.strokeIds[0], group);
    for (const id of group.strokeIds) this.groupOfStroke.set(id, group);
    return group;
  }
}
