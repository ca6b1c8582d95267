/**
 * A gated model: one network says which digit, a second says whether the image is a digit at all.
 *
 * For reader probabilities r (digits r0..r9, "not a digit" r10) and gate probabilities g:
 *   p(digit k)     = r_k * (1 - g10)
 *   p(not a digit) = 1 - (1 - r10) * (1 - g10)
 * An image is a digit only if both networks say so, and which digit is the reader's alone (the
 * digits' ratios do not change): a gate trained with more negatives adds abstention without
 * moving the reader's digits, and cannot make a digit of what the reader refuses. The result is
 * still a distribution over the 11 labels.
 *
 * This layer is the TF.js side (gatedModel in training/src/ensemble.ts builds the twin with it);
 * training/src/onnx-export.ts writes the same formula as ONNX nodes, so the parity test compares
 * two implementations of it. It lives in common/ because whatever loads the shipped model's TF.js
 * twin (training, and the server's benchmark, which never imports training) needs it registered
 * with TF.js's serializer: importing this module does that.
 */
import * as tf from '@tensorflow/tfjs';

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
      const gateDigit = tf.sub(1, gateNot);
      return tf.concat([readerDigits.mul(gateDigit), tf.sub(1, tf.sub(1, readerNot).mul(gateDigit))], 1);
    });
  }
}
tf.serialization.registerClass(AbstainGate);
