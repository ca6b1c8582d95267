/**
 * Figures the cluster tests measure (fan-out across nodes, recovery times, peak RSS), collected
 * in a folder for the run; global-setup.ts writes them into docs/benchmarks.md at the end.
 * A test records its figures only after its assertions passed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Figures = Record<string, number | string>;

export function recordFigures(dir: string, group: string, figures: Figures): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${group}.json`), JSON.stringify(figures, null, 2));
}

export function readFigures(dir: string): Record<string, Figures> {
  const out: Record<string, Figures> = {};
  if (!existsSync(dir)) return out;
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  for (const n of names) out[n.slice(0, -5)] = JSON.parse(readFileSync(path.join(dir, n), 'utf8'));
  return out;
}
