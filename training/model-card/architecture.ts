/** The layer tables of the model card, read from the model's TF.js twin (model.json). */
/* ------------------------------------------------------------------------------------------ */
/* Architecture from the TF.js twin.                                                            */

interface LayerRow { name: string; type: string; detail: string; output: string; params: number }
type LayerJson = { class_name: string; config: Record<string, any> };
/**
 * One table per member: a sequential twin has one; an ensemble twin (training/src/ensemble.ts)
 * has its members' layers, prefixed m1_, m2_..., side by side on one input, and an Average layer;
 * a gated twin has reader_... and gate_... layers and an AbstainGate layer.
 */
function architecture(tfjs: any): LayerRow[][] | null {
  const all = tfjs?.modelTopology?.config?.layers as LayerJson[] | undefined;
  if (!all) return null;
  const input = all.find((l) => Array.isArray(l.config.batch_input_shape))?.config.batch_input_shape as number[] | undefined;
  if (!input) return null;
  const groups = new Map<string, LayerJson[]>();
  for (const l of all) {
    if (l.class_name === 'InputLayer' || l.class_name === 'Average' || l.class_name === 'AbstainGate') continue;
    const key = /^(m\d+|reader|gate)_/.exec(String(l.config.name))?.[1] ?? '';
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.entries()].map(([key, layers]) => memberRows(tfjs, layers, input, key ? `${key}_` : ''));
}
function memberRows(tfjs: any, layers: LayerJson[], input: number[], prefix: string): LayerRow[] {
  const weights = (tfjs.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((m) => m.weights);
  let shape: number[] = input.slice(1);
  const rows: LayerRow[] = [{ name: 'image', type: 'Input', detail: 'NHWC float32, ink high, 0..1', output: shape.join('×'), params: 0 }];
  for (const { class_name: type, config: c } of layers) {
    let detail = '';
    switch (type) {
      case 'Conv2D': {
        const [kh, kw] = c.kernel_size;
        shape = c.padding === 'same' ? [shape[0], shape[1], c.filters] : [shape[0] - kh + 1, shape[1] - kw + 1, c.filters];
        detail = `${c.filters} filters ${kh}×${kw}, ${c.padding}, ${c.activation}`;
        break;
      }
      case 'MaxPooling2D': {
        const [ph, pw] = c.pool_size, [sh, sw] = c.strides ?? c.pool_size;
        shape = [Math.floor((shape[0] - ph) / sh) + 1, Math.floor((shape[1] - pw) / sw) + 1, shape[2]];
        detail = `${ph}×${pw}, stride ${sh}`;
        break;
      }
      case 'Flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'Dense':
        shape = [c.units];
        detail = `${c.units} units, ${c.activation}`;
        break;
      case 'Dropout':
        detail = `rate ${c.rate} (training only)`;
        break;
      default:
        detail = '';
    }
    const params = weights.filter((w) => w.name.startsWith(`${c.name}/`)).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    rows.push({ name: String(c.name).slice(prefix.length), type, detail, output: shape.join('×'), params });
  }
  return rows;
}
export function architectureOf(tfjs: any) {
  const archs = architecture(tfjs);
  const arch = archs?.[0] ?? null;
  const sameArch = archs ? archs.every((a) => JSON.stringify(a.map((r) => [r.name, r.type, r.detail, r.output, r.params])) === JSON.stringify(arch!.map((r) => [r.name, r.type, r.detail, r.output, r.params]))) : false;
  const totalParams = archs ? archs.flat().reduce((a, r) => a + r.params, 0) : 0;
  return { archs, arch, sameArch, totalParams };
}
