/**
 * A photo or scan -> the ink in it, split into digits. Pure functions on typed arrays (no sharp),
 * so that each step can be tested on tiny hand-made bitmaps.
 *
 * 1. normalizeInk: pick the polarity (dark ink on light paper, or chalk on a board) from which
 *    side of a coarse background the strong outliers fall; estimate the paper from per-cell
 *    percentiles (cells several strokes wide), which follow lighting gradients and soft shadows
 *    but not strokes; express every pixel as its contrast against that, ink high, in [0, 1].
 *    Small images, and marks that fill the frame (a tight crop), have one paper level instead.
 *    The statistics come from samples of the pixels; only the contrast itself visits them all.
 * 2. inkMask: threshold above the noise floor (Otsu among the candidate ink pixels, so that faint
 *    ruled lines fall below darker handwriting).
 * 3. removeRuledLines: thin structures spanning half the image (notebook rules, margin lines),
 *    searched only when the thin runs of the mask could make one.
 * 4. labelComponents, then keepMarks: drop specks and border bands, order left to right, measure
 *    the line's height. cutColumns proposes where a wide mark may be cut into touching digits.
 * 5. candidateInput: crop a candidate's grey ink, thicken hairlines to MNIST stroke width, fitImage.
 *
 * Which marks make a digit, and where to cut, is decided in image.ts by reading them all.
 */
import { fitImage, PEN_WIDTH, type Box } from '../../../common/preprocess.js';
import { groupByOverlap } from '../../../common/segment.js';
import type { GreyImage } from './image-decode.js';

export type Polarity = 'dark-on-light' | 'light-on-dark';

export interface InkImage {
  /** Contrast against the local background, ink high; background about 0, solid ink near 1. */
  ink: Float32Array;
  width: number;
  height: number;
  polarity: Polarity;
  /** Standard deviation of the background's contrast (sensor and JPEG noise). */
  noise: number;
  /** The marks fill the frame (a tight crop, a small scan): the paper was taken as one level. */
  fillsFrame?: boolean;
  /** The contrast above the noise floor, when measured while the contrast was computed (see inkMask). */
  candidateInk?: CandidateInk;
}

/** Contrast at or above the noise floor (the candidate ink, see inkMask). */
export interface CandidateInk {
  floor: number;
  /** Histogram over [floor, 1] in OTSU_BINS bins, and the number of values in it. */
  hist: Float64Array;
  count: number;
  /** The values of every step-th pixel among them (step: INK_SAMPLE_STEP of the image's size). */
  sampled: number[];
}

/** Background cells are at least this fraction of the longer side (and four stroke widths). */
const CELL_FRACTION = 1 / 20;
/** Images at most this long have one paper level (see frameFilling). */
const SMALL_SIDE = 128;

function percentileOfHistogram(hist: Uint32Array, offset: number, count: number, p: number): number {
  const target = p * (count - 1);
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[offset + v];
    if (acc > target) return v;
  }
  return 255;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Bilinear upsampling of a gx x gy grid of cell values (cell centres) to w x h pixels. */
