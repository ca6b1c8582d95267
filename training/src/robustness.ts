/**
 * Labelled image sets for MEASURING the model beyond MNIST (never for training): stroke-drawn
 * digits from jittered templates, digits typeset in the installed fonts, transformed MNIST *test*
 * images, and non-digits (Fashion-MNIST *test*, scribbles, letters, shapes) for abstention.
 *
 * Every image goes through the production preprocessing: strokes through renderStrokes (what
 * boards draw with; the sharp rasterizer of POST /api/recognize draws the same), images through
 * fitImage (the upload path). Each builder is deterministic for its seed (fonts: for the fonts
 * installed on the machine).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { INPUT_SIZE, NOT_A_DIGIT } from '../../common/model-contract.js';
import { PEN_WIDTH, centerByMass, fitImage, fitTransform, gaussianBlur, strokesBounds, type Stroke } from '../../common/preprocess.js';
import { digitStrokes } from '../../server/test/fixtures/digits.js';
import type { Rng } from './augment.js';
import { EXCLUDED_LETTERS } from './font-letters.js';
import { FASHION_DIR, scribble } from './negatives.js';
import { renderFitted, renderStrokes } from '../../common/render.js';

export type SetKind = 'digits' | 'non-digits';

export interface RobustnessSet {
  /** Short identifier, e.g. "mnist-rotate". */
  id: string;
  /** Human name for tables. */
  name: string;
  kind: SetKind;
  /** How the set was made, for the model card. */
  source: string;
  /** 28x28 model inputs, ink high, in [0, 1]. */
  images: Float32Array[];
  /** Digit 0-9, or NOT_A_DIGIT for non-digit sets. */
  labels: number[];
  /** A sub-group per image (font face, letter, shape...) for breakdowns. */
  tags: string[];
}

const N = INPUT_SIZE;
const PX = N * N;

/* ------------------------------------------------------------------------------------------ */
/* Image helpers on w x h grey images (row-major Float32Array, ink high).                      */

function bilinear(src: ArrayLike<number>, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) return 0;
  const fx = x - x0, fy = y - y0;
  const at = (xx: number, yy: number) => (xx >= 0 && yy >= 0 && xx < w && yy < h ? src[yy * w + xx] : 0);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** Zero-pads an image by p pixels on every side. */
export function pad(src: ArrayLike<number>, w: number, h: number, p: number): Float32Array {
  const W = w + 2 * p;
  const out = new Float32Array(W * (h + 2 * p));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(y + p) * W + x + p] = src[y * w + x];
  return out;
}

/**
 * Applies the linear map m = [a, b, c, d] (x' = a x + b y, y' = c x + d y) about the image
 * centre, then translates by (tx, ty); bilinear sampling of the inverse map, same size out.
 */
export function warp(src: ArrayLike<number>, w: number, h: number, m: [number, number, number, number], tx = 0, ty = 0): Float32Array {
  const [a, b, c, d] = m;
  const det = a * d - b * c;
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x - cx - tx, py = y - cy - ty;
      out[y * w + x] = bilinear(src, w, h, ia * px + ib * py + cx, ic * px + id * py + cy);
    }
  }
  return out;
}

/** Bilinear resize by a factor (upsampling). */
export function upsample(src: ArrayLike<number>, w: number, h: number, f: number): Float32Array {
  const W = Math.round(w * f), H = Math.round(h * f);
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = bilinear(src, w, h, (x + 0.5) / f - 0.5, (y + 0.5) / f - 0.5);
  return out;
}

/** Box-filter downscale by an integer factor. */
export function downscale(src: ArrayLike<number>, w: number, h: number, f: number): Float32Array {
  const W = Math.floor(w / f), H = Math.floor(h / f);
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += src[(y * f + dy) * w + x * f + dx];
      out[y * W + x] = s / (f * f);
    }
  }
  return out;
}

/** Grey-level dilation (max) or erosion (min) with a disk of radius r. */
export function morphDisk(src: ArrayLike<number>, w: number, h: number, r: number, op: 'dilate' | 'erode'): Float32Array {
  const offsets: [number, number][] = [];
  const R = Math.ceil(r);
  for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) if (dx * dx + dy * dy <= r * r + 1e-9) offsets.push([dx, dy]);
  const out = new Float32Array(w * h);
  const dilate = op === 'dilate';
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = dilate ? 0 : 1;
      for (const [dx, dy] of offsets) {
        const xx = x + dx, yy = y + dy;
        const v = xx >= 0 && yy >= 0 && xx < w && yy < h ? src[yy * w + xx] : 0;
        m = dilate ? Math.max(m, v) : Math.min(m, v);
      }
      out[y * w + x] = m;
    }
  }
  return out;
}


