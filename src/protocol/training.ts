/**
 * Every message between the extension host and the training panel — the dynamics of a network
 * trained in the extension or of a folder of checkpoints written by an outside trainer — imported by
 * both sides (docs/architecture.md, "Messages"); messages from the webview are checked with
 * `parseFromTraining`.
 */
import { asRecord, Closed, CommonFromWebview, ErrorInfo, parseCommon } from './common';
import { ChartFigure, ChartImage, ExportChartRequest, parseChartAnswer } from './dynamics';
import type { Parameter } from '../core/figures/parameters';

/** One named column over the records: a loss, an accuracy, a kernel change. */
export interface NamedColumn {
  name: string;
  values: (number | null)[];
}

/** What the charts draw, for a network trained here and for checkpoints alike: one entry per record (or checkpoint). */
export interface LearningCurves {
  /** Optimiser steps (the x axis). */
  step: number[];
  /** Passes over the training set at each record; null for checkpoints. */
  epoch: number[] | null;
  /** Training and test losses (networks), or the metrics file's loss (checkpoints); [] when none. */
  losses: NamedColumn[];
  accuracies: NamedColumn[];
  /** ‖θ − θ₀‖/‖θ₀‖ over every layer. */
  distance: (number | null)[];
  /** The tangent kernel's and the tangent features' change on the probe batch (networks trained here). */
  kernel: NamedColumn[];
  /** Each weight matrix: its name, ‖W_l‖_F and ‖W_l − W_l(0)‖_F/‖W_l(0)‖_F. */
  layers: { name: string; norm: (number | null)[]; distance: (number | null)[] }[];
  /** Each pair of consecutive layers that chain: ζ and ζ_top. */
  alignment: { name: string; zeta: (number | null)[]; zetaTop: (number | null)[] }[];
  /**
   * A network that is the two-layer linear model (the bridge, docs/networks.md): the model's exact
   * gradient flow from the same θ₀ at each record's step (t = steps; null where the step is not on the
   * planned records, a divergence's) — its |ζ|, its loss (the same ½·mean of squares as the network's
   * squared loss) and its layers' norms, ‖W‖ = ‖W₁‖_F and ‖u‖ = ‖W₂‖_F, in the network's order; absent
   * otherwise.
   */
  exactFlow?: { zeta: (number | null)[]; loss: (number | null)[]; norms: (number | null)[][] };
}

/** One criterion of the label, as the host explains it (src/core/mechanisms/layerLabel.ts). */
export interface CriterionView {
  name: string;
  /** In words: "tangent kernel change", "largest rise of ζ". */
  text: string;
  value: number | null;
  threshold: number;
  /** Whether the score reaches its threshold. */
  reached: boolean;
  /** Whether this criterion decided the label. */
  decisive: boolean;
}

/** The label of a run and the reasons behind it. */
export interface VerdictView {
  label: string | null;
  /** "kernel regime" or "feature learning", or why there is no label. */
  regime: string;
  criteria: CriterionView[];
  /** The rule's reasons, in words. */
  reasons: string[];
}

/**
 * A run's state. `notTrained`: the loss was not finite at the initial weights, so no step was taken (as
 * `flab train` prints summary.status; `diverged` is a loss that stopped being finite during training).
 */
export type RunStatus = 'loading' | 'training' | 'stopped' | 'finished' | 'diverged' | 'notTrained' | 'following' | 'failed';

export interface RunProgress {
  step: number;
  totalSteps: number | null;
  epoch: number | null;
  /** Wall time of this run so far, and an estimate of the time left (null until it can be told). */
  elapsedMs: number;
  remainingMs: number | null;
  /**
   * A sweep's progress (the steps summed over its values): how many of its values have ended, and how
   * many have their length known (`totalSteps` counts the others at the mean of those: an estimate until all have).
   */
  values?: { done: number; count: number; sized: number };
  /**
   * A sweep value's run: the steps each value of its sweep takes on its training set
   * (`sweepValuePlans`; null where a value's own training set may differ), so that the sweep counts a
   * value not started at its own length.
   */
  valueSteps?: (number | null)[];
  /**
   * With `valueSteps`: the modeled work of one step of each value (`sweepValuePlans`; null where not
   * known before the value loads), so that the sweep paces a value not started by its own steps' cost.
   */
  valueStepWork?: (number | null)[];
}

export { formatDuration, PACE_WINDOW_MS, PaceWindow, timeLeft, timeLeftWords, type PaceMark } from '../core/runs/pace';

/**
 * One value of a sweep as its time left sees it (`sweepTimeLeft`): `ended`, `held` by a worker
 * (training, or loading its data), or `queued` (not sent to a worker yet); the steps it takes in all
 * (null: not known yet) and has taken; its wall time training so far and its own time left at its
 * worker's pace (`timeLeft`; null until told), both in ms.
 */
