/** The random variation of hand-drawn strokes that the generated digit and shape drawings share. */
import type { Stroke } from '../common/preprocess.js';
import { uniform, type Rng } from './uniform.js';

/**
 * Smooth random distortion of strokes drawn at scale `size`: a low-frequency displacement field
 * (moves the templates' control points coherently), rotation, aspect change, per-stroke offsets
 * (pen lifted and put down slightly elsewhere), trimmed stroke ends and a little tremor.
 */
export function jitterStrokes(strokes: readonly number[][][], size: number, rng: Rng, amount = 1): Stroke[] {
  const waves = Array.from({ length: 4 }, () => ({
    amp: uniform(rng, 0, 0.05) * amount * size,
    fx: uniform(rng, -1.2, 1.2) / size,
    fy: uniform(rng, -1.2, 1.2) / size,
    phase: uniform(rng, 0, 2 * Math.PI),
  }));
  const angle = uniform(rng, -0.17, 0.17) * amount;
  const aspect = uniform(rng, 0.75, 1.3);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const tremor = 0.006 * size;
  return strokes.map((stroke, s) => {
    const offX = s > 0 ? uniform(rng, -0.06, 0.06) * size * amount : 0;
    const offY = s > 0 ? uniform(rng, -0.06, 0.06) * size * amount : 0;
    const n = stroke.length;
    const trimStart = n > 8 ? Math.floor(uniform(rng, 0, 0.06) * n) : 0;
    const trimEnd = n > 8 ? Math.floor(uniform(rng, 0, 0.06) * n) : 0;
    return stroke.slice(trimStart, n - trimEnd).map(([x0, y0]) => {
      let x = x0, y = y0;
      x += waves[0].amp * Math.sin(2 * Math.PI * (waves[0].fx * x0 + waves[0].fy * y0) + waves[0].phase) + waves[1].amp * Math.sin(2 * Math.PI * (waves[1].fx * x0 + waves[1].fy * y0) + waves[1].phase);
      y += waves[2].amp * Math.sin(2 * Math.PI * (waves[2].fx * x0 + waves[2].fy * y0) + waves[2].phase) + waves[3].amp * Math.sin(2 * Math.PI * (waves[3].fx * x0 + waves[3].fy * y0) + waves[3].phase);
      x = x * aspect + offX + uniform(rng, -tremor, tremor);
      y = y + offY + uniform(rng, -tremor, tremor);
      return [x * cos - y * sin, x * sin + y * cos];
    });
  });
}