/** A seeded permutation's first `count` indices of [0, total). */
export function pickIndices(total: number, count: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const idx = Array.from({ length: total }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, Math.min(count, total));
}

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const signed = (rng: Rng, lo: number, hi: number) => (rng() < 0.5 ? -1 : 1) * uniform(rng, lo, hi);

/* ------------------------------------------------------------------------------------------ */
/* (c) Transforms of MNIST test images, then the upload path's fitImage.                        */

export const MNIST_TRANSFORMS = {
  refit: 'no transform: the 28x28 test image through fitImage only (the baseline for the rows below)',
  slant: 'shear x by ±0.3-0.5 of y (slanted handwriting)',
  rotate: 'rotated ±20-30°',
  thick: 'grey dilation, disk of radius 1.25 px (strokes about twice as thick)',
  thin: 'grey erosion, disk of radius 0.75 px (strokes about half as thick)',
  lowres: 'box-downscaled to 14x14 (the digit about 10 px tall), then fitImage scales it back up (blocky)',
  offcentre: 'shifted by ±2-4 px (sub-pixel, bilinear) within the frame before fitImage',
  saltpepper: 'salt & pepper noise on 3% of the 28x28 pixels before fitImage',
  gaussian: 'additive Gaussian noise, σ = 0.1, clipped to [0, 1], before fitImage',
  blur: 'Gaussian blur, σ = 1.2 px, before fitImage',
} as const;
export type MnistTransform = keyof typeof MNIST_TRANSFORMS;

export const MNIST_TRANSFORM_NAMES: Record<MnistTransform, string> = {
  refit: 'MNIST test, refit only',
  slant: 'MNIST test, slanted',
  rotate: 'MNIST test, rotated',
  thick: 'MNIST test, thick strokes',
  thin: 'MNIST test, thin strokes',
  lowres: 'MNIST test, low resolution',
  offcentre: 'MNIST test, off-centre',
  saltpepper: 'MNIST test, salt & pepper',
  gaussian: 'MNIST test, Gaussian noise',
  blur: 'MNIST test, blurred',
};

/** One 28x28 MNIST image transformed as `kind` says and refitted; returns the model input. */
export function transformMnist(img: ArrayLike<number>, kind: MnistTransform, rng: Rng): Float32Array {
  switch (kind) {
    case 'refit':
      return fitImage(img, N, N);
    case 'slant': {
      const P = 14, W = N + 2 * P;
      return fitImage(warp(pad(img, N, N, P), W, W, [1, signed(rng, 0.3, 0.5), 0, 1]), W, W);
    }
    case 'rotate': {
      const P = 8, W = N + 2 * P;
      const a = (signed(rng, 20, 30) * Math.PI) / 180;
      return fitImage(warp(pad(img, N, N, P), W, W, [Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)]), W, W);
    }
    case 'thick':
    case 'thin': {
      // At 2x resolution, so that radii finer than a pixel of the 28x28 image are possible.
      const P = 4, W = 2 * (N + 2 * P);
      const big = upsample(pad(img, N, N, P), N + 2 * P, N + 2 * P, 2);
      return fitImage(kind === 'thick' ? morphDisk(big, W, W, 2.5, 'dilate') : morphDisk(big, W, W, 1.5, 'erode'), W, W);
    }
    case 'lowres':
      return fitImage(downscale(img, N, N, 2), N / 2, N / 2);
    case 'offcentre':
      return fitImage(warp(img, N, N, [1, 0, 0, 1], signed(rng, 2, 4), signed(rng, 2, 4)), N, N);
    case 'saltpepper': {
      const out = Float32Array.from(img);
      for (let i = 0; i < PX; i++) if (rng() < 0.03) out[i] = rng() < 0.5 ? 1 : 0;
      return fitImage(out, N, N);
    }
    case 'gaussian': {
      const out = new Float32Array(PX);
      for (let i = 0; i < PX; i++) {
        // Box-Muller.
        const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
        out[i] = Math.min(1, Math.max(0, img[i] + 0.1 * g));
      }
      return fitImage(out, N, N);
    }
    case 'blur': {
      const P = 4, W = N + 2 * P;
      return fitImage(gaussianBlur(pad(img, N, N, P), W, W, 1.2), W, W);
    }
  }
}

