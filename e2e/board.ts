import { expect, type test, type Locator, type Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { digitStrokes } from '../test-support/digit-strokes.js';

/** A path in fractions of the square it is drawn in (see Area): [0, 0] is its top left corner, [1, 1] its bottom right. */
export type Path = ReadonlyArray<readonly [number, number]>;

export const board = (page: Page): Locator => page.getByTestId('board');
export const groupLabels = (page: Page): Locator => page.getByTestId('group-label');
/** The values on the board: expressions' after their "=", sums under their rule (data-kind says which). */
export const mathValues = (page: Page): Locator => page.getByTestId('math-value');

/** Opens a new board and waits until the WebSocket session is up (the URL is then the board's). */
export async function openBoard(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page).toHaveURL(/\/r\/[\w-]{22}$/);
}

/** Opens an existing board by its URL (/r/<id>) and waits until the session is up. */
export async function openRoom(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
}

/**
 * Where on the board a path is drawn: a square whose side is `size` times the board's height,
 * its top left corner at (`left` x width, `top` x height). The default is a square as tall as
 * the board in its middle, so that shapes keep their proportions whatever the board's aspect ratio.
 */
export interface Area {
  left: number;
  top: number;
  size: number;
}

/** Where a point of a path drawn in `area` lands on the page (CSS pixels), for a board at `box`. */
function pointOnPage(box: { x: number; y: number; width: number; height: number }, area: Area | undefined): (point: readonly [number, number]) => readonly [number, number] {
  const side = (area?.size ?? 1) * box.height;
  const left = box.x + (area ? area.left * box.width : (box.width - side) / 2);
  const top = box.y + (area ? area.top * box.height : 0);
  return ([fx, fy]) => [left + fx * side, top + fy * side] as const;
}

/** Where a point of a path drawn in `area` is on the page, in CSS pixels (to compare with labels' bounding boxes). */
export async function onPage(page: Page, point: readonly [number, number], area?: Area): Promise<readonly [number, number]> {
  const box = await board(page).boundingBox();
  if (!box) throw new Error('the board is not visible');
  return pointOnPage(box, area)(point);
}

/**
 * Draws each path as one stroke with the mouse: down, `steps` moves per segment, up. Paths with
 * many points (digitPaths) need fewer steps: each move costs a round trip to the browser.
 */
export async function drawStrokes(page: Page, paths: readonly Path[], area?: Area, steps = 8): Promise<void> {
  const box = await board(page).boundingBox();
  if (!box) throw new Error('the board is not visible');
  const at = pointOnPage(box, area);
  for (const path of paths) {
    const [first, ...rest] = path;
    if (!first) continue;
    await page.mouse.move(...at(first));
    await page.mouse.down();
    for (const point of rest) await page.mouse.move(...at(point), { steps });
    await page.mouse.up();
  }
}

/** This page's ink colour, as the participant list gives it. */
export async function ownColor(page: Page): Promise<string> {
  const color = await page.getByTestId('participants').locator('li[data-you]').getAttribute('data-color');
  if (!color) throw new Error('no participant marked as you');
  return color;
}

/** How many of the board's pixels are painted in `color` (#rrggbb), anti-aliased edges aside. */
export async function pixelsOfColor(page: Page, color: string): Promise<number> {
  return board(page).evaluate((canvas, hex) => {
    const c = canvas as HTMLCanvasElement;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 255 && Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8 && Math.abs(data[i + 2] - b) < 8) count++;
    }
    return count;
  }, color);
}

/** An ellipse as a closed path, starting at the top and going counter-clockwise like most people write a 0. */
export function ellipse(cx: number, cy: number, rx: number, ry: number, segments = 24): Path {
  return Array.from({ length: segments + 1 }, (_, i) => {
    const angle = -Math.PI / 2 - (i / segments) * Math.PI * 2;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as const;
  });
}

/**
 * Records, in the page, when the pointer goes up and when each recognition arrives (the app's
 * `recognition` event, dispatched as the result is rendered), on the page's own clock.
 */
export async function installLatencyProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { ups: [] as number[], results: [] as { t: number; text: string }[] };
    (window as unknown as { __probe: typeof probe }).__probe = probe;
    window.addEventListener('pointerup', () => probe.ups.push(performance.now()), true);
    window.addEventListener('recognition', (event) => {
      probe.results.push({ t: performance.now(), text: (event as CustomEvent<{ text: string }>).detail.text });
    });
  });
}

/** Milliseconds from the last pen-up to the first non-empty recognition after it. */
export async function lastPenUpToResultMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __probe: { ups: number[]; results: { t: number; text: string }[] } }).__probe;
    const up = probe.ups[probe.ups.length - 1];
    const result = probe.results.find((r) => up !== undefined && r.t >= up && r.text !== '');
    if (up === undefined || !result) throw new Error('no pen-up followed by a result');
    return result.t - up;
  });
}

