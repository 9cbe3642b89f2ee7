/**
 * Running a network experiment (docs/networks.md, "Runs and output"): its data loaded (paths relative
 * to the experiment file), the spec settled for that data (`specForData`), a resumable `Training`,
 * the checkpoints written when the file asks (`training.checkpoints`), and the result that
 * `flab train --json` prints — the trainer's columns with the layers named as in a checkpoint
 * (`fc1.weight`, …), the data and the network described, the label's thresholds. A sweep trains once
 * per value. Plain Node and TensorFlow.js (WebAssembly), no vscode: the CLI and the workers run it.
 */
import { basename, join, resolve } from 'node:path';
import { ExperimentError } from '../experiment/errors';
import type { LayerThresholds } from '../mechanisms/layerLabel';
import { CheckpointFolder, checkpointFolderProblem, CheckpointPlan, FolderLock, checkpointPathProblem, checkpointPlanProblem, trainerLayerName } from '../checkpoints/checkpointFolder';
import { homedir } from 'node:os';
import { Dataset, outputSize } from '../network/dataset';
import { LoadedData, loadDataset } from '../network/data/loadDataset';
import { LoadedDataCache, MAX_KEPT_DATA_BYTES } from '../network/data/loadedDataCache';
import type { SplitShape } from '../network/data/rawSplit';
import { visibleName } from '../experiment/diagnostic';
import { atWidthPowerBase, isDataKey, NetworkExperiment, networkVariant, plannedSteps, specForData } from '../network/networkExperiment';
import { cadenceAdvice, layerSizes, leastRecordEvery, maxRecordsKept, networkLayerThresholds, NetworkLoss, NetworkSpec, parameterCount, recordsInMemoryProblem } from '../network/spec';
import { BridgeFlow, bridgeFlow } from './bridgeFlow';
import { recordCount, RunOptions, RunOutcome, Training, TrainingOptions, TrainingRecord, TrainingResult, shapeLimitProblems, TrainingSetupError, TrainingSummary } from '../network/train';

/** Where a run reads and writes, and how it may be stopped. */
export interface NetworkRunOptions {
  /** The experiment file's folder: data paths and the checkpoint folder are relative to it. */
  baseDir: string;
  /** The experiment file's name: the default checkpoint folder is `runs/<name without .flab.json>` (default "experiment"). */
  fileName?: string;
  /** Aborts the data's loading; a run stops at its next cancel point. */
  signal?: AbortSignal;
  /** Write the checkpoints the file asks for (default true; a live view that reruns on every edit may say false). */
  writeCheckpoints?: boolean;
  /** The TensorFlow.js .wasm binaries' folder (default: found from the bundle, src/core/network/backend.ts). */
  wasmDirectory?: string;
  /** The embedded MNIST's folder (default: media/mnist/ beside the bundle's dist/). */
  mnistDir?: string;
  /** Samples per chunk of a step (tests). */
  chunkRows?: number;
  /** The thread's last loaded data, taken again when nothing it depends on changed (a worker's runs, a sweep's values). */
  dataCache?: LoadedDataCache;
  /** The library that runs the steps (TrainingOptions.backend; default auto). */
  backend?: TrainingOptions['backend'];
  /**
   * The caller's own limit on a run's records, for a network of `layers` weight matrices (the command
   * line: what its output may hold). Not checked here: a cadence refused for the records kept in
   * memory is advised within it too, so that the advice passes the caller's check as well.
   */
  recordsAtMost?(layers: number): number;
  /** The free bytes of the checkpoint folder's file system (tests; default: the file system's own answer, `statfs`). */
  checkpointFreeBytes?(dir: string): number;
  /**
   * The checkpoint folder, already held by this process (`takeCheckpointFolder`, before the data was
   * read); without it, the run takes the folder before its first step. Given up with the run (`dispose`).
   */
  folderLock?: FolderLock | null;
}

/** One weight matrix over the records: its name as a checkpoint of the run names it, its shape (out × in), ‖W_l‖_F and its relative distance. */
export interface NetworkLayerSeries {
  name: string;
  shape: [number, number];
  norm: number[];
  distance: number[];
}

/**
 * One pair of consecutive layers over the records: ζ and ζ_top, null at records their cadence skipped;
 * `zetaError`, ζ's standard error (0 where exact), only for a pair whose ζ was estimated at some record
 * (Hutch++, docs/networks.md "Layer metrics"), as `flab checkpoints` prints it.
 */
