/**
 * A network experiment file, normalised (docs/networks.md, "The experiment file"): the network form of
 * media/flab.schema.json (a file whose `model` has `hidden`) as the trainer's `NetworkSpec`, its data
 * spec, its sweep and the checkpoints it writes. The schema has checked the values; this adds what a
 * schema cannot say, each at its key: `epochs` and `steps` together, an optimiser's key given to the
 * other optimiser, as many learning rates as weight matrices, the shapes of explicit weights, the
 * checkpoint cadence against the record cadence, the data spec's own rules, width powers that leave
 * their range, the sweep's key and values.
 */
import { formatCount } from '../experiment/diagnostic';
import { ExperimentError, VariantError } from '../experiment/errors';
import { SweepSpec, WidthPower } from '../experiment/experiment';
import { isWidthPower, withNumber } from '../experiment/hyperparameters';
import { EXPERIMENT_SCHEMA, kindSchema } from '../experiment/kind';
import { checkValue } from '../experiment/schema';
import { resolveSweep, SweepRange } from '../experiment/sweepSpec';
import { widthPowerRangeProblem, widthPowerSaid } from '../experiment/widthPowers';
import { Dataset, outputSize } from './dataset';
import { DataSpec, dataSpecProblems } from './data/dataSpec';
import { reportedMessage } from './data/dataError';
import { leastDefaultRecordEvery, onnxStepWork } from './workModel';
import { explicitWeightFloat32Problems, explicitWeightProblems, InitScheme, lastHiddenWidth, layerSizes, NETWORK_LIMITS, NetworkActivation, NetworkLoss, networkSpec, NetworkSpec, parameterCount, specSemantics } from './spec';

/** The optimiser each optimiser-specific key of `training` belongs to. */
const OPTIMIZER_OF = { momentum: 'sgd', beta1: 'adam', beta2: 'adam', epsilon: 'adam' } as const;

/** Records of a run whose file does not set `training.record.every`: about this many (docs/networks.md, "The experiment file"). */
export const DEFAULT_RECORDS = 100;

/** `training.checkpoints`: the weights written every `every` steps (docs/checkpoints.md, "Writing checkpoints"). */
export interface CheckpointWriting {
  every: number;
  /** The folder, relative to the experiment file; undefined: `runs/<file name without .flab.json>`. */
  path?: string;
}

/** A network experiment, ready to train once its data is loaded (`specForData`). */
export interface NetworkExperiment {
  name?: string;
  description?: string;
  /**
   * The network, its initialisation, its training and the label's thresholds, every default filled;
   * the two that depend on the data (see `auto`) hold placeholders until `specForData` settles them.
   */
  spec: NetworkSpec;
  /**
   * Keys the file left to the data: the loss (cross-entropy for class targets, squared for
   * regression) and the record cadence (about DEFAULT_RECORDS records over the run).
   */
  auto: { loss: boolean; record: boolean };
  data: DataSpec;
  checkpoints?: CheckpointWriting;
  /** A sweep over one numeric key of the network form. */
  sweep?: SweepSpec;
  /** Keys given as powers of the width d of the last hidden layer, by JSON path (values in `spec` already resolved). */
  widthScaling?: Record<string, WidthPower>;
  /** The file's JSON value as written: a sweep rewrites one key of it and normalises again. */
  source: unknown;
}

/** A problem of a schema-valid file, at its JSON path. */
export interface NetworkProblem {
  path: string;
  message: string;
}

/** The file's network form as JSON gives it (checked by the schema). */
interface RawNetwork {
  name?: string;
  description?: string;
  model: { hidden: number[]; activation?: NetworkActivation; outputScale?: number | RawPower; bias?: boolean };
  data: DataSpec;
  init?: { scheme?: InitScheme; scale?: number | RawPower; seed?: number } | { weights: number[][][] };
  training?: {
    loss?: NetworkLoss;
    optimizer?: 'sgd' | 'adam';
    momentum?: number;
    beta1?: number;
    beta2?: number;
    epsilon?: number;
    learningRate?: number | RawPower | (number | RawPower)[];
    batchSize?: number | 'full';
    epochs?: number;
    steps?: number;
    weightDecay?: number;
    record?: { every?: number; full?: boolean };
    seed?: number;
    checkpoints?: CheckpointWriting;
  };
  classify?: Partial<NetworkSpec['classify']>;
  sweep?: Record<string, number[] | SweepRange>;
}

