import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { drawStrokes, failOnPageErrors, groupLabels, installLatencyProbe, lastPenUpToResultMs, ONE_LEFT, openBoard, type Path, SEVEN_RIGHT } from './board.js';

const SEVEN: Path = [
  [0.3, 0.22],
  [0.7, 0.22],
  [0.45, 0.8],
];

failOnPageErrors(test);

const resultText = (page: Page) => page.getByTestId('result-text');
const resultSource = (page: Page) => page.getByTestId('result-source');

/** The recognizer has loaded: onnxruntime-web, its wasm and the model. */
async function expectOnDeviceReady(page: Page): Promise<void> {
  await expect(page.getByTestId('on-device-choice')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
}

test('on-device recognition chosen by the user, and remembered', async ({ page }) => {
  const runtimeRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (/\.(wasm|mjs)$/.test(url.pathname)) runtimeRequests.push(url.origin === new URL(page.url()).origin ? url.pathname : url.href);
  });
  await openBoard(page);
  await expect(page.getByTestId('on-device')).toHaveCount(0);

  await page.getByTestId('on-device-toggle').check();
  await expect(page.getByTestId('on-device')).toBeVisible();
  await expectOnDeviceReady(page);
  await installLatencyProbe(page);

  await drawStrokes(page, [SEVEN]);
  await expect(resultText(page)).toHaveText('7', { timeout: 5_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'device');
  await expect(resultSource(page)).toHaveText('On this device');
  const ms = await lastPenUpToResultMs(page);
  test.info().annotations.push({ type: 'latency', description: `on-device pen-up to result: ${ms.toFixed(1)} ms` });
  console.log(`on-device pen-up to result: ${ms.toFixed(1)} ms`);

  // The runtime came from our server (versioned path), never from a CDN.
  expect(runtimeRequests.sort()).toEqual([
    expect.stringMatching(/^\/ort\/[\d.]+\/ort-wasm-simd-threaded\.mjs$/),
    expect.stringMatching(/^\/ort\/[\d.]+\/ort-wasm-simd-threaded\.wasm$/),
  ]);

  // The choice survives a reload.
  await page.reload();
  await expect(page.getByTestId('on-device-toggle')).toBeChecked();
  await expect(page.getByTestId('on-device')).toBeVisible();

  // And switching back hands recognition to the server.
  await page.getByTestId('on-device-toggle').uncheck();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(page.getByTestId('on-device')).toHaveCount(0);
  await drawStrokes(page, [SEVEN]);
  await expect(resultText(page)).toHaveText('7', { timeout: 5_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'server');
});

test('@offline keeps recognizing on the device while the server is unreachable, then resends the ink', async ({ page, context }) => {
  // Every WebSocket of the page goes through here: proxied to the server, or refused while "offline".
  let reachable = true;
  let current: WebSocketRoute | undefined;
  await page.routeWebSocket('**/ws', (ws) => {
    if (!reachable) {
      void ws.close({ code: 1011, reason: 'unreachable' });
      return;
    }
    current = ws;
    ws.connectToServer();
  });
  await openBoard(page);

  // Online: the server recognizes; the first pen-down also loads the on-device recognizer.
  await drawStrokes(page, [ONE_LEFT]);
  await expect(resultText(page)).toHaveText('1', { timeout: 5_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'server');
  await expectOnDeviceReady(page);

  // The network goes away, taking the open socket with it.
  reachable = false;
  await context.setOffline(true);
  await current?.close({ code: 1001, reason: 'gone' });
  await expect(page.getByTestId('status')).not.toHaveAttribute('data-status', 'online');
  await expect(page.getByTestId('on-device')).toBeVisible();

  await installLatencyProbe(page);
  await drawStrokes(page, [SEVEN_RIGHT]);
  await expect(resultText(page)).toHaveText('17', { timeout: 5_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'device');
  // Numbers are labelled beside the ink offline too (grouped and read on this device).
  await expect(groupLabels(page)).toHaveText(['17']);
  const ms = await lastPenUpToResultMs(page);
  console.log(`offline, on-device pen-up to result: ${ms.toFixed(1)} ms`);

  // Back online: the ink drawn meanwhile reaches the server, which answers for all of it.
  reachable = true;
  await context.setOffline(false);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'server', { timeout: 5_000 });
  await expect(resultText(page)).toHaveText('17');
  await expect(groupLabels(page)).toHaveText(['17']);
  await expect(page.getByTestId('on-device')).toHaveCount(0);
});

test('says so when on-device recognition cannot start, and the server keeps answering', async ({ page }) => {
  await page.route('**/ort/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await openBoard(page);
  await page.getByTestId('on-device-toggle').check();
  await expect(page.getByTestId('on-device-error')).toHaveText(
    'On-device recognition is unavailable: the recognition engine could not start in this browser',
  );
  await expect(page.getByTestId('on-device')).toHaveCount(0);

  await drawStrokes(page, [SEVEN]);
  await expect(resultText(page)).toHaveText('7', { timeout: 5_000 });
  await expect(resultSource(page)).toHaveAttribute('data-source', 'server');
});