export interface NetworkAlignmentSeries {
  layers: [string, string];
  zeta: (number | null)[];
  zetaTop: (number | null)[];
  zetaError?: (number | null)[];
}

/**
 * The last record's values (`summary.final`): its scalars, and each layer's norm and distance and each
 * pair's ζ and ζ_top, named as in the columns — what the paper's summary views plot against a swept
 * value, without reading the last entry of every column.
 */
export type FinalValues = NonNullable<TrainingSummary['final']> & {
  kernelChange: number | null;
  tangentChange: number | null;
  layers: { name: string; norm: number | null; distance: number | null }[];
  alignment: { layers: [string, string]; zeta: number | null; zetaTop: number | null }[];
};

/**
 * What `flab train FILE --json` prints (docs/networks.md, "Runs and output"): one entry per record in
 * every column; numbers finite or null.
 */
export interface TrainResult {
  name: string | null;
  description: string | null;
  /** Layer sizes n_0 … n_L, parameters, and the settings the data settled. */
  network: { sizes: number[]; parameters: number; loss: NetworkLoss; recordEvery: number };
  /** Where the samples came from and what was kept. */
  data: { source: string; train: number; test: number | null; features: number; sampleShape: number[]; outputs: number; classes: number | null; classNames?: string[] };
  step: number[];
  epoch: number[];
  trainLoss: number[];
  trainAccuracy: (number | null)[];
  testLoss: (number | null)[];
  testAccuracy: (number | null)[];
  distance: number[];
  kernelChange: (number | null)[];
  tangentChange: (number | null)[];
  layers: NetworkLayerSeries[];
  alignment: NetworkAlignmentSeries[];
  /**
   * A network that is the two-layer linear model (the bridge): its exact gradient flow from the same θ₀
   * at each record's step (t = steps) — the network's ζ along it (|ζ| on one-dimensional data;
   * `networkZeta`), the loss taken as `trainLoss` is (the mean over the
   * record's iterations; null when the flow at every step is too costly) and the norms of W₁ = W and
   * W₂ = uᵀ — null where a step is not a planned record (a divergence's); absent for any other network
   * (docs/networks.md, "The bridge to the linear model").
   */
  exactFlow?: { zeta: (number | null)[]; loss: (number | null)[]; norms: (number | null)[][] };
  /**
   * The trainer's summary, with its own status for a run that never started: `notTrained` when the
   * loss at θ₀ is not finite in float32 (`divergedAt` 0, no record: nothing diverged, nothing was
   * trained — the trainer says `diverged`; docs/networks.md, "Runs and output").
   */
  summary: Omit<TrainingSummary, 'status' | 'final'> & {
    status: PrintedStatus;
    thresholds: LayerThresholds;
    records: number;
    final: FinalValues | null;
    /**
     * A run whose loss stopped being finite (`notTrained` at θ₀, or `diverged` at a later step of a
     * minibatch run) under the squared loss, where the batch of that step holds a regression target that
     * alone overflows it (`overflowingTarget`): the first sample (0-based), output and value of the
     * largest |y| in that batch (the whole set for the full batch). Absent otherwise.
     */
    targetOverflow?: TargetOverflow;
  };
  /** The checkpoint folder (absolute) and the files written into it, in order; null when none were written. */
  checkpoints: { folder: string; files: string[] } | null;
}

/** A regression target whose square is beyond float32 (TrainResult.summary, `targetOverflow`). */
export interface TargetOverflow {
  /** The training sample, counted from 0 (as the file lists them, after a CSV's header). */
  sample: number;
  /** Its output, counted from 0, of `outputs`. */
  output: number;
  outputs: number;
  /** The target, y. */
  value: number;
}

