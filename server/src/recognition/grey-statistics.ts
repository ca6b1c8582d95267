/** Statistics of grey levels and contrast for finding ink: histograms, percentiles, robust spread, Otsu thresholds. */
export function percentileOfHistogram(hist: Uint32Array, offset: number, count: number, p: number): number {
  const target = p * (count - 1);
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[offset + v];
    if (acc > target) return v;
  }
  return 255;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Bilinear upsampling of a gx x gy grid of cell values (cell centres) to w x h pixels. */
export function upsampleGrid(grid: Float32Array, gx: number, gy: number, cell: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const x0s = new Int32Array(w), x1s = new Int32Array(w), txs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) / cell - 0.5, 0), gx - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, gx - 1);
    txs[x] = fx - x0s[x];
  }
  const top = new Float32Array(gx), bottom = new Float32Array(gx);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) / cell - 0.5, 0), gy - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, gy - 1), ty = fy - y0;
    for (let c = 0; c < gx; c++) {
      top[c] = grid[y0 * gx + c];
      bottom[c] = grid[y1 * gx + c];
    }
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const a = x0s[x], b = x1s[x], tx = txs[x];
      const t = top[a] + (top[b] - top[a]) * tx;
      out[row + x] = t + (bottom[a] + (bottom[b] - bottom[a]) * tx - t) * ty;
    }
  }
  return out;
}

/** The k-th smallest value of `a` (reordering it): Hoare's selection, linear on average. */
export function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Robust standard deviation (1.4826 x median absolute value) of a sample of `values`. */
export function robustSigma(values: Float32Array): number {
  const step = Math.max(1, Math.floor(values.length / 40_000));
  const sample = new Float64Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = Math.abs(values[i]);
  return sample.length ? 1.4826 * select(sample, sample.length >> 1) : 0;
}

export interface CellHistograms {
  cell: number;
  gx: number;
  gy: number;
  hist: Uint32Array;
  counts: Uint32Array;
}

/**
 * Grey-level histograms of square cells of side `cell`, from every `stride`-th pixel of every
 * `stride`-th row (a percentile of a cell needs a few hundred of its pixels, not all of them).
 */
export function cellHistograms(data: Uint8Array, w: number, h: number, cell: number, stride = 1): CellHistograms {
  const gx = Math.ceil(w / cell), gy = Math.ceil(h / cell);
  const hist = new Uint32Array(gx * gy * 256);
  const counts = new Uint32Array(gx * gy);
  const first = stride >> 1;
  const column = new Int32Array(w);
  for (let x = 0; x < w; x++) column[x] = Math.floor(x / cell) * 256;
  for (let y = first; y < h; y += stride) {
    const cells = Math.floor(y / cell) * gx * 256, row = y * w;
    for (let x = first; x < w; x += stride) hist[cells + column[x] + data[row + x]]++;
  }
  for (let c = 0; c < counts.length; c++) {
    for (let v = 0; v < 256; v++) counts[c] += hist[c * 256 + v];
    if (counts[c] > 0) continue;
    // A sliver of a cell at the right or bottom edge that no sampled row or column crossed: all its pixels.
    const cx = c % gx, cy = (c - cx) / gx;
    for (let y = cy * cell; y < Math.min(h, (cy + 1) * cell); y++) {
      for (let x = cx * cell; x < Math.min(w, (cx + 1) * cell); x++) {
        hist[c * 256 + data[y * w + x]]++;
        counts[c]++;
      }
    }
  }
  return { cell, gx, gy, hist, counts };
}

export function cellPercentiles(cells: CellHistograms, p: number): Float32Array {
  const grid = new Float32Array(cells.gx * cells.gy);
  for (let c = 0; c < grid.length; c++) grid[c] = percentileOfHistogram(cells.hist, c * 256, cells.counts[c], p);
  return grid;
}

/** Total excess of residuals beyond 3 sigma, below and above 0. */
export function outlierMass(residual: Float32Array, sigma: number): { dark: number; light: number } {
  let dark = 0, light = 0;
  for (let i = 0; i < residual.length; i++) {
    const r = residual[i];
    if (r < -3 * sigma) dark += -r - 3 * sigma;
    else if (r > 3 * sigma) light += r - 3 * sigma;
  }
  return { dark, light };
}

/** The same for grey levels around `center`, from their histogram. */
export function outlierMassOfHistogram(hist: Uint32Array, center: number, sigma: number): { dark: number; light: number } {
  let dark = 0, light = 0;
  for (let v = 0; v < 256; v++) {
    const r = v - center;
    if (r < -3 * sigma) dark += hist[v] * (-r - 3 * sigma);
    else if (r > 3 * sigma) light += hist[v] * (r - 3 * sigma);
  }
  return { dark, light };
}

export function histogramOf(data: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  return hist;
}

/** Otsu's threshold of a 256-bin histogram: the grey level that best splits it in two classes (the lower is < it). */
export function otsuOfHistogram(hist: Uint32Array): number {
  let n = 0, total = 0;
  for (let v = 0; v < 256; v++) {
    n += hist[v];
    total += v * hist[v];
  }
  let wB = 0, sumB = 0, best = 128, bestVar = -1;
  for (let v = 0; v < 256; v++) {
    wB += hist[v];
    if (wB === 0) continue;
    const wF = n - wB;
    if (wF === 0) break;
    sumB += v * hist[v];
    const between = wB * wF * (sumB / wB - (total - sumB) / wF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = v + 1;
    }
  }
  return best;
}

/** Bins of the histogram of contrast above the floor that Otsu's threshold is chosen from. */
export const OTSU_BINS = 128;

/** Otsu's threshold from a histogram of `n` values in [lo, 1] (OTSU_BINS bins), or lo when there are none. */
export function otsu(hist: Float64Array, n: number, lo: number): number {
  const bins = OTSU_BINS;
  if (n === 0) return lo;
  let total = 0;
  for (let b = 0; b < bins; b++) total += b * hist[b];
  let wB = 0, sumB = 0, best = 0, bestVar = -1;
  for (let b = 0; b < bins; b++) {
    wB += hist[b];
    if (wB === 0) continue;
    const wF = n - wB;
    if (wF === 0) break;
    sumB += b * hist[b];
    const between = wB * wF * (sumB / wB - (total - sumB) / wF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return lo + ((best + 1) / bins) * (1 - lo);
}