function upsampleGrid(grid: Float32Array, gx: number, gy: number, cell: number, w: number, h: number): Float32Array {
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
function select(a: Float64Array, k: number): number {
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
function robustSigma(values: Float32Array): number {
  const step = Math.max(1, Math.floor(values.length / 40_000));
  const sample = new Float64Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = Math.abs(values[i]);
  return sample.length ? 1.4826 * select(sample, sample.length >> 1) : 0;
}

interface CellHistograms {
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
function cellHistograms(data: Uint8Array, w: number, h: number, cell: number, stride = 1): CellHistograms {
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

function cellPercentiles(cells: CellHistograms, p: number): Float32Array {
  const grid = new Float32Array(cells.gx * cells.gy);
  for (let c = 0; c < grid.length; c++) grid[c] = percentileOfHistogram(cells.hist, c * 256, cells.counts[c], p);
  return grid;
}

/** Total excess of residuals beyond 3 sigma, below and above 0. */
function outlierMass(residual: Float32Array, sigma: number): { dark: number; light: number } {
  let dark = 0, light = 0;
  for (let i = 0; i < residual.length; i++) {
    const r = residual[i];
    if (r < -3 * sigma) dark += -r - 3 * sigma;
    else if (r > 3 * sigma) light += r - 3 * sigma;
  }
  return { dark, light };
}

/** The same for grey levels around `center`, from their histogram. */
function outlierMassOfHistogram(hist: Uint32Array, center: number, sigma: number): { dark: number; light: number } {
  let dark = 0, light = 0;
  for (let v = 0; v < 256; v++) {
    const r = v - center;
    if (r < -3 * sigma) dark += hist[v] * (-r - 3 * sigma);
    else if (r > 3 * sigma) light += hist[v] * (r - 3 * sigma);
  }
  return { dark, light };
}

/** Width of the strokes of a binary mask: 2 x area / boundary length (exact for long, thin shapes). */
export function strokeWidth(mask: Uint8Array, w: number, h: number): number {
  let area = 0, edges = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      area++;
      if (x === 0 || !mask[i - 1]) edges++;
      if (x === w - 1 || !mask[i + 1]) edges++;
      if (y === 0 || !mask[i - w]) edges++;
      if (y === h - 1 || !mask[i + w]) edges++;
    }
  }
  return edges > 0 ? (2 * area) / edges : 0;
}

/** The polarity vote and the stroke width are measured on a sample of pixels about this many across (or all of them). */
const SURVEY_SIDE = 300;

/** Every f-th pixel of every f-th row: the same statistics (noise included) on fewer pixels. */
function subsample(image: GreyImage, f: number): GreyImage {
  const { data, width: w, height: h } = image;
  if (f === 1) return image;
  const sw = Math.floor(w / f), sh = Math.floor(h / f), first = f >> 1;
  const out = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++) {
    const row = (y * f + first) * w + first;
    for (let x = 0; x < sw; x++) out[y * sw + x] = data[row + x * f];
  }
  return { data: out, width: sw, height: sh };
}

function histogramOf(data: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  return hist;
}

/**
 * Which side of the background the marks are on, and how wide their strokes are (in pixels of
 * `image`), from a survey copy: with the median of coarse cells (where even thick marker strokes
 * are a minority) as background, which side do the strong outliers fall on? When that is unclear
 * (a digit filling the frame, as in an upscaled MNIST sample) the whole image's median decides.
 * Also the noise: the robust sigma of the residual, in grey levels.
 */
function survey(image: GreyImage): { voted: Polarity; stroke: number; sigma: number } {
  // (At least 8 sampled rows and columns: a long thin strip keeps its short side.)
  const f = Math.max(1, Math.min(Math.round(Math.max(image.width, image.height) / SURVEY_SIDE), Math.floor(Math.min(image.width, image.height) / 8)));
  const { data, width: w, height: h } = subsample(image, f);
  const long = Math.max(w, h);
  const coarse = cellHistograms(data, w, h, Math.max(8, Math.round(long / 5)));
  const medianBg = upsampleGrid(cellPercentiles(coarse, 0.5), coarse.gx, coarse.gy, coarse.cell, w, h);
  const residual = new Float32Array(w * h);
  for (let i = 0; i < residual.length; i++) residual[i] = data[i] - medianBg[i];
  const sigma = Math.max(1, robustSigma(residual));
  const local = outlierMass(residual, sigma);
  const all = histogramOf(data);
  const global = outlierMassOfHistogram(all, percentileOfHistogram(all, 0, data.length, 0.5), sigma);
  const ratio = (m: { dark: number; light: number }) => Math.max(m.dark, m.light) / Math.max(1e-9, Math.min(m.dark, m.light));
  const votes = ratio(local) >= 2 || ratio(global) < 2 ? local : global;
  const voted: Polarity = votes.light > votes.dark ? 'light-on-dark' : 'dark-on-light';
  const rough = new Uint8Array(w * h);
  const strong = Math.max(5 * sigma, 20);
  const votedDark = voted === 'dark-on-light';
  for (let i = 0; i < rough.length; i++) rough[i] = (votedDark ? -residual[i] : residual[i]) > strong ? 1 : 0;
  return { voted, stroke: f * strokeWidth(rough, w, h), sigma };
}

/**
 * Contrast of every pixel against its local background, ink high. Lighting gradients and soft
 * shadows are divided out (a stroke in shade is as dark, relative to its paper, as one in light).
 */
export function normalizeInk(image: GreyImage, forced?: Polarity): InkImage {
  const { data, width: w, height: h } = image;
  const long = Math.max(w, h);
  // A small image has one paper level: lighting does not change much across it, and cells would
  // be a few strokes wide.
  if (long <= SMALL_SIDE) return frameFilling(image, forced);
  const { voted, stroke, sigma } = survey(image);

  // Background cells must be several strokes wide, or a thick stroke would be taken for paper
  // (a marker in a close-up, an upscaled MNIST sample).
  const wanted = Math.max(long * CELL_FRACTION, 4 * stroke, 8);
  // When such cells would not fit three across, the marks fill the frame (a tight crop, an 8 x 8
  // scan, a 28 x 28 sample; or the vote took the paper for ink): the paper is one level.
  if (wanted > long / 3) return frameFilling(image, forced);

  const polarity = forced ?? voted;
  const darkInk = polarity === 'dark-on-light';
  const cell = Math.round(Math.min(wanted, long / 4));
  const cells = cellHistograms(data, w, h, cell, Math.max(1, Math.floor(cell / 16)));
  const { gx, gy } = cells;

  // Background: a percentile on the paper's side, robust to cells that are up to 3/4 ink; a
  // cell that still stands out from its neighbours towards the ink (a thick blob) takes their median.
  const grid = cellPercentiles(cells, darkInk ? 0.75 : 0.25);
  for (let pass = 0; pass < 2; pass++) {
    const fixed = Float32Array.from(grid);
    for (let cy = 0; cy < gy; cy++) {
      for (let cx = 0; cx < gx; cx++) {
        const around: number[] = [];
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = cx + dx, ny = cy + dy;
            if ((dx || dy) && nx >= 0 && ny >= 0 && nx < gx && ny < gy) around.push(grid[ny * gx + nx]);
          }
        }
        if (around.length < 3) continue;
        const m = median(around);
        const v = grid[cy * gx + cx];
        if (darkInk ? v < m - 6 * sigma : v > m + 6 * sigma) fixed[cy * gx + cx] = m;
      }
    }
    grid.set(fixed);
  }
  return { ...contrastAgainst(data, w, h, grid, gx, gy, cell, darkInk), width: w, height: h, polarity };
}
/**
 * Every pixel's contrast against the background `grid` (cell centres, bilinear between them, as
 * upsampleGrid), clamped to [0, 1]; the noise: the robust sigma of the unclamped contrast, on a
 * sample of the pixels measured first; and the candidate ink above the floor that noise sets, for
 * inkMask. One pass over the image.
 */
