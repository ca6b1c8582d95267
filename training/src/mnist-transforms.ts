/** MNIST *test* images transformed (slant, rotation, stroke width, noise...), then the upload path's fitImage. */
import seedrandom from 'seedrandom';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { fitImage, gaussianBlur } from '../../common/preprocess.js';
import { uniform, type Rng } from '../../test-support/uniform.js';
import { downscale, morphDisk, pad, upsample, warp } from './image-ops.js';
import type { RobustnessSet } from './robustness-set.js';

const N = INPUT_SIZE;
const PX = N * N;

/** A number drawn uniformly from [lo, hi), with a random sign. */
const signed = (rng: Rng, lo: number, hi: number) => (rng() < 0.5 ? -1 : 1) * uniform(rng, lo, hi);

export const MNIST_TRANSFORMS = {
  refit: 'no transform: the 28x28 test image through fitImage only (the baseline for the rows below)',
  slant: 'shear x by ±0.3-0.5 of y (slanted handwriting)',
  rotate: 'rotated ±20-30°',
  thick: 'grey dilation, disk of radius 1.25 px (strokes about twice as thick)',
  thin: 'grey erosion, disk of radius 0.75 px (strokes about half as thick)',
  lowres: 'box-downscaled to 14x14 (the digit about 10 px tall), then fitImage scales it back up (blocky)',
  offcentre: 'shifted by ±2-4 px (sub-pixel, bilinear) within the frame before fitImage',
  saltpepper: 'salt & pepper noise on 3% of the 28x28 pixels before fitImage',
  gaussian: 'additive Gaussian noise, σ = 0.1, clipped to [0, 1], before fitImage',
  blur: 'Gaussian blur, σ = 1.2 px, before fitImage',
} as const;
export type MnistTransform = keyof typeof MNIST_TRANSFORMS;

export const MNIST_TRANSFORM_NAMES: Record<MnistTransform, string> = {
  refit: 'MNIST test, refit only',
  slant: 'MNIST test, slanted',
  rotate: 'MNIST test, rotated',
  thick: 'MNIST test, thick strokes',
  thin: 'MNIST test, thin strokes',
  lowres: 'MNIST test, low resolution',
  offcentre: 'MNIST test, off-centre',
  saltpepper: 'MNIST test, salt & pepper',
  gaussian: 'MNIST test, Gaussian noise',
  blur: 'MNIST test, blurred',
};

/** One 28x28 MNIST image transformed as `kind` says and refitted; returns the model input. */
export function transformMnist(img: ArrayLike<number>, kind: MnistTransform, rng: Rng): Float32Array {
  switch (kind) {
    case 'refit':
      return fitImage(img, N, N);
    case 'slant': {
      const P = 14, W = N + 2 * P;
      return fitImage(warp(pad(img, N, N, P), W, W, [1, signed(rng, 0.3, 0.5), 0, 1]), W, W);
    }
    case 'rotate': {
      const P = 8, W = N + 2 * P;
      const a = (signed(rng, 20, 30) * Math.PI) / 180;
      return fitImage(warp(pad(img, N, N, P), W, W, [Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)]), W, W);
    }
    case 'thick':
    case 'thin': {
      // At 2x resolution, so that radii finer than a pixel of the 28x28 image are possible.
      const P = 4, W = 2 * (N + 2 * P);
      const big = upsample(pad(img, N, N, P), N + 2 * P, N + 2 * P, 2);
      return fitImage(kind === 'thick' ? morphDisk(big, W, W, 2.5, 'dilate') : morphDisk(big, W, W, 1.5, 'erode'), W, W);
    }
    case 'lowres':
      return fitImage(downscale(img, N, N, 2), N / 2, N / 2);
    case 'offcentre':
      return fitImage(warp(img, N, N, [1, 0, 0, 1], signed(rng, 2, 4), signed(rng, 2, 4)), N, N);
    case 'saltpepper': {
      const out = Float32Array.from(img);
      for (let i = 0; i < PX; i++) if (rng() < 0.03) out[i] = rng() < 0.5 ? 1 : 0;
      return fitImage(out, N, N);
    }
    case 'gaussian': {
      const out = new Float32Array(PX);
      for (let i = 0; i < PX; i++) {
        // Box-Muller.
        const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
        out[i] = Math.min(1, Math.max(0, img[i] + 0.1 * g));
      }
      return fitImage(out, N, N);
    }
    case 'blur': {
      const P = 4, W = N + 2 * P;
      return fitImage(gaussianBlur(pad(img, N, N, P), W, W, 1.2), W, W);
    }
  }
}

/** A transformed MNIST-test set: `images` are raw 28x28 test images (n * 784), one output per index. */
export function mnistTransformSet(
  images: Float32Array,
  labels: ArrayLike<number>,
  indices: readonly number[],
  kind: MnistTransform,
  seed: string,
): RobustnessSet {
  const rng = seedrandom(`${seed}:${kind}`);
  return {
    id: `mnist-${kind}`,
    name: MNIST_TRANSFORM_NAMES[kind],
    kind: 'digits',
    source: MNIST_TRANSFORMS[kind],
    images: indices.map((i) => transformMnist(images.subarray(i * PX, (i + 1) * PX), kind, rng)),
    labels: indices.map((i) => labels[i]),
    tags: indices.map((i) => String(labels[i])),
  };
}
