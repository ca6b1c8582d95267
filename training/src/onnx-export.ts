/**
 * Translates a TF.js layers model (a chain of Conv2D, MaxPooling2D, Flatten, Dense, Dropout)
 * into an ONNX model, written with the protobuf definitions from `onnx-proto`.
 *
 * TF.js is NHWC; ONNX's Conv and MaxPool are NCHW only. The graph keeps the NHWC input of the
 * model contract, transposes to NCHW for the spatial layers, and transposes back to NHWC before
 * Flatten so that the flattened vector has TF.js's order (h, w, c) that the Dense kernel was
 * trained on. Flattening in NCHW order instead gives a model that loads, runs and is wrong.
 */
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { INPUT_NAME, OUTPUT_NAME } from '../../common/model-contract.js';

// onnx-proto is CommonJS assigning `module.exports = $root`, which Node cannot split into named
// ESM exports: take the namespace from the default export.
const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type IAttribute = onnxProto.onnx.IAttributeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IDimension = onnxProto.onnx.TensorShapeProto.IDimension;

/** Opset the exporter writes unless told otherwise. */
export const DEFAULT_OPSET = 13;
// Softmax before 13 flattens to 2-D from `axis` (different semantics); above 17 the checker and
// runtimes we ship with (python3-onnx 1.12 in CI) may not know the opset.
const MIN_OPSET = 13;
const MAX_OPSET = 17;
const IR_VERSION = 8;

export interface ExportOptions {
  /** Default DEFAULT_OPSET; must be within 13..17. */
  opset?: number;
  /** Default INPUT_NAME from the model contract. */
  inputName?: string;
  /** Default OUTPUT_NAME from the model contract. */
  outputName?: string;
  /** The model's doc string; a description of the contract when absent. */
  docString?: string;
  producerVersion?: string;
  /** Extra key/value pairs stored as the model's metadata_props. */
  metadata?: Record<string, string>;
}

/** Thrown for models the exporter cannot translate faithfully. */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

type Layout = 'NHWC' | 'NCHW';

/** What flows between layers: a value name and its shape without the batch dimension. */
interface Value {
  name: string;
  /** [h, w, c] for images (whatever the current layout), [n] after Flatten. */
  shape: number[];
  layout: Layout;
}

/** Builds the graph one layer at a time; names are unique because each carries a counter. */
class GraphBuilder {
  readonly nodes: INode[] = [];
  readonly initializers: ITensor[] = [];
  private counter = 0;
  /** Prepended to every name: the member's tag (m1/, m2/...) in an ensemble, empty otherwise. */
  prefix = '';

  fresh(base: string): string {
    return `${this.prefix}${base}_${this.counter++}`;
  }

  node(opType: string, inputs: string[], name: string, attributes: IAttribute[] = []): string {
    const output = this.fresh(`${name}/${opType}`);
    this.nodes.push({ opType, input: inputs, output: [output], name: this.fresh(name), attribute: attributes });
    return output;
  }

  constant(name: string, dims: number[], values: Float32Array): string {
    const raw = new Uint8Array(values.length * 4);
    // ONNX raw_data is little-endian whatever the host is.
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    return unique;
  }

  int64s(name: string, values: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
    return unique;
  }

  /** Columns [from, to) of a [batch, n] tensor (ONNX Slice, inputs form since opset 10). */
  columns(v: string, from: number, to: number, name: string): string {
    return this.node('Slice', [v, this.int64s(`${name}/starts`, [from]), this.int64s(`${name}/ends`, [to]), this.int64s(`${name}/axes`, [1])], name);
  }

  toLayout(v: Value, layout: Layout, name: string): Value {
    if (v.layout === layout || v.shape.length !== 3) return { ...v, layout };
    const perm = layout === 'NCHW' ? [0, 3, 1, 2] : [0, 2, 3, 1];
    return { ...v, layout, name: this.node('Transpose', [v.name], name, [ints('perm', perm)]) };
  }

