/**
 * Labelled image sets for MEASURING the model beyond MNIST (never for training): transformed MNIST
 * *test* images (mnist-transforms.ts), stroke-drawn digits from jittered templates
 * (canvas-digits.ts), digits and letters typeset in the installed fonts (font-sets.ts), and other
 * non-digits for abstention (non-digit-sets.ts).
 *
 * Every image goes through the production preprocessing: strokes through renderStrokes (what
 * boards draw with; the sharp rasterizer of POST /api/recognize draws the same), images through
 * fitImage (the upload path). Each builder is deterministic for its seed (fonts: for the fonts
 * installed on the machine).
 */
import seedrandom from 'seedrandom';

export type SetKind = 'digits' | 'non-digits';

export interface RobustnessSet {
  /** Short identifier, e.g. "mnist-rotate". */
  id: string;
  /** Human name for tables. */
  name: string;
  kind: SetKind;
  /** How the set was made, for the model card. */
  source: string;
  /** 28x28 model inputs, ink high, in [0, 1]. */
  images: Float32Array[];
  /** Digit 0-9, or NOT_A_DIGIT for non-digit sets. */
  labels: number[];
  /** A sub-group per image (font face, letter, shape...) for breakdowns. */
  tags: string[];
}

/** A seeded permutation's first `count` indices of [0, total). */
export function pickIndices(total: number, count: number, seed: string): number[] {
  const rng = seedrandom(seed);
  const idx = Array.from({ length: total }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, Math.min(count, total));
}
