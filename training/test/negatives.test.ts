/**
 * The negatives training adds to the not-a-digit class: which fonts and letters it may use (the
 * rest is kept for measuring), the hand-drawn templates, and the mix when a source is missing.
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { DIGIT_LIKE_IN_TRAINING, EXCLUDED_LETTERS, OUTLINES, TRAINING_LETTERS, isTrainingFamily, isTrainingFontFile, loadFontDigits, loadFontLetters, trainingFontFaces } from '../src/font-letters.js';
import { NEGATIVE_MIX, negative, negativeMix, randomNegative } from '../src/negatives.js';
import { LETTER_PIECE_NAMES, STROKE_LETTERS, STROKE_SHAPES, handDrawn, letterPieceStrokes } from '../src/symbol-strokes.js';
import { straight } from '../../common/stroke-shape.js';
import { renderStrokes } from '../../common/render.js';

/** A 28x28 model input in [0, 1] with some ink. */
function expectImage(img: Float32Array): void {
  expect(img.length).toBe(784);
  let sum = 0;
  for (const v of img) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1 + 1e-6);
    sum += v;
  }
  expect(sum).toBeGreaterThan(5);
}

describe('training fonts', () => {
  it('reads only the files of fonts-dejavu-core, fonts-liberation and fonts-liberation2', () => {
    for (const f of [
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf',
      '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
      '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
      '/usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf',
      '/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Italic.ttf',
    ]) expect(isTrainingFontFile(f), f).toBe(true);
    for (const f of [
      '/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf', // fonts-dejavu-extra
      '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf', // fonts-dejavu-extra
      '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
      '/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf',
      '/usr/share/fonts/truetype/lyx/cmr10.ttf',
    ]) expect(isTrainingFontFile(f), f).toBe(false);
  });

  it('measurement sets can tell the training families apart', () => {
    for (const f of ['DejaVu Sans', 'DejaVu Sans Condensed', 'Liberation Serif', 'Liberation Sans Narrow']) expect(isTrainingFamily(f), f).toBe(true);
    for (const f of ['FreeSans', 'Nimbus Sans', 'URW Gothic', 'Comic Neue']) expect(isTrainingFamily(f), f).toBe(false);
  });

  it('trains on letters that are not digit-like', () => {
    for (const c of [...EXCLUDED_LETTERS, ...DIGIT_LIKE_IN_TRAINING]) expect(TRAINING_LETTERS).not.toContain(c);
    expect(TRAINING_LETTERS).toEqual(expect.arrayContaining(['A', 'C', 'D', 'U', 'a', 'd']));
  });

  it('typesets every training letter in every training face found (none when no training font is installed)', async () => {
    const faces = await trainingFontFaces();
    for (const f of faces) expect(isTrainingFamily(f.family), f.family).toBe(true);
    const glyphs = await loadFontLetters();
    // One glyph per outline width per face; a face could only lose glyphs it has no ink for.
    const all = faces.length * TRAINING_LETTERS.length * OUTLINES.length;
    expect(glyphs.length).toBeLessThanOrEqual(all);
    expect(glyphs.length).toBeGreaterThan(all * 0.95);
    for (const g of glyphs.slice(0, 50)) expectImage(g);
  });

  it('typesets the digits 0-9 of every training face, labelled, as extra positives', async () => {
    const faces = await trainingFontFaces();
    const { images, labels } = await loadFontDigits();
    expect(images.length).toBe(labels.length);
    expect(images.length).toBe(faces.length * 10 * OUTLINES.length);
    // Face by face, outline by outline: 0 to 9 in order.
    expect(labels.slice(0, 20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const g of images.slice(0, 20)) expectImage(g);
    // A 1 is a tall narrow mark, a 0 a wide one: the labels match the glyphs.
    const width = (img: Float32Array) => {
      const cols = new Set<number>();
      img.forEach((v, i) => v > 0.5 && cols.add(i % 28));
      return cols.size;
    };
    expect(width(images[1])).toBeLessThan(width(images[0]));
  });
});

describe('hand-drawn letters and shapes', () => {
  it('every template draws, varied by the hand', () => {
    const rng = seedrandom('templates');
    const templates = [...Object.values(STROKE_LETTERS).map((t) => t()), ...Object.values(STROKE_SHAPES).map((t) => t(rng))];
    for (const t of templates) {
      const a = renderStrokes(handDrawn(t, rng));
      expectImage(a);
      expect(renderStrokes(handDrawn(t, rng))).not.toEqual(a);
    }
  });
});

describe('letter pieces', () => {
  it('are single strokes, never straight, of the letters written in several strokes (the t left out)', () => {
    expect(LETTER_PIECE_NAMES).toEqual(expect.arrayContaining(['n', 'm', 'h', 'u']));
    expect(LETTER_PIECE_NAMES).not.toContain('t');
    // Written in one stroke (nothing to take apart), or only in straight strokes (each alone a 1).
    for (const name of ['C', 'U', 'M', 'K', 'X', 'T']) expect(LETTER_PIECE_NAMES).not.toContain(name);
    const rng = seedrandom('pieces');
    for (let i = 0; i < 200; i++) {
      const { name, strokes } = letterPieceStrokes(rng);
      expect(LETTER_PIECE_NAMES).toContain(name);
      expect(strokes).toHaveLength(1);
      expect(straight(strokes[0], 1.1)).toBe(false);
    }
  });
});

describe('negative mix', () => {
  it('drops a kind whose source is missing and renormalises the shares', () => {
    const all = negativeMix({ fashion: [new Float32Array(784)], fontLetters: [new Float32Array(784)] });
    expect(all.map(([k]) => k)).toEqual(Object.keys(NEGATIVE_MIX));
    const none = negativeMix({ fashion: [], fontLetters: [] });
    expect(none.map(([k]) => k)).toEqual(['scribble', 'strokeLetter', 'shape', 'letterPiece']);
    for (const mix of [all, none]) expect(mix.reduce((s, [, p]) => s + p, 0)).toBeCloseTo(1, 10);
  });

  it('gives model inputs for every kind, deterministic for the seed', () => {
    const glyph = renderStrokes(STROKE_LETTERS.A().map((s) => s.map((p) => [p[0], p[1]])));
    const pools = { fashion: [glyph], fontLetters: [glyph] };
    for (const [kind] of negativeMix(pools)) expectImage(negative(kind, pools, seedrandom(kind)));
    const mix = negativeMix(pools);
    const a = Array.from({ length: 20 }, (_, i) => randomNegative(mix, pools, seedrandom(`n${i}`)));
    const b = Array.from({ length: 20 }, (_, i) => randomNegative(mix, pools, seedrandom(`n${i}`)));
    expect(a).toEqual(b);
  });
});
