import { expect, test, type Page } from '@playwright/test';
import { failOnPageErrors, groupLabels, openBoard, screenshot } from './board.js';

// A phone held upright, touch only (no hover, no fine pointer): as an iPhone 14 or a Pixel 7 reports itself.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
failOnPageErrors(test);

type Touch = { x: number; y: number; id: number };

/** Drags fingers on the screen with real touch events (CDP): each entry of `frames` is where every finger is. */
async function touchDrag(page: Page, frames: readonly Touch[][]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const [first, ...rest] = frames;
  if (!first) return;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: first });
  for (const points of rest) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** A one-finger path through `corners` (page pixels), with intermediate points as a finger makes them. */
function fingerPath(corners: readonly [number, number][], steps = 8): Touch[][] {
  const frames: Touch[][] = [[{ x: corners[0][0], y: corners[0][1], id: 1 }]];
  for (let i = 1; i < corners.length; i++) {
    const [x0, y0] = corners[i - 1];
    const [x1, y1] = corners[i];
    for (let s = 1; s <= steps; s++) frames.push([{ x: x0 + ((x1 - x0) * s) / steps, y: y0 + ((y1 - y0) * s) / steps, id: 1 }]);
  }
  return frames;
}

async function boardBox(page: Page) {
  const box = await page.getByTestId('board').boundingBox();
  if (!box) throw new Error('the board is not visible');
  return box;
}

/** Whether the element is inside the viewport, whole, with the page not scrolled. */
async function inViewport(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return window.scrollY === 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });
}

test('@phone at 390x844 the board takes most of the screen, a digit written with a finger is read in view, and keyboard hints are gone', async ({ page }) => {
  await openBoard(page);
  const box = await boardBox(page);
  const viewport = page.viewportSize()!;
  const share = box.height / viewport.height;
  console.log(`phone 390x844: board ${box.width.toFixed(0)}x${box.height.toFixed(0)} px at y=${box.y.toFixed(0)}, ${(share * 100).toFixed(1)}% of the height`);
  expect(share).toBeGreaterThanOrEqual(0.6);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  // No keyboard here: no Ctrl+Z hints. The secondary controls are folded into the menu.
  await expect(page.locator('.shortcut')).toBeHidden();
  await expect(page.getByTestId('open-upload')).toBeHidden();
  await screenshot(page, 'phone-board');

  // A 7 written with one finger, as tall as half the board.
  const side = box.height * 0.5;
  const left = box.x + (box.width - side * 0.6) / 2;
  const top = box.y + box.height * 0.2;
  await touchDrag(
    page,
    fingerPath([
      [left, top],
      [left + side * 0.6, top],
      [left + side * 0.2, top + side],
    ]),
  );
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
  await expect(groupLabels(page)).toHaveText(['7']);
  // The reading is on screen without scrolling.
  expect(await inViewport(page, 'result-text')).toBe(true);
  await screenshot(page, 'phone-reading');

  // Two fingers pan the view; they never draw.
  const strokes = await page.getByTestId('board').getAttribute('data-stroke-count');
  const y = box.y + box.height * 0.8;
  const frames: Touch[][] = [];
  for (let s = 0; s <= 10; s++) {
    const x = box.x + box.width * 0.7 - s * 12;
    frames.push([
      { x, y, id: 1 },
      { x: x + 40, y: y - 40, id: 2 },
    ]);
  }
  await touchDrag(page, frames);
  await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', strokes ?? '1');

  // The menu holds the rest.
  await page.getByTestId('menu').click();
  await expect(page.getByTestId('open-upload')).toBeVisible();
  await expect(page.getByTestId('language')).toBeVisible();
  await screenshot(page, 'phone-menu');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('open-upload')).toBeHidden();
  await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', strokes ?? '1');
});

test.describe('a tablet with a pen', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

  test('@phone while a pen is down, a palm on the screen draws nothing; the pen\'s 7 is read', async ({ page }) => {
    await openBoard(page);
    const box = await boardBox(page);
    const cdp = await page.context().newCDPSession(page);
    const pen = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', x: number, y: number) =>
      cdp.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force: 0.6 });
    const side = box.height * 0.5;
    const left = box.x + box.width * 0.3;
    const top = box.y + box.height * 0.2;
    const seven: [number, number][] = [
      [left, top],
      [left + side * 0.6, top],
      [left + side * 0.2, top + side],
    ];
    await pen('mousePressed', ...seven[0]);
    // The palm lands and slides while the pen writes.
    const palm = { x: box.x + box.width * 0.8, y: box.y + box.height * 0.8, id: 7 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [palm] });
    for (let i = 1; i < seven.length; i++) {
      const [x0, y0] = seven[i - 1];
      const [x1, y1] = seven[i];
      for (let s = 1; s <= 8; s++) {
        await pen('mouseMoved', x0 + ((x1 - x0) * s) / 8, y0 + ((y1 - y0) * s) / 8);
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ ...palm, x: palm.x - s * 3 }] });
      }
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await pen('mouseReleased', ...seven[2]);
    await cdp.detach();

    await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
    await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
  });

  test('@phone a palm that lands first and moves is taken back when the pen comes down', async ({ page }) => {
    await openBoard(page);
    const box = await boardBox(page);
    const cdp = await page.context().newCDPSession(page);
    const palm = { x: box.x + box.width * 0.8, y: box.y + box.height * 0.7, id: 3 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [palm] });
    for (let s = 1; s <= 6; s++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ ...palm, y: palm.y + s * 5 }] });
    // The palm's smudge is a stroke for now.
    await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
    const x = box.x + box.width * 0.3;
    const y = box.y + box.height * 0.2;
    const pen = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', py: number) =>
      cdp.send('Input.dispatchMouseEvent', { type, x, y: py, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force: 0.5 });
    await pen('mousePressed', y);
    for (let s = 1; s <= 10; s++) await pen('mouseMoved', y + s * box.height * 0.05);
    await pen('mouseReleased', y + box.height * 0.5);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();

    // Only the pen's stroke (a 1) is on the board.
    await expect(page.getByTestId('result-text')).toHaveText('1', { timeout: 5_000 });
    await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
  });
});

test.describe('a phone on its side', () => {
  test.use({ viewport: { width: 844, height: 390 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

  test('@phone at 844x390 the whole board and the reading are in view, the board most of the height', async ({ page }) => {
    await openBoard(page);
    const box = await boardBox(page);
    console.log(`phone 844x390: board ${box.width.toFixed(0)}x${box.height.toFixed(0)} px at y=${box.y.toFixed(0)}, ${((box.height / 390) * 100).toFixed(1)}% of the height`);
    expect(box.height / 390).toBeGreaterThanOrEqual(0.6);
    expect(box.y + box.height).toBeLessThanOrEqual(390);
    // The whole board at 16:10 (no part hidden sideways).
    expect(Math.abs(box.width / box.height - 1.6)).toBeLessThan(0.05);
    expect(await inViewport(page, 'result-text')).toBe(true);
  });
});