export interface SweepValueTime {
  state: 'ended' | 'held' | 'queued';
  totalSteps: number | null;
  step: number;
  elapsedMs: number;
  remainingMs: number | null;
  /** The modeled work of one of its steps (`RunProgress.valueStepWork`), or null when not known. */
  stepWork?: number | null;
}

/**
 * A sweep's time left in ms, its values trained on `workers` workers, each worker taking the first value
 * not started as soon as its own has ended (the panel's lanes, `nextSweepValue`). A value held is
 * done in its own time left; one whose time left is not told yet, and every value queued, at the pace
 * of those told — the mean of their ms per step left, each step weighed by its modeled work when every
 * value to train has it (`stepWork`: a width sweep's steps differ in cost) — or, when none is, of the
 * values ended (their time per step, so weighed); a value whose length is not known, at the mean
 * length of those known. The values
 * queued go, in order, to the worker free first; the sweep ends when its last worker does. Until 2026-12
 * the steps left over all the values (those not started at the mean length of those started) were
 * divided by the steps the workers made per ms together: right only while every worker has a value
 * — near the end fewer values are left than workers (3 values of 1,000 steps on 2 workers: 1.5 runs'
 * time at the start, for 2), the last one alone takes its whole time — and an epochs sweep's values
 * not started were as long as the mean of the first ones. Null when no pace or no length is known
 * yet; 0 when nothing is left.
 */
export function sweepTimeLeft(values: readonly SweepValueTime[], workers: number): number | null {
  const mean = (xs: number[]): number | null => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const meanLength = mean(values.flatMap((v) => (v.totalSteps !== null ? [v.totalSteps] : [])));
  const stepsLeft = (v: SweepValueTime): number | null => {
    const total = v.totalSteps ?? meanLength;
    return total === null ? null : Math.max(0, total - v.step);
  };
  // A step's cost: its modeled work when every value still to train has it told (a width sweep's steps
  // differ by 27 times: paced by the step alone, its time left swung from 2 s to 43 s and back), else 1.
  const weighted = values.every((v) => v.state === 'ended' || (v.stepWork ?? null) !== null);
  const cost = (v: SweepValueTime): number | null => (weighted ? (v.stepWork ?? null) : 1);
  const told = values.flatMap((v) => {
    const left = stepsLeft(v);
    const c = cost(v);
    return v.state === 'held' && v.remainingMs !== null && left !== null && left > 0 && c ? [v.remainingMs / (left * c)] : [];
  });
  const msPerUnit = mean(told) ?? mean(values.flatMap((v) => {
    const c = cost(v);
    return v.state === 'ended' && v.step > 0 && c ? [v.elapsedMs / (v.step * c)] : [];
  }));
  const timeOf = (v: SweepValueTime): number | null => {
    if (v.state === 'held' && v.remainingMs !== null) return v.remainingMs;
    const left = stepsLeft(v);
    if (left === 0) return 0;
    const c = cost(v);
    return left === null || msPerUnit === null || c === null ? null : left * c * msPerUnit;
  };
  // Each worker's time to its value's end (0: free), then the queued values to the worker free first.
  const held = values.filter((v) => v.state === 'held').map(timeOf);
  const lanes = Array.from({ length: Math.max(1, workers, held.length) }, (_, w) => (w < held.length ? held[w] : 0));
  if (lanes.some((t) => t === null)) return null;
  const busy = lanes as number[];
  for (const v of values) {
    if (v.state !== 'queued') continue;
    const t = timeOf(v);
    if (t === null) return null;
    const first = busy.indexOf(Math.min(...busy));
    busy[first] += t;
  }
  return Math.max(...busy);
}

/** One run as the panel shows it. */
export interface RunView {
  status: RunStatus;
  progress: RunProgress | null;
  curves: LearningCurves;
  verdict: VerdictView | null;
  /** Facts a reader must see: layers chosen by default, pairs left out, files pending, the step of a divergence. */
  notices: string[];
  /** The best test accuracy and the final total weight norm √Σ‖W_l‖², for the sweep's summary views. */
  bestAccuracy: number | null;
  finalNorm: number | null;
  /**
   * Why the run's last values are not a trained network's though its loss is finite: it collapsed
   * (every tangent feature 0 at its last kernel measurement), its loss blew up (LayerScores.lossBlewUp)
   * or it died (a ReLU layer inactive on every training sample at its last record: LayerScores.deadAtEnd),
   * or it saturated (a hidden layer the same on every probe sample at its last record, its outputs a
   * constant: LayerScores.constantAtEnd, or from θ₀ on: LayerScores.constantAtStart)
   * — at the end, or so far for a run in progress. A sweep's summary views leave such a value out, as a
   * diverged one; null otherwise.
   */
  blownUp: 'died' | 'collapsed' | 'loss blew up' | 'saturated' | null;
  /** What set the run, for an exported figure's header (src/core/figures/parameters.ts); [] for checkpoints. */
  parameters: Parameter[];
}

