import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../src/wasm-kernels.js';

type Shape4 = [number, number, number, number];
type Case = { name: string; x: Shape4; f: Shape4; strides: number; pad: 'same' | 'valid' };
const cases: Case[] = [
  { name: '3x3 same stride 1', x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '5x5 valid stride 1', x: [3, 12, 10, 2], f: [5, 5, 2, 6], strides: 1, pad: 'valid' },
  { name: '3x3 same stride 2', x: [2, 11, 11, 2], f: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { name: '3x3 valid stride 2 (unused trailing row)', x: [2, 10, 10, 2], f: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { name: '1x1 same', x: [4, 7, 7, 5], f: [1, 1, 5, 2], strides: 1, pad: 'same' },
  { name: '4x4 same stride 1 (uneven padding)', x: [2, 8, 9, 3], f: [4, 4, 3, 2], strides: 1, pad: 'same' },
];

/** Gradients of a conv layer's loss wrt input and filter, computed on the current backend. */
function convGrads(c: Case, seed: number): { dx: Float32Array; df: Float32Array } {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const f = tf.randomNormal(c.f, 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.strides, c.pad).square().sum();
    const [dx, df] = tf.grads(loss as never)([x, f]);
    return { dx: dx.dataSync() as Float32Array, df: df.dataSync() as Float32Array };
  });
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

describe('wasm gradient kernels (Conv2DBackpropFilter, stride-1 Conv2DBackpropInput)', () => {
  beforeAll(async () => {
    registerWasmGradients();
    await tf.setBackend('wasm');
  });

  for (const c of cases) {
    it(`matches the CPU backend: ${c.name}`, async () => {
      await tf.setBackend('cpu');
      const cpu = convGrads(c, 7);
      await tf.setBackend('wasm');
      const wasm = convGrads(c, 7);
      expect(wasm.df.length).toBe(cpu.df.length);
      expect(maxRelDiff(wasm.df, cpu.df)).toBeLessThan(1e-4);
      expect(maxRelDiff(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
    });
  }

  it('replaces the shipped Conv2DBackpropInput, idempotently', () => {
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
    registerWasmGradients();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(ours);
    expect(Object.getOwnPropertySymbols(ours)).toContain(Symbol.for('digitboard.wasm-kernel'));
  });

  it('leaks no tensors or wasm memory', async () => {
    await tf.setBackend('wasm');
    convGrads(cases[0], 3);
    const before = tf.memory();
    for (let i = 0; i < 5; i++) convGrads(cases[0], 3);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });
});