/**
 * The largest float32 number, about 3.4·10³⁸: a residual f − y whose square passes it makes the squared
 * loss ½Σ(f − y)² ∞ in the trainer's arithmetic.
 */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The regression target that alone overflows the squared loss in float32, whatever the network
 * outputs at a scale below its own: the first of largest |y| when y² > FLOAT32_MAX (|y| above 1.8·10¹⁹:
 * ½(f − y)² is ∞ unless f is within 1.8·10¹⁹ of y). Among the training samples `samples` (0-based, a
 * minibatch's, in any order: the first of largest |y| in sample order) or, without them, all of them.
 * Null for class targets, and when no target does. No init.scale, outputScale, learning rate or
 * normalisation of the inputs changes it: only scaling the targets does.
 */
export function overflowingTarget(train: Dataset, samples?: readonly number[]): TargetOverflow | null {
  const t = train.targets;
  if (t.kind !== 'regression') return null;
  const rows = samples ? [...samples].sort((a, b) => a - b) : null;
  const count = rows ? rows.length * t.outputs : t.values.length;
  const index = (k: number): number => (rows ? rows[Math.floor(k / t.outputs)] * t.outputs + (k % t.outputs) : k);
  let at = -1;
  for (let k = 0; k < count; k++) {
    const i = index(k);
    if (at < 0 ? Math.abs(t.values[i]) > 0 : Math.abs(t.values[i]) > Math.abs(t.values[at])) at = i;
  }
  if (at < 0 || !(t.values[at] * t.values[at] > FLOAT32_MAX)) return null;
  return { sample: Math.floor(at / t.outputs), output: at % t.outputs, outputs: t.outputs, value: t.values[at] };
}

/**
 * `summary.status` as printed: the trainer's (`finished`, `stopped`, `diverged`; `ready` before a
 * run), or `notTrained` for a run whose loss is not finite at the initial weights, which took no step;
 * `training` in the training panel's Export Data of a run still under way (its records so far).
 */
export type PrintedStatus = TrainingSummary['status'] | 'notTrained' | 'training';

/** The status a run's summary prints (`PrintedStatus`): `notTrained` for a loss not finite at θ₀. */
export function printedStatus(s: Pick<TrainingSummary, 'status' | 'divergedAt'>): PrintedStatus {
  return s.status === 'diverged' && s.divergedAt === 0 ? 'notTrained' : s.status;
}

/** One training per value of a network file's sweep: what `flab sweep FILE --json` prints (with `failed` for `failures`). */
export interface TrainSweepResult {
  key: string;
  path: string;
  values: number[];
  /** One result per value, in the sweep's order; null for a value that failed, or that no run reached after a failure stopped the sweep (`failures`). */
  runs: (TrainResult | null)[];
  /** The values whose run failed, in order, with their errors (as thrown: the caller locates them); empty when every value trained. */
  failures: SweepFailure[];
}

/** A sweep value whose run threw: its index in the sweep, the value and the error. */
export interface SweepFailure {
  index: number;
  value: number;
  error: unknown;
}

/**
 * A network experiment ready to train: data loaded, spec settled, a `Training` (θ₀ drawn); the
 * checkpoint folder is weighed and prepared by the first `run`. `run` may be called again after a stop (Stop and Resume); `result`
 * gives the records so far; `dispose` frees the tensors.
 */
export class NetworkRun {
  private folder: CheckpointFolder | null = null;
  /** The folder weighed and prepared, once, by the first `run` (`prepareFolder`). */
  private prepared: Promise<void> | null = null;
  private freeBytes: NetworkRunOptions['checkpointFreeBytes'];
  private written: Promise<string[]> | null = null;
  /** The bridge's exact flow, solved at the first result (undefined until then; null: not the bridge). */
  private flow: BridgeFlow | null | undefined;

  private constructor(
    readonly experiment: NetworkExperiment,
    /** The spec as trained: the file's, with the loss and the record cadence settled for the data. */
    readonly spec: NetworkSpec,
    readonly data: LoadedData,
    readonly training: Training,
    private readonly checkpointFolder: string | null,
  ) {}

  /**
   * Loads the data and sets the run up. Rejects with a DataError (located at a `data` key and a file
   * position), a TrainingSetupError (problems at their keys), or an AbortError once `signal` fires.
   */
  static async load(e: NetworkExperiment, options: NetworkRunOptions): Promise<NetworkRun> {
    // A network too large for the data's features, epochs of too many steps or too many records kept,
    // refused from the data's header before the data is read (checked again on the data as read).
    const beforeAllocating = (shape: SplitShape) => {
      const problems = shape.what === 'training' ? shapeLimitProblems(e.spec, shape, !e.auto.record) : [];
      if (problems.length > 0) throw new TrainingSetupError(problems.map((p) => (p.path === 'training.record.every' ? cadenceWithin(e, e.spec, shape.count ?? 1, options) ?? p : atWidthPowerBase(e, p))));
    };
    const loadOptions = { baseDir: options.baseDir, mnistDir: options.mnistDir, signal: options.signal, beforeAllocating };
    const data = await (options.dataCache ? options.dataCache.load(e.data, loadOptions) : loadDataset(e.data, loadOptions));
    const spec = specForData(e, data.train);
    let training: Training;
    try {
      training = new Training(spec, { train: data.train, test: data.test }, { wasmDirectory: options.wasmDirectory, chunkRows: options.chunkRows, backend: options.backend });
    } catch (err) {
      if (!(err instanceof TrainingSetupError)) throw err;
      // A problem of a key written as a power of the width is at its base, as the file's own checks put
      // it; a cadence refused for the records kept is advised within every check (`cadenceWithin`).
      throw new TrainingSetupError(err.problems.map((p) => (p.path === 'training.record.every' ? cadenceWithin(e, spec, data.train.count, options) ?? p : atWidthPowerBase(e, p))));
    }
    const writing = e.checkpoints && options.writeCheckpoints !== false;
    const folder = writing ? checkpointFolderOf(e, options) : null;
    const run = new NetworkRun(e, spec, data, training, folder);
    if (folder) run.folder = new CheckpointFolder(folder, training.totalSteps, options.folderLock ?? null);
    run.freeBytes = options.checkpointFreeBytes;
    return run;
  }

  /** Records the run makes when it goes to the end: at step 0, every `record.every` steps and at the last. */
  get plannedRecords(): number {
    return recordCount(this.training.totalSteps, this.spec.training.record.every);
  }

  /**
   * Trains until the end, a stop (`shouldStop`, or the load's abort signal) or a divergence; records
   * stream through `onRecord`, and each checkpoint step's weights are queued for writing. A run that a
   * stop ended (`closeAtStop`: its last record is where it stopped) or that diverged (its last record
   * is of the weights whose loss was not finite, its metrics line's loss null) writes the checkpoint of
   * that record too, as a finished run writes its last step's (unless that step has one): the folder
   * ends where the records end.
   */
  async run(options: RunOptions = {}): Promise<RunOutcome> {
    await this.prepareFolder();
    const every = this.experiment.checkpoints?.every;
    const T = this.training.totalSteps;
    const seen: { last: TrainingRecord | null } = { last: null };
    const outcome = await this.training.run({
      ...options,
      onRecord: (r) => {
        seen.last = r;
        if (this.folder && every !== undefined && (r.step % every === 0 || r.step === T)) this.writeCheckpoint(r);
        options.onRecord?.(r);
      },
    });
    // The current weights are the last record's when it was made at the step the run is at: a stop's
    // closing record, a divergence's record (not a pause's last record, steps before).
    const last = seen.last;
    const ended = outcome.status === 'stopped' || outcome.status === 'diverged';
    if (ended && last && last.step === this.training.step && this.folder && every !== undefined && !this.folder.has(last.step)) this.writeCheckpoint(last);
    return outcome;
  }

  /**
   * Once, before the first step: the checkpoints the run would write are weighed
   * (`checkpointPlanProblem`: more than a checkpoint experiment reads, more bytes than a run may write
   * or than the disk has free), then the folder is prepared (an earlier run's checkpoints deleted, its
   * metrics.jsonl emptied). Rejects with an ExperimentError at the key concerned. Not when the run is
   * loaded: a run refused after that (the command line's output check, `beforeRun`) had already
   * deleted an earlier run's checkpoints and emptied its metrics.jsonl.
   */
  private prepareFolder(): Promise<void> {
    return (this.prepared ??= this.prepareNow());
  }

  private async prepareNow(): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    const c = this.experiment.checkpoints!;
    const plan = { totalSteps: this.training.totalSteps, every: c.every, recordEvery: checkpointRecordEvery(this.experiment, this.spec), sizes: this.training.sizes, bias: this.spec.model.bias };
    const refused = await checkpointPlanRefusal(this.experiment, folder.folder, plan, this.freeBytes);
    if (refused) throw refused;
    try {
      await folder.prepare();
    } catch (err) {
      throw new ExperimentError(`cannot write checkpoints into ${visibleName(folder.folder)}: ${(err as Error).message}`, c.path !== undefined ? 'training.checkpoints.path' : 'training.checkpoints');
    }
  }

  /** Waits for the checkpoints queued so far to be written; rejects with an ExperimentError at `training.checkpoints` when one cannot be. */
  async checkpointsWritten(): Promise<string[]> {
    if (!this.folder) return [];
    try {
      return await this.folder.finish();
    } catch (err) {
      throw new ExperimentError(`cannot write checkpoints into ${visibleName(this.folder.folder)}: ${(err as Error).message}`, 'training.checkpoints');
    }
  }

  /** The records so far as `flab train --json` prints them (`files`: the checkpoints written, from `checkpointsWritten`). */
  result(files: string[] = []): TrainResult {
    const r = this.training.result();
    const sizes = this.training.sizes;
    const names = sizes.slice(1).map((_, l) => trainerLayerName(l + 1));
    const train = this.data.train;
    const classes = train.targets.kind === 'classes' ? train.targets.classCount : null;
    const e = this.experiment;
    return {
      name: e.name ?? null,
      description: e.description ?? null,
      network: { sizes, parameters: parameterCount(sizes, this.spec.model.bias), loss: this.spec.training.loss, recordEvery: this.spec.training.record.every },
      data: {
        source: this.data.source,
        train: train.count,
        test: this.data.test?.count ?? null,
        features: train.features,
        sampleShape: train.sampleShape,
        outputs: outputSize(train),
        classes,
        ...(this.data.classNames ? { classNames: this.data.classNames } : {}),
      },
      step: r.step,
      epoch: r.epoch,
      trainLoss: r.trainLoss,
      trainAccuracy: r.trainAccuracy,
      testLoss: r.testLoss,
      testAccuracy: r.testAccuracy,
      distance: r.distance,
      kernelChange: r.kernelChange,
      tangentChange: r.tangentChange,
      layers: r.layers.map((l, i) => ({ name: names[i], shape: [sizes[i + 1], sizes[i]], norm: l.norm, distance: l.distance })),
      alignment: r.alignment.map((a, i) => ({ layers: [names[i], names[i + 1]], zeta: a.zeta, zetaTop: a.zetaTop, ...(a.zetaError ? { zetaError: a.zetaError } : {}) })),
      ...this.exactFlowAt(r.step),
      summary: { ...r.summary, status: printedStatus(r.summary), thresholds: networkLayerThresholds(this.spec.classify), records: r.step.length, final: finalValues(r, names), ...this.targetOverflowOf(printedStatus(r.summary)) },
      checkpoints: this.folder ? { folder: this.folder.folder, files } : null,
    };
  }

  /**
   * `summary.targetOverflow` of a run whose loss stopped being finite (`notTrained`, or `diverged` at a
   * later step: a minibatch run meets the target at the first batch that holds it) under the squared
   * loss, when that step's batch holds a target that alone overflows it (`overflowingTarget`), else {}.
   */
  private targetOverflowOf(status: PrintedStatus): { targetOverflow?: TargetOverflow } {
    if ((status !== 'notTrained' && status !== 'diverged') || this.spec.training.loss !== 'squared') return {};
    const batch = this.training.divergedBatch();
    if (batch === undefined) return {};
    const t = overflowingTarget(this.data.train, batch ?? undefined);
    return t ? { targetOverflow: t } : {};
  }

  /** The bridge's exact flow at `steps` (`bridgeFlow`, solved once), as `TrainResult.exactFlow`; {} for any other network. */
  private exactFlowAt(steps: readonly number[]): Pick<TrainResult, 'exactFlow'> {
    if (this.flow === undefined) this.flow = bridgeFlow(this.spec, this.data.train, this.training.totalSteps);
    const f = this.flow;
    return f ? { exactFlow: { zeta: steps.map((s) => f.zeta(s)), loss: steps.map((s) => f.loss(s)), norms: f.norms.map((n) => steps.map((s) => n(s))) } } : {};
  }

  /** Frees the run's tensors, and gives its checkpoint folder up (`CheckpointFolder.release`). */
  dispose(): void {
    this.folder?.release();
    this.training.dispose();
  }

  /** Queues the checkpoint of record `r`, made at the current weights and biases. */
  private writeCheckpoint(r: TrainingRecord): void {
    const test = r.testLoss !== null;
    this.folder!.write(r.step, this.training.currentWeights(), this.training.currentBiases(), {
      loss: test ? r.testLoss : r.trainLoss,
      accuracy: test ? r.testAccuracy : r.trainAccuracy,
      trainLoss: r.trainLoss,
      trainAccuracy: r.trainAccuracy,
      testLoss: r.testLoss,
      testAccuracy: r.testAccuracy,
    });
  }
}

