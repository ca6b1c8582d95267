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
 * touching). A cluster's height is what its strokes measure gaps by. Returns each item's cluster box
 * (one object per cluster), `order` being the items' indices by the left of their boxes.
 */
function clusterBoxes(items: readonly Boxed[], order: readonly number[]): Box[] {
  const { find, join } = unionFind(items.length);
  for (let ii = 0; ii < order.length; ii++) {
    const i = order[ii];
    for (let jj = ii + 1; jj < order.length; jj++) {
      const j = order[jj];
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

/** Strokes as a group: their ids in the order given, and their bounds. */
const asGroup = (members: readonly Boxed[]): StrokeGroup => ({ strokeIds: members.map((m) => m.id), box: members.map((m) => m.box).reduce(union) });

const byX = (items: readonly Boxed[]) => items.map((_, i) => i).sort((a, b) => items[a].box.minX - items[b].box.minX);

/**
 * The strokes written together, each set in input order (sets in no particular order);
 * `clusters[i]` is the box of items[i]'s cluster.
 */
function connect(items: readonly Boxed[], clusters: readonly Box[]): Boxed[][] {
  const order = byX(items);
  const heights = clusters.map(height);
  const { find, join } = unionFind(items.length);
  // Sweep along x: two strokes can only join if their x gap is within GAP_X times the taller
  // cluster's height, so with boxes sorted by minX the inner loop stops early. A board with
  // thousands of strokes spread out stays far from n^2.
  const tallest = Math.max(1, ...heights);
  for (let ii = 0; ii < order.length; ii++) {
    const i = order[ii];
    for (let jj = ii + 1; jj < order.length; jj++) {
      const j = order[jj];
      // items[j] and every later box start too far right of items[i] to join it.
      if (items[j].box.minX - items[i].box.maxX > GAP_X * tallest) break;
      if (near(items[i].box, heights[i], items[j].box, heights[j])) join(i, j);
    }
  }
  const sets = new Map<number, Boxed[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const set = sets.get(root);
    if (set) set.push(item);
    else sets.set(root, [item]);
  });
  return [...sets.values()];
}

/**
 * A cluster at least this share of the tallest cluster's height is a body (see lines): a digit, or
 * several digits written touching, or a part of one at least half its height; not a bar or a dot.
 */
const BODY = 0.4;
/** At most this many bodies in a set are split into lines (every pair of them is compared). */
const MAX_BODIES = 300;
/** Two bodies are on one line when they share this share of the shorter one's height. */
const SAME_LINE = 0.5;

/** A part of a digit written apart (a bowl of a 3, a loop of an 8) is wider than tall; a whole digit is upright. */
const squat = (b: Box) => height(b) <= b.maxX - b.minX;
const overlapY = (a: Box, b: Box) => Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY);

/**
 * The lines of strokes written together, each in input order. Rows of a column written close under
 * each other come near enough to join: a 5's bar or a 7's crossbar reaches the row above, or two
 * rows' digits touch. Each row is still a number of its own. Bodies (clusters of touching strokes
 * not much shorter than the tallest: digits, parentheses, a plus) are on one line when they share
 * most of their height, or when both are squat and one is over the other closer than rows are (see
 * stacked); every other cluster (a bar, a dot, a flag, the bars of an "=") goes with the line
 * nearest its centre.
 */
function lines(members: readonly Boxed[], clusterOf: (member: Boxed) => Box): Boxed[][] {
  const clusters = [...new Set(members.map(clusterOf))];
  const tallest = Math.max(...clusters.map(height));
  const bodies = clusters.filter((b) => height(b) >= BODY * tallest);
  // More bodies than a page of numbers holds: ink made to be expensive stays one line.
  if (bodies.length < 2 || bodies.length > MAX_BODIES) return [[...members]];
  const { find, join } = unionFind(bodies.length);
  // Every pair: bodies of one line may stand far apart, with operators between them.
  for (let i = 0; i < bodies.length; i++) {
    for (let j = i + 1; j < bodies.length; j++) {
      const [a, b] = [bodies[i], bodies[j]];
      const [ha, hb] = [height(a), height(b)];
      const sideBySide = overlapY(a, b) >= SAME_LINE * Math.min(ha, hb);
      // Squat parts one over the other without the gap between rows: the bowls of a 3 written apart.
      const oneShape = dx(a, b) === 0 && -overlapY(a, b) < STACK_GAP * Math.min(ha, hb) && squat(a) && squat(b);
      if (sideBySide || oneShape) join(i, j);
    }
  }
  const bands = new Map<number, Box>();
  bodies.forEach((b, i) => bands.set(find(i), bands.has(find(i)) ? union(bands.get(find(i))!, b) : b));
  if (bands.size === 1) return [[...members]];
  const lineOfBody = new Map(bodies.map((b, i) => [b, find(i)]));
  const nearestLine = (c: Box): number => {
    const [cx, cy] = [(c.minX + c.maxX) / 2, (c.minY + c.maxY) / 2];
    let best = -1, bestDistance = Infinity;
    for (const [line, band] of bands) {
      const distance = Math.hypot(Math.max(0, band.minX - cx, cx - band.maxX), Math.max(0, band.minY - cy, cy - band.maxY));
      if (distance < bestDistance) [best, bestDistance] = [line, distance];
    }
    return best;
  };
  const byLine = new Map<number, Boxed[]>();
  members.forEach((m) => {
    const c = clusterOf(m);
    const line = lineOfBody.get(c) ?? nearestLine(c);
    const set = byLine.get(line);
    if (set) set.push(m);
    else byLine.set(line, [m]);
  });
  return [...byLine.values()];
}

export function groupByPlace(strokes: readonly PlacedStroke[]): StrokeGroup[] {
  const items = boxed(strokes);
  const clusters = clusterBoxes(items, byX(items));
  const clusterOf = new Map(items.map((item, i) => [item, clusters[i]]));
  // Reading order: top to bottom by rows, then left to right.
  return connect(items, clusters)
    .flatMap((set) => lines(set, (m) => clusterOf.get(m)!))
    .map(asGroup)
    .sort((a, b) => (Math.abs(a.box.minY - b.box.minY) > (a.box.maxY - a.box.minY) / 2 ? a.box.minY - b.box.minY : a.box.minX - b.box.minX));
}

/**
 * The same groups as groupByPlace, kept up to date one stroke at a time for a board that changes
 * many times a second (a full groupByPlace of the benchmark's 3,000-stroke board takes ~13 ms).
 * Strokes written together (a set) are kept as groupByPlace finds them: a new stroke merges the
 * clusters it touches, and its cluster then joins the sets it comes close to; a removed stroke
 * regroups only the strokes of its own set (the only ones it may have held together). Both are
 * exact because reach only grows with a cluster: a stroke added never separates strokes, and a
 * stroke removed never joins them to another set. The groups are the lines of the sets that
 * changed, found anew.
 *
 * Groups are never modified: a group that changes is replaced by a new object, so a group that
 * `get` still returns has exactly the strokes it had (a line whose strokes did not change keeps its
 * object). A group's strokes are in the order they were added, and its first (oldest) stroke's id
 * names it.
 */
export class PlaceGroups {
  /** Every stroke with ink, with its box and when it was added. */
  private readonly placed = new Map<string, { box: Box; order: number }>();
  /** Strokes written together, by their oldest stroke's id; each is split into lines, the groups. */
  private readonly sets = new Map<string, StrokeGroup>();
  private readonly setOfStroke = new Map<string, StrokeGroup>();
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
    this.replace([], connect(items, this.clustersOf(items)).map(asGroup));
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

  /** Adds a stroke (its id new here); returns the groups of the strokes now written with it (none for a stroke without ink). */
  add(stroke: PlacedStroke): StrokeGroup[] {
    const [item] = boxed([stroke]);
    if (!item) return [];
    const boxOf = (id: string) => this.placed.get(id)!.box;
    // The clusters it touches become one, with it.
    const touched = new Set<{ ids: string[]; box: Box }>();
    for (const s of this.sets.values()) {
      if (!touch(item.box, s.box)) continue;
      for (const id of s.strokeIds) if (touch(item.box, boxOf(id))) touched.add(this.clusterOf.get(id)!);
    }
    const cluster = { ids: [...[...touched].flatMap((c) => c.ids), item.id], box: [...touched].reduce((b, c) => union(b, c.box), item.box) };
    this.placed.set(item.id, { box: item.box, order: this.added++ });
    for (const id of cluster.ids) this.clusterOf.set(id, cluster);
    // Sets any of the cluster's strokes now reaches (those it touched among them).
    const h = height(cluster.box);
    const tallest = this.tallest();
    const reaches = (s: StrokeGroup) =>
      near(cluster.box, h, s.box, tallest, { rules: false }) &&
      s.strokeIds.some((id) => {
        const c = this.clusterOf.get(id)!;
        return c !== cluster && cluster.ids.some((own) => near(boxOf(own), h, boxOf(id), height(c.box)));
      });
    const joined = [...this.sets.values()].filter((s) => s.strokeIds.some((id) => this.clusterOf.get(id) === cluster) || reaches(s));
    const order = (id: string) => this.placed.get(id)!.order;
    const strokeIds = joined.length === 1 ? [...joined[0].strokeIds] : joined.flatMap((s) => s.strokeIds).sort((a, b) => order(a) - order(b));
    strokeIds.push(item.id);
    return this.replace(joined, [{ strokeIds, box: joined.reduce((box, s) => union(box, s.box), item.box) }]);
  }

  /** Removes a stroke; returns the groups the rest of the strokes written with it now form. */
  remove(strokeId: string): StrokeGroup[] {
    const set = this.setOfStroke.get(strokeId);
    if (!set) return [];
    this.placed.delete(strokeId);
    this.setOfStroke.delete(strokeId);
    this.clusterOf.delete(strokeId);
    const rest = set.strokeIds.filter((id) => id !== strokeId).map((id) => ({ id, box: this.placed.get(id)!.box }));
    this.cluster(rest);
    return this.replace([set], connect(rest, this.clustersOf(rest)).map(asGroup));
  }

  /** The tallest cluster's height: a bound on how far any stroke reaches. */
  private tallest(): number {
    let h = 1;
    for (const c of new Set(this.clusterOf.values())) h = Math.max(h, height(c.box));
    return h;
  }

  /** The boxes of these strokes' clusters. */
  private clustersOf(items: readonly Boxed[]): Box[] {
    return items.map((it) => this.clusterOf.get(it.id)!.box);
  }

  /** Sets the clusters of these strokes (all the strokes of the clusters concerned). */
  private cluster(items: readonly Boxed[]): void {
    const boxes = clusterBoxes(items, byX(items));
    const clusters = new Map<Box, { ids: string[]; box: Box }>();
    items.forEach((it, i) => {
      let c = clusters.get(boxes[i]);
      if (!c) clusters.set(boxes[i], (c = { ids: [], box: boxes[i] }));
      c.ids.push(it.id);
      this.clusterOf.set(it.id, c);
    });
  }

  /** Puts `added` sets in place of `gone` ones; returns the lines of the added sets, the groups now current there. */
  private replace(gone: readonly StrokeGroup[], added: readonly StrokeGroup[]): StrokeGroup[] {
    const before = new Set<StrokeGroup>();
    for (const s of gone) {
      this.sets.delete(s.strokeIds[0]);
      for (const id of s.strokeIds) {
        const g = this.groupOfStroke.get(id);
        if (g) before.add(g);
        this.groupOfStroke.delete(id);
      }
    }
    const current = added.flatMap((s) => {
      this.sets.set(s.strokeIds[0], s);
      for (const id of s.strokeIds) this.setOfStroke.set(id, s);
      const members = s.strokeIds.map((id) => ({ id, box: this.placed.get(id)!.box }));
      return lines(members, (m) => this.clusterOf.get(m.id)!.box).map((line) => this.keepLine(line, before));
    });
    for (const g of before) if (!current.includes(g) && this.groups.get(g.strokeIds[0]) === g) this.groups.delete(g.strokeIds[0]);
    return current;
  }

  /** The group of a line: the one it had before (among `before`) if its strokes are unchanged, else a new one. */
  private keepLine(members: readonly Boxed[], before: ReadonlySet<StrokeGroup>): StrokeGroup {
    const ids = members.map((m) => m.id);
    const old = this.groups.get(ids[0]);
    const same = old && before.has(old) && old.strokeIds.length === ids.length && old.strokeIds.every((id, k) => id === ids[k]);
    const group = same ? old : asGroup(members);
    this.groups.set(ids[0], group);
    for (const id of ids) this.groupOfStroke.set(id, group);
    return group;
  }
}
