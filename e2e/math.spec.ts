/**
 * Numbers as live data (issue 20): an expression written up to its "=" shows its value after it,
 * for everyone on the board, in the writer's colour; a column of numbers with a rule under it
 * shows their sum under the rule, and the sum follows the ink when a digit is erased or the rule
 * undone. Read on this device, the board shows the same values.
 */
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { board, drawStrokes, EQUALS_END, EXPRESSION_MIDDLE, groupLabels, MATH_AREA, mathValues, numberPaths, onPage, openBoard, openRoom, ownColor, SEVEN_TIMES_SIX, writeInMathArea, type Path } from './board.js';

const AREA = MATH_AREA;
const write = writeInMathArea;
const middle = EXPRESSION_MIDDLE;
const { seven: SEVEN, times: TIMES, six: SIX, equals: EQUALS } = SEVEN_TIMES_SIX;

/** A column: 12 over 30 over 7, right-aligned, and a rule under it. */
const ROW = 0.13;
const GAP = 0.07;
const RIGHT = 0.42;
const rowTop = (i: number) => 0.05 + i * (ROW + GAP);
/** A number whose last digit ends near RIGHT (a digit is 0.65 of its height wide, the next starts 0.85 further). */
const rightAligned = (text: string, i: number) => numberPaths(text, RIGHT - ((text.length - 1) * 0.85 + 0.65) * ROW, rowTop(i), ROW);
const TWELVE = rightAligned('12', 0);
const THIRTY = rightAligned('30', 1);
const SEVEN_ROW = rightAligned('7', 2);
/** Under the 7 by about a third of its height, as a rule is drawn. */
const RULE_Y = rowTop(2) + ROW + 0.045;
const RULE_RIGHT = RIGHT + 0.03;
const RULE: Path = [
  [0.12, RULE_Y],
  [RULE_RIGHT, RULE_Y],
];

const contexts: BrowserContext[] = [];
const errors: string[] = [];
/** What the server last told each page about the numbers and sums, for failure messages. */
const heard = new Map<Page, () => string>();

/** A person: their own context (storage, cookies), so their own writer and colour. */
async function newPage(browser: Browser): Promise<Page> {
  // bypassCSP: axe-core is injected as an inline script.
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, bypassCSP: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  heard.set(page, listenToResults(page));
  return page;
}

test.afterEach(async () => {
  heard.clear();
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  expect(errors.splice(0), 'uncaught errors in the pages').toEqual([]);
});

interface HeardGroup {
  id: string;
  result: { text: string; math?: unknown[] };
}

/**
 * Follows the `result` messages the page receives and returns a summary of the board as the
 * server last read it (each number's text and math, and the sums): when a value is missing, the
 * failure says what the reader made of the strokes.
 */
function listenToResults(page: Page): () => string {
  const numbers = new Map<string, { text: string; math?: unknown[] }>();
  let sums: unknown[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const message = JSON.parse(payload) as { type: string; full?: boolean; groups?: HeardGroup[]; removed?: string[]; sums?: unknown[] };
      if (message.type !== 'result') return;
      if (message.full) numbers.clear();
      for (const id of message.removed ?? []) numbers.delete(id);
      for (const g of message.groups ?? []) numbers.set(g.id, { text: g.result.text, math: g.result.math });
      sums = message.sums ?? [];
    });
  });
  return () => `the server read: ${JSON.stringify({ numbers: [...numbers.values()], sums })}`;
}

