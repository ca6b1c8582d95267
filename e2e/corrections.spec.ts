/**
 * Labels and corrections (issue 16): labels of numbers written close together do not overlap;
 * a label opens a popover of the model's readings where a writer corrects the number, and
 * everyone on the board sees the correction. The popover works from the keyboard, passes axe,
 * and offers no correction when the ink is read on this device.
 */
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { board, drawStrokes, failOnPageErrors, groupLabels, openBoard, openRoom, type Area, type Path } from './board.js';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];
/** A vertical bar filling its area's height: a 1. */
const BAR: Path = [
  [0.5, 0],
  [0.5, 1],
];

failOnPageErrors(test);

/** A rectangle on screen (CSS pixels), as Playwright's boundingBox gives it. */
interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlap = (a: ScreenBox, b: ScreenBox): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxOf(locator: Locator): Promise<ScreenBox> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return box;
}

/** The data-testid of the focused element, looking through open shadow roots. */
async function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element?.getAttribute('data-testid') ?? null;
  });
}

/** Runs axe-core on the page; fails on serious and critical violations, listing them. */
async function expectNoSeriousViolations(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  for (const v of violations) console.log(`${view}: [${v.impact}] ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), `${view}: serious or critical axe violations`).toEqual([]);
}

/** Second people on the board: their own contexts, closed (and their pages' errors checked) after each test. */
const contexts: BrowserContext[] = [];
const otherErrors: string[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  expect(otherErrors.splice(0), 'uncaught errors in the other pages').toEqual([]);
});

async function newPage(browser: Browser, viewport = { width: 1100, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => otherErrors.push(error.message));
  return page;
}

test('@collab two numbers written close together get labels that do not overlap; a correction reaches everyone', async ({ page, browser }) => {
  // Two browsers, three recognitions and two corrections' round trips on a small shared machine.
  test.setTimeout(60_000);
  await openBoard(page);
  const other = await newPage(browser, { width: 900, height: 760 });
  await openRoom(other, page.url());

  // Two short bars (1s), the second a little more than grouping's gap (1.4 digit heights) to the
  // right of the first, so that they are two numbers: closer than a label's width, so that a
  // label at the first one's top right corner, where labels used to go, covered the second.
  const size = 0.05;
  const boardBox = await boxOf(board(page));
  const digitPx = size * boardBox.height;
  const gapPx = 1.6 * digitPx;
  const first: Area = { left: 0.4, top: 0.3, size };
  const second: Area = { ...first, left: first.left + gapPx / boardBox.width };
  await drawStrokes(page, [BAR], first);
  await drawStrokes(page, [BAR], second);
  await expect(board(other)).toHaveAttribute('data-stroke-count', '2');
  await expect(groupLabels(page)).toHaveCount(2, { timeout: 5_000 });
  await expect(groupLabels(other)).toHaveCount(2, { timeout: 5_000 });

  // The ink of the second 1 on screen: its bar, as wide as the pen (14 of the board's 1,600 units).
  const penPx = (14 / 1600) * boardBox.width;
  const secondInk: ScreenBox = {
    x: boardBox.x + second.left * boardBox.width + 0.5 * digitPx - penPx / 2,
    y: boardBox.y + second.top * boardBox.height - penPx / 2,
    width: penPx,
    height: digitPx + penPx,
  };
  const labelsOnA = [await boxOf(groupLabels(page).nth(0)), await boxOf(groupLabels(page).nth(1))];
  // The case is the one that used to fail: at the first 1's top right corner its label covered the second.
  const firstInkRight = boardBox.x + first.left * boardBox.width + 0.5 * digitPx + penPx / 2;
  expect(overlap({ ...labelsOnA[0], x: firstInkRight + 6, y: secondInk.y }, secondInk)).toBe(true);
  expect(overlap(labelsOnA[0], secondInk), 'the first label covers the second 1').toBe(false);
  for (const p of [page, other]) {
    const [one, two] = [await boxOf(groupLabels(p).nth(0)), await boxOf(groupLabels(p).nth(1))];
    expect(overlap(one, two), `labels overlap: ${JSON.stringify([one, two])}`).toBe(false);
  }

  // The writer corrects the second number in its popover: types 4, Enter.
  const label = groupLabels(page).nth(1);
  const groupId = await label.getAttribute('data-group');
  await label.click();
  const popover = page.getByTestId('reading-popover');
  await expect(popover).toBeVisible();
  await expect(popover.getByTestId('alternatives')).toBeVisible();
  await popover.getByTestId('correction-input').fill('4');
  await popover.getByTestId('correction-input').press('Enter');
  await expect(popover).toHaveCount(0);
  expect(await focused(page)).toBe('group-label');

  // Everyone sees the corrected number, marked as corrected (by whom, in its accessible name).
  const writer = await page.getByTestId('participants').locator('li[data-you] .name').textContent();
  for (const p of [page, other]) {
    const corrected = groupLabels(p).and(p.locator(`[data-group="${groupId}"]`));
    await expect(corrected).toHaveText('4', { timeout: 5_000 });
    await expect(corrected).toHaveAttribute('data-corrected', '');
    await expect(corrected).toHaveAccessibleName(new RegExp(`^4, corrected by ${writer}`));
  }
  // The other 1 is still the model's.
  await expect(groupLabels(other).nth(0)).not.toHaveAttribute('data-corrected', '');

  // The second writer goes back to the model's reading: the mark goes for both.
  await groupLabels(other).and(other.locator(`[data-group="${groupId}"]`)).click();
  await other.getByTestId('withdraw-correction').click();
  for (const p of [page, other]) {
    await expect(groupLabels(p).and(p.locator(`[data-group="${groupId}"]`))).not.toHaveAttribute('data-corrected', '', { timeout: 5_000 });
  }
});

test.describe(() => {
  // The server's Content-Security-Policy refuses inline scripts, which is how addScriptTag injects axe.
  test.use({ bypassCSP: true });

  test('@a11y the label\'s popover works from the keyboard, Escape closes it onto its label, and axe finds nothing serious', async ({ page }) => {
    await openBoard(page);
    await drawStrokes(page, [SEVEN]);
    await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });

    const label = groupLabels(page).first();
    await expect(label).toHaveAccessibleName('7: show other readings');
    await label.focus();
    await page.keyboard.press('Enter');
    const popover = page.getByTestId('reading-popover');
    await expect(popover).toBeVisible();
    await expect(label).toHaveAttribute('aria-expanded', 'true');
    // Focus is in the popover, on the reading shown.
    expect(await focused(page)).toBe('alternative');
    await expect(popover.getByTestId('alternative').first()).toHaveAttribute('aria-pressed', 'true');
    await expect(popover.getByTestId('alternative').first()).toHaveText(/^7 · \d+%$/);
    await expectNoSeriousViolations(page, 'board with a label popover');

    // Letters never reach the field.
    await popover.getByTestId('correction-input').pressSequentially('1a2');
    await expect(popover.getByTestId('correction-input')).toHaveValue('12');

    // Escape closes the popover, not the board (Escape alone clears it), and the label has the focus.
    await page.keyboard.press('Escape');
    await expect(popover).toHaveCount(0);
    expect(await focused(page)).toBe('group-label');
    await expect(board(page)).toHaveAttribute('data-stroke-count', '1');
    // Space opens it again; the close button closes it onto the label too.
    await page.keyboard.press('Space');
    await expect(popover).toBeVisible();
    await popover.getByTestId('close-popover').click();
    await expect(popover).toHaveCount(0);
    expect(await focused(page)).toBe('group-label');
  });
});

test('on this device the popover lists the readings but offers no correction', async ({ page }) => {
  await openBoard(page);
  await page.getByTestId('on-device-toggle').check();
  await expect(page.getByTestId('on-device-choice')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-source')).toHaveAttribute('data-source', 'device', { timeout: 5_000 });
  await expect(groupLabels(page)).toHaveText(['7'], { timeout: 5_000 });
  await groupLabels(page).first().click();
  const popover = page.getByTestId('reading-popover');
  await expect(popover.getByTestId('alternative').first()).toHaveText(/^7 · \d+%$/);
  await expect(popover.getByTestId('correction-input')).toHaveCount(0);
  await expect(popover.getByRole('button', { name: /^7/ })).toHaveCount(0);
  await expect(popover).toContainText('Corrections need the connection to the board.');
});

test('@history the owner corrects a reading in the history, and withdraws it', async ({ page }) => {
  test.setTimeout(60_000);
  await openBoard(page);
  await page.getByTestId('register').click();
  const email = `e2e-correct-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill('correct horse battery');
  await page.getByTestId('password-again').fill('correct horse battery');
  await page.getByTestId('password-again').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });

  // The board records a number ~2 s after it settles: reopen the list until it is there.
  const items = page.getByTestId('history-item');
  await page.getByTestId('open-history').click();
  await expect(async () => {
    await page.getByTestId('close-history').click();
    await page.getByTestId('open-history').click();
    await expect(items).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await items.getByTestId('history-text').click();
  await expect(page.getByTestId('detail-text')).toHaveText('7');

  // Typed: the detail shows 1, marked, with what the model read; so does the list, and a reload.
  await page.getByTestId('correction-input').fill('1');
  await page.getByTestId('correction-submit').click();
  await expect(page.getByTestId('detail-text')).toHaveText(/^\s*1✓\(corrected\)\s*$/);
  await expect(page.getByTestId('detail-model-text')).toContainText('the model read 7');
  await page.reload();
  await expect(page.getByTestId('detail-text')).toHaveText(/^\s*1✓/);
  await page.getByTestId('back-to-list').click();
  await expect(items.getByTestId('history-text')).toHaveText(/^1✓/);

  // Back to the model's reading.
  await items.getByTestId('history-text').click();
  await page.getByTestId('withdraw-correction').click();
  await expect(page.getByTestId('detail-text')).toHaveText('7');
  await expect(page.getByTestId('detail-model-text')).toHaveCount(0);
});
