/**
 * Examples of "not a digit" for the extra class: Fashion-MNIST items (Debian's
 * dataset-fashion-mnist) and synthetic scribbles, both put through the same fit-and-centre
 * preprocessing as real input.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { fitImage, type Stroke } from '../../common/preprocess.js';
import type { Rng } from './augment.js';
import { renderStrokes } from '../../common/render.js';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST training images fitted like real input, or null when the package is absent. */
export async function loadFashion(limit = Infinity): Promise<Float32Array[] | null> {
  const file = `${FASHION_DIR}/train-images-idx3-ubyte.gz`;
  if (!existsSync(file)) return null;
  const bytes = gunzipSync(await readFile(file));
  if (bytes.readUInt32BE(0) !== 2051) throw new Error('Fashion-MNIST: bad IDX magic');
  const count = Math.min(bytes.readUInt32BE(4), limit);
  const px = INPUT_SIZE * INPUT_SIZE;
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const raw = new Float32Array(px);
    for (let k = 0; k < px; k++) raw[k] = bytes[16 + i * px + k] / 255;
    out.push(fitImage(raw, INPUT_SIZE, INPUT_SIZE));
  }
  return out;
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
