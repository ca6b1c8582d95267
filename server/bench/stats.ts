/** Percentiles of a list of durations (ms). */
export function summarize(samples: number[]): { n: number; p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { n: s.length, p50: round(at(0.5)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

/**
 * Latency histogram with 10 us bins up to 10 s (longer samples land in the last bin): millions
 * of samples in 4 MB, and load processes can merge theirs exactly.
 */
export class Histogram {
  static readonly BIN_MS = 0.01;
  private readonly bins = new Uint32Array(1_000_000);
  n = 0;
  private sum = 0;
  max = 0;

  add(ms: number): void {
    const v = Math.max(0, ms);
    this.bins[Math.min(this.bins.length - 1, Math.floor(v / Histogram.BIN_MS))]++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** Sparse form for JSON: [bin, count] pairs plus the totals. */
  toJSON(): { bins: number[][]; n: number; sum: number; max: number } {
    const bins: number[][] = [];
    this.bins.forEach((count, i) => count && bins.push([i, count]));
    return { bins, n: this.n, sum: this.sum, max: this.max };
  }

  merge(other: ReturnType<Histogram['toJSON']>): this {
    for (const [i, count] of other.bins) this.bins[i] += count;
    this.n += other.n;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** Same shape as summarize(); a percentile is the upper edge of its bin (at most 10 us high). */
  summary(): { n: number; p50: number; p99: number; mean: number; max: number } {
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const at = (q: number) => {
      const rank = Math.min(this.n, Math.floor(q * this.n) + 1);
      let seen = 0;
      for (let i = 0; i < this.bins.length; i++) if ((seen += this.bins[i]) >= rank) return (i + 1) * Histogram.BIN_MS;
      return this.max;
    };
    return { n: this.n, p50: this.n ? round(at(0.5)) : 0, p99: this.n ? round(at(0.99)) : 0, mean: round(this.sum / Math.max(1, this.n)), max: round(this.max) };
  }
}
