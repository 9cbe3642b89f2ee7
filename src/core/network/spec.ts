/**
 * A network experiment, normalised (docs/networks.md, "Model" and "Training"): every option has its
 * value, defaults filled, the learning rate expanded to one per layer. The file format's parser
 * produces it; `networkSpec` fills the defaults of a partial description (tests, benches), and
 * `specProblems` lists what a well-typed spec still gets wrong (by the file format's schema, then the
 * shapes), each with its key path.
 *
 * Conventions: layers are numbered from the input, W_1 first; W_l is stored as rows (outputs × inputs),
 * PyTorch's `nn.Linear.weight`. The network is f(x) = γ·(W_L φ(… φ(W_1 x + b_1) …) + b_L).
 */
import { LEAKY_SLOPE } from '../mechanisms/activation';
import { countOf, formatBound, formatCount, formatNumber } from '../experiment/diagnostic';
import { WidthPower } from '../experiment/experiment';
import { ExperimentError } from '../experiment/errors';
import { EXPERIMENT_SCHEMA, kindSchema } from '../experiment/kind';
import { checkValue } from '../experiment/schema';
import { widthPowerSaid } from '../experiment/widthPowers';
import { seedAfter } from '../math/rng';

export const NETWORK_ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'swish'] as const;
/** The hidden activation φ (applied after every layer but the last). */
export type NetworkActivation = (typeof NETWORK_ACTIVATIONS)[number];
/** Slope of `leaky_relu` for negative inputs: the simulator's (mechanisms/activation.ts), one value for both models. */
export const LEAKY_RELU_SLOPE = LEAKY_SLOPE;

export interface NetworkModel {
  /** Widths of the hidden layers, input side first; [] is a linear map γ(W_1 x + b_1). */
  hidden: number[];
  activation: NetworkActivation;
  /** γ > 0, multiplying the last layer's output. */
  outputScale: number;
  /** Whether every layer has a bias b_l (initialised to 0). */
  bias: boolean;
}

export const INIT_SCHEMES = ['kaiming', 'xavier'] as const;
/**
 * `kaiming`: W_l,ij ~ N(0, σ²·2/fan_in) (He et al. 2015, PyTorch's `kaiming_normal_` with its
 * defaults); `xavier`: N(0, σ²·2/(fan_in + fan_out)) (Glorot & Bengio 2010, `xavier_normal_`).
 */
export type InitScheme = (typeof INIT_SCHEMES)[number];

export type NetworkInit =
  /** Random normal weights: σ (`scale`) multiplies the scheme's standard deviation, as in the paper. */
  | { kind: 'random'; scheme: InitScheme; scale: number; seed: number }
  /** Explicit weights W_1 … W_L, each as rows (outputs × inputs). */
  | { kind: 'explicit'; weights: number[][][] };

export type NetworkLoss = 'crossEntropy' | 'squared';

export type NetworkOptimizer =
  /** θ ← θ − η v with v ← μ v + g (PyTorch's SGD, no dampening); μ = 0 is plain SGD. */
  | { kind: 'sgd'; momentum: number }
  /** Adam (Kingma & Ba 2015) with bias correction, ε outside the square root (PyTorch's Adam). */
  | { kind: 'adam'; beta1: number; beta2: number; epsilon: number };

/** How long to train: whole epochs (passes over the training set) or optimiser steps. */
export type TrainingLength = { unit: 'epochs'; count: number } | { unit: 'steps'; count: number };