function contrastAgainst(data: Uint8Array, w: number, h: number, grid: Float32Array, gx: number, gy: number, cell: number, darkInk: boolean): { ink: Float32Array; noise: number; candidateInk: CandidateInk } {
  const ink = new Float32Array(w * h);
  const x0s = new Int32Array(w), x1s = new Int32Array(w), txs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) / cell - 0.5, 0), gx - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, gx - 1);
    txs[x] = fx - x0s[x];
  }
  const sign = darkInk ? 1 : -1;
  const rowOf = (y: number) => {
    const fy = Math.min(Math.max((y + 0.5) / cell - 0.5, 0), gy - 1);
    const y0 = Math.floor(fy);
    return { r0: y0 * gx, r1: Math.min(y0 + 1, gy - 1) * gx, ty: fy - y0 };
  };

  // The noise, from every step-th pixel.
  const step = Math.max(1, Math.floor(ink.length / 40_000));
  const sample = new Float64Array(Math.ceil(ink.length / step));
  for (let i = 0, k = 0; i < ink.length; i += step, k++) {
    const x = i % w, { r0, r1, ty } = rowOf((i - x) / w);
    const a = grid[r0 + x0s[x]] + (grid[r1 + x0s[x]] - grid[r0 + x0s[x]]) * ty;
    const b = a + (grid[r0 + x1s[x]] + (grid[r1 + x1s[x]] - grid[r0 + x1s[x]]) * ty - a) * txs[x];
    sample[k] = Math.abs((b - data[i]) * (sign / Math.max(darkInk ? b : 255 - b, 16)));
  }
  const noise = sample.length ? 1.4826 * select(sample, sample.length >> 1) : 0;
  const floor = inkFloor(noise);
  const hist = new Float64Array(OTSU_BINS);
  const sampled: number[] = [];
  const inkStep = inkSampleStep(ink.length);
  let count = 0;

  // Per row: the background between the two rows of cell centres, then per pixel the background
  // and the factor that turns a difference from it into contrast (ink positive).
  const between = new Float64Array(gx), background = new Float64Array(w), scale = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const { r0, r1, ty } = rowOf(y);
    for (let c = 0; c < gx; c++) between[c] = grid[r0 + c] + (grid[r1 + c] - grid[r0 + c]) * ty;
    for (let x = 0; x < w; x++) {
      const a = between[x0s[x]];
      const b = a + (between[x1s[x]] - a) * txs[x];
      background[x] = b;
      scale[x] = sign / Math.max(darkInk ? b : 255 - b, 16);
    }
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = Math.fround((background[x] - data[row + x]) * scale[x]);
      const c = v < 0 ? 0 : v > 1 ? 1 : v;
      ink[row + x] = c;
      if (c < floor) continue;
      hist[Math.min(OTSU_BINS - 1, Math.floor(((c - floor) / (1 - floor)) * OTSU_BINS))]++;
      count++;
      if ((row + x) % inkStep === 0) sampled.push(c);
    }
  }
  return { ink, noise, candidateInk: { floor, hist, count, sampled } };
}

