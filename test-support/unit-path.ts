/**
 * Pen paths in a unit box (0..1, y down), each a function of t in [0, 1]: the building blocks of
 * the digit templates (digit-strokes.ts) and of their other letterforms (canvas-digit-strokes.ts).
 */
export type UnitPath = (t: number) => [number, number];

/** An elliptic arc around (cx, cy) from angle a0 to a1 (radians; y down, so +pi/2 points down). */
export const arc = (cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): UnitPath => (t) => {
  const a = a0 + (a1 - a0) * t;
  return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
};

/** A straight line from (x0, y0) to (x1, y1). */
export const line = (x0: number, y0: number, x1: number, y1: number): UnitPath => (t) => [x0 + (x1 - x0) * t, y0 + (y1 - y0) * t];

/** Paths drawn one after the other without lifting the pen, each taking an equal share of t. */
export const chain = (...parts: UnitPath[]): UnitPath => (t) => {
  const k = Math.min(parts.length - 1, Math.floor(t * parts.length));
  return parts[k](t * parts.length - k);
};