/**
 * The records-in-memory refusal of a run of `spec` on `count` training samples, advising the least
 * cadence that every check accepts: the records kept (NETWORK_LIMITS.recordLayers), the caller's own
 * limit (`recordsAtMost`: the command line's output) and the file's checkpoints, each written at a
 * record (`cadenceAdvice`). Null when the records are within memory.
 */
export function cadenceWithin(e: NetworkExperiment, spec: NetworkSpec, count: number, options: Pick<NetworkRunOptions, 'recordsAtMost'> = {}): ExperimentError | null {
  const steps = plannedSteps(spec, count);
  const layers = spec.model.hidden.length + 1;
  const every = spec.training.record.every;
  const kept = maxRecordsKept(layers);
  const least = leastRecordEvery(steps, Math.min(kept, options.recordsAtMost?.(layers) ?? kept));
  return recordsInMemoryProblem(recordCount(steps, every), every, steps, layers, cadenceAdvice(least, e.checkpoints?.every));
}

/**
 * The record cadence a checkpoint cadence must be a multiple of (`CheckpointPlan.recordEvery`): the
 * file's `training.record.every`, or 1 when the file leaves it out — its cadence is then chosen to
 * divide the checkpoints' (`specForData`), so any checkpoint cadence fits, and the advice of a refusal
 * names no key the file does not have (it advised "every 4 … (a multiple of training.record.every, 2)"
 * to a file without it, where every 3 runs).
 */