/** Otsu's threshold of a 256-bin histogram: the grey level that best splits it in two classes (the lower is < it). */
function otsuOfHistogram(hist: Uint32Array): number {
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

/**
 * Contrast for marks that fill the frame, against one paper level. The grey levels split in two
 * classes (Otsu); the ink is the class that covers less of the image and less of its frame (the
 * paper surrounds a digit even when the digit touches the edges), and the paper's level is the
 * median of the other class (unless `forced`). The noise is measured on the paper alone.
 */
export function frameFilling(image: GreyImage, forced?: Polarity): InkImage {
  const { data, width: w, height: h } = image;
  const hist = histogramOf(data);
  const split = otsuOfHistogram(hist);
  let darkAll = 0, darkFrame = 0, frame = 0;
  for (let i = 0; i < data.length; i++) if (data[i] < split) darkAll++;
  for (let y = 0; y < h; y++) {
    const step = y === 0 || y === h - 1 ? 1 : Math.max(1, w - 1);
    for (let x = 0; x < w; x += step) {
      frame++;
      if (data[y * w + x] < split) darkFrame++;
    }
  }
  const darkInk = forced ? forced === 'dark-on-light' : darkAll / data.length + darkFrame / frame < 1;
  const polarity: Polarity = darkInk ? 'dark-on-light' : 'light-on-dark';
  // The paper's level: the median of its class.
  let paperCount = 0;
  for (let v = 0; v < 256; v++) if (darkInk ? v >= split : v < split) paperCount += hist[v];
  let acc = 0, b = darkInk ? 255 : 0;
  for (let v = darkInk ? split : 0; v < (darkInk ? 256 : split); v++) {
    acc += hist[v];
    if (acc > paperCount / 2) {
      b = v;
      break;
    }
  }
  const ink = new Float32Array(w * h);
  const scale = darkInk ? 1 / Math.max(b, 16) : 1 / Math.max(255 - b, 16);
  // Noise: the median deviation of the paper from its level (robust to the ink's grey fringe).
  const deviation = new Uint32Array(256);
  for (let i = 0; i < ink.length; i++) {
    const v = (darkInk ? b - data[i] : data[i] - b) * scale;
    if (darkInk ? data[i] >= split : data[i] < split) deviation[Math.abs(data[i] - b)]++;
    ink[i] = Math.min(1, Math.max(0, v));
  }
  const noise = paperCount > 0 ? 1.4826 * percentileOfHistogram(deviation, 0, paperCount, 0.5) * scale : 0;
  return { ink, width: w, height: h, polarity, noise, fillsFrame: true };
}

/** Bins of the histogram of contrast above the floor that Otsu's threshold is chosen from. */
const OTSU_BINS = 128;

/** Otsu's threshold from a histogram of `n` values in [lo, 1] (OTSU_BINS bins), or lo when there are none. */
function otsu(hist: Float64Array, n: number, lo: number): number {
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

export interface InkMask {
  mask: Uint8Array;
  /** The threshold used, in contrast units. */
  threshold: number;
  /** Lowest contrast that counts as ink at all (above the noise). */
  floor: number;
}

/** Minimum contrast of ink against its background, whatever the noise. */
const MIN_CONTRAST = 0.12;

/**
 * Most contrast the noise floor may ask of ink: in a small crop of a thin digit, the grey fringe of
 * the stroke is much of what is taken for paper, and its spread must not hide the stroke itself.
 */
const MAX_FLOOR = 0.5;

/** Lowest contrast that counts as ink at all: above the noise. */
const inkFloor = (noise: number) => Math.min(MAX_FLOOR, Math.max(MIN_CONTRAST, 4 * noise));

/** The candidate ink is sampled every this many pixels for its 90th percentile. */
const inkSampleStep = (pixels: number) => Math.max(1, Math.floor(pixels / 200_000));

/** The contrast at or above `floor`: its histogram for Otsu, and a sample for its 90th percentile. */
function candidateInk(ink: Float32Array, floor: number): CandidateInk {
  const step = inkSampleStep(ink.length);
  const hist = new Float64Array(OTSU_BINS);
  const sampled: number[] = [];
  let count = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i];
    if (v < floor) continue;
    hist[Math.min(OTSU_BINS - 1, Math.floor(((v - floor) / (1 - floor)) * OTSU_BINS))]++;
    count++;
    if (i % step === 0) sampled.push(v);
  }
  return { floor, hist, count, sampled };
}