  activation(v: Value, activation: string, layerName: string): Value {
    switch (activation) {
      case 'linear':
        return v;
      case 'relu':
        return { ...v, name: this.node('Relu', [v.name], layerName) };
      case 'softmax': {
        // TF.js takes the softmax over the last axis of its NHWC tensor: the channels.
        const axis = v.shape.length === 3 && v.layout === 'NCHW' ? 1 : -1;
        return { ...v, name: this.node('Softmax', [v.name], layerName, [int('axis', axis)]) };
      }
      default:
        throw new OnnxExportError(`Layer ${layerName}: activation '${activation}' is not supported (relu, softmax, linear are)`);
    }
  }
}

function int(name: string, i: number): IAttribute {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function ints(name: string, values: number[]): IAttribute {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function pair(x: number | number[], what: string, layer: string): [number, number] {
  const p = typeof x === 'number' ? [x, x] : x;
  if (p.length !== 2) throw new OnnxExportError(`Layer ${layer}: ${what} ${JSON.stringify(x)} is not 2-D`);
  return [p[0], p[1]];
}

/**
 * Output sizes and ONNX pads [top, left, bottom, right] for a window over `size`, following
 * TF's rules: 'valid' drops incomplete windows; 'same' gives ceil(size / stride) outputs and puts
 * the odd padding pixel at the end (ONNX's SAME_UPPER). Pads are written explicitly because the
 * spatial size is fixed and explicit pads are what every runtime implements the same way.
 */
function window(size: [number, number], kernel: [number, number], strides: [number, number], padding: string, layer: string) {
  const out: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  for (let d = 0; d < 2; d++) {
    if (padding === 'valid') {
      if (size[d] < kernel[d]) throw new OnnxExportError(`Layer ${layer}: ${kernel[d]}-wide window does not fit input of ${size[d]}`);
      out.push(Math.floor((size[d] - kernel[d]) / strides[d]) + 1);
      before.push(0);
      after.push(0);
    } else if (padding === 'same') {
      const o = Math.ceil(size[d] / strides[d]);
      const total = Math.max((o - 1) * strides[d] + kernel[d] - size[d], 0);
      out.push(o);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    } else {
      throw new OnnxExportError(`Layer ${layer}: padding '${padding}' is not supported (same, valid are)`);
    }
  }
  return { out, pads: [...before, ...after] };
}

/** Weights of a layer as Float32Arrays with their shapes (kernel first, then bias). */
function weightsOf(layer: tf.layers.Layer): { values: Float32Array; shape: number[] }[] {
  return layer.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }));
}

function conv2d(g: GraphBuilder, layer: tf.layers.Layer, input: Value): Value {
  const c = layer.getConfig() as Record<string, unknown>;
  const name = layer.name;
  if (input.shape.length !== 3) throw new OnnxExportError(`Layer ${name}: Conv2D needs an image input, got shape ${JSON.stringify(input.shape)}`);
  if (c.dataFormat !== 'channelsLast') throw new OnnxExportError(`Layer ${name}: dataFormat '${String(c.dataFormat)}' is not supported (channelsLast is)`);
  const dilation = pair(c.dilationRate as number | number[], 'dilationRate', name);
  if (dilation[0] !== 1 || dilation[1] !== 1) throw new OnnxExportError(`Layer ${name}: dilation ${dilation.join('x')} is not supported (1 is)`);
  const kernel = pair(c.kernelSize as number | number[], 'kernelSize', name);
  const strides = pair(c.strides as number | number[], 'strides', name);
  const { out, pads } = window([input.shape[0], input.shape[1]], kernel, strides, c.padding as string, name);

  const [k, bias] = weightsOf(layer);
  const [kh, kw, cin, cout] = k.shape;
  // TF.js kernels are [kh, kw, in, out]; ONNX wants [out, in, kh, kw].
  const w = new Float32Array(k.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) w[((o * cin + i) * kh + y) * kw + x] = k.values[((y * kw + x) * cin + i) * cout + o];

  const nchw = g.toLayout(input, 'NCHW', `${name}/to_nchw`);
  const inputs = [nchw.name, g.constant(`${name}/kernel`, [cout, cin, kh, kw], w)];
  if (c.useBias) inputs.push(g.constant(`${name}/bias`, [cout], bias.values));
  const y = g.node('Conv', inputs, name, [ints('kernel_shape', kernel), ints('strides', strides), ints('pads', pads), ints('dilations', dilation)]);
  return g.activation({ name: y, shape: [out[0], out[1], cout], layout: 'NCHW' }, c.activation as string, name);
}

