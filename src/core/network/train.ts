/**
 * Training a network experiment (docs/networks.md, "Training" and "Measurements"): a resumable loop on
 * TensorFlow.js's WebAssembly backend that streams one record every `record.every` steps.
 *
 * Iteration s = 0, 1, …, T runs the forward (and, for s < T, the backward) pass of batch s at the
 * weights θ_s, records θ_s when s is a record step, then updates θ_s → θ_{s+1} from that batch's
 * gradient. Nothing persistent changes before the end of an iteration, so a stop anywhere inside one
 * (between chunks of ≤ ~50 ms of work) drops its partial work and a later `run` redoes it exactly:
 * a stopped and resumed run gives the same numbers as an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { countOf, formatCount, formatNumber } from '../experiment/diagnostic';
import { ExperimentError } from '../experiment/errors';
import { Rng } from '../math/rng';
import { compileKernels, squaredNorms } from '../math/kernels';
import { useWasmBackend } from './backend';
import { Dataset, outputSize } from './dataset';
import { frozenCause, FrozenCause } from './frozenCause';
import { FirstMeasurements } from './firstMeasurements';
import { EXACT_ZETA_LIMIT, HUTCH_PROBES, HUTCH_SKETCH, jsProducts, LANCZOS_MAX_STEPS, lanczosSteps, LayerGrams, LayerMeasure, MatrixProducts, measureNetwork, NetworkMeasure, PairMeasure, SingularTriplet, tfjsProducts, WeightMatrix } from './layerMetrics';
import { layerLabel, LayerScores, layerScores } from '../mechanisms/layerLabel';
import { backward, ChunkTargets, forward, Gradients, initialWeights, lossTerms, Parameters, schemeStd, transposed } from './model';
import { disposeReplaced, initialOptimizerState, OptimizerState, optimizerStep } from './optimizer';
import { layerSizes, NETWORK_LIMITS, networkLayerThresholds, NetworkSpec, parameterCount, recordsInMemoryProblem, specProblems } from './spec';
import { featuresPerSample, KernelMeasure, kernelOmission, kernelWork, probeIndices, TangentKernelProbe } from './tangentKernel';
import { gramOutputs, gramWork } from './onnx/measureGraph';
import { OnnxMeasures } from './onnx/onnxMeasures';
import { onnxRuntime, OnnxSteps } from './onnx/onnxSteps';
import type { StepGraphSpec } from './onnx/stepGraph';
import type { SplitShape } from './data/rawSplit';
import { BackendError, TrainingSetupError } from './trainErrors';
import { constantHiddenLayer, DEAD_SCAN_WORK, DeadUnits, deadUnitsAt } from './deadUnits';
import type { ConstantAtEnd, ConstantAtStart, DeadAtEnd } from '../mechanisms/layerLabel';
import { LANCZOS_PRODUCT_WORK, ONNX_KERNEL_SETUP_WORK, ONNX_PARAMETER_WORK, ONNX_PRODUCT_SHARE, ONNX_RUN_WORK, onnxStepWork, OP_WORK, WASM_WORK } from './workModel';

/** The data of a run: the training set and, optionally, a test set of the same shape. */
export interface TrainingData {
  train: Dataset;
  test?: Dataset;
}

/** What is measured at one recorded step (docs/networks.md, "Measurements"). */
export interface TrainingRecord {
  /** Optimiser steps taken: the record describes θ_step. */
  step: number;
  /** Passes over the training set: step / steps per epoch. */
  epoch: number;
  /** Mean loss of the batches evaluated since the previous record, each at the weights it saw (θ_step for the last). */
  trainLoss: number;
  /** Fraction of those batches' samples whose largest output is their class; null without classes. */
  trainAccuracy: number | null;
  /** Loss over the whole test set at θ_step; null without a test set. */
  testLoss: number | null;
  testAccuracy: number | null;
  /** ‖θ − θ₀‖/‖θ₀‖ over every weight and bias. */
  distance: number;
  /** ‖K − K₀‖_F/‖K₀‖_F of the tangent kernel on the probe batch; null at records where it is not measured. */
  kernelChange: number | null;
  /** ‖J − J₀‖_F/‖J₀‖_F of the tangent features (same cadence). */
  tangentChange: number | null;
  /** One per weight matrix: ‖W_l‖_F and its relative distance from W_l(0). */
  layers: LayerMeasure[];
  /**
   * One per consecutive pair (W_l, W_{l+1}): ζ and ζ_top, each null at the records between the first
   * and the last that its cadence skips (docs/networks.md, "Cadence").
   */
  alignment: (PairMeasure | null)[];
}

export interface TrainingProgress {
  /** Steps taken so far. */
  step: number;
  totalSteps: number;
  epoch: number;
}

export interface RunOptions {
  /** Polled at every cancel point (at least every ~50 ms of work); true stops the run there. */
  shouldStop?(): boolean;
  /** Each record, as soon as it is complete. */
  onRecord?(record: TrainingRecord): void;
  /** At most every 100 ms. */
  onProgress?(progress: TrainingProgress): void;
  /**
   * A stop ends the run (the command line's Ctrl+C) instead of pausing it: a last record is made at the
   * step it stopped at, measured as the last step's is (ζ, ζ_top, the kernel; docs/networks.md,
   * "Ctrl+C keeps what was recorded"), unless the last record is there already; `run` does not resume
   * it. Without it, a stop is a pause that the next `run` resumes (the training panel's Stop).
   */
  closeAtStop?: boolean;
}

export type TrainingStatus = 'ready' | 'stopped' | 'finished' | 'diverged';

export interface RunOutcome {
  status: Exclude<TrainingStatus, 'ready'>;
  /** Steps taken (the divergent step for `diverged`). */
  step: number;
}

export interface TrainingSummary {
  status: TrainingStatus;
  /** Steps the run is planned to take. */
  totalSteps: number;
  stepsPerEpoch: number;
  /** The step whose loss was not finite; null unless diverged. */
  divergedAt: number | null;
  /** kernel / alignment / disalignment / rescaling / `mixed: a+b`; null for a diverged run or one without records. */
  label: string | null;
  scores: LayerScores | null;
  bestTestAccuracy: number | null;
  bestTestAccuracyStep: number | null;
  /** The last record's scalar values. */
  final: Omit<TrainingRecord, 'layers' | 'alignment' | 'kernelChange' | 'tangentChange'> | null;
  /** The library that ran the steps (docs/networks.md, "Speed"): the numbers differ between them by float32 rounding. */
  backend: TrainingEngine;
}

/** The run as `flab train --json` prints it: one array per column, one entry per record, and the summary. */
export interface TrainingResult {
  step: number[];
  epoch: number[];
  trainLoss: number[];
  trainAccuracy: (number | null)[];
  testLoss: (number | null)[];
  testAccuracy: (number | null)[];
  distance: number[];
  kernelChange: (number | null)[];
  tangentChange: (number | null)[];
  layers: { norm: number[]; distance: number[] }[];
  /**
   * Per pair: ζ and ζ_top, null at records their cadence skipped; `zetaError` (ζ's standard error, 0 where
   * exact: `PairMeasure.zetaError`) only for a pair whose ζ was estimated (Hutch++) at some record.
   */
  alignment: { zeta: (number | null)[]; zetaTop: (number | null)[]; zetaError?: (number | null)[] }[];
  summary: TrainingSummary;
}

/** The library that runs the training steps: ONNX Runtime (native) or TensorFlow.js (WebAssembly). */
export type TrainingEngine = 'onnxruntime' | 'tfjs';

export interface TrainingOptions {
  /** Folder of the TensorFlow.js .wasm binaries (default: found from the bundle's folder, see backend.ts). */
  wasmDirectory?: string;
  /**
   * Which library runs the steps (docs/networks.md, "Speed"). `auto` (the default): ONNX Runtime when
   * onnxruntime-node loads on this platform and a step fits one chunk, else TensorFlow.js. Asking for
   * `onnxruntime` where it cannot run throws, with the reason.
   */
  backend?: 'auto' | TrainingEngine;
  /**
   * Samples per chunk of a step (default: about 50 ms of work). A step's gradient is summed over its
   * chunks, so this changes the numbers only by rounding; tests set it to exercise stops inside a step.
   */
  chunkRows?: number;
}

/** A ζ_top measurement in the cadence's work counts (`Training.measurementWork`). */
export interface ZetaTopRun {
  /** The record's step. */
  step: number;
  /** The work the cadence counted it at when deciding (each layer at its previous run's steps, or its budget's). */
  modelled: number;
  /** The work charged for it: each layer at the steps its run took (or its budget's when fewer). */
  taken: number;
  /** The Lanczos steps each layer's run took (0: not run, e.g. a zero layer), W_1 first. */
  steps: number[];
}

/**
 * Where the wall time of the runs so far went, in milliseconds (work discarded by a stop included).
 * Not part of the results: timings differ between runs; the numbers do not.
 */
export interface TrainingTiming {
  /** Forward and backward passes, loss, accuracy and optimiser updates. */
  steps: number;
  /** Loss and accuracy over the test set at records. */
  evaluation: number;
  /** measureNetwork at records (norms, distances, ζ, ζ_top), with the Grams' session built at its first use. */
  layerMetrics: number;
  /** The tangent kernel and features on the probe batch, with their session built at its first use. */
  kernel: number;
  /** ζ_top's Lanczos runs (each layer's top singular triplet), part of `layerMetrics`. */
  zetaTop: number;
  /** The dead-unit scans of a ReLU network (deadUnits.ts): θ₀'s, and the one at each record. */
  deadUnits: number;
}

/**
 * What a run whose loss is not finite at θ₀ (status `diverged`, `divergedAt` 0) says: nothing diverged —
 * float32, the trainer's arithmetic, cannot hold the first outputs or their loss.
 */
export const INITIAL_LOSS_NOT_FINITE = 'the loss at the initial weights θ₀ is not finite in float32, the trainer\'s arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — make init.scale or model.outputScale smaller, or the inputs and targets (normalise the data)';