/**
 * Binary ink: above a noise floor, then Otsu among the candidates (separating faint ruled lines
 * and shadow edges from handwriting), but never above half the ink's typical contrast, so that
 * uniformly dark strokes keep their width.
 */
export function inkMask(image: InkImage): InkMask {
  const { ink } = image;
  const { floor, hist, count, sampled } = image.candidateInk ?? candidateInk(ink, inkFloor(image.noise));
  let threshold = floor;
  if (sampled.length > 0) {
    const level = select(Float64Array.from(sampled), Math.floor(0.9 * (sampled.length - 1)));
    threshold = Math.max(floor, Math.min(otsu(hist, count, floor), 0.5 * level));
  }
  const mask = new Uint8Array(ink.length);
  for (let i = 0; i < ink.length; i++) mask[i] = ink[i] >= threshold ? 1 : 0;
  return { mask, threshold, floor };
}

export interface Component {
  label: number;
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Pixels on the image's top, right, bottom and left edges. */
  contact: [number, number, number, number];
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

/** Components that overlap horizontally (the two strokes of a 4 or 5): used for the line's height and the count of digits. */
export interface MarkGroup {
  members: Component[];
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  contact: [number, number, number, number];
}

/**
 * A band along an edge of the photo (the page's edge, the table, the corners of a tilted shot):
 * lying on the border for most of its length, and shallow. A digit cropped tightly touches the
 * border too, but only where its strokes end, or it is deep (the bar of a 7 along the top).
 */
function isBorderBand(c: Component | MarkGroup, w: number, h: number): boolean {
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
    out.push({ x: c.minX + x, ink: column[x] });
  }
  return out;
}

/** A stretch of one component: columns x0..x1 of it (a whole component, or a piece between cuts). */
export interface Part {
  label: number;
  x0: number;
  x1: number;
}

/**
 * Grey dilation (max filter) by `radius`, alternating 3x3 squares and crosses (an octagon).
 * The outermost ring is left at 0: callers leave a margin wider than the radius.
 */
function dilate(src: Float32Array, w: number, h: number, radius: number): Float32Array {
  // Ping-pong between two buffers, never writing into `src`; their outer rings stay 0.
  const a = new Float32Array(w * h), b = new Float32Array(w * h);
  let cur: Float32Array = src;
  for (let r = 0; r < radius; r++) {
    const next = cur === a ? b : a;
    const square = r % 2 === 0;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        let m = Math.max(cur[i], cur[i - 1], cur[i + 1], cur[i - w], cur[i + w]);
        if (square) m = Math.max(m, cur[i - w - 1], cur[i - w + 1], cur[i + w - 1], cur[i + w + 1]);
        next[i] = m;
      }
    }
    cur = next;
  }
  return cur;
}


/** Crops larger than this (on their longer side) are averaged down by a whole factor first: fitImage ends at 20 px. */
const CROP_MAX = 64;

