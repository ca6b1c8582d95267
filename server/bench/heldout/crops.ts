/**
 * Tight, low-resolution crops of one digit, as PNG uploads: the UCI 8x8 digits bundled with
 * scikit-learn (python3-sklearn), scaled up blockily to 8-64 px, and MNIST test digits cropped to
 * their ink and resized to 16-64 px; dark on light and light on dark.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { pick, uniform } from './ink.js';
import type { ImageItem } from './item.js';
import { mnistTest } from './mnist-test.js';

export const SKLEARN_DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';

export function sklearnAvailable(): boolean {
  return existsSync(SKLEARN_DIGITS);
}

/** The 1,797 UCI digits: 64 grey levels 0-16 (ink high) and the label, per row. */
export function sklearnDigits(): { pixels: Uint8Array; label: number }[] {
  if (!sklearnAvailable()) throw new Error(`${SKLEARN_DIGITS} is missing: apt-get install python3-sklearn`);
  return gunzipSync(readFileSync(SKLEARN_DIGITS))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const v = line.split(',').map(Number);
      return { pixels: Uint8Array.from(v.slice(0, 64)), label: v[64] };
    });
}

/** Grey pixels (0 = paper, 255 = ink) as a PNG, dark on light unless `lightOnDark`. */
export async function greyPng(ink: Uint8Array, width: number, height: number, lightOnDark: boolean): Promise<Buffer> {
  const px = lightOnDark ? Buffer.from(ink) : Buffer.from(ink.map((v) => 255 - v));
  return sharp(px, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** Nearest-neighbour upscaling of an 8x8 grid of 0-16 levels to width x height, ink 0-255. */
export function blocky(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) out[y * width + x] = Math.round((pixels[Math.floor((y * 8) / height) * 8 + Math.floor((x * 8) / width)] * 255) / 16);
  return out;
}

const SIDES = [8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64];

/** UCI 8x8 digits (every `stride`-th), scaled up blockily to 8-64 px a side, a quarter light on dark. */
export function sklearnCrops(stride = 1, seed = 'heldout-sklearn'): (ImageItem & { width: number; height: number })[] {
  const rand = seedrandom(seed);
  const digits = sklearnDigits();
  const items: (ImageItem & { width: number; height: number })[] = [];
  for (let i = 0; i < digits.length; i += stride) {
    const { pixels, label } = digits[i];
    const width = pick(rand, SIDES);
    const height = Math.max(8, Math.round(width * uniform(rand, 0.85, 1.2)));
    const lightOnDark = rand() < 0.25;
    items.push({
      id: `uci-${i}`,
      type: 'image/png',
      make: () => greyPng(blocky(pixels, width, height), width, height, lightOnDark),
      expect: String(label),
      note: `UCI #${i} ${width}x${height}${lightOnDark ? ' light on dark' : ''}`,
      width,
      height,
    });
  }
  return items;
}

/** The box of a 28x28 MNIST image's ink (every pixel above 0). */
export function inkBounds(img: Uint8Array): { left: number; top: number; width: number; height: number } {
  let minX = 28, minY = 28, maxX = -1, maxY = -1;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++)
      if (img[y * 28 + x] > 0) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

const KERNELS = ['nearest', 'cubic', 'lanczos3', 'mitchell'] as const;

/** A 28x28 image's ink widened by one pixel all round (a 3x3 maximum). */
function widened(img: Uint8Array): Uint8Array {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let v = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (x + dx >= 0 && x + dx < 28 && y + dy >= 0 && y + dy < 28) v = Math.max(v, img[(y + dy) * 28 + x + dx]);
      out[y * 28 + x] = v;
    }
  }
  return out;
}

/**
 * MNIST test digits (`count` of them, spread over the 10,000) cropped to their ink, longer side
 * 16-64 px, half light on dark; `marker`: their strokes widened by two pixels all round first
 * (about three times as bold), and half of them scanned at 8 x 8 and enlarged blockily to 8-64 px.
 */
export function mnistCrops(count: number, seed = 'heldout-mnist-crops', marker = false): (ImageItem & { width: number; height: number })[] {
  const rand = seedrandom(seed);
  const mnist = mnistTest();
  return Array.from({ length: count }, (_, k) => {
    const i = Math.floor((k * mnist.count) / count);
    const img = marker ? widened(widened(mnist.image(i))) : mnist.image(i);
    const b = inkBounds(img);
    const side = Math.round(uniform(rand, 16, 64));
    const scale = side / Math.max(b.width, b.height);
    const width = Math.max(1, Math.round(b.width * scale)), height = Math.max(1, Math.round(b.height * scale));
    const kernel = pick(rand, KERNELS);
    const lightOnDark = rand() < 0.5;
    if (marker && rand() < 0.5) {
      const side8 = pick(rand, SIDES);
      const height8 = Math.max(8, Math.round(side8 * uniform(rand, 0.85, 1.2)));
      return {
        id: `mnist-marker-${i}`,
        type: 'image/png' as const,
        make: async () => {
          const scan = await sharp(Buffer.from(img), { raw: { width: 28, height: 28, channels: 1 } })
            .extract(b)
            .resize(8, 8, { kernel: 'cubic', fit: 'contain', background: '#000' })
            .extractChannel(0)
            .raw()
            .toBuffer();
          return greyPng(blocky(scan.map((v) => Math.round((v * 16) / 255)), side8, height8), side8, height8, lightOnDark);
        },
        expect: String(mnist.label(i)),
        note: `MNIST test #${i} marker, 8x8 scan at ${side8}x${height8}${lightOnDark ? ' light on dark' : ''}`,
        width: side8,
        height: height8,
      };
    }
    return {
      id: marker ? `mnist-marker-${i}` : `mnist-${i}`,
      type: 'image/png' as const,
      make: async () => {
        const crop = await sharp(Buffer.from(img), { raw: { width: 28, height: 28, channels: 1 } })
          .extract(b)
          .resize(width, height, { kernel, fit: 'fill' })
          // sharp hands back three channels from a one-channel input unless told otherwise.
          .extractChannel(0)
          .raw()
          .toBuffer();
        return greyPng(crop, width, height, lightOnDark);
      },
      expect: String(mnist.label(i)),
      note: `MNIST test #${i}${marker ? ' marker' : ''} ${width}x${height} ${kernel}${lightOnDark ? ' light on dark' : ''}`,
      width,
      height,
    };
  });
}

/** MNIST test digits as whole 64x64 PNGs, dark on light: the small upload the timing row measures. */
export function smallPngs(count: number): ImageItem[] {
  const mnist = mnistTest();
  return Array.from({ length: count }, (_, k) => {
    const i = 5000 + k;
    return {
      id: `png64-${i}`,
      type: 'image/png' as const,
      make: async () =>
        greyPng(await sharp(Buffer.from(mnist.image(i)), { raw: { width: 28, height: 28, channels: 1 } }).resize(64, 64).extractChannel(0).raw().toBuffer(), 64, 64, false),
      expect: String(mnist.label(i)),
      note: `MNIST test #${i} 64x64`,
    };
  });
}
