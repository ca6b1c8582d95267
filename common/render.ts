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

/** Distance from (px, py) to the segment a-b. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const cx = ax + t * dx - px, cy = ay + t * dy - py;
  return Math.sqrt(cx * cx + cy * cy);
}

/** The pixels renderFitted visits for the segment a-b: its box, widened by the pen and the falloff. */
function segmentBox(a: Stroke[number], b: Stroke[number], r: number): [x0: number, x1: number, y0: number, y1: number] {
  return [
    Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1)),
    Math.min(INPUT_SIZE - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1)),
    Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1)),
    Math.min(INPUT_SIZE - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1)),
  ];
}

/**
 * What renderFitted would cost, known before drawing: the pixels it visits. A digit as people
 * write it costs a few thousand; ink made to be expensive (long segments crossing the box, over
 * and over) up to 784 a point.
 */
export function renderCost(strokes: readonly Stroke[], penWidth = PEN_WIDTH): number {
  let cost = 0;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const [x0, x1, y0, y1] = segmentBox(stroke[i], stroke[Math.min(i + 1, stroke.length - 1)], penWidth / 2);
      if (x1 >= x0 && y1 >= y0) cost += (x1 - x0 + 1) * (y1 - y0 + 1);
    }
  }
  return cost;
}

/** Renders strokes already in 28x28 coordinates: coverage of a round pen of width `penWidth`. */
export function renderFitted(strokes: readonly Stroke[], penWidth = PEN_WIDTH): Float32Array {
  const out = new Float32Array(INPUT_SIZE * INPUT_SIZE);
  const r = penWidth / 2;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const a = stroke[i], b = stroke[Math.min(i + 1, stroke.length - 1)];
      const [x0, x1, y0, y1] = segmentBox(a, b, r);
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

/**
 * Strokes in any coordinates -> the model's 28x28 input (fit, render, centre by mass); blank
 * without ink. Boards and the server draw with PEN_WIDTH; another width is for measuring the
 * model on ink drawn with other pens.
 */
export function renderStrokes(strokes: readonly Stroke[], penWidth = PEN_WIDTH): Float32Array {
  const fitted = fitStrokes(strokes, penWidth);
  return fitted ? centerByMass(renderFitted(fitted, penWidth)).image : new Float32Array(INPUT_SIZE * INPUT_SIZE);
}

/** Strokes mapped into the 28x28 frame as the model's input wants them (see fitTransform); null without ink. */
export function fitStrokes(strokes: readonly Stroke[], penWidth = PEN_WIDTH): Stroke[] | null {
  const box = strokesBounds(strokes);
  if (!box) return null;
  const { scale, offsetX, offsetY } = fitTransform(box, penWidth);
  return strokes.map((s) => s.map((p) => [p[0] * scale + offsetX, p[1] * scale + offsetY]));
}
