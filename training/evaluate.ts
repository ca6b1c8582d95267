/**
 * npm run evaluate -- [--model models/digitnet.onnx] [--limit N] [--threads N]
 *
 * Scores an exported ONNX model on the MNIST test set (10,000 digits) with onnxruntime-node and
 * prints accuracy, per-digit accuracy, the confusion matrix and the false-abstain rate (digits
 * the model called not-a-digit).
 */
import { parseArgs } from 'node:util';
import { LABELS, NUM_CLASSES } from '../common/model-contract.js';
import { evaluateOnnx, type Evaluation } from './src/evaluate-onnx.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/digitnet.onnx' },
    limit: { type: 'string' },
    threads: { type: 'string' },
  },
});

const limit = args.limit === undefined ? undefined : Number(args.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error('--limit must be a positive integer');
const threads = args.threads === undefined ? undefined : Number(args.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads must be a positive integer');

/** The report as text: one block per measure, the confusion matrix with true digits as rows. */
function report(e: Evaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const short = (label: string) => (label === 'not-a-digit' ? 'NaD' : label);
  const width = Math.max(5, String(Math.max(...e.confusion.flat())).length + 1);
  const cell = (s: string | number) => String(s).padStart(width);
  return [
    `model: ${args.model}`,
    `MNIST test images: ${e.count}`,
    `accuracy: ${pct(e.accuracy)} (${Math.round(e.accuracy * e.count)}/${e.count})`,
    `false-abstain rate (digits predicted not-a-digit): ${pct(e.falseAbstainRate)}`,
    '',
    'per-digit accuracy:',
    ...e.perClass.map((c) => `  ${c.label}: ${pct(c.accuracy)} (${c.correct}/${c.count})`),
    '',
    'confusion matrix (rows: true digit, columns: predicted class; NaD = not-a-digit):',
    cell('') + LABELS.slice(0, NUM_CLASSES).map((l) => cell(short(l))).join(''),
    ...e.confusion.map((row, digit) => cell(digit) + row.map(cell).join('')),
  ].join('\n');
}

const evaluation = await evaluateOnnx(args.model!, { limit, threads });
console.log(report(evaluation));