// Its errors live apart, so that recognising one does not load TensorFlow.js.
export { BackendError, TrainingSetupError } from './trainErrors';

/** Multiply-adds of one chunk at most: about 50 ms on the WebAssembly backend (docs/networks.md, "Speed"). */
const CHUNK_WORK = 6e8;
/** Floats of activations a chunk may hold at most. */
const CHUNK_FLOATS = 1 << 24;
/**
 * Shares of the training's work (steps' multiply-adds and operations) that the costly measurements at
 * records may take, each counting every measurement of its own (docs/networks.md, "Cadence"): the
 * tangent kernel, ζ (the products W_{l+1}W_l) and ζ_top (Lanczos per layer). Together with the norms
 * at every record, about 8% of an epoch of MNIST.
 */
export const KERNEL_SHARE = 0.03;
export const ZETA_SHARE = 0.02;
export const ZETA_TOP_SHARE = 0.01;
/** A measurement modeled below this much work (about a millisecond) is made at every record: small networks get whole curves. */
export const CHEAP_MEASUREMENT = 1e7;
/**
 * ζ and ζ_top of a run on ONNX Runtime come from the layers' Gram matrices there when no hidden layer
 * is wider than this (docs/networks.md, "Layer metrics"): a Gram is hidden width², and Lanczos on it
 * runs in JavaScript. Wider networks take the products on TensorFlow.js (Hutch++ above the exact limit).
 */
export const GRAM_MAX_WIDTH = 1024;
/** The loop yields to the event loop when it has run this long (ms), so that messages get in. */
const YIELD_MS = 10;
const PROGRESS_MS = 100;

/**
 * One run of a network experiment. The constructor checks everything and draws θ₀ (no tensors yet);
 * `run` trains until the end, a stop or a divergence, and may be called again after a stop.
 */
export class Training {
  readonly sizes: number[];
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  /** Samples per step (the training set's size for the full batch). */
  readonly batchSize: number;
  private readonly full: boolean;
  private readonly chunkRows: number;
  private readonly evalRows: number;
  private readonly initial: WeightMatrix[];
  private readonly order: BatchOrder;
  private readonly stepWork: number;
  /** The library that runs the steps (chosen in the constructor; see TrainingOptions.backend). */
  readonly engine: TrainingEngine;
  private readonly kernelCost: number;
  /** Why the tangent kernel is never measured (too many outputs, or features too large: `kernelOmission`), or null. */
  private readonly kernelOmitted: string | null;
  private readonly zetaCost: number;
  private readonly probeRows: number[];

  /** θ and the optimiser's state: TensorFlow.js tensors, or ONNX Runtime's arrays. */
  private params: Parameters | null = null;
  private onnx: OnnxSteps | null = null;
  private optimizer: OptimizerState = initialOptimizerState();
  /** The kernel probe on TensorFlow.js; on ONNX Runtime, the measurement graphs (which hold the kernel's reference). */
  private probe: TangentKernelProbe | null = null;
  private measures: OnnxMeasures | null = null;
  /** Whether ζ and ζ_top come from ONNX Runtime's Gram matrices (GRAM_MAX_WIDTH). */
  private readonly gramsUsable: boolean;
  /** Work spent so far on each cadenced measurement (committed with the record). */
  private spent = { kernel: 0, zeta: 0, zetaTop: 0 };
  /** Each ζ_top measurement's modelled work before it and the work of the steps it took (`measurementWork`). */
  private zetaTopRuns: ZetaTopRun[] = [];
  private window = { loss: 0, correct: 0, samples: 0 };
  private next = 0; // the next iteration s
  private readonly records: TrainingRecord[] = [];
  private status: TrainingStatus = 'ready';
  private divergedAt: number | null = null;
  /** The training samples (indices) of the batch whose loss was not finite, null for the full batch; undefined until it diverged. */
  private divergedSamples: number[] | null | undefined;
  private running = false;
  private disposed = false;
  /** A stop with `closeAtStop` ended the run: it does not resume. */
  private closed = false;
  private readonly timing: TrainingTiming = { steps: 0, evaluation: 0, layerMetrics: 0, kernel: 0, zetaTop: 0, deadUnits: 0 };
  /** The last kernel measurement found every tangent feature 0 (KernelMeasure.featuresVanished): the label's `collapsed`. */
  private featuresVanished = false;
  /** `deadAtStart`, once scanned. */
  private deadScan: DeadUnits | null | undefined;
  /**
   * The latest record's dead units when a hidden layer was wholly dead at it (`deadAtEnd`), else null:
   * scanned at each record while the network lives, within the work of the steps since the previous
   * record (and at the last record within DEAD_SCAN_WORK, as at θ₀); once dead, only the last record
   * is scanned again (a dead layer gets no gradient: only momentum or weight decay could revive it).
   */
  private deadNow: DeadAtEnd | null = null;
  /**
   * θ₀'s first hidden layer that reads the same on every probe sample (`constantHiddenLayer`; then the
   * end's constant layer is no change training made), null when none does; undefined until read.
   */
  private constantFromStart: number | null | undefined;
  /**
   * Where the run ended (finished or stopped), its first hidden layer that reads the same on every probe
   * sample, null when none; undefined until a run's end is read (`readConstantEnd`). The label's
   * `constantAtEnd` without a θ₀ constant, `constantAtStart` with one.
   */
  private constantEnd: { layer: number | null; step: number } | undefined;
  /** Gathered inputs of a minibatch chunk (reused). */
  private readonly scratch: Float32Array;

  constructor(
    readonly spec: NetworkSpec,
    readonly data: TrainingData,
    private readonly options: TrainingOptions = {},
  ) {
    const problems = specProblems(spec);
    if (options.chunkRows !== undefined && !(Number.isInteger(options.chunkRows) && options.chunkRows >= 1)) throw new Error(`Training: chunkRows must be a positive integer, got ${options.chunkRows}`);
    const train = data.train;
    problems.push(...datasetProblems(train, 'data.train'));
    if (data.test) problems.push(...datasetProblems(data.test, 'data.test'), ...testProblems(train, data.test));
    if (problems.length) throw new TrainingSetupError(problems);

    const outputs = outputSize(train);
    this.sizes = layerSizes(spec.model, train.features, outputs);
    const more = setupProblems(spec, train, this.sizes);
    if (more.length) throw new TrainingSetupError(more);

    const t = spec.training;
    this.full = t.batchSize === 'full' || t.batchSize === train.count;
    this.batchSize = t.batchSize === 'full' ? train.count : t.batchSize;
    this.stepsPerEpoch = Math.ceil(train.count / this.batchSize);
    this.totalSteps = t.length.unit === 'steps' ? t.length.count : t.length.count * this.stepsPerEpoch;
    let products = 0;
    let widths = 0;
    for (let l = 1; l < this.sizes.length; l++) {
      products += this.sizes[l - 1] * this.sizes[l];
      widths += this.sizes[l - 1];
    }
    this.chunkRows = options.chunkRows ?? Math.max(1, Math.min(Math.floor(CHUNK_WORK / (3 * products)), Math.floor(CHUNK_FLOATS / (2 * widths))));
    this.evalRows = options.chunkRows ?? Math.max(1, Math.min(Math.floor(CHUNK_WORK / products), Math.floor(CHUNK_FLOATS / widths)));
    this.scratch = new Float32Array(this.full ? 0 : Math.min(this.chunkRows, this.batchSize) * train.features);
    this.initial = initialWeights(spec.init, this.sizes);
    const drawn = drawnWeightProblems(spec, this.initial);
    if (drawn.length) throw new TrainingSetupError(drawn);
    this.order = new BatchOrder(train.count, this.batchSize, this.full, t.seed);
    const layers = this.sizes.length - 1;
    this.probeRows = probeIndices(train.count, outputs, featuresPerSample(this.sizes));
    this.kernelOmitted = kernelOmission(this.sizes);
    this.engine = chooseEngine(options.backend ?? 'auto', this.full ? train.count : this.batchSize, this.chunkRows);
    this.stepWork = this.engine === 'onnxruntime' ? onnxStepWork(this.batchSize, products) : 3 * this.batchSize * products + OP_WORK * (11 * layers + 8);
    const onnx = this.engine === 'onnxruntime';
    this.gramsUsable = onnx && this.sizes.slice(1, -1).every((n) => n <= GRAM_MAX_WIDTH);
    this.kernelCost = onnx ? onnxKernelWork(this.sizes, this.probeRows.length) : kernelWork(this.sizes, this.probeRows.length) + OP_WORK * (36 * layers + 10);
    this.zetaCost = this.gramsUsable ? onnxZetaWork(this.sizes) : zetaWork(this.sizes);
  }

  /**
   * The training samples (0-based indices, in batch order) of the batch whose loss stopped being finite,
   * at the step `summary.divergedAt` names; null for a full-batch run (every sample), and undefined for a
   * run that has not diverged.
   */
  divergedBatch(): readonly number[] | null | undefined {
    return this.divergedSamples;
  }

  /** Steps taken so far. */
  get step(): number {
    return Math.min(this.next, this.totalSteps);
  }

  get state(): TrainingStatus {
    return this.status;
  }

