/**
 * Reads the manifest beside the .onnx file and refuses a model this server does not understand
 * (another input contract, other labels, another preprocessing version, a corrupted file).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  INPUT_NAME,
  INPUT_SIZE,
  LABELS,
  MANIFEST_VERSION,
  OUTPUT_NAME,
  PREPROCESSING_VERSION,
  type ModelManifest,
} from '../../../common/model-contract.js';

export class ModelRefusedError extends Error {
  override name = 'ModelRefusedError';
}

export interface LoadedModel {
  manifest: ModelManifest;
  bytes: Buffer;
  path: string;
}

/** Loads `<dir>/manifest.json` and the model file it names, checking every contract field. */
export async function loadModelFile(modelPath: string): Promise<LoadedModel> {
  const manifestPath = path.join(path.dirname(modelPath), 'manifest.json');
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    throw new ModelRefusedError(`Cannot read model manifest ${manifestPath}: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => ok || problems.push(what);
  expect(manifest.manifestVersion === MANIFEST_VERSION, `manifestVersion ${manifest.manifestVersion} (this server reads ${MANIFEST_VERSION})`);
  expect(manifest.preprocessingVersion === PREPROCESSING_VERSION, `preprocessingVersion ${manifest.preprocessingVersion} (this server prepares inputs as version ${PREPROCESSING_VERSION})`);
  expect(manifest.input?.name === INPUT_NAME, `input name ${manifest.input?.name} (expected ${INPUT_NAME})`);
  expect(JSON.stringify(manifest.input?.shape) === JSON.stringify([-1, INPUT_SIZE, INPUT_SIZE, 1]), `input shape ${JSON.stringify(manifest.input?.shape)}`);
  expect(manifest.input?.layout === 'NHWC' && manifest.input?.polarity === 'ink-high', 'input layout/polarity (expected NHWC, ink-high)');
  expect(JSON.stringify(manifest.input?.range) === '[0,1]', `input range ${JSON.stringify(manifest.input?.range)}`);
  expect(manifest.output?.name === OUTPUT_NAME && manifest.output?.kind === 'softmax', `output ${manifest.output?.name}/${manifest.output?.kind}`);
  expect(JSON.stringify(manifest.labels) === JSON.stringify(LABELS), `labels ${JSON.stringify(manifest.labels)}`);
  if (problems.length > 0) {
    throw new ModelRefusedError(`Refusing model ${manifestPath}: ${problems.join('; ')}`);
  }
  const bytes = await readFile(modelPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new ModelRefusedError(`Refusing model ${modelPath}: sha256 ${sha256} does not match the manifest's ${manifest.sha256}`);
  }
  return { manifest, bytes, path: modelPath };
}