export interface NetworkTraining {
  /**
   * `squared`: ½·mean over samples of ‖f − y‖² (the linear model's loss); `crossEntropy`: mean over
   * samples of −log softmax(f)_y (class targets only).
   */
  loss: NetworkLoss;
  optimizer: NetworkOptimizer;
  /** η_l, one per weight matrix, W_1 first (a bias uses its layer's rate). */
  learningRate: number[];
  /** Samples per step; `full` is the whole training set every step. */
  batchSize: number | 'full';
  length: TrainingLength;
  /** ρ ≥ 0: the objective adds ½ρ‖θ‖² over every weight and bias (L2, also under Adam). */
  weightDecay: number;
  /**
   * A record every `every` steps (and at the first and the last step). `full`: ζ, ζ_top and the tangent
   * kernel at every record, whatever they cost (default false: within a share of the training's work,
   * docs/networks.md "Cadence").
   */
  record: { every: number; full?: boolean };
  /** Seed of the batch order (its own generator; see docs/networks.md, "Training"). */
  seed: number;
}

/**
 * Thresholds of the label (docs/networks.md, "Labels"), as the linear model's `classify`, and
 * `distance` when the file writes it: the largest relative distance from θ₀ still called the kernel
 * regime where the distance stands for the kernel test (a kernel not measured, not finite, or pending);
 * left out, `tangentChange`, which it stands for (`networkLayerThresholds`).
 */
export interface NetworkThresholds {
  kernelChange: number;
  tangentChange: number;
  zetaChange: number;
  balanceChange: number;
  distance?: number;
}

/** The label's thresholds of a network file's `classify`: `distance` as written, else its `tangentChange` (the change the distance stands for). */
export function networkLayerThresholds(classify: NetworkThresholds): Required<NetworkThresholds> {
  return { ...classify, distance: classify.distance ?? classify.tangentChange };
}

export const DEFAULT_NETWORK_THRESHOLDS: NetworkThresholds = { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.1, balanceChange: 1 };

export interface NetworkSpec {
  model: NetworkModel;
  init: NetworkInit;
  training: NetworkTraining;
  classify: NetworkThresholds;
}

/** Sizes beyond which a network experiment is refused before anything is allocated. */
export const NETWORK_LIMITS = {
  /** Weights and biases together: the trainer keeps up to five float32 copies (θ, θ₀, gradient, two Adam moments). */
  parameters: 16_777_216,
  /** Weight matrices (hidden layers + 1). */
  layers: 64,
  /** Optimiser steps of one run. */
  steps: 100_000_000,
  /**
   * Records × weight matrices of one run: every record is kept (the panel's curves, `--json`), about
   * 160 bytes a weight matrix (its norm and distance, a pair's ζ, the objects holding them), so 2·10⁶
   * take about 320 MB; 10⁸ records of a step each exhausted the heap.
   */
  recordLayers: 2_000_000,
} as const;

/** The most records a run of `layers` weight matrices keeps in memory (NETWORK_LIMITS.recordLayers). */
export function maxRecordsKept(layers: number): number {
  return Math.floor(NETWORK_LIMITS.recordLayers / layers);
}

/**
 * The least record cadence whose records over `steps` steps — at step 0, every `every` steps and at
 * the last, ⌈steps/every⌉ + 1 — are at most `maxRecords` (≥ 2): ⌈steps / (maxRecords − 1)⌉, at least 1.
 */
export function leastRecordEvery(steps: number, maxRecords: number): number {
  return Math.max(1, Math.ceil(steps / Math.max(1, maxRecords - 1)));
}

/**
 * The advice of a refused record cadence when records every `least` steps or more are needed (the
 * limits of what is kept and printed): `record every N steps or more (training.record.every)`; with
 * checkpoints every k steps, each written at a record, the cadence must divide k: the least divisor
 * of k from `least` on, or, when k < least, records every `least` steps and checkpoints at a multiple
 * of it. Written back into the file, the numbers it gives pass those checks (docs/networks.md,
 * "Cadence").
 */
export function cadenceAdvice(least: number, checkpointsEvery?: number): string {
  const n = countOf(least, 'step');
  if (checkpointsEvery === undefined) return `record every ${n} or more (training.record.every)`;
  const divisor = leastDivisorFrom(checkpointsEvery, least);
  if (divisor !== null) return `record every ${countOf(divisor, 'step')} (training.record.every: a divisor of training.checkpoints.every, ${formatCount(checkpointsEvery)}, since a checkpoint is written at a record)`;
  return `record every ${n} (training.record.every) and write checkpoints every ${n} or a multiple of ${formatCount(least)} (training.checkpoints.every, now ${formatCount(checkpointsEvery)}: a checkpoint is written at a record)`;
}

