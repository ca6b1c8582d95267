/** Counts of outcomes and the failures of a fuzz run, printable as a summary. */

export interface Failure {
  /** Where: the session (or case) name, replayable with the run's seed. */
  where: string;
  /** What was sent, abbreviated. */
  sent: string;
  expected: string;
  got: string;
}

export class Tally {
  readonly outcomes = new Map<string, number>();
  readonly failures: Failure[] = [];

  count(outcome: string, n = 1): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + n);
  }

  fail(failure: Failure): void {
    this.failures.push(failure);
    this.count('FAILURE');
  }

  /** Outcomes sorted by count, one per line. */
  lines(): string[] {
    return [...this.outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${String(v).padStart(6)}  ${k}`);
  }
}

/** A short, printable rendering of a frame or body for a failure report. */
export function abbreviate(data: string | Buffer, max = 160): string {
  const text = typeof data === 'string' ? data : `<${data.length} bytes> ${data.subarray(0, 48).toString('hex')}`;
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}... (${text.length} chars)` : JSON.stringify(text);
}
