/**
 * Picks the fastest TF.js backend available: tfjs-node (native, an optional dependency that
 * cannot install offline) or the wasm backend with our extra gradient kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmGradients } from './wasm-kernels.js';

export async function initBackend(prefer?: string): Promise<string> {
  if (!prefer || prefer === 'tensorflow') {
    try {
      await import('@tensorflow/tfjs-node' as string);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // Not installed (the usual case offline): fall through to wasm.
    }
  }
  if (prefer === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmGradients();
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
  await tf.ready();
  return 'wasm';
}