/** The least divisor of `k` that is ≥ `from`, or null when `from` > k. O(√k). */
function leastDivisorFrom(k: number, from: number): number | null {
  if (from > k) return null;
  let best = k;
  for (let i = 1; i * i <= k; i++) {
    if (k % i !== 0) continue;
    if (i >= from && i < best) best = i;
    const j = k / i;
    if (j >= from && j < best) best = j;
  }
  return best;
}

/**
 * The refusal, at `training.record.every`, of `records` records (`every` steps apart over `steps`
 * steps) of `layers` weight matrices beyond what a run keeps in memory (NETWORK_LIMITS.recordLayers),
 * or null within it. `advice`: what to write instead (default: the least cadence within the limit,
 * `cadenceAdvice`; a caller that knows the checkpoints or its own limits gives its own).
 */
export function recordsInMemoryProblem(records: number, every: number, steps: number, layers: number, advice = cadenceAdvice(leastRecordEvery(steps, maxRecordsKept(layers)))): ExperimentError | null {
  if (records * layers <= NETWORK_LIMITS.recordLayers) return null;
  return new ExperimentError(`a record every ${countOf(every, 'step')} over ${countOf(steps, 'step')} makes ${countOf(records, 'record')} of ${countOf(layers, 'weight matrix', 'weight matrices')}, over the limit of ${formatCount(NETWORK_LIMITS.recordLayers)} matrices in all (every record is kept in memory): ${advice}`, 'training.record.every');
}

/** A partial spec, as tests and benches write one: everything but the hidden widths has a default. */
export interface NetworkSpecInput {
  model: Partial<NetworkModel> & { hidden: number[] };
  init?: { scheme?: InitScheme; scale?: number; seed?: number } | { weights: number[][][] };
  training?: {
    loss?: NetworkLoss;
    optimizer?: 'sgd' | 'adam';
    momentum?: number;
    beta1?: number;
    beta2?: number;
    epsilon?: number;
    learningRate?: number | number[];
    batchSize?: number | 'full';
    epochs?: number;
    steps?: number;
    weightDecay?: number;
    record?: { every: number; full?: boolean };
    seed?: number;
  };
  classify?: Partial<NetworkThresholds>;
}

/**
 * The normalised spec of a partial description. Defaults: activation `relu`, γ = 1, no bias; Kaiming
 * init with σ = 1, seed 0; squared loss, SGD without momentum, η = 0.01 for every layer, full batch,
 * 1 epoch (unless `steps`), no weight decay, a record every step; Adam β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸;
 * batch-order seed = init seed + 1 (1 with explicit weights; 0 after the largest seed, `seedAfter`, so
 * that a seed the file may write never derives one it may not).
 */
export function networkSpec(input: NetworkSpecInput): NetworkSpec {
  const m = input.model;
  const layers = m.hidden.length + 1;
  const init: NetworkInit = input.init && 'weights' in input.init
    ? { kind: 'explicit', weights: input.init.weights }
    : { kind: 'random', scheme: input.init?.scheme ?? 'kaiming', scale: input.init?.scale ?? 1, seed: input.init?.seed ?? 0 };
  const t = input.training ?? {};
  const rate = t.learningRate ?? 0.01;
  const optimizer: NetworkOptimizer = t.optimizer === 'adam'
    ? { kind: 'adam', beta1: t.beta1 ?? 0.9, beta2: t.beta2 ?? 0.999, epsilon: t.epsilon ?? 1e-8 }
    : { kind: 'sgd', momentum: t.momentum ?? 0 };
  return {
    model: { hidden: [...m.hidden], activation: m.activation ?? 'relu', outputScale: m.outputScale ?? 1, bias: m.bias ?? false },
    init,
    training: {
      loss: t.loss ?? 'squared',
      optimizer,
      learningRate: typeof rate === 'number' ? new Array<number>(layers).fill(rate) : [...rate],
      batchSize: t.batchSize ?? 'full',
      length: t.steps !== undefined ? { unit: 'steps', count: t.steps } : { unit: 'epochs', count: t.epochs ?? 1 },
      weightDecay: t.weightDecay ?? 0,
      record: { every: t.record?.every ?? 1, ...(t.record?.full ? { full: true } : {}) },
      seed: t.seed ?? seedAfter(init.kind === 'random' ? init.seed : 0),
    },
    classify: { ...DEFAULT_NETWORK_THRESHOLDS, ...input.classify },
  };
}

