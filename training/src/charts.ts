/**
 * Charts for the model card, drawn as SVG strings that we generate ourselves (only numbers and
 * escaped labels go in) and rendered to PNG by sharp (librsvg).
 */
import sharp from 'sharp';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { COLORS, svgDoc, text } from '../../test-support/svg-doc.js';
import type { ReliabilityBin } from './calibration.js';

/** A 28x28 model input as a PNG data URI, ink dark on white, upscaled `scale` times (nearest). */
export async function tileUri(image: ArrayLike<number>, scale = 3): Promise<string> {
  const px = Buffer.alloc(INPUT_SIZE * INPUT_SIZE);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(255 * (1 - Math.min(1, Math.max(0, image[i]))));
  const png = await sharp(px, { raw: { width: INPUT_SIZE, height: INPUT_SIZE, channels: 1 } })
    .resize(INPUT_SIZE * scale, INPUT_SIZE * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export function imageTag(x: number, y: number, size: number, uri: string): string {
  return `<image x="${x}" y="${y}" width="${size}" height="${size}" xlink:href="${uri}"/><rect x="${x}" y="${y}" width="${size}" height="${size}" fill="none" stroke="#bbb"/>`;
}

const niceTicks = (lo: number, hi: number, n = 5): number[] => {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
};

export interface Series {
  name: string;
  values: number[];
  color: string;
  dashed?: boolean;
}

/** A line chart panel (w x h at x0, y0) of series over x. */
export function lineChart(o: {
  x0: number; y0: number; w: number; h: number;
  title: string; x: number[]; series: Series[];
  xLabel: string; yLabel?: string; yMin?: number; yMax?: number; yFormat?: (v: number) => string;
}): string {
  const L = 60, R = 12, T = 30, B = 44 + 17 * Math.ceil(o.series.length / 2);
  const pw = o.w - L - R, ph = o.h - T - B;
  const all = o.series.flatMap((s) => s.values).filter(Number.isFinite);
  let yMin = o.yMin ?? Math.min(...all), yMax = o.yMax ?? Math.max(...all);
  if (yMax - yMin < 1e-9) { yMin -= 0.5; yMax += 0.5; }
  const xMin = Math.min(...o.x), xMax = Math.max(...o.x);
  const sx = (v: number) => o.x0 + L + (xMax > xMin ? ((v - xMin) / (xMax - xMin)) * pw : pw / 2);
  const sy = (v: number) => o.y0 + T + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const fmt = o.yFormat ?? ((v: number) => String(v));
  let s = text(o.x0 + L + pw / 2, o.y0 + 18, o.title, { anchor: 'middle', size: 15, weight: 'bold' });
  for (const t of niceTicks(yMin, yMax)) {
    s += `<line x1="${o.x0 + L}" x2="${o.x0 + L + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="${COLORS.light}"/>`;
    s += text(o.x0 + L - 6, sy(t) + 4, fmt(t), { anchor: 'end', size: 11 });
  }
  for (const t of o.x) s += text(sx(t), o.y0 + T + ph + 16, String(t), { anchor: 'middle', size: 11 });
  s += `<rect x="${o.x0 + L}" y="${o.y0 + T}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`;
  s += text(o.x0 + L + pw / 2, o.y0 + T + ph + 34, o.xLabel, { anchor: 'middle', size: 12 });
  if (o.yLabel) s += text(o.x0 + 14, o.y0 + T + ph / 2, o.yLabel, { anchor: 'middle', size: 12, rotate: -90 });
  o.series.forEach((ser, k) => {
    const pts = ser.values.map((v, i) => [sx(o.x[i]), sy(v)] as const).filter(([, y]) => Number.isFinite(y));
    s += `<polyline fill="none" stroke="${ser.color}" stroke-width="2.2"${ser.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
    for (const [x, y] of pts) s += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${ser.color}"/>`;
    // Legend under the plot, two entries per line.
    const lx = o.x0 + L + (k % 2) * (pw / 2), ly = o.y0 + T + ph + 54 + Math.floor(k / 2) * 17;
    s += `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${ser.color}" stroke-width="2.5"${ser.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    s += text(lx + 28, ly, ser.name, { size: 11 });
  });
  return s;
}

/** Confusion matrix heatmap: rows true digits, columns predicted classes; log colour scale. */
export function confusionHeatmap(confusion: number[][], colLabels: string[], title: string): string {
  const cell = 46, L = 70, T = 70, rows = confusion.length, cols = colLabels.length;
  const W = L + cols * cell + 30, H = T + rows * cell + 50;
  const maxOff = Math.max(1, ...confusion.flatMap((r, i) => r.filter((_, j) => j !== i)));
  let s = text(W / 2, 24, title, { anchor: 'middle', size: 16, weight: 'bold' });
  s += text(L + (cols * cell) / 2, 50, 'predicted class', { anchor: 'middle', size: 13 });
  s += text(20, T + (rows * cell) / 2, 'true digit', { anchor: 'middle', size: 13, rotate: -90 });
  for (let j = 0; j < cols; j++) s += text(L + j * cell + cell / 2, T - 6, colLabels[j], { anchor: 'middle', size: 12, weight: 'bold' });
  for (let i = 0; i < rows; i++) {
    s += text(L - 10, T + i * cell + cell / 2 + 5, String(i), { anchor: 'end', size: 12, weight: 'bold' });
    const total = confusion[i].reduce((a, b) => a + b, 0) || 1;
    for (let j = 0; j < cols; j++) {
      const v = confusion[i][j];
      let fill = '#fff', color = COLORS.ink;
      if (i === j) {
        const t = v / total;
        fill = `rgb(${Math.round(255 - 175 * t)},${Math.round(255 - 100 * t)},${Math.round(255 - 175 * t)})`;
        color = t > 0.5 ? '#fff' : COLORS.ink;
      } else if (v > 0) {
        const t = Math.log1p(v) / Math.log1p(maxOff);
        fill = `rgb(${Math.round(255 - 35 * t)},${Math.round(235 - 170 * t)},${Math.round(225 - 170 * t)})`;
        color = t > 0.7 ? '#fff' : COLORS.ink;
      }
      s += `<rect x="${L + j * cell}" y="${T + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"/>`;
      if (v > 0) s += text(L + j * cell + cell / 2, T + i * cell + cell / 2 + 4, String(v), { anchor: 'middle', size: v >= 1000 ? 11 : 12, color });
    }
  }
  s += text(L, H - 18, 'Diagonal: share of the row (green). Off-diagonal: count, log colour scale (red). NaD = not-a-digit.', { size: 11, color: '#555' });
  return svgDoc(W, H, s);
}

export interface Tile {
  uri: string;
  caption: string;
  caption2?: string;
  bad?: boolean;
}

/** A grid of image tiles with one or two caption lines under each. */
export function tileGrid(tiles: Tile[], cols: number, title: string, size = 84, note?: string): string {
  const gapX = 14, capH = 34, T = note ? 54 : 40;
  const cw = size + gapX, rh = size + capH + 8;
  const rows = Math.ceil(tiles.length / cols);
  const W = 20 + cols * cw, H = T + rows * rh + 10;
  let s = text(W / 2, 24, title, { anchor: 'middle', size: 16, weight: 'bold' });
  if (note) s += text(W / 2, 42, note, { anchor: 'middle', size: 11, color: '#555' });
  tiles.forEach((t, i) => {
    const x = 17 + (i % cols) * cw, y = T + Math.floor(i / cols) * rh;
    s += imageTag(x, y, size, t.uri);
    s += text(x + size / 2, y + size + 14, t.caption, { anchor: 'middle', size: 12, color: t.bad ? COLORS.red : COLORS.ink, weight: 'bold' });
    if (t.caption2) s += text(x + size / 2, y + size + 28, t.caption2, { anchor: 'middle', size: 10, color: '#555' });
  });
  return svgDoc(W, H, s);
}

/** Rows of example tiles, one row per set, with the set's name on the left. */
export function sampleStrips(rows: { name: string; detail: string; tiles: Tile[] }[], title: string, size = 56): string {
  const L = 250, capH = 16, gap = 12, T = 44;
  const perRow = Math.max(...rows.map((r) => r.tiles.length));
  const rh = size + capH + 14;
  const W = L + perRow * (size + gap) + 16, H = T + rows.length * rh + 24;
  let s = text(W / 2, 24, title, { anchor: 'middle', size: 16, weight: 'bold' });
  rows.forEach((r, k) => {
    const y = T + k * rh;
    s += text(12, y + size / 2, r.name, { size: 13, weight: 'bold' });
    s += text(12, y + size / 2 + 17, r.detail, { size: 11, color: '#555' });
    r.tiles.forEach((t, i) => {
      const x = L + i * (size + gap);
      s += imageTag(x, y, size, t.uri);
      s += text(x + size / 2, y + size + 13, t.caption, { anchor: 'middle', size: 10, color: t.bad ? COLORS.red : COLORS.green, weight: 'bold' });
    });
  });
  s += text(12, H - 10, 'Under each tile: the model\'s answer (green right, red wrong; NaD = not-a-digit). Tiles are the 28x28 model inputs.', { size: 11, color: '#555' });
  return svgDoc(W, H, s);
}

/** Stacked horizontal bars: each row's segments add up to 1. */
export function stackedBars(o: {
  x0: number; y0: number; w: number;
  title: string;
  rows: { label: string; segments: number[] }[];
  legend: { name: string; color: string }[];
  target?: { value: number; label: string };
}): { svg: string; height: number } {
  const L = 230, R = 70, T = 50, bh = 20, gap = 8;
  const pw = o.w - L - R;
  const height = T + o.rows.length * (bh + gap) + 40;
  let s = text(o.x0 + o.w / 2, o.y0 + 20, o.title, { anchor: 'middle', size: 15, weight: 'bold' });
  let lx = o.x0 + L;
  for (const l of o.legend) {
    s += `<rect x="${lx}" y="${o.y0 + 31}" width="12" height="12" fill="${l.color}"/>` + text(lx + 16, o.y0 + 42, l.name, { size: 11 });
    lx += 24 + l.name.length * 6.6;
  }
  o.rows.forEach((r, i) => {
    const y = o.y0 + T + i * (bh + gap);
    s += text(o.x0 + L - 8, y + bh / 2 + 4, r.label, { anchor: 'end', size: 12 });
    let x = o.x0 + L;
    r.segments.forEach((v, k) => {
      const w = Math.max(0, v) * pw;
      s += `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bh}" fill="${o.legend[k].color}"/>`;
      x += w;
    });
    s += text(o.x0 + L + pw + 6, y + bh / 2 + 4, `${(100 * r.segments[0]).toFixed(1)}%`, { size: 12, weight: 'bold' });
  });
  const bottom = o.y0 + T + o.rows.length * (bh + gap);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = o.x0 + L + t * pw;
    s += `<line x1="${x}" x2="${x}" y1="${o.y0 + T - 4}" y2="${bottom}" stroke="#fff" stroke-opacity="0.6"/>`;
    s += text(x, bottom + 14, `${t * 100}%`, { anchor: 'middle', size: 11 });
  }
  if (o.target) {
    const x = o.x0 + L + o.target.value * pw;
    s += `<line x1="${x}" x2="${x}" y1="${o.y0 + T - 6}" y2="${bottom + 2}" stroke="#000" stroke-width="1.5" stroke-dasharray="4 3"/>`;
    s += text(x, bottom + 28, o.target.label, { anchor: 'middle', size: 11 });
  }
  return { svg: s, height };
}

