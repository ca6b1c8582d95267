import { expect, test, type Download, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { drawStrokes, failOnPageErrors, groupLabels, openBoard, type Path } from './board.js';

/** One stroke, as a 7 is usually written: the top bar left to right, then the diagonal down to the left. */
const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];

failOnPageErrors(test);

/** Downloads one format from the board's menu; the file's name and its bytes. */
async function download(page: Page, format: 'json' | 'csv' | 'svg' | 'png'): Promise<{ name: string; body: Buffer }> {
  const details = page.getByTestId('downloads');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  const [file]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${format}`).click()]);
  return { name: file.suggestedFilename(), body: await readFile((await file.path())!) };
}

test('@export the board menu downloads its number as JSON, CSV, SVG and PNG, as the board shows it', async ({ page }) => {
  await openBoard(page);
  const room = new URL(page.url()).pathname.split('/').pop()!;
  await drawStrokes(page, [SEVEN]);
  await expect(groupLabels(page)).toHaveText(['7'], { timeout: 10_000 });
  const me = (await page.getByTestId('participants').locator('li[data-you] .name').textContent())!.trim();

  const json = await download(page, 'json');
  expect(json.name).toBe(`board-${room}.json`);
  const board = JSON.parse(json.body.toString('utf8'));
  expect(board).toMatchObject({ room, width: 1600, height: 1000 });
  expect(board.numbers).toHaveLength(1);
  const [seven] = board.numbers;
  expect(seven).toMatchObject({ text: '7', recognizedText: '7', correctedText: null, value: 7, writer: me, writers: [me] });
  expect(seven.strokeIds).toHaveLength(1);
  expect(seven.confidence).toBeGreaterThan(0);
  expect(seven.alternatives[0]).toEqual({ text: '7', confidence: seven.confidence });
  expect(Date.now() - Date.parse(seven.time)).toBeLessThan(10 * 60_000);
  // The box is where the 7 was drawn: in the middle third of the board, across, and in the upper part of its height.
  const { x, y, width, height } = seven.box;
  expect(x).toBeGreaterThan(400);
  expect(x + width).toBeLessThan(1200);
  expect(y).toBeGreaterThan(100);
  expect(y + height).toBeLessThan(900);

  const csv = await download(page, 'csv');
  expect(csv.name).toBe(`board-${room}.csv`);
  const lines = csv.body.toString('utf8').split('\r\n');
  expect(lines[0]).toBe('text,value,confidence,alternatives,x,y,width,height,writer,strokeIds,time,kind,expression,error');
  const alternatives = `"${JSON.stringify(seven.alternatives).replaceAll('"', '""')}"`;
  expect(lines[1]).toBe(['7', 7, seven.confidence, alternatives, x, y, width, height, me, seven.strokeIds[0], seven.time, 'number', '', ''].join(','));
  expect(lines.slice(2)).toEqual(['']);

  const svg = await download(page, 'svg');
  expect(svg.name).toBe(`board-${room}.svg`);
  const text = svg.body.toString('utf8');
  expect([...text.matchAll(/<path data-stroke="([^"]+)"/g)].map((m) => m[1])).toEqual(seven.strokeIds);
  expect(text).toMatch(/<text data-number="[^"]+"[^>]*>7<\/text>/);

  const png = await download(page, 'png');
  expect(png.name).toBe(`board-${room}.png`);
  expect([...png.body.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(await sharp(png.body).metadata()).toMatchObject({ width: 1600, height: 1000 });
  // Not blank: the 7's box holds ink (pixels far from white).
  const { data } = await sharp(png.body)
    .extract({ left: Math.floor(x), top: Math.floor(y), width: Math.ceil(width), height: Math.ceil(height) })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect(data.filter((v) => v < 160).length).toBeGreaterThan(100);
});
