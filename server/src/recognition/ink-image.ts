/**
 * A photo or scan -> its ink as contrast against the paper, ink high, in [0, 1]. normalizeInk picks
 * the polarity (dark ink on light paper, or chalk on a board) from which side of a coarse
 * background the strong outliers fall, estimates the paper from per-cell percentiles (cells several
 * strokes wide: they follow lighting gradients and soft shadows but not strokes) and expresses
 * every pixel against it. Small images, and marks that fill the frame (a tight crop), have one
 * paper level instead (frameFilling). The statistics come from samples of the pixels; only the
 * contrast itself visits them all. Pure functions on typed arrays, testable on tiny bitmaps.
 */
import type { GreyImage } from './image-decode.js';
import {
  cellHistograms,
  cellPercentiles,
  histogramOf,
  median,
  otsu,
  OTSU_BINS,
  otsuOfHistogram,
  outlierMass,
  outlierMassOfHistogram,
  percentileOfHistogram,
  robustSigma,
  select,
  upsampleGrid,
} from './grey-statistics.js';

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
