/**
 * Ink as a picture to upload: the strokes drawn as round-capped paths on white paper (as a
 * screenshot or a scan of the board shows them), cropped to the ink with a margin, and rendered
 * to PNG by sharp (librsvg) from an SVG we write from numbers only.
 */
import sharp from 'sharp';
import { inkBox, type Ink } from './ink.js';

export interface Picture {
  /** Pixels per board unit. */
  scale: number;
  /** The pen's width in board units (the web client draws 14). */
  penWidth: number;
  /** Paper margin around the ink, in board units. */
  margin: number;
  color: string;
}

export function inkSvg(ink: Ink, p: Picture): { svg: string; width: number; height: number } {
  const b = inkBox(ink);
  const x0 = b.minX - p.margin, y0 = b.minY - p.margin;
  const width = Math.max(1, Math.round((b.maxX - b.minX + 2 * p.margin) * p.scale));
  const height = Math.max(1, Math.round((b.maxY - b.minY + 2 * p.margin) * p.scale));
  const f = (v: number) => v.toFixed(1);
  const paths = ink.map((s) => {
    // A tap is a single point: a zero-length segment, which a round cap draws as a dot.
    const pts = s.length === 1 ? [s[0], s[0]] : s;
    return `<path d="M${pts.map(([x, y]) => `${f((x - x0) * p.scale)} ${f((y - y0) * p.scale)}`).join('L')}"/>`;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<g fill="none" stroke="${p.color}" stroke-width="${f(p.penWidth * p.scale)}" stroke-linecap="round" stroke-linejoin="round">${paths.join('')}</g></svg>`;
  return { svg, width, height };
}

export async function inkPng(ink: Ink, p: Picture): Promise<Buffer> {
  return sharp(Buffer.from(inkSvg(ink, p).svg)).flatten({ background: '#fff' }).png().toBuffer();
}
