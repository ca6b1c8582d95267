import { expect, test, type Page } from '@playwright/test';
import { drawStrokes, ellipse, failOnPageErrors, groupLabels, installLatencyProbe, lastPenUpToResultMs, openBoard, type Path } from './board.js';

/** One stroke, as a 7 is usually written: the top bar left to right, then the diagonal down to the left. */
const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];
const ZERO: Path = ellipse(0.5, 0.5, 0.17, 0.28);

function report(label: string, ms: number): void {
  const text = `${label}: ${ms.toFixed(1)} ms`;
  test.info().annotations.push({ type: 'latency', description: text });
  console.log(`pen-up to result, ${text}`);
}

failOnPageErrors(test);

test.beforeEach(async ({ page }) => {
  await openBoard(page);
  await installLatencyProbe(page);
});

async function expectRecognized(page: Page, text: string): Promise<void> {
  // A bound on waiting, not a latency check (the latency test below measures): generous for a loaded machine.
  await expect(page.getByTestId('result-text')).toHaveText(text, { timeout: 10_000 });
  await expect(page.getByTestId('confidence')).toBeVisible();
  await expect(page.getByTestId('confidence')).toContainText(/\d+%/);
}

test('@draw draws a 7 with the mouse and sees it recognized, beside the ink too', async ({ page }) => {
  await drawStrokes(page, [SEVEN]);
  await expectRecognized(page, '7');
  report('7', await lastPenUpToResultMs(page));
  await expect(groupLabels(page)).toHaveText(['7']);

  await page.getByTestId('clear').click();
  await expect(page.getByTestId('result-text')).toHaveText('');
  await expect(page.getByTestId('confidence')).toHaveCount(0);
  await expect(groupLabels(page)).toHaveCount(0);
});

test('@draw draws a 0 and sees it recognized; Escape clears', async ({ page }) => {
  await drawStrokes(page, [ZERO]);
  await expectRecognized(page, '0');
  report('0', await lastPenUpToResultMs(page));

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('result-text')).toHaveText('');
  await expect(page.getByTestId('confidence')).toHaveCount(0);
});

test('@draw writes 1 and 0 side by side and reads the number 10', async ({ page }) => {
  const one: Path = [
    [0.27, 0.25],
    [0.27, 0.75],
  ];
  await drawStrokes(page, [one, ellipse(0.62, 0.5, 0.14, 0.25)]);
  await expectRecognized(page, '10');
  await expect(page.getByTestId('confidence').getByRole('listitem')).toHaveCount(2);
  // One number, so one label.
  await expect(groupLabels(page)).toHaveText(['10']);
});

test('pen-up to result latency over repeated 7s', async ({ page }) => {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await drawStrokes(page, [SEVEN]);
    await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
    samples.push(await lastPenUpToResultMs(page));
    await page.getByTestId('clear').click();
    await expect(page.getByTestId('result-text')).toHaveText('');
  }
  const sorted = [...samples].sort((a, b) => a - b);
  report(`median of ${samples.length} (${samples.map((s) => s.toFixed(0)).join(', ')})`, sorted[Math.floor(sorted.length / 2)]!);
});
