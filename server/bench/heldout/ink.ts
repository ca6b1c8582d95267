/**
 * Hand-like ink from polyline templates: the template (strokes in unit coordinates, y down, height
 * about 1) is slanted, rotated, stretched, wobbled per control point and per stroke (strokes written
 * separately never line up exactly), then traced at a pen speed with pointer-event sampling and
 * sensor noise, each point timed in ms since its stroke began.
 */
import type { PRNG } from 'seedrandom';

/** [x, y, t]: board units, ms since the stroke began. */
export type InkPoint = [number, number, number];
export type Ink = InkPoint[][];
export type Template = [number, number][][];

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A uniform draw in [a, b). */
export const uniform = (rand: PRNG, a: number, b: number) => a + (b - a) * rand();
export const pick = <T>(rand: PRNG, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
/** A standard normal draw (Box-Muller). */
export const normal = (rand: PRNG) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

export function templateBox(t: Template): Box {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const s of t)
    for (const [x, y] of s) {
      b.minX = Math.min(b.minX, x);
      b.maxX = Math.max(b.maxX, x);
      b.minY = Math.min(b.minY, y);
      b.maxY = Math.max(b.maxY, y);
    }
  return b;
}

export function inkBox(ink: Ink): Box {
  return templateBox(ink.map((s) => s.map(([x, y]) => [x, y] as [number, number])));
}

/** Points of an elliptic arc (angles in degrees, y down: 90 is below the centre). */
export function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, n = 12): [number, number][] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = ((from + ((to - from) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

export interface Hand {
  /** Forward slant: x moves right by this fraction of the height at the top. */
  slant: number;
  /** Rotation in radians. */
  rotate: number;
  /** Width over height relative to the template. */
  aspect: number;
  /** Amplitude of the smooth bending, and each stroke's own offset, as fractions of the height. */
  wobble: number;
  strokeShift: number;
  /** Pen speed, board units per ms, and the pointer's sampling interval in ms. */
  speed: number;
  sampleMs: number;
  /** Sensor noise in board units. */
  noise: number;
}

/** A writer's hand for one item: every draw from `rand`, so items are reproducible. */
export function randomHand(rand: PRNG): Hand {
  return {
    slant: uniform(rand, -0.12, 0.3),
    rotate: uniform(rand, -0.08, 0.08),
    aspect: uniform(rand, 0.85, 1.2),
    wobble: uniform(rand, 0.005, 0.03),
    strokeShift: uniform(rand, 0.005, 0.025),
    speed: uniform(rand, 0.3, 2.5),
    sampleMs: pick(rand, [4, 8, 16, 16, 17]),
    noise: uniform(rand, 0, 0.6),
  };
}

/**
 * Writes a template with its top-left at (x, y) and the given ink height. Returns the ink and
 * its box. The template is first normalized to its own box (height 1, its aspect kept).
 */
export function write(template: Template, at: { x: number; y: number; height: number }, hand: Hand, rand: PRNG): Ink {
  const tb = templateBox(template);
  const th = Math.max(tb.maxY - tb.minY, 1e-6);
  const h = at.height;
  const cos = Math.cos(hand.rotate), sin = Math.sin(hand.rotate);
  // A smooth displacement field (two waves per axis): shapes bend as a hand bends them, and a
  // curve of many control points stays a curve rather than turning jagged.
  const waves = Array.from({ length: 4 }, () => ({ fu: uniform(rand, -1.5, 1.5), fv: uniform(rand, -1.5, 1.5), phase: uniform(rand, 0, 2 * Math.PI) }));
  const wave = (k: number, u: number, v: number) => Math.sin(2 * Math.PI * (waves[k].fu * u + waves[k].fv * v) + waves[k].phase);
  const shaped = template.map((stroke) => {
    const sx = normal(rand) * hand.strokeShift, sy = normal(rand) * hand.strokeShift;
    return stroke.map(([px, py]) => {
      const u0 = (px - tb.minX) / th, v0 = (py - tb.minY) / th;
      let u = u0 * hand.aspect + sx + hand.wobble * (wave(0, u0, v0) + wave(1, u0, v0));
      const v = v0 + sy + hand.wobble * (wave(2, u0, v0) + wave(3, u0, v0));
      u += (1 - v) * hand.slant;
      return [u * cos - v * sin, u * sin + v * cos] as [number, number];
    });
  });
  // Placed by the shaped ink's own box, so slant and rotation do not push it off its spot.
  const sb = templateBox(shaped);
  const scale = h / Math.max(sb.maxY - sb.minY, 1e-6);
  return shaped.map((s) => trace(s.map(([u, v]) => [at.x + (u - sb.minX) * scale, at.y + (v - sb.minY) * scale]), hand, rand));
}

/**
 * Samples a polyline as a pointer would: every sampleMs along the path at the pen's speed, with
 * sensor noise, times in ms from the pen-down.
 */
export function trace(path: [number, number][], hand: Hand, rand: PRNG): InkPoint[] {
  const r = (v: number) => Math.round(v * 10) / 10;
  const out: InkPoint[] = [];
  const jitter = () => normal(rand) * hand.noise;
  out.push([r(path[0][0] + jitter()), r(path[0][1] + jitter()), 0]);
  if (path.length === 1) return out;
  const step = hand.speed * hand.sampleMs;
  let t = 0, carry = 0;
  for (let i = 1; i < path.length; i++) {
    const [x0, y0] = path[i - 1], [x1, y1] = path[i];
    const len = Math.hypot(x1 - x0, y1 - y0);
    let d = step - carry;
    for (; d <= len; d += step) {
      const f = d / len;
      t += hand.sampleMs;
      out.push([r(x0 + (x1 - x0) * f + jitter()), r(y0 + (y1 - y0) * f + jitter()), t]);
    }
    carry = len - (d - step);
  }
  // The pen lifts at the path's end, wherever the last sample fell.
  const [xe, ye] = path[path.length - 1];
  t += Math.max(1, Math.round((carry / step) * hand.sampleMs));
  out.push([r(xe + jitter()), r(ye + jitter()), t]);
  return out;
}

/** Moves ink by (dx, dy). */
export const shift = (ink: Ink, dx: number, dy: number): Ink => ink.map((s) => s.map(([x, y, t]) => [Math.round((x + dx) * 10) / 10, Math.round((y + dy) * 10) / 10, t] as InkPoint));
