/**
 * The client's quality budget, measured (not enforced): how much JavaScript the board costs,
 * gzipped, and how long a cold load takes until the board can be drawn on. Prints the figures;
 * docs/benchmarks.md ("## Client") has them with the date.
 *
 *   npm run build && npx playwright test e2e/budget.spec.ts
 *
 * With WRITE_BENCH=1 it also rewrites the section between <!-- bench:client --> markers there.
 */
import { expect, test } from '@playwright/test';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ASSETS = 'client/dist/assets';
const SAMPLES = 5;
const DOC = 'docs/benchmarks.md';

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
/** What the tests measured, for the doc. */
const figures: { files?: { name: string; gzipped: number }[]; total?: number; english?: number; samples?: number[]; median?: number } = {};

test('@budget the board\'s JavaScript, gzipped', async () => {
  const files = (await readdir(ASSETS)).filter((name) => name.endsWith('.js'));
  // The on-device recognizer (and the onnxruntime wasm it fetches from /ort/) loads only when used.
  const board = files.filter((name) => !name.startsWith('local-recognizer-'));
  let total = 0;
  figures.files = [];
  for (const name of board) {
    const bytes = await readFile(join(ASSETS, name));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    total += gzipped;
    figures.files.push({ name: name.replace(/-[\w-]{8}\.js$/, ''), gzipped });
    console.log(`  ${name}: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
  }
  console.log(`board JS (${board.length} files, local-recognizer excluded): ${(total / 1024).toFixed(1)} KiB gzipped`);
  // The translations (hi, ta) load only in those languages: what an English page loads is the rest.
  let english = 0;
  for (const name of board.filter((n) => !/^(hi|ta)-/.test(n))) english += gzipSync(await readFile(join(ASSETS, name)), { level: 9 }).length;
  console.log(`of which an English page loads: ${(english / 1024).toFixed(1)} KiB gzipped`);
  Object.assign(figures, { total, english });
  test.info().annotations.push({ type: 'budget', description: `board JS ${(total / 1024).toFixed(1)} KiB gzipped` });
  expect(total).toBeGreaterThan(0);
});

test('@budget cold load to an interactive board, median of 5', async ({ browser }) => {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // A new context each time: no HTTP cache, no storage.
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto('/', { waitUntil: 'commit' });
    // performance.now() counts from navigation start; polled every frame until the board's
    // canvas is there and the connection status says online.
    const handle = await page.waitForFunction(
      () => {
        const find = (root: Document | ShadowRoot, selector: string): Element | null => {
          const hit = root.querySelector(selector);
          if (hit) return hit;
          for (const host of root.querySelectorAll('*')) {
            const inner = host.shadowRoot && find(host.shadowRoot, selector);
            if (inner) return inner;
          }
          return null;
        };
        const ready = find(document, 'canvas[data-testid="board"]') && find(document, '[data-testid="status"][data-status="online"]');
        return ready ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 15_000 },
    );
    samples.push((await handle.jsonValue()) as number);
    await context.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`cold load to interactive board: median ${median.toFixed(0)} ms of ${SAMPLES} (${samples.map((s) => s.toFixed(0)).join(', ')})`);
  test.info().annotations.push({ type: 'budget', description: `cold load median ${median.toFixed(0)} ms` });
  Object.assign(figures, { samples, median });
});

test.afterAll(async ({ browser }) => {
  const { files, total, english, samples, median } = figures;
  if (process.env['WRITE_BENCH'] !== '1' || !files || total === undefined || english === undefined || !samples || median === undefined) return;
  const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '<!-- bench:client -->',
    `Made by \`npm run build && WRITE_BENCH=1 npx playwright test e2e/budget.spec.ts\` (the \`@budget\` journeys print`,
    `these figures) on ${now} UTC: ${cpus().length} x ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, Node ${process.version}, Chromium ${browser.version()},`,
    'server and browser on loopback sharing the cores.',
    '',
    '| measure | result |',
    '|---|---|',
    `| board JS, gzipped (\`client/dist/assets/*.js\` minus the lazy \`local-recognizer-*\` chunk; the onnxruntime wasm under \`/ort/\` not counted) | ${kib(total)} KiB in ${files.length} files: ${files.map((f) => `\`${f.name}\` ${kib(f.gzipped)}`).join(', ')}; \`hi\` and \`ta\` load only in those languages |`,
    `| of which an English page loads | ${kib(english)} KiB |`,
    `| cold load to an interactive board (new context, empty cache; navigation start until the board canvas is there and the status says Online), median of ${samples.length} | ${median.toFixed(0)} ms (${samples.map((s) => s.toFixed(0)).join(', ')}) |`,
    '<!-- /bench:client -->',
  ].join('\n');
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf('<!-- bench:client -->');
  const end = doc.indexOf('<!-- /bench:client -->');
  const next = start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + '<!-- /bench:client -->'.length) : `${doc.trimEnd()}\n\n## Client\n\n${section}\n`;
  await writeFile(DOC, next);
});
