/**
 * Strokes -> the model's 28x28 input, two ways that draw the same picture:
 *
 * - rasterizeStrokes (POST /api/recognize): sharp (librsvg), from an SVG that we build ourselves
 *   from validated numbers only (never user-supplied SVG). The path is already scaled into the
 *   20x20 box, so librsvg renders 784 pixels per digit, not a full-size canvas.
 * - BoardRasterizer (boards): common/render.ts, on the event loop. A board's result waits for
 *   nothing: a sharp call's answer comes back through the thread pool and is picked up only when
 *   the event loop polls again, which on a busy board was most of the time from pen-up to result
 *   (docs/benchmarks.md, Targets). Drawing one digit here costs ~0.04 ms, less than a sharp call's
 *   setup. Tests hold the two to the same pixels (within 0.01 on average) and the same answers.
 *
 * A sharp call costs ~0.5 ms of fixed overhead (libuv thread pool hop, pipeline setup) against
 * microseconds of drawing, so digits requested in the same turn of the event loop are drawn
 * side by side in one strip and cut apart: one call for many digits under load.
 */
import { TokenBucket } from 'limiter';
import sharp from 'sharp';
import { INPUT_SIZE } from '../../../common/model-contract.js';
import { inkSubpaths, svgPathData } from '../../../common/ink-path.js';
import { fitStrokes, renderCost, renderFitted } from '../../../common/render.js';
import { PEN_WIDTH, centerByMass, fitTransform, strokesBounds, type Stroke } from '../../../common/preprocess.js';

// libvips' operation cache (on by default: up to 50 MB, 100 operations) never hits here: every
// strip is a new SVG, every upload new bytes. Off for the whole process (sharp's settings are
// global; this module is imported at start): fewer megabytes held after a burst, no slower.
// sharp.concurrency is left alone: on glibc without jemalloc sharp already defaults it to 1.
sharp.cache(false);

/** Digits per strip: 64 x 28 px wide is still a tiny image. */
const MAX_STRIP = 64;

/** Renders path data (each in its own 28x28 cell) to grey levels in [0, 1], ink high. */
async function renderStrip(paths: string[]): Promise<Float32Array[]> {
  const width = INPUT_SIZE * paths.length;
  const body = paths
    .map((d, i) => `<path transform="translate(${i * INPUT_SIZE} 0)" d="${d}"/>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${INPUT_SIZE}">` +
    `<rect width="100%" height="100%" fill="#000"/>` +
    `<g fill="none" stroke="#fff" stroke-width="${PEN_WIDTH}" stroke-linecap="round" stroke-linejoin="round">${body}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg), { limitInputPixels: width * INPUT_SIZE })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== INPUT_SIZE || info.channels !== 1) {
    throw new Error(`unexpected raster ${info.width}x${info.height}x${info.channels}`);
  }
  return paths.map((_, i) => {
    const out = new Float32Array(INPUT_SIZE * INPUT_SIZE);
    for (let y = 0; y < INPUT_SIZE; y++) {
      const row = y * width + i * INPUT_SIZE;
      for (let x = 0; x < INPUT_SIZE; x++) out[y * INPUT_SIZE + x] = data[row + x] / 255;
    }
    return out;
  });
}

interface Pending {
  d: string;
  resolve: (image: Float32Array) => void;
  reject: (err: Error) => void;
}
let pending: Pending[] = [];

function flush(): void {
  const batch = pending;
  pending = [];
  for (let i = 0; i < batch.length; i += MAX_STRIP) {
    const part = batch.slice(i, i + MAX_STRIP);
    renderStrip(part.map((p) => p.d)).then(
      (images) => part.forEach((p, k) => p.resolve(images[k])),
      (err: Error) => part.forEach((p) => p.reject(err)),
    );
  }
}

function renderPath(d: string): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    if (pending.push({ d, resolve, reject }) === 1) setImmediate(flush);
  });
}

/**
 * MNIST-style input for one digit's strokes: fit into 20x20 keeping aspect ratio, render with a
 * pen width proportional to the box, centre by centre of mass. Null when there is no ink.
 */
export async function rasterizeStrokes(strokes: readonly Stroke[]): Promise<Float32Array | null> {
  const box = strokesBounds(strokes);
  if (!box) return null;
  const t = fitTransform(box);
  const image = await renderPath(svgPathData(inkSubpaths(strokes, t)));
  return centerByMass(image).image;
}

/**
 * Pixels common/render.ts may visit on the event loop per second, all boards together, and for one
 * digit. A visit costs ~11 ns, so the budget is at most ~55 ms of the loop a second, ~3 ms for one
 * digit. A digit as people write it costs ~2,300 visits (p99 6,300 over 300 varied drawings), so
 * 200 writers lifting their pens twice a second use ~1M a second. Ink made to be expensive (long
 * segments across the box, thousands of them) costs up to 784 a point, and a board draws a whole
 * digit again at every stroke added to it.
 */
const VISITS_PER_SECOND = 5_000_000;
const MAX_VISITS_PER_DIGIT = 250_000;

/**
 * A board's digits -> the model's input, drawn at once on the event loop (see the top of this
 * file). A digit over the per-digit cost, or past the second's budget, goes to sharp on the thread
 * pool instead: the same picture, a later answer, and the event loop stays free for everyone else.
 */
export class BoardRasterizer {
  readonly stats = { now: 0, bySharp: 0 };
  private readonly budget: TokenBucket;

  constructor(
    visitsPerSecond = VISITS_PER_SECOND,
    private readonly maxVisitsPerDigit = MAX_VISITS_PER_DIGIT,
  ) {
    this.budget = new TokenBucket({ bucketSize: visitsPerSecond, tokensPerInterval: visitsPerSecond, interval: 'second' });
    this.budget.content = visitsPerSecond;
  }

  /** Null when there is no ink; a promise when the digit went to sharp. */
  readonly rasterize = (strokes: readonly Stroke[]): Float32Array | null | Promise<Float32Array | null> => {
    const fitted = fitStrokes(strokes);
    if (!fitted) return null;
    const cost = renderCost(fitted);
    if (cost > this.maxVisitsPerDigit || !this.budget.tryRemoveTokens(cost)) {
      this.stats.bySharp++;
      return rasterizeStrokes(strokes);
    }
    this.stats.now++;
    return centerByMass(renderFitted(fitted)).image;
  };
}