/** The layer sizes [n_0 = inputs, n_1, …, n_L = outputs] of a model on data of this shape. */
export function layerSizes(model: NetworkModel, inputs: number, outputs: number): number[] {
  return [inputs, ...model.hidden, outputs];
}

/** Weights and biases of a network with these layer sizes. */
export function parameterCount(sizes: readonly number[], bias: boolean): number {
  let p = 0;
  for (let l = 1; l < sizes.length; l++) p += sizes[l] * sizes[l - 1] + (bias ? sizes[l] : 0);
  return p;
}

/**
 * The spec as the file format writes it (the network form of media/flab.schema.json): `model`,
 * `init`, `training` and `classify` objects, numbers as they are. What `specProblems` checks.
 */
export function specFileForm(spec: NetworkSpec): { model: unknown; init: unknown; training: unknown; classify: unknown } {
  const { model, init, training: t } = spec;
  const optimizer = t.optimizer.kind === 'sgd' ? { optimizer: 'sgd', momentum: t.optimizer.momentum } : { optimizer: 'adam', beta1: t.optimizer.beta1, beta2: t.optimizer.beta2, epsilon: t.optimizer.epsilon };
  return {
    model: { hidden: model.hidden, activation: model.activation, outputScale: model.outputScale, bias: model.bias },
    init: init.kind === 'random' ? { scheme: init.scheme, scale: init.scale, seed: init.seed } : { weights: init.weights },
    training: { loss: t.loss, ...optimizer, learningRate: t.learningRate, batchSize: t.batchSize, [t.length.unit]: t.length.count, weightDecay: t.weightDecay, record: { every: t.record.every, ...(t.record.full ? { full: true } : {}) }, seed: t.seed },
    classify: spec.classify,
  };
}

/**
 * Every problem of a spec that does not depend on the data, each as an `ExperimentError` whose `path`
 * is the key path in the file (`training.learningRate[2]`). The file format's schema checks the values
 * (one definition and one vocabulary for files and for specs built in code: `specFileForm`), then
 * `specSemantics` what a schema cannot say. Empty when the spec can be trained.
 */
export function specProblems(spec: NetworkSpec): ExperimentError[] {
  const schema = kindSchema('network').properties!;
  const form = specFileForm(spec);
  const out: ExperimentError[] = [];
  for (const key of ['model', 'init', 'training', 'classify'] as const) {
    for (const d of checkValue(form[key], schema[key], EXPERIMENT_SCHEMA, key)) out.push(new ExperimentError(d.message, d.path));
  }
  return out.length ? out : specSemantics(spec);
}

/**
 * What a schema-valid spec can still get wrong, at its key: as many learning rates as weight
 * matrices, explicit weights whose shapes chain and match the hidden widths, the size limits, and
 * numbers the float32 trainer cannot hold (`float32Problems`). `rateWritten`: how the file writes
 * `training.learningRate` — one number (a problem of the rate is then at `training.learningRate`) or
 * a list, one per layer (at `training.learningRate[l]`; the default, as `specFileForm` writes it).
 * `widths`: the keys the file writes as powers of the width (their problems are at their base).
 */
