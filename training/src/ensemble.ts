/**
 * Ensembles of trained digit models: the TF.js twins of ensemble and gated ONNX exports.
 *
 * `ensembleModel` puts N sequential models side by side on one input and averages their outputs
 * with TF.js's own Average layer, as one functional LayersModel. Saved with saveModel it is an
 * ordinary model.json + weights.bin, so everything that loads the shipped model's TF.js twin
 * (the parity tests, the benchmark, the model card) loads an ensemble twin unchanged, and
 * exportOnnx translates it (training/src/onnx-export.ts recognises the Average of chains).
 * The average is computed by TF.js, independently of the exporter's ONNX Mean node: the parity
 * test compares two implementations, not one with itself.
 */
import * as tf from '@tensorflow/tfjs';
import { AbstainGate } from '../../common/abstain-gate.js';
import { memberChains, OnnxExportError } from './onnx-export.js';

/** Mean of N models' outputs as one TF.js model; members' layers are renamed m1_..., m2_... */
export function ensembleModel(models: tf.LayersModel[], name = 'digitnet_ensemble'): tf.LayersModel {
  if (models.length < 2) throw new OnnxExportError('An ensemble needs at least two models');
  const shape = models[0].inputs[0].shape;
  const input = tf.input({ shape: shape.slice(1) as number[], name: 'image' });
  const outputs = models.map((m, i) => {
    if (JSON.stringify(m.inputs[0].shape) !== JSON.stringify(shape)) {
      throw new OnnxExportError(`Model ${i + 1} takes input shape ${JSON.stringify(m.inputs[0].shape)}, model 1 ${JSON.stringify(shape)}`);
    }
    const chains = memberChains(m);
    if (chains.length !== 1) throw new OnnxExportError(`Model ${i + 1} is already an ensemble: pass its members instead`);
    return applyChain(input, chains[0], `m${i + 1}_`);
  });
  const shapes = outputs.map((o) => JSON.stringify(o.shape));
  if (new Set(shapes).size !== 1) throw new OnnxExportError(`Members output different shapes: ${shapes.join(', ')}`);
  const mean = tf.layers.average({ name: 'ensemble_mean' }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: mean, name });
}

/** The reader and the gate side by side on one input, joined by an AbstainGate layer. */
export function gatedModel(reader: tf.LayersModel, gate: tf.LayersModel, name = 'digitnet_gated'): tf.LayersModel {
  const shape = reader.inputs[0].shape;
  for (const [what, model] of [['gate', gate], ['reader', reader]] as const) {
    if (JSON.stringify(model.inputs[0].shape) !== JSON.stringify(shape) || JSON.stringify(model.outputs[0].shape) !== JSON.stringify(reader.outputs[0].shape)) {
      throw new OnnxExportError(`The ${what} and the reader must share input and output shapes`);
    }
    if (memberChains(model).length !== 1) throw new OnnxExportError(`The ${what} must be one sequential model, not an ensemble`);
  }
  const input = tf.input({ shape: shape.slice(1) as number[], name: 'image' });
  const branches = [applyChain(input, memberChains(reader)[0], 'reader_'), applyChain(input, memberChains(gate)[0], 'gate_')];
  const output = new AbstainGate({ name: 'abstain_gate' }).apply(branches) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name });
}

/**
 * A gated model taken apart: the reader and the gate as models of their own, with the layer names
 * they had before gatedModel prefixed them (so split and joined again, the twin is the same).
 */
export function splitGated(model: tf.LayersModel): { reader: tf.LayersModel; gate: tf.LayersModel } {
  const last = model.layers.at(-1);
  const chains = memberChains(model);
  if (!(last instanceof AbstainGate) || chains.length !== 2) throw new OnnxExportError('Not a gated model: expected a reader and a gate joined by an AbstainGate layer');
  const [reader, gate] = chains.map((chain, i) => {
    const prefix = i === 0 ? 'reader_' : 'gate_';
    const input = tf.input({ shape: model.inputs[0].shape.slice(1) as number[], name: 'image' });
    const output = applyChain(input, chain, '', (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : name));
    return tf.model({ inputs: input, outputs: output, name: 'digitnet' });
  });
  return { reader, gate };
}

/**
 * Applies copies of `layers` (a sequential chain) to `input`: same classes, configurations and
 * weights, names renamed and prefixed so that several chains can live in one model.
 */
export function applyChain(input: tf.SymbolicTensor, layers: tf.layers.Layer[], prefix: string, rename = (name: string) => name): tf.SymbolicTensor {
  let y = input;
  for (const layer of layers) {
    const { batchInputShape: _b, inputShape: _i, ...config } = layer.getConfig() as Record<string, unknown>;
    // Same class, same configuration (initializers are serialized dicts the constructors accept), new name.
    const Layer = layer.constructor as new (args: Record<string, unknown>) => tf.layers.Layer;
    const copy = new Layer({ ...config, name: `${prefix}${rename(layer.name)}` });
    y = copy.apply(y) as tf.SymbolicTensor;
    copy.setWeights(layer.getWeights());
  }
  return y;
}

/** Number of members: 1 for a plain model, N for an ensemble twin. */
export function memberCount(model: tf.LayersModel): number {
  return memberChains(model).length;
}
