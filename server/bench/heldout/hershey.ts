/**
 * The Hershey vector fonts (Debian's hershey-fonts-data, .jhf files): glyphs drawn as polylines
 * with pen-ups, so multi-stroke digits and letters come as a plotter, not a font rasterizer,
 * would draw them. Nothing the model trained on comes from these files.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const HERSHEY_DIR = '/usr/share/hershey-fonts';

/**
 * Single-line styles that read like handwriting or print (duplex and triplex styles draw each
 * line two or three times over, script capitals are ornate). Each file maps ASCII 32..126 in order.
 */
export const HERSHEY_STYLES = ['futural', 'rowmans', 'scripts', 'cursive', 'futuram'] as const;
export type HersheyStyle = (typeof HERSHEY_STYLES)[number];

/** A glyph: strokes of [x, y] in font units (y down), and its advance bounds. */
export interface Glyph {
  strokes: [number, number][][];
  left: number;
  right: number;
}

const cache = new Map<string, Map<string, Glyph>>();

export function hersheyAvailable(): boolean {
  return HERSHEY_STYLES.every((s) => existsSync(path.join(HERSHEY_DIR, `${s}.jhf`)));
}

/**
 * Parses a .jhf file. Records are "nnnnn" (id, ignored) "ccc" (vertex count), then count pairs of
 * characters, each coordinate being its code minus 'R'; " R" lifts the pen. The first pair holds
 * the glyph's left and right bounds. Long records wrap across lines, so newlines are dropped first.
 */
export function parseJhf(text: string): Glyph[] {
  const s = text.replace(/\r?\n/g, '');
  const glyphs: Glyph[] = [];
  let i = 0;
  while (i + 8 <= s.length) {
    const count = Number(s.slice(i + 5, i + 8));
    if (!Number.isFinite(count) || count < 1) throw new Error(`bad Hershey record at ${i}`);
    const body = s.slice(i + 8, i + 8 + 2 * count);
    i += 8 + 2 * count;
    const c = (k: number) => body.charCodeAt(k) - 82; // 'R'
    const glyph: Glyph = { strokes: [], left: c(0), right: c(1), };
    let stroke: [number, number][] = [];
    for (let k = 2; k < body.length; k += 2) {
      if (body[k] === ' ' && body[k + 1] === 'R') {
        if (stroke.length) glyph.strokes.push(stroke);
        stroke = [];
      } else stroke.push([c(k), c(k + 1)]);
    }
    if (stroke.length) glyph.strokes.push(stroke);
    glyphs.push(glyph);
  }
  return glyphs;
}

/** The glyph of an ASCII character in a style (throws when the package is missing). */
export function hersheyGlyph(style: HersheyStyle, char: string): Glyph {
  let font = cache.get(style);
  if (!font) {
    const file = path.join(HERSHEY_DIR, `${style}.jhf`);
    if (!existsSync(file)) throw new Error(`${file} is missing: apt-get install hershey-fonts-data`);
    const glyphs = parseJhf(readFileSync(file, 'latin1'));
    font = new Map(glyphs.map((g, k) => [String.fromCharCode(32 + k), g]));
    cache.set(style, font);
  }
  const g = font.get(char);
  if (!g || !g.strokes.length) throw new Error(`no Hershey glyph for ${JSON.stringify(char)} in ${style}`);
  return g;
}