export function specSemantics(spec: NetworkSpec, rateWritten: 'number' | 'list' = 'list', widths?: WidthPowers): ExperimentError[] {
  const out: ExperimentError[] = [];
  const layers = spec.model.hidden.length + 1;
  if (spec.training.learningRate.length !== layers) {
    out.push(new ExperimentError(`one learning rate per weight matrix: this network has ${formatCount(layers)}, got ${formatCount(spec.training.learningRate.length)}`, 'training.learningRate'));
  }
  if (spec.init.kind === 'explicit') out.push(...explicitWeightProblems(spec.init.weights, spec.model));
  out.push(...float32Problems(spec, rateWritten, widths));
  return out;
}

/**
 * Keys of a file written as powers of the width (docs/networks.md, "Width powers"): `d`, the width of
 * the last hidden layer, and each power by the key's JSON path (`training.learningRate[1]`).
 */
export interface WidthPowers {
  width: number;
  powers: Record<string, WidthPower>;
}

/** The float32 bounds a message offers: within the range, and nonzero. */
const FLOAT32_MAX_SAID = 3.4e38;
const FLOAT32_MIN_SAID = 1.5e-45;

/** How a network's problem names d: `d = 1000 (the last hidden layer's width)`. */
export function lastHiddenWidth(width: number): string {
  return `d = ${width} (the last hidden layer's width)`;
}

/**
 * Why the trainer cannot hold `value`, the number at key `path`, or null when it can. The trainer
 * computes in float32 (docs/networks.md, "Float32 range"): a number that float32 rounds to ±Infinity
 * is refused (the run could only report "diverged"); with `zero` (what 0 would mean at that key), a
 * nonzero number that float32 rounds to 0 is refused too — a hyperparameter of 0 is a different
 * experiment (`positive`: one the key does not allow); with `belowOne`, a number that float32 rounds
 * to 1 (a key that must be < 1). The message begins `path = value: ` (a sweep says the value once,
 * `sweepValueError`). With `power` (the key written as base · d^e, `value` its value: ±Infinity or 0
 * when 64 bits could not hold it), the problem is at `path.base`, what the file lets the user change:
 * the message begins `path.base = b; the value used, … is value: ` and offers bases.
 */
export function float32Problem(path: string, value: number, options: { zero?: string; positive?: boolean; belowOne?: boolean; power?: WidthPower & { width: number } } = {}): ExperimentError | null {
  const f = Math.fround(value);
  const power = options.power;
  const factor = power ? Math.pow(power.width, power.exponent) : 1;
  const at = power ? `${path}.base` : path;
  const said = power ? widthPowerSaid(power, power.width, lastHiddenWidth(power.width), { at }) : `${path} = ${formatNumber(value)}`;
  const nonzero = power ? power.base !== 0 : value !== 0;
  if (!Number.isFinite(f) && (power ? !Number.isNaN(value) : Number.isFinite(value))) {
    const give = power ? `give a base of at most ${formatBound(FLOAT32_MAX_SAID / factor, 'atMost', (b) => Number.isFinite(Math.fround(b * factor)))}` : 'give a number of magnitude at most 3.4e38';
    return new ExperimentError(`${said}: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be ${f > 0 ? '+' : '−'}Infinity and the run could only diverge: ${give}`, at);
  }
  if (options.zero !== undefined && nonzero && f === 0) {
    const what = options.positive ? `${options.zero}, which ${path} must not be` : `${options.zero}: a different experiment`;
    const least = power ? `a base of at least ${formatBound(FLOAT32_MIN_SAID / factor, 'atLeast', (b) => Math.fround(b * factor) !== 0)}` : 'a magnitude of at least 1.5e-45';
    return new ExperimentError(`${said}: nonzero, but below the smallest float32 magnitude (1.4e-45); the trainer computes in float32, where this number would be 0 — ${what}: give ${least}${options.positive ? '' : ', or 0 if that is what you mean'}`, at);
  }
  if (options.belowOne && value < 1 && f === 1) {
    return new ExperimentError(`${said}: the trainer computes in float32, where this number would be 1, and ${path} must be < 1: give at most 0.99999994 (the largest float32 below 1)`, at);
  }
  return null;
}

