/** The model card's figures, drawn as SVG (training/src/charts.ts) and written as PNG. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LABELS } from '../../common/model-contract.js';
import { COLORS, svgDoc, text, writePng } from '../../test-support/svg-doc.js';
import { confusionHeatmap, lineChart, reliabilityPanel, sampleStrips, stackedBars, tileGrid, tileUri, type Tile } from '../src/charts.js';
import { pickIndices } from '../src/robustness-set.js';
import { BINS, log, pct, posix, PX, short, type CardContext } from './context.js';
import type { Measured } from './measure.js';
/** Writes the figures; answers where each is (relative to the card) and how many mistakes the mistakes figure shows. */
export async function drawFigures(ctx: CardContext, m: Measured): Promise<{ figures: Record<string, string>; mistakesShown: number }> {
  const { imgDir, isEnsemble, outFile, runName, runs, seed, training } = ctx;
  const { VAL, after, before, confusion, digitResults, falseAbstainRate, negResults, results, temperature, test, testAccuracy, testTop } = m;
  /* ------------------------------------------------------------------------------------------ */
  /* Figures.                                                                                    */

  log('drawing figures...');
  await mkdir(imgDir, { recursive: true });
  const figures: Record<string, string> = {};
  const fig = async (name: string, svg: string) => {
    const file = path.join(imgDir, name);
    await writePng(svg, file);
    figures[name] = posix(path.relative(path.dirname(outFile), file));
  };

  // Training curves.
  const history = training?.history ?? [];
  const memberColors = [COLORS.blue, COLORS.orange, COLORS.green, COLORS.red, COLORS.grey];
  if (isEnsemble && runs.some((r) => r.history.length)) {
    // One colour per member: its loss (left), its validation accuracy and abstain (right).
    const x = Array.from({ length: Math.max(...runs.map((r) => r.history.length)) }, (_, i) => i + 1);
    const W = 1000, H = 400;
    const color = (i: number) => memberColors[i % memberColors.length];
    const accSeries = runs.flatMap((r, i) => [
      { name: `${runName(r, i)}: val accuracy`, values: r.history.map((h) => h.valAccuracy), color: color(i) },
      { name: `${runName(r, i)}: val abstain`, values: r.history.map((h) => h.valAbstain), color: color(i), dashed: true },
    ]).filter((s) => s.values.every((v) => typeof v === 'number'));
    const lo = Math.min(...accSeries.flatMap((s) => s.values));
    const body =
      lineChart({ x0: 0, y0: 0, w: W / 2, h: H, title: 'Training loss per epoch, per member', x, xLabel: 'epoch', yLabel: 'cross-entropy', series: runs.map((r, i) => ({ name: `${runName(r, i)}: train loss`, values: r.history.map((h) => h.loss), color: color(i) })), yMin: 0, yFormat: (v) => v.toFixed(2) }) +
      lineChart({ x0: W / 2, y0: 0, w: W / 2, h: H, title: 'Validation per epoch, per member', x, xLabel: 'epoch', series: accSeries, yMin: Math.floor(lo * 50) / 50, yMax: 1, yFormat: (v) => `${+(100 * v).toFixed(1)}%` });
    await fig('training-curves.png', svgDoc(W, H, body));
  } else if (history.length) {
    const x = history.map((h) => h.epoch);
    const W = 1000, H = 380;
    const accSeries = [
      { name: 'train accuracy (augmented)', values: history.map((h) => h.accuracy), color: COLORS.orange },
      { name: 'val accuracy (digits)', values: history.map((h) => h.valAccuracy), color: COLORS.blue },
      { name: 'val abstain (negatives)', values: history.map((h) => h.valAbstain), color: COLORS.green, dashed: true },
    ].filter((s) => s.values.every((v) => typeof v === 'number'));
    const lo = Math.min(...accSeries.flatMap((s) => s.values));
    const body =
      lineChart({ x0: 0, y0: 0, w: W / 2, h: H, title: 'Training loss per epoch', x, xLabel: 'epoch', yLabel: 'cross-entropy', series: [{ name: 'train loss', values: history.map((h) => h.loss), color: COLORS.red }], yMin: 0, yFormat: (v) => v.toFixed(2) }) +
      lineChart({ x0: W / 2, y0: 0, w: W / 2, h: H, title: 'Accuracy per epoch', x, xLabel: 'epoch', series: accSeries, yMin: Math.floor(lo * 50) / 50, yMax: 1, yFormat: (v) => `${+(100 * v).toFixed(1)}%` });
    await fig('training-curves.png', svgDoc(W, H, body));
  }

  await fig('confusion-matrix.png', confusionHeatmap(confusion, LABELS.map((l) => (l === 'not-a-digit' ? 'NaD' : l)), `MNIST test confusion matrix (${test.count} digits, accuracy ${pct(testAccuracy)})`));

  // The most confident mistakes on MNIST test.
  const mistakes = Array.from({ length: test.count }, (_, i) => i)
    .filter((i) => !testTop.correct[i])
    .sort((a, b) => testTop.confidence[b] - testTop.confidence[a]);
  const worst = mistakes.slice(0, 36);
  const worstTiles: Tile[] = [];
  for (const i of worst) {
    worstTiles.push({
      uri: await tileUri(test.images.subarray(i * PX, (i + 1) * PX), 3),
      caption: `${test.labels[i]} → ${short(testTop.predicted[i])}`,
      caption2: `p=${testTop.confidence[i].toFixed(3)} · #${i}`,
      bad: true,
    });
  }
  await fig('worst-errors.png', tileGrid(worstTiles, 9, `The ${worst.length} most confident mistakes on MNIST test (of ${mistakes.length})`, 84, 'caption: true → predicted (NaD = not-a-digit); p = the model\'s probability for its answer; # = index in the test set'));

  // Reliability diagrams.
  {
    const W = 960, H = 560;
    const body =
      reliabilityPanel({ x0: 0, y0: 30, w: W / 2, h: H - 30, title: 'As exported (T = 1)', bins: before.bins, ece: before.ece }) +
      reliabilityPanel({ x0: W / 2, y0: 30, w: W / 2, h: H - 30, title: `Temperature-scaled (T = ${temperature.toFixed(2)})`, bins: after.bins, ece: after.ece }) +
      text(W / 2, 20, `Reliability on MNIST test (${BINS} bins); T fitted on the last ${VAL} MNIST training images`, { anchor: 'middle', size: 15, weight: 'bold' });
    await fig('reliability.png', svgDoc(W, H, body));
  }

  // Robustness bars.
  {
    const W = 900;
    const a = stackedBars({
      x0: 0, y0: 0, w: W,
      title: 'Digit sets: what the model answers',
      rows: [{ label: 'MNIST test (all 10,000)', segments: [testAccuracy, 1 - testAccuracy - falseAbstainRate, falseAbstainRate] }, ...digitResults.map((r) => ({ label: r.set.name, segments: [r.accuracy, r.wrongDigit, r.abstain] }))],
      legend: [{ name: 'right digit', color: COLORS.blue }, { name: 'wrong digit', color: COLORS.red }, { name: 'not-a-digit (abstained)', color: COLORS.grey }],
    });
    const b = stackedBars({
      x0: 0, y0: a.height + 10, w: W,
      title: 'Non-digit sets: does the model abstain?',
      rows: negResults.map((r) => ({ label: r.set.name, segments: [r.abstain, 1 - r.abstain] })),
      legend: [{ name: 'not-a-digit (right)', color: COLORS.green }, { name: 'called a digit (wrong)', color: COLORS.red }],
      target: { value: 0.9, label: 'target ≥ 90%' },
    });
    await fig('robustness.png', svgDoc(W, a.height + b.height + 20, a.svg + b.svg));
  }

  // Examples of every set with the model's answers, and the most confident failures.
  {
    const rows = [];
    const failRows = [];
    for (const r of results) {
      const pick = pickIndices(r.n, 14, `${seed}:samples:${r.set.id}`);
      const tiles: Tile[] = [];
      for (const i of pick) {
        const ok = r.predicted[i] === r.set.labels[i];
        tiles.push({ uri: await tileUri(r.set.images[i], 2), caption: r.set.kind === 'digits' ? `${r.set.labels[i]}→${short(r.predicted[i])}` : short(r.predicted[i]), bad: !ok });
      }
      const digits = r.set.kind === 'digits';
      rows.push({ name: r.set.name, detail: digits ? `accuracy ${pct(r.accuracy, 1)}` : `abstain ${pct(r.abstain, 1)}`, tiles });
      // The most confident failures, one per tag (letter, shape, face, letterform...) first, for variety.
      const sorted = Array.from({ length: r.n }, (_, i) => i)
        .filter((i) => r.predicted[i] !== r.set.labels[i])
        .sort((x, y) => r.confidence[y] - r.confidence[x]);
      const seenTags = new Set<string>();
      const firsts = sorted.filter((i) => !seenTags.has(r.set.tags[i]) && seenTags.add(r.set.tags[i]));
      const fails = [...firsts, ...sorted.filter((i) => !firsts.includes(i))].slice(0, 14).sort((x, y) => r.confidence[y] - r.confidence[x]);
      if (fails.length && r.set.id !== 'mnist-offcentre') {
        const ft: Tile[] = [];
        for (const i of fails) ft.push({ uri: await tileUri(r.set.images[i], 2), caption: `${digits ? `${r.set.labels[i]}→` : ''}${short(r.predicted[i])} ${r.confidence[i].toFixed(2).replace(/^0/, '')}`, bad: true });
        failRows.push({ name: r.set.name, detail: `${r.n - Math.round(r.accuracy * r.n)} wrong of ${r.n}`, tiles: ft });
      }
    }
    await fig('robustness-samples.png', sampleStrips(rows, 'A random sample of every robustness set, with the model\'s answers', 48));
    await fig('robustness-failures.png', sampleStrips(failRows, 'The most confident failures in every set, one per letter/shape/face/digit first (true→answer, probability)', 52));
  }

  return { figures, mistakesShown: worst.length };
}