  /**
   * Trains until the last step, a stop (`shouldStop()` true at a cancel point) or a non-finite loss.
   * Records stream through `onRecord` as they are made. Resolves with why it ended; after a stop,
   * calling `run` again continues where it left off. Rejects if called while running or after `dispose`.
   */
  async run(options: RunOptions = {}): Promise<RunOutcome> {
    if (this.disposed) throw new Error('Training.run: the training was disposed');
    if (this.running) throw new Error('Training.run: already running');
    if (this.status === 'finished' || this.status === 'diverged' || this.closed) return this.outcome();
    this.running = true;
    try {
      if (this.engine === 'tfjs') await useWasmBackend(this.options.wasmDirectory);
      await this.ensureState();
      const control = new Control(options.shouldStop ?? (() => false));
      let lastProgress = performance.now();
      // Read again at the run's end (`constantAtEnd`): a resumed run's earlier end is not this one's.
      this.constantEnd = undefined;
      const stopped = async (): Promise<RunOutcome> => {
        this.status = 'stopped';
        if (options.closeAtStop) {
          this.closed = true;
          // The last record where it stopped; a second stop is the caller's to handle (the command line quits).
          if (this.records.at(-1)?.step !== this.next && (await this.iterate(this.next, new Control(() => false), options, true)) === 'diverged') this.status = 'diverged';
        }
        if (this.status === 'stopped') this.readConstantEnd();
        return this.outcome();
      };
      while (this.next <= this.totalSteps) {
        if (await control.pause()) return await stopped();
        const result = await this.iterate(this.next, control, options);
        if (result === 'stopped') return await stopped();
        if (result === 'diverged') {
          this.status = 'diverged';
          return this.outcome();
        }
        if (options.onProgress && performance.now() - lastProgress >= PROGRESS_MS) {
          lastProgress = performance.now();
          options.onProgress({ step: this.step, totalSteps: this.totalSteps, epoch: this.step / this.stepsPerEpoch });
        }
      }
      this.status = 'finished';
      this.readConstantEnd();
      options.onProgress?.({ step: this.step, totalSteps: this.totalSteps, epoch: this.step / this.stepsPerEpoch });
      return this.outcome();
    } finally {
      this.running = false;
    }
  }

  /**
   * The cadence's work counts so far, in the work model's units (docs/networks.md, "Cadence"; for tests
   * and the bench): the training's (the steps taken), each costly measurement's spent, and per ζ_top
   * measurement its step, the work the cadence modelled for it and the work of the Lanczos steps it took.
   */
  measurementWork(): { training: number; spent: { kernel: number; zeta: number; zetaTop: number }; zetaTopRuns: ZetaTopRun[] } {
    return { training: this.stepWork * this.step, spent: { ...this.spent }, zetaTopRuns: this.zetaTopRuns.map((r) => ({ ...r, steps: [...r.steps] })) };
  }

  /** ζ_top's modelled work with each layer's run at the steps of its triplet in `spectra` (its budget's where none). */
  private zetaTopWork(spectra: ReadonlyMap<number, SingularTriplet>): number {
    const steps = this.sizes.slice(1).map((_, l) => spectra.get(l)?.steps);
    return this.gramsUsable ? onnxZetaTopWork(this.sizes, steps) : zetaTopWork(this.sizes, steps);
  }

  /** Where the time went so far (see TrainingTiming). */
  timings(): TrainingTiming {
    return { ...this.timing };
  }

  /** Every record so far as columns, with the summary (`flab train --json`). */
  result(): TrainingResult {
    const r = this.records;
    const L = this.sizes.length - 1;
    const columns = {
      step: r.map((x) => x.step),
      epoch: r.map((x) => x.epoch),
      trainLoss: r.map((x) => x.trainLoss),
      trainAccuracy: r.map((x) => x.trainAccuracy),
      testLoss: r.map((x) => x.testLoss),
      testAccuracy: r.map((x) => x.testAccuracy),
      distance: r.map((x) => x.distance),
      kernelChange: r.map((x) => x.kernelChange),
      tangentChange: r.map((x) => x.tangentChange),
      layers: Array.from({ length: L }, (_, l) => ({ norm: r.map((x) => x.layers[l].norm), distance: r.map((x) => x.layers[l].distance) })),
      alignment: Array.from({ length: L - 1 }, (_, p) => {
        // ζ's standard error where ζ was measured, kept only for a pair estimated somewhere (as `flab checkpoints`).
        const zetaError = r.map((x) => (x.alignment[p]?.zeta == null ? null : x.alignment[p]!.zetaError));
        return { zeta: r.map((x) => x.alignment[p]?.zeta ?? null), zetaTop: r.map((x) => x.alignment[p]?.zetaTop ?? null), ...(zetaError.some((e) => e !== null && e > 0) ? { zetaError } : {}) };
      }),
    };
    // The loss whose ends the blow-up test compares: the test set's when there is one, else the training
    // set's for a full-batch run — a minibatch run's first record is one batch, not comparable.
    const comparableLoss = this.data.test ? { of: 'test' as const, values: columns.testLoss } : this.full ? { of: 'training' as const, values: columns.trainLoss } : undefined;
    const scores = layerScores({ ...columns, comparableLoss, kernelOmitted: this.kernelOmitted, trained: this.spec.training.learningRate.some((eta) => eta > 0), collapsed: this.featuresVanished, deadAtStart: r.length ? this.deadFromStart() : null, deadAtEnd: r.length > 1 && !this.deadFromStart() ? this.deadAtEndConfirmed() : null, constantAtEnd: r.length > 1 ? this.constantEndScore() : null, constantAtStart: r.length > 1 ? this.constantFromStartScore() : null });
    // Weights that never moved: why, told apart at θ₀ from the first batch's gradient (once).
    if (scores?.frozen && !scores.startsAtZero) scores.frozenCause = this.frozenCauseAtStart();
    let best: number | null = null;
    let bestStep: number | null = null;
    for (const x of r) {
      if (x.testAccuracy !== null && (best === null || x.testAccuracy > best)) {
        best = x.testAccuracy;
        bestStep = x.step;
      }
    }
    const last = r[r.length - 1];
    const summary: TrainingSummary = {
      status: this.status,
      totalSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch,
      divergedAt: this.divergedAt,
      label: scores && this.status !== 'diverged' ? layerLabel(scores, r.length, networkLayerThresholds(this.spec.classify)) : null,
      scores,
      bestTestAccuracy: best,
      bestTestAccuracyStep: bestStep,
      final: last
        ? { step: last.step, epoch: last.epoch, trainLoss: last.trainLoss, trainAccuracy: last.trainAccuracy, testLoss: last.testLoss, testAccuracy: last.testAccuracy, distance: last.distance }
        : null,
      backend: this.engine,
    };
    return { ...columns, summary };
  }

  /**
   * The dead ReLU units at θ₀ on the training set when a hidden layer has every unit dead
   * (deadUnits.ts: the network cannot learn; LayerScores, `deadAtStart`), else null; scanned once.
   */
  deadAtStart(): DeadUnits | null {
    if (this.deadScan === undefined) {
      const started = performance.now();
      const d = deadUnitsAt(this.spec.model.activation, this.initial, this.data.train.x, this.data.train.count);
      this.timing.deadUnits += performance.now() - started;
      this.deadScan = d && d.deadLayer !== null ? d : null;
    }
    return this.deadScan;
  }

  /**
   * `deadAtStart` as the label may assert it ("no gradient ever reaches …"): from a scan of the whole
   * training set; or from a scan cut by its work bound (dead on every sample scanned, not known on the
   * rest) only when the records agree — no weight decay, and W_1 … W_{l+1} (l the dead layer) exactly at
   * θ₀ at every record, as no gradient reaching them means. A cut scan that some moving weight
   * contradicts, or that no step has confirmed yet (one record), is null: a live network active only on
   * unscanned samples is never called dead (docs/networks.md, "Labels", dead from the start).
   */
  deadFromStart(): DeadUnits | null {
    const d = this.deadAtStart();
    if (!d || d.samples === d.of) return d;
    const r = this.records;
    if (r.length < 2 || this.spec.training.weightDecay > 0) return null;
    // A NaN distance (a layer of zeros at θ₀ that stayed zero) is no movement; ∞ (moved from zero) is.
    return r.every((x) => x.layers.slice(0, d.deadLayer! + 1).every((m) => !(m.distance > 0))) ? d : null;
  }

  /**
   * `deadNow` as the label may assert it: from a scan of the whole training set; or from a scan cut by
   * its work bound only when the records agree — plain SGD (no momentum, which moves a dead network's
   * weights on; no weight decay) and W_1 … W_{l+1} the same at every record from the one it was first
   * seen dead at (at least two), as no gradient reaching them means. Else null (`deadFromStart`).
   */
  private deadAtEndConfirmed(): DeadAtEnd | null {
    const d = this.deadNow;
    if (!d || d.samples === d.of) return d;
    const t = this.spec.training;
    if (t.weightDecay > 0 || t.optimizer.kind !== 'sgd' || t.optimizer.momentum !== 0) return null;
    const since = this.records.filter((x) => x.step >= d.firstSeen);
    if (since.length < 2) return null;
    const layers = d.deadLayer! + 1;
    return since.every((x) => x.layers.slice(0, layers).every((m, l) => m.distance === since[0].layers[l].distance || (Number.isNaN(m.distance) && Number.isNaN(since[0].layers[l].distance)))) ? d : null;
  }

  /**
   * `deadNow` at the record of step `s` (s > 0), from the current weights and biases: unchanged once
   * dead before the last record; otherwise scanned, within the work of the steps since the previous
   * record (at most doubling a run's work when it does not stop early: a live network stops after a
   * sample or a few), or at the last record within DEAD_SCAN_WORK, as θ₀ is; a scan cut short by the
   * steps' work, not by DEAD_SCAN_WORK, on fewer samples than the set calls no layer dead. Null for a network dead at
   * θ₀ (`deadAtStart` says it) and for any activation but relu.
   */
  private deadAtRecord(s: number, last = s === this.totalSteps): DeadAtEnd | null {
    if (s === 0 || this.spec.model.activation !== 'relu' || this.deadFromStart()) return null;
    if (this.deadNow && !last) return this.deadNow;
    const previous = this.records.length ? this.records[this.records.length - 1].step : 0;
    const work = last ? DEAD_SCAN_WORK : Math.min(DEAD_SCAN_WORK, this.stepWork * Math.max(1, s - previous));
    // Read in place on ONNX Runtime, as the layer metrics are (its arrays are never written again).
    const weights = this.onnx ? this.onnx.weights() : this.currentWeights();
    const biases = this.onnx ? this.onnx.biases() : this.currentBiases();
    const started = performance.now();
    const d = deadUnitsAt('relu', weights, this.data.train.x, this.data.train.count, { maxWork: work, biases });
    this.timing.deadUnits += performance.now() - started;
    // A scan that read fewer samples than the bound allows (a record soon after the previous one, on a
    // large set) does not call a layer dead: a few samples would, where the last record's scan does not.
    if (!d || d.deadLayer === null || (d.samples < d.of && work < DEAD_SCAN_WORK)) return null;
    return { ...d, step: s, firstSeen: this.deadNow?.firstSeen ?? s };
  }