interface RawPower {
  widthExponent: number;
  base?: number;
}

/**
 * The normal form of a file's value that the schema's network form accepts, with every problem a
 * schema cannot see (none: `experiment` is set). Never throws.
 */
export function normaliseNetworkExperiment(value: unknown): { experiment: NetworkExperiment | null; problems: NetworkProblem[] } {
  const raw = value as RawNetwork;
  const problems: NetworkProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const t = raw.training ?? {};
  const layers = raw.model.hidden.length + 1;

  // Width powers: d is the width of the last hidden layer, the one the output layer reads.
  const widthScaling: Record<string, WidthPower> = {};
  const d = raw.model.hidden[raw.model.hidden.length - 1];
  const resolve = (path: string, v: number | RawPower | undefined, float32Checked: boolean): number | undefined => {
    if (!isWidthPower(v)) return v as number | undefined;
    const power = { exponent: v.widthExponent, base: v.base ?? 1 };
    widthScaling[path] = power;
    if (d === undefined) {
      problem(path, `${path} is a power of the width, and this network has no hidden layer (d is the width of the last hidden layer): give a number`);
      return undefined;
    }
    // γ and the rates have float32's bounds, checked with the spec (`float32Problems`, at the base): a
    // value beyond 64 bits (±Infinity, or 0 from a nonzero base) is refused there. σ has none of its
    // own (its draws are checked with the data): 64 bits' here.
    const range = float32Checked ? null : widthPowerRangeProblem(power, d, lastHiddenWidth(d), { at: `${path}.base` });
    if (range) {
      problem(range.path, range.message);
      return undefined;
    }
    return power.base * Math.pow(d, power.exponent);
  };
  const outputScale = resolve('model.outputScale', raw.model.outputScale, true);
  const init = raw.init && 'weights' in raw.init ? { weights: raw.init.weights } : { scheme: raw.init?.scheme, scale: resolve('init.scale', raw.init?.scale, false), seed: raw.init?.seed };
  let learningRate: number | number[] | undefined;
  if (Array.isArray(t.learningRate)) {
    learningRate = t.learningRate.map((r, i) => resolve(`training.learningRate[${i}]`, r, true) ?? 0);
    if (learningRate.length !== layers) problem('training.learningRate', `one learning rate per weight matrix, from the first to the last: this network has ${layers} (hidden ${JSON.stringify(raw.model.hidden)} and the output layer), got ${learningRate.length}`);
  } else {
    learningRate = resolve('training.learningRate', t.learningRate, true);
  }

  // Keys that belong together or exclude each other.
  if (t.epochs !== undefined && t.steps !== undefined) problem('training.steps', 'give training.epochs or training.steps, not both');
  const optimizer = t.optimizer ?? 'sgd';
  /** Why training.`key` does not apply to this file's optimizer, or null. */
  const otherOptimizers = (key: keyof typeof OPTIMIZER_OF): string | null =>
    OPTIMIZER_OF[key] === optimizer ? null : `training.${key} belongs to the "${OPTIMIZER_OF[key]}" optimizer, and training.optimizer is "${optimizer}"`;
  for (const key of Object.keys(OPTIMIZER_OF) as (keyof typeof OPTIMIZER_OF)[]) {
    const wrong = t[key] === undefined ? null : otherOptimizers(key);
    if (wrong) problem(`training.${key}`, wrong);
  }
  const checkpoints = t.checkpoints;
  if (checkpoints && t.record?.every !== undefined && checkpoints.every % t.record.every !== 0) {
    problem('training.checkpoints.every', `a checkpoint is written at a record: training.checkpoints.every (${formatCount(checkpoints.every)}) must be a multiple of training.record.every (${formatCount(t.record.every)})`);
  }
  for (const e of dataSpecProblems(raw.data)) problem(e.path, reportedMessage(e));

  const spec = networkSpec({
    model: { hidden: raw.model.hidden, activation: raw.model.activation, outputScale: outputScale ?? 1, bias: raw.model.bias },
    init: 'weights' in init ? init : { scheme: init.scheme, scale: init.scale ?? 1, seed: init.seed },
    training: {
      loss: t.loss ?? 'crossEntropy',
      optimizer,
      momentum: t.momentum,
      beta1: t.beta1,
      beta2: t.beta2,
      epsilon: t.epsilon,
      learningRate: learningRate ?? 0.01,
      batchSize: t.batchSize,
      epochs: t.epochs,
      steps: t.steps,
      weightDecay: t.weightDecay,
      record: { every: t.record?.every ?? 1, full: t.record?.full },
      seed: t.seed,
    },
    classify: raw.classify,
  });
  // A value written as a power of the width is changed through its base: its problems are there.
  const widths = d === undefined ? undefined : { width: d, powers: widthScaling };
  for (const e of specSemantics(spec, Array.isArray(t.learningRate) ? 'list' : 'number', widths)) {
    if (!problems.some((p) => p.path === e.path || p.path === e.path.replace(/\.base$/, ''))) problem(e.path, e.message);
  }

  const sweep = raw.sweep ? resolveSweep(raw.sweep, 'network', value) : { spec: undefined, problems: [] };
  problems.push(...sweep.problems);
  // The other of epochs and steps: every value would give both, so the sweep's key is the fault.
  const length = /^training\.(epochs|steps)$/.exec(sweep.spec?.path ?? '');
  const other = length?.[1] === 'epochs' ? 'steps' : 'epochs';
  if (length && t[other] !== undefined) problem(`sweep.${sweep.spec!.key}`, `sweep: the file gives training.${other}, and a run is as long as one of training.epochs or training.steps: sweep training.${other}, or write training.${length[1]} instead of it`);
  // A key of the other optimizer: every value would fail alike, so the sweep's key is the fault.
  const swept = /^training\.(momentum|beta1|beta2|epsilon)$/.exec(sweep.spec?.path ?? '');
  const wrongOptimizer = swept && otherOptimizers(swept[1] as keyof typeof OPTIMIZER_OF);
  if (wrongOptimizer) problem(`sweep.${sweep.spec!.key}`, `sweep: ${wrongOptimizer}`);
  if (problems.length > 0) return { experiment: null, problems };
  return {
    experiment: {
      name: raw.name,
      description: raw.description,
      spec,
      auto: { loss: t.loss === undefined, record: t.record?.every === undefined },
      data: raw.data,
      checkpoints,
      sweep: sweep.spec,
      widthScaling: Object.keys(widthScaling).length ? widthScaling : undefined,
      source: value,
    },
    problems,
  };
}