/** A run whose data are loading (the worker's first snapshot, and the sweep's until its run reports): nothing drawn, no progress. */
export function loadingRunView(): RunView {
  return {
    status: 'loading',
    progress: null,
    curves: { step: [], epoch: null, losses: [], accuracies: [], distance: [], kernel: [], layers: [], alignment: [] },
    verdict: null,
    notices: [],
    bestAccuracy: null,
    finalNorm: null,
    blownUp: null,
    parameters: [],
  };
}

/**
 * A run as Stop leaves it: one that was training or loading is stopped, with no time left, and its
 * elapsed time is that of its last snapshot plus `sinceMs`, the time it trained since (the page counts
 * the clock on between snapshots, and the stopped run read up to a second less than the running one
 * had); any other run is as it was.
 */
export function stoppedRun(r: RunView, sinceMs: number): RunView {
  if (r.status !== 'training' && r.status !== 'loading') return r;
  return { ...r, status: 'stopped', progress: r.progress && { ...r.progress, elapsedMs: r.progress.elapsedMs + Math.max(0, sinceMs), remainingMs: null } };
}

/** Whether a message has a record to draw: its run's, or one of its sweep's runs'. */
export function hasRecords(m: Training): boolean {
  return m.run.curves.step.length > 0 || (m.sweep?.runs.some((r) => r !== null && r.curves.step.length > 0) ?? false);
}

/** A run that diverged, was not trained (its loss not finite at θ₀), or failed (a sweep value whose data or set-up was refused): no final values to compare. */
export function untrained(r: RunView | null): boolean {
  return r !== null && (r.status === 'diverged' || r.status === 'notTrained' || r.status === 'failed');
}

/** A sweep: one run per value. */
export interface SweepView {
  key: string;
  path: string;
  values: number[];
  runs: (RunView | null)[];
  /**
   * The file's own value of the swept key, as the values are (the number written at `path`, a width
   * power's base: `experimentHeader`), or null (absent) when the file does not write it. When it is one
   * of `values` (`sweepValueOf`), the page chooses that value's run for the verdict until the user
   * chooses (docs/networks.md, "The panel").
   */
  current?: number | null;
}

/**
 * The value of `values` that `current` is (the file's own value of a sweep's key, `SweepView.current`),
 * equal within 1e-12 of their size (a range's values are computed, `rangeValues`: 10^k·… may miss the
 * number written by a rounding); null when `current` is not a finite number or none is it. The page
 * checks the message's field with it: a value outside the sweep chooses nothing.
 */
export function sweepValueOf(values: readonly number[], current: unknown): number | null {
  if (typeof current !== 'number' || !Number.isFinite(current)) return null;
  return values.find((v) => v === current || Math.abs(v - current) <= 1e-12 * Math.max(Math.abs(v), Math.abs(current))) ?? null;
}

// ---- host → webview -----------------------------------------------------------------------------

/** The newest state of the run (posted as records stream in, at most a few times a second). */
export interface Training {
  type: 'training';
  /** Per-panel sequence, shared with `invalid`: older ones are stale. */
  version: number;
  title: string;
  description: string | null;
  kind: 'network' | 'checkpoints';
  run: RunView;
  sweep: SweepView | null;
  /** Shown from the cache of finished runs (the same text was trained before). */
  cached: boolean;
  /** Whether Stop / Resume apply (a network being trained, or stopped). */
  stoppable: boolean;
  /**
   * The curves, verdict and notices are the previous run's, shown greyed under this run's status
   * until its first record (an edit does not blank the panel).
   */
  previous?: boolean;
}

export interface Invalid {
  type: 'invalid';
  version: number;
  errors: ErrorInfo[];
  /** The file's own `name` when its JSON is well formed and names it (the heading while no run is shown), else null. */
  title?: string | null;
}

export interface DocumentShown {
  type: 'document';
  documentUri: string;
  fileName: string;
}

export type ToTraining = Training | Invalid | DocumentShown | Closed | ExportChartRequest;

// ---- webview → host -----------------------------------------------------------------------------

/** Stop the training in progress (it can be resumed). */
export interface Stop {
  type: 'stop';
}

/** Resume a stopped training where it stopped. */
export interface Resume {
  type: 'resume';
}

/** Export Chart's answers are the dynamics panel's: a PNG, or the figure the host draws as SVG. */
export type FromTraining = CommonFromWebview | Stop | Resume | ChartImage | ChartFigure;

/** Validates a message from the training webview; null for anything malformed. */
export function parseFromTraining(message: unknown): FromTraining | null {
  const common = parseCommon(message);
  if (common) return common;
  const m = asRecord(message);
  if (!m) return null;
  switch (m.type) {
    case 'stop':
      return { type: 'stop' };
    case 'resume':
      return { type: 'resume' };
    default:
      return parseChartAnswer(m);
  }
}
