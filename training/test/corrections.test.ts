/** Corrections exported from the history, read back as training examples (training/src/corrections.ts). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { renderStrokes } from '../../common/render.js';
import { examplesOf, imageInput, loadCorrections, parseCorrections } from '../src/corrections.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const one = [[[20, 10, 0], [20, 90, 80]]];
const seven = [[[100, 10, 0], [150, 10, 50], [120, 90, 130]]];

/** A w x h PNG, a dark block on a light ground (or the reverse). */
function block(w: number, h: number, dark = true): Promise<Buffer> {
  const px = Buffer.alloc(w * h, dark ? 255 : 0);
  for (let y = Math.floor(h / 4); y < Math.floor((3 * h) / 4); y++) for (let x = Math.floor(w / 3); x < Math.floor((2 * w) / 3); x++) px[y * w + x] = dark ? 20 : 230;
  return sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
}

describe('corrections as training data', () => {
  it('parses the export, naming the first bad line', () => {
    const ink = { label: '7', strokes: seven, width: 300, height: 200 };
    expect(parseCorrections(`${JSON.stringify(ink)}\n\n${JSON.stringify({ label: '3', image: 'iVBOR' })}\n`)).toHaveLength(2);
    expect(() => parseCorrections(`${JSON.stringify(ink)}\n{`)).toThrow(/line 2: not JSON/);
    expect(() => parseCorrections(JSON.stringify({ ...ink, label: '7a' }))).toThrow(/line 1/);
    expect(() => parseCorrections(JSON.stringify({ label: '7' }))).toThrow(/line 1/);
  });

  it('draws ink one example per digit, as boards draw it, when its groups match the label', async () => {
    const single = await examplesOf({ label: '7', strokes: seven, width: 300, height: 200 });
    expect(single.map((e) => e.label)).toEqual([7]);
    expect(single[0].image).toEqual(renderStrokes(seven));
    const number = await examplesOf({ label: '17', strokes: [...one, ...seven], width: 300, height: 200 });
    expect(number.map((e) => e.label)).toEqual([1, 7]);
    expect(number[0].image).toEqual(renderStrokes(one));
    // One group for two digits (or two for one): the digits cannot be told apart.
    expect(await examplesOf({ label: '17', strokes: seven, width: 300, height: 200 })).toEqual([]);
    expect(await examplesOf({ label: '1', strokes: [...one, ...seven], width: 300, height: 200 })).toEqual([]);
  });

  it('reads an upload thumbnail with its ink high whatever its ground; single digits only', async () => {
    for (const dark of [true, false]) {
      const image = await imageInput(await block(60, 40, dark));
      expect(image).not.toBeNull();
      expect(image!.length).toBe(784);
      expect(image![14 * 28 + 14]).toBeGreaterThan(0.5); // the block, centred
      expect(image![0]).toBe(0);
    }
    const png = (await block(60, 40)).toString('base64');
    expect((await examplesOf({ label: '3', image: png })).map((e) => e.label)).toEqual([3]);
    expect(await examplesOf({ label: '12', image: png })).toEqual([]);
    expect(await examplesOf({ label: '3', image: 'bm90IGEgcG5n' })).toEqual([]); // not a PNG
    const blank = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(await examplesOf({ label: '3', image: blank.toString('base64') })).toEqual([]);
  });

  it('loads a file: examples and labels side by side, and how many records gave none', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'corrections-'));
    dirs.push(dir);
    const file = path.join(dir, 'c.jsonl');
    const lines = [
      { label: '17', strokes: [...one, ...seven], width: 300, height: 200 },
      { label: '0', image: (await block(30, 30)).toString('base64') },
      { label: '55', image: (await block(30, 30)).toString('base64') },
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { images, labels, skipped } = await loadCorrections(file);
    expect(labels).toEqual([1, 7, 0]);
    expect(images).toHaveLength(3);
    expect(images.every((i) => i instanceof Float32Array && i.length === 784)).toBe(true);
    expect(skipped).toBe(1);
  });
});
