/**
 * Marks already split into digits -> a Decision: each read on its own as its most probable class
 * (a digit, or "not a digit", left out of the text). A chain lattice for common/reading.ts, so
 * that the result carries alternatives like every other reading.
 */
import type { Box } from './preprocess.js';
import { readLattice, type Decision } from './reading.js';

export { round, type Decision } from './reading.js';

/** `outputs[i]` holds mark i's class probabilities, or null when it had no ink (it is left out). */
export function decide(marks: readonly { box: Box }[], outputs: readonly (ArrayLike<number> | null)[]): Decision {
  const kept = marks.flatMap((m, i) => (outputs[i] ? [{ box: m.box, output: outputs[i] }] : []));
  return readLattice(
    kept.length + 1,
    kept.map((m, i) => ({ from: i, to: i + 1, box: m.box, digitPrior: 0, noisePrior: 0 })),
    kept.map((m) => m.output),
  );
}
