/**
 * The arithmetic that turns ink into the model's 28x28 input, shared by the server (which
 * rasterizes with sharp), the browser's on-device path (OffscreenCanvas) and training
 * (negatives and augmentation), so that all three see the same picture for the same input.
 *
 * MNIST's recipe: fit the ink into a 20x20 box keeping its aspect ratio, anti-aliased, then
 * place it in 28x28 so that its centre of mass is at the centre.
 */
import { FIT_BOX, INPUT_SIZE } from './model-contract.js';

/** A point as sent by clients: x, y in canvas pixels, optional t in ms. */
export type Point = [number, number, number?] | number[];
export type Stroke = Point[];

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A box as the wire gives it: its top-left corner and its size. */
export const toRect = (b: Box) => ({ x: b.minX, y: b.minY, width: b.maxX - b.minX, height: b.maxY - b.minY });

/** Stroke width in 28x28 space: MNIST strokes are about 2-3 px thick inside the 20 px box. */
export const PEN_WIDTH = 2.3;

/** Ink extents below this (in source units) are treated as a dot, not scaled up to 20 px. */
const MIN_EXTENT = 1;

export function strokesBounds(strokes: readonly Stroke[]): Box | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  return minX === Infinity ? null : { minX, minY, maxX, maxY };
}

/** Maps source coordinates into the 28x28 frame: the ink fills the 20x20 box, centred on it. */
export interface FitTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

/**
 * The transform that fits `box` into the FIT_BOX square (keeping aspect ratio) centred in the
 * INPUT_SIZE frame, leaving room for half the pen width so no ink is clipped.
 */
export function fitTransform(box: Box, penWidth = PEN_WIDTH): FitTransform {
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  const extent = Math.max(w, h, MIN_EXTENT);
  const scale = (FIT_BOX - penWidth) / extent;
  const offsetX = INPUT_SIZE / 2 - ((box.minX + box.maxX) / 2) * scale;
  const offsetY = INPUT_SIZE / 2 - ((box.minY + box.maxY) / 2) * scale;
  return { scale, offsetX, offsetY };
}

/** Centre of mass of a w x h intensity image, or null when it is empty. */
export function centerOfMass(pixels: ArrayLike<number>, w: number, h: number): { x: number; y: number } | null {
  let sum = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[y * w + x];
      sum += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return sum > 0 ? { x: sx / sum, y: sy / sum } : null;
}

/** Shifts an image by whole pixels (zero fill), into a new Float32Array. */
export function shiftImage(pixels: ArrayLike<number>, w: number, h: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < w) out[y * w + x] = pixels[sy * w + sx];
    }
  }
  return out;
}

/**
 * Moves the centre of mass of a 28x28 image to the centre (13.5, 13.5 in pixel-centre terms,
 * as MNIST does by rounding), returning the shifted image and the shift applied.
 */
export function centerByMass(pixels: ArrayLike<number>, size = INPUT_SIZE): { image: Float32Array; dx: number; dy: number } {
  const c = centerOfMass(pixels, size, size);
  if (!c) return { image: Float32Array.from(pixels), dx: 0, dy: 0 };
  const dx = Math.round((size - 1) / 2 - c.x);
  const dy = Math.round((size - 1) / 2 - c.y);
  return { image: shiftImage(pixels, size, size, dx, dy), dx, dy };
}

/** Bounds of pixels above `threshold` in a w x h image, or null. */
export function inkBounds(pixels: ArrayLike<number>, w: number, h: number, threshold = 0.05): Box | null {
  let minX = w, minY = h, maxX = -1, maxY = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] > threshold) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return maxX < 0 ? null : { minX, minY, maxX, maxY };
}

/**
 * Fits the ink of a grey image (ink high, values in [0, 1]) into the MNIST frame: crop to the ink,
 * area-resample so the longer side is FIT_BOX pixels, and centre by mass in INPUT_SIZE x INPUT_SIZE.
 * Used for images (uploads, training negatives); strokes are rendered already fitted.
 */
export function fitImage(pixels: ArrayLike<number>, w: number, h: number): Float32Array {
  const box = inkBounds(pixels, w, h);
  const out = new Float32Array(INPUT_SIZE * INPUT_SIZE);
  if (!box) return out;
  const bw = box.maxX - box.minX + 1;
  const bh = box.maxY - box.minY + 1;
  const scale = FIT_BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const ox = Math.floor((INPUT_SIZE - tw) / 2);
  const oy = Math.floor((INPUT_SIZE - th) / 2);
  // Area resampling: each target pixel averages the source rectangle it covers.
  const sx = bw / tw, sy = bh / th;
  for (let ty = 0; ty < th; ty++) {
    const y0 = box.minY + ty * sy, y1 = y0 + sy;
    for (let tx = 0; tx < tw; tx++) {
      const x0 = box.minX + tx * sx, x1 = x0 + sx;
      let acc = 0, area = 0;
      // Clamped to the box: float error can put y1/x1 a hair past its last pixel.
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), box.maxY + 1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), box.maxX + 1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          acc += pixels[y * w + x] * wx * wy;
          area += wx * wy;
        }
      }
      out[(oy + ty) * INPUT_SIZE + ox + tx] = area > 0 ? acc / area : 0;
    }
  }
  return centerByMass(out).image;
}

