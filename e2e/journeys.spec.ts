/**
 * Journeys the issue asks for by tag: @draw (a number on one page, undone and erased), @touch
 * (a finger stroke on a phone draws and does not scroll the page) and @upload (an image of a
 * number with two digits).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { board, drawStrokes, failOnPageErrors, groupLabels, inkPng, ONE_LEFT, openBoard, screenshot, SEVEN_RIGHT } from './board.js';


failOnPageErrors(test);

const resultText = (page: Page) => page.getByTestId('result-text');

test('@draw writes 17, undo leaves 1, the eraser takes the 1 and the result is empty', async ({ page }) => {
  await openBoard(page);
  await drawStrokes(page, [ONE_LEFT, SEVEN_RIGHT]);
  await expect(resultText(page)).toHaveText('17', { timeout: 5_000 });
  await expect(groupLabels(page)).toHaveText(['17']);
  await expect(board(page)).toHaveAttribute('data-stroke-count', '2');

  await page.getByTestId('undo').click();
  await expect(board(page)).toHaveAttribute('data-stroke-count', '1');
  await expect(resultText(page)).toHaveText('1', { timeout: 5_000 });
  await expect(groupLabels(page)).toHaveText(['1']);

  await page.getByTestId('eraser').click();
  await expect(page.getByTestId('eraser')).toHaveAttribute('aria-pressed', 'true');
  await drawStrokes(page, [[[0.22, 0.5]]]);
  await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
  await expect(resultText(page)).toHaveText('');
  await expect(groupLabels(page)).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

  /** One finger from `from` to `to` (fractions of the board), as the touchscreen sends it. */
  async function swipe(page: Page, from: readonly [number, number], to: readonly [number, number]): Promise<void> {
    const box = await board(page).boundingBox();
    if (!box) throw new Error('the board is not visible');
    const at = ([fx, fy]: readonly [number, number]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
    const cdp = await page.context().newCDPSession(page);
    const steps = 12;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(from)] });
    for (let i = 1; i <= steps; i++) {
      const f = i / steps;
      const point = at([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();
  }

  test('@touch a vertical finger stroke draws a 1 and does not scroll the page', async ({ page }) => {
    await openBoard(page);
    // The board fits the phone's screen, so nothing could scroll: content below it (a spacer here)
    // makes a scroll possible, and drawing must not cause one.
    await page.evaluate(() => {
      const spacer = document.createElement('div');
      spacer.style.height = '2000px';
      document.body.append(spacer);
    });
    const layout = await page.evaluate(() => ({
      height: document.documentElement.scrollHeight,
      viewport: window.innerHeight,
      width: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
    }));
    console.log(`phone layout: document ${layout.width}x${layout.height}px in a ${layout.viewportWidth}x${layout.viewport}px viewport`);
    expect(layout.height).toBeGreaterThan(layout.viewport);
    // Nothing sticks out sideways.
    expect(layout.width).toBeLessThanOrEqual(layout.viewportWidth);
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const pointerTypes: string[] = [];
    await page.exposeFunction('__pointerType', (type: string) => pointerTypes.push(type));
    await page.evaluate(() => {
      window.addEventListener('pointerdown', (e) => (window as unknown as { __pointerType: (t: string) => void }).__pointerType(e.pointerType), true);
    });

    await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
    // Bottom to top: were the page to pan with the finger, it would scroll down (it is at the top).
    await swipe(page, [0.5, 0.8], [0.5, 0.2]);
    await expect(board(page)).toHaveAttribute('data-stroke-count', '1');
    await expect(resultText(page)).toHaveText('1', { timeout: 5_000 });
    expect(pointerTypes).toContain('touch');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    await screenshot(page, 'phone');
  });
});

test('@upload an uploaded image of 17 reads 17, a box over each digit', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'digitboard-e2e-'));
  try {
    await page.goto('/#upload');
    const file = await inkPng(page, join(dir, 'seventeen.png'), 360, 200, [
      [[100, 45], [100, 160]],
      [[190, 45], [270, 45], [220, 160]],
    ]);
    await page.getByTestId('upload-input').setInputFiles(file);
    await expect(page.getByTestId('upload-result-text')).toHaveText('17', { timeout: 10_000 });
    const boxes = page.getByTestId('upload-box');
    await expect(boxes).toHaveCount(2);
    await expect(boxes.nth(0)).toContainText(/1 · \d+%/);
    await expect(boxes.nth(1)).toContainText(/7 · \d+%/);
    // The 1's box is left of the 7's.
    const [one, seven] = [await boxes.nth(0).boundingBox(), await boxes.nth(1).boundingBox()];
    expect(one!.x + one!.width).toBeLessThanOrEqual(seven!.x + 1);
    await screenshot(page, 'upload');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
