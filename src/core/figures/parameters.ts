/**
 * An experiment's parameters as a reader of a figure or a data file needs them (docs/panel.md,
 * "Figures for papers"): each with its JSON path, the symbol of docs/model.md and its value as run
 * (width powers and parameterisations already applied). Export Chart prints them in the figure's
 * header, Export Data as commented lines at the top of a CSV.
 */
import type { Experiment } from '../experiment/experiment';
import { DEFAULT_THRESHOLDS } from '../mechanisms/classify';
import { DEFAULT_NETWORK_THRESHOLDS, type NetworkSpec } from '../network/spec';

export interface Parameter {
  /** The JSON path in the experiment file (`model.width`), or a name where there is none. */
  path: string;
  /** The symbol of docs/model.md (`d`, `γ`, `σ_u`, `η_W`). */
  symbol: string;
  value: string;
}

/** A number with up to six significant digits. */
export function formatParameter(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : String(Number(v.toPrecision(6)));
}

function vector(xs: readonly number[]): string {
  return xs.length <= 8 ? `[${xs.map(formatParameter).join(', ')}]` : `[${xs.slice(0, 3).map(formatParameter).join(', ')}, … (${xs.length} entries)]`;
}

/** Every parameter that sets the run, in the order of the file format. */
export function experimentParameters(e: Experiment): Parameter[] {
  const out: Parameter[] = [];
  const power = (path: string): string => {
    const w = e.widthScaling?.[path];
    return w && w.exponent !== 0 ? ` (= ${formatParameter(w.base)}·d^${formatParameter(w.exponent)})` : '';
  };
  if (e.parameterisation) out.push({ path: 'parameterisation', symbol: 'parameterisation', value: e.parameterisation });
  out.push({ path: 'model.width', symbol: 'd', value: formatParameter(e.model.width) });
  out.push({ path: 'model.outputScale', symbol: 'γ', value: formatParameter(e.model.outputScale) + power('model.outputScale') });
  out.push({ path: 'model.activation', symbol: 'activation', value: e.model.activation });
  if (e.data.kind === 'single') {
    out.push({ path: 'data.x', symbol: 'x', value: vector(e.data.x) });
    out.push({ path: 'data.y', symbol: 'y', value: formatParameter(e.data.y) });
  } else {
    out.push({ path: 'data.samples', symbol: 'samples', value: `${e.data.samples.length} of dimension ${e.data.samples[0]?.x.length ?? 0}` });
  }
  if (e.init.kind === 'random') {
    out.push({ path: 'init.scaleU', symbol: 'σ_u', value: formatParameter(e.init.scaleU) + power('init.scaleU') });
    out.push({ path: 'init.scaleW', symbol: 'σ_W', value: formatParameter(e.init.scaleW) + power('init.scaleW') });
    out.push({ path: 'init.seed', symbol: 'seed', value: formatParameter(e.init.seed) });
  } else {
    out.push({ path: 'init', symbol: 'init', value: 'explicit u and W' });
  }
  out.push({ path: 'learningRates.u', symbol: 'η_u', value: formatParameter(e.learningRates.u) + power('learningRates.u') });
  out.push({ path: 'learningRates.W', symbol: 'η_W', value: formatParameter(e.learningRates.W) + power('learningRates.W') });
  if (e.weightDecay) out.push({ path: 'weightDecay', symbol: 'ρ', value: formatParameter(e.weightDecay) });
  if (e.time.kind === 'grid' && e.time.end !== undefined) out.push({ path: 'time.end', symbol: 'T', value: formatParameter(e.time.end) });
  const th = { ...DEFAULT_THRESHOLDS, ...e.classify };
  for (const k of Object.keys(DEFAULT_THRESHOLDS) as (keyof typeof DEFAULT_THRESHOLDS)[]) {
    if (th[k] !== DEFAULT_THRESHOLDS[k]) out.push({ path: `classify.${k}`, symbol: `threshold of ${k}`, value: formatParameter(th[k]) });
  }
  return out;
}

/**
 * Every parameter that sets a network's training (docs/networks.md, "The experiment file"), in the
 * order of the file format, as trained: `spec` with the loss and the cadence settled for the data,
 * `sizes` n_0 … n_L, `source` the data's one-line description (`LoadedData.source`).
 */
export function networkParameters(spec: NetworkSpec, sizes: readonly number[], source: string): Parameter[] {
  const { model, init, training: t } = spec;
  const out: Parameter[] = [
    { path: 'model.hidden', symbol: 'layers', value: sizes.join('-') },
    { path: 'model.activation', symbol: 'φ', value: model.activation },
    { path: 'model.outputScale', symbol: 'γ', value: formatParameter(model.outputScale) },
  ];
  if (model.bias) out.push({ path: 'model.bias', symbol: 'bias', value: 'yes' });
  out.push({ path: 'data', symbol: 'data', value: source });
  if (init.kind === 'random') {
    out.push({ path: 'init.scheme', symbol: 'init', value: init.scheme });
    out.push({ path: 'init.scale', symbol: 'σ', value: formatParameter(init.scale) });
    out.push({ path: 'init.seed', symbol: 'seed', value: formatParameter(init.seed) });
  } else {
    out.push({ path: 'init.weights', symbol: 'init', value: `explicit W_1 … W_${init.weights.length}` });
  }
  out.push({ path: 'training.loss', symbol: 'loss', value: t.loss === 'crossEntropy' ? 'cross-entropy' : 'squared' });
  const o = t.optimizer;
  out.push({ path: 'training.optimizer', symbol: 'optimizer', value: o.kind === 'adam' ? `Adam (β₁ = ${formatParameter(o.beta1)}, β₂ = ${formatParameter(o.beta2)}, ε = ${formatParameter(o.epsilon)})` : o.momentum ? `SGD (momentum μ = ${formatParameter(o.momentum)})` : 'SGD' });
  const rates = t.learningRate;
  out.push({ path: 'training.learningRate', symbol: 'η', value: rates.every((r) => r === rates[0]) ? formatParameter(rates[0]) : vector(rates) });
  out.push({ path: 'training.batchSize', symbol: 'B', value: t.batchSize === 'full' ? 'full' : formatParameter(t.batchSize) });
  out.push({ path: `training.${t.length.unit}`, symbol: t.length.unit, value: formatParameter(t.length.count) });
  if (t.weightDecay) out.push({ path: 'training.weightDecay', symbol: 'ρ', value: formatParameter(t.weightDecay) });
  out.push({ path: 'training.seed', symbol: 'batch-order seed', value: formatParameter(t.seed) });
  // Which steps the curves have (the default depends on the run: docs/networks.md, "Cadence").
  out.push({ path: 'training.record.every', symbol: 'records', value: t.record.every === 1 ? 'every step' : `every ${formatParameter(t.record.every)} steps` });
  for (const k of Object.keys(DEFAULT_NETWORK_THRESHOLDS) as Exclude<keyof typeof DEFAULT_NETWORK_THRESHOLDS, 'distance'>[]) {
    if (spec.classify[k] !== DEFAULT_NETWORK_THRESHOLDS[k]) out.push({ path: `classify.${k}`, symbol: `threshold of ${k}`, value: formatParameter(spec.classify[k]) });
  }
  if (spec.classify.distance !== undefined) out.push({ path: 'classify.distance', symbol: 'threshold of distance', value: formatParameter(spec.classify.distance) });
  return out;
}
