import { defineConfig } from 'vitest/config';

/**
 * The fuzz suite (npm run test:fuzz): hostile input against the built server as a child
 * process. Apart from the unit tests (vitest.config.ts): it takes minutes and needs dist/.
 */
export default defineConfig({
  test: {
    include: ['server/fuzz/**/*.fuzz.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