function maxPooling2d(g: GraphBuilder, layer: tf.layers.Layer, input: Value): Value {
  const c = layer.getConfig() as Record<string, unknown>;
  const name = layer.name;
  if (input.shape.length !== 3) throw new OnnxExportError(`Layer ${name}: MaxPooling2D needs an image input, got shape ${JSON.stringify(input.shape)}`);
  if (c.dataFormat !== 'channelsLast') throw new OnnxExportError(`Layer ${name}: dataFormat '${String(c.dataFormat)}' is not supported (channelsLast is)`);
  const kernel = pair(c.poolSize as number | number[], 'poolSize', name);
  const strides = pair((c.strides ?? c.poolSize) as number | number[], 'strides', name);
  const { out, pads } = window([input.shape[0], input.shape[1]], kernel, strides, c.padding as string, name);
  const nchw = g.toLayout(input, 'NCHW', `${name}/to_nchw`);
  // ONNX MaxPool ignores padded cells, as TF's 'same' pooling does.
  const y = g.node('MaxPool', [nchw.name], name, [ints('kernel_shape', kernel), ints('strides', strides), ints('pads', pads)]);
  return { name: y, shape: [out[0], out[1], input.shape[2]], layout: 'NCHW' };
}

function flatten(g: GraphBuilder, layer: tf.layers.Layer, input: Value): Value {
  const c = layer.getConfig() as Record<string, unknown>;
  if (c.dataFormat === 'channelsFirst') throw new OnnxExportError(`Layer ${layer.name}: dataFormat 'channelsFirst' is not supported`);
  if (input.shape.length === 1) return input;
  // Back to NHWC first: TF.js flattens (h, w, c) and the next Dense kernel's rows are in that order.
  const nhwc = g.toLayout(input, 'NHWC', `${layer.name}/to_nhwc`);
  const size = input.shape.reduce((a, b) => a * b, 1);
  return { name: g.node('Flatten', [nhwc.name], layer.name, [int('axis', 1)]), shape: [size], layout: 'NHWC' };
}

function dense(g: GraphBuilder, layer: tf.layers.Layer, input: Value): Value {
  const c = layer.getConfig() as Record<string, unknown>;
  const name = layer.name;
  // TF.js applies Dense to the last axis of any rank; Gemm is 2-D only, and that is all we use.
  if (input.shape.length !== 1) throw new OnnxExportError(`Layer ${name}: Dense on a ${input.shape.length + 1}-D input is not supported; add a Flatten first`);
  const [k, bias] = weightsOf(layer);
  const [fanIn, units] = k.shape;
  const inputs = [input.name, g.constant(`${name}/kernel`, [fanIn, units], k.values)];
  if (c.useBias) inputs.push(g.constant(`${name}/bias`, [units], bias.values));
  const y = g.node('Gemm', inputs, name);
  return g.activation({ name: y, shape: [units], layout: 'NHWC' }, c.activation as string, name);
}

const translators: Record<string, (g: GraphBuilder, layer: tf.layers.Layer, input: Value) => Value> = {
  Conv2D: conv2d,
  MaxPooling2D: maxPooling2d,
  Flatten: flatten,
  Dense: dense,
  // Dropout is the identity at inference.
  Dropout: (_g, _layer, input) => input,
};

/** Walks back from `output` to `input` through single-input layers; null if the path is not a chain. */
function chainTo(input: tf.SymbolicTensor, output: tf.SymbolicTensor): tf.layers.Layer[] | null {
  const layers: tf.layers.Layer[] = [];
  let t = output;
  while (t !== input) {
    const layer = t.sourceLayer;
    if (!layer || layer.getClassName() === 'InputLayer' || layer.inboundNodes.length !== 1 || Array.isArray(layer.input)) return null;
    layers.unshift(layer);
    t = layer.input as tf.SymbolicTensor;
  }
  return layers;
}

/**
 * How a model's member chains are joined: 'mean' for an ensemble twin (an Average layer, see
 * training/src/ensemble.ts), 'gate' for a gated twin (an AbstainGate layer over [reader, gate],
 * see common/abstain-gate.ts), null for a plain sequential model.
 */
