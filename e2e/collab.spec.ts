/**
 * Shared boards: several browsers (separate contexts, so separate people) on one /r/<id>.
 * Each writer's ink reaches the others live, in the writer's colour, and every number on the
 * board is labelled on every page.
 */
import { expect, test, type Browser, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import { board, drawStrokes, groupLabels, openBoard, openRoom, ownColor, pixelsOfColor, screenshot, type Area, type Path } from './board.js';

const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];
const ONE: Path = [
  [0.5, 0.25],
  [0.5, 0.75],
];
/** A on the left of the board, B on the right: two numbers far apart. */
const LEFT: Area = { left: 0.02, top: 0.1, size: 0.7 };
const RIGHT: Area = { left: 0.6, top: 0.1, size: 0.7 };

interface Writer {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

const writers: Writer[] = [];

/** A new person: their own context (storage, cookies), and a board size of their own. */
async function newWriter(browser: Browser, viewport = { width: 1100, height: 800 }): Promise<Writer> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const writer = { context, page, errors: [] as string[] };
  page.on('pageerror', (error) => writer.errors.push(error.message));
  writers.push(writer);
  return writer;
}

/** A opens a new board, B joins it by its link (on a smaller screen: the board scales, the ink stays put). */
async function twoWriters(browser: Browser): Promise<[Writer, Writer]> {
  const a = await newWriter(browser);
  const b = await newWriter(browser, { width: 900, height: 760 });
  await openBoard(a.page);
  await openRoom(b.page, a.page.url());
  await expect(a.page.getByTestId('participants').getByRole('listitem')).toHaveCount(2);
  return [a, b];
}

/** A writes a 7 on the left, B a 1 on the right; both pages show both. */
async function sevenAndOne(a: Writer, b: Writer): Promise<void> {
  await drawStrokes(a.page, [SEVEN], LEFT);
  await drawStrokes(b.page, [ONE], RIGHT);
  for (const { page } of [a, b]) {
    await expect(board(page)).toHaveAttribute('data-stroke-count', '2');
    await expect(groupLabels(page)).toHaveText(['7', '1'], { timeout: 5_000 });
  }
}

test.afterEach(async () => {
  const errors = writers.flatMap((w) => w.errors);
  await Promise.all(writers.splice(0).map((w) => w.context.close()));
  expect(errors, 'uncaught errors in the pages').toEqual([]);
});

test('@collab two writers see each other\'s ink, in its colour, and both numbers', async ({ browser }) => {
  const [a, b] = await twoWriters(browser);
  await sevenAndOne(a, b);
  // Each page paints the other's stroke in the other's colour.
  const [colorA, colorB] = [await ownColor(a.page), await ownColor(b.page)];
  expect(colorA).not.toEqual(colorB);
  await expect.poll(() => pixelsOfColor(a.page, colorB)).toBeGreaterThan(100);
  await expect.poll(() => pixelsOfColor(b.page, colorA)).toBeGreaterThan(100);
  // The latest number is the one the last change touched: B's 1, on both pages.
  await expect(b.page.getByTestId('result-text')).toHaveText('1');
  await expect(a.page.getByTestId('result-text')).toHaveText('1');
  await screenshot(a.page, 'board');
});

test('@collab a late joiner sees all the ink and numbers at once', async ({ browser }) => {
  const [a, b] = await twoWriters(browser);
  await sevenAndOne(a, b);
  const c = await newWriter(browser, { width: 1280, height: 900 });
  await openRoom(c.page, a.page.url());
  // The welcome carries the whole board and the latest result follows it in the same frame.
  await expect(board(c.page)).toHaveAttribute('data-stroke-count', '2', { timeout: 1_000 });
  await expect(groupLabels(c.page)).toHaveText(['7', '1'], { timeout: 1_000 });
  await expect(c.page.getByTestId('participants').getByRole('listitem')).toHaveCount(3);
  expect(await pixelsOfColor(c.page, await ownColor(a.page))).toBeGreaterThan(100);
});

