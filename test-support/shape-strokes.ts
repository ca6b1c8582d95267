/**
 * Hand-drawn-looking geometric shapes (rectangles, triangles, stars, crosses) as strokes: ink that
 * is not a digit, jittered like the generated digits. The model card measures abstention on them
 * and server tests draw them to compare rasterizers. Training's own shapes (training/src/
 * symbol-strokes.ts) are other code on purpose: the card's shapes must stay unseen in training.
 */
import type { Stroke } from '../common/preprocess.js';
import { jitterStrokes } from './jitter-strokes.js';
import { uniform, type Rng } from './uniform.js';

export const SHAPES = ['rectangle', 'triangle', 'star', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

/** A hand-drawn-looking geometric shape in a ~100-unit box. */
export function shapeStrokes(shape: Shape, rng: Rng): Stroke[] {
  const rot = uniform(rng, -0.35, 0.35);
  const rotate = ([x, y]: number[]) => [50 + (x - 50) * Math.cos(rot) - (y - 50) * Math.sin(rot), 50 + (x - 50) * Math.sin(rot) + (y - 50) * Math.cos(rot)];
  const closed = (pts: number[][]) => [...pts, pts[0]];
  let strokes: number[][][];
  switch (shape) {
    case 'rectangle': {
      const aspect = Math.exp(uniform(rng, Math.log(0.4), Math.log(2.5)));
      const w = aspect >= 1 ? 90 : 90 * aspect, h = aspect >= 1 ? 90 / aspect : 90;
      const x0 = 50 - w / 2, y0 = 50 - h / 2;
      const corners = [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]];
      const k = Math.floor(rng() * 4);
      strokes = [closed([...corners.slice(k), ...corners.slice(0, k)])];
      break;
    }
    case 'triangle': {
      // Three vertices on a circle, at least 70° apart.
      const a0 = uniform(rng, 0, 2 * Math.PI);
      const a1 = a0 + uniform(rng, 1.22, 2.6);
      const a2 = a1 + uniform(rng, 1.22, Math.max(1.23, 2 * Math.PI - (a1 - a0) - 1.22));
      strokes = [closed([a0, a1, a2].map((a) => [50 + 45 * Math.cos(a), 50 + 45 * Math.sin(a)]))];
      break;
    }
    case 'star': {
      const a0 = -Math.PI / 2 + uniform(rng, -0.3, 0.3);
      const outer = Array.from({ length: 5 }, (_, i) => a0 + (i * 2 * Math.PI) / 5);
      if (rng() < 0.5) {
        // Pentagram in one stroke: every second point.
        strokes = [closed([0, 2, 4, 1, 3].map((i) => [50 + 45 * Math.cos(outer[i]), 50 + 45 * Math.sin(outer[i])]))];
      } else {
        const inner = uniform(rng, 0.35, 0.5) * 45;
        const pts = outer.flatMap((a) => [
          [50 + 45 * Math.cos(a), 50 + 45 * Math.sin(a)],
          [50 + inner * Math.cos(a + Math.PI / 5), 50 + inner * Math.sin(a + Math.PI / 5)],
        ]);
        strokes = [closed(pts)];
      }
      break;
    }
    case 'cross': {
      const cx = uniform(rng, 40, 60), cy = uniform(rng, 40, 60);
      const l = () => uniform(rng, 30, 48);
      strokes =
        rng() < 0.5
          ? [[[cx - l(), cy], [cx + l(), cy]], [[cx, cy - l()], [cx, cy + l()]]]
          : [[[cx - l() * 0.7, cy - l() * 0.7], [cx + l() * 0.7, cy + l() * 0.7]], [[cx + l() * 0.7, cy - l() * 0.7], [cx - l() * 0.7, cy + l() * 0.7]]];
      break;
    }
  }
  return jitterStrokes(strokes.map((s) => densify(s.map(rotate), 3)), 100, rng, 0.7);
}

/** Resamples a polyline so that consecutive points are at most `step` apart. */
function densify(points: readonly number[][], step: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    out.push([a[0], a[1]]);
    const b = points[i + 1];
    if (!b) break;
    const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / step);
    for (let k = 1; k < n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}