  /**
   * Reads `constantEnd` where the run ends (finished or stopped, after a record past θ₀): the first
   * hidden layer that reads the same values on every probe sample at the current weights and biases
   * (`constantHiddenLayer`: a saturated or dead network, whose outputs no longer depend on its input),
   * else null. Read once a run, not at every record: only the end is labelled, and at every record its
   * two forward passes cost a fresh MNIST epoch a point of its measurements' share (2026-12-03).
   * Counted in the dead-unit scans' time (`timings().deadUnits`).
   */
  private readConstantEnd(): void {
    const s = this.step;
    if (s === 0 || this.records.length < 2) return;
    const { activation } = this.spec.model;
    const started = performance.now();
    let layer: number | null;
    try {
      // Read in place on ONNX Runtime, as the layer metrics are (its arrays are never written again).
      const weights = this.onnx ? this.onnx.weights() : this.currentWeights();
      const biases = this.onnx ? this.onnx.biases() : this.currentBiases();
      layer = constantHiddenLayer(activation, weights, this.data.train.x, this.probeRows, biases);
    } finally {
      this.timing.deadUnits += performance.now() - started;
    }
    this.constantEnd = { layer, step: s };
  }

  /**
   * The label's `constantAtEnd`: the end's constant layer (`constantEnd`), unless θ₀'s already was (inputs
   * alike, or a network constant from the start: that is not a change training made, `constantAtStart`
   * says it); else null. θ₀ is read only then (`initialConstantLayer`): a live network pays the end's
   * two passes alone.
   */
  private constantEndScore(): ConstantAtEnd | null {
    const end = this.constantEnd;
    if (!end || end.layer === null || this.initialConstantLayer() !== null) return null;
    return { layer: end.layer, step: end.step, samples: this.probeRows.length, activation: this.spec.model.activation };
  }

  /**
   * θ₀'s first hidden layer that reads the same values on every probe sample (`constantHiddenLayer`),
   * null when none does; read once (two one-sample forward passes for a network that is not constant),
   * counted in the dead-unit scans' time.
   */
  private initialConstantLayer(): number | null {
    if (this.constantFromStart === undefined) {
      const started = performance.now();
      this.constantFromStart = constantHiddenLayer(this.spec.model.activation, this.initial, this.data.train.x, this.probeRows);
      this.timing.deadUnits += performance.now() - started;
    }
    return this.constantFromStart;
  }

  /**
   * The label's `constantAtStart`: θ₀ has a hidden layer the same on every probe sample (saturated tanh
   * or sigmoid units: init.scale 1000 puts every one at ±1 on every sample) and where the run ended it
   * still has — while a run goes on, before its end is read, θ₀'s reading stands (a saturated layer's
   * φ′ ≈ 0 lets hardly any gradient through). Null for a network not constant at θ₀, one that ended
   * otherwise (it left its saturation), and a ReLU network, whose dead units at θ₀ are `deadAtStart`'s,
   * read over the whole training set rather than the probe batch.
   */
  private constantFromStartScore(): ConstantAtStart | null {
    const { activation } = this.spec.model;
    if (activation === 'relu') return null;
    const layer = this.initialConstantLayer();
    if (layer === null || (this.constantEnd && this.constantEnd.layer === null)) return null;
    return { layer, step: this.constantEnd ? this.constantEnd.step : null, samples: this.probeRows.length, activation };
  }

  /** The current weights W_1 … W_L as rows (outputs × inputs), float32 copies (θ₀ before the first run). */
  currentWeights(): WeightMatrix[] {
    if (this.onnx) return this.onnx.weights().map((w) => ({ ...w, data: (w.data as Float32Array).slice() }));
    if (!this.params) return this.initial.map((w) => ({ rows: w.rows, cols: w.cols, data: (w.data as Float32Array).slice() }));
    return this.params.wt.map((t, l) => {
      const rows = this.sizes[l + 1];
      const cols = this.sizes[l];
      return { rows, cols, data: transposed(t.dataSync() as Float32Array, cols, rows) };
    });
  }

  /** The current biases b_1 … b_L (float32 copies); null for a network without biases. */
  currentBiases(): Float32Array[] | null {
    if (!this.spec.model.bias) return null;
    if (this.onnx) return this.onnx.biases()!.map((b) => b.slice());
    if (!this.params?.b) return this.sizes.slice(1).map((n) => new Float32Array(n));
    return this.params.b.map((t) => (t.dataSync() as Float32Array).slice());
  }

  /**
   * Why the weights never moved (`frozenCause`), from the gradient at θ₀ (a frozen run's weights are
   * θ₀'s) of the first step's batch — its first FROZEN_CAUSE_WORK / weights samples, at least one —
   * in float64; computed once.
   */
  private frozenCauseAtStart(): FrozenCause | null {
    if (this.frozenCauseKept !== undefined) return this.frozenCauseKept;
    const train = this.data.train;
    const weights = this.currentWeights();
    const batch = new BatchOrder(train.count, this.batchSize, this.full, this.spec.training.seed).batch(0);
    const n = batch ? batch.length : train.count;
    const count = Math.max(1, Math.min(n, Math.floor(FROZEN_CAUSE_WORK / Math.max(1, parameterCount(this.sizes, false)))));
    const rows = batch ? Array.from(batch.subarray(0, count)) : Array.from({ length: count }, (_, i) => i);
    const F = train.features;
    const x = new Float32Array(count * F);
    rows.forEach((i, r) => x.set(train.x.subarray(i * F, (i + 1) * F), r * F));
    const t = train.targets;
    const C = t.kind === 'classes' ? t.classCount : t.outputs;
    const y = new Float32Array(count * C);
    rows.forEach((i, r) => {
      if (t.kind === 'classes') y[r * C + t.labels[i]] = 1;
      else y.set(t.values.subarray(i * C, (i + 1) * C), r * C);
    });
    const { model, training } = this.spec;
    this.frozenCauseKept = frozenCause({ weights, biases: this.currentBiases(), x, y, count, activation: model.activation, loss: training.loss, outputScale: model.outputScale, rates: training.learningRate, optimizer: training.optimizer, weightDecay: training.weightDecay });
    return this.frozenCauseKept;
  }

  private frozenCauseKept: FrozenCause | null | undefined;

  /** Frees the tensors of this run; it cannot run again. */
  dispose(): void {
    if (this.running) throw new Error('Training.dispose: stop the run first');
    if (this.params) disposeReplaced({ params: this.params, state: this.optimizer }, { params: { wt: [], b: null }, state: initialOptimizerState() });
    this.params = null;
    this.onnx?.release();
    this.onnx = null;
    this.measures?.release();
    this.measures = null;
    this.probe?.dispose();
    this.probe = null;
    this.disposed = true;
  }

  private outcome(): RunOutcome {
    if (this.status === 'ready') throw new Error('Training: no outcome before a run');
    return { status: this.status, step: this.status === 'diverged' ? this.divergedAt! : this.step };
  }

  /** θ₀ on the engine, and the kernel probe, at the first run. */
  private async ensureState(): Promise<void> {
    if (this.params || this.measures) return;
    const { model, training } = this.spec;
    if (this.engine === 'onnxruntime') {
      const graph: StepGraphSpec = {
        sizes: this.sizes, activation: model.activation, outputScale: model.outputScale, bias: model.bias, loss: training.loss,
        classes: this.data.train.targets.kind === 'classes', optimizer: training.optimizer, learningRates: training.learningRate, weightDecay: training.weightDecay,
      };
      const ort = onnxRuntime() as Exclude<ReturnType<typeof onnxRuntime>, Error>;
      // The measurements' WebAssembly compiles on V8's threads while the step session is built here.
      const compiled = compileKernels();
      this.onnx = await OnnxSteps.create(ort, graph, this.initial);
      await compiled;
      const P = this.probeRows.length;
      // Its sessions are built at their first use, inside the measurements' timing.
      this.measures = new OnnxMeasures(ort, { sizes: this.sizes, activation: model.activation, outputScale: model.outputScale, bias: model.bias, rates: training.learningRate, samples: P }, this.probeInputs());
    } else {
      this.params = tensorsOf(this.initial, this.spec.model.bias ? this.sizes.slice(1).map((n) => new Float32Array(n)) : null);
      this.probe = this.kernelOmitted ? null : new TangentKernelProbe(this.probeInputs(), this.probeRows.length, outputSize(this.data.train), model.activation, model.outputScale, training.learningRate, model.bias);
    }
  }

  /** The probe batch's inputs, row-major P × n_0. */
  private probeInputs(): Float32Array {
    const train = this.data.train;
    const F = train.features;
    const x = new Float32Array(this.probeRows.length * F);
    this.probeRows.forEach((i, r) => x.set(train.x.subarray(i * F, (i + 1) * F), r * F));
    return x;
  }

