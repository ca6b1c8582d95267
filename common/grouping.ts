/**
 * Groups a board's strokes into numbers by place: strokes whose boxes come close (within a
 * fraction of their digits' height sideways, less vertically) are written together. Each group is
 * then read as one number by common/ink-reading.ts.
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

/**
 * Gaps allowed between the strokes of one number, as a fraction of the height of the digits
 * concerned: sideways up to 1.4 digit heights (generous spacing stays one number; two digit
 * heights apart is two numbers), vertically a quarter (lines stay apart).
 */
const GAP_X = 1.4;
const GAP_Y = 0.25;
/** A stroke at most this tall for its width is flat (see stacked). */
const FLAT = 0.35;
/**
 * Two strokes one over the other are rows (see stacked) when the gap between them is at least this
 * share of the shorter one's height, and the shorter is at least COMPARABLE of the taller's.
 */
const STACK_GAP = 0.1;
const COMPARABLE = 0.5;

type Boxed = { id: string; box: Box };

const boxed = (strokes: readonly PlacedStroke[]): Boxed[] =>
  strokes.map((s) => ({ id: s.id, box: s.box === undefined ? strokesBounds([s.points]) : s.box })).filter((s): s is Boxed => s.box !== null);

const height = (b: Box) => Math.max(b.maxY - b.minY, 1);
const dx = (a: Box, b: Box) => Math.max(0, Math.max(a.minX, b.minX) - Math.min(a.maxX, b.maxX));
const dy = (a: Box, b: Box) => Math.max(0, Math.max(a.minY, b.minY) - Math.min(a.maxY, b.maxY));
const touch = (a: Box, b: Box) => dx(a, b) === 0 && dy(a, b) === 0;

/**
 * Whether two strokes are written together, `ha` and `hb` being the heights of the marks they are
 * part of (their clusters, see below): a stroke measures gaps by the size of its digit, not its own
 * (the flat first stroke of a 4, the bar of a 5).
 */
function near(a: Box, ha: number, b: Box, hb: number, { rules = true } = {}): boolean {
  const h = Math.max(ha, hb);
  const gapY = dy(a, b);
  if (rules && gapY > 0 && (ruleLike(a, b, hb) || ruleLike(b, a, ha) || stacked(a, b))) return false;
  return dx(a, b) <= GAP_X * h && gapY <= GAP_Y * h;
}

/**
 * Whether box `a` is a rule drawn under `other` (a number `h` tall), or over it: flat, and under
 * it about as wide as a digit is tall or wider, over it wider still (the bar of a 7 or a 5 written
 * apart is over its digit, and narrower). A rule is a number of its own (common/column-sums.ts
 * adds up the column above it), never part of the rows it is close to; beside digits (a minus,
 * an "="), it joins them as any stroke does.
 */
function ruleLike(a: Box, other: Box, h: number): boolean {
  const width = a.maxX - a.minX;
  return a.maxY - a.minY <= 0.2 * width && width >= (a.minY >= other.maxY ? 0.75 : 1.5) * h;
}

/** Flat: a stroke much wider than tall (a bar, a dash, a rule). */
const flat = (b: Box) => b.maxY - b.minY <= FLAT * (b.maxX - b.minX);

/**
 * Whether two strokes, one wholly above the other, are rows of a column rather than parts of one
 * number: neither flat (a digit's bars and an "=" are), of comparable heights (a decimal point
 * below its line is not) and apart by more than the near-touch of two bowls of a 3 written
 * separately. Numbers written close under each other stay numbers of their own.
 */
function stacked(a: Box, b: Box): boolean {
  const ha = a.maxY - a.minY, hb = b.maxY - b.minY;
  return !flat(a) && !flat(b) && Math.min(ha, hb) >= COMPARABLE * Math.max(ha, hb) && dy(a, b) >= STACK_GAP * Math.min(ha, hb);
}

const union = (a: Box, b: Box): Box => ({
  minX: Math.min(a.minX, b.minX),
  minY: Math.min(a.minY, b.minY),
  maxX: Math.max(a.maxX, b.maxX),
  maxY: Math.max(a.maxY, b.maxY),
});

/** Union-find over indices. */
function unionFind(n: number): { find: (i: number) => number; join: (i: number, j: number) => void } {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  return { find, join: (i, j) => void (parent[find(i)] = find(j)) };
}

/**
 * Clusters: strokes whose boxes touch, transitively (the strokes of one digit, or of digits written
 * touching). A cluster's height is what its strokes measure gaps by. Returns each item's cluster box.
 */
function clusterBoxes(items: readonly Boxed[], byX: readonly number[]): Box[] {
  const { find, join } = unionFind(items.length);
  for (let ii = 0; ii < byX.length; ii++) {
    const i = byX[ii];
    for (let jj = ii + 1; jj < byX.length; jj++) {
      const j = byX[jj];
      if (items[j].box.minX > items[i].box.maxX) break;
      if (touch(items[i].box, items[j].box)) join(i, j);
    }
  }
  const boxes = new Map<number, Box>();
  items.forEach((it, i) => {
    const root = find(i);
    const b = boxes.get(root);
    boxes.set(root, b ? union(b, it.box) : { ...it.box });
  });
  return items.map((_, i) => boxes.get(find(i))!);
}

