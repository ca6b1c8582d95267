/** Training-time augmentation of 28x28 images: random affine warps and stroke-width changes. */
import { INPUT_SIZE } from '../../common/model-contract.js';

export type Rng = () => number;

const N = INPUT_SIZE;
const C = (N - 1) / 2;

function bilinear(src: Float32Array, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= N || y0 >= N) return 0;
  const fx = x - x0, fy = y - y0;
  const at = (xx: number, yy: number) => (xx >= 0 && yy >= 0 && xx < N && yy < N ? src[yy * N + xx] : 0);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** 3x3 grey dilation (thicker) or erosion (thinner) blended at `amount` in [0, 1]. */
function morph(src: Float32Array, thicker: boolean, amount: number): Float32Array {
  const out = new Float32Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      let m = thicker ? 0 : 1;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx !== 0 && dy !== 0) continue; // a plus-shaped element: gentler than the square
          const yy = y + dy, xx = x + dx;
          const v = yy >= 0 && xx >= 0 && yy < N && xx < N ? src[yy * N + xx] : 0;
          m = thicker ? Math.max(m, v) : Math.min(m, v);
        }
      }
      const k = y * N + x;
      out[k] = src[k] + (m - src[k]) * amount;
    }
  }
  return out;
}

export interface AugmentOptions {
  rotate: number; // max radians
  scale: number; // max relative change
  shear: number; // max shear factor (slant)
  shift: number; // max pixels
  morph: number; // probability of a stroke-width change
}

export const DEFAULT_AUGMENT: AugmentOptions = { rotate: 0.22, scale: 0.15, shear: 0.3, shift: 1.5, morph: 0.35 };

/** Returns a randomly warped copy of a 28x28 image. */
export function augment(src: Float32Array, rng: Rng, o: AugmentOptions = DEFAULT_AUGMENT): Float32Array {
  const u = () => rng() * 2 - 1;
  const angle = u() * o.rotate;
  const sx = 1 + u() * o.scale;
  const sy = sx * (1 + u() * o.scale * 0.5);
  const shear = u() * o.shear;
  const tx = u() * o.shift, ty = u() * o.shift;
  // Forward map: p' = R * Shear * S * (p - c) + c + t. We sample with its inverse.
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const a = cos * sx, b = (cos * shear - sin) * sy;
  const c = sin * sx, d = (sin * shear + cos) * sy;
  const det = a * d - b * c;
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  let out: Float32Array = new Float32Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const px = x - C - tx, py = y - C - ty;
      out[y * N + x] = bilinear(src, ia * px + ib * py + C, ic * px + id * py + C);
    }
  }
  if (rng() < o.morph) out = morph(out, rng() < 0.6, 0.4 + rng() * 0.6);
  return out;
}
