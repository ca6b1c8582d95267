/**
 * The path that the server's SVG (librsvg) and the browser's canvas both draw for a digit, so
 * that the two rasterizers see exactly the same geometry: points mapped into the 28x28 frame and
 * rounded to 0.01 px (as the SVG prints them).
 *
 * A stroke whose points all coincide (a tap) becomes an explicit dot. Renderers disagree on a
 * zero-length segment with round caps: librsvg draws a dot, current Chromium prunes it and draws
 * nothing (as the canvas spec says). A circle of radius PEN_WIDTH / 4 stroked with PEN_WIDTH is a
 * disc of radius PEN_WIDTH / 2 on every renderer, the same dot common/render.ts draws.
 */
import { PEN_WIDTH, type FitTransform, type Stroke } from './preprocess.js';

export type InkSubpath = { kind: 'line'; points: [number, number][] } | { kind: 'dot'; x: number; y: number };

/** Radius of the circle stroked for a dot (see above). */
export const DOT_RADIUS = PEN_WIDTH / 4;

const fixed = (value: number): number => Number(value.toFixed(2));

/** The strokes as subpaths in 28x28 coordinates (rounded to 0.01), one per stroke with ink. */
export function inkSubpaths(strokes: readonly Stroke[], { scale, offsetX, offsetY }: FitTransform): InkSubpath[] {
  const out: InkSubpath[] = [];
  for (const stroke of strokes) {
    if (stroke.length === 0) continue;
    const points = stroke.map((p): [number, number] => [fixed(p[0] * scale + offsetX), fixed(p[1] * scale + offsetY)]);
    const [x, y] = points[0];
    if (points.every((p) => p[0] === x && p[1] === y)) out.push({ kind: 'dot', x, y });
    else out.push({ kind: 'line', points });
  }
  return out;
}

/** SVG path data for the subpaths: a dot as two arcs (a full circle of DOT_RADIUS). */
export function svgPathData(subpaths: readonly InkSubpath[]): string {
  let d = '';
  for (const s of subpaths) {
    if (s.kind === 'dot') {
      const r = DOT_RADIUS;
      d += `M${fixed(s.x + r)} ${s.y}A${r} ${r} 0 1 0 ${fixed(s.x - r)} ${s.y}A${r} ${r} 0 1 0 ${fixed(s.x + r)} ${s.y}Z`;
    } else {
      s.points.forEach(([x, y], i) => (d += `${i === 0 ? 'M' : 'L'}${x} ${y}`));
    }
  }
  return d;
}

/** The canvas calls for the same subpaths, added to the context's current path. */
export function traceSubpaths(ctx: Pick<CanvasPath, 'moveTo' | 'lineTo' | 'arc' | 'closePath'>, subpaths: readonly InkSubpath[]): void {
  for (const s of subpaths) {
    if (s.kind === 'dot') {
      ctx.moveTo(fixed(s.x + DOT_RADIUS), s.y);
      ctx.arc(s.x, s.y, DOT_RADIUS, 0, 2 * Math.PI);
      ctx.closePath();
    } else {
      s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    }
  }
}
