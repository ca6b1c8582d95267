/** Measures of strokes' shapes that the readers of ink share: sampling, contact, straightness. */
import type { Stroke } from './preprocess.js';
import { distanceToSegment } from './render.js';

/** At most `count` points of a stroke, evenly picked, its ends included. */
export function sample(stroke: Stroke, count: number): Stroke {
  if (stroke.length <= count) return stroke;
  return Array.from({ length: count }, (_, i) => stroke[Math.round((i * (stroke.length - 1)) / (count - 1))]);
}

/** Whether two strokes' ink comes within `reach` of each other (they meet, cross or nearly). */
export function touches(a: Stroke, b: Stroke, reach: number): boolean {
  const near = (p: Stroke[number], line: Stroke) => {
    if (line.length === 1) return Math.hypot(p[0] - line[0][0], p[1] - line[0][1]) <= reach;
    for (let i = 1; i < line.length; i++) if (distanceToSegment(p[0], p[1], line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]) <= reach) return true;
    return false;
  };
  // Crossing strokes have a sample of each near the other's line, to within the sampling step.
  return a.some((p) => near(p, b)) || b.some((p) => near(p, a));
}

/** Length of a stroke's ink. */
export function inkLength(stroke: Stroke): number {
  let ink = 0;
  for (let i = 1; i < stroke.length; i++) ink += Math.hypot(stroke[i][0] - stroke[i - 1][0], stroke[i][1] - stroke[i - 1][1]);
  return ink;
}

/** Distance between a stroke's ends. */
export function chord(stroke: Stroke): number {
  return Math.hypot(stroke[stroke.length - 1][0] - stroke[0][0], stroke[stroke.length - 1][1] - stroke[0][1]);
}

/** Whether a stroke is about a straight line: its ink at most `slack` times the distance between its ends. */
export function straight(stroke: Stroke, slack: number): boolean {
  const c = chord(stroke);
  return c > 0 && inkLength(stroke) <= slack * c;
}

/**
 * How far a stroke strays from the line between its ends: its farthest point's distance from that
 * line, over the distance between the ends (Infinity when its ends meet). Unlike the ink's length,
 * a shaky hand's jitter of a pixel or two hardly counts.
 */
export function sag(stroke: Stroke): number {
  const c = chord(stroke);
  if (c === 0) return Infinity;
  const [[x0, y0], [x1, y1]] = [stroke[0], stroke[stroke.length - 1]];
  let farthest = 0;
  for (const [x, y] of stroke) farthest = Math.max(farthest, Math.abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / c);
  return farthest / c;
}

/** Whether segments p-q and r-s cross. */
function segmentsCross(p: Stroke[number], q: Stroke[number], r: Stroke[number], s: Stroke[number]): boolean {
  const d = (q[0] - p[0]) * (s[1] - r[1]) - (q[1] - p[1]) * (s[0] - r[0]);
  if (d === 0) return false;
  const t = ((r[0] - p[0]) * (s[1] - r[1]) - (r[1] - p[1]) * (s[0] - r[0])) / d;
  const u = ((r[0] - p[0]) * (q[1] - p[1]) - (r[1] - p[1]) * (q[0] - p[0])) / d;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1;
}

/** Whether two strokes' lines cross, however sparsely their points were sampled. */
export function crosses(a: Stroke, b: Stroke): boolean {
  for (let i = 1; i < a.length; i++) for (let j = 1; j < b.length; j++) if (segmentsCross(a[i - 1], a[i], b[j - 1], b[j])) return true;
  return false;
}

/** `count` points evenly spaced along a stroke's ink (count >= 2), its ends included. */
export function resample(stroke: Stroke, count: number): Stroke {
  if (stroke.length < 2) return Array.from({ length: count }, () => stroke[0]);
  const total = inkLength(stroke);
  const out: Stroke = [stroke[0]];
  let i = 1, walked = 0;
  for (let k = 1; k < count - 1; k++) {
    const target = (k * total) / (count - 1);
    let step = Math.hypot(stroke[i][0] - stroke[i - 1][0], stroke[i][1] - stroke[i - 1][1]);
    while (walked + step < target && i < stroke.length - 1) {
      walked += step;
      i++;
      step = Math.hypot(stroke[i][0] - stroke[i - 1][0], stroke[i][1] - stroke[i - 1][1]);
    }
    const t = step > 0 ? (target - walked) / step : 0;
    out.push([stroke[i - 1][0] + t * (stroke[i][0] - stroke[i - 1][0]), stroke[i - 1][1] + t * (stroke[i][1] - stroke[i - 1][1])]);
  }
  out.push(stroke[stroke.length - 1]);
  return out;
}