/** Waits for the page's values to read `texts`; a failure also says what the server read. */
async function expectValues(page: Page, texts: string[]): Promise<void> {
  try {
    await expect(mathValues(page)).toHaveText(texts, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${heard.get(page)?.() ?? ''}`, { cause: error });
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core on the page; fails on any violation, listing them. */
async function expectNoViolations(page: Page): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  expect(violations, 'axe violations on a board with a value').toEqual([]);
}

/** #rrggbb as getComputedStyle gives it. */
function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return box;
}

/** Writes the column (12, 30, 7) and its rule, and waits for its sum. */
async function writeColumn(page: Page): Promise<void> {
  await write(page, [...TWELVE, ...THIRTY, ...SEVEN_ROW]);
  await expect(groupLabels(page)).toHaveText(['12', '30', '7'], { timeout: 10_000 });
  // No rule yet: no sum.
  await expect(mathValues(page)).toHaveCount(0);
  await write(page, [RULE]);
  await expectValues(page, ['49']);
}

test('@math two writers: one writes 7 x 6 =, both see 42 after the =, in the writer\'s colour', async ({ browser }) => {
  const a = await newPage(browser);
  const b = await newPage(browser);
  await openBoard(a);
  await openRoom(b, a.url());
  await expect(a.getByTestId('participants').getByRole('listitem')).toHaveCount(2);

  await write(a, [...SEVEN, ...TIMES, ...SIX, ...EQUALS]);
  const color = rgb(await ownColor(a));
  for (const page of [a, b]) {
    await expect(board(page)).toHaveAttribute('data-stroke-count', String(SEVEN.length + SIX.length + 4));
    await expectValues(page, ['42']);
    const value = mathValues(page);
    await expect(value).toHaveAttribute('data-kind', 'expression');
    await expect(value).toHaveCSS('color', color);
    // After the "=", on its line.
    const [equalsRight, equalsMiddle] = await onPage(page, [EQUALS_END, middle], AREA);
    const box = await boxOf(value);
    expect(box.x).toBeGreaterThan(equalsRight);
    expect(box.y).toBeLessThan(equalsMiddle);
    expect(box.y + box.height).toBeGreaterThan(equalsMiddle);
    // The number's own label reads the expression, and does not repeat the value.
    await expect(groupLabels(page)).toHaveText(['7×6=']);
    // Screen readers hear the expression and its value.
    await expect(page.getByRole('list', { name: 'Values on the board' })).toMatchAriaSnapshot(`
      - list "Values on the board":
        - listitem: 7×6 equals 42
    `);
  }
  await expectNoViolations(b);
});

test('@math a column of three numbers with a rule under it shows their sum under the rule', async ({ browser }) => {
  const page = await newPage(browser);
  await openBoard(page);
  await writeColumn(page);
  const sum = mathValues(page);
  await expect(sum).toHaveAttribute('data-kind', 'sum');
  await expect(sum).toHaveCSS('color', rgb(await ownColor(page)));
  // Under the rule, its right end near the rule's.
  const [ruleRight, ruleY] = await onPage(page, [RULE_RIGHT, RULE_Y], AREA);
  const box = await boxOf(sum);
  expect(box.y).toBeGreaterThan(ruleY);
  expect(Math.abs(box.x + box.width - ruleRight)).toBeLessThan(30);
});

test('@math erasing a number of a column changes its sum; undoing the rule takes the sum away', async ({ browser }) => {
  const page = await newPage(browser);
  await openBoard(page);
  await writeColumn(page);

  // The eraser takes the 1 of the 12: the sum is now 2 + 30 + 7.
  await page.getByTestId('eraser').click();
  const one = TWELVE[0];
  await drawStrokes(page, [[one[Math.floor(one.length / 2)]]], AREA);
  const written = TWELVE.length + THIRTY.length + SEVEN_ROW.length + 1;
  await expect(board(page)).toHaveAttribute('data-stroke-count', String(written - 1));
  await expect(groupLabels(page).first()).toHaveText('2', { timeout: 10_000 });
  await expectValues(page, ['39']);

  // Undo takes back the last stroke written here, the rule: no sum without it.
  await page.keyboard.press('p');
  await page.keyboard.press('Control+z');
  await expect(board(page)).toHaveAttribute('data-stroke-count', String(written - 2));
  await expect(mathValues(page)).toHaveCount(0, { timeout: 10_000 });
});

test('@math @on-device read on this device, the expression and the column show the same values as from the server', async ({ browser }) => {
  const page = await newPage(browser);
  await openBoard(page);
  await page.getByTestId('on-device-toggle').check();
  await expect(page.getByTestId('on-device-choice')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });

  await writeColumn(page);
  await expect(page.getByTestId('result-source')).toHaveAttribute('data-source', 'device');
  await expect(mathValues(page)).toHaveAttribute('data-kind', 'sum');
  // The expression beside it (further right than the column: its own line).
  await write(page, [...SEVEN, ...TIMES, ...SIX, ...EQUALS].map((path) => path.map(([x, y]) => [x + 0.75, y + 0.45] as const)));
  await expect(mathValues(page)).toHaveText(['42', '49'], { timeout: 10_000 });
  await expect(page.getByTestId('result-source')).toHaveAttribute('data-source', 'device');
});
