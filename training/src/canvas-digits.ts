/** Canvas-like digit sets: the generated drawings of test-support/canvas-digit-strokes.ts, rendered like a board's ink. */
import seedrandom from 'seedrandom';
import { PEN_WIDTH } from '../../common/preprocess.js';
import { renderStrokes } from '../../common/render.js';
import { altDigitStrokes, canvasDigitStrokes } from '../../test-support/canvas-digit-strokes.js';
import { uniform } from '../../test-support/uniform.js';
import type { RobustnessSet } from './robustness-set.js';

/** `count` canvas-like digits (balanced 0-9); with penWidth, each drawn with a random pen in that range. */
export function canvasDigits(count: number, seed: string, penWidth?: [number, number]): RobustnessSet {
  const rng = seedrandom(`${seed}:canvas${penWidth ? ':pen' : ''}`);
  const images: Float32Array[] = [];
  const labels: number[] = [];
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = i % 10;
    const strokes = canvasDigitStrokes(d, rng);
    if (penWidth) {
      const w = uniform(rng, penWidth[0], penWidth[1]);
      images.push(renderStrokes(strokes, w));
      tags.push(`pen ${w < 2 ? '<2' : w < 2.8 ? '2-2.8' : '>=2.8'}`);
    } else {
      images.push(renderStrokes(strokes));
      tags.push(String(d));
    }
    labels.push(d);
  }
  return penWidth
    ? {
        id: 'canvas-pen',
        name: 'Canvas-like, varied pen width',
        kind: 'digits',
        source: `as above, rendered with a pen ${penWidth[0]}-${penWidth[1]} px wide in the 28x28 frame instead of the server's ${PEN_WIDTH} (what an uploaded drawing's fitted strokes can look like)`,
        images,
        labels,
        tags,
      }
    : {
        id: 'canvas',
        name: 'Canvas-like strokes',
        kind: 'digits',
        source:
          'the stroke templates of test-support/digit-strokes.ts with random size (60-240 px), slant (-0.2 to 0.45), ' +
          'aspect (0.75-1.3), rotation (±10°), a smooth random displacement of the path (up to ~10% of the height), ' +
          'strokes lifted and offset, ends trimmed, tremor; rendered by renderStrokes (the server rasterizer\'s twin)',
        images,
        labels,
        tags,
      };
}

/** Canvas-like digits in the ALT_DIGITS letterforms (balanced 0-9); tags name the letterform. */
export function canvasAltDigits(count: number, seed: string): RobustnessSet {
  const rng = seedrandom(`${seed}:canvas-alt`);
  const labels = Array.from({ length: count }, (_, i) => i % 10);
  const drawn = labels.map((d) => altDigitStrokes(d, rng));
  return {
    id: 'canvas-alt',
    name: 'Canvas-like, other letterforms',
    kind: 'digits',
    source:
      'letterforms the fixture lacks (1 with a base, bare 1, crossed 7, open-top 4, flat-topped 3, one-stroke 5, 8 as two loops, ' +
      '9 with a curled tail, looped 2, open or slashed 0, straight-stemmed 6; ALT_DIGITS in test-support/canvas-digit-strokes.ts), same random variation, renderStrokes',
    images: drawn.map((d) => renderStrokes(d.strokes)),
    labels,
    tags: drawn.map((d) => d.form),
  };
}
