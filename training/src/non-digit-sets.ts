/** Non-digit sets for abstention: Fashion-MNIST *test* images, scribbles, hand-drawn shapes and touching pairs of digits. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import { NOT_A_DIGIT } from '../../common/model-contract.js';
import { renderStrokes } from '../../common/render.js';
import { SHAPES, shapeStrokes } from '../../test-support/shape-strokes.js';
import { randomDigitPair } from './digit-pairs.js';
import { FASHION_DIR, readFashion, scribble } from './negatives.js';
import { pickIndices, type RobustnessSet } from './robustness-set.js';

/** A seeded sample of Fashion-MNIST *test* images (training used the train file), or null. */
export async function fashionTest(count: number, seed: string): Promise<RobustnessSet | null> {
  const fashion = await readFashion('t10k');
  if (!fashion) return null;
  const labelFile = `${FASHION_DIR}/t10k-labels-idx1-ubyte.gz`;
  const classes = existsSync(labelFile) ? gunzipSync(await readFile(labelFile)).subarray(8) : null;
  const names = ['T-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
  const pick = pickIndices(fashion.count, count, `${seed}:fashion`).sort((a, b) => a - b);
  const images = pick.map((i) => fashion.fitted(i));
  return {
    id: 'fashion',
    name: 'Fashion-MNIST test',
    kind: 'non-digits',
    source: `a seeded sample of the Fashion-MNIST test file (${FASHION_DIR}/t10k-images-idx3-ubyte.gz), fitImage`,
    images,
    labels: pick.map(() => NOT_A_DIGIT),
    tags: pick.map((i) => (classes ? names[classes[i]] : 'item')),
  };
}

/** Scribbles from negatives.ts, with a seed no training run uses. */
export function scribbleSet(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:scribbles`);
  return {
    id: 'scribbles',
    name: 'Scribbles (new seed)',
    kind: 'non-digits',
    source: `training/src/negatives.ts scribble() with seed "${seed}:scribbles" (training seeds are "<n>:batch:..." and "<n>:validation-negatives")`,
    images: Array.from({ length: count }, () => scribble(rng)),
    labels: new Array<number>(count).fill(NOT_A_DIGIT),
    tags: new Array<string>(count).fill('scribble'),
  };
}

/** Shapes drawn as strokes (balanced over SHAPES), rendered like canvas input. */
export function shapeSet(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:shapes`);
  const tags = Array.from({ length: count }, (_, i) => SHAPES[i % SHAPES.length]);
  return {
    id: 'shapes',
    name: 'Geometric shapes',
    kind: 'non-digits',
    source: 'rectangles (aspect 0.4-2.5), triangles, stars (pentagram or outline) and crosses (+ or x), drawn as jittered strokes, renderStrokes; circles and single lines left out (they are 0 and 1)',
    images: tags.map((t) => renderStrokes(shapeStrokes(t, rng))),
    labels: new Array<number>(count).fill(NOT_A_DIGIT),
    tags,
  };
}

/** Two MNIST *test* digits touching or overlapping a little, fitted whole (src/digit-pairs.ts; training pairs MNIST training digits). */
export function pairSet(images: Float32Array, labels: ArrayLike<number>, count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:pairs`);
  const n = labels.length;
  const picks = Array.from({ length: count }, () => [Math.floor(rng() * n), Math.floor(rng() * n)]);
  return {
    id: 'pairs',
    name: 'Touching digit pairs (MNIST test)',
    kind: 'non-digits',
    source: 'two MNIST test digits side by side, their ink overlapping by up to 35% of the narrower one\'s width or up to 2 px apart, up to 2 px higher or lower, fitted whole and thickened back to MNIST\'s stroke width (training/src/digit-pairs.ts)',
    images: picks.map(([a, b]) => randomDigitPair(images.subarray(a * 784, (a + 1) * 784), images.subarray(b * 784, (b + 1) * 784), rng)),
    labels: new Array<number>(count).fill(NOT_A_DIGIT),
    tags: picks.map(([a, b]) => (labels[a] === 1 || labels[b] === 1 ? 'with a 1' : 'no 1')),
  };
}
