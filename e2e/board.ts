import { expect, type Locator, type Page } from '@playwright/test';

/** A path in fractions of the board's size: [0, 0] is the top left corner, [1, 1] the bottom right. */
export type Path = ReadonlyArray<readonly [number, number]>;

export const board = (page: Page): Locator => page.getByTestId('board');

/** Opens the app and waits until the WebSocket session is up. */
export async function openBoard(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'online', { timeout: 10_000 });
}

/** Draws each path as one stroke with the mouse: down, a few moves per segment, up. */
export async function drawStrokes(page: Page, paths: readonly Path[]): Promise<void> {
  const box = await board(page).boundingBox();
  if (!box) throw new Error('the board is not visible');
  const at = ([fx, fy]: readonly [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  for (const path of paths) {
    const [first, ...rest] = path;
    if (!first) continue;
    await page.mouse.move(...at(first));
    await page.mouse.down();
    for (const point of rest) await page.mouse.move(...at(point), { steps: 8 });
    await page.mouse.up();
  }
}

/** An ellipse as a closed path, starting at the top and going counter-clockwise like most people write a 0. */
export function ellipse(cx: number, cy: number, rx: number, ry: number, segments = 24): Path {
  return Array.from({ length: segments + 1 }, (_, i) => {
    const angle = -Math.PI / 2 - (i / segments) * Math.PI * 2;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as const;
  });
}

/**
 * Records, in the page, when the pointer goes up and when each recognition arrives (the app's
 * `recognition` event, dispatched as the result is rendered), on the page's own clock.
 */
export async function installLatencyProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { ups: [] as number[], results: [] as { t: number; text: string }[] };
    (window as unknown as { __probe: typeof probe }).__probe = probe;
    window.addEventListener('pointerup', () => probe.ups.push(performance.now()), true);
    window.addEventListener('recognition', (event) => {
      probe.results.push({ t: performance.now(), text: (event as CustomEvent<{ text: string }>).detail.text });
    });
  });
}

/** Milliseconds from the last pen-up to the first non-empty recognition after it. */
export async function lastPenUpToResultMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __probe: { ups: number[]; results: { t: number; text: string }[] } }).__probe;
    const up = probe.ups[probe.ups.length - 1];
    const result = probe.results.find((r) => up !== undefined && r.t >= up && r.text !== '');
    if (up === undefined || !result) throw new Error('no pen-up followed by a result');
    return result.t - up;
  });
}