export function checkpointRecordEvery(e: NetworkExperiment, spec: NetworkSpec): number {
  return e.auto.record ? 1 : spec.training.record.every;
}

/** The checkpoint folder of a run: `training.checkpoints.path`, else `runs/<file name without .flab.json>`, relative to the file. */
export function checkpointFolderOf(e: NetworkExperiment, options: Pick<NetworkRunOptions, 'baseDir' | 'fileName'>): string {
  // Standard input (`flab train -`) has no name: its folder is the default's, not `runs/-`.
  const name = options.fileName === '-' ? undefined : options.fileName;
  const stem = basename(name ?? 'experiment').replace(/\.flab\.json$|\.json$/, '') || 'experiment';
  return resolve(options.baseDir, e.checkpoints?.path ?? join('runs', stem));
}

/** The checkpoint folder of a sweep's value `v`: `<folder>/<key>=<value>` (`runs/wide/model.hidden_0_=512`). */
export function sweepCheckpointFolder(e: NetworkExperiment, options: Pick<NetworkRunOptions, 'baseDir' | 'fileName'>, v: number): string {
  return join(checkpointFolderOf(e, options), `${e.sweep!.path.replace(/[^\w.-]/g, '_')}=${v}`);
}

/**
 * Why the checkpoints of a run of `e` writing by `plan` into `folder` are refused before its first
 * step, located at the key concerned, or null: `training.checkpoints.path` as written begins with `~`
 * (`checkpointPathProblem`), or more checkpoints than a checkpoint experiment reads, more bytes than a
 * run may write or than FREE_SPACE_SHARE of the free disk (`checkpointPlanProblem`). `NetworkRun`
 * refuses a run so; the training panel, which writes none, refuses the same file before it trains.
 * `freeBytes` (tests) replaces the file system's answer.
 */
