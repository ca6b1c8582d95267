import { expect, test, type Page } from '@playwright/test';
import { drawStrokes, failOnPageErrors, openRoom, ownColor, type Path } from './board.js';

failOnPageErrors(test);

const EIGHT: Path = [
  [0.5, 0.2],
  [0.35, 0.3],
  [0.5, 0.48],
  [0.65, 0.66],
  [0.5, 0.8],
  [0.35, 0.66],
  [0.5, 0.48],
  [0.65, 0.3],
  [0.5, 0.2],
];

const you = (page: Page) => page.getByTestId('participants').locator('li[data-you] .name');
const strokes = (page: Page) => page.getByTestId('board');

test('@identity a reload keeps the name and the colour, and Undo takes back a stroke written before it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page).toHaveURL(/\/r\/[\w-]{22}$/);
  const name = await you(page).innerText();
  const color = await ownColor(page);

  await drawStrokes(page, [EIGHT]);
  await expect(strokes(page)).toHaveAttribute('data-stroke-count', '1');
  // Stored (acknowledged) before the reload.
  await expect(page.getByTestId('undo')).toBeEnabled();

  await openRoom(page, page.url());
  await expect(you(page)).toHaveText(name);
  expect(await ownColor(page)).toBe(color);
  await expect(strokes(page)).toHaveAttribute('data-stroke-count', '1');

  // The stroke from before the reload is still ours: undo, then redo, reach it.
  await expect(page.getByTestId('undo')).toBeEnabled();
  await page.getByTestId('undo').click();
  await expect(strokes(page)).toHaveAttribute('data-stroke-count', '0');
  await expect(page.getByTestId('redo')).toBeEnabled();
  await page.getByTestId('redo').click();
  await expect(strokes(page)).toHaveAttribute('data-stroke-count', '1');
});

test('@identity another browser on the same board is another writer', async ({ page, browser }) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page).toHaveURL(/\/r\/[\w-]{22}$/);
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await openRoom(theirs, page.url());
  expect(await ownColor(theirs)).not.toBe(await ownColor(page));
  await drawStrokes(page, [EIGHT]);
  await expect(strokes(theirs)).toHaveAttribute('data-stroke-count', '1');
  // Not theirs to undo.
  await expect(theirs.getByTestId('undo')).toBeDisabled();
  await other.close();
});
