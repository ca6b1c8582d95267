import type { InkStroke } from './board-model.js';
import { PEN_WIDTH } from './board-space.js';
import type { BoardView } from './board-view.js';

/**
 * Paints all the ink on a canvas, each stroke as one path in its author's colour: a quadratic
 * curve through the midpoints of consecutive samples, which is smooth. Repainting everything each
 * frame is cheap at this size (a few thousand points) and, unlike stroking piece by piece, leaves
 * no anti-aliasing seams. `widths` holds the pressure of pen strokes drawn here, by stroke id.
 */
export function paintInk(
  context: CanvasRenderingContext2D,
  view: BoardView,
  strokes: Iterable<InkStroke>,
  widths: ReadonlyMap<string, readonly number[]>,
): void {
  const { canvas } = context;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (view.cssWidth === 0 || view.cssHeight === 0) return;
  // Board units to device pixels, the view's left edge at the canvas's.
  const k = canvas.width / view.cssWidth / view.unitsPerPx();
  context.setTransform(k, 0, 0, k, -view.viewX * k, 0);
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.lineWidth = PEN_WIDTH;
  for (const { id, points, color } of strokes) {
    const first = points[0];
    if (!first) continue;
    context.strokeStyle = context.fillStyle = color;
    const pressured = widths.get(id);
    if (pressured && pressured.length === points.length && points.length > 1) {
      paintPressured(context, points, pressured);
      continue;
    }
    context.beginPath();
    // A tap (all points in one place) is drawn as a dot: canvas draws nothing for a zero-length line.
    if (points.every((p) => p[0] === first[0] && p[1] === first[1])) {
      context.arc(first[0], first[1], PEN_WIDTH / 2, 0, Math.PI * 2);
      context.fill();
      continue;
    }
    context.moveTo(first[0], first[1]);
    for (let i = 1; i < points.length - 1; i++) {
      const [x, y] = points[i];
      const next = points[i + 1];
      context.quadraticCurveTo(x, y, (x + next[0]) / 2, (y + next[1]) / 2);
    }
    const last = points[points.length - 1];
    context.lineTo(last[0], last[1]);
    context.stroke();
  }
}

/** A pen stroke drawn here, segment by segment, each as wide as the pressure at its end (round caps hide the joins). */
function paintPressured(context: CanvasRenderingContext2D, points: readonly number[][], widths: readonly number[]): void {
  for (let i = 1; i < points.length; i++) {
    context.lineWidth = PEN_WIDTH * widths[i];
    context.beginPath();
    context.moveTo(points[i - 1][0], points[i - 1][1]);
    context.lineTo(points[i][0], points[i][1]);
    context.stroke();
  }
  context.lineWidth = PEN_WIDTH;
}