/**
 * Every number of the spec that the float32 trainer cannot hold (`float32Problem`), at its key: γ,
 * the learning rates, weight decay, the optimiser's constants — refused also when a nonzero value
 * would be 0, and β₁, β₂ and the momentum when they would be 1 — and explicit weights, which are
 * rounded to the nearest float32 like data (a tiny weight may become 0), but never to ±Infinity: the
 * first entry beyond the range of each matrix, with how many more there are. `widths`: the keys the
 * file writes as powers of the width, refused at their base.
 */
export function float32Problems(spec: NetworkSpec, rateWritten: 'number' | 'list' = 'list', widths?: WidthPowers): ExperimentError[] {
  const out: ExperimentError[] = [];
  const add = (p: ExperimentError | null): void => {
    if (p) out.push(p);
  };
  const powerOf = (path: string) => {
    const p = widths?.powers[path];
    return p ? { ...p, width: widths!.width } : undefined;
  };
  const { model, training: t } = spec;
  add(float32Problem('model.outputScale', model.outputScale, { zero: 'γ = 0', positive: true, power: powerOf('model.outputScale') }));
  if (rateWritten === 'number' && t.learningRate.every((r) => Object.is(r, t.learningRate[0]))) {
    if (t.learningRate.length) add(float32Problem('training.learningRate', t.learningRate[0], { zero: 'a rate of 0, with which no layer learns', power: powerOf('training.learningRate') }));
  } else {
    t.learningRate.forEach((r, l) => add(float32Problem(`training.learningRate[${l}]`, r, { zero: `a rate of 0, with which W_${l + 1} does not learn`, power: powerOf(`training.learningRate[${l}]`) })));
  }
  add(float32Problem('training.weightDecay', t.weightDecay, { zero: 'no weight decay' }));
  if (t.optimizer.kind === 'sgd') {
    add(float32Problem('training.momentum', t.optimizer.momentum, { zero: 'no momentum (plain SGD)', belowOne: true }));
  } else {
    add(float32Problem('training.beta1', t.optimizer.beta1, { zero: 'β₁ = 0', belowOne: true }));
    add(float32Problem('training.beta2', t.optimizer.beta2, { zero: 'β₂ = 0', belowOne: true }));
    add(float32Problem('training.epsilon', t.optimizer.epsilon, { zero: 'ε = 0', positive: true }));
  }
  if (spec.init.kind === 'explicit') out.push(...explicitWeightFloat32Problems(spec.init.weights));
  return out;
}

/**
 * Explicit initial weights (`init.weights`, W_1 first, each a list of rows) that float32 cannot hold:
 * per matrix, the first entry beyond its range (rounded to ±Infinity; a tiny one becomes 0, as data
 * does, and is not refused), with how many more there are, at the entry's key.
 */
export function explicitWeightFloat32Problems(weights: readonly (readonly (readonly number[])[])[]): ExperimentError[] {
  const out: ExperimentError[] = [];
  weights.forEach((w, l) => {
    let first: ExperimentError | null = null;
    let more = 0;
    for (let i = 0; i < w.length; i++) {
      const row = Array.isArray(w[i]) ? w[i] : [];
      for (let j = 0; j < row.length; j++) {
        const x = row[j];
        if (typeof x !== 'number' || !Number.isFinite(x) || Number.isFinite(Math.fround(x))) continue;
        if (first) more++;
        else first = float32Problem(`init.weights[${l}][${i}][${j}]`, x);
      }
    }
    if (first) out.push(more ? new ExperimentError(`${first.message} (W_${l + 1} has ${countOf(more, 'more entry', 'more entries')} beyond the range)`, first.path) : first);
  });
  return out;
}

