/**
 * The image path's steps without the model: format sniffing, decoding at working size and its
 * memory budget, and the pixel steps (components, polarity, ruled lines, marks) on tiny
 * hand-made bitmaps. Reading whole images with the model is in image.test.ts.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageError, sniffImageFormat } from '../../src/recognition/image.js';
import { workSize } from '../../src/recognition/image-decode.js';
import { labelComponents } from '../../src/recognition/components.js';
import { normalizeInk, type InkImage } from '../../src/recognition/ink-image.js';
import { keepMarks, overlapGroups } from '../../src/recognition/marks.js';
import { removeRuledLines } from '../../src/recognition/ruled-lines.js';
import { candidateInput } from '../../src/recognition/candidate-input.js';
import { inkWidth } from '../../../common/preprocess.js';

/** A bitmap from rows of '#' (ink) and '.' (background). */
function bitmap(rows: string[]): { mask: Uint8Array; w: number; h: number } {
  const w = rows[0].length, h = rows.length;
  const mask = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((ch, x) => (mask[y * w + x] = ch === '#' ? 1 : 0)));
  return { mask, w, h };
}

function unsupported(bytes: Uint8Array): string {
  try {
    sniffImageFormat(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).code).toBe('unsupported_image');
    return (err as Error).message;
  }
  throw new Error('accepted');
}
describe('sniffImageFormat', () => {
  it('accepts PNG, JPEG and WebP by their magic bytes', async () => {
    const img = sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } });
    expect(sniffImageFormat(await img.clone().png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await img.clone().webp().toBuffer())).toBe('webp');
  });

  it('refuses everything else, naming what people commonly send', async () => {
    expect(unsupported(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatch(/SVG/);
    expect(unsupported(Buffer.from('\uFEFF<?xml version="1.0"?>\n<svg/>'))).toMatch(/SVG/);
    expect(unsupported(Buffer.from('GIF89a\x01\x00\x01\x00'))).toMatch(/GIF/);
    expect(unsupported(Buffer.from('II*\x00\x08\x00\x00\x00'))).toMatch(/TIFF/);
    expect(unsupported(Buffer.from('%PDF-1.7\n'))).toMatch(/PDF/);
    expect(unsupported(Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00'))).toMatch(/HEIC/);
    expect(unsupported(Buffer.from('hello, world'))).toMatch(/not an image/);
    expect(unsupported(Buffer.alloc(0))).toMatch(/empty/);
  });

  it('refuses SVG behind an image signature (libvips would pick its SVG loader)', () => {
    const riff = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 <svg xmlns="http://www.w3.org/2000/svg"/>', 'latin1');
    expect(unsupported(riff)).toMatch(/SVG/);
  });
});

describe('pixel steps', () => {
  it('sizes the working image at most 1000 px on the longer side, never enlarged, and lets libjpeg shrink large JPEGs on load', () => {
    expect(workSize(4000, 3000)).toEqual({ width: 1000, height: 750 });
    expect(workSize(28, 28)).toEqual({ width: 28, height: 28 });
    expect(workSize(600, 400)).toEqual({ width: 600, height: 400 });
    // A shrink of 4-5 would make sharp decode at 1/2: 1/5 lets libjpeg decode at 1/4.
    expect(workSize(4000, 3000, 'jpeg')).toEqual({ width: 800, height: 600 });
    expect(workSize(4032, 3024, 'jpeg')).toEqual({ width: 806, height: 604 });
    expect(workSize(3000, 2000, 'jpeg')).toEqual({ width: 1000, height: 667 });
  });

  it('labels 8-connected components with their boxes and border contact', () => {
    const { mask, w, h } = bitmap([
      '##......',
      '..#...##',
      '...#..##',
      '........',
      '#.......',
    ]);
    const { labels, components } = labelComponents(mask, w, h);
    expect(components).toHaveLength(3);
    expect(labels[0]).toBe(labels[2 * w + 3]); // the diagonal joins (0,0) to (3,2)
    const boxes = components.map((c) => [c.minX, c.minY, c.maxX, c.maxY, c.area]);
    expect(boxes).toContainEqual([0, 0, 3, 2, 4]);
    expect(boxes).toContainEqual([6, 1, 7, 2, 4]);
    expect(components.find((c) => c.minY === 4)!.contact).toEqual([0, 0, 1, 1]);
  });

  it('finds the polarity: dark ink on light paper, light chalk on a dark board', () => {
    const draw = (bg: number, ink: number): InkImage => {
      const w = 200, h = 200;
      const data = new Uint8Array(w * h).fill(bg);
      for (let y = 50; y < 150; y++) for (let x = 95; x < 103; x++) data[y * w + x] = ink;
      return normalizeInk({ data, width: w, height: h });
    };
    const paper = draw(230, 30), board = draw(40, 220);
    expect(paper.polarity).toBe('dark-on-light');
    expect(board.polarity).toBe('light-on-dark');
    for (const img of [paper, board]) {
      expect(img.ink[100 * 200 + 99]).toBeGreaterThan(0.8);
      expect(img.ink[100 * 200 + 20]).toBeLessThan(0.05);
    }
  });

  it('takes the paper of a sliver of a cell at the edge from its own pixels (a board 601 px high)', () => {
    const w = 800, h = 601;
    const data = new Uint8Array(w * h).fill(40);
    for (let y = 200; y < 400; y++) for (let x = 396; x < 404; x++) data[y * w + x] = 220;
    const board = normalizeInk({ data, width: w, height: h });
    expect(board.polarity).toBe('light-on-dark');
    expect(board.ink[300 * w + 400]).toBeGreaterThan(0.8);
    for (const x of [0, 400, 799]) expect(board.ink[(h - 1) * w + x]).toBeLessThan(0.05);
  });

  it('removes a ruled line but keeps the stroke that crosses it and ink darker than the line', () => {
    const w = 400, h = 100;
    const mask = new Uint8Array(w * h);
    const ink = new Float32Array(w * h);
    const set = (x: number, y: number, v: number) => {
      mask[y * w + x] = 1;
      ink[y * w + x] = Math.max(ink[y * w + x], v);
    };
    for (let x = 0; x < w; x++) for (let y = 60; y < 62; y++) set(x, y, 0.3); // the rule, faint
    for (let y = 10; y < 90; y++) for (let x = 100; x < 106; x++) set(x, y, 0.9); // a "1" crossing it
    for (let x = 200; x < 260; x++) for (let y = 60; y < 62; y++) set(x, y, 0.9); // a bar drawn right on the rule
    removeRuledLines(mask, { ink, width: w, height: h, polarity: 'dark-on-light', noise: 0.01 });
    expect(mask[61 * w + 20]).toBe(0);
    expect(mask[61 * w + 380]).toBe(0);
    expect(mask[61 * w + 103]).toBe(1);
    expect(mask[30 * w + 103]).toBe(1);
    expect(mask[60 * w + 230]).toBe(1);
  });

  it('removes a vertical margin line and a dashed rule, and finds nothing to remove on blank paper with a digit', () => {
    const w = 400, h = 300;
    const mask = new Uint8Array(w * h);
    const ink = new Float32Array(w * h);
    const set = (x: number, y: number, v: number) => {
      mask[y * w + x] = 1;
      ink[y * w + x] = v;
    };
    for (let y = 0; y < h; y++) for (let x = 30; x < 32; x++) set(x, y, 0.3); // the margin line
    for (let x = 0; x < w; x++) if (x % 20 < 14) for (let y = 200; y < 202; y++) set(x, y, 0.3); // a dashed rule (gaps of 6 px)
    for (let y = 50; y < 150; y++) for (let x = 200; x < 206; x++) set(x, y, 0.9); // a "1"
    const image: InkImage = { ink, width: w, height: h, polarity: 'dark-on-light', noise: 0.01 };
    expect(removeRuledLines(mask, image)).toBeGreaterThan(0);
    expect(mask[100 * w + 30]).toBe(0);
    expect(mask[201 * w + 5]).toBe(0);
    expect(mask[201 * w + 365]).toBe(0);
    expect(mask[100 * w + 203]).toBe(1);
    // The "1" alone: its thin pixels (its ends) span nothing like a line.
    const digit = new Uint8Array(w * h);
    for (let y = 50; y < 150; y++) for (let x = 200; x < 206; x++) digit[y * w + x] = 1;
    expect(removeRuledLines(digit, image)).toBe(0);
  });

  it('keeps the marks left to right without specks, and groups overlapping pieces for the line height', () => {
    const { mask, w, h } = bitmap([
      '............................',
      '.######.......#.............',
      '.#...........##......######.',
      '.#............#...........#.',
      '.#............#..........#..',
      '..............#..........#..',
      '.#####........#.........#...',
      '......#.......#.........#...',
      '......#...#...#........#....',
      '......#.......#........#....',
      '.#####.......###......#.....',
      '............................',
    ]);
    const { components } = labelComponents(mask, w, h);
    const kept = keepMarks(components, w, h);
    // The speck at (10, 8) is gone; the 5's bar and body stay two marks (the reading may merge them).
    expect(kept.marks.map((c) => [c.minX, c.maxX])).toEqual([
      [1, 6],
      [1, 6],
      [13, 15],
      [21, 26],
    ]);
    expect(overlapGroups(kept.marks).map((g) => [g.minX, g.maxX, g.members.length])).toEqual([
      [1, 6, 2],
      [13, 15, 1],
      [21, 26, 1],
    ]);
    expect(kept.lineHeight).toBe(10);
    expect(kept.digitLike).toBe(3);
  });
});

describe('candidateInput', () => {
  /** A ring (a 0) 80 px tall and 60 wide, its stroke about `pen` px wide, as solid ink on a 120 x 120 image. */
  const ring = (pen: number): InkImage => {
    const w = 120, ink = new Float32Array(w * w);
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        const r = Math.hypot((x - 60) / 30, (y - 60) / 40);
        ink[y * w + x] = r <= 1 && r > 1 - pen / 30 ? 1 : 0;
      }
    }
    return { ink, width: w, height: w, polarity: 'dark-on-light', noise: 0 };
  };
  const input = (image: InkImage) => candidateInput(image, (i) => image.ink[i] > 0, { minX: 30, minY: 20, maxX: 90, maxY: 100 }, 0.5);

  it("thins a marker's strokes to about MNIST's width, so the 0 keeps its hole, and thickens a hairline", () => {
    const bold = input(ring(24));
    expect(inkWidth(bold)).toBeLessThan(4.5);
    // Still a whole ring: its hole, and ink above and below it down the middle column.
    const column = Array.from({ length: 28 }, (_, y) => bold[y * 28 + 14]);
    expect(column[14]).toBe(0);
    expect(Math.max(...column.slice(0, 10))).toBeGreaterThan(0.5);
    expect(Math.max(...column.slice(18))).toBeGreaterThan(0.5);
    expect(inkWidth(input(ring(2)))).toBeGreaterThan(1.5);
  });
});

