/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm 4.x does not ship, registered for 'wasm'.
 *
 * Each is built from kernels the wasm backend does have (Transpose, Conv2D, Slice), called
 * directly through the kernel registry so no tensors are tracked by the engine; every
 * intermediate is disposed here. Tests compare them with the CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs';

type Backend = tf.KernelBackend & { disposeData(dataId: object): boolean };

function kernel(name: string): (args: { inputs: Record<string, TensorInfo>; backend: Backend; attrs?: NamedAttrMap }) => TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm backend has no ${name} kernel`);
  return config.kernelFunc as never;
}

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Explicit [top, bottom, left, right] padding the forward conv used. */
function forwardPadding(pad: Pad, inH: number, inW: number, kh: number, kw: number, sh: number, sw: number): [number, number, number, number] {
  if (Array.isArray(pad)) return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (pad === 'valid') return [0, 0, 0, 0];
  // 'same', as TensorFlow computes it.
  const outH = Math.ceil(inH / sh);
  const outW = Math.ceil(inW / sw);
  const padH = Math.max(0, (outH - 1) * sh + kh - inH);
  const padW = Math.max(0, (outW - 1) * sw + kw - inW);
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return [top, padH - top, left, padW - left];
}

/**
 * dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s + kh - pad, ow*s + kw - pad, ci] * dy[n,oh,ow,co].
 * That is a stride-1 conv of x viewed as [ci,H,W,n] with dy viewed as a [oh,ow,n,co] filter
 * dilated by the forward stride; its [ci,kh,kw,co] output is transposed to [kh,kw,ci,co].
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: Backend; attrs?: NamedAttrMap }): TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, filterShape } = attrs as unknown as {
    strides: [number, number] | number; pad: Pad; dataFormat: string; filterShape: [number, number, number, number];
  };
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${dataFormat}`);
  }
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const [kh, kw] = filterShape;
  const [, inH, inW] = x.shape;
  const [, outH, outW] = dy.shape;
  const [top, , left] = forwardPadding(pad, inH, inW, kh, kw, sh, sw);
  // Padding after the input so that the stride-1 conv yields exactly kh x kw outputs; a negative
  // amount means trailing input rows the forward conv never read: slice them off instead.
  const bottom = kh + (outH - 1) * sh - inH - top;
  const right = kw + (outW - 1) * sw - inW - left;

  const transpose = kernel('Transpose');
  const temps: TensorInfo[] = [];
  let xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
  temps.push(xT);
  if (bottom < 0 || right < 0) {
    const [ci, , , n] = xT.shape;
    xT = kernel('Slice')({ inputs: { x: xT }, backend, attrs: { begin: [0, 0, 0, 0], size: [ci, inH + Math.min(bottom, 0), inW + Math.min(right, 0), n] } });
    temps.push(xT);
  }
  const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  temps.push(dyT);
  const conv = kernel('Conv2D')({
    inputs: { x: xT, filter: dyT },
    backend,
    attrs: {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined as never,
    },
  });
  temps.push(conv);
  const result = transpose({ inputs: { x: conv }, backend, attrs: { perm: [1, 2, 0, 3] } });
  for (const t of temps) backend.disposeData(t.dataId);
  return result;
}

const kernels: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as never },
];

/** Registers the missing gradient kernels for 'wasm' (idempotent). */
export function registerWasmGradients(): void {
  for (const k of kernels) {
    if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  }
}
