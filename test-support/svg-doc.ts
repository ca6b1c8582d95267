/**
 * The SVG primitives of our charts (a document, text, colours, escaping), rendered to PNG by
 * sharp (librsvg). The SVG is generated here: only numbers and escaped labels go in. Shared by
 * the model card's charts (training/src/charts.ts) and the soak benchmark's chart.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const FONT = `font-family="DejaVu Sans, Liberation Sans, sans-serif"`;
export const COLORS = { blue: '#2f6db5', orange: '#e08a1e', green: '#3a9a4a', red: '#c8423b', grey: '#9a9a9a', ink: '#222', light: '#e6e6e6' };

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function svgDoc(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#fff"/>${body}</svg>`
  );
}

export function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; color?: string; weight?: string; rotate?: number } = {}): string {
  const { size = 13, anchor = 'start', color = COLORS.ink, weight = 'normal', rotate } = opts;
  const tr = rotate ? ` transform="rotate(${rotate} ${x} ${y})"` : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} font-size="${size}" font-weight="${weight}" fill="${color}" text-anchor="${anchor}"${tr}>${esc(s)}</text>`;
}

export async function writePng(svg: string, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(file);
}
