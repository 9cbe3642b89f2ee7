/**
 * Messages between the extension host and its worker threads (docs/architecture.md, "Workers"):
 * one envelope for every worker — run a job, cancel it, progress, result, cancelled — and the job,
 * progress and result types of each worker beside it.
 */
import type { Diagnostic } from '../core/experiment/diagnostic';
import type { ControlState, DynamicsResult, DynamicsView } from './dynamics';
import type { Diagram, PhaseConfig } from './phase';

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

export type ToWorker<Job> = RunJob<Job> | CancelJob;

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