export async function checkpointPlanRefusal(e: NetworkExperiment, folder: string, plan: CheckpointPlan, freeBytes?: (dir: string) => number): Promise<ExperimentError | null> {
  const c = e.checkpoints;
  if (!c) return null;
  const written = writtenPathRefusal(c.path);
  if (written) return written;
  const refused = await checkpointPlanProblem(folder, plan, { freeBytes });
  return refused && new ExperimentError(refused.message, refused.key === 'training.checkpoints.path' && c.path === undefined ? 'training.checkpoints' : refused.key);
}

/** `training.checkpoints.path` as written refused (`checkpointPathProblem`: it begins with `~`), located there; null when it is absent or accepted. */
function writtenPathRefusal(path: string | undefined): ExperimentError | null {
  const problem = path !== undefined ? checkpointPathProblem(path, homedir()) : null;
  return problem ? new ExperimentError(problem, 'training.checkpoints.path') : null;
}

/**
 * The checkpoints a run of `e` on the training set `train` would write (`CheckpointPlan`: its steps,
 * cadences, layer sizes, input first, and biases), planned from the file and the data as the run
 * settles them (`specForData`) without building the network; null when the file writes none.
 */
export function checkpointPlanOf(e: NetworkExperiment, train: Dataset): CheckpointPlan | null {
  if (!e.checkpoints) return null;
  const s = specForData(e, train);
  return { totalSteps: plannedSteps(s, train.count), every: e.checkpoints.every, recordEvery: checkpointRecordEvery(e, s), sizes: layerSizes(s.model, train.features, outputSize(train)), bias: s.model.bias };
}

