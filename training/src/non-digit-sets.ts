/** Non-digit sets for abstention: Fashion-MNIST *test* images, scribbles and hand-drawn shapes. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import seedrandom from 'seedrandom';
import { NOT_A_DIGIT } from '../../common/model-contract.js';
import { renderStrokes } from '../../common/render.js';
import { SHAPES, shapeStrokes } from '../../test-support/shape-strokes.js';
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
