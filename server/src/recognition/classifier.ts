/**
 * What recognition needs from a model: classify one input, and the model's version to stamp on
 * the result. The inference plugin provides it (plugins/inference.ts); tests can fake it.
 */
import type { ModelManifest } from '../../../common/model-contract.js';

export interface Classifier {
  manifest: ModelManifest;
  /** Classifies one 28x28 input; resolves with NUM_CLASSES probabilities. */
  classify(image: Float32Array): Promise<Float32Array>;
}
