/**
 * Segmentation by recognition: the best readings of a line of marks, chosen by the model.
 *
 * The caller lays out candidate digits as edges of a lattice: nodes 0..N are cut positions in
 * reading order (left to right), and each candidate covers the marks between two of them (one
 * stroke, several strokes merged, a component, a piece of a cut component, the whole image). The
 * model scores every candidate; geometry adds a prior. A reading is a path from node 0 to node N:
 * each candidate on it is read either as a digit or as "not a digit" (left out of the text). The
 * reading with the highest total log-probability wins; the few best distinct texts (each scored by
 * its best segmentation) become the alternatives, with their share of the texts' probability as
 * confidence, so the reading is always the first and most confident.
 *
 * Ink (common/ink-reading.ts) and images (server/src/recognition/image.ts) build their own
 * lattices; this module decides for both, and for the browser's on-device path.
 */
import { NOT_A_DIGIT } from './model-contract.js';
import { toRect, type Box } from './preprocess.js';
import type { DigitResult, Recognition } from './recognition.js';

/** Rounds to `places` decimals: results go over the wire and into snapshots, not raw float noise. */
export const round = (value: number, places = 4): number => Math.round(value * 10 ** places) / 10 ** places;

/** A candidate digit: the marks between lattice nodes `from` < `to`. */
export interface Candidate {
  from: number;
  to: number;
  /** Where it is, in input coordinates. */
  box: Box;
  /** Log-prior of reading this candidate as a digit (geometry); -Infinity: never a digit. */
  digitPrior: number;
  /** Log-prior of reading it as "not a digit" (-Infinity: it must be read, as a digit, or merged). */
  noisePrior?: number;
  /**
   * Too small to be anything but a mark (a tap, a dot): read as "not a digit" by geometry alone,
   * without asking the model (whose reading of a dot blown up to 28x28 means nothing). Its output
   * may be null.
   */
  mark?: boolean;
}

export interface Alternative {
  text: string;
  /** Share of the probability of all the readings found (calibrated, see TEMPERATURE). */
  confidence: number;
}

/** A Recognition without who made it and how long it took. */
export type Decision = Pick<Recognition, 'text' | 'digits' | 'rejected' | 'alternatives'>;

/** Distinct texts offered as alternatives, the first being the reading. */
export const MAX_ALTERNATIVES = 3;
/** Partial readings kept per lattice node. */
const BEAM = 12;
/** Digit classes tried per candidate (besides "not a digit"). */
const CLASSES_TRIED = 3;
/**
 * Scores are divided by this before they are turned into confidences: summed log-probabilities of
 * several candidates are over-confident when the candidates overlap in what they explain.
 */
export const TEMPERATURE = 1.2;
/** Floor on a probability before its log, so that one near-zero class does not dominate a path. */
const P_FLOOR = 1e-6;

interface Choice {
  candidate: number;
  /** A digit 0-9, or NOT_A_DIGIT. */
  label: number;
}

interface Partial {
  score: number;
  picks: Choice[];
}

const logp = (p: number) => Math.log(Math.max(P_FLOOR, p));

/** The few most probable digit classes of an output. */
export function topDigits(p: ArrayLike<number>, count: number): number[] {
  return Array.from({ length: 10 }, (_, d) => d)
    .sort((a, b) => p[b] - p[a])
    .slice(0, count);
}


/**
 * The best reading of a lattice with `nodes` nodes (0..nodes-1), given each candidate's model output
 * (null: the candidate could not be scored, it is skipped). Candidates not on any path from the first
 * node to the last are ignored; when no path exists, nothing is read.
 */
export function readLattice(
  nodes: number,
  candidates: readonly Candidate[],
  outputs: readonly (ArrayLike<number> | null)[],
  /** Log-prior of a boundary between two digits at each node (0 where absent). */
  cutPriors: readonly number[] = [],
): Decision {
  const empty: Decision = { text: '', digits: [], rejected: [], alternatives: [] };
  if (nodes < 2) return empty;
  const outgoing: number[][] = Array.from({ length: nodes }, () => []);
  candidates.forEach((c, i) => {
    if ((outputs[i] || c.mark) && c.from >= 0 && c.to < nodes && c.from < c.to) outgoing[c.from].push(i);
  });
  const beams: Partial[][] = Array.from({ length: nodes }, () => []);
  beams[0].push({ score: 0, picks: [] });
  for (let node = 0; node < nodes - 1; node++) {
    const here = beams[node];
    if (here.length === 0) continue;
    for (const i of outgoing[node]) {
      const c = candidates[i];
      const options = c.mark ? [{ label: NOT_A_DIGIT, score: c.noisePrior ?? 0 }] : readings(c, outputs[i]!);
      const next = beams[c.to];
      const cut = c.to < nodes - 1 ? (cutPriors[c.to] ?? 0) : 0;
      for (const o of options) for (const partial of here) next.push({ score: partial.score + o.score + cut, picks: [...partial.picks, { candidate: i, label: o.label }] });
      if (next.length > 4 * BEAM) prune(next);
    }
    // Nodes are visited in order, so every edge into a later node is in once this node is done.
    if (node + 1 < nodes) prune(beams[node + 1]);
  }
  const finals = beams[nodes - 1];
  if (finals.length === 0) return empty;
  prune(finals);
  return decision(candidates, outputs, finals);
}

