/**
 * Accessibility: the toolbar works from the keyboard alone, and axe-core finds nothing serious
 * or critical on the board, the upload and model views, and the history (logged in).
 */
import { expect, test, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { board, drawStrokes, failOnPageErrors, openBoard, type Path, screenshot } from './board.js';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];

failOnPageErrors(test);

/** The data-testid of the focused element, looking through open shadow roots. */
async function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element?.getAttribute('data-testid') ?? null;
  });
}

/** Presses Tab until the element with this test id has the focus (at most 40 times). */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await focused(page)) === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}`);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the page; fails on serious and critical violations, listing them. */
async function expectNoSeriousViolations(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  for (const v of violations) console.log(`${view}: [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), `${view}: serious or critical axe violations`).toEqual([]);
}

test('@a11y the toolbar works with the keyboard alone: Tab, Enter, Space and shortcuts', async ({ page }) => {
  await openBoard(page);
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
  // From the top of the page, the keyboard only.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  await tabTo(page, 'eraser');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('eraser')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('pen')).toHaveAttribute('aria-pressed', 'false');

  await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('pen');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('pen')).toHaveAttribute('aria-pressed', 'true');

  await tabTo(page, 'undo');
  await page.keyboard.press('Enter');
  await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
  await expect(page.getByTestId('result-text')).toHaveText('');

  // Redo is the next stop; Space brings the 7 back.
  await tabTo(page, 'redo');
  await page.keyboard.press('Space');
  await expect(board(page)).toHaveAttribute('data-stroke-count', '1');
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });

  // The shortcuts the buttons announce.
  await page.keyboard.press('e');
  await expect(page.getByTestId('eraser')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('p');
  await expect(page.getByTestId('pen')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Control+z');
  await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
  await page.keyboard.press('Control+y');
  await expect(board(page)).toHaveAttribute('data-stroke-count', '1');
  await page.keyboard.press('Escape');
  await expect(board(page)).toHaveAttribute('data-stroke-count', '0');
  await expect(page.getByTestId('result-text')).toHaveText('');
});

// The server's Content-Security-Policy refuses inline scripts, which is how addScriptTag injects axe.
test.describe(() => {
  test.use({ bypassCSP: true });

test('@a11y axe finds no serious or critical problems on the board, upload, model and history views', async ({ page }) => {
  await openBoard(page);
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
  await expectNoSeriousViolations(page, 'board');

  await page.getByTestId('open-upload').click();
  await expect(page).toHaveURL(/#upload$/);
  await expect(page.getByTestId('upload-input')).toBeAttached();
  await expectNoSeriousViolations(page, 'upload');

  await page.goto('/#model');
  await expect(page.getByTestId('model-accuracy')).toBeVisible();
  await expectNoSeriousViolations(page, 'model');

  // Logged in, with one item in the history.
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  const email = `e2e-a11y-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await page.getByTestId('register').click();
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill('correct horse battery');
  await page.getByTestId('password-again').fill('correct horse battery');
  await page.getByTestId('password-again').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
  // The board records a number ~2 s after it settles: reopen the list until it is there.
  await page.getByTestId('open-history').click();
  await expect(async () => {
    await page.getByTestId('close-history').click();
    await page.getByTestId('open-history').click();
    await expect(page.getByTestId('history-item')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expectNoSeriousViolations(page, 'history');
  await screenshot(page, 'history');
});
});

/** Every aria-label and title on the page, through open shadow roots, with where it is. */
async function accessibleLabels(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate(() => {
    const found: { where: string; text: string }[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        for (const name of ['aria-label', 'title']) {
          const text = element.getAttribute(name);
          if (text) found.push({ where: `${element.tagName.toLowerCase()}[${name}]`, text });
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    return found;
  });
}

/** Words that stay as they are in every language: names of things, units, keys. */
const UNTRANSLATED = /\b(Digitboard|English|ONNX|SHA-256|MNIST|MB|PNG|JPEG|WebP|Ctrl|Shift|Esc|Delete|Control|Meta)\b/g;

for (const [locale, language] of [
  ['ta', 'Tamil'],
  ['hi', 'Hindi'],
] as const) {
  test.describe(() => {
    test.use({ bypassCSP: true });

    test(`@a11y in ${language}: axe finds no violations, no label is left in English, and the load logs no error`, async ({ page }) => {
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      await page.addInitScript((chosen) => localStorage.setItem('digitboard.locale', chosen), locale);
      await openBoard(page);
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      await drawStrokes(page, [SEVEN]);
      await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
      await expect(page.getByTestId('group-label')).toHaveText(['7']);
      expect(consoleErrors, 'console errors on a normal load').toEqual([]);

      await expectNoViolations(page, `board (${locale})`);
      const english = (await accessibleLabels(page)).filter(({ text }) => /[A-Za-z]{3,}/.test(text.replace(UNTRANSLATED, '')));
      expect(english, `labels left in English (${locale})`).toEqual([]);

      await page.goto('/#model');
      await expect(page.getByTestId('model-accuracy')).toBeVisible();
      await expect(page.getByTestId('model-sha256')).toHaveText(/^[0-9a-f]{64}$/);
      await expect(page.getByTestId('model-size')).toHaveText(/MB/);
      await expectNoViolations(page, `model (${locale})`);
      const englishOnModel = (await accessibleLabels(page)).filter(({ text }) => /[A-Za-z]{3,}/.test(text.replace(UNTRANSLATED, '')));
      expect(englishOnModel, `labels left in English on the model page (${locale})`).toEqual([]);
    });
  });
}

/** Runs axe-core on the page; fails on any violation, listing them. */
async function expectNoViolations(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  expect(violations, `${view}: axe violations`).toEqual([]);
}
