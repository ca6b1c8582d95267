/**
 * Digits written the way MNIST's American writers seldom write them, as extra positives: the
 * European 1 (an up-stroke flag, often a base), the crossed 7, the 7 with a serif. A model trained
 * on MNIST alone reads a long-flagged 1 as a 7. Each is drawn with random proportions, slant and
 * wobble, in one stroke or in separate strokes, and rendered as boards draw ink (common/render.ts).
 * Nothing here comes from the held-out sets (server/bench/heldout), which use their own templates.
 */
import { renderStrokes } from '../../common/render.js';
import type { Stroke } from '../../common/preprocess.js';
import type { Rng } from './augment.js';

type Pt = [number, number];

const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();

/** Points along a polyline, every `step` units, each moved by up to `wobble`. */
function trace(points: readonly Pt[], rng: Rng, wobble: number, step = 0.03): Pt[] {
  const out: Pt[] = [];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1], [x1, y1] = points[i];
    const n = Math.max(2, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = i === 1 ? 0 : 1; k <= n; k++) {
      const t = k / n;
      out.push([x0 + (x1 - x0) * t + (rng() - 0.5) * wobble, y0 + (y1 - y0) * t + (rng() - 0.5) * wobble]);
    }
  }
  return out;
}

/** A European 1: a flag rising to the top of the stem, the stem, sometimes a base. */
function one(rng: Rng): Pt[][] {
  const top: Pt = [between(rng, 0.45, 0.6), 0];
  const bottom: Pt = [top[0] - between(rng, -0.05, 0.15), 1];
  const flag = between(rng, 0.12, 0.42);
  const angle = between(rng, 0.45, 1.1); // below the horizontal, radians
  const start: Pt = [top[0] - flag * Math.cos(angle), flag * Math.sin(angle)];
  const strokes: Pt[][] = rng() < 0.5 ? [[start, top, bottom]] : [[start, top], [top, bottom]];
  if (rng() < 0.35) {
    const half = between(rng, 0.15, 0.3);
    strokes.push([[bottom[0] - half, 1], [bottom[0] + half, 1]]);
  }
  return strokes;
}

/** A 7: the bar and the stem, sometimes a serif down from the bar's start, sometimes crossed. */
function seven(rng: Rng): Pt[][] {
  const left = between(rng, 0, 0.15), right = between(rng, 0.6, 0.8);
  const foot: Pt = [between(rng, 0.15, 0.45), 1];
  const body: Pt[] = [[left, between(rng, -0.03, 0.05)], [right, 0], foot];
  if (rng() < 0.3) body.unshift([left, between(rng, 0.1, 0.2)]);
  const strokes: Pt[][] = rng() < 0.6 ? [body] : [body.slice(0, -1), body.slice(-2)];
  if (rng() < 0.5) {
    const y = between(rng, 0.4, 0.6);
    const x = right + (foot[0] - right) * y;
    const half = between(rng, 0.12, 0.25);
    strokes.push([[x - half, y + between(rng, -0.03, 0.03)], [x + half, y + between(rng, -0.03, 0.03)]]);
  }
  return strokes;
}

const FORMS = { 1: one, 7: seven } as const;

/** A regional 1 or 7 (picked at random) as a 28x28 model input, with its label. */
export function regionalDigit(rng: Rng): { image: Float32Array; label: number } {
  const label = rng() < 0.55 ? 1 : 7;
  const slant = between(rng, -0.15, 0.3);
  const size = between(rng, 80, 240);
  const wobble = between(rng, 0, 0.02);
  const strokes: Stroke[] = FORMS[label](rng).map((polyline) =>
    trace(polyline, rng, wobble).map(([x, y]) => [(x + (1 - y) * slant) * size, y * size]),
  );
  return { image: renderStrokes(strokes), label };
}