  /** One iteration (see the file's comment); commits only when it completes. */
  /**
   * Step s: the batch's loss at θ_s, a record when one is due, then the update to θ_{s+1} (not at the
   * last step). `closing`: the last record of a run that a stop ends (`closeAtStop`): a record at s,
   * measured as at the last step, and no update.
   */
  private async iterate(s: number, control: Control, options: RunOptions, closing = false): Promise<'committed' | 'stopped' | 'diverged'> {
    const { training } = this.spec;
    const train = this.data.train;
    const last = closing || s === this.totalSteps;
    const learn = !last;
    const batch = this.order.batch(s);
    const n = batch ? batch.length : train.count;
    const pending = this.onnx ? await this.onnxStep(batch, n, learn) : await this.tfjsStep(batch, n, learn, control);
    if (pending === 'stopped') return 'stopped';
    try {
      const { lossSum, correct } = pending;
      if (!Number.isFinite(lossSum)) {
        this.divergedAt = s;
        // Which samples the batch whose loss was not finite held (summary.targetOverflow, src/core/runs/train.ts).
        this.divergedSamples = batch ? Array.from(batch) : null;
        const record = await this.divergenceRecord(s, { loss: lossSum, correct, samples: n });
        if (record) {
          this.records.push(record);
          options.onRecord?.(record);
        }
        return 'diverged';
      }

      const isRecord = last || s % training.record.every === 0;
      let record: TrainingRecord | null = null;
      let kernel: KernelMeasure | null = null;
      let zetaTopRun: ZetaTopRun | null = null;
      const spent = { ...this.spent };
      let spectra = this.spectra;
      if (isRecord) {
        const samples = this.window.samples + n;
        let test: { loss: number; accuracy: number | null } | null = null;
        if (this.data.test) {
          if (await control.pause()) return 'stopped';
          const started = performance.now();
          test = await this.evaluate(this.data.test, control);
          this.timing.evaluation += performance.now() - started;
          if (!test) return 'stopped';
        }
        // Which costly measurements this record gets: by work counts only, so the same seed gives the same nulls.
        const work = this.stepWork * s;
        // `setup`: what the first measurement pays besides (its session built), counted in its share too.
        const due = (key: keyof typeof spent, cost: number, share: number, setup = 0): boolean => {
          if (!training.record.full && !last && !measurementDue(s, this.totalSteps, spent[key], cost, share, work)) return false;
          spent[key] += cost + (s === 0 ? setup : 0);
          return true;
        };
        const zeta = due('zeta', this.zetaCost, ZETA_SHARE);
        // ζ_top is counted at the steps each layer's last run took (its budget's when fewer), then
        // charged at the steps this one took.
        const zetaTopModelled = this.zetaTopWork(this.spectra);
        const zetaTop = due('zetaTop', zetaTopModelled, ZETA_TOP_SHARE);
        if (await control.pause()) return 'stopped';
        const started = performance.now();
        // Lanczos warm-starts from the last measured triplets; a copy, committed with the record, so that a
        // stop before the commit leaves the next attempt the same start.
        spectra = new Map(this.spectra);
        const measure = await this.measureLayers({ zeta, zetaTop, spectra }, s === 0);
        this.timing.layerMetrics += performance.now() - started;
        if (zetaTop) {
          const measured = new Map([...spectra].filter(([l, t]) => this.spectra.get(l) !== t));
          zetaTopRun = { step: s, modelled: zetaTopModelled, taken: this.zetaTopWork(measured), steps: this.sizes.slice(1).map((_, l) => measured.get(l)?.steps ?? 0) };
          spent.zetaTop += zetaTopRun.taken - zetaTopModelled;
        }
        if (!this.kernelOmitted && due('kernel', this.kernelCost, KERNEL_SHARE, this.engine === 'onnxruntime' ? ONNX_KERNEL_SETUP_WORK : 0)) {
          if (await control.pause()) return 'stopped';
          const started = performance.now();
          kernel = await this.measureKernel();
          this.timing.kernel += performance.now() - started;
        }
        record = this.recordOf(s, { loss: this.window.loss + lossSum, correct: this.window.correct + correct, samples }, test, measure, kernel);
      }
      const deadNow = record ? this.deadAtRecord(s, last) : this.deadNow;

      // Commit: nothing below awaits.
      if (record) {
        this.window = { loss: 0, correct: 0, samples: 0 };
        this.spent = spent;
        this.spectra = spectra;
        if (zetaTopRun) this.zetaTopRuns.push(zetaTopRun);
        if (kernel) this.featuresVanished = kernel.featuresVanished;
        this.deadNow = deadNow;
        this.records.push(record);
        options.onRecord?.(record);
      } else {
        this.window = { loss: this.window.loss + lossSum, correct: this.window.correct + correct, samples: this.window.samples + n };
      }
      if (learn) {
        const started = performance.now();
        pending.take();
        this.timing.steps += performance.now() - started;
      }
      if (!closing) this.next = s + 1;
      return 'committed';
    } finally {
      pending.discard();
    }
  }

  /**
   * The batch's loss and correct count at θ_s, and (when `learn`) the step to θ_{s+1} on TensorFlow.js,
   * the gradient summed over chunks (a stop may come between chunks). `take` applies the optimiser;
   * `discard` frees what is left either way.
   */
  private async tfjsStep(batch: Int32Array | null, n: number, learn: boolean, control: Control): Promise<PendingStep | 'stopped'> {
    const { model, training } = this.spec;
    const train = this.data.train;
    const params = this.params!;
    let grads: Gradients | null = null;
    const discard = () => {
      if (grads) disposeGradients(grads);
      grads = null;
    };
    try {
      let lossSum = 0;
      let correct = 0;
      for (let c0 = 0; c0 < n; c0 += this.chunkRows) {
        const started = performance.now();
        const c1 = Math.min(n, c0 + this.chunkRows);
        const before: Gradients | null = grads;
        const out: { stats: tf.Tensor; wt: tf.Tensor2D[]; b: tf.Tensor1D[] } = tf.tidy(() => {
          const { x, targets } = this.upload(train, batch, c0, c1);
          const fwd = forward(params, x, model.activation, model.outputScale);
          const terms = lossTerms(training.loss, fwd.output, targets, model.outputScale, learn ? n : null);
          const g = learn ? backward(params, fwd, terms.deltaOut!, model.activation) : null;
          const sum: Gradients | null = g && before ? addGradients(before, g) : g;
          return { stats: tf.stack([terms.lossSum, terms.correct ?? tf.scalar(0)]), wt: sum?.wt ?? [], b: sum?.b ?? [] };
        });
        if (before) disposeGradients(before);
        grads = learn ? { wt: out.wt, b: params.b ? out.b : null } : null;
        const stats = out.stats.dataSync();
        out.stats.dispose();
        lossSum += stats[0];
        correct += stats[1];
        this.timing.steps += performance.now() - started;
        if (c1 < n && (await control.pause())) {
          discard();
          return 'stopped';
        }
      }
      return {
        lossSum,
        correct,
        take: () => {
          const next = optimizerStep(training.optimizer, params, grads!, this.optimizer, training.learningRate, training.weightDecay);
          disposeReplaced({ params, state: this.optimizer }, next);
          this.params = next.params;
          this.optimizer = next.state;
        },
        discard,
      };
    } catch (e) {
      discard();
      throw e;
    }
  }

  /** The same on ONNX Runtime: one run of the step graph (or of the evaluation graph when not `learn`). */
  private async onnxStep(batch: Int32Array | null, n: number, learn: boolean): Promise<PendingStep> {
    const started = performance.now();
    const { x, y } = this.gather(this.data.train, batch, 0, n);
    const onnx = this.onnx!;
    let result: PendingStep;
    if (learn) {
      const step = await onnx.step(x, y, n);
      result = { lossSum: step.lossSum, correct: step.correct, take: () => onnx.commit(step), discard: () => undefined };
    } else {
      const stats = await onnx.evaluate(x, y, n);
      result = { ...stats, take: () => undefined, discard: () => undefined };
    }
    this.timing.steps += performance.now() - started;
    return result;
  }

  /**
   * The record made where the loss stopped being finite, at step s > 0 (θ_s, the weights whose batch
   * loss is not finite): steps were taken since the last record, and without it a run that diverged
   * between records kept none of them (docs/networks.md, "Training"). Its train loss and accuracy are
   * those of the finite batches since the last record (step s's, `divergent`, is left out), or step s's
   * own when it is the only one (the step right after a record: a loss that is not finite); the test
   * set is measured at θ_s, and so are the norms and distances, with ζ and ζ_top when every weight is
   * still finite; no kernel.
   */
  private async divergenceRecord(s: number, divergent: { loss: number; correct: number; samples: number }): Promise<TrainingRecord | null> {
    if (s === 0) return null;
    const window = this.window.samples > 0 ? this.window : divergent;
    const control = new Control(() => false);
    let test: { loss: number; accuracy: number | null } | null = null;
    if (this.data.test) {
      const started = performance.now();
      test = await this.evaluate(this.data.test, control);
      this.timing.evaluation += performance.now() - started;
    }
    const started = performance.now();
    const weights = this.onnx ? this.onnx.weights() : this.currentWeights();
    const finite = weights.every((w) => w.data.every(Number.isFinite));
    const measure = await this.measureLayers({ zeta: finite, zetaTop: finite, spectra: new Map(this.spectra) }, false);
    this.timing.layerMetrics += performance.now() - started;
    return this.recordOf(s, window, test, measure, null);
  }

  /** The record of step s: the train loss and accuracy of `batches` (sums over their samples), the test set's and the measurements. */
  private recordOf(s: number, batches: { loss: number; correct: number; samples: number }, test: { loss: number; accuracy: number | null } | null, measure: NetworkMeasure, kernel: KernelMeasure | null): TrainingRecord {
    return {
      step: s,
      epoch: s / this.stepsPerEpoch,
      trainLoss: batches.loss / batches.samples,
      // An accuracy only beside a finite loss: a loss that is not finite comes of outputs that are not,
      // whose largest entry says nothing (a divergence at step 1 recorded 0.5, the share of one class).
      trainAccuracy: this.data.train.targets.kind === 'classes' && Number.isFinite(batches.loss) ? batches.correct / batches.samples : null,
      testLoss: test ? test.loss : null,
      testAccuracy: test && Number.isFinite(test.loss) ? test.accuracy : null,
      distance: measure.distance,
      kernelChange: kernel ? kernel.kernelChange : null,
      tangentChange: kernel ? kernel.tangentChange : null,
      layers: measure.layers,
      alignment: measure.alignment,
    };
  }

  /** The tangent kernel's change at the current weights, on the engine that holds them. */
  private async measureKernel(): Promise<KernelMeasure> {
    if (!this.onnx) return this.probe!.measure(this.params!);
    return this.measures!.kernelChange(this.onnx.weights(), this.onnx.biases());
  }

