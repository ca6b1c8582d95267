/**
 * Users' corrections as extra training data: the JSON Lines file that
 * `GET /api/recognitions/corrections` exports, one record per line, either ink
 * `{"label": "17", "strokes": [[[x, y, t], ...], ...], "width", "height"}` or an upload's thumbnail
 * `{"label": "7", "image": "<base64 PNG>"}`. Each record becomes one example per digit, drawn as
 * boards and uploads are drawn for the model, or none when its digits cannot be told apart:
 * ink whose digit groups (common/segment.ts) do not number as many as the label's digits, an
 * image whose label has more than one digit, a blank one.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fitImage } from '../../common/preprocess.js';
import { StrokeSchema } from '../../common/recognition.js';
import { renderStrokes } from '../../common/render.js';
import { segmentStrokes } from '../../common/segment.js';

const Label = Type.String({ pattern: '^[0-9]{1,40}$' });
const CorrectionRecordSchema = Type.Union([
  Type.Object({ label: Label, strokes: Type.Array(StrokeSchema, { minItems: 1 }), width: Type.Number(), height: Type.Number() }),
  Type.Object({ label: Label, image: Type.String({ minLength: 1 }) }),
]);
export type CorrectionRecord = Static<typeof CorrectionRecordSchema>;
const check = TypeCompiler.Compile(CorrectionRecordSchema);

/** Parses and validates a corrections file; throws naming the first bad line. Blank lines are skipped. */
export function parseCorrections(text: string): CorrectionRecord[] {
  const records: CorrectionRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`corrections line ${i + 1}: not JSON`);
    }
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      throw new Error(`corrections line ${i + 1}: ${first ? `${first.path || '/'} ${first.message}` : 'not a correction record'}`);
    }
    records.push(value);
  });
  return records;
}

/** A thumbnail as the model's 28x28 input: grey, ink high (dark ink on a light ground is inverted), fitted. */
export async function imageInput(png: Buffer): Promise<Float32Array | null> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const pixels = new Float32Array(w * h);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * info.channels] / 255;
  // The border is mostly background: a light one means dark ink, which the model wants high.
  let border = 0;
  for (let x = 0; x < w; x++) border += pixels[x] + pixels[(h - 1) * w + x];
  for (let y = 0; y < h; y++) border += pixels[y * w] + pixels[y * w + w - 1];
  if (border / (2 * (w + h)) > 0.5) for (let i = 0; i < pixels.length; i++) pixels[i] = 1 - pixels[i];
  const image = fitImage(pixels, w, h);
  return image.some((v) => v > 0) ? image : null;
}

/** One record's examples, one per digit of its label; [] when its digits cannot be told apart. */
export async function examplesOf(record: CorrectionRecord): Promise<{ image: Float32Array; label: number }[]> {
  const digits = [...record.label].map(Number);
  if ('strokes' in record) {
    const groups = segmentStrokes(record.strokes);
    if (groups.length !== digits.length) return [];
    return groups.map((g, i) => ({ image: renderStrokes(g.strokes), label: digits[i] }));
  }
  if (digits.length !== 1) return [];
  const image = await imageInput(Buffer.from(record.image, 'base64')).catch(() => null);
  return image ? [{ image, label: digits[0] }] : [];
}

/** A corrections file's training examples, and how many records gave none. */
export async function loadCorrections(file: string): Promise<{ images: Float32Array[]; labels: number[]; skipped: number }> {
  const images: Float32Array[] = [];
  const labels: number[] = [];
  let skipped = 0;
  for (const record of parseCorrections(await readFile(file, 'utf8'))) {
    const examples = await examplesOf(record);
    if (examples.length === 0) skipped++;
    for (const e of examples) {
      images.push(e.image);
      labels.push(e.label);
    }
  }
  return { images, labels, skipped };
}
