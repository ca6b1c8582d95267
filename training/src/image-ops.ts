/** Geometric and morphological operations on w x h grey images (row-major, ink high). */

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