/** The groups of strokes written together, each with its strokes in input order (groups in no particular order). */
function connect(items: readonly Boxed[]): StrokeGroup[] {
  const byX = items.map((_, i) => i).sort((a, b) => items[a].box.minX - items[b].box.minX);
  const heights = clusterBoxes(items, byX).map(height);
  const { find, join } = unionFind(items.length);
  // Sweep along x: two strokes can only join if their x gap is within GAP_X times the taller
  // cluster's height, so with boxes sorted by minX the inner loop stops early. A board with
  // thousands of strokes spread out stays far from n^2.
  const tallest = Math.max(1, ...heights);
  for (let ii = 0; ii < byX.length; ii++) {
    const i = byX[ii];
    for (let jj = ii + 1; jj < byX.length; jj++) {
      const j = byX[jj];
      // items[j] and every later box start too far right of items[i] to join it.
      if (items[j].box.minX - items[i].box.maxX > GAP_X * tallest) break;
      if (near(items[i].box, heights[i], items[j].box, heights[j])) join(i, j);
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
 * a new stroke merges the clusters it touches, and its cluster then joins the groups it comes
 * close to; a removed stroke regroups only the strokes of its own group (the only ones it may
 * have held together). Both are exact because reach only grows with a cluster: a stroke added
 * never separates strokes, and a stroke removed never joins them to another group.
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
  /** Each stroke's cluster (strokes whose boxes touch, transitively), shared by its members. */
  private readonly clusterOf = new Map<string, { ids: string[]; box: Box }>();
  private added = 0;

  /** Starts with these strokes, in this order. */
  constructor(strokes: readonly PlacedStroke[] = []) {
    const items = boxed(strokes);
    for (const { id, box } of items) this.placed.set(id, { box, order: this.added++ });
    this.cluster(items);
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
    const boxOf = (id: string) => this.placed.get(id)!.box;
    // The clusters it touches become one, with it.
    const touched = new Set<{ ids: string[]; box: Box }>();
    for (const g of this.groups.values()) {
      if (!touch(item.box, g.box)) continue;
      for (const id of g.strokeIds) if (touch(item.box, boxOf(id))) touched.add(this.clusterOf.get(id)!);
    }
    const cluster = { ids: [...[...touched].flatMap((c) => c.ids), item.id], box: [...touched].reduce((b, c) => union(b, c.box), item.box) };
    this.placed.set(item.id, { box: item.box, order: this.added++ });
    for (const id of cluster.ids) this.clusterOf.set(id, cluster);
    // Groups any of the cluster's strokes now reaches (those it touched among them).
    const h = height(cluster.box);
    const tallest = this.tallest();
    const reaches = (g: StrokeGroup) =>
      near(cluster.box, h, g.box, tallest, { rules: false }) &&
      g.strokeIds.some((id) => {
        const c = this.clusterOf.get(id)!;
        return c !== cluster && cluster.ids.some((own) => near(boxOf(own), h, boxOf(id), height(c.box)));
      });
    const joined = [...this.groups.values()].filter((g) => g.strokeIds.some((id) => this.clusterOf.get(id) === cluster) || reaches(g));
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
    this.clusterOf.delete(strokeId);
    this.groups.delete(group.strokeIds[0]);
    const rest = group.strokeIds.filter((id) => id !== strokeId).map((id) => ({ id, box: this.placed.get(id)!.box }));
    this.cluster(rest);
    return connect(rest).map((g) => this.keep(g));
  }

  /** The tallest cluster's height: a bound on how far any stroke reaches. */
  private tallest(): number {
    let h = 1;
    for (const c of new Set(this.clusterOf.values())) h = Math.max(h, height(c.box));
    return h;
  }

  /** Sets the clusters of these strokes (all the strokes of the clusters concerned). */
  private cluster(items: readonly Boxed[]): void {
    const byX = items.map((_, i) => i).sort((a, b) => items[a].box.minX - items[b].box.minX);
    const boxes = clusterBoxes(items, byX);
    const clusters = new Map<Box, { ids: string[]; box: Box }>();
    items.forEach((it, i) => {
      let c = clusters.get(boxes[i]);
      if (!c) clusters.set(boxes[i], (c = { ids: [], box: boxes[i] }));
      c.ids.push(it.id);
      this.clusterOf.set(it.id, c);
    });
  }

  private keep(group: StrokeGroup): StrokeGroup {
    this.groups.set(group.strokeIds[0], group);
    for (const id of group.strokeIds) this.groupOfStroke.set(id, group);
    return group;
  }
}