/** Separable Gaussian blur with standard deviation sigma (pixels), zero outside. */
export function gaussianBlur(src: ArrayLike<number>, w: number, h: number, sigma: number): Float32Array {
  const R = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * R + 1 }, (_, i) => Math.exp(-((i - R) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -R; i <= R; i++) if (x + i >= 0 && x + i < w) s += k[i + R] * src[y * w + x + i];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -R; i <= R; i++) if (y + i >= 0 && y + i < h) s += k[i + R] * tmp[(y + i) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/**
 * The long side, in the picture's own pixels, of the ink box of an image that may have been enlarged
 * by repeating pixels (nearest-neighbour): runs of identical rows, and of identical columns, count
 * once. An 8 x 8 scan enlarged to 64 x 64 measures 8 at most; a photo's noise makes every row count.
 */
export function nativeInkSide(pixels: ArrayLike<number>, w: number, h: number): number {
  const box = inkBounds(pixels, w, h);
  if (!box) return 0;
  const sameRow = (y: number) => {
    for (let x = box.minX; x <= box.maxX; x++) if (pixels[y * w + x] !== pixels[(y - 1) * w + x]) return false;
    return true;
  };
  const sameColumn = (x: number) => {
    for (let y = box.minY; y <= box.maxY; y++) if (pixels[y * w + x] !== pixels[y * w + x - 1]) return false;
    return true;
  };
  let rows = 1, columns = 1;
  for (let y = box.minY + 1; y <= box.maxY; y++) if (!sameRow(y)) rows++;
  for (let x = box.minX + 1; x <= box.maxX; x++) if (!sameColumn(x)) columns++;
  return Math.max(rows, columns);
}

/** A whole image enlarged by at least this much into the model's input is smoothed (see fitWhole). */
const MIN_ENLARGEMENT = 1.5;
/** The blur of an enlarged whole image, per unit of enlargement, in model-input pixels. */
const ENLARGEMENT_BLUR = 0.25;
/**
 * Widest ink (inkWidth) a whole image keeps in the model's input: about the 95th percentile of
 * MNIST's training digits (docs/benchmarks.md).
 */
export const MAX_INK_WIDTH = 3.2;

/**
 * The whole of a frame-filling image (a tight crop of one digit) fitted into the model's input: its
 * contrast as it is, as its grey levels are the shape (a bold 0 scanned at 8 x 8 keeps its hole only
 * as lighter cells). A picture of fewer pixels than the model's digit box (FIT_BOX) is enlarged into
 * it as blocks, where MNIST's digits are smooth: the enlargement is smoothed by a blur of a quarter
 * of its factor (0.6 px for an 8-pixel-tall digit). Ink bolder than MNIST's is then thinned
 * (thinToWidth). The server reads such crops with it, and training makes its low-resolution scans
 * with it (training/src/low-res-digits.ts).
 */
export function fitWhole(pixels: ArrayLike<number>, w: number, h: number): Float32Array {
  const fitted = fitImage(pixels, w, h);
  const enlarged = FIT_BOX / Math.max(1, nativeInkSide(pixels, w, h));
  const smooth = enlarged < MIN_ENLARGEMENT ? fitted : centerByMass(gaussianBlur(fitted, INPUT_SIZE, INPUT_SIZE, ENLARGEMENT_BLUR * enlarged)).image;
  return thinToWidth(smooth, MAX_INK_WIDTH);
}

/**
 * Width of a model input's ink (pixels above `threshold`): twice its area over its outline, which
 * for a stroke is about its width in pixels (0 without ink).
 */
export function inkWidth(image: ArrayLike<number>, threshold = 0.5): number {
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < INPUT_SIZE && y < INPUT_SIZE && image[y * INPUT_SIZE + x] > threshold;
  let area = 0, outline = 0;
  for (let y = 0; y < INPUT_SIZE; y++) {
    for (let x = 0; x < INPUT_SIZE; x++) {
      if (!on(x, y)) continue;
      area++;
      outline += Number(!on(x + 1, y)) + Number(!on(x - 1, y)) + Number(!on(x, y + 1)) + Number(!on(x, y - 1));
    }
  }
  return outline > 0 ? (2 * area) / outline : 0;
}

/**
 * A model input whose ink is wider than `width` (a marker, a bold scan whose strokes close a 5's or
 * a 3's openings into an 8's loops), thinned: the contrast threshold is raised until the ink above
 * it is `width` wide, and the contrast stretched about it (the threshold becomes half contrast, full
 * ink stays full), so the lighter cells that are a bold digit's holes and openings open up again;
 * then fitted again, as thinning shortens the strokes too. Only the grey of the ink's edges can be
 * taken off: a hard-edged stroke stays as wide as it is. Ink no wider than `width` is returned as
 * it is.
 */
export function thinToWidth(image: Float32Array, width: number): Float32Array {
  if (inkWidth(image) <= width) return image;
  let lo = 0.5, hi = 0.98;
  for (let k = 0; k < 12; k++) {
    const mid = (lo + hi) / 2;
    if (inkWidth(image, mid) > width) lo = mid;
    else hi = mid;
  }
  const gain = 0.5 / (1 - hi);
  return fitImage(
    image.map((v) => Math.min(1, Math.max(0, 0.5 + (v - hi) * gain))),
    INPUT_SIZE,
    INPUT_SIZE,
  );
}
