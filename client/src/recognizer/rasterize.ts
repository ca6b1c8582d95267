/**
 * Strokes -> the model's 28x28 input, drawn by the browser's canvas. The twin of the server's
 * server/src/recognition/rasterize.ts (librsvg): the same fit, the same path (coordinates rounded
 * to 0.01 px, common/ink-path.ts), the same pen, the same centring by mass.
 *
 * librsvg (cairo) gives each pixel its exact area coverage; Chromium's Skia anti-aliases a path
 * this thin less exactly (edge pixels up to 0.28 apart on our fixtures). Drawing at 4x and
 * averaging each 4x4 block comes within 0.06 of librsvg for about 0.1 ms more.
 */
import { INPUT_SIZE } from '../../../common/model-contract.js';
import { inkSubpaths, traceSubpaths } from '../../../common/ink-path.js';
import { PEN_WIDTH, centerByMass, fitTransform, strokesBounds, type Stroke } from '../../../common/preprocess.js';

type Context = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** Drawn at SUPERSAMPLE x the input size, then box-filtered down (see above). */
const SUPERSAMPLE = 4;
const SIZE = INPUT_SIZE * SUPERSAMPLE;

let context: Context | undefined;

/** One canvas for every digit, kept on the CPU: a GPU-backed canvas would make each read-back slow. */
function getContext(): Context {
  if (context) return context;
  const options: CanvasRenderingContext2DSettings = { willReadFrequently: true, alpha: false };
  let created: Context | null;
  if (typeof OffscreenCanvas === 'function') {
    created = new OffscreenCanvas(SIZE, SIZE).getContext('2d', options);
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = SIZE;
    created = canvas.getContext('2d', options);
  }
  if (!created) throw new Error('this browser cannot draw on a canvas');
  context = created;
  return context;
}

/**
 * MNIST-style input for one digit's strokes: fitted into 20x20 keeping aspect ratio, drawn white on
 * black with round caps and joins, read back as red / 255 (averaged per pixel), centred by centre of mass.
 * Null when there is no ink.
 */
export function rasterizeStrokes(strokes: readonly Stroke[]): Float32Array | null {
  const box = strokesBounds(strokes);
  if (!box) return null;
  const subpaths = inkSubpaths(strokes, fitTransform(box));
  const ctx = getContext();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIZE, SIZE);
  // Path coordinates stay in 28x28 units, exactly as the server's.
  ctx.setTransform(SUPERSAMPLE, 0, 0, SUPERSAMPLE, 0, 0);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = PEN_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  // One path for all strokes, as the server's SVG has one <path>: where strokes cross, the ink
  // is not painted twice.
  ctx.beginPath();
  traceSubpaths(ctx, subpaths);
  ctx.stroke();
  const { data } = ctx.getImageData(0, 0, SIZE, SIZE);
  const image = new Float32Array(INPUT_SIZE * INPUT_SIZE);
  // Sum the red channel of each block, then scale to [0, 1].
  for (let y = 0; y < SIZE; y++) {
    const row = ((y / SUPERSAMPLE) | 0) * INPUT_SIZE;
    for (let x = 0; x < SIZE; x++) image[row + ((x / SUPERSAMPLE) | 0)] += data[(y * SIZE + x) * 4];
  }
  const norm = 1 / (255 * SUPERSAMPLE * SUPERSAMPLE);
  for (let i = 0; i < image.length; i++) image[i] *= norm;
  return centerByMass(image).image;
}
