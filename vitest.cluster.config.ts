import { defineConfig } from 'vitest/config';

/**
 * The cluster suite (npm run test:cluster): redis-server, a throwaway PostgreSQL and two or more
 * built server nodes (dist/) behind a round-robin load balancer; cross-node and fault tests. One
 * file at a time: each starts its own processes on a machine with few cores.
 */
export default defineConfig({
  test: {
    include: ['server/cluster/**/*.cluster.ts'],
    testTimeout: 5 * 60_000,
    hookTimeout: 3 * 60_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    // With WRITE_BENCH=1, writes the cluster figures into docs/benchmarks.md once every file has run.
    globalSetup: ['server/cluster/global-setup.ts'],
  },
});
