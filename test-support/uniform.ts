/** A seeded random source (seedrandom's), and the uniform draw the generated sets are made of. */
export type Rng = () => number;

/** A number drawn uniformly from [lo, hi). */
export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();