/** A transformed MNIST-test set: `images` are raw 28x28 test images (n * 784), one output per index. */
export function mnistTransformSet(
  images: Float32Array,
  labels: ArrayLike<number>,
  indices: readonly number[],
  kind: MnistTransform,
  seed: string,
): RobustnessSet {
  const rng = seedrandom(`${seed}:${kind}`);
  return {
    id: `mnist-${kind}`,
    name: MNIST_TRANSFORM_NAMES[kind],
    kind: 'digits',
    source: MNIST_TRANSFORMS[kind],
    images: indices.map((i) => transformMnist(images.subarray(i * PX, (i + 1) * PX), kind, rng)),
    labels: indices.map((i) => labels[i]),
    tags: indices.map((i) => String(labels[i])),
  };
}

/* ------------------------------------------------------------------------------------------ */
/* (a) Canvas-like digits: the stroke templates of server/test/fixtures/digits.ts, jittered.   */

/** Resamples a polyline so that consecutive points are at most `step` apart. */
function densify(points: readonly number[][], step: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    out.push([a[0], a[1]]);
    const b = points[i + 1];
    if (!b) break;
    const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / step);
    for (let k = 1; k < n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

/**
 * Smooth random distortion of strokes drawn at scale `size`: a low-frequency displacement field
 * (moves the templates' control points coherently), rotation, aspect change, per-stroke offsets
 * (pen lifted and put down slightly elsewhere), trimmed stroke ends and a little tremor.
 */
function jitterStrokes(strokes: readonly number[][][], size: number, rng: Rng, amount = 1): Stroke[] {
  const waves = Array.from({ length: 4 }, () => ({
    amp: uniform(rng, 0, 0.05) * amount * size,
    fx: uniform(rng, -1.2, 1.2) / size,
    fy: uniform(rng, -1.2, 1.2) / size,
    phase: uniform(rng, 0, 2 * Math.PI),
  }));
  const angle = uniform(rng, -0.17, 0.17) * amount;
  const aspect = uniform(rng, 0.75, 1.3);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const tremor = 0.006 * size;
  return strokes.map((stroke, s) => {
    const offX = s > 0 ? uniform(rng, -0.06, 0.06) * size * amount : 0;
    const offY = s > 0 ? uniform(rng, -0.06, 0.06) * size * amount : 0;
    const n = stroke.length;
    const trimStart = n > 8 ? Math.floor(uniform(rng, 0, 0.06) * n) : 0;
    const trimEnd = n > 8 ? Math.floor(uniform(rng, 0, 0.06) * n) : 0;
    return stroke.slice(trimStart, n - trimEnd).map(([x0, y0]) => {
      let x = x0, y = y0;
      x += waves[0].amp * Math.sin(2 * Math.PI * (waves[0].fx * x0 + waves[0].fy * y0) + waves[0].phase) + waves[1].amp * Math.sin(2 * Math.PI * (waves[1].fx * x0 + waves[1].fy * y0) + waves[1].phase);
      y += waves[2].amp * Math.sin(2 * Math.PI * (waves[2].fx * x0 + waves[2].fy * y0) + waves[2].phase) + waves[3].amp * Math.sin(2 * Math.PI * (waves[3].fx * x0 + waves[3].fy * y0) + waves[3].phase);
      x = x * aspect + offX + uniform(rng, -tremor, tremor);
      y = y + offY + uniform(rng, -tremor, tremor);
      return [x * cos - y * sin, x * sin + y * cos];
    });
  });
}

/** A randomly varied stroke drawing of `digit`, as if drawn on a canvas. */
export function canvasDigitStrokes(digit: number, rng: Rng): Stroke[] {
  const size = uniform(rng, 60, 240);
  const slant = uniform(rng, -0.2, 0.45);
  const strokes = digitStrokes(digit, { x: 0, y: 0, size, slant }).map((s) => s.map((p) => [p[0], p[1]]));
  return jitterStrokes(strokes, size, rng);
}

type UnitPath = (t: number) => [number, number];
const arcP = (cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): UnitPath => (t) => {
  const a = a0 + (a1 - a0) * t;
  return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
};
const lineP = (x0: number, y0: number, x1: number, y1: number): UnitPath => (t) => [x0 + (x1 - x0) * t, y0 + (y1 - y0) * t];
const chainP = (...parts: UnitPath[]): UnitPath => (t) => {
  const k = Math.min(parts.length - 1, Math.floor(t * parts.length));
  return parts[k](t * parts.length - k);
};

/**
 * Letterforms the fixture's templates do not have, common in handwriting: 1 with a base, bare-stick
 * 1, crossed 7, open-top 4, flat-topped 3, 5 in one stroke, 8 as two stacked loops, 9 with a
 * curled tail, 2 with a loop, open or slashed 0, 6 with a straight stem. Unit box (0..1),
 * strokes as paths.
 */
export interface Letterform {
  name: string;
  paths: UnitPath[];
}

export const ALT_DIGITS: Record<number, Letterform[]> = {
  0: [
    { name: '0 open at the top', paths: [arcP(0.5, 0.5, 0.3, 0.48, -Math.PI * 0.6, Math.PI * 1.3)] },
    { name: '0 slashed', paths: [arcP(0.5, 0.5, 0.3, 0.48, -Math.PI * 0.6, Math.PI * 1.45), lineP(0.75, 0.1, 0.25, 0.9)] },
  ],
  1: [
    { name: '1 with flag and base', paths: [chainP(lineP(0.3, 0.2, 0.55, 0), lineP(0.55, 0, 0.55, 1)), lineP(0.3, 1, 0.8, 1)] },
    { name: '1 bare stick', paths: [lineP(0.5, 0, 0.47, 1)] },
  ],
  2: [{ name: '2 looped', paths: [chainP(arcP(0.5, 0.28, 0.35, 0.26, Math.PI * 1.1, Math.PI * 2.3), lineP(0.72, 0.5, 0.42, 0.7), arcP(0.38, 0.84, 0.25, 0.15, -Math.PI * 0.6, Math.PI * 1.45), lineP(0.3, 0.99, 0.95, 0.97))] }],
  3: [{ name: '3 flat-topped', paths: [chainP(lineP(0.1, 0, 0.85, 0), lineP(0.85, 0, 0.4, 0.4), arcP(0.45, 0.7, 0.38, 0.3, -Math.PI / 2, Math.PI * 0.85))] }],
  4: [
    { name: '4 open-top', paths: [chainP(lineP(0.15, 0, 0.1, 0.6), lineP(0.1, 0.6, 0.95, 0.6)), lineP(0.72, 0, 0.72, 1)] },
    { name: '4 in one stroke', paths: [chainP(lineP(0.7, 1, 0.7, 0), lineP(0.7, 0, 0.05, 0.65), lineP(0.05, 0.65, 0.95, 0.65))] },
  ],
  5: [{ name: '5 in one stroke', paths: [chainP(lineP(0.85, 0, 0.25, 0), lineP(0.25, 0, 0.2, 0.42), arcP(0.5, 0.68, 0.35, 0.3, -Math.PI * 0.75, Math.PI * 0.8))] }],
  6: [{ name: '6 straight stem', paths: [chainP(lineP(0.7, 0, 0.2, 0.65), arcP(0.5, 0.72, 0.32, 0.27, Math.PI, Math.PI * 3.05))] }],
  7: [
    { name: '7 crossed', paths: [chainP(lineP(0.05, 0.02, 0.95, 0.02), lineP(0.95, 0.02, 0.35, 1)), lineP(0.4, 0.5, 0.9, 0.5)] },
    { name: '7 with a serif', paths: [chainP(lineP(0.05, 0.15, 0.05, 0.02), lineP(0.05, 0.02, 0.95, 0.02), lineP(0.95, 0.02, 0.5, 1))] },
  ],
  8: [{ name: '8 as two loops', paths: [arcP(0.5, 0.25, 0.27, 0.24, 0, Math.PI * 2.05), arcP(0.5, 0.74, 0.33, 0.26, 0, Math.PI * 2.05)] }],
  9: [
    { name: '9 curled tail', paths: [chainP(arcP(0.5, 0.28, 0.33, 0.27, 0, Math.PI * 2.05), lineP(0.83, 0.3, 0.75, 0.85), arcP(0.5, 0.85, 0.25, 0.15, 0, Math.PI * 0.9))] },
    { name: '9 straight stem', paths: [chainP(arcP(0.5, 0.28, 0.33, 0.27, 0, Math.PI * 2.05), lineP(0.83, 0.3, 0.83, 1))] },
  ],
};

/** One alternative letterform of `digit`, sampled, slanted, sized and jittered like canvasDigitStrokes. */
export function altDigitStrokes(digit: number, rng: Rng): { strokes: Stroke[]; form: string } {
  const forms = ALT_DIGITS[digit];
  const form = forms[Math.floor(rng() * forms.length)];
  const size = uniform(rng, 60, 240);
  const slant = uniform(rng, -0.2, 0.45);
  const n = Math.max(8, Math.round(size / 3));
  const strokes = form.paths.map((p) =>
    Array.from({ length: n + 1 }, (_, i) => {
      const [ux, uy] = p(i / n);
      return [(ux * 0.65 + (1 - uy) * slant) * size, uy * size];
    }),
  );
  return { strokes: jitterStrokes(strokes, size, rng), form: form.name };
}

/** Canvas-like digits in the ALT_DIGITS letterforms (balanced 0-9); tags name the letterform. */
export function canvasAltDigits(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:canvas-alt`);
  const labels = Array.from({ length: count }, (_, i) => i % 10);
  const drawn = labels.map((d) => altDigitStrokes(d, rng));
  return {
    id: 'canvas-alt',
    name: 'Canvas-like, other letterforms',
    kind: 'digits',
    source:
      'letterforms the fixture lacks (1 with a base, bare 1, crossed 7, open-top 4, flat-topped 3, one-stroke 5, 8 as two loops, ' +
      '9 with a curled tail, looped 2, open or slashed 0, straight-stemmed 6; ALT_DIGITS in robustness.ts), same random variation, renderStrokes',
    images: drawn.map((d) => renderStrokes(d.strokes)),
    labels,
    tags: drawn.map((d) => d.form),
  };
}

/** renderStrokes with another pen width (the server always uses PEN_WIDTH; uploads vary). */
export function renderStrokesWithPen(strokes: readonly Stroke[], penWidth: number): Float32Array {
  const box = strokesBounds(strokes);
  if (!box) return new Float32Array(PX);
  const { scale, offsetX, offsetY } = fitTransform(box, penWidth);
  const fitted = strokes.map((s) => s.map((p) => [p[0] * scale + offsetX, p[1] * scale + offsetY]));
  return centerByMass(renderFitted(fitted, penWidth)).image;
}

/** `count` canvas-like digits (balanced 0-9); with penWidth, each drawn with a random pen in that range. */
export function canvasDigits(count: number, seed: string, penWidth?: [number, number]): RobustnessSet {
  const rng = seedrandom(`${seed}:canvas${penWidth ? ':pen' : ''}`);
  const images: Float32Array[] = [];
  const labels: number[] = [];
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = i % 10;
    const strokes = canvasDigitStrokes(d, rng);
    if (penWidth) {
      const w = uniform(rng, penWidth[0], penWidth[1]);
      images.push(renderStrokesWithPen(strokes, w));
      tags.push(`pen ${w < 2 ? '<2' : w < 2.8 ? '2-2.8' : '>=2.8'}`);
    } else {
      images.push(renderStrokes(strokes));
      tags.push(String(d));
    }
    labels.push(d);
  }
  return penWidth
    ? {
        id: 'canvas-pen',
        name: 'Canvas-like, varied pen width',
        kind: 'digits',
        source: `as above, rendered with a pen ${penWidth[0]}-${penWidth[1]} px wide in the 28x28 frame instead of the server's ${PEN_WIDTH} (what an uploaded drawing's fitted strokes can look like)`,
        images,
        labels,
        tags,
      }
    : {
        id: 'canvas',
        name: 'Canvas-like strokes',
        kind: 'digits',
        source:
          'the stroke templates of server/test/fixtures/digits.ts with random size (60-240 px), slant (-0.2 to 0.45), ' +
          'aspect (0.75-1.3), rotation (±10°), a smooth random displacement of the path (up to ~10% of the height), ' +
          'strokes lifted and offset, ends trimmed, tremor; rendered by renderStrokes (the server rasterizer\'s twin)',
        images,
        labels,
        tags,
      };
}

/* ------------------------------------------------------------------------------------------ */
/* (b), (d) Glyphs typeset with the machine's fonts, through sharp (librsvg + fontconfig).     */

export interface FontFace {
  family: string;
  /** fontconfig's style name, e.g. "Bold Italic". */
  style: string;
  /** CSS weight 100-900. */
  weight: number;
  fontStyle: 'normal' | 'italic' | 'oblique';
  /** CSS font-stretch. */
  stretch: string;
}

export const faceLabel = (f: FontFace) => `${f.family} ${f.style}`;

/**
 * Families left out: symbol and dingbat fonts (no digits; the TeX ones of fonts-lyx put math
 * symbols where letters and digits would be), and outline-only (hollow) handwriting that no pen
 * produces.
 */
export const EXCLUDED_FAMILIES = [
  'Standard Symbols PS', 'D050000L', 'femkeklaver',
  'cmex10', 'cmsy10', 'msam10', 'msbm10', 'esint10', 'stmary10', 'wasy10', 'rsfs10',
];

/** Letters that look like digits (O/o 0, I/l 1, S/s 5, Z/z 2, B 8, g/q 9): not counted as non-digits. */
export { EXCLUDED_LETTERS };
export const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !EXCLUDED_LETTERS.includes(c));

/** fontconfig weight -> CSS weight. */
function cssWeight(fc: number): number {
  const table: [number, number][] = [[0, 100], [40, 200], [50, 300], [55, 350], [75, 400], [80, 400], [100, 500], [180, 600], [200, 700], [205, 800], [210, 900]];
  let best = table[0];
  for (const t of table) if (Math.abs(t[0] - fc) < Math.abs(best[0] - fc)) best = t;
  return best[1];
}

function cssStretch(width: number): string {
  if (width <= 56) return 'extra-condensed';
  if (width <= 80) return 'condensed';
  if (width <= 93) return 'semi-condensed';
  if (width <= 106) return 'normal';
  return 'expanded';
}

/** The scalable faces fontconfig knows, minus EXCLUDED_FAMILIES, sorted. Empty without fc-list. */
export async function listFontFaces(): Promise<FontFace[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('fc-list', ['--format', '%{family[0]}\t%{style[0]}\t%{weight}\t%{slant}\t%{width}\n', ':scalable=true']));
  } catch {
    return [];
  }
  const num = (s: string) => Number(/-?\d+(\.\d+)?/.exec(s)?.[0] ?? NaN);
  const seen = new Set<string>();
  const faces: FontFace[] = [];
  for (const line of stdout.split('\n')) {
    const [family, style, weight, slant, width] = line.split('\t');
    if (!family || EXCLUDED_FAMILIES.includes(family)) continue;
    const face: FontFace = {
      family,
      style: style || 'Regular',
      weight: cssWeight(num(weight) || 80),
      fontStyle: num(slant) >= 110 ? 'oblique' : num(slant) >= 100 ? 'italic' : 'normal',
      stretch: cssStretch(num(width) || 100),
    };
    const key = faceLabel(face);
    if (!seen.has(key)) {
      seen.add(key);
      faces.push(face);
    }
  }
  return faces.sort((a, b) => faceLabel(a).localeCompare(faceLabel(b)));
}

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Typesets `chars` in one face, one per cell of a single SVG row (white on black), and returns
 * each cell's raw pixels (size cell x cell) plus a hash of the whole row.
 */
export async function renderGlyphRow(face: FontFace, chars: readonly string[], fontSize = 64): Promise<{ cells: Float32Array[]; cell: number; hash: string }> {
  const cell = Math.round(fontSize * 2.5);
  const W = cell * chars.length;
  const texts = chars
    .map((ch, i) => `<text x="${i * cell + cell / 2}" y="${Math.round(cell * 0.62)}">${xmlEscape(ch)}</text>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${cell}"><rect width="100%" height="100%" fill="#000"/>` +
    `<g fill="#fff" text-anchor="middle" font-size="${fontSize}" font-family="${xmlEscape(face.family)}" font-weight="${face.weight}" ` +
    `font-style="${face.fontStyle}" font-stretch="${face.stretch}">${texts}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== W || info.height !== cell) throw new Error(`glyph row rendered ${info.width}x${info.height}`);
  const cells = chars.map((_, i) => {
    const out = new Float32Array(cell * cell);
    for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) out[y * cell + x] = data[y * W + i * cell + x] / 255;
    return out;
  });
  return { cells, cell, hash: createHash('sha1').update(data).digest('hex') };
}

/**
 * Glyphs of every face for `chars`, fitted with fitImage. Faces whose rendering of `chars` is
 * pixel-identical to an earlier face's (fontconfig's fallback for a face librsvg could not
 * select, or families sharing glyphs) are dropped, so each counted face looks different.
 */
export async function fontGlyphs(faces: readonly FontFace[], chars: readonly string[]): Promise<{ face: FontFace; glyphs: Float32Array[] }[]> {
  const seen = new Set<string>();
  const out: { face: FontFace; glyphs: Float32Array[] }[] = [];
  for (const face of faces) {
    const { cells, cell, hash } = await renderGlyphRow(face, chars);
    if (seen.has(hash)) continue;
    seen.add(hash);
    out.push({ face, glyphs: cells.map((c) => fitImage(c, cell, cell)) });
  }
  return out;
}

/** Digits 0-9 in every distinct installed face. */
export async function fontDigits(faces: readonly FontFace[]): Promise<RobustnessSet> {
  const digits = [...'0123456789'];
  const rendered = await fontGlyphs(faces, digits);
  return {
    id: 'fonts',
    name: 'Font digits',
    kind: 'digits',
    source: `digits 0-9 typeset by sharp (librsvg) in ${rendered.length} distinct installed font faces (regular, bold, italic, condensed, light... and handwriting-style families), then fitImage`,
    images: rendered.flatMap((r) => r.glyphs),
    labels: rendered.flatMap(() => digits.map(Number)),
    tags: rendered.flatMap((r) => digits.map(() => faceLabel(r.face))),
  };
}

/**
 * Letters (without EXCLUDED_LETTERS) in every distinct face given; a seeded sample of `count` of
 * them. `facesNote` says how the faces were chosen, for the set's description.
 */
export async function fontLetters(faces: readonly FontFace[], count: number, seed: string, facesNote = ''): Promise<RobustnessSet> {
  const rendered = await fontGlyphs(faces, LETTERS);
  const all = rendered.flatMap((r) => r.glyphs.map((g, i) => ({ image: g, tag: LETTERS[i] })));
  const pick = pickIndices(all.length, count, `${seed}:letters`).sort((a, b) => a - b);
  return {
    id: 'letters',
    name: 'Letters (fonts)',
    kind: 'non-digits',
    source: `${LETTERS.length} letters (A-Z, a-z without ${[...EXCLUDED_LETTERS].join(' ')}) in ${rendered.length} distinct font faces${facesNote}, a seeded sample of ${Math.min(count, all.length)}, fitImage`,
    images: pick.map((i) => all[i].image),
    labels: pick.map(() => NOT_A_DIGIT),
    tags: pick.map((i) => all[i].tag),
  };
}

/* ------------------------------------------------------------------------------------------ */
/* (d) Other non-digits.                                                                        */

/** A seeded sample of Fashion-MNIST *test* images (training used the train file), or null. */
export async function fashionTest(count: number, seed: string): Promise<RobustnessSet | null> {
  const file = `${FASHION_DIR}/t10k-images-idx3-ubyte.gz`;
  const labelFile = `${FASHION_DIR}/t10k-labels-idx1-ubyte.gz`;
  if (!existsSync(file)) return null;
  const bytes = gunzipSync(await readFile(file));
  if (bytes.readUInt32BE(0) !== 2051) throw new Error('Fashion-MNIST test: bad IDX magic');
  const classes = existsSync(labelFile) ? gunzipSync(await readFile(labelFile)).subarray(8) : null;
  const names = ['T-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
  const pick = pickIndices(bytes.readUInt32BE(4), count, `${seed}:fashion`).sort((a, b) => a - b);
  const images = pick.map((i) => {
    const raw = new Float32Array(PX);
    for (let k = 0; k < PX; k++) raw[k] = bytes[16 + i * PX + k] / 255;
    return fitImage(raw, N, N);
  });
  return {
    id: 'fashion',
    name: 'Fashion-MNIST test',
    kind: 'non-digits',
    source: `a seeded sample of the Fashion-MNIST test file (${FASHION_DIR}/t10k-images-idx3-ubyte.gz), fitImage`,
    images,
    labels: pick.map(() => NOT_A_DIGIT),
    tags: pick.map((i) => (classes ? names[classes[i]] : 'item')),
  };
}

/** Scribbles from negatives.ts, with a seed no training run uses. */
export function scribbleSet(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:scribbles`);
  return {
    id: 'scribbles',
    name: 'Scribbles (new seed)',
    kind: 'non-digits',
    source: `training/src/negatives.ts scribble() with seed "${seed}:scribbles" (training seeds are "<n>:batch:..." and "<n>:validation-negatives")`,
    images: Array.from({ length: count }, () => scribble(rng)),
    labels: new Array<number>(count).fill(NOT_A_DIGIT),
    tags: new Array<string>(count).fill('scribble'),
  };
}