/**
 * Saves a screenshot for the README as docs/img/screenshot-<name>.png, only when SCREENSHOTS=1
 * (`SCREENSHOTS=1 npx playwright test`), so that ordinary runs and CI leave the files alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env['SCREENSHOTS'] !== '1') return;
  await page.screenshot({ path: `docs/img/screenshot-${name}.png` });
}

/** A "1" on the left and a "7" on the right of the board, in board fractions. */
export const ONE_LEFT: Path = [
  [0.22, 0.25],
  [0.22, 0.75],
];
export const SEVEN_RIGHT: Path = [
  [0.45, 0.25],
  [0.8, 0.25],
  [0.6, 0.75],
];

/**
 * A digit as a person writes it (test-support/digit-strokes.ts, the templates the recognizer's
 * tests use), `height` tall with its top left corner at (x, y), in the fractions of a Path; about
 * a dozen points per stroke, which is plenty for the mouse to draw.
 */
export function digitPaths(digit: number, x: number, y: number, height: number): Path[] {
  // digitStrokes rounds points to a tenth of a unit: place the template large, then scale it down.
  const unit = 1_000;
  return digitStrokes(digit, { x: 0, y: 0, size: unit, slant: 0 }).map((stroke) => {
    const every = Math.max(1, Math.floor(stroke.length / 12));
    const kept = stroke.filter((_, i) => i % every === 0 || i === stroke.length - 1);
    return kept.map(([px, py]) => [x + (px / unit) * height, y + (py / unit) * height] as const);
  });
}

/** A number written left to right, each digit `height` tall and 0.85 of it further right than the last (as numberStrokes does). */
export function numberPaths(text: string, x: number, y: number, height: number): Path[] {
  return [...text].flatMap((ch, i) => digitPaths(Number(ch), x + i * 0.85 * height, y, height));
}

/** Fails each test of the file that let an uncaught error escape in the page. */
export function failOnPageErrors(t: typeof test): void {
  let errors: string[] = [];
  t.beforeEach(({ page }) => {
    errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
  });
  t.afterEach(() => {
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });
}

/**
 * A PNG of ink drawn by the browser (thick black round pen on white, one polyline per path in
 * pixel coordinates), written to `file`; returns the path.
 */
export async function inkPng(page: Page, file: string, width: number, height: number, paths: number[][][]): Promise<string> {
  const dataUrl = await page.evaluate(
    ({ width, height, paths }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.strokeStyle = '#000000';
      ctx.lineWidth = 14;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.beginPath();
      for (const path of paths) path.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.stroke();
      return canvas.toDataURL('image/png');
    },
    { width, height, paths },
  );
  await writeFile(file, Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  return file;
}

/** Most of the board's height, from its left edge: room for a line of symbols or a column and its sum. */
export const MATH_AREA: Area = { left: 0.05, top: 0.05, size: 0.9 };
/** Symbols of an expression in MATH_AREA, this tall, on a line whose top is at EXPRESSION_LINE. */
const GLYPH = 0.22;
const EXPRESSION_LINE = 0.3;
/** The height of the middle of that line, and where the "=" of `7 x 6 =` ends (fractions of MATH_AREA). */
export const EXPRESSION_MIDDLE = EXPRESSION_LINE + GLYPH / 2;
export const EQUALS_END = 0.72;

/** `7 x 6 =` in MATH_AREA: the digits as written (the recognizer's templates), x as two crossing diagonals, = as two short bars. */
export const SEVEN_TIMES_SIX = {
  seven: digitPaths(7, 0.02, EXPRESSION_LINE, GLYPH),
  times: [
    [[0.22, EXPRESSION_MIDDLE - 0.05], [0.32, EXPRESSION_MIDDLE + 0.05]],
    [[0.32, EXPRESSION_MIDDLE - 0.05], [0.22, EXPRESSION_MIDDLE + 0.05]],
  ] as Path[],
  six: digitPaths(6, 0.4, EXPRESSION_LINE, GLYPH),
  equals: [
    [[0.6, EXPRESSION_MIDDLE - 0.03], [EQUALS_END, EXPRESSION_MIDDLE - 0.03]],
    [[0.6, EXPRESSION_MIDDLE + 0.03], [EQUALS_END, EXPRESSION_MIDDLE + 0.03]],
  ] as Path[],
};

/**
 * Draws paths in MATH_AREA, one stroke each: the digits' paths have points enough of their own and
 * take 2 mouse moves per segment (each move is a round trip to the browser); straight bars the usual 8.
 */
export async function writeInMathArea(page: Page, paths: readonly Path[]): Promise<void> {
  for (const path of paths) await drawStrokes(page, [path], MATH_AREA, path.length > 3 ? 2 : 8);
}
