/**
 * How both board stores compact (room-store.ts rewrites a file, prisma-room-store.ts deletes rows
 * in a transaction): a compaction that fails leaves the board as it was, so the failure is
 * counted and reported, never thrown into the store's work.
 */

export interface CompactionStats {
  compactions: number;
  compactionFailures: number;
}

/** Runs `compact`; on failure counts it and calls `failed` (which lets the store try again later). */
export async function compactQuietly(stats: CompactionStats, compact: () => Promise<void>, failed: (err: unknown) => void): Promise<void> {
  try {
    await compact();
    stats.compactions++;
  } catch (err) {
    stats.compactionFailures++;
    failed(err);
  }
}
