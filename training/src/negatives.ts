/**
 * Examples of "not a digit" for the extra class: Fashion-MNIST items (Debian's
 * dataset-fashion-mnist), synthetic scribbles, letters typeset in the training fonts
 * (font-letters.ts) and hand-drawn-looking letters, shapes and signs, and single strokes of those
 * letters (symbol-strokes.ts), all put through the same fit-and-centre preprocessing as real input.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { fitImage, type Stroke } from '../../common/preprocess.js';
import { augment, type AugmentOptions, type Rng } from './augment.js';
import { renderStrokes } from '../../common/render.js';
import { letterPieceStrokes, symbolStrokes } from './symbol-strokes.js';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** A Fashion-MNIST image file: how many images it holds, and one of them fitted like real input. */
export interface FashionImages {
  count: number;
  fitted(index: number): Float32Array;
}

/** Reads Debian's Fashion-MNIST training or test (t10k) images, or null when the package is absent. */
export async function readFashion(split: 'train' | 't10k'): Promise<FashionImages | null> {
  const file = `${FASHION_DIR}/${split}-images-idx3-ubyte.gz`;
  if (!existsSync(file)) return null;
  const bytes = gunzipSync(await readFile(file));
  if (bytes.readUInt32BE(0) !== 2051) throw new Error(`Fashion-MNIST ${split}: bad IDX magic`);
  const px = INPUT_SIZE * INPUT_SIZE;
  return {
    count: bytes.readUInt32BE(4),
    fitted: (index) => {
      const raw = new Float32Array(px);
      for (let k = 0; k < px; k++) raw[k] = bytes[16 + index * px + k] / 255;
      return fitImage(raw, INPUT_SIZE, INPUT_SIZE);
    },
  };
}

/** Fashion-MNIST training images fitted like real input, or null when the package is absent. */
export async function loadFashion(limit = Infinity): Promise<Float32Array[] | null> {
  const images = await readFashion('train');
  if (!images) return null;
  return Array.from({ length: Math.min(images.count, limit) }, (_, i) => images.fitted(i));
}

/**
 * A random scribble: a tangle of many sharp turns, hatching, or a cluster of short strokes.
 * Deliberately busier than any digit (a digit has at most a few turns).
 */
export function scribbleStrokes(rng: Rng): Stroke[] {
  const kind = rng();
  const pt = (): number[] => [rng() * 100, rng() * 100];
  if (kind < 0.45) {
    const n = 10 + Math.floor(rng() * 20);
    return [Array.from({ length: n }, pt)];
  }
  if (kind < 0.7) {
    // Hatching: parallel-ish zig-zags across the box.
    const n = 6 + Math.floor(rng() * 8);
    const slant = rng() * 40 - 20;
    const stroke: number[][] = [];
    for (let i = 0; i < n; i++) stroke.push([i % 2 ? 100 : 0, (i * 100) / n + (i % 2 ? slant : 0)]);
    return [stroke];
  }
  const strokes: Stroke[] = [];
  const count = 4 + Math.floor(rng() * 5);
  for (let i = 0; i < count; i++) {
    const [x, y] = pt();
    strokes.push([[x, y], [x + rng() * 40 - 20, y + rng() * 40 - 20], [x + rng() * 40 - 20, y + rng() * 40 - 20]]);
  }
  return strokes;
}

export function scribble(rng: Rng): Float32Array {
  return renderStrokes(scribbleStrokes(rng));
}

/** The kinds of negatives, and each one's share of an epoch's negatives. */
export const NEGATIVE_MIX = { fashion: 0.2, scribble: 0.15, fontLetter: 0.35, strokeLetter: 0.15, shape: 0.15, letterPiece: 0.15 } as const;
export type NegativeKind = keyof typeof NEGATIVE_MIX;

/**
 * Augmentation of letters and shapes: more rotation and scale than the digits' (up to ±20°,
 * ±20%), because nothing about a letter's pose makes it a digit; stroke width changes as often as
 * the digits' (thickened letters already look like thick digits more than thin ones do).
 */
export const NEGATIVE_AUGMENT: AugmentOptions = { rotate: 0.35, scale: 0.2, shear: 0.3, shift: 1.5, morph: 0.35 };

/** Pre-rendered images the generated kinds draw on; an empty list drops its kind from the mix. */
export interface NegativePools {
  fashion: readonly Float32Array[];
  fontLetters: readonly Float32Array[];
}

/** The kinds available with these pools, with their shares renormalised to sum to 1. */
export function negativeMix(pools: NegativePools): [NegativeKind, number][] {
  const kinds = (Object.keys(NEGATIVE_MIX) as NegativeKind[]).filter(
    (k) => (k !== 'fashion' || pools.fashion.length > 0) && (k !== 'fontLetter' || pools.fontLetters.length > 0),
  );
  const total = kinds.reduce((s, k) => s + NEGATIVE_MIX[k], 0);
  return kinds.map((k) => [k, NEGATIVE_MIX[k] / total]);
}

/** One negative of the given kind, fresh for this rng; augmented unless `plain`. */
export function negative(kind: NegativeKind, pools: NegativePools, rng: Rng, plain = false): Float32Array {
  const pick = (pool: readonly Float32Array[]) => pool[Math.floor(rng() * pool.length)];
  switch (kind) {
    case 'fashion':
      return plain ? pick(pools.fashion) : augment(pick(pools.fashion), rng);
    case 'scribble':
      return scribble(rng);
    case 'fontLetter':
      return plain ? pick(pools.fontLetters) : augment(pick(pools.fontLetters), rng, NEGATIVE_AUGMENT);
    case 'strokeLetter':
    case 'shape':
    case 'letterPiece': {
      const image = renderStrokes((kind === 'letterPiece' ? letterPieceStrokes(rng) : symbolStrokes(kind === 'shape' ? 'shape' : 'letter', rng)).strokes);
      // The hand-drawn variation is in the strokes already; augment adds stroke width changes.
      return plain ? image : augment(image, rng, { ...NEGATIVE_AUGMENT, rotate: 0.1, scale: 0.1 });
    }
  }
}

/** A random negative drawn from the mix. */
export function randomNegative(mix: readonly [NegativeKind, number][], pools: NegativePools, rng: Rng, plain = false): Float32Array {
  let r = rng();
  for (const [kind, share] of mix) {
    if (r < share) return negative(kind, pools, rng, plain);
    r -= share;
  }
  return negative(mix[mix.length - 1][0], pools, rng, plain);
}