/** One reliability diagram panel: accuracy per confidence bin against the diagonal, counts below. */
export function reliabilityPanel(o: { x0: number; y0: number; w: number; h: number; title: string; bins: ReliabilityBin[]; ece: number }): string {
  const L = 56, R = 14, T = 34, B = 120;
  const pw = o.w - L - R, ph = o.h - T - B;
  const sx = (v: number) => o.x0 + L + v * pw;
  const sy = (v: number) => o.y0 + T + ph - v * ph;
  let s = text(o.x0 + L + pw / 2, o.y0 + 20, o.title, { anchor: 'middle', size: 14, weight: 'bold' });
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    s += `<line x1="${sx(0)}" x2="${sx(1)}" y1="${sy(t)}" y2="${sy(t)}" stroke="${COLORS.light}"/>`;
    s += text(sx(0) - 6, sy(t) + 4, t.toFixed(1), { anchor: 'end', size: 11 });
    s += text(sx(t), o.y0 + T + ph + 15, t.toFixed(1), { anchor: 'middle', size: 11 });
  }
  for (const b of o.bins) {
    if (!b.count) continue;
    const x = sx(b.lo) + 1, w = sx(b.hi) - sx(b.lo) - 2;
    s += `<rect x="${x}" y="${sy(b.accuracy)}" width="${w}" height="${sy(0) - sy(b.accuracy)}" fill="${COLORS.blue}" fill-opacity="0.85"/>`;
    const top = Math.max(b.accuracy, b.confidence), bot = Math.min(b.accuracy, b.confidence);
    s += `<rect x="${x}" y="${sy(top)}" width="${w}" height="${sy(bot) - sy(top)}" fill="${COLORS.red}" fill-opacity="0.45"/>`;
  }
  s += `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#444" stroke-dasharray="5 4"/>`;
  s += `<rect x="${sx(0)}" y="${sy(1)}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`;
  s += text(o.x0 + L + pw / 2, o.y0 + T + ph + 32, 'confidence (top-class probability)', { anchor: 'middle', size: 12 });
  s += text(o.x0 + 14, o.y0 + T + ph / 2, 'accuracy', { anchor: 'middle', size: 12, rotate: -90 });
  s += text(sx(0.04), sy(0.92), `ECE ${(100 * o.ece).toFixed(2)}%`, { size: 14, weight: 'bold' });
  s += `<rect x="${sx(0.04)}" y="${sy(0.86) - 10}" width="12" height="12" fill="${COLORS.blue}"/>` + text(sx(0.04) + 16, sy(0.86), 'accuracy in the bin', { size: 11 });
  s += `<rect x="${sx(0.04)}" y="${sy(0.80) - 10}" width="12" height="12" fill="${COLORS.red}" fill-opacity="0.45"/>` + text(sx(0.04) + 16, sy(0.80), 'gap to its mean confidence', { size: 11 });
  // Counts per bin on a log scale.
  const cy0 = o.y0 + T + ph + 44, ch = 50;
  const maxC = Math.max(1, ...o.bins.map((b) => b.count));
  for (const b of o.bins) {
    if (!b.count) continue;
    const hgt = (Math.log10(1 + b.count) / Math.log10(1 + maxC)) * ch;
    s += `<rect x="${sx(b.lo) + 1}" y="${cy0 + ch - hgt}" width="${sx(b.hi) - sx(b.lo) - 2}" height="${hgt}" fill="${COLORS.grey}"/>`;
    s += text(sx((b.lo + b.hi) / 2), cy0 + ch - hgt - 3, String(b.count), { anchor: 'middle', size: 8, color: '#444' });
  }
  s += text(o.x0 + L + pw / 2, cy0 + ch + 16, 'predictions per bin (log scale)', { anchor: 'middle', size: 11, color: '#555' });
  return s;
}