describe('decode memory budget', () => {
  it('refuses a small PNG whose full decode would be huge (16-bit RGBA, 6000 x 6000), before decoding it', async () => {
    const { png } = await import('../../fuzz/hostile-files.js');
    const { decodeImage, ImageError } = await import('../../src/recognition/image-decode.js');
    const zlib = await import('node:zlib');
    const bomb = png({ width: 6000, height: 6000, bitDepth: 16, colorType: 6, interlace: true }, zlib.deflateSync(Buffer.alloc(1000)));
    const before = process.memoryUsage().rss;
    const err = await decodeImage(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as InstanceType<typeof ImageError>).code).toBe('image_too_large');
    expect((err as Error).message).toMatch(/MB to decode/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });
});

describe('decoding at working size', () => {
  it('decodes a one-channel grey PNG larger than the working size to one channel (sharp writes sRGB after a resize)', async () => {
    const { decodeImage } = await import('../../src/recognition/image-decode.js');
    const side = 2400;
    const grey = Buffer.alloc(side * side, 230);
    for (let y = 1000; y < 1400; y++) grey.fill(20, y * side + 1150, y * side + 1250);
    const png = await sharp(grey, { raw: { width: side, height: side, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(png).metadata()).channels).toBe(1);
    const decoded = await decodeImage(png);
    const work = workSize(side, side, 'png');
    expect(work.width).toBeLessThan(side);
    expect({ width: decoded.width, height: decoded.height }).toEqual(work);
    expect(decoded.data.length).toBe(work.width * work.height);
    // The dark bar is still there, at the same place relative to the image.
    const at = (x: number, y: number) => decoded.data[Math.round(y * work.height) * work.width + Math.round(x * work.width)];
    expect(at(1200 / side, 1200 / side)).toBeLessThan(100);
    expect(at(0.1, 0.1)).toBeGreaterThan(200);
  });
});

describe('small PNGs, decoded in JavaScript', () => {
  // A 40 x 30 picture: a dark bar on light paper, with a gradient so that every channel matters.
  const W = 40, H = 30;
  const picture = (channels: number, depth: 8 | 16) => {
    const max = depth === 16 ? 65535 : 255;
    const data = depth === 16 ? new Uint16Array(W * H * channels) : new Uint8Array(W * H * channels);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const ink = x >= 15 && x < 22 && y >= 5 && y < 25;
        for (let c = 0; c < channels; c++) {
          const alpha = channels % 2 === 0 && c === channels - 1;
          data[(y * W + x) * channels + c] = alpha ? (ink ? max : Math.round((max * x) / W)) : Math.round(max * (ink ? 0.1 + 0.02 * c : 0.9 - (0.3 * y) / H - 0.05 * c));
        }
      }
    }
    return { width: W, height: H, data, channels, depth };
  };

  for (const [channels, depth] of [[1, 8], [2, 8], [3, 8], [4, 8], [1, 16], [3, 16], [4, 16]] as const) {
    it(`reads ${channels}-channel ${depth}-bit pixels as sharp does`, async () => {
      const { encode } = await import('fast-png');
      const { decodeImage } = await import('../../src/recognition/image-decode.js');
      const small = Buffer.from(encode(picture(channels, depth)));
      // The same pixels with a text chunk that makes the file too large for the JavaScript path.
      const large = Buffer.from(encode({ ...picture(channels, depth), text: { Comment: 'x'.repeat(20_000) } }));
      const [fast, viaSharp] = await Promise.all([decodeImage(small), decodeImage(large)]);
      expect(fast).toMatchObject({ width: W, height: H, inputWidth: W, inputHeight: H, format: 'png' });
      const diff = Math.max(...Array.from(fast.data, (v, i) => Math.abs(v - viaSharp.data[i])));
      expect(diff).toBeLessThanOrEqual(1);
    });
  }

  it('leaves a palette PNG to sharp, which reads it as its RGB twin', async () => {
    const { decodeImage } = await import('../../src/recognition/image-decode.js');
    const rgb = Buffer.from(picture(3, 8).data);
    const twin = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    const paletted = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png({ palette: true, colours: 256, dither: 0 }).toBuffer();
    expect(paletted.includes(Buffer.from('PLTE'))).toBe(true);
    const [a, b] = await Promise.all([decodeImage(twin), decodeImage(paletted)]);
    expect(Math.max(...Array.from(a.data, (v, i) => Math.abs(v - b.data[i])))).toBeLessThanOrEqual(3);
  });

  it('refuses a small PNG with a damaged or missing end as corrupt', async () => {
    const { encode } = await import('fast-png');
    const { decodeImage, ImageError } = await import('../../src/recognition/image-decode.js');
    const png = Buffer.from(encode(picture(3, 8)));
    const idat = png.indexOf('IDAT');
    const damaged = Buffer.from(png);
    damaged[idat + 10] ^= 0xff;
    for (const bad of [damaged, png.subarray(0, idat + 20)]) {
      const err = await decodeImage(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageError);
      expect((err as InstanceType<typeof ImageError>).code).toBe('corrupt_image');
    }
  });
});
