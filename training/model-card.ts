/**
 * npm run model-card -- [--model models/digitnet.onnx] [--training models/training.json]
 *                       [--out docs/model-card.md] [--img docs/img] [--threads N] [--seed model-card]
 *
 * Measures an exported ONNX model through onnxruntime-node (the server's runtime) on MNIST test
 * and on robustness sets built from other sources (training/src/robustness-set.ts), fits a softmax
 * temperature on held-out MNIST training images, draws the charts (training/src/charts.ts) and
 * writes the model card. Reads the manifest and the TF.js twin beside the model when present.
 *
 * The parts, in training/model-card/: context.ts (the command line, the model, its manifest, twin
 * and training record), measure.ts, figures.ts, architecture.ts (layer tables) and render.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadContext, log, posix } from './model-card/context.js';
import { drawFigures } from './model-card/figures.js';
import { measure } from './model-card/measure.js';
import { renderCard } from './model-card/render.js';

const ctx = await loadContext();
const m = await measure(ctx);
const { figures, mistakesShown } = await drawFigures(ctx, m);
const card = await renderCard(ctx, m, figures, mistakesShown);
const { outFile, imgDir, modelFile, sha256 } = ctx;
const { testAccuracy, falseAbstainRate, before, after, temperature, nllBefore, nllAfter, results } = m;
await mkdir(path.dirname(outFile), { recursive: true });
await writeFile(outFile, card);
log(`wrote ${outFile} and ${Object.keys(figures).length} figures in ${imgDir}`);
console.log(
  JSON.stringify(
    {
      model: posix(modelFile),
      sha256,
      mnistTest: { accuracy: testAccuracy, falseAbstainRate, ece: before.ece, eceScaled: after.ece, temperature, nll: nllBefore, nllScaled: nllAfter },
      sets: Object.fromEntries(results.map((r) => [r.set.id, { n: r.n, accuracy: r.set.kind === 'digits' ? r.accuracy : undefined, abstain: r.abstain }])),
    },
    null,
    2,
  ),
);
