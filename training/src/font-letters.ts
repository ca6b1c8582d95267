/**
 * Glyphs typeset in the fonts training may use: letters as "not a digit" negatives, and digits as
 * extra positives (printed forms MNIST's writers seldom use: the 1 with a flag and a base, the 6
 * whose top curls over, the open 4). The faces of the Debian packages fonts-dejavu-core,
 * fonts-liberation and fonts-liberation2 only. Every other
 * installed font (FreeFont, URW base35, Hershey...) is kept for measuring, so the model card's
 * letter set can be typeset in faces the model never saw.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { INPUT_SIZE } from '../../common/model-contract.js';
import { fitImage } from '../../common/preprocess.js';

/** Letters that look like digits (O/o 0, I/l 1, S/s 5, Z/z 2, B 8, g/q 9): never negatives. */
export const EXCLUDED_LETTERS = 'OoIlSsZzBgq';

/**
 * Letters typeset in the training fonts but not trained on as not-a-digit, beyond
 * EXCLUDED_LETTERS: b is a handwritten 6 with a tall stem, and i and j shrunk to 28x28 are a 1
 * whose dot touches or nearly touches the stem; teaching the model to reject them rejected such
 * 6s and 1s.
 */
export const DIGIT_LIKE_IN_TRAINING = 'bij';

/** Letters trained as not-a-digit: A-Z and a-z without EXCLUDED_LETTERS and DIGIT_LIKE_IN_TRAINING. */
export const TRAINING_LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !EXCLUDED_LETTERS.includes(c) && !DIGIT_LIKE_IN_TRAINING.includes(c));

/**
 * The font files training may read, by path. fonts-dejavu-extra installs into the same folder as
 * fonts-dejavu-core, so DejaVu is matched file by file (core holds only these six); Liberation 1
 * and 2 each have a folder of their own.
 */
const TRAINING_FONT_FILE = /\/(dejavu\/DejaVu(Sans|SansMono|Serif)(-Bold)?|liberation2?\/Liberation(Sans|SansNarrow|Serif|Mono)-[A-Za-z]+)\.ttf$/;
export const isTrainingFontFile = (file: string) => TRAINING_FONT_FILE.test(file);

/**
 * True for a face of the families training reads (DejaVu, Liberation), including their cousins
 * training does not read (DejaVu's condensed and light faces): measurement sets leave them all out.
 */
export const isTrainingFamily = (family: string) => /^(DejaVu|Liberation)\b/.test(family);

export interface TrainingFace {
  family: string;
  weight: number;
  italic: boolean;
}

/** The installed faces of the training font packages (deduplicated: Liberation 1 and 2 share names); empty without fc-list. */
export async function trainingFontFaces(): Promise<TrainingFace[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('fc-list', ['--format', '%{file}\t%{family[0]}\t%{weight}\t%{slant}\n', ':scalable=true']));
  } catch {
    return [];
  }
  const faces = new Map<string, TrainingFace>();
  for (const line of stdout.split('\n')) {
    const [file, family, weight, slant] = line.split('\t');
    if (!file || !isTrainingFontFile(file)) continue;
    // fontconfig weight 200 is bold, 80 regular; slant 100 italic, 110 oblique.
    const face = { family, weight: Number(weight) >= 150 ? 700 : 400, italic: Number(slant) >= 100 };
    faces.set(`${face.family}|${face.weight}|${face.italic}`, face);
  }
  return [...faces.values()].sort((a, b) => `${a.family}${a.weight}${a.italic}`.localeCompare(`${b.family}${b.weight}${b.italic}`));
}

const FONT_SIZE = 64;
const CELL = 160;
/**
 * Outline widths (px at FONT_SIZE) added around the glyphs: the face as designed and heavier.
 * Much heavier outlines close a letter's counters into blobs that read as thick 0s and 1s.
 */
export const OUTLINES = [0, 3];

/**
 * Every glyph of `chars` in `face` at each outline width, fitted to the model's 28x28 input with
 * fitImage (as an uploaded picture of it would be): outline by outline, in the order of `chars`.
 */
async function faceGlyphs(face: TrainingFace, chars: readonly string[]): Promise<Float32Array[]> {
  const W = CELL * chars.length;
  const out: Float32Array[] = [];
  for (const outline of OUTLINES) {
    const texts = chars.map((ch, i) => `<text x="${i * CELL + CELL / 2}" y="${Math.round(CELL * 0.62)}">${ch}</text>`).join('');
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${CELL}"><rect width="100%" height="100%" fill="#000"/>` +
      `<g fill="#fff" stroke="#fff" stroke-width="${outline}" stroke-linejoin="round" text-anchor="middle" font-size="${FONT_SIZE}" ` +
      `font-family="${face.family}" font-weight="${face.weight}" font-style="${face.italic ? 'italic' : 'normal'}">${texts}</g></svg>`;
    const { data } = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    chars.forEach((_, i) => {
      const cell = new Float32Array(CELL * CELL);
      for (let y = 0; y < CELL; y++) for (let x = 0; x < CELL; x++) cell[y * CELL + x] = data[y * W + i * CELL + x] / 255;
      out.push(fitImage(cell, CELL, CELL));
    });
  }
  return out;
}

/**
 * All training letter glyphs (faces x letters x outline widths), 28x28 each. Empty when none of
 * the training font packages is installed: training then goes on without font letters.
 */
export async function loadFontLetters(): Promise<Float32Array[]> {
  const glyphs: Float32Array[] = [];
  for (const face of await trainingFontFaces()) glyphs.push(...(await faceGlyphs(face, TRAINING_LETTERS)));
  return glyphs.filter((g) => g.length === INPUT_SIZE * INPUT_SIZE && g.some((v) => v > 0));
}

const DIGITS = [...'0123456789'];

/**
 * The digits 0-9 of every training face at each outline width, 28x28 each, with their labels.
 * Empty when none of the training font packages is installed.
 */
export async function loadFontDigits(): Promise<{ images: Float32Array[]; labels: number[] }> {
  const images: Float32Array[] = [];
  const labels: number[] = [];
  for (const face of await trainingFontFaces()) {
    (await faceGlyphs(face, DIGITS)).forEach((image, i) => {
      if (!image.some((v) => v > 0)) return;
      images.push(image);
      labels.push(i % DIGITS.length);
    });
  }
  return { images, labels };
}