/**
 * The checks of a file's explicit initial weights (`init.weights`) that need nothing else of the file,
 * for a file the schema refuses elsewhere (a missing `data`, a misspelt data set, a width misnamed, an
 * entry beyond 64 bits), where `normaliseNetworkExperiment` is not reached: the shapes against
 * `model.hidden` (when the schema accepts `model.hidden`) and the entries float32 cannot hold, each at
 * its key, as `normaliseNetworkExperiment` words them. Only the weights' structure is asked for (a list
 * of matrices, each a list of rows, each a list): an entry that is not a number, or not finite, leaves
 * the shapes to check and is itself the schema's to refuse. [] when `init.weights` has no such structure.
 */
export function explicitWeightsAlone(value: unknown): NetworkProblem[] {
  const object = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!object(value) || !object(value.init)) return [];
  const weights = value.init.weights;
  if (!Array.isArray(weights) || !weights.every((w) => Array.isArray(w) && w.every((row) => Array.isArray(row)))) return [];
  const hidden = object(value.model) ? value.model.hidden : undefined;
  const hiddenSchema = kindSchema('network').properties!.model.properties!.hidden;
  const widths = hidden !== undefined && checkValue(hidden, hiddenSchema, EXPERIMENT_SCHEMA, 'model.hidden').length === 0 ? (hidden as number[]) : null;
  const matrices = weights as number[][][];
  const problems = [...(widths ? explicitWeightProblems(matrices, { hidden: widths }) : []), ...explicitWeightFloat32Problems(matrices)];
  return problems.map((e) => ({ path: e.path, message: e.message }));
}