/**
 * One candidate digit's 28x28 model input: the grey ink of its pixels (with a one-pixel fringe for
 * the anti-aliasing) over `box` (inclusive), scaled so that solid ink is 1, hairlines thickened to
 * MNIST's stroke width relative to the digit's size, then fitted and centred by fitImage. `member`
 * says which pixels are the candidate's (by index and column). Costs about the box's area.
 */
export function candidateInput(image: InkImage, member: (i: number, x: number) => boolean, box: Box, threshold: number): Float32Array {
  const { ink, width: w, height: h } = image;
  const gw = box.maxX - box.minX + 1, gh = box.maxY - box.minY + 1;
  const extent = Math.max(gw, gh);
  // Large crops are averaged down by f (whole pixels) before thickening.
  const f = Math.max(1, Math.floor(extent / (CROP_MAX / 2)));

  // Membership over the box, with a margin for the fringe and any thickening.
  const margin = f * (Math.ceil(extent / f / 10) + 3);
  const x0 = box.minX - margin, y0 = box.minY - margin;
  const cw = gw + 2 * margin, ch = gh + 2 * margin;
  const inGroup = new Uint8Array(cw * ch);
  // The members' contrast, as a histogram (for its 90th percentile).
  const hist = new Uint32Array(257);
  let count = 0, edges = 0;
  for (let y = box.minY; y <= box.maxY; y++) {
    for (let x = box.minX; x <= box.maxX; x++) {
      const i = y * w + x;
      if (!member(i, x)) continue;
      inGroup[(y - y0) * cw + (x - x0)] = 1;
      hist[Math.round(ink[i] * 256)]++;
      count++;
    }
  }
  if (count === 0) return new Float32Array(28 * 28);
  // Members lie in the box, their fringe one pixel around it: the margin beyond is only room for thickening.
  const bx0 = box.minX - x0, bx1 = box.maxX - x0, by0 = box.minY - y0, by1 = box.maxY - y0;
  // Stroke width from the mask: 2 x area / boundary length is the width of a long, thin shape.
  for (let cy = by0; cy <= by1; cy++) {
    for (let cx = bx0; cx <= bx1; cx++) {
      const i = cy * cw + cx;
      if (inGroup[i]) edges += 4 - inGroup[i - 1] - inGroup[i + 1] - inGroup[i - cw] - inGroup[i + cw];
    }
  }
  const stroke = edges > 0 ? (2 * count) / edges : 1;
  const want = (PEN_WIDTH * extent) / 20;

  let p90 = 256;
  for (let v = 0, acc = 0; v <= 256; v++) {
    acc += hist[v];
    if (acc > 0.9 * (count - 1)) {
      p90 = v;
      break;
    }
  }
  const level = Math.max(p90 / 256, threshold);
  const lo = 0.4 * threshold;

  // Grey ink of the members and their fringe, averaged over f x f blocks.
  const rw = Math.floor(cw / f), rh = Math.floor(ch / f);
  let crop: Float32Array = new Float32Array(rw * rh);
  const norm = 1 / (f * f);
  for (let cy = Math.max(1, by0 - 1); cy <= Math.min(ch - 2, by1 + 1); cy++) {
    const y = y0 + cy;
    if (y < 0 || y >= h) continue;
    const ry = Math.floor(cy / f);
    if (ry >= rh) continue;
    for (let cx = Math.max(1, bx0 - 1); cx <= Math.min(cw - 2, bx1 + 1); cx++) {
      const x = x0 + cx;
      if (x < 0 || x >= w) continue;
      const rx = Math.floor(cx / f);
      if (rx >= rw) continue;
      // In the candidate, or next to it (the anti-aliased fringe).
      const i = cy * cw + cx;
      const near =
        inGroup[i] | inGroup[i - 1] | inGroup[i + 1] | inGroup[i - cw] | inGroup[i + cw] |
        inGroup[i - cw - 1] | inGroup[i - cw + 1] | inGroup[i + cw - 1] | inGroup[i + cw + 1];
      if (near) crop[ry * rw + rx] += norm * Math.min(1, Math.max(0, (ink[y * w + x] - lo) / (level - lo)));
    }
  }
  const radius = Math.min(Math.floor(margin / f) - 2, stroke < 0.8 * want ? Math.round((want - stroke) / 2 / f) : 0);
  if (radius > 0) crop = dilate(crop, rw, rh, radius);
  return fitImage(crop, rw, rh);
}
