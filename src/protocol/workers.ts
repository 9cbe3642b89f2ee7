/**
 * Messages between the extension host and its worker threads (docs/architecture.md, "Workers"):
 * one envelope for every worker — run a job, cancel it, progress, result, cancelled — and the job,
 * progress and result types of each worker beside it.
 */
import type { CheckpointsResult } from '../core/checkpoints/checkpointReader';
import type { Diagnostic } from '../core/experiment/diagnostic';
import type { Parameter } from '../core/figures/parameters';
import type { TrainResult } from '../core/runs/train';
import type { NetworkSweepExport } from '../core/runs/trainingExport';
import type { SweepWidthPower } from '../core/network/networkExperiment';
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

/**
 * Ask for what the job in progress (or a job the worker keeps, stopped) has so far, without stopping
 * it: answered by a `peeked` with the same `requestId` (the training panel's Export Data during a run).
 */
export interface PeekJob {
  type: 'peek';
  requestId: number;
}

export type ToWorker<Job> = RunJob<Job> | CancelJob | ExitWorker | PeekJob;

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

/** The answer to a `peek`: what the worker has so far, or null when it has nothing (no job, nothing kept). */
export interface JobPeeked {
  type: 'peeked';
  requestId: number;
  peek: unknown;
}

export type FromWorker<Result, Progress> = JobProgress<Progress> | JobResult<Result> | JobCancelled | JobPeeked;

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
  /** Continue the training this worker stopped for the same text and identity, when it has it. */
  resume: boolean;
  /**
   * What, besides its text and sweep value, makes a stopped run this job's to continue: the panel's
   * identity of the data files (their size, time and inode), so that a run continues across a rename
   * or a move of its file or folder; the folder (`baseDir`) when absent.
   */
  identity?: string;
  /**
   * The stopped run the panel remembers (docs/networks.md, "The panel"), by its text and identity: the
   * worker keeps it (every value of a sweep) while this job trains; null or absent: none.
   */
  keep?: { text: string; identity?: string } | null;
  /** With `resume`: only bring the kept run back (kept, answering a peek), without training; the job ends cancelled. */
  hold?: boolean;
  /** Only parse: the file's kind, title and sweep, or its errors (for a file too long to parse on the host's main thread). */
  describeOnly?: boolean;
  /**
   * Only check, before any step, what `flab train` (or, with a sweep, `flab sweep`) refuses of the
   * file's checkpoints, and of a sweep's every value past a limit at its set-up
   * (`checkpointsChecked` in src/workers/trainingRun.ts): the outcome is `invalid`
   * with the refusal located, or a `run` with no result.
   */
  checkOnly?: boolean;
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
      /** The file's sweep, when it has one (each value is a job of its own); `current`: the file's own value of its key (`experimentHeader`), or null. */
      sweep: { key: string; path: string; values: number[]; widthPower: SweepWidthPower | null; current: number | null } | null;
      /** The data files a network's run reads, as written (relative to the experiment file); [] for checkpoints. */
      dataFiles: string[];
      /** Whether a network's file writes checkpoints (`training.checkpoints`). */
      writesCheckpoints: boolean;
      run: RunView;
      /** What `flab train --json` (or `flab checkpoints --json`) prints for this run, for Export Data; null for `describeOnly`, and when `resultJson` holds it. */
      result: TrainResult | CheckpointsResult | null;
      /**
       * The same as UTF-8 JSON, as the worker thread sends it (trainingWorker.ts), in a SharedArrayBuffer:
       * never copied — a run's every record as objects took the host's main thread 53 ms to receive at
       * 100,000 records, and a copy of its 20 MB of JSON 150 ms — and decoded only by the export worker.
       */
      resultJson?: Uint8Array;
    };

/**
 * What the training worker has of its run so far, when the panel asks (`peek`: Export Data during a
 * run, or of a run stopped): the run as the panel draws it now, and what `flab train --json` would
 * print of its records so far, as UTF-8 JSON in shared memory, its `summary.status` "training" for a
 * run under way ("stopped" for one Stop keeps).
 */
export interface TrainingPeek {
  run: RunView;
  resultJson: Uint8Array;
}

// ---- the export worker (dist/exportWorker.js) -----------------------------------------------------

/**
 * One run's result as the training panel holds it: the training worker's UTF-8 JSON (`resultJson`,
 * shared memory: the export worker reads it where it is) with the name and description an edit of the header gave it since (null: as it came), or the object
 * itself (checkpoints).
 */
export type HeldRunResult = { json: Uint8Array; header: { name: string | null; description: string | null } | null } | { value: TrainResult | CheckpointsResult };

/** Build the file Export Data writes of a training panel's run (or sweep), off the extension host's main thread. */
export interface ExportJob {
  format: 'csv' | 'json';
  /** The CSV's `#` header: the run's title, the experiment's URI and its parameters as run. */
  title: string;
  documentUri: string;
  parameters: Parameter[];
  /** One run, or a sweep (`failed`: its values not started, as `flab sweep --json` lists them). */
  data: HeldRunResult | NetworkSweepExport<HeldRunResult>;
}

/** The file's bytes (UTF-8), moved to the host, or why they could not be built. */
export type ExportOutcome = { kind: 'file'; bytes: Uint8Array } | { kind: 'failed'; message: string };
