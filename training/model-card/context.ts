/** The model card's inputs: the command line, the model file, its manifest, TF.js twin and training record. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as ort from 'onnxruntime-node';
import { INPUT_SIZE, NOT_A_DIGIT, NUM_CLASSES, type ModelManifest } from '../../common/model-contract.js';

export const PX = INPUT_SIZE * INPUT_SIZE;
export const C = NUM_CLASSES;
/** Bins of the reliability diagrams. */
export const BINS = 15;
const started = performance.now();
/** Seconds since the card was started. */
export const elapsed = () => (performance.now() - started) / 1000;
export const log = (msg: string) => console.log(`[${elapsed().toFixed(1).padStart(5)} s] ${msg}`);
export const pct = (x: number, d = 2) => `${(100 * x).toFixed(d)}%`;
export const short = (c: number) => (c === NOT_A_DIGIT ? 'NaD' : String(c));
export const posix = (p: string) => p.split(path.sep).join('/');

export interface TimeToAccuracy {
  target: number;
  firstEpochAtTarget: { epoch: number; seconds: number } | null;
  epochs: { epoch: number; seconds: number; mnistTestAccuracy: number; mnistTestFalseAbstainRate: number; mnistTestCount: number }[];
}
export interface Training {
  command?: string;
  date?: string;
  backend?: string;
  seconds?: number;
  parameters?: number;
  config?: Record<string, unknown>;
  history: Record<string, number>[];
  /** The run's directory (export-onnx.ts records it). */
  dir?: string;
  /** training/time-to-accuracy.ts's measurements of the run's epoch models, when kept. */
  timeToAccuracy?: TimeToAccuracy;
  /** An ensemble's record (export-onnx.ts with several --model): one record per member. */
  kind?: string;
  combine?: string;
  members?: Training[];
}

export type CardContext = Awaited<ReturnType<typeof loadContext>>;

/** Reads the command line (see training/model-card.ts) and what is known about the model. */
export async function loadContext() {
  const { values: args } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/digitnet.onnx' },
      training: { type: 'string' },
      out: { type: 'string', default: 'docs/model-card.md' },
      img: { type: 'string', default: 'docs/img' },
      threads: { type: 'string' },
      seed: { type: 'string', default: 'model-card' },
    },
  });


  const modelFile = args.model!;
  if (!existsSync(modelFile)) throw new Error(`${modelFile} not found: export a model first (npm run export:onnx -- --manifest)`);
  const modelDir = path.dirname(modelFile);
  const outFile = args.out!;
  const imgDir = args.img!;
  const threads = args.threads === undefined ? undefined : Number(args.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads must be a positive integer');
  const seed = args.seed!;
  // models/training.json is the committed copy of the shipped model's training record.
  const trainingFile = args.training ?? ['models/training.json', 'training/output/training.json'].find((f) => existsSync(f));

  const command = ['npm run model-card --', `--model ${posix(modelFile)}`, trainingFile ? `--training ${posix(trainingFile)}` : '']
    .concat(outFile !== 'docs/model-card.md' ? [`--out ${posix(outFile)}`] : [], imgDir !== 'docs/img' ? [`--img ${posix(imgDir)}`] : [], seed !== 'model-card' ? [`--seed ${seed}`] : [])
    .filter(Boolean)
    .join(' ');
  /* ------------------------------------------------------------------------------------------ */
  /* The model and what is known about it.                                                       */

  const onnxBytes = await readFile(modelFile);
  const sha256 = createHash('sha256').update(onnxBytes).digest('hex');
  const manifestFile = path.join(modelDir, 'manifest.json');
  const manifest: ModelManifest | null = existsSync(manifestFile) ? JSON.parse(await readFile(manifestFile, 'utf8')) : null;
  if (manifest && manifest.sha256 !== sha256) console.warn(`warning: ${manifestFile} describes another file (sha256 differs)`);
  const tfjsFile = path.join(modelDir, `${path.basename(modelFile, '.onnx')}-tfjs`, 'model.json');
  const tfjs = existsSync(tfjsFile) ? JSON.parse(await readFile(tfjsFile, 'utf8')) : null;

  async function readTraining(): Promise<{ training: Training | null; source: string }> {
    if (trainingFile) {
      const t = JSON.parse(await readFile(trainingFile, 'utf8'));
      // training.json, or a checkpoint's progress.json (same history, elapsedSeconds for seconds).
      const normal = (r: Record<string, any>): Training => ({ ...r, seconds: r.seconds ?? r.elapsedSeconds, history: Array.isArray(r.history) ? r.history : [] });
      return {
        training: { ...normal(t), members: Array.isArray(t.members) ? t.members.map(normal) : undefined },
        source: posix(trainingFile),
      };
    }
    if (manifest) {
      const m = manifest.training;
      return { training: { ...m, config: { epochs: m.epochs, seed: m.seed }, history: [] }, source: posix(manifestFile) };
    }
    return { training: null, source: 'none' };
  }
  const { training, source: trainingSource } = await readTraining();
  /** The training runs behind the model: one, or an ensemble's members. */
  const runs: Training[] = training?.members?.length ? training.members : training ? [training] : [];
  const isEnsemble = runs.length > 1;
  /** A gated model (export-onnx.ts --gate): member 1 reads the digit, member 2 decides "not a digit". */
  const isGated = training?.kind === 'gated';
  const runName = (r: Training, i: number) => (isGated ? (i === 0 ? 'reader, ' : 'gate, ') : '') + `seed ${String(r.config?.seed ?? '?')}${runs.filter((o) => o.config?.seed === r.config?.seed).length > 1 ? ` (#${i + 1})` : ''}`;

  const sessionOptions: ort.InferenceSession.SessionOptions = threads ? { intraOpNumThreads: threads } : {};
  return { modelFile, modelDir, outFile, imgDir, threads, seed, trainingFile, command, onnxBytes, sha256, manifestFile, manifest, tfjsFile, tfjs, training, trainingSource, runs, isEnsemble, isGated, runName, sessionOptions };
}