export function combinerOf(model: tf.LayersModel): 'mean' | 'gate' | null {
  const last = model.layers.at(-1)?.getClassName();
  return last === 'Average' ? 'mean' : last === 'AbstainGate' ? 'gate' : null;
}

/**
 * The member chains of a model, in order, without the InputLayer: one chain for a sequential
 * model; one per branch for an ensemble or gated twin (chains from the same input whose outputs
 * meet in one Average or AbstainGate layer). Anything else is refused.
 */
export function memberChains(model: tf.LayersModel): tf.layers.Layer[][] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new OnnxExportError(`Only single-input, single-output models are supported (this one has ${model.inputs.length} inputs, ${model.outputs.length} outputs)`);
  }
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const last = layers.at(-1);
  if (last && combinerOf(model) && last.inboundNodes.length === 1 && Array.isArray(last.input)) {
    const chains = (last.input as tf.SymbolicTensor[]).map((t) => chainTo(model.inputs[0], t));
    const counted = chains.reduce((a, c) => a + (c?.length ?? 0), 0) + 1;
    // Every layer must belong to exactly one branch: shared or dangling layers are not an ensemble.
    const distinct = new Set(chains.flatMap((c) => c ?? [])).size + 1;
    if (chains.every((c): c is tf.layers.Layer[] => c !== null && c.length > 0) && counted === layers.length && distinct === layers.length) return chains;
    throw new OnnxExportError(`Layer ${last.name} (${last.getClassName()}) must join independent sequential chains from the input: only such ensembles are supported`);
  }
  let previous = model.inputs[0];
  for (const layer of layers) {
    // A functional model with branches or skips would be silently mistranslated as a chain.
    if (layer.inboundNodes.length !== 1 || layer.input !== previous) {
      throw new OnnxExportError(`Layer ${layer.name} does not take the previous layer's output: only sequential chains are supported`);
    }
    previous = layer.output as tf.SymbolicTensor;
  }
  return [layers];
}

/**
 * Serializes a TF.js layers model as an ONNX model (IR version 8) with a dynamic batch
 * dimension named 'batch'. The input keeps TF.js's NHWC layout. Throws OnnxExportError for any
 * layer, activation or option it cannot translate exactly.
 *
 * Given several models (or an ensemble twin from training/src/ensemble.ts), writes ONE graph: the
 * members side by side on the shared input, their outputs averaged by an ONNX Mean node (for
 * softmax members: the mean of their probabilities, still a distribution). Members must share the
 * input shape and the output shape; the input/output names and the dynamic batch are unchanged,
 * so an ensemble is a drop-in replacement for a single model.
 */