  /** Loss and accuracy over a whole data set at the current weights, in chunks; null if stopped. */
  private async evaluate(set: Dataset, control: Control): Promise<{ loss: number; accuracy: number | null } | null> {
    const { model, training } = this.spec;
    let loss = 0;
    let correct = 0;
    for (let c0 = 0; c0 < set.count; c0 += this.evalRows) {
      const c1 = Math.min(set.count, c0 + this.evalRows);
      let v: ArrayLike<number>;
      if (this.onnx) {
        const { x, y } = this.gather(set, null, c0, c1);
        const stats = await this.onnx.evaluate(x, y, c1 - c0);
        v = [stats.lossSum, stats.correct];
      } else {
        const params = this.params!;
        const stats = tf.tidy(() => {
          const { x, targets } = this.upload(set, null, c0, c1);
          const fwd = forward(params, x, model.activation, model.outputScale);
          const terms = lossTerms(training.loss, fwd.output, targets, model.outputScale, null);
          return tf.stack([terms.lossSum, terms.correct ?? tf.scalar(0)]);
        });
        v = stats.dataSync();
        stats.dispose();
      }
      loss += v[0];
      correct += v[1];
      if (c1 < set.count && (await control.pause())) return null;
    }
    return { loss: loss / set.count, accuracy: set.targets.kind === 'classes' ? correct / set.count : null };
  }

  /** Where the layer metrics' products run (created with the backend's first record). */
  private products: MatrixProducts | undefined;
  /** Top singular triplets of the last record that measured ζ_top, per layer: the next one's Lanczos starts there. */
  private spectra = new Map<number, SingularTriplet>();

  /**
   * measureNetwork on the current weights, with the biases in the whole network's distance; ζ and ζ_top
   * when asked. `initial`: the weights are θ₀ (the first record), whose measurement on the Grams an
   * earlier run of this thread may have made already (`firstLayerMeasures`).
   */
  private async measureLayers(which: { zeta: boolean; zetaTop: boolean; spectra: Map<number, SingularTriplet> }, initial: boolean): Promise<NetworkMeasure> {
    if (!(initial && this.gramsUsable && which.zeta && which.zetaTop)) return this.measureLayersNow(which);
    const theta0 = this.initial.map((w) => w.data);
    // The shapes too: the same bytes may be θ₀ of another network (zeros, explicit weights).
    const key = `grams ${this.sizes.join(' ')}`;
    const earlier = firstLayerMeasures.get(key, theta0);
    if (earlier) {
      for (const [l, triplet] of earlier.spectra) which.spectra.set(l, triplet);
      return copyMeasure(earlier.measure);
    }
    const m = await this.measureLayersNow(which);
    firstLayerMeasures.set(key, theta0, { measure: copyMeasure(m), spectra: [...which.spectra] });
    return m;
  }

  private async measureLayersNow(which: { zeta: boolean; zetaTop: boolean; spectra: Map<number, SingularTriplet> }): Promise<NetworkMeasure> {
    // Norms and distances in JavaScript; ζ and ζ_top from the Gram matrices made on ONNX Runtime, or
    // from products on the WebAssembly backend; each layer's top singular vectors warm-started from the
    // previous measurement (docs/networks.md, "Layer metrics").
    // ONNX Runtime's arrays are never written again (a step makes new ones): measured in place.
    const weights = this.onnx ? this.onnx.weights() : this.currentWeights();
    // ‖W‖, ‖W − W₀‖ and ‖W₀‖ of every layer in one float64 pass each, for the Grams' scaling and measureNetwork.
    const sums = weights.map((w, l) => squaredNorms(w.data, this.initial[l].data));
    let grams: LayerGrams[] | undefined;
    if (which.zeta || which.zetaTop) {
      if (this.gramsUsable) {
        grams = await this.measures!.grams(weights, sums.map((x) => Math.sqrt(x.a2)));
      } else if (!this.products) {
        await useWasmBackend(this.options.wasmDirectory);
        this.products = tfjsProducts(tf);
      }
    }
    const lanczosTime = { ms: 0 };
    const m = measureNetwork(weights, this.initial, { products: this.products ?? jsProducts, grams, spectra: which.spectra, zeta: which.zeta, zetaTop: which.zetaTop, squaredNorms: sums, lanczosTime });
    this.timing.zetaTop += lanczosTime.ms;
    const biases = this.currentBiases();
    if (!biases) return m;
    // Biases start at 0: they add ‖b‖² to ‖θ − θ₀‖² and nothing to ‖θ₀‖². The weights' sums are float64
    // sums of float32 entries, in range whatever the weights (unlike checkpoints' float64 layers).
    let moved2 = 0;
    let start2 = 0;
    for (const { difference2, b2 } of sums) {
      moved2 += difference2;
      start2 += b2;
    }
    for (const b of biases) for (let i = 0; i < b.length; i++) moved2 += b[i] * b[i];
    return { ...m, distance: start2 > 0 ? Math.sqrt(moved2 / start2) : Math.sqrt(moved2) };
  }

  /**
   * Rows [c0, c1) of `batch` (or of the set in order when null): the inputs (rows × features; the reused
   * scratch buffer for a minibatch, a view of the set otherwise), the targets as one-hot rows or values
   * (rows × outputs) and the class labels (null for regression).
   */
  private gather(set: Dataset, batch: Int32Array | null, c0: number, c1: number): { x: Float32Array; y: Float32Array; labels: Int32Array | null } {
    const F = set.features;
    const rows = c1 - c0;
    let x: Float32Array;
    if (batch) {
      x = this.scratch.subarray(0, rows * F);
      for (let r = 0; r < rows; r++) {
        const i = batch[c0 + r];
        x.set(set.x.subarray(i * F, (i + 1) * F), r * F);
      }
    } else {
      x = set.x.subarray(c0 * F, c1 * F);
    }
    const row = (r: number) => (batch ? batch[c0 + r] : c0 + r);
    const t = set.targets;
    if (t.kind === 'classes') {
      const C = t.classCount;
      const y = new Float32Array(rows * C);
      const labels = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        labels[r] = t.labels[row(r)];
        y[r * C + labels[r]] = 1;
      }
      return { x, y, labels };
    }
    const C = t.outputs;
    const y = new Float32Array(rows * C);
    for (let r = 0; r < rows; r++) y.set(t.values.subarray(row(r) * C, (row(r) + 1) * C), r * C);
    return { x, y, labels: null };
  }

  /** The same rows as device tensors. Call inside `tf.tidy`. */
  private upload(set: Dataset, batch: Int32Array | null, c0: number, c1: number): { x: tf.Tensor2D; targets: ChunkTargets } {
    const rows = c1 - c0;
    const { x, y, labels } = this.gather(set, batch, c0, c1);
    return {
      x: tf.tensor2d(x, [rows, set.features]),
      targets: { y: tf.tensor2d(y, [rows, y.length / rows]), labels: labels ? tf.tensor1d(labels, 'int32') : null },
    };
  }
}

/**
 * The first record's layer metrics on ONNX Runtime's Grams (ζ and ζ_top both measured), by θ₀, with the
 * Lanczos vectors that warm-start the next records: a later run of this thread from the same θ₀ takes
 * them instead of measuring again (firstMeasurements.ts). The last two networks are kept.
 */
const firstLayerMeasures = new FirstMeasurements<{ measure: NetworkMeasure; spectra: [number, SingularTriplet][] }>(2);

/** How many first records' layer metrics this thread took from an earlier run, and how many it keeps (for tests and diagnostics). */
export function firstLayerMeasurements(): { hits: number; kept: number } {
  return { hits: firstLayerMeasures.hits, kept: firstLayerMeasures.size };
}

/** A copy of a network measure, its arrays and objects new (a record's are handed to listeners). */
function copyMeasure(m: NetworkMeasure): NetworkMeasure {
  return { layers: m.layers.map((x) => ({ ...x })), alignment: m.alignment.map((x) => (x ? { ...x } : null)), distance: m.distance };
}

/**
 * Whether a costly measurement is due at the record of step s (docs/networks.md, "Cadence"): always at
 * the first (s = 0) and the last (s = totalSteps) step, and at every step when it is cheap (modeled
 * below CHEAP_MEASUREMENT, about a millisecond); otherwise in between when the work spent on it so far
 * (the first measurement included), plus this one, plus the last one's (reserved), is within `share` of
 * the training work done so far. Over a run its measurements then cost at most `share` of the training,
 * or the first and the last alone when those are more. Work is counted in a fixed model (multiply-adds,
 * plus OP_WORK per TensorFlow.js operation), never in seconds, so the cadence is deterministic.
 */
export function measurementDue(s: number, totalSteps: number, spent: number, cost: number, share: number, workDone: number): boolean {
  if (s === 0 || s === totalSteps || cost <= CHEAP_MEASUREMENT) return true;
  return spent + 2 * cost <= share * workDone;
}

/** Work of ζ at one record: the exact products ‖W_{l+1}W_l‖ (Hutch++ above the exact limit), the uploads and reads. */
export function zetaWork(sizes: readonly number[]): number {
  let w = OP_WORK * (sizes.length - 1);
  for (let l = 1; l + 1 < sizes.length; l++) {
    const [n, m, o] = [sizes[l - 1], sizes[l], sizes[l + 1]];
    w += o * m * n <= EXACT_ZETA_LIMIT ? o * m * n + 2 * OP_WORK : (2 * HUTCH_SKETCH + HUTCH_PROBES) * (m * n + o * m) + 8 * OP_WORK;
  }
  return w;
}

/**
 * Work of ζ_top at one record on the layers' products (TensorFlow.js): per layer a Lanczos run (two
 * one-column products a step, each multiply-add at LANCZOS_PRODUCT_WORK) and Wᵀ's upload. `steps[l − 1]`: the steps layer l's run took
 * (undefined: not measured yet). A run is counted at those steps, or at its budget's cap
 * (`lanczosSteps`) when fewer: runs go past the cap, up to 64 steps, until their top vector is resolved
 * (a random 2048² layer takes 33 steps cold and 16 warm against a cap of 8), and the previous run's
 * steps are the best guess of the next one's (docs/networks.md, "Cadence").
 */
