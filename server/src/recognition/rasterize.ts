/**
 * Strokes -> the model's 28x28 input, rendered by sharp (librsvg) from an SVG that we build
 * ourselves from validated numbers only (never user-supplied SVG). The path is already scaled
 * into the 20x20 box, so librsvg renders 784 pixels, not a full-size canvas.
 */
import sharp from 'sharp';
import { INPUT_SIZE } from '../../../common/model-contract.js';
import { PEN_WIDTH, centerByMass, fitTransform, strokesBounds, type Stroke } from '../../../common/preprocess.js';

/** SVG path data of strokes mapped by scale + offset; one subpath per stroke. */
function pathData(strokes: readonly Stroke[], scale: number, ox: number, oy: number): string {
  let d = '';
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const x = (stroke[i][0] * scale + ox).toFixed(2);
      const y = (stroke[i][1] * scale + oy).toFixed(2);
      d += `${i === 0 ? 'M' : 'L'}${x} ${y}`;
    }
    // A single point: a zero-length segment, which round caps draw as a dot.
    if (stroke.length === 1) d += `L${(stroke[0][0] * scale + ox).toFixed(2)} ${(stroke[0][1] * scale + oy).toFixed(2)}`;
  }
  return d;
}

/** Renders a 28x28 SVG of path data to grey levels in [0, 1], ink high. */
async function renderPath(d: string): Promise<Float32Array> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${INPUT_SIZE}" height="${INPUT_SIZE}">` +
    `<rect width="100%" height="100%" fill="#000"/>` +
    `<path d="${d}" fill="none" stroke="#fff" stroke-width="${PEN_WIDTH}" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { limitInputPixels: INPUT_SIZE * INPUT_SIZE })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== INPUT_SIZE || info.height !== INPUT_SIZE || info.channels !== 1) {
    throw new Error(`unexpected raster ${info.width}x${info.height}x${info.channels}`);
  }
  const out = new Float32Array(INPUT_SIZE * INPUT_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  return out;
}

/**
 * MNIST-style input for one digit's strokes: fit into 20x20 keeping aspect ratio, render with a
 * pen width proportional to the box, centre by centre of mass. Null when there is no ink.
 */
export async function rasterizeStrokes(strokes: readonly Stroke[]): Promise<Float32Array | null> {
  const box = strokesBounds(strokes);
  if (!box) return null;
  const t = fitTransform(box);
  const image = await renderPath(pathData(strokes, t.scale, t.offsetX, t.offsetY));
  return centerByMass(image).image;
}
