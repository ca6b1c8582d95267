/**
 * The ready-made inputs the upload fuzz cases mutate: photos of digits in each accepted format,
 * an MNIST-like image, other formats, ink JSON and decompression bombs.
 */
import sharp from 'sharp';
import { digitStrokes } from '../../test-support/digit-strokes.js';
import { photo } from '../test/fixtures/photos.js';
import { deflateZeros, png, pngBomb } from './hostile-files.js';

export const MiB = 1 << 20;

/** The ready-made inputs the generators mutate. */
export interface Assets {
  png: Buffer;
  jpeg: Buffer;
  webp: Buffer;
  mnist: Buffer;
  gif: Buffer;
  tiff: Buffer;
  json: Buffer;
  bombs: Record<string, Buffer>;
}

let cached: Promise<Assets> | null = null;
/** Made once per run (the bombs take a few seconds of deflating). */
export const assets = () => (cached ??= makeAssets());

async function makeAssets(): Promise<Assets> {
  const mnist = await sharp({ create: { width: 28, height: 28, channels: 3, background: '#000' } })
    .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><path d="M9 6h10L12 23" stroke="#fff" stroke-width="3" fill="none"/></svg>') }])
    .greyscale()
    .png()
    .toBuffer();
  const small = sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } });
  return {
    png: await photo('42', { format: 'png', width: 400, height: 280 }),
    jpeg: await photo('2026', { noise: 4, width: 500, height: 350 }),
    webp: await photo('7', { format: 'webp', width: 300, height: 300 }),
    mnist,
    gif: await small.clone().gif().toBuffer(),
    tiff: await small.clone().tiff().toBuffer(),
    json: Buffer.from(JSON.stringify({ strokes: digitStrokes(3), width: 300, height: 300 })),
    bombs: {
      // Under the 40 Mpx limit, so decoded for real: 36 MB of grey, 288 MB of 16-bit RGBA.
      'grey 6000x6000': await pngBomb({ width: 6000, height: 6000 }),
      'rgba16 6000x6000 interlaced': await pngBomb({ width: 6000, height: 6000, bitDepth: 16, colorType: 6, interlace: true }),
      'rgba16 6000x6000': await pngBomb({ width: 6000, height: 6000, bitDepth: 16, colorType: 6 }),
      // Over the limit: refused from the header.
      'grey 20000x20000': await pngBomb({ width: 20_000, height: 20_000 }),
      // Lies: declares 64 x 64, inflates to 200 MB.
      'idat overflow': png({ width: 64, height: 64 }, await deflateZeros(200 * MiB)),
    },
  };
}