export function exportOnnx(model: tf.LayersModel | tf.LayersModel[], opts: ExportOptions = {}): Uint8Array {
  const models = Array.isArray(model) ? model : [model];
  if (models.length === 0) throw new OnnxExportError('No model to export');
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxExportError(`opset ${opset} is not supported (${MIN_OPSET}..${MAX_OPSET} are)`);
  }
  const inputName = opts.inputName ?? INPUT_NAME;
  const outputName = opts.outputName ?? OUTPUT_NAME;
  const inputShape = models[0].inputs[0].shape;
  for (const m of models) {
    if (m.inputs.length === 1 && JSON.stringify(m.inputs[0].shape) !== JSON.stringify(inputShape)) {
      throw new OnnxExportError(`Model '${m.name}' takes input shape ${JSON.stringify(m.inputs[0].shape)}, the first model ${JSON.stringify(inputShape)}: ensemble members must share the input`);
    }
  }
  if (inputShape.slice(1).some((d) => d === null)) {
    throw new OnnxExportError(`Input shape ${JSON.stringify(inputShape)}: only the batch dimension may be dynamic`);
  }
  const chains = models.flatMap(memberChains);

  const g = new GraphBuilder();
  const dims = inputShape.slice(1) as number[];
  if (dims.length !== 3 && dims.length !== 1) throw new OnnxExportError(`Input shape ${JSON.stringify(inputShape)}: expected [batch, h, w, c] or [batch, n]`);
  const outputs: Value[] = [];
  for (const [i, layers] of chains.entries()) {
    g.prefix = chains.length > 1 ? `m${i + 1}/` : '';
    let v: Value = { name: inputName, shape: dims, layout: 'NHWC' };
    for (const layer of layers) {
      const translate = translators[layer.getClassName()];
      if (!translate) {
        throw new OnnxExportError(
          `Layer ${layer.name} (${layer.getClassName()}) is not supported by the ONNX exporter; supported: ${Object.keys(translators).join(', ')}`,
        );
      }
      v = translate(g, layer, v);
    }
    // The contract's output is NHWC like the input (only matters for a model with no Flatten).
    outputs.push(g.toLayout(v, 'NHWC', 'output/to_nhwc'));
  }
  g.prefix = '';
  const v = outputs[0];
  for (const [i, o] of outputs.entries()) {
    if (JSON.stringify(o.shape) !== JSON.stringify(v.shape)) {
      throw new OnnxExportError(`Ensemble member ${i + 1} outputs shape ${JSON.stringify(o.shape)}, member 1 ${JSON.stringify(v.shape)}: members must share the output`);
    }
  }
  const last = g.nodes.at(-1);
  const gated = models.length === 1 && combinerOf(models[0]) === 'gate';
  if (gated) {
    // The AbstainGate formula (common/abstain-gate.ts) over [reader, gate].
    const classes = v.shape[0];
    const [reader, gate] = outputs.map((o) => o.name);
    const one = g.constant('gate/one', [], Float32Array.of(1));
    const gateDigit = g.node('Sub', [one, g.columns(gate, classes - 1, classes, 'gate/not')], 'gate/digit');
    const readerDigit = g.node('Sub', [one, g.columns(reader, classes - 1, classes, 'gate/reader_not')], 'gate/reader_digit');
    const digits = g.node('Mul', [g.columns(reader, 0, classes - 1, 'gate/reader_digits'), gateDigit], 'gate/digits');
    const not = g.node('Sub', [one, g.node('Mul', [readerDigit, gateDigit], 'gate/both_digit')], 'gate/not_a_digit');
    g.nodes.push({ opType: 'Concat', input: [digits, not], output: [outputName], name: 'abstain_gate', attribute: [int('axis', 1)] });
  } else if (outputs.length > 1) {
    // Mean of the members' outputs (ONNX Mean: element-wise, variadic, since opset 1; v13 here).
    g.nodes.push({ opType: 'Mean', input: outputs.map((o) => o.name), output: [outputName], name: 'ensemble_mean' });
  } else if (!last || last.output?.[0] !== v.name) {
    // No node produced the output (an empty model, or one ending in Dropout over the input).
    g.nodes.push({ opType: 'Identity', input: [v.name], output: [outputName], name: 'output' });
  } else {
    last.output = [outputName];
  }

  const name = models.length === 1 ? models[0].name : `${models[0].name}_ensemble`;
  const what = gated
    ? `Gated digit classifier exported from TF.js model '${models[0].name}': a digit only where both its reader and its gate network say so; which digit, from the reader.`
    : chains.length === 1
      ? `Digit classifier exported from TF.js model '${models[0].name}'.`
      : `Ensemble of ${chains.length} digit classifiers exported from TF.js (${models.map((m) => `'${m.name}'`).join(', ')}): the output is the mean of the members' outputs.`;
  const batch: IDimension = { dimParam: 'batch' };
  const tensorType = (shape: IDimension[]) => ({ tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape } } });
  const modelProto: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'digitboard',
    producerVersion: opts.producerVersion ?? `tfjs-layers ${tf.version_layers}`,
    modelVersion: 1,
    docString:
      opts.docString ??
      `${what} Input '${inputName}': float32 [batch, ${dims.join(', ')}] NHWC. ` + `Output '${outputName}': float32 [batch, ${v.shape.join(', ')}].`,
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: [{ name: inputName, type: tensorType([batch, ...dims.map((d) => ({ dimValue: d }))]) }],
      output: [{ name: outputName, type: tensorType([batch, ...v.shape.map((d) => ({ dimValue: d }))]) }],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(modelProto)).finish();
}
