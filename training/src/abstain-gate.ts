/**
 * A gated model: one network says which digit, a second says whether the image is a digit at all.
 *
 * For reader probabilities r (digits r0..r9, "not a digit" r10) and gate probabilities g:
 *   p(digit k)     = r_k / (1 - r10) * (1 - g10)
 *   p(not a digit) = g10
 * The reader's digit identities are kept exactly (their ratios do not change) and the abstain
 * decision is the gate's, so a gate trained with more negatives adds abstention without moving
 * the reader's digits. The result is still a distribution over the 11 labels.
 *
 * This layer is the TF.js side (gatedModel in training/src/ensemble.ts builds the twin with it);
 * training/src/onnx-export.ts writes the same formula as ONNX nodes, so the parity test compares
 * two implementations of it. The layer is registered with TF.js's serializer when this module
 * loads; checkpoint.ts imports it so that a saved twin loads.
 */
import * as tf from '@tensorflow/tfjs';

/** Floor on the reader's digit mass, so that a reader sure of "not a digit" does not divide by zero. */
export const GATE_EPSILON = 1e-7;

export class AbstainGate extends tf.layers.Layer {
  static readonly className = 'AbstainGate';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = inputShape as tf.Shape[];
    if (shapes.length !== 2) throw new Error(`AbstainGate takes [reader, gate], got ${shapes.length} inputs`);
    return shapes[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [reader, gate] = inputs as tf.Tensor2D[];
      const classes = reader.shape[1];
      const readerDigits = reader.slice([0, 0], [-1, classes - 1]);
      const readerNot = reader.slice([0, classes - 1], [-1, 1]);
      const gateNot = gate.slice([0, classes - 1], [-1, 1]);
      const scale = tf.sub(1, gateNot).div(tf.maximum(tf.sub(1, readerNot), GATE_EPSILON));
      return tf.concat([readerDigits.mul(scale), gateNot], 1);
    });
  }
}
tf.serialization.registerClass(AbstainGate);
