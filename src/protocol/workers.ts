/**
 * Messages between the extension host and its worker threads (docs/architecture.md, "Workers"):
 * one envelope for every worker — run a job, cancel it, progress, result, cancelled — and the job,
 * progress and result types of each worker beside it.
 */
import type { CheckpointsResult } from '../core/checkpoints/checkpointReader';
import type { Diagnostic } from '../core/experiment/diagnostic';
import type { TrainResult } from '../core/runs/train';
import type { ControlState, DynamicsResult, DynamicsView } from './dynamics';
import type { Diagram, PhaseConfig } from './phase';
import type { RunView } from './training';

// ---- the envelope ---------------------------------------------------------------------------------

/** Run `job`; supersedes the job in progress. */
export interface RunJob<Job> {
  type: 'run';
  id: number;
  job: Job;
}

/** Stop the job in progress (its answer is `cancelled`). */
export interface CancelJob {
  type: 'cancel';
}

/**
 * Let go of the job in progress, then end the thread — at a point where no native call is under way,
 * which a termination from outside cannot choose (a worker thread terminated inside an ONNX Runtime
 * run aborts the whole process).
 */
export interface ExitWorker {
  type: 'exit';
}

export type ToWorker<Job> = RunJob<Job> | CancelJob | ExitWorker;

export interface JobProgress<Progress> {
  type: 'progress';
  id: number;
  progress: Progress;
}

export interface JobResult<Result> {
  type: 'result';
  id: number;
  result: Result;
  elapsedMs: number;
}

/** The job was stopped (superseded or cancelled) before it finished. */
export interface JobCancelled {
  type: 'cancelled';
  id: number;
}

export type FromWorker<Result, Progress> = JobProgress<Progress> | JobResult<Result> | JobCancelled;

// ---- the dynamics worker (dist/dynamicsWorker.js) -----------------------------------------------

export interface DynamicsRunOptions {
  /** Most points per series sent to the panel; longer series are thinned (summaries stay exact). */
  maxPoints: number;
  /** Shown as the run's title when the experiment has no `name`. */
  fileName: string;
  /** Only validate (for the Problems panel of a file without a panel): no solving. */
  validateOnly?: boolean;
  /** The panel's view preference (flow, descent or both); absent: the file's `compare.simulate` decides. */
  view?: DynamicsView;
}

export interface DynamicsJob {
  text: string;
  options: DynamicsRunOptions;
}

export type DynamicsOutcome =
  | { kind: 'invalid'; diagnostics: Diagnostic[]; controls: ControlState[] | null; compareSimulate: boolean }
  | { kind: 'valid' }
  | ({ kind: 'result' } & DynamicsResult);

// ---- the phase worker (dist/phaseWorker.js) -------------------------------------------------------

export interface PhaseJob extends Omit<PhaseConfig, 'method'> {
  text: string;
  fileName: string;
  /** Default: the exact flow. */
  method?: PhaseConfig['method'];
  /** Instead of the panel's message, the whole diagram as data in full precision (Export Data): `flab phase`'s JSON or CSV. */
  exportData?: 'json' | 'csv';
}

export interface PhaseProgress {
  rowsDone: number;
  rows: number;
}

/** A diagram as the webview receives it, before the panel gives it its version. */
export type DiagramBody = Omit<Diagram, 'version'>;

export type PhaseOutcome = { kind: 'invalid'; diagnostics: Diagnostic[] } | { kind: 'result'; diagram: DiagramBody } | { kind: 'data'; text: string };

// ---- the training worker (dist/trainingWorker.js) -------------------------------------------------

/** Train a network file (or one value of its sweep), or read a checkpoint file's folder. */
export interface TrainingJob {
  text: string;
  fileName: string;
  /** The experiment file's folder: data, globs and metrics are relative to it. */
  baseDir: string;
  /** One value of the file's sweep (its index), or null for the file as written. */
  sweepIndex: number | null;
  /** Continue the training this worker stopped for the same text, when it has it. */
  resume: boolean;
  /** Only parse: the file's kind, title and sweep, or its errors (for a file too long to parse on the host's main thread). */
  describeOnly?: boolean;
}

/** A snapshot of the run so far (progress of a `TrainingJob`). */
export type TrainingSnapshot = RunView;

export type TrainingOutcome =
  | { kind: 'invalid'; diagnostics: Diagnostic[] }
  /** The file is the two-layer linear model's: the dynamics panel draws it. */
  | { kind: 'linear' }
  | {
      kind: 'run';
      runKind: 'network' | 'checkpoints';
      title: string | null;
      description: string | null;
      /** The file's sweep, when it has one (each value is a job of its own). */
      sweep: { key: string; path: string; values: number[] } | null;
      /** The data files a network's run reads, as written (relative to the experiment file); [] for checkpoints. */
      dataFiles: string[];
      run: RunView;
      /** What `flab train --json` (or `flab checkpoints --json`) prints for this run, for Export Data; null for `describeOnly`, and when `resultJson` holds it. */
      result: TrainResult | CheckpointsResult | null;
      /**
       * The same as UTF-8 JSON, as the worker thread sends it (trainingWorker.ts): its buffer is moved
       * to the extension host, not copied — a run's every record as objects took the host's main thread
       * 53 ms to receive at 100,000 records — and the panel decodes it only for Export Data.
       */
      resultJson?: Uint8Array;
    };