export function zetaTopWork(sizes: readonly number[], steps: readonly (number | undefined)[] = []): number {
  let w = 0;
  for (let l = 1; l < sizes.length; l++) {
    const [c, r] = [sizes[l - 1], sizes[l]];
    w += Math.max(lanczosSteps(r, c), steps[l - 1] ?? 0) * (LANCZOS_PRODUCT_WORK * 2 * r * c + 2 * OP_WORK) + r * c + 2 * OP_WORK;
  }
  return w;
}

/** Work of the Gram graph's run (ONNX Runtime): its products, the run, and the Grams read back. */
function gramGraphWork(sizes: readonly number[]): number {
  const entries = gramOutputs(sizes).reduce((n, g) => n + g.size * g.size, 0);
  return gramWork(sizes) * ONNX_PRODUCT_SHARE + ONNX_RUN_WORK + ONNX_PARAMETER_WORK * entries;
}

/** Work of ζ from the Grams: the graph, then ⟨inner, outer⟩ per pair in JavaScript. */
export function onnxZetaWork(sizes: readonly number[]): number {
  return gramGraphWork(sizes) + WASM_WORK * sizes.slice(1, -1).reduce((w, n) => w + n * n, 0);
}

/**
 * Work of ζ_top from the Grams: the graph, then per layer symmetric Lanczos on its Gram (m × m, one
 * product a step) and one product with W. `steps[l − 1]` as in `zetaTopWork`: a run is counted at the
 * steps it took, or at half its step cap, min(m, 64), when fewer (random layers take 30–40 steps, the cap 128).
 */
export function onnxZetaTopWork(sizes: readonly number[], steps: readonly (number | undefined)[] = []): number {
  let w = gramGraphWork(sizes);
  for (let l = 1; l < sizes.length; l++) {
    const [c, r] = [sizes[l - 1], sizes[l]];
    const m = Math.min(r, c); // each layer's smaller Gram is among the outputs
    w += WASM_WORK * (Math.max(Math.min(m, LANCZOS_MAX_STEPS), steps[l - 1] ?? 0) * m * m + r * c);
  }
  return w;
}

/**
 * Work of the kernel on ONNX Runtime: the graph's passes and Gram matrices, its run, the parameters and
 * the reference (K₀ and the features) fed in, and the changes' row sums (a few passes over the features).
 */
export function onnxKernelWork(sizes: readonly number[], probe: number): number {
  const C = sizes[sizes.length - 1];
  let features = 0;
  let parameters = 0;
  for (let l = 1; l < sizes.length; l++) {
    features += probe * C * sizes[l] + probe * sizes[l];
    parameters += sizes[l - 1] * sizes[l] + sizes[l];
  }
  return (kernelWork(sizes, probe) + 8 * features) * ONNX_PRODUCT_SHARE + ONNX_RUN_WORK + ONNX_PARAMETER_WORK * (parameters + (probe * C) ** 2 + features);
}

/** Where the loop may stop: polls `shouldStop` and yields to the event loop every YIELD_MS. */
class Control {
  private lastYield = performance.now();
  constructor(private readonly shouldStop: () => boolean) {}

  async pause(): Promise<boolean> {
    if (performance.now() - this.lastYield >= YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    return this.shouldStop();
  }
}

/**
 * The order of the samples: the full batch in the set's order, or for minibatches a fresh Fisher–Yates
 * permutation of 0 … N−1 per epoch from one `Rng(seed)` (j = ⌊(1 − u)(i + 1)⌋ for i = N−1 … 1, u
 * uniform in (0, 1]), cut into batches of B with a smaller last batch (PyTorch's default loader).
 */
export class BatchOrder {
  private readonly rng: Rng;
  private epoch = -1;
  private readonly permutation: Int32Array;
  private readonly perEpoch: number;

  constructor(
    private readonly count: number,
    private readonly batchSize: number,
    private readonly full: boolean,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.permutation = new Int32Array(full ? 0 : count);
    this.perEpoch = Math.ceil(count / batchSize);
  }