/**
 * Why the checkpoint folder of a run of `e` (`training.checkpoints.path`, or `runs/<file name>`
 * beside the file) cannot be created or written, located at `training.checkpoints.path` (or
 * `training.checkpoints` when the file gives no path), or null: the path begins with `~`
 * (`checkpointPathProblem`), or `checkpointFolderProblem` (a NUL byte, a dangling or looping link,
 * /sys, a file on the way, a metrics.jsonl that is a link). With `sweep`, each value's folder
 * `<folder>/<key>=<value>` is looked at too, so that the second value's is not refused once the first
 * has trained. Looked at before the data is read: `flab train`, `flab sweep` and the training panel.
 */
export function checkpointFolderRefusal(e: NetworkExperiment, where: Pick<NetworkRunOptions, 'baseDir' | 'fileName'>, options: { sweep?: boolean } = {}): ExperimentError | null {
  if (!e.checkpoints) return null;
  const written = writtenPathRefusal(e.checkpoints.path);
  if (written) return written;
  const folders = [checkpointFolderOf(e, where), ...(options.sweep && e.sweep ? e.sweep.values.map((v) => sweepCheckpointFolder(e, where, v)) : [])];
  for (const folder of folders) {
    const problem = checkpointFolderProblem(folder);
    if (problem) return new ExperimentError(`cannot write checkpoints into ${visibleName(folder)}: ${problem}`, e.checkpoints.path !== undefined ? 'training.checkpoints.path' : 'training.checkpoints');
  }
  return null;
}

/**
 * Value `i` of the file's sweep as `trainSweep` trains it: the file with the value written in
 * (`networkVariant`: throws a VariantError), its checkpoints into the value's own folder
 * `<folder>/<key>=<value>`.
 */
export function sweepVariant(e: NetworkExperiment, where: Pick<NetworkRunOptions, 'baseDir' | 'fileName'>, i: number): NetworkExperiment {
  const spec = e.sweep!;
  const v = spec.values[i];
  const variant = networkVariant(e, spec.path, v);
  if (variant.checkpoints) variant.checkpoints = { ...variant.checkpoints, path: sweepCheckpointFolder(e, where, v) };
  return variant;
}

/** What `trainExperiment` and `trainSweep` take: where to read and write, and what to tell. */
export interface TrainOptions extends NetworkRunOptions, Pick<RunOptions, 'onRecord' | 'onProgress'> {
  /** Called once a run is set up, before its first step: may throw to refuse it (the CLI checks the size of its output). */
  beforeRun?(run: NetworkRun): void;
  /**
   * Asked before each step: true stops the training there and keeps it — the result of the records so
   * far and of a last one made where it stopped, `summary.status` "stopped", the checkpoints written
   * (the command line's Ctrl+C) — where `signal` throws it away. A sweep trains no value after the one
   * it stopped.
   */
  shouldStop?(): boolean;
}

/**
 * Trains a network experiment to its end (or its divergence, or `shouldStop`): the result, with the
 * checkpoints written. Rejects with an AbortError when `signal` fires, and as `NetworkRun.load` does.
 */
export async function trainExperiment(e: NetworkExperiment, options: TrainOptions): Promise<TrainResult> {
  // The folder is taken before the data is read: a folder another run holds is refused at once, with
  // its holder, not once a large set has been read.
  const lock = e.checkpoints && options.writeCheckpoints !== false ? await takeCheckpointFolder(e, checkpointFolderOf(e, options), 'run') : null;
  let run: NetworkRun;
  try {
    run = await NetworkRun.load(e, { ...options, folderLock: lock });
  } catch (err) {
    lock?.release();
    throw err;
  }
  try {
    options.beforeRun?.(run);
    // A stop ends the run with a record where it stopped (`closeAtStop`): the steps since the last record are kept.
    const outcome = await run.run({ onRecord: options.onRecord, onProgress: options.onProgress, shouldStop: () => (options.signal?.aborted ?? false) || (options.shouldStop?.() ?? false), closeAtStop: true });
    const files = await run.checkpointsWritten();
    if (outcome.status === 'stopped' && options.signal?.aborted) throw abortError();
    return run.result(files);
  } finally {
    run.dispose();
  }
}

/**
 * One training per value of the file's sweep (or `spec`), in order; each value is written into the
 * file's value and checked again, so width powers follow a swept width. With checkpoints, each value
 * writes into its own subfolder `<folder>/<key>=<value>`. `onRun` is told which value starts.
 *
 * A value whose run throws (its data cannot be read, its set-up is refused, …) is given to `failed`,
 * which returns (or resolves to) true to train the next values, false to stop the sweep there (the
 * values after it then have a null run too); the values already trained are kept either way, so that
 * minutes of finished runs are not lost to the last value's error. Without `failed`, the first error
 * rejects the sweep (as it did until 2026-12-03). An AbortError always rejects.
 */
