/**
 * Reads the manifest beside the .onnx file and refuses a model this server does not understand
 * (common/model-contract.ts manifestProblems) or a corrupted file (its sha256).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { manifestProblems, type ModelManifest } from '../../../common/model-contract.js';

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
  const problems = manifestProblems(manifest);
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