/**
 * A problem found with the data (`TrainingSetupError`: random draws beyond float32 at `init.scale`)
 * at a key the file writes as a power of the width: at its base, what the user changes, naming the
 * base and the value used (`init.scale.base = 1e30; the value used, base · d^4 at d = 1000 (…), is
 * 1e42: …`); a remedy "give a smaller init.scale" says it is the base. Other problems unchanged.
 * Messages begin `path = value: ` (`float32Problem`'s convention), which this replaces.
 */
export function atWidthPowerBase(e: NetworkExperiment, problem: ExperimentError): ExperimentError {
  const power = e.widthScaling?.[problem.path];
  const d = e.spec.model.hidden[e.spec.model.hidden.length - 1];
  if (!power || d === undefined) return problem;
  const at = `${problem.path}.base`;
  const said = widthPowerSaid(power, d, lastHiddenWidth(d), { at });
  const prefix = `${problem.path} = `;
  const rest = problem.message.startsWith(prefix) && problem.message.includes(': ') ? problem.message.slice(problem.message.indexOf(': ') + 2) : problem.message;
  const escaped = problem.path.replace(/[.[\]]/g, '\\$&');
  return new ExperimentError(`${said}: ${rest.replace(new RegExp(`(give an? \\w+ ${escaped})(?![\\w.[])`, 'g'), '$1 (its base)')}`, at);
}

/**
 * The spec to train on this training set: the loss and the record cadence settled when the file left
 * them (`auto`). Cross-entropy for class targets, squared for regression; records every
 * max(⌊T/DEFAULT_RECORDS⌋, k) steps for a run of T steps, k the least cadence whose records' norms,
 * distances and (ReLU) dead-unit scans take at most 1% of the steps' work (`leastDefaultRecordEvery`; 1
 * but for wide networks on small batches), and at most NETWORK_LIMITS.steps, the key's maximum — with checkpoints, the largest
 * divisor of their cadence not above that, so that every checkpoint falls on a record.
 */
export function specForData(e: NetworkExperiment, train: Dataset): NetworkSpec {
  const spec: NetworkSpec = { ...e.spec, training: { ...e.spec.training } };
  if (e.auto.loss) spec.training.loss = train.targets.kind === 'classes' ? 'crossEntropy' : 'squared';
  if (e.auto.record) {
    const total = plannedSteps(spec, train.count);
    // At most the key's maximum (the step limit): a run too long for it is refused at its length, not
    // at training.record.every, which the file does not write.
    // About DEFAULT_RECORDS records, but none closer than their cost's share of the steps' work allows.
    const rows = spec.training.batchSize === 'full' ? train.count : Math.min(spec.training.batchSize, train.count);
    const least = leastDefaultRecordEvery(layerSizes(spec.model, train.features, outputSize(train)), rows, spec.model.activation);
    let every = Math.min(NETWORK_LIMITS.steps, Math.max(least, Math.floor(total / DEFAULT_RECORDS)));
    if (e.checkpoints) {
      every = Math.min(every, e.checkpoints.every);
      while (e.checkpoints.every % every !== 0) every--;
    }
    spec.training.record = { ...spec.training.record, every };
  }
  return spec;
}

/**
 * The steps a run of `spec` takes on a training set of `count` samples: `steps`, or `epochs` passes of
 * ⌈count / batch⌉ steps (a batch larger than the set is the whole set).
 */
export function plannedSteps(spec: NetworkSpec, count: number): number {
  const t = spec.training;
  const batch = t.batchSize === 'full' ? count : Math.min(t.batchSize, count);
  return t.length.unit === 'steps' ? t.length.count : t.length.count * Math.ceil(count / Math.max(1, batch));
}

/** Whether a key path is in the `data` block (`data.train`, `data[…]`): a value of it may read another training set. */
export function isDataKey(path: string): boolean {
  return /^data(\.|\[|$)/.test(path);
}

/**
 * What each value of `e`'s sweep will take, in the sweep's order, on a training set like `train` (a
 * value's run's): its steps (`plannedSteps`) and the modeled work of one of them (`onnxStepWork`:
 * multiply-adds of its products, the parameters fed in and out, the run's fixed cost — a width sweep's
 * steps differ by 27 times), which the training panel counts a value not started at (its time left and
 * its steps over the values). A value under a swept `data.…` key may read another training set: its
 * steps are null when it trains for `training.epochs`, its step's work null always (its batch may be
 * another) — unless `setOf(j)` tells value j's set (`sweepValueTrainSet`: a sweep over `data.train`,
 * the subset size, gives value v a set of v samples; null where not known); a value the file refuses is
 * null in both (its run says why); [] without a sweep.
 */
export function sweepValuePlans(e: NetworkExperiment, train: Dataset, setOf?: (j: number) => Dataset | null): { steps: number | null; stepWork: number | null }[] {
  if (!e.sweep) return [];
  const { path, values } = e.sweep;
  const ofData = isDataKey(path);
  return values.map((v, j) => {
    let spec: NetworkSpec;
    try {
      spec = networkVariant(e, path, v).spec;
    } catch {
      return { steps: null, stepWork: null };
    }
    const own = ofData ? (setOf?.(j) ?? null) : train;
    const t = spec.training;
    if (!own) return { steps: t.length.unit === 'epochs' ? null : plannedSteps(spec, train.count), stepWork: null };
    const batch = t.batchSize === 'full' ? own.count : Math.min(t.batchSize, own.count);
    const weights = parameterCount(layerSizes(spec.model, own.features, outputSize(own)), false);
    return { steps: plannedSteps(spec, own.count), stepWork: onnxStepWork(Math.max(1, batch), weights) };
  });
}

/**
 * The experiment with the number at `path` replaced (a width power keeps its exponent), checked by
 * the schema and normalised again, as if the user had typed it: one run of a sweep. Throws a
 * VariantError (which value, at which key) at the first problem, located at the sweep's key.
 */
export function networkVariant(e: NetworkExperiment, path: string, value: number): NetworkExperiment {
  const source = withNumber(e.source, path, value);
  const [bad] = checkValue(source, kindSchema('network'), EXPERIMENT_SCHEMA, '');
  const normal = bad ? null : normaliseNetworkExperiment(source);
  const problem = bad ?? normal!.problems[0];
  // The value comes from the sweep, not from the key in the file: the sweep is where to look.
  if (problem) throw new VariantError(`with ${path} = ${value}: ${problem.message}`, e.sweep ? `sweep.${e.sweep.key}` : path, path, value);
  const variant = normal!.experiment!;
  variant.sweep = undefined;
  return variant;
}

/** A network sweep's key written as a power of the width: its exponent, and d, the file's last hidden width. */
export interface SweepWidthPower {
  exponent: number;
  width: number;
}

/**
 * The width power of a network sweep's key (`{exponent, width}`, d the width of the last hidden layer,
 * as `flab sweep` of the linear model and `flab phase --json` give it) when the file writes it as a
 * power of the width (its values are then bases b), else null. `flab sweep --json` prints it as
 * `widthPower`, and the training panel's Export Data writes it (`networkSweepJson`).
 */
export function networkWidthPower(e: NetworkExperiment): SweepWidthPower | null {
  const path = e.sweep?.path;
  const power = path === undefined ? undefined : e.widthScaling?.[path];
  const d = e.spec.model.hidden[e.spec.model.hidden.length - 1];
  return power && power.exponent !== 0 && d !== undefined ? { exponent: power.exponent, width: d } : null;
}