export async function trainSweep(e: NetworkExperiment, options: TrainOptions & { onRun?(index: number, value: number): void; failed?(index: number, value: number, err: unknown): boolean | Promise<boolean> }): Promise<TrainSweepResult> {
  const spec = e.sweep;
  if (!spec) throw new ExperimentError('the experiment has no "sweep"', 'sweep');
  const runs: (TrainResult | null)[] = spec.values.map(() => null);
  const failures: SweepFailure[] = [];
  // The values train on the same data, unless a swept key is one of `data`'s: then kept whatever their
  // size, as each run holds them anyway (all of CIFAR-10, 184 MB, was read again for every value, 6 s
  // each); a data key's values read each their own, and only a small set is kept between them.
  const dataCache = options.dataCache ?? new LoadedDataCache(isDataKey(spec.path) ? MAX_KEPT_DATA_BYTES : Infinity);
  // The folder of the values' folders is held from before the first value's data is read to the last
  // value's end: a second sweep into it (or a run) is refused at once, not let in to interleave.
  const held = e.checkpoints && options.writeCheckpoints !== false ? await takeCheckpointFolder(e, checkpointFolderOf(e, options), 'sweep') : null;
  try {
    for (const [i, v] of spec.values.entries()) {
      if (options.signal?.aborted) throw abortError();
      if (options.shouldStop?.()) break;
      const variant = sweepVariant(e, options, i);
      options.onRun?.(i, v);
      try {
        runs[i] = await trainExperiment(variant, { ...options, dataCache });
      } catch (err) {
        if (!options.failed || (err instanceof Error && err.name === 'AbortError')) throw err;
        failures.push({ index: i, value: v, error: err });
        if (!(await options.failed(i, v, err))) break;
      }
    }
  } finally {
    held?.release();
  }
  return { key: spec.key, path: spec.path, values: spec.values.slice(), runs, failures };
}

/**
 * Takes the checkpoint folder `folder` of a run of `e` (or, `kind` "sweep", the folder of a sweep's
 * values' folders) for this process (`FolderLock.take`), before the data is read; rejects with an
 * ExperimentError at `training.checkpoints.path` (`training.checkpoints` when the file gives no path)
 * naming the folder and its holder.
 */
export async function takeCheckpointFolder(e: NetworkExperiment, folder: string, kind: 'run' | 'sweep'): Promise<FolderLock> {
  const written = writtenPathRefusal(e.checkpoints?.path);
  if (written) throw written;
  try {
    return await FolderLock.take(folder, kind);
  } catch (err) {
    throw new ExperimentError(`cannot write checkpoints into ${visibleName(folder)}: ${(err as Error).message}`, e.checkpoints?.path !== undefined ? 'training.checkpoints.path' : 'training.checkpoints');
  }
}

function abortError(): Error {
  const err = new Error('the training was cancelled');
  err.name = 'AbortError';
  return err;
}

/**
 * ‖θ‖ of the weights at the last record, √(Σ_l ‖W_l‖_F²) (biases left out): the paper's weight norm
 * against σ (Fig. 3), in the panel's sweep views and `flab sweep --table`; null without layers, or when
 * a layer's last norm is not measured.
 */
export function finalWeightNorm(layers: readonly { norm: readonly (number | null)[] }[]): number | null {
  if (layers.length === 0) return null;
  let s = 0;
  for (const l of layers) {
    const n = l.norm[l.norm.length - 1];
    if (n === null || n === undefined) return null;
    s += n * n;
  }
  return Math.sqrt(s);
}

/** `summary.final`: the last record's scalars (the trainer's) with its layers' and pairs' values; null without a record. */
function finalValues(r: TrainingResult, names: readonly string[]): FinalValues | null {
  const f = r.summary.final;
  if (!f) return null;
  const last = <T>(xs: readonly T[]): T | null => (xs.length > 0 ? xs[xs.length - 1] : null);
  return {
    ...f,
    kernelChange: last(r.kernelChange),
    tangentChange: last(r.tangentChange),
    layers: r.layers.map((l, i) => ({ name: names[i], norm: last(l.norm), distance: last(l.distance) })),
    alignment: r.alignment.map((a, i) => ({ layers: [names[i], names[i + 1]], zeta: last(a.zeta), zetaTop: last(a.zetaTop) })),
  };
}
