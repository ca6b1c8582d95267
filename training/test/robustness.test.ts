import { describe, expect, it } from 'vitest';
import { NOT_A_DIGIT } from '../../common/model-contract.js';
import { loadMnist } from '../../test-support/mnist.js';
import { SHAPES } from '../../test-support/shape-strokes.js';
import { canvasAltDigits, canvasDigits } from '../src/canvas-digits.js';
import { EXCLUDED_LETTERS } from '../src/font-letters.js';
import { fontDigits, fontLetters, listFontFaces } from '../src/font-sets.js';
import { downscale, morphDisk } from '../src/image-ops.js';
import { MNIST_TRANSFORMS, mnistTransformSet, type MnistTransform } from '../src/mnist-transforms.js';
import { fashionTest, scribbleSet, shapeSet } from '../src/non-digit-sets.js';
import { pickIndices, type RobustnessSet } from '../src/robustness-set.js';

/** Every image is a 28x28 model input in [0, 1] with some ink; labels and tags line up. */
function expectWellFormed(set: RobustnessSet, count: number): void {
  expect(set.images).toHaveLength(count);
  expect(set.labels).toHaveLength(count);
  expect(set.tags).toHaveLength(count);
  for (const img of set.images) {
    expect(img).toBeInstanceOf(Float32Array);
    expect(img.length).toBe(784);
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of img) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1 + 1e-6);
    expect(sum).toBeGreaterThan(5);
  }
  for (const l of set.labels) expect(set.kind === 'digits' ? l >= 0 && l <= 9 : l === NOT_A_DIGIT).toBe(true);
}

const same = (a: RobustnessSet, b: RobustnessSet) => a.images.every((img, i) => img.every((v, k) => v === b.images[i][k]));

describe('canvas-like digits', () => {
  it('are balanced 0-9, well formed and deterministic for a seed', () => {
    const a = canvasDigits(40, 's1');
    expectWellFormed(a, 40);
    expect(a.labels).toEqual(Array.from({ length: 40 }, (_, i) => i % 10));
    expect(same(a, canvasDigits(40, 's1'))).toBe(true);
    expect(same(a, canvasDigits(40, 's2'))).toBe(false);
  });

  it('vary the pen width when asked, and the alternative letterforms are well formed', () => {
    const pen = canvasDigits(30, 's1', [1.5, 3.5]);
    expectWellFormed(pen, 30);
    expect(pen.id).toBe('canvas-pen');
    const alt = canvasAltDigits(30, 's1');
    expectWellFormed(alt, 30);
    expect(alt.labels.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(same(alt, canvasAltDigits(30, 's1'))).toBe(true);
  });
});

describe('MNIST test transforms', () => {
  it('keep labels, produce 28x28 inputs in [0, 1], and are deterministic', async () => {
    const test = await loadMnist('test', 50);
    const idx = pickIndices(test.count, 12, 'pick');
    const refit = mnistTransformSet(test.images, test.labels, idx, 'refit', 's');
    for (const kind of Object.keys(MNIST_TRANSFORMS) as MnistTransform[]) {
      const set = mnistTransformSet(test.images, test.labels, idx, kind, 's');
      expectWellFormed(set, 12);
      expect(set.labels).toEqual(idx.map((i) => test.labels[i]));
      expect(same(set, mnistTransformSet(test.images, test.labels, idx, kind, 's')), kind).toBe(true);
      // Each transform changes the picture, except the baseline itself.
      if (kind !== 'refit') expect(same(set, refit), kind).toBe(false);
    }
  });

  it('thicken and thin strokes as named', () => {
    const img = new Float32Array(28 * 28);
    for (let y = 6; y < 22; y++) img[y * 28 + 14] = img[y * 28 + 15] = 1;
    const ink = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(ink(morphDisk(img, 28, 28, 1, 'dilate'))).toBeGreaterThan(ink(img));
    expect(ink(morphDisk(img, 28, 28, 1, 'erode'))).toBeLessThan(ink(img));
    expect(downscale(img, 28, 28, 2)).toHaveLength(14 * 14);
  });
});

describe('non-digit sets', () => {
  it('scribbles and shapes are well formed, labelled not-a-digit and deterministic', () => {
    const scribbles = scribbleSet(20, 's');
    expectWellFormed(scribbles, 20);
    expect(same(scribbles, scribbleSet(20, 's'))).toBe(true);
    const shapes = shapeSet(40, 's');
    expectWellFormed(shapes, 40);
    for (const s of SHAPES) expect(shapes.tags.filter((t) => t === s)).toHaveLength(10);
    expect(same(shapes, shapeSet(40, 's'))).toBe(true);
    expect(same(shapes, shapeSet(40, 't'))).toBe(false);
  });

  it('Fashion-MNIST test sample (needs apt dataset-fashion-mnist)', async () => {
    const a = (await fashionTest(25, 's'))!;
    expectWellFormed(a, 25);
    expect(same(a, (await fashionTest(25, 's'))!)).toBe(true);
  });

  it('pickIndices is a seeded sample without repeats', () => {
    const a = pickIndices(100, 30, 'x');
    expect(new Set(a).size).toBe(30);
    expect(a).toEqual(pickIndices(100, 30, 'x'));
    expect(a).not.toEqual(pickIndices(100, 30, 'y'));
    expect(pickIndices(5, 30, 'x')).toHaveLength(5);
  });
});

describe('font glyphs', async () => {
  const faces = (await listFontFaces()).filter((f) => /^(DejaVu Sans|Liberation Sans)$/.test(f.family)).slice(0, 3);

  it('digits: ten per distinct face (needs apt fonts-dejavu-core), labelled 0-9, deterministic', async () => {
    expect(faces.length, 'no DejaVu Sans or Liberation Sans font: apt-get install fonts-dejavu-core').toBeGreaterThan(0);
    const a = await fontDigits(faces);
    expect(a.images.length % 10).toBe(0);
    expect(a.images.length).toBeGreaterThanOrEqual(10);
    expectWellFormed(a, a.images.length);
    expect(a.labels.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(same(a, await fontDigits(faces))).toBe(true);
  });

  it('letters: a seeded sample without the digit-like letters', async () => {
    expect(faces.length).toBeGreaterThan(0);
    const a = await fontLetters(faces, 30, 's');
    expectWellFormed(a, 30);
    for (const t of a.tags) expect(EXCLUDED_LETTERS.includes(t)).toBe(false);
    expect(a.tags).toEqual((await fontLetters(faces, 30, 's')).tags);
  });
});
