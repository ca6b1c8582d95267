/** Digit and letter sets typeset with the machine's fonts, through sharp (librsvg + fontconfig). */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { NOT_A_DIGIT } from '../../common/model-contract.js';
import { fitImage } from '../../common/preprocess.js';
import { esc } from '../../test-support/svg-doc.js';
import { EXCLUDED_LETTERS } from './font-letters.js';
import { pickIndices, type RobustnessSet } from './robustness-set.js';

export interface FontFace {
  family: string;
  /** fontconfig's style name, e.g. "Bold Italic". */
  style: string;
  /** CSS weight 100-900. */
  weight: number;
  fontStyle: 'normal' | 'italic' | 'oblique';
  /** CSS font-stretch. */
  stretch: string;
}

export const faceLabel = (f: FontFace) => `${f.family} ${f.style}`;

/**
 * Families left out: symbol and dingbat fonts (no digits; the TeX ones of fonts-lyx put math
 * symbols where letters and digits would be), and outline-only (hollow) handwriting that no pen
 * produces.
 */
export const EXCLUDED_FAMILIES = [
  'Standard Symbols PS', 'D050000L', 'femkeklaver',
  'cmex10', 'cmsy10', 'msam10', 'msbm10', 'esint10', 'stmary10', 'wasy10', 'rsfs10',
];

/** Letters to typeset as non-digits: A-Z and a-z without those that look like digits (EXCLUDED_LETTERS). */
export const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !EXCLUDED_LETTERS.includes(c));

/** fontconfig weight -> CSS weight. */
function cssWeight(fc: number): number {
  const table: [number, number][] = [[0, 100], [40, 200], [50, 300], [55, 350], [75, 400], [80, 400], [100, 500], [180, 600], [200, 700], [205, 800], [210, 900]];
  let best = table[0];
  for (const t of table) if (Math.abs(t[0] - fc) < Math.abs(best[0] - fc)) best = t;
  return best[1];
}

function cssStretch(width: number): string {
  if (width <= 56) return 'extra-condensed';
  if (width <= 80) return 'condensed';
  if (width <= 93) return 'semi-condensed';
  if (width <= 106) return 'normal';
  return 'expanded';
}

/** The scalable faces fontconfig knows, minus EXCLUDED_FAMILIES, sorted. Empty without fc-list. */
export async function listFontFaces(): Promise<FontFace[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('fc-list', ['--format', '%{family[0]}\t%{style[0]}\t%{weight}\t%{slant}\t%{width}\n', ':scalable=true']));
  } catch {
    return [];
  }
  const num = (s: string) => Number(/-?\d+(\.\d+)?/.exec(s)?.[0] ?? NaN);
  const seen = new Set<string>();
  const faces: FontFace[] = [];
  for (const line of stdout.split('\n')) {
    const [family, style, weight, slant, width] = line.split('\t');
    if (!family || EXCLUDED_FAMILIES.includes(family)) continue;
    const face: FontFace = {
      family,
      style: style || 'Regular',
      weight: cssWeight(num(weight) || 80),
      fontStyle: num(slant) >= 110 ? 'oblique' : num(slant) >= 100 ? 'italic' : 'normal',
      stretch: cssStretch(num(width) || 100),
    };
    const key = faceLabel(face);
    if (!seen.has(key)) {
      seen.add(key);
      faces.push(face);
    }
  }
  return faces.sort((a, b) => faceLabel(a).localeCompare(faceLabel(b)));
}


/**
 * Typesets `chars` in one face, one per cell of a single SVG row (white on black), and returns
 * each cell's raw pixels (size cell x cell) plus a hash of the whole row.
 */
export async function renderGlyphRow(face: FontFace, chars: readonly string[], fontSize = 64): Promise<{ cells: Float32Array[]; cell: number; hash: string }> {
  const cell = Math.round(fontSize * 2.5);
  const W = cell * chars.length;
  const texts = chars
    .map((ch, i) => `<text x="${i * cell + cell / 2}" y="${Math.round(cell * 0.62)}">${esc(ch)}</text>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${cell}"><rect width="100%" height="100%" fill="#000"/>` +
    `<g fill="#fff" text-anchor="middle" font-size="${fontSize}" font-family="${esc(face.family)}" font-weight="${face.weight}" ` +
    `font-style="${face.fontStyle}" font-stretch="${face.stretch}">${texts}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  if (info.width !== W || info.height !== cell) throw new Error(`glyph row rendered ${info.width}x${info.height}`);
  const cells = chars.map((_, i) => {
    const out = new Float32Array(cell * cell);
    for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) out[y * cell + x] = data[y * W + i * cell + x] / 255;
    return out;
  });
  return { cells, cell, hash: createHash('sha1').update(data).digest('hex') };
}

/**
 * Glyphs of every face for `chars`, fitted with fitImage. Faces whose rendering of `chars` is
 * pixel-identical to an earlier face's (fontconfig's fallback for a face librsvg could not
 * select, or families sharing glyphs) are dropped, so each counted face looks different.
 */
export async function fontGlyphs(faces: readonly FontFace[], chars: readonly string[]): Promise<{ face: FontFace; glyphs: Float32Array[] }[]> {
  const seen = new Set<string>();
  const out: { face: FontFace; glyphs: Float32Array[] }[] = [];
  for (const face of faces) {
    const { cells, cell, hash } = await renderGlyphRow(face, chars);
    if (seen.has(hash)) continue;
    seen.add(hash);
    out.push({ face, glyphs: cells.map((c) => fitImage(c, cell, cell)) });
  }
  return out;
}

/** Digits 0-9 in every distinct installed face. */
export async function fontDigits(faces: readonly FontFace[]): Promise<RobustnessSet> {
  const digits = [...'0123456789'];
  const rendered = await fontGlyphs(faces, digits);
  return {
    id: 'fonts',
    name: 'Font digits',
    kind: 'digits',
    source: `digits 0-9 typeset by sharp (librsvg) in ${rendered.length} distinct installed font faces (regular, bold, italic, condensed, light... and handwriting-style families), then fitImage`,
    images: rendered.flatMap((r) => r.glyphs),
    labels: rendered.flatMap(() => digits.map(Number)),
    tags: rendered.flatMap((r) => digits.map(() => faceLabel(r.face))),
  };
}

/**
 * Letters (without EXCLUDED_LETTERS) in every distinct face given; a seeded sample of `count` of
 * them. `facesNote` says how the faces were chosen, for the set's description.
 */
export async function fontLetters(faces: readonly FontFace[], count: number, seed: string, facesNote = ''): Promise<RobustnessSet> {
  const rendered = await fontGlyphs(faces, LETTERS);
  const all = rendered.flatMap((r) => r.glyphs.map((g, i) => ({ image: g, tag: LETTERS[i] })));
  const pick = pickIndices(all.length, count, `${seed}:letters`).sort((a, b) => a - b);
  return {
    id: 'letters',
    name: 'Letters (fonts)',
    kind: 'non-digits',
    source: `${LETTERS.length} letters (A-Z, a-z without ${[...EXCLUDED_LETTERS].join(' ')}) in ${rendered.length} distinct font faces${facesNote}, a seeded sample of ${Math.min(count, all.length)}, fitImage`,
    images: pick.map((i) => all[i].image),
    labels: pick.map(() => NOT_A_DIGIT),
    tags: pick.map((i) => all[i].tag),
  };
}
