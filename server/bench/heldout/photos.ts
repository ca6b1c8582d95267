/**
 * Phone-size photos: numbers of 3-6 MNIST test digits written onto a 4000x3000 (12-megapixel)
 * paper-like background with a lighting gradient, vignette and sensor noise, saved as JPEG
 * (quality 85). Made when measured, never written to disk.
 */
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { inkBounds } from './crops.js';
import { uniform } from './ink.js';
import type { ImageItem } from './item.js';
import { mnistTest } from './mnist-test.js';

export const PHOTO = { width: 4000, height: 3000 } as const;

interface Plan {
  digits: { index: number; x: number; y: number; height: number }[];
  paper: [number, number, number];
  ink: [number, number, number];
  /** Light falls off along this direction (radians) from `bright` to `bright - falloff`. */
  lightAngle: number;
  bright: number;
  falloff: number;
  noise: number;
  noiseSeed: number;
}

/** Paints the planned photo as RGB bytes. */
export function paint(plan: Plan, width: number = PHOTO.width, height: number = PHOTO.height): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const cos = Math.cos(plan.lightAngle), sin = Math.sin(plan.lightAngle);
  const diag = Math.hypot(width, height);
  // xorshift32: a fast seeded noise source for 12 million pixels (seedrandom per pixel is slow).
  let s = plan.noiseSeed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let y = 0; y < height; y++) {
    const dy = (y - height / 2) / height;
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / width;
      const light = plan.bright - plan.falloff * (0.5 + ((x - width / 2) * cos + (y - height / 2) * sin) / diag) - 0.12 * (dx * dx + dy * dy);
      const n = (next() + next() + next() - 1.5) * 2 * plan.noise; // about normal, sd = noise
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, plan.paper[c] * light + n));
    }
  }
  const mnist = mnistTest();
  for (const d of plan.digits) {
    const img = mnist.image(d.index);
    const b = inkBounds(img);
    const scale = d.height / b.height;
    const w = Math.round(b.width * scale), h = Math.round(d.height);
    for (let py = 0; py < h; py++) {
      // Bilinear sample of the cropped digit.
      const sy = Math.min(b.height - 1, Math.max(0, (py + 0.5) / scale - 0.5));
      const y0 = Math.floor(sy), y1 = Math.min(b.height - 1, y0 + 1), fy = sy - y0;
      for (let px = 0; px < w; px++) {
        const sx = Math.min(b.width - 1, Math.max(0, (px + 0.5) / scale - 0.5));
        const x0 = Math.floor(sx), x1 = Math.min(b.width - 1, x0 + 1), fx = sx - x0;
        const at = (xx: number, yy: number) => img[(b.top + yy) * 28 + b.left + xx];
        const v = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
        const a = (0.9 * v) / 255;
        const X = d.x + px, Y = d.y + py;
        if (a <= 0 || X < 0 || Y < 0 || X >= width || Y >= height) continue;
        const o = (Y * width + X) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.round(out[o + c] * (1 - a) + plan.ink[c] * a);
      }
    }
  }
  return out;
}

/** Plans `count` photos: digits, layout, paper, light and noise, all drawn from the seed. */
export function photoPlans(count: number, seed = 'heldout-photos'): (Plan & { text: string })[] {
  const rand = seedrandom(seed);
  const mnist = mnistTest();
  return Array.from({ length: count }, (_, k) => {
    const n = 3 + (k % 4);
    const indices = Array.from({ length: n }, () => Math.floor(rand() * mnist.count));
    let h = uniform(rand, 300, 700);
    const widths = indices.map((i) => {
      const b = inkBounds(mnist.image(i));
      return b.width / b.height;
    });
    const gaps = indices.map(() => uniform(rand, 0.25, 0.6));
    const total = (hh: number) => widths.reduce((a, w, j) => a + w * hh + (j ? gaps[j] * hh : 0), 0);
    h = Math.min(h, (PHOTO.width * 0.8) / (total(1) || 1));
    let x = uniform(rand, 0.05, 0.95) * (PHOTO.width - total(h));
    const y0 = uniform(rand, 0.15, 0.85) * (PHOTO.height - h);
    const digits = indices.map((index, j) => {
      if (j) x += gaps[j] * h;
      const height = h * uniform(rand, 0.9, 1.1);
      const d = { index, x: Math.round(x), y: Math.round(y0 + (h - height) + uniform(rand, -0.05, 0.05) * h), height };
      x += widths[j] * height;
      return d;
    });
    const paperBase = uniform(rand, 225, 248);
    return {
      digits,
      text: indices.map((i) => mnist.label(i)).join(''),
      paper: [paperBase, paperBase - uniform(rand, 0, 8), paperBase - uniform(rand, 5, 20)],
      ink: rand() < 0.5 ? [25, 25, 30] : [20, 35, 110],
      lightAngle: uniform(rand, 0, 2 * Math.PI),
      bright: uniform(rand, 0.95, 1.05),
      falloff: uniform(rand, 0.15, 0.4),
      noise: uniform(rand, 3, 8),
      noiseSeed: Math.floor(rand() * 2 ** 31),
    };
  });
}

/** The photos as JPEG uploads. */
export function photos(count: number, seed = 'heldout-photos'): ImageItem[] {
  return photoPlans(count, seed).map((plan, k) => ({
    id: `photo-${k}`,
    type: 'image/jpeg' as const,
    make: () => sharp(paint(plan), { raw: { width: PHOTO.width, height: PHOTO.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer(),
    expect: plan.text,
    note: `${PHOTO.width}x${PHOTO.height} JPEG, ${plan.digits.length} MNIST test digits (#${plan.digits.map((d) => d.index).join(', #')}), ${Math.round(plan.digits[0].height)} px tall`,
  }));
}
