/**
 * Training digits as low-resolution scans: an MNIST digit as an optical-character form reader of
 * the 1990s stored it. The digit's ink is fitted into a binary bitmap of 4g x 4g pixels (g = 6-12)
 * and the ink pixels of each 4 x 4 block are counted, giving a g x g picture of 17 grey levels;
 * the server reads such a picture, uploaded as a tight crop at any size, as a whole image
 * (fitWhole, common/preprocess.ts), and so the model input is made here the same way.
 *
 * The held-out UCI 8 x 8 digits (server/bench/heldout/crops.ts) were made by that kind of reader
 * from other writers; they are never trained on.
 */
import { fitWhole, inkBounds } from '../../common/preprocess.js';
import { INPUT_SIZE } from '../../common/model-contract.js';

/** Pixels per block side, and the sides (in blocks) a scan may have. */
const BLOCK = 4;
const MIN_BLOCKS = 6;
const MAX_BLOCKS = 12;

/** Bilinear sample of a 28x28 image at (x, y) in pixel units, 0 outside. */
function sample(img: ArrayLike<number>, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const at = (px: number, py: number) => (px >= 0 && py >= 0 && px < INPUT_SIZE && py < INPUT_SIZE ? img[py * INPUT_SIZE + px] : 0);
  const ax = x - x0, ay = y - y0;
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) + ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
}

/**
 * The g x g block counts (0-1: ink pixels of a block over its 16) of a 28x28 digit whose ink box is
 * fitted, aspect kept up to a stretch of `stretch` in width, into `fill` of a 4g-pixel bitmap and
 * binarized at `threshold`.
 */
export function scanBlocks(img: ArrayLike<number>, blocks: number, fill: number, stretch: number, threshold: number): Float32Array {
  const out = new Float32Array(blocks * blocks);
  const box = inkBounds(img, INPUT_SIZE, INPUT_SIZE);
  if (!box) return out;
  const side = blocks * BLOCK;
  const bw = box.maxX - box.minX + 1, bh = box.maxY - box.minY + 1;
  const scale = (fill * side) / Math.max(bw * stretch, bh);
  const sx = scale * stretch, sy = scale;
  // The fitted digit's top-left corner in the bitmap: centred.
  const ox = (side - bw * sx) / 2, oy = (side - bh * sy) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = sample(img, box.minX - 0.5 + (x + 0.5 - ox) / sx, box.minY - 0.5 + (y + 0.5 - oy) / sy);
      if (v >= threshold) out[Math.floor(y / BLOCK) * blocks + Math.floor(x / BLOCK)] += 1 / (BLOCK * BLOCK);
    }
  }
  return out;
}

/** A 28x28 digit as the model sees a tight low-resolution scan of it: random block count, fill, stretch and threshold. */
export function lowResDigit(img: ArrayLike<number>, rng: () => number): Float32Array {
  const blocks = MIN_BLOCKS + Math.floor(rng() * (MAX_BLOCKS - MIN_BLOCKS + 1));
  const fill = 0.85 + 0.15 * rng();
  const stretch = 0.8 + 0.45 * rng();
  const threshold = 0.25 + 0.35 * rng();
  return fitWhole(scanBlocks(img, blocks, fill, stretch, threshold), blocks, blocks);
}
