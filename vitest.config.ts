import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['common/**/*.test.ts', 'client/src/**/*.test.ts', 'server/test/**/*.test.ts', 'training/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // onnxruntime and the wasm backend each hold sizeable native state: forks keep them apart.
    pool: 'forks',
    // One throwaway PostgreSQL (Debian's package) for the data-layer tests of the whole run.
    globalSetup: ['server/test/global-setup-postgres.ts'],
  },
});
