import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failOnPageErrors, inkPng, openBoard } from './board.js';

failOnPageErrors(test);
let dir = '';

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digitboard-e2e-'));
});

test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PNG of a 7 in a thick black pen on white, drawn by the browser; its path on disk. */
const sevenPng = (page: Page) => inkPng(page, join(dir, 'seven.png'), 200, 200, [[[60, 45], [140, 45], [90, 160]]]);

test('@pages @upload an uploaded image of a 7 reads 7, with a box over it', async ({ page }) => {
  await openBoard(page);
  await page.getByTestId('open-upload').click();
  await expect(page).toHaveURL(/#upload$/);
  await expect(page.getByTestId('board')).toBeHidden();

  const png = await sevenPng(page);
  await page.getByTestId('upload-input').setInputFiles(png);
  await expect(page.getByTestId('upload-result-text')).toHaveText('7', { timeout: 10_000 });
  const boxes = page.getByTestId('upload-box');
  await expect(boxes).toHaveCount(1);
  await expect(boxes.first()).toContainText(/7 · \d+%/);
  await expect(page.getByTestId('upload-error')).toHaveCount(0);

  // The box sits over the ink: its middle is inside the image.
  const image = await page.locator('upload-page img').boundingBox();
  const box = await boxes.first().boundingBox();
  expect(image && box).toBeTruthy();
  const middle = { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
  expect(middle.x).toBeGreaterThan(image!.x);
  expect(middle.x).toBeLessThan(image!.x + image!.width);
  expect(middle.y).toBeGreaterThan(image!.y);
  expect(middle.y).toBeLessThan(image!.y + image!.height);

  // Dropped on the zone, the same image reads the same.
  const dropped = await page.evaluateHandle((base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    return transfer;
  }, (await readFile(png)).toString('base64'));
  await page.locator('upload-page .zone').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.locator('upload-page figcaption')).toHaveText('dropped.png');
  await expect(page.getByTestId('upload-result-text')).toHaveText('7', { timeout: 10_000 });

  // And pasted.
  const pasted = await page.evaluateHandle((base64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
    return new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true });
  }, (await readFile(png)).toString('base64'));
  await page.evaluate((event) => document.dispatchEvent(event), pasted);
  await expect(page.locator('upload-page figcaption')).toHaveText('pasted.png');
  await expect(page.getByTestId('upload-result-text')).toHaveText('7', { timeout: 10_000 });

  // Back to the board.
  await page.getByTestId('close-upload').click();
  await expect(page.getByTestId('board')).toBeVisible();
});

test('@pages a text file named .png shows the server\'s error', async ({ page }) => {
  await page.goto('/#upload');
  const file = join(dir, 'notes.png');
  await writeFile(file, 'these are not the pixels you are looking for\n');
  await page.getByTestId('upload-input').setInputFiles(file);
  const error = page.getByTestId('upload-error');
  await expect(error).toBeVisible({ timeout: 10_000 });
  await expect(error).toContainText(/notes\.png: \S+/);
  await expect(page.getByTestId('upload-result-text')).toHaveCount(0);
  await expect(page.getByTestId('upload-box')).toHaveCount(0);
});

test('@pages the model page describes the model and links its download', async ({ page }) => {
  await openBoard(page);
  await page.getByTestId('open-model').click();
  await expect(page).toHaveURL(/#model$/);
  await expect(page.getByTestId('model-accuracy')).toHaveText(/^\d{2}(\.\d+)?%$/);
  const manifest = (await (await page.request.get('/api/model')).json()) as { metrics: { mnistTestAccuracy: number } };
  await expect(page.getByTestId('model-accuracy')).toContainText(String(Math.round(manifest.metrics.mnistTestAccuracy * 1000) / 10));
  await expect(page.getByTestId('download-onnx')).toHaveAttribute('href', '/api/model.onnx');
  await expect(page.getByTestId('python-snippet')).toContainText('onnxruntime');
  const download = await page.request.get('/api/model.onnx');
  expect(download.ok()).toBe(true);
});

test('@pages switching to हिन्दी translates the header, and the choice is remembered', async ({ page }) => {
  await openBoard(page);
  await expect(page.getByTestId('new-board')).toHaveText('New board');
  await page.getByTestId('language').selectOption('hi');
  await expect(page.getByTestId('new-board')).toHaveText('नया बोर्ड');
  await expect(page.getByTestId('open-upload')).toHaveText('अपलोड');
  await expect(page.getByTestId('pen')).toHaveText('पेन');
  await expect(page.getByTestId('login')).toHaveText('लॉग इन');
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');

  await page.reload();
  await expect(page.getByTestId('new-board')).toHaveText('नया बोर्ड');
  await expect(page.getByTestId('language')).toHaveValue('hi');

  await page.getByTestId('language').selectOption('en');
  await expect(page.getByTestId('new-board')).toHaveText('New board');
});

test.describe('a browser that prefers Tamil', () => {
  test.use({ locale: 'ta-IN' });

  test('@pages opens in Tamil', async ({ page }) => {
    await openBoard(page);
    await expect(page.getByTestId('new-board')).toHaveText('புதிய பலகை');
    await expect(page.getByTestId('language')).toHaveValue('ta');
  });
});