test('@collab @draw undo, redo, erase and clear reach everyone', async ({ browser }) => {
  const [a, b] = await twoWriters(browser);
  await sevenAndOne(a, b);

  // A undoes (keyboard) its 7: gone for B too.
  await a.page.keyboard.press('Control+z');
  await expect(board(b.page)).toHaveAttribute('data-stroke-count', '1');
  await expect(groupLabels(b.page)).toHaveText(['1']);
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '1');

  // And redoes it (button): back for B, read again.
  await a.page.getByTestId('redo').click();
  await expect(board(b.page)).toHaveAttribute('data-stroke-count', '2');
  await expect(groupLabels(b.page)).toHaveText(['7', '1'], { timeout: 5_000 });

  // B erases A's 7 by touching its top bar.
  await b.page.getByTestId('eraser').click();
  await expect(b.page.getByTestId('eraser')).toHaveAttribute('aria-pressed', 'true');
  await drawStrokes(b.page, [[[0.5, 0.22]]], LEFT);
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '1');
  await expect(groupLabels(a.page)).toHaveText(['1']);
  await b.page.keyboard.press('p');
  await expect(b.page.getByTestId('pen')).toHaveAttribute('aria-pressed', 'true');

  // A writes again; B clears the board, others' ink included, after confirming.
  await drawStrokes(a.page, [SEVEN], LEFT);
  await expect(board(b.page)).toHaveAttribute('data-stroke-count', '2');
  b.page.once('dialog', (dialog) => void dialog.accept());
  await b.page.getByTestId('clear').click();
  for (const { page } of [a, b]) {
    await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
    await expect(groupLabels(page)).toHaveCount(0);
    await expect(page.getByTestId('result-text')).toHaveText('');
  }
});

test('@collab a writer who loses the connection resumes: catches up, and their offline ink reaches the others', async ({ browser }) => {
  const a = await newWriter(browser);
  const b = await newWriter(browser);
  // B's WebSocket goes through here: proxied to the server (recording what it sends), or refused while "offline".
  let reachable = true;
  let current: WebSocketRoute | undefined;
  const welcomes: { board?: unknown }[] = [];
  await b.page.routeWebSocket('**/ws', (ws) => {
    if (!reachable) {
      void ws.close({ code: 1011, reason: 'unreachable' });
      return;
    }
    current = ws;
    const server = ws.connectToServer();
    server.onMessage((frame) => {
      const parsed = JSON.parse(String(frame)) as { type: string; board?: unknown } | { type: string; board?: unknown }[];
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) if (message.type === 'welcome') welcomes.push(message);
      ws.send(frame);
    });
  });
  await openBoard(a.page);
  await openRoom(b.page, a.page.url());
  await drawStrokes(a.page, [SEVEN], LEFT);
  await expect(board(b.page)).toHaveAttribute('data-stroke-count', '1');

  // B drops off; A writes meanwhile, and so does B.
  reachable = false;
  await current?.close({ code: 1001, reason: 'gone' });
  await expect(b.page.getByTestId('status')).not.toHaveAttribute('data-status', 'online');
  await drawStrokes(a.page, [ONE], RIGHT);
  await drawStrokes(b.page, [ONE], { left: 0.3, top: 0.55, size: 0.4 });
  await expect(board(b.page)).toHaveAttribute('data-stroke-count', '2');
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '2');

  // B is back: it resumes (no whole board, only what it missed) and sends what it wrote.
  reachable = true;
  await expect(b.page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  for (const { page } of [a, b]) await expect(board(page)).toHaveAttribute('data-stroke-count', '3');
  expect(welcomes.length).toBe(2);
  expect(welcomes[0]?.board).toBeDefined();
  expect(welcomes[1]?.board).toBeUndefined();
  const colorB = await ownColor(b.page);
  await expect.poll(() => pixelsOfColor(a.page, colorB)).toBeGreaterThan(100);
});

test('@collab the participant list shows both writers, you marked', async ({ browser }) => {
  const [a, b] = await twoWriters(browser);
  for (const { page } of [a, b]) {
    const items = page.getByTestId('participants').getByRole('listitem');
    await expect(items).toHaveCount(2);
    await expect(items.filter({ hasText: '(you)' })).toHaveCount(1);
    await expect(items.nth(0)).toContainText('(you)');
  }
  const nameOf = (page: Page) => page.getByTestId('participants').locator('li[data-you] .name').textContent();
  const [nameA, nameB] = [await nameOf(a.page), await nameOf(b.page)];
  await expect(a.page.getByTestId('participants')).toContainText(nameB!);
  await expect(b.page.getByTestId('participants')).toContainText(nameA!);

  // B leaves: A's list shrinks.
  await b.context.close();
  await expect(a.page.getByTestId('participants').getByRole('listitem')).toHaveCount(1);
});

test('@collab share copies the board link; new board opens another', async ({ browser }) => {
  const a = await newWriter(browser);
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openBoard(a.page);
  const url = a.page.url();
  await a.page.getByTestId('share').click();
  await expect(a.page.getByTestId('share')).toHaveText('Copied');
  expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  await drawStrokes(a.page, [SEVEN]);
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '1');
  await a.page.getByTestId('new-board').click();
  await expect(a.page).not.toHaveURL(url);
  await expect(a.page).toHaveURL(/\/r\/[\w-]{22}$/);
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '0');
  // Back to the first board: its ink is still there.
  await a.page.goBack();
  await expect(a.page).toHaveURL(url);
  await expect(board(a.page)).toHaveAttribute('data-stroke-count', '1');
});