/** The length most of `w`'s non-empty rows have (one at least has entries); on a tie, the earliest such row's. */
function mostCommonLength(w: number[][]): number {
  const counts = new Map<number, number>();
  for (const row of w) if (row.length > 0) counts.set(row.length, (counts.get(row.length) ?? 0) + 1);
  let best = 0;
  for (const row of w) if ((counts.get(row.length) ?? 0) > (counts.get(best) ?? 0)) best = row.length;
  return best;
}

/**
 * Shape problems of explicit weights (`init.weights`, W_1 first, each out × in as a list of rows)
 * against the hidden widths `model.hidden` (the data's sizes are checked by the trainer), each at the
 * matrix or row it concerns.
 */
export function explicitWeightProblems(weights: number[][][], model: Pick<NetworkModel, 'hidden'>): ExperimentError[] {
  const out: ExperimentError[] = [];
  const layers = model.hidden.length + 1;
  if (weights.length !== layers) {
    return [new ExperimentError(`${countOf(layers, 'weight matrix', 'weight matrices')} expected (hidden ${JSON.stringify(model.hidden)} + the output layer), got ${formatCount(weights.length)}`, 'init.weights')];
  }
  let parameters = 0;
  for (const w of weights) parameters += w.reduce((s, row) => s + row.length, 0);
  if (parameters > NETWORK_LIMITS.parameters) return [new ExperimentError(`${countOf(parameters, 'explicit weight')} exceed the limit of ${formatCount(NETWORK_LIMITS.parameters)}`, 'init.weights')];
  // Each matrix against the widths the file gives (model.hidden), so that every wrong matrix is said, each
  // message led by its key as the schema's are: until 2026-12-02 a matrix's columns were held to the
  // previous matrix's rows, and a wrong W_1 of 1 row made a W_2 of 1 column pass, unsaid.
  weights.forEach((w, l) => {
    const path = `init.weights[${l}]`;
    const name = `W_${l + 1}`;
    if (w.length === 0) {
      out.push(new ExperimentError(`${path} (${name}) has no rows`, path));
      return;
    }
    if (l < layers - 1 && w.length !== model.hidden[l]) out.push(new ExperimentError(`${path} (${name}) must have ${countOf(model.hidden[l], 'row')} (model.hidden[${l}]), got ${formatCount(w.length)}`, path));
    if (w.every((row) => row.length === 0)) {
      out.push(new ExperimentError(`${path} (${name}) has no columns`, `${path}[0]`));
      return;
    }
    // The columns a row must have: the previous layer's width, or for W_1 (whose columns the data decides)
    // the length most of its rows have, the earliest on a tie — so that a ragged first row is the row blamed
    // (until 2026-12-03 every row was held to the first, and a short first row blamed the second, right one).
    const widthKey = l > 0 ? `model.hidden[${l - 1}], the rows of W_${l}` : null;
    const cols = l > 0 ? model.hidden[l - 1] : mostCommonLength(w);
    const wrong = w.flatMap((row, i) => (row.length === cols ? [] : [i]));
    if (wrong.length === 0) return;
    if (widthKey && wrong.length === w.length && w.every((row) => row.length === w[0].length)) {
      out.push(new ExperimentError(`${path} (${name}) must have ${countOf(cols, 'column')} (${widthKey}), got ${formatCount(w[0].length)}`, `${path}[0]`));
      return;
    }
    const i = wrong[0];
    const right = w.length - wrong.length;
    const reason = widthKey ? ` (${widthKey})` : `, as ${right === 1 ? '1 other row has' : `${formatCount(right)} other rows have`}`;
    const others = wrong.length > 1 ? ` (${countOf(wrong.length - 1, 'more row')} of ${name} ${wrong.length > 2 ? 'have' : 'has'} another length)` : '';
    out.push(new ExperimentError(`${path}[${i}] (row ${i} of ${name}) must have ${countOf(cols, 'entry', 'entries')}${reason}, got ${formatCount(w[i].length)}${others}`, `${path}[${i}]`));
  });
  return out;
}
