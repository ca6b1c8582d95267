/** Connected components of a binary ink mask: the marks of a photo or scan. */
import type { Box } from '../../../common/preprocess.js';

/**
 * Ink in a mask: its box in pixels (inclusive: maxX is its last column), its area and where it
 * touches the image's border. A component has one; so has a group of components (marks.ts).
 */
export interface InkBox extends Box {
  area: number;
  /** Pixels on the image's top, right, bottom and left edges. */
  contact: [number, number, number, number];
}

/** A connected component: its label in the label image, and its ink. */
export interface Component extends InkBox {
  label: number;
}

/** 8-connected components of a binary mask (two passes, union-find). Labels start at 1; 0 is background. */
export function labelComponents(mask: Uint8Array, w: number, h: number): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  /** The label for a pixel that has `l` so far and a neighbour labelled `n` (0: none). */
  const merge = (l: number, n: number): number => {
    if (!n) return l;
    if (l && n !== l) union(l, n);
    return l || n;
  };
  // Each row's first and last ink pixel (last < first: none), so that the second pass skips the paper.
  const first = new Int32Array(h).fill(w), last = new Int32Array(h).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      if (x < first[y]) first[y] = x;
      last[y] = x;
      // Neighbours already visited: west, and the three above.
      let l = x > 0 ? merge(0, labels[i - 1]) : 0;
      if (y > 0) {
        if (x > 0) l = merge(l, labels[i - w - 1]);
        l = merge(l, labels[i - w]);
        if (x < w - 1) l = merge(l, labels[i - w + 1]);
      }
      if (!l) {
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  // Second pass: final labels in order of first appearance, and each component's box and contacts.
  const compact = new Int32Array(parent.length);
  const n = parent.length + 1;
  const area = new Int32Array(n), minX = new Int32Array(n).fill(w), minY = new Int32Array(n).fill(h), maxX = new Int32Array(n).fill(-1), maxY = new Int32Array(n).fill(-1);
  const contact = new Int32Array(4 * n);
  let count = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = first[y]; x <= last[y]; x++) {
      const i = row + x;
      if (!labels[i]) continue;
      const root = find(labels[i]);
      let c = compact[root];
      if (!c) c = compact[root] = ++count;
      labels[i] = c;
      area[c]++;
      if (x < minX[c]) minX[c] = x;
      if (x > maxX[c]) maxX[c] = x;
      if (y < minY[c]) minY[c] = y;
      if (y > maxY[c]) maxY[c] = y;
    }
  }
  // Contacts: only the border pixels.
  for (let x = 0; x < w; x++) {
    if (labels[x]) contact[4 * labels[x]]++;
    if (labels[(h - 1) * w + x]) contact[4 * labels[(h - 1) * w + x] + 2]++;
  }
  for (let y = 0; y < h; y++) {
    if (labels[y * w + w - 1]) contact[4 * labels[y * w + w - 1] + 1]++;
    if (labels[y * w]) contact[4 * labels[y * w] + 3]++;
  }
  const components: Component[] = [];
  for (let c = 1; c <= count; c++) {
    components.push({ label: c, area: area[c], minX: minX[c], minY: minY[c], maxX: maxX[c], maxY: maxY[c], contact: [contact[4 * c], contact[4 * c + 1], contact[4 * c + 2], contact[4 * c + 3]] });
  }
  return { labels, components };
}
