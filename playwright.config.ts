import { defineConfig } from '@playwright/test';

const PORT = 3123;
const baseURL = `http://127.0.0.1:${PORT}`;

/**
 * Whole user journeys against the built server and client (`npm run test:e2e` builds first).
 * Uses the system Chromium: `npx playwright install` cannot download browsers here.
 */
export default defineConfig({
  testDir: 'e2e',
  retries: 0,
  // One browser at a time: the machine is small and the timings we report should not fight each other.
  workers: 1,
  reporter: 'list',
  timeout: 30_000,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // The app's service worker would answer requests that tests route or count: only the specs
    // about it (offline-first.spec.ts) let it run.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', viewport: { width: 1100, height: 800 } } }],
  webServer: {
    command: 'node dist/server/src/server.js',
    url: `${baseURL}/api/health`,
    env: { PORT: String(PORT), HOST: '127.0.0.1' },
    reuseExistingServer: false,
    timeout: 60_000,
    // The server logs every request on stdout; its stderr (crashes at boot) is worth seeing.
    stderr: 'pipe',
  },
});
