/**
 * Notebook rules and margin lines: thin structures spanning half the image, removed from the ink
 * mask, searched for only when the mask's thin runs could make one.
 */
import { labelComponents } from './components.js';
import { median } from './grey-statistics.js';
import type { InkImage } from './ink-image.js';

function transpose(src: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = src[y * w + x];
  return out;
}

/**
 * Pixels of horizontal lines: mask pixels whose vertical run is at most `maxThickness`, bridged
 * across gaps of `gap` (where a stroke crosses the line), forming nearly flat pieces that line up
 * over at least `minLength`, one of them at least half that long. Crossing strokes are kept:
 * their vertical runs are long. Null when there are none.
 */
function horizontalLinePixels(mask: Uint8Array, ink: Float32Array, w: number, h: number, maxThickness: number, gap: number, minLength: number): Uint8Array | null {
  const thin = new Uint8Array(w * h);
  let any = false;
  // Vertical runs, scanned row by row (cache-friendly): run[x] is the length of the run above.
  const run = new Int32Array(w);
  for (let y = 0; y <= h; y++) {
    for (let x = 0; x < w; x++) {
      if (y < h && mask[y * w + x]) {
        run[x]++;
        continue;
      }
      const len = run[x];
      if (len > 0 && len <= maxThickness) {
        for (let k = y - len; k < y; k++) thin[k * w + x] = 1;
        any = true;
      }
      run[x] = 0;
    }
  }
  if (!any) return null;
  // Bridge gaps along each row: a pixel is bridged when thin pixels lie within `gap` on both sides.
  const bridged = new Uint8Array(w * h);
  const nextThin = new Int32Array(w + 1);
  nextThin[w] = 1 << 30;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let lastThin = -Infinity;
    for (let x = w - 1; x >= 0; x--) nextThin[x] = thin[row + x] ? x : nextThin[x + 1];
    for (let x = 0; x < w; x++) {
      if (thin[row + x]) lastThin = x;
      if (thin[row + x] || (x - lastThin <= gap && nextThin[x] - x <= gap && nextThin[x] - lastThin <= gap + 1)) bridged[row + x] = 1;
    }
  }
  const { labels, components } = labelComponents(bridged, w, h);
  // A least-squares line y = a + b x through each component's thin pixels.
  const n = new Float64Array(components.length + 1), sx = new Float64Array(n.length), sy = new Float64Array(n.length);
  const sxx = new Float64Array(n.length), sxy = new Float64Array(n.length);
  for (let i = 0; i < thin.length; i++) {
    if (!thin[i]) continue;
    const l = labels[i], x = i % w, y = (i - x) / w;
    n[l]++;
    sx[l] += x;
    sy[l] += y;
    sxx[l] += x * x;
    sxy[l] += x * y;
  }
  const fit = (l: number) => {
    const d = n[l] * sxx[l] - sx[l] * sx[l];
    const b = d > 0 ? (n[l] * sxy[l] - sx[l] * sy[l]) / d : 0;
    return { a: (sy[l] - b * sx[l]) / Math.max(1, n[l]), b };
  };
  // Flat pieces (about 7 degrees of tilt at most); the long ones seed lines, and shorter pieces
  // on the same line join them (a rule is cut wherever a digit crosses it).
  const flat = components
    .filter((c) => n[c.label] > 0 && c.maxX - c.minX + 1 >= 2 * gap && c.maxY - c.minY + 1 <= 0.12 * (c.maxX - c.minX + 1) + maxThickness + 2)
    .sort((p, q) => q.maxX - q.minX - (p.maxX - p.minX));
  const tolerance = maxThickness + 2;
  const isLine = new Uint8Array(components.length + 1);
  const used = new Uint8Array(components.length + 1);
  let lines = 0;
  for (const seed of flat) {
    if (used[seed.label] || seed.maxX - seed.minX + 1 < minLength / 2) continue;
    const { a, b } = fit(seed.label);
    const members = [seed];
    for (const c of flat) {
      if (used[c.label] || c === seed) continue;
      const f = fit(c.label);
      const onLine = (x: number) => Math.abs(f.a + f.b * x - (a + b * x)) <= tolerance;
      if (onLine(c.minX) && onLine(c.maxX)) members.push(c);
    }
    const span = Math.max(...members.map((c) => c.maxX)) - Math.min(...members.map((c) => c.minX)) + 1;
    if (span < minLength) continue;
    for (const c of members) {
      used[c.label] = 1;
      isLine[c.label] = 1;
    }
    lines++;
  }
  if (lines === 0) return null;
  const out = new Uint8Array(w * h);
  // Handwriting that runs along a rule (the base of a 2 sitting on it) is usually darker than
  // the rule: keep what stands out from the line's own typical contrast.
  const values = new Map<number, number[]>();
  for (let i = 0; i < out.length; i++) {
    if (!thin[i] || !isLine[labels[i]]) continue;
    let v = values.get(labels[i]);
    if (!v) values.set(labels[i], (v = []));
    v.push(ink[i]);
  }
  const cutoff = new Float32Array(components.length + 1);
  for (const [label, v] of values) {
    const m = median(v);
    cutoff[label] = m + Math.max(0.12, 0.35 * m);
  }
  for (let i = 0; i < out.length; i++) if (thin[i] && isLine[labels[i]] && ink[i] <= cutoff[labels[i]]) out[i] = 1;
  return out;
}