/** The ways to read a candidate (its likeliest digits, and "not a digit") with their log-scores. */
function readings(c: Candidate, p: ArrayLike<number>): { label: number; score: number }[] {
  const options: { label: number; score: number }[] = [];
  if (c.digitPrior > -Infinity) for (const d of topDigits(p, CLASSES_TRIED)) options.push({ label: d, score: logp(p[d]) + c.digitPrior });
  const noisePrior = c.noisePrior ?? 0;
  if (noisePrior > -Infinity) options.push({ label: NOT_A_DIGIT, score: logp(p[NOT_A_DIGIT]) + noisePrior });
  return options;
}

/** Keeps the BEAM best partial readings, best first. */
function prune(beam: Partial[]): void {
  beam.sort((a, b) => b.score - a.score);
  if (beam.length > BEAM) beam.length = BEAM;
}

function textOf(picks: readonly Choice[]): string {
  return picks
    .filter((k) => k.label !== NOT_A_DIGIT)
    .map((k) => k.label)
    .join('');
}

function decision(candidates: readonly Candidate[], outputs: readonly (ArrayLike<number> | null)[], finals: readonly Partial[]): Decision {
  const best = finals[0];
  // A text counts by its best segmentation: a wrong text that many cuts spell (a touching 0 cut
  // anywhere) gains nothing from their number. Confidence is its share among the texts found.
  const byText = new Map<string, { weight: number }>();
  for (const f of finals) {
    const text = textOf(f.picks);
    // finals are best first: a text's first reading is its best one.
    if (!byText.has(text)) byText.set(text, { weight: Math.exp((f.score - best.score) / TEMPERATURE) });
  }
  const total = [...byText.values()].reduce((sum, t) => sum + t.weight, 0);
  // Map order is first insertion, and finals are best first: the reading comes first, the most confident.
  const ranked = [...byText.entries()].map(([text, t]) => [text, t.weight / total] as const);
  // Texts whose share rounds to nothing are no alternative worth offering.
  const alternatives = ranked
    .slice(0, MAX_ALTERNATIVES)
    .map(([text, confidence]) => ({ text, confidence: round(confidence) }))
    .filter((a, k) => k === 0 || a.confidence > 0);
  const digits: DigitResult[] = [];
  const rejected: Recognition['rejected'] = [];
  for (const { candidate, label } of best.picks) {
    const c = candidates[candidate];
    const p = outputs[candidate];
    if (label === NOT_A_DIGIT || !p) {
      rejected.push({ box: toRect(c.box), notDigitProbability: p && !c.mark ? round(p[NOT_A_DIGIT], 6) : 1 });
      continue;
    }
    const probabilities = Array.from({ length: 10 }, (_, k) => round(p[k], 6));
    digits.push({ digit: label, confidence: probabilities[label], probabilities, box: toRect(c.box) });
  }
  return { text: digits.map((d) => d.digit).join(''), digits, rejected, alternatives };
}

/** A mark less tall than this, for the line's height, is never a digit (a dash, an arrow's shaft). */
export const MIN_DIGIT_HEIGHT = 0.3;

/**
 * How plausible a mark is as one digit of a line whose digits are `lineHeight` tall, as a log-prior
 * (0: nothing against it). Digits are at least about half the line's height and seldom much wider
 * than high. `minExtent`: marks smaller than this are never digits (taps, dots).
 */
export function digitPrior(box: Box, lineHeight: number, minExtent: number): number {
  const w = box.maxX - box.minX, h = box.maxY - box.minY;
  if (Math.max(w, h) < minExtent) return -Infinity;
  const H = Math.max(lineHeight, minExtent);
  let prior = 0;
  const rel = h / H;
  if (rel < MIN_DIGIT_HEIGHT) return -Infinity;
  if (rel < 0.6) prior -= 12 * (0.6 - rel);
  const aspect = w / Math.max(h, minExtent);
  if (aspect > 0.95) prior -= 10 * (aspect - 0.95);
  if (w / H > 1) prior -= 10 * (w / H - 1);
  return prior;
}

/**
 * How plausible it is that marks with an empty gap `innerGap` between them (the widest, across the
 * candidate) make one mark at all, digit or not: the parts of a digit or a letter touch or nearly.
 */
export const gapPrior = (innerGap: number, lineHeight: number): number => -20 * Math.max(0, innerGap / Math.max(lineHeight, 1e-9) - 0.1);

/**
 * How plausible a boundary between two digits is where the ink on its left reaches `overlap` past
 * the start of the ink on its right (negative: a gap): neighbouring digits seldom overlap much.
 */
export const cutPrior = (overlap: number, lineHeight: number): number => -10 * Math.max(0, overlap / Math.max(lineHeight, 1e-9) - 0.05);