export const SHAPES = ['rectangle', 'triangle', 'star', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

/** A hand-drawn-looking geometric shape in a ~100-unit box. */
export function shapeStrokes(shape: Shape, rng: Rng): Stroke[] {
  const rot = uniform(rng, -0.35, 0.35);
  const rotate = ([x, y]: number[]) => [50 + (x - 50) * Math.cos(rot) - (y - 50) * Math.sin(rot), 50 + (x - 50) * Math.sin(rot) + (y - 50) * Math.cos(rot)];
  const closed = (pts: number[][]) => [...pts, pts[0]];
  let strokes: number[][][];
  switch (shape) {
    case 'rectangle': {
      const aspect = Math.exp(uniform(rng, Math.log(0.4), Math.log(2.5)));
      const w = aspect >= 1 ? 90 : 90 * aspect, h = aspect >= 1 ? 90 / aspect : 90;
      const x0 = 50 - w / 2, y0 = 50 - h / 2;
      const corners = [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]];
      const k = Math.floor(rng() * 4);
      strokes = [closed([...corners.slice(k), ...corners.slice(0, k)])];
      break;
    }
    case 'triangle': {
      // Three vertices on a circle, at least 70° apart.
      const a0 = uniform(rng, 0, 2 * Math.PI);
      const a1 = a0 + uniform(rng, 1.22, 2.6);
      const a2 = a1 + uniform(rng, 1.22, Math.max(1.23, 2 * Math.PI - (a1 - a0) - 1.22));
      strokes = [closed([a0, a1, a2].map((a) => [50 + 45 * Math.cos(a), 50 + 45 * Math.sin(a)]))];
      break;
    }
    case 'star': {
      const a0 = -Math.PI / 2 + uniform(rng, -0.3, 0.3);
      const outer = Array.from({ length: 5 }, (_, i) => a0 + (i * 2 * Math.PI) / 5);
      if (rng() < 0.5) {
        // Pentagram in one stroke: every second point.
        strokes = [closed([0, 2, 4, 1, 3].map((i) => [50 + 45 * Math.cos(outer[i]), 50 + 45 * Math.sin(outer[i])]))];
      } else {
        const inner = uniform(rng, 0.35, 0.5) * 45;
        const pts = outer.flatMap((a) => [
          [50 + 45 * Math.cos(a), 50 + 45 * Math.sin(a)],
          [50 + inner * Math.cos(a + Math.PI / 5), 50 + inner * Math.sin(a + Math.PI / 5)],
        ]);
        strokes = [closed(pts)];
      }
      break;
    }
    case 'cross': {
      const cx = uniform(rng, 40, 60), cy = uniform(rng, 40, 60);
      const l = () => uniform(rng, 30, 48);
      strokes =
        rng() < 0.5
          ? [[[cx - l(), cy], [cx + l(), cy]], [[cx, cy - l()], [cx, cy + l()]]]
          : [[[cx - l() * 0.7, cy - l() * 0.7], [cx + l() * 0.7, cy + l() * 0.7]], [[cx + l() * 0.7, cy - l() * 0.7], [cx - l() * 0.7, cy + l() * 0.7]]];
      break;
    }
  }
  return jitterStrokes(strokes.map((s) => densify(s.map(rotate), 3)), 100, rng, 0.7);
}

/** Shapes drawn as strokes (balanced over SHAPES), rendered like canvas input. */
export function shapeSet(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:shapes`);
  const tags = Array.from({ length: count }, (_, i) => SHAPES[i % SHAPES.length]);
  return {
    id: 'shapes',
    name: 'Geometric shapes',
    kind: 'non-digits',
    source: 'rectangles (aspect 0.4-2.5), triangles, stars (pentagram or outline) and crosses (+ or x), drawn as jittered strokes, renderStrokes; circles and single lines left out (they are 0 and 1)',
    images: tags.map((t) => renderStrokes(shapeStrokes(t, rng))),
    labels: new Array<number>(count).fill(NOT_A_DIGIT),
    tags,
  };
}