function transposeFloat(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = src[y * w + x];
  return out;
}

/**
 * Whether the mask can hold a horizontal line (`along` = true: thin pixels are those whose vertical
 * run is at most `maxThickness`, projected onto x) or a vertical one (horizontal runs, onto y) for
 * horizontalLinePixels: a line's seed is a bridged piece at least `seed` long, so its projection
 * is a stretch that long whose empty runs are at most `gap` long. One pass for both directions;
 * a necessary condition only.
 */
function mayHoldLines(mask: Uint8Array, w: number, h: number, maxThickness: number, gap: number, seedX: number, seedY: number): { horizontal: boolean; vertical: boolean } {
  const thinX = new Uint8Array(w), thinY = new Uint8Array(h);
  const run = new Int32Array(w);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let across = 0;
    for (let x = 0; x < w; x++) {
      if (mask[row + x]) {
        run[x]++;
        across++;
        continue;
      }
      if (run[x] > 0) {
        if (run[x] <= maxThickness) thinX[x] = 1;
        run[x] = 0;
      }
      if (across > 0) {
        if (across <= maxThickness) thinY[y] = 1;
        across = 0;
      }
    }
    if (across > 0 && across <= maxThickness) thinY[y] = 1;
  }
  for (let x = 0; x < w; x++) if (run[x] > 0 && run[x] <= maxThickness) thinX[x] = 1;
  return { horizontal: hasStretch(thinX, gap, seedX), vertical: hasStretch(thinY, gap, seedY) };
}

/** Whether `p` has a stretch at least `length` long that starts and ends set, with no unset run longer than `gap`. */
function hasStretch(p: Uint8Array, gap: number, length: number): boolean {
  let start = 0, last = -Infinity;
  for (let i = 0; i < p.length; i++) {
    if (!p[i]) continue;
    if (i - last > gap + 1) start = i;
    last = i;
    if (i - start + 1 >= length) return true;
  }
  return false;
}

/**
 * Removes ruled lines (horizontal, and vertical margin lines) from a binary mask in place:
 * thin (at most ~0.5% of the longer side thick) structures spanning half of the image, except
 * where the ink on them is clearly darker than the line itself. A direction is searched only when
 * its thin pixels could make a line (mayHoldLines): a photo of a number on plain paper has none.
 * Returns the number of pixels removed.
 */
export function removeRuledLines(mask: Uint8Array, image: InkImage): number {
  const { ink, width: w, height: h } = image;
  const long = Math.max(w, h);
  const maxThickness = Math.max(2, Math.round(0.005 * long));
  const gap = Math.max(4, Math.round(0.02 * long));
  const minLengthX = Math.max(0.5 * w, 30 * maxThickness), minLengthY = Math.max(0.5 * h, 30 * maxThickness);
  // The seed of a line (see horizontalLinePixels) is at least half the line's length and 2 gaps.
  const may = mayHoldLines(mask, w, h, maxThickness, gap, Math.max(minLengthX / 2, 2 * gap), Math.max(minLengthY / 2, 2 * gap));
  const horizontal = may.horizontal ? horizontalLinePixels(mask, ink, w, h, maxThickness, gap, minLengthX) : null;
  const vertical = may.vertical ? horizontalLinePixels(transpose(mask, w, h), transposeFloat(ink, w, h), h, w, maxThickness, gap, minLengthY) : null;
  let removed = 0;
  if (horizontal) {
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] && horizontal[i]) {
        mask[i] = 0;
        removed++;
      }
    }
  }
  if (vertical) {
    // `vertical` is transposed: pixel (x, y) is at x * h + y.
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) {
        const i = y * w + x;
        if (vertical[x * h + y] && mask[i]) {
          mask[i] = 0;
          removed++;
        }
      }
    }
  }
  return removed;
}
