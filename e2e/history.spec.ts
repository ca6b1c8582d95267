import { expect, test, type Locator, type Page } from '@playwright/test';
import { drawStrokes, failOnPageErrors, mathValues, openBoard, SEVEN_TIMES_SIX, writeInMathArea, type Path } from './board.js';

/** One stroke, as a 7 is usually written (as in draw-digit.spec.ts). */
const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];
const PASSWORD = 'correct horse battery';


failOnPageErrors(test);

const freshEmail = (): string => `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;

/** Registers a new account through the header's form; returns its email. */
async function registerAccount(page: Page): Promise<string> {
  const email = freshEmail();
  await page.getByTestId('register').click();
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('password-again').fill(PASSWORD);
  // Enter submits the form.
  await page.getByTestId('password-again').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  return email;
}

/** Writes a 7 once the connection (re-opened after signing in) is up, and waits for the server to read it. */
async function writeSeven(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await drawStrokes(page, [SEVEN]);
  await expect(page.getByTestId('result-text')).toHaveText('7', { timeout: 5_000 });
}

async function openHistory(page: Page): Promise<void> {
  await page.getByTestId('open-history').click();
  await expect(page).toHaveURL(/#history$/);
}

/** The history's items once it lists `count` of them: the board records a number ~2 s after it settles, so the list is reopened until then. */
async function historyItems(page: Page, count: number, texts?: string[]): Promise<Locator> {
  const items = page.getByTestId('history-item');
  await expect(async () => {
    await page.getByTestId('close-history').click();
    await openHistory(page);
    await expect(items).toHaveCount(count, { timeout: 1_000 });
    // A number is recorded 2 s after its last pen-up; one written with pauses shows its stages until then.
    if (texts) await expect(items.getByTestId('history-text')).toHaveText(texts, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  return items;
}

test('@history a logged-in writer finds their 7 in the history, opens it, and deletes it', async ({ page }) => {
  await openBoard(page);
  await registerAccount(page);
  await writeSeven(page);

  await openHistory(page);
  const items = await historyItems(page, 1);
  await expect(items.getByTestId('history-text')).toHaveText('7');
  await expect(items).toContainText('Board');

  // The detail: a chart of ten bars, and it survives a reload (the view is in the hash).
  await items.getByTestId('history-text').click();
  await expect(page).toHaveURL(/#history\/[\w-]+$/);
  await page.reload();
  await expect(page.getByTestId('detail-text')).toHaveText('7');
  await expect(page.getByTestId('detail-probabilities').locator('li')).toHaveCount(10);
  await page.getByTestId('replay').click();
  // The replay takes as long as the writing took, which a loaded machine stretches.
  await expect(page.getByTestId('replay')).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('back-to-list').click();

  await expect(items).toHaveCount(1);
  // Deleting asks first: dismissed, the item stays; accepted, it goes.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await items.getByTestId('delete-item').click();
  await expect(items).toHaveCount(1);
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('7');
    void dialog.accept();
  });
  await items.getByTestId('delete-item').click();
  await expect(items).toHaveCount(0);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  // Gone on the server too.
  await page.reload();
  await expect(page.getByTestId('history-empty')).toBeVisible();
});

test('@history an expression written on the board shows its value in the history, and its readings cannot be sent as a correction', async ({ page }) => {
  await openBoard(page);
  await registerAccount(page);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  // Digits' paths have points enough of their own: 2 moves per segment; the bars the usual 8.
  const { seven, times, six, equals } = SEVEN_TIMES_SIX;
  await writeInMathArea(page, [...seven, ...times, ...six, ...equals]);
  await expect(mathValues(page)).toHaveText(['42'], { timeout: 10_000 });

  await openHistory(page);
  const items = await historyItems(page, 1, ['7×6=']);
  await expect(items.getByTestId('history-value')).toHaveText('42');
  await expect(items.getByTestId('history-value')).toHaveAttribute('data-kind', 'expression');
  // Screen readers hear the value as the board says it.
  await expect(items.getByRole('link')).toHaveAccessibleName(/7×6 equals 42/);

  await items.getByTestId('history-text').click();
  const detail = page.getByTestId('history-detail');
  await expect(detail.getByTestId('detail-text')).toContainText('7×6=');
  await expect(detail.getByTestId('history-value')).toHaveText('42');
  // Its readings have signs: shown, none of them a button, and why.
  const choices = page.getByTestId('detail-choices');
  await expect(choices.getByTestId('alternative').first()).toHaveText(/^7×6= · \d+%$/);
  await expect(choices.getByRole('button', { name: /7×6=/ })).toHaveCount(0);
  await expect(choices.getByTestId('unpickable-note')).toBeVisible();
  // A number typed for it is the correction, with signs kept out: then it is that number, without a value.
  await choices.getByTestId('correction-input').pressSequentially('4+2');
  await expect(choices.getByTestId('correction-input')).toHaveValue('42');
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/recognitions/'));
  await choices.getByTestId('correction-submit').click();
  expect((await saved).status()).toBe(200);
  await expect(detail.getByTestId('detail-text')).toHaveText(/^\s*42✓/);
  await expect(detail.getByTestId('history-value')).toHaveCount(0);
  await page.getByTestId('back-to-list').click();
  await expect(items.getByTestId('history-text')).toHaveText(/^42✓/);
  await expect(items.getByTestId('history-value')).toHaveCount(0);
});

test('@history another user does not see the first user\'s items', async ({ page, browser }) => {
  await openBoard(page);
  await registerAccount(page);
  await writeSeven(page);
  await openHistory(page);
  await expect(async () => {
    await page.getByTestId('close-history').click();
    await openHistory(page);
    await expect(page.getByTestId('history-item')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });

  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    await openBoard(page2);
    await registerAccount(page2);
    await openHistory(page2);
    await expect(page2.getByTestId('history-empty')).toBeVisible();
    await expect(page2.getByTestId('history-item')).toHaveCount(0);
    // Nor by asking for the record itself.
    const id = await page.getByTestId('history-item').getAttribute('data-id');
    const response = await page2.request.get(`/api/recognitions/${id}`);
    expect(response.status()).toBe(404);
  } finally {
    await other.close();
  }
});

test('@history a wrong password shows the server\'s error', async ({ page }) => {
  await openBoard(page);
  const email = await registerAccount(page);
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login')).toBeVisible();

  await page.getByTestId('login').click();
  await page.getByTestId('email').fill(email);
  await page.getByTestId('password').fill('not the password');
  await page.getByTestId('submit-auth').click();
  await expect(page.getByTestId('auth-error')).toHaveText('Wrong email or password');
  await expect(page.getByTestId('account-email')).toHaveCount(0);

  // And the right one works.
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('password').press('Enter');
  await expect(page.getByTestId('account-email')).toHaveText(email);
});

test('@history logging out hides the history', async ({ page }) => {
  await openBoard(page);
  await registerAccount(page);
  await openHistory(page);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('board')).toBeHidden();

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login')).toBeVisible();
  await expect(page.getByTestId('open-history')).toHaveCount(0);
  await expect(page.getByTestId('history-empty')).toHaveCount(0);
  await expect(page.getByTestId('board')).toBeVisible();
  // A history link opened while signed out shows the board.
  await page.goto('/#history');
  await expect(page.getByTestId('login')).toBeVisible();
  await expect(page.getByTestId('history-empty')).toHaveCount(0);
});
