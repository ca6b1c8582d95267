/**
 * npx tsx training/split-gated.ts [--model models/digitnet-tfjs] [--out training/members]
 *
 * Takes a gated model's TF.js twin (reader and gate joined by an AbstainGate layer, see
 * training/src/ensemble.ts) apart again: writes <out>/reader and <out>/gate, each an ordinary
 * model (model.json + weights.bin) with the layer names it was trained under, and, when the twin
 * has a training.json beside it (models/training.json for the shipped model), each member's own
 * training record. So the shipped model's members can be fine-tuned (npm run train --
 * --init-from <out>/reader) and joined again (npm run export:onnx -- --model ... --gate <out>/gate)
 * without the run directories they were trained in.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from './src/backend.js';
import { loadModel, saveModel } from './src/checkpoint.js';
import { splitGated } from './src/ensemble.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/digitnet-tfjs' },
    out: { type: 'string', default: 'training/members' },
  },
});

await initBackend('cpu');
const twin = await loadModel(args.model!);
const { reader, gate } = splitGated(twin);
// models/digitnet-tfjs -> models/training.json; <dir>/twin -> <dir>/training.json
const recordFile = path.join(path.dirname(path.resolve(args.model!)), 'training.json');
const record = existsSync(recordFile) ? JSON.parse(await readFile(recordFile, 'utf8')) : null;
const members = record?.kind === 'gated' && Array.isArray(record.members) && record.members.length === 2 ? record.members : null;
for (const [i, [name, model]] of ([['reader', reader], ['gate', gate]] as [string, tf.LayersModel][]).entries()) {
  const dir = path.join(args.out!, name);
  await saveModel(model, dir);
  if (members) await writeFile(path.join(dir, 'training.json'), `${JSON.stringify(members[i], null, 2)}\n`);
  console.log(`wrote ${dir}/model.json, weights.bin${members ? ', training.json' : ''}`);
}
