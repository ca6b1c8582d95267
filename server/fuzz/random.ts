/** Seeded randomness for the fuzz run: every choice comes from one PRNG per session, so a seed reproduces. */
import seedrandom from 'seedrandom';

export interface Random {
  /** [0, 1) */
  next(): number;
  /** An integer in [lo, hi] */
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: [[weight, item], ...]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T;
  bytes(n: number): Buffer;
}

export function random(seed: string): Random {
  const prng = seedrandom(seed);
  const r: Random = {
    next: () => prng(),
    int: (lo, hi) => lo + Math.floor(prng() * (hi - lo + 1)),
    chance: (p) => prng() < p,
    pick: (items) => items[Math.floor(prng() * items.length)],
    weighted: (items) => {
      const total = items.reduce((s, [w]) => s + w, 0);
      let x = prng() * total;
      for (const [w, item] of items) {
        x -= w;
        if (x < 0) return item;
      }
      return items[items.length - 1][1];
    },
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(prng() * 256);
      return out;
    },
  };
  return r;
}

/** The run's seed: FUZZ_SEED, or a fresh one (printed, so that a failure can be replayed). */
export function runSeed(): string {
  return process.env.FUZZ_SEED || `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