  /** The sample indices of iteration s (null: the whole set in order). Iterations must come in order. */
  batch(s: number): Int32Array | null {
    if (this.full) return null;
    const e = Math.floor(s / this.perEpoch);
    while (this.epoch < e) {
      const p = this.permutation;
      for (let i = 0; i < p.length; i++) p[i] = i;
      for (let i = p.length - 1; i > 0; i--) {
        const j = Math.floor((1 - this.rng.uniform()) * (i + 1));
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      this.epoch++;
    }
    const k = s - e * this.perEpoch;
    return this.permutation.subarray(k * this.batchSize, Math.min(this.count, (k + 1) * this.batchSize));
  }
}

function addGradients(a: Gradients, b: Gradients): Gradients {
  return { wt: a.wt.map((t, l) => tf.add(t, b.wt[l])), b: a.b ? a.b.map((t, l) => tf.add(t, b.b![l])) : null };
}

function disposeGradients(g: Gradients): void {
  for (const t of g.wt) t.dispose();
  for (const t of g.b ?? []) t.dispose();
}

/** A step computed at θ_s: its batch's loss summed and correct count; `take` moves to θ_{s+1}, `discard` frees what is left. */
interface PendingStep {
  lossSum: number;
  correct: number;
  take(): void;
  discard(): void;
}

/** Weights as rows (out × in) and biases, as the TensorFlow.js parameters (Wt_l = W_lᵀ). The caller disposes them. */
function tensorsOf(weights: readonly WeightMatrix[], biases: readonly Float32Array[] | null): Parameters {
  return {
    wt: weights.map((w) => tf.tensor2d(transposed(w.data as Float32Array, w.rows, w.cols), [w.cols, w.rows])),
    b: biases ? biases.map((b) => tf.tensor1d(b)) : null,
  };
}

/**
 * The engine of a run (TrainingOptions.backend): ONNX Runtime when asked for or by default where it loads
 * and a step of `stepRows` samples is one chunk (its graph takes the whole step at once; TensorFlow.js
 * sums larger batches over chunks). Throws when `onnxruntime` is asked for and cannot run.
 */
export function chooseEngine(asked: 'auto' | TrainingEngine, stepRows: number, chunkRows: number): TrainingEngine {
  if (asked === 'tfjs') return 'tfjs';
  const ort = onnxRuntime();
  const oneChunk = stepRows <= chunkRows;
  if (asked === 'onnxruntime') {
    if (ort instanceof Error) throw new BackendError(`onnxruntime-node cannot run here (${ort.message.split('\n')[0]}); the tfjs backend can`);
    if (!oneChunk) throw new BackendError(`a step of ${countOf(stepRows, 'sample')} is summed over chunks of ${formatCount(chunkRows)}, which only the tfjs backend does: use --backend tfjs (or auto), or a batch of at most ${formatCount(chunkRows)}`);
    return 'onnxruntime';
  }
  return ort instanceof Error || !oneChunk ? 'tfjs' : 'onnxruntime';
}

/**
 * Input arrays found finite, so that a run on data an earlier run checked (LoadedDataCache) does not
 * read its inputs again (16 ms for the embedded MNIST). Inputs are never written after loading.
 */
const finiteInputs = new WeakSet<Dataset['x']>();

/** Problems of one data set on its own: sizes, finite inputs, targets in range. */
export function datasetProblems(d: Dataset, path: string): ExperimentError[] {
  const out: ExperimentError[] = [];
  const bad = (message: string) => out.push(new ExperimentError(message, path));
  if (!(Number.isInteger(d.count) && d.count >= 1)) bad(`a data set needs at least one sample, got ${formatCount(d.count)}`);
  if (!(Number.isInteger(d.features) && d.features >= 1)) bad(`a sample needs at least one feature, got ${formatCount(d.features)}`);
  if (out.length) return out;
  if (d.x.length !== d.count * d.features) return [new ExperimentError(`${countOf(d.count, 'sample')} × ${countOf(d.features, 'feature')} = ${countOf(d.count * d.features, 'input')} expected, the array holds ${formatCount(d.x.length)}`, path)];
  if (!finiteInputs.has(d.x)) {
    let k = 0;
    while (k < d.x.length && Number.isFinite(d.x[k])) k++;
    if (k < d.x.length) bad(`input ${d.x[k]} at sample ${formatCount(Math.floor(k / d.features))}, feature ${formatCount(k % d.features)}: inputs must be finite`);
    else finiteInputs.add(d.x);
  }
  const t = d.targets;
  if (t.kind === 'classes') {
    if (!(Number.isInteger(t.classCount) && t.classCount >= 2)) bad(`class targets need at least 2 classes, got ${t.classCount}`);
    else if (t.labels.length !== d.count) bad(`${countOf(d.count, 'class label')} expected, got ${formatCount(t.labels.length)}`);
    else {
      for (let i = 0; i < t.labels.length; i++) {
        if (!(t.labels[i] >= 0 && t.labels[i] < t.classCount)) {
          bad(`label ${t.labels[i]} of sample ${formatCount(i)} is not a class in [0, ${t.classCount})`);
          break;
        }
      }
    }
  } else {
    if (!(Number.isInteger(t.outputs) && t.outputs >= 1)) bad(`regression targets need at least 1 output, got ${t.outputs}`);
    else if (t.values.length !== d.count * t.outputs) bad(`${countOf(d.count, 'sample')} × ${countOf(t.outputs, 'output')} = ${countOf(d.count * t.outputs, 'target value')} expected, got ${formatCount(t.values.length)}`);
    else {
      const k = t.values.findIndex((v) => !Number.isFinite(v));
      if (k >= 0) bad(`target ${t.values[k]} at sample ${formatCount(Math.floor(k / t.outputs))}, output ${k % t.outputs}: targets must be finite`);
    }
  }
  return out;
}

/** A test set must have the training set's inputs and targets. */
function testProblems(train: Dataset, test: Dataset): ExperimentError[] {
  const out: ExperimentError[] = [];
  const bad = (message: string) => out.push(new ExperimentError(message, 'data.test'));
  if (test.features !== train.features) bad(`the test set has ${countOf(test.features, 'feature')}, the training set ${formatCount(train.features)}`);
  const a = train.targets;
  const b = test.targets;
  if (a.kind !== b.kind) bad(`the test set has ${b.kind === 'classes' ? 'class' : 'regression'} targets, the training set ${a.kind === 'classes' ? 'class' : 'regression'} targets`);
  else if (a.kind === 'classes' && b.kind === 'classes' && a.classCount !== b.classCount) bad(`the test set has ${countOf(b.classCount, 'class', 'classes')}, the training set ${formatCount(a.classCount)}`);
  else if (a.kind === 'regression' && b.kind === 'regression' && a.outputs !== b.outputs) bad(`the test set has ${countOf(b.outputs, 'output')}, the training set ${a.outputs}`);
  return out;
}

/**
 * Problems of random initial weights as float32 holds them (docs/networks.md, "Float32 range"), at
 * `init.scale`: σ times the scheme's standard deviation (which depends on the layer sizes, the data's
 * among them) can put a draw beyond the float32 range, where it is ±Infinity, or make every draw of a
 * matrix 0 although σ > 0 — a different experiment (σ = 0).
 */
function drawnWeightProblems(spec: NetworkSpec, initial: readonly WeightMatrix[]): ExperimentError[] {
  const init = spec.init;
  if (init.kind !== 'random' || init.scale === 0) return [];
  for (const [l, w] of initial.entries()) {
    const data = w.data as Float32Array;
    const std = init.scale * schemeStd(init.scheme, w.cols, w.rows);
    if (data.some((x) => !Number.isFinite(x))) {
      return [new ExperimentError(`init.scale = ${formatNumber(init.scale)}: W_${l + 1}'s draws (standard deviation ${formatNumber(Number(std.toPrecision(3)))}: σ times the ${init.scheme} scheme's) reach beyond the float32 range (magnitudes up to 3.4e38); the trainer computes in float32, where they are ±Infinity: give a smaller init.scale`, 'init.scale')];
    }
    if (data.length > 0 && data.every((x) => x === 0)) {
      return [new ExperimentError(`init.scale = ${formatNumber(init.scale)}: W_${l + 1}'s draws (standard deviation ${formatNumber(Number(std.toPrecision(3)))}: σ times the ${init.scheme} scheme's) are all below the smallest float32 magnitude (1.4e-45); the trainer computes in float32, where they are 0 — a zero initialisation, a different experiment: give a larger init.scale, or 0 if that is what you mean`, 'init.scale')];
    }
  }
  return [];
}

/** Multiply-adds of the float64 gradient that tells why a run's weights never moved (`frozenCauseAtStart`): about 0.1 s. */
const FROZEN_CAUSE_WORK = 2 ** 25;

/** Records of a run of `steps` steps with a record every `every`: steps 0, every, 2·every, … and the last. */
export function recordCount(steps: number, every: number): number {
  return Math.floor(steps / every) + 1 + (steps % every === 0 ? 0 : 1);
}

/**
 * The limits `spec` (settled for the data: `specForData`) passes on the training set `train`'s shape,
 * as `Training` refuses them before anything is allocated (a `TrainingSetupError` of these): the layer
 * sizes' parameters, the steps of its epochs, the records kept in memory (docs/limits.md). Known from
 * the file and the data's shape alone, so a sweep checks every value with it before its first value
 * trains (`sweepSetupRefusal`, src/core/analysis/networkSweep.ts). The set-up's other problems (a
 * batch larger than the set, a loss for other targets, …) are a value's own failure, left to its run.
 */
export function planLimitProblems(spec: NetworkSpec, train: Dataset): ExperimentError[] {
  return setupProblems(spec, train, layerSizes(spec.model, train.features, outputSize(train)), true);
}

/**
 * The limits a run of `spec` passes on a training set of this shape, known from the data before it is
 * read (`LoadOptions.beforeAllocating`: an IDX or .npy header, a CSV file's first line): the layer
 * sizes' parameters — at least those of two outputs when the class count is known only once the
 * labels are read — and, with the count known, the steps of its epochs; the records kept in memory
 * when the run's steps are known and `recordEveryWritten` (the file writes `training.record.every`).
 * Until 2026-12-03 they were checked on the data as read: a network too wide for a huge IDX file's
 * features was refused after 7 s of reading and 1.1 GB.
 */
export function shapeLimitProblems(spec: NetworkSpec, shape: SplitShape, recordEveryWritten = true): ExperimentError[] {
  const sizes = layerSizes(spec.model, shape.features, shape.outputs ?? 2);
  const out = [parameterProblem(spec, sizes, shape.outputs === undefined)];
  if (shape.count !== undefined) out.push(epochStepsProblem(spec, shape.count));
  // The records kept, for a cadence the file writes (one left to the data is chosen within the limit).
  const t = spec.training;
  const steps = t.length.unit === 'steps' ? t.length.count : shape.count !== undefined ? t.length.count * stepsPerEpoch(spec, shape.count) : null;
  if (recordEveryWritten && steps !== null && steps <= NETWORK_LIMITS.steps) out.push(recordsInMemoryProblem(recordCount(steps, t.record.every), t.record.every, steps, sizes.length - 1));
  return out.filter((p): p is ExperimentError => p !== null);
}

/**
 * The layer sizes' parameters above NETWORK_LIMITS.parameters, or null. `outputsAtLeast`: the last
 * size is the least the class count can be (2), said as `k ≥ 2 classes`.
 */
function parameterProblem(spec: NetworkSpec, sizes: readonly number[], outputsAtLeast: boolean): ExperimentError | null {
  const parameters = parameterCount(sizes, spec.model.bias);
  if (parameters <= NETWORK_LIMITS.parameters) return null;
  const written = outputsAtLeast ? `${sizes.slice(0, -1).join('-')}-k (k ≥ 2 classes) make at least` : `${sizes.join('-')} make`;
  return new ExperimentError(`layer sizes ${written} ${formatCount(parameters)} parameters, above the limit of ${formatCount(NETWORK_LIMITS.parameters)} (the trainer keeps up to five float32 copies)`, 'model.hidden');
}

/** Steps of one epoch of `count` samples: ⌈count / batch⌉, 1 for the full batch. */
function stepsPerEpoch(spec: NetworkSpec, count: number): number {
  const batch = spec.training.batchSize;
  return batch === 'full' ? 1 : Math.ceil(count / Math.min(batch, count));
}

/** A length in epochs of `count` samples above NETWORK_LIMITS.steps steps, or null. */
function epochStepsProblem(spec: NetworkSpec, count: number): ExperimentError | null {
  const t = spec.training;
  const perEpoch = stepsPerEpoch(spec, count);
  if (t.length.unit !== 'epochs' || t.length.count * perEpoch <= NETWORK_LIMITS.steps) return null;
  return new ExperimentError(`${countOf(t.length.count, 'epoch')} × ${countOf(perEpoch, 'step')} exceed the limit of ${formatCount(NETWORK_LIMITS.steps)} steps`, 'training.epochs');
}

/**
 * Problems of the spec against the training set's shape (checked before anything is allocated);
 * `limitsOnly`: only those of a limit (`planLimitProblems`).
 */
function setupProblems(spec: NetworkSpec, train: Dataset, sizes: number[], limitsOnly = false): ExperimentError[] {
  const out: ExperimentError[] = [];
  const t = spec.training;
  if (!limitsOnly && t.loss === 'crossEntropy' && train.targets.kind !== 'classes') {
    out.push(new ExperimentError(`the cross-entropy loss needs class targets; the training set has regression targets (${countOf(train.targets.outputs, 'output')}): use "squared"`, 'training.loss'));
  }
  if (!limitsOnly && spec.init.kind === 'explicit') {
    const w = spec.init.weights;
    const L = w.length;
    if (w[0][0].length !== train.features) out.push(new ExperimentError(`init.weights[0] (W_1) must have ${countOf(train.features, 'column')} (the features of a sample), got ${formatCount(w[0][0].length)}`, 'init.weights[0]'));
    if (w[L - 1].length !== sizes[sizes.length - 1]) out.push(new ExperimentError(`init.weights[${L - 1}] (W_${L}) must have ${countOf(sizes[sizes.length - 1], 'row')} (the network's outputs), got ${formatCount(w[L - 1].length)}`, `init.weights[${L - 1}]`));
  }
  const parameters = parameterProblem(spec, sizes, false);
  if (parameters) out.push(parameters);
  if (!limitsOnly && t.batchSize !== 'full' && t.batchSize > train.count) {
    out.push(new ExperimentError(`a batch of ${formatCount(t.batchSize)} is larger than the training set (${countOf(train.count, 'sample')}); use "full" for the whole set`, 'training.batchSize'));
  }
  const perEpoch = stepsPerEpoch(spec, train.count);
  const epochs = epochStepsProblem(spec, train.count);
  if (epochs) out.push(epochs);
  // Inputs that are all 0 (a constant input is 0 after "scale01" or "standardize") reach no hidden
  // unit of a network without biases whose φ(0) = 0: every output and gradient is exactly 0.
  if (!limitsOnly && !spec.model.bias && spec.model.activation !== 'sigmoid' && train.x.every((v) => v === 0)) {
    out.push(new ExperimentError(`every training input is 0 (after normalisation, if any: "scale01" and "standardize" map an input that is the same in every sample to 0), so a network without biases and with φ(0) = 0 computes 0 for every sample and its gradients are exactly 0: nothing can be learned — check the data, or set model.bias to true${spec.model.activation === 'relu' ? ' with an activation whose slope at 0 is not 0 (ReLU\'s is: its hidden biases, starting at 0, would not move either, and only the output bias would learn)' : ''}`, 'data'));
  }
  const steps = t.length.unit === 'steps' ? t.length.count : t.length.count * perEpoch;
  const layers = sizes.length - 1;
  const kept = steps <= NETWORK_LIMITS.steps ? recordsInMemoryProblem(recordCount(steps, t.record.every), t.record.every, steps, layers) : null;
  if (kept) out.push(kept);
  return out;
}
