/**
 * An anti-aliased polyline rasterizer in plain TypeScript: a round pen's coverage, one pixel of
 * linear falloff at the edge, drawn straight into 28x28. It runs where the picture is needed at
 * once, with no thread hop: a board's numbers on the server's event loop (see
 * server/src/recognition/rasterize.ts), and training's synthetic negatives and stroke sets. sharp
 * (librsvg) draws the same path for POST /api/recognize, the browser a canvas; tests hold them
 * to the same picture and the same answers.
 */
import { INPUT_SIZE } from './model-contract.js';
import { PEN_WIDTH, centerByMass, fitTransform, strokesBounds, type Stroke } from './preprocess.js';

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const cx = ax + t * dx - px, cy = ay + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

/** Renders strokes already in 28x28 coordinates: coverage of a round pen of width `penWidth`. */
export function renderFitted(strokes: readonly Stroke[], penWidth = PEN_WIDTH): Float32Array {
  const out = new Float32Array(INPUT_SIZE * INPUT_SIZE);
  const r = penWidth / 2;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const a = stroke[i], b = stroke[Math.min(i + 1, stroke.length - 1)];
      const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1)), x1 = Math.min(INPUT_SIZE - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
      const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1)), y1 = Math.min(INPUT_SIZE - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          // Pixel centres at +0.5; one pixel of linear falloff gives the anti-aliased edge.
          const d = distanceToSegment(x + 0.5, y + 0.5, a[0], a[1], b[0], b[1]);
          const v = Math.max(0, Math.min(1, r + 0.5 - d));
          const k = y * INPUT_SIZE + x;
          if (v > out[k]) out[k] = v;
        }
      }
    }
  }
  return out;
}

/** Strokes in any coordinates -> the model's 28x28 input (fit, render, centre by mass); blank without ink. */
export function renderStrokes(strokes: readonly Stroke[]): Float32Array {
  const box = strokesBounds(strokes);
  if (!box) return new Float32Array(INPUT_SIZE * INPUT_SIZE);
  const { scale, offsetX, offsetY } = fitTransform(box);
  const fitted = strokes.map((s) => s.map((p) => [p[0] * scale + offsetX, p[1] * scale + offsetY]));
  return centerByMass(renderFitted(fitted)).image;
}
