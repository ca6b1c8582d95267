import { expect, test, type Page } from '@playwright/test';
import { drawStrokes, failOnPageErrors, groupLabels, installLatencyProbe, lastPenUpToResultMs, type Path } from './board.js';
import { OwnServer } from './own-server.js';

// The service worker is what this file is about (the config blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });
failOnPageErrors(test);
// Each test starts its own server (about 5 s on this machine), one of them twice.
test.setTimeout(90_000);

const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];

const status = (page: Page) => page.getByTestId('status');
const resultText = (page: Page) => page.getByTestId('result-text');
const strokeCount = (page: Page) => page.getByTestId('board').getAttribute('data-stroke-count');

let server: OwnServer;

test.beforeEach(async () => {
  server = new OwnServer(3124);
  await server.start();
});

test.afterEach(async () => {
  await server.dispose();
});

/** The service worker controls the page: it has installed, so the app, the model and the runtime are cached. */
async function expectOfflineReady(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  const cached = await page.evaluate(async () => {
    const urls = [...(await (await caches.open('digitboard-model')).keys()), ...(await (await caches.open('digitboard-ort')).keys())];
    return urls.map((request) => new URL(request.url).pathname).sort();
  });
  expect(cached).toEqual(['/api/model', '/api/model.onnx', expect.stringMatching(/^\/ort\/[\d.]+\/ort-wasm-simd-threaded\.mjs$/), expect.stringMatching(/^\/ort\/[\d.]+\/ort-wasm-simd-threaded\.wasm$/)]);
}

test('@offline-first the server stops mid-session: the page reloads, reads on the device at once, and the ink reaches the others once', async ({ browser }) => {
  const writer = await browser.newContext({ baseURL: server.baseURL });
  const other = await browser.newContext({ baseURL: server.baseURL });
  const page = await writer.newPage();
  const theirs = await other.newPage();

  // First visit, online: nothing ticked, nothing drawn.
  await page.goto('/');
  await expect(status(page)).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page).toHaveURL(/\/r\/[\w-]{22}$/);
  const room = new URL(page.url()).pathname;
  await expectOfflineReady(page);
  await theirs.goto(room);
  await expect(status(theirs)).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page.getByTestId('on-device-toggle')).not.toBeChecked();

  // The server goes away mid-session.
  await server.stop();
  await expect(status(page)).toHaveAttribute('data-status', 'offline');
  await expect(page.getByTestId('offline-notice')).toBeVisible({ timeout: 5_000 });
  await expect(page.getByTestId('on-device')).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });

  // A digit is read on this device within a second, without ticking anything.
  await installLatencyProbe(page);
  await drawStrokes(page, [SEVEN]);
  await expect(resultText(page)).toHaveText('7', { timeout: 1_000 });
  await expect(page.getByTestId('result-source')).toHaveAttribute('data-source', 'device');
  const ms = await lastPenUpToResultMs(page);
  console.log(`offline, server stopped: pen-up to on-device reading ${ms.toFixed(1)} ms`);

  // With the server still down, the page loads again (from the service worker), keeps the ink
  // (IndexedDB) and reads it on the device, again without a click.
  await page.reload();
  await expect(page.getByTestId('offline-notice')).toBeVisible({ timeout: 5_000 });
  expect(await strokeCount(page)).toBe('1');
  await expect(resultText(page)).toHaveText('7', { timeout: 10_000 });
  await expect(page.getByTestId('on-device-toggle')).not.toBeChecked();

  // The server is back: the ink written offline reaches the other participant, once.
  await server.start();
  await expect(status(page)).toHaveAttribute('data-status', 'online', { timeout: 15_000 });
  await expect(status(theirs)).toHaveAttribute('data-status', 'online', { timeout: 15_000 });
  await expect(groupLabels(theirs)).toHaveText(['7'], { timeout: 5_000 });
  await expect(theirs.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
  await expect(page.getByTestId('result-source')).toHaveAttribute('data-source', 'server', { timeout: 5_000 });
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);

  // Nothing is left waiting in IndexedDB, so a later load sends nothing twice.
  await page.reload();
  await expect(status(page)).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
  await expect(theirs.getByTestId('board')).toHaveAttribute('data-stroke-count', '1');
  await expect(groupLabels(theirs)).toHaveText(['7']);

  await writer.close();
  await other.close();
});

test('@offline-first installable: a web app manifest with icons, served by the app', async ({ page }) => {
  await page.goto(`${server.baseURL}/`);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = (await (await page.request.get(new URL(href!, server.baseURL).href)).json()) as {
    name: string;
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({ name: 'Digitboard', start_url: '/', display: 'standalone' });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const response = await page.request.get(new URL(icon.src, server.baseURL).href);
    expect(response.headers()['content-type']).toBe('image/png');
  }
});
