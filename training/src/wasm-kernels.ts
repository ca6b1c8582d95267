/**
 * Gradient kernels for 'wasm': Conv2DBackpropFilter, which @tensorflow/tfjs-backend-wasm 4.x does
 * not ship, and a stride-1 Conv2DBackpropInput replacing the shipped one (a plain C++ loop that took
 * 55% of a training step, 165 of 300 ms per batch of 64; XNNPACK's conv does it several times faster).
 *
 * Each is built from kernels the wasm backend does have (Transpose, Reverse, Conv2D, Slice), called
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

/**
 * dx[n,i,j,ci] = sum over kh,kw,co of dy[n, i + top - kh, j + left - kw, co] * W[kh,kw,ci,co]: for
 * stride 1 a correlation of dy, padded by (k - 1 - forward padding), with W rotated 180 degrees and
 * its channel axes swapped. Strided forward convs would need dy dilated, which Conv2D cannot do:
 * those go to the backend's own kernel.
 */
function conv2DBackpropInput(
  shipped: KernelConfig['kernelFunc'],
): (args: { inputs: Record<string, TensorInfo>; backend: Backend; attrs?: NamedAttrMap }) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, inputShape, dimRoundingMode } = attrs as unknown as {
      strides: [number, number] | number; pad: Pad; dataFormat: string; inputShape: number[]; dimRoundingMode?: string;
    };
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const channelsLast = dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
    if (sh !== 1 || sw !== 1 || !channelsLast || dimRoundingMode !== undefined) return shipped(args as never) as TensorInfo;
    const [kh, kw] = filter.shape;
    const [, inH, inW] = inputShape;
    const [top, bottom, left, right] = forwardPadding(pad, inH, inW, kh, kw, 1, 1);
    const flipped = kernel('Reverse')({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
    const swapped = kernel('Transpose')({ inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } });
    const dx = kernel('Conv2D')({
      inputs: { x: dy, filter: swapped },
      backend,
      attrs: {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]],
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
      },
    });
    backend.disposeData(flipped.dataId);
    backend.disposeData(swapped.dataId);
    return dx;
  };
}

const REPLACED = Symbol.for('digitboard.wasm-kernel');

/** Registers our gradient kernels for 'wasm' (idempotent). Call before the backend initialises. */
export function registerWasmGradients(): void {
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as never });
  }
  const shipped = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!shipped) throw new Error('wasm backend has no Conv2DBackpropInput kernel');
  if ((shipped as { [REPLACED]?: boolean })[REPLACED]) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  // The shipped kernel's setup (its cwrap) still has to run when the backend initialises.
  const ours: KernelConfig & { [REPLACED]?: boolean } = {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    setupFunc: shipped.setupFunc,
    kernelFunc: conv2DBackpropInput(shipped.kernelFunc) as never,
  };
  ours[REPLACED] = true;
  tf.registerKernel(ours);
}
