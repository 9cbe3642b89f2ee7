/**
 * One run of an experiment for the panel, from document text to what the webview draws (no
 * vscode import: the dynamics worker runs it, and the unit tests call it directly). Never throws:
 * a solver exception becomes a located diagnostic, exactly like a validation error.
 */
import { solveSweepSync, withValue } from '../core/analysis/sweep';
import { axisCurrent, axisWidthPower } from '../core/analysis/phase/phaseDiagram';
import { Diagnostic, visibleControls } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import type { Experiment } from '../core/experiment/experiment';
import { locatePath, parseExperiment } from '../core/experiment/parse';
import { parseAnyExperiment } from '../core/runs/anyExperiment';
import { LOG_GRID_START_FRACTION } from '../core/experiment/timeGrid';
import { experimentParameters } from '../core/figures/parameters';
import { thresholdsOf } from '../core/mechanisms/classify';
import { simulate } from '../core/runs/simulate';
import { solve } from '../core/runs/solve';
import { thin } from '../core/trajectory/thin';
import { Trajectory } from '../core/trajectory/trajectory';
import { readCompareSimulate, readControls } from '../document/controlState';
import type { Deviation, DynamicsView, SweepRunView, SweepView } from '../protocol/dynamics';
import type { DynamicsOutcome, DynamicsRunOptions } from '../protocol/workers';

/** Parses, validates and runs `text`; the outcome's series have at most `maxPoints` points. */
export function runExperiment(text: string, options: DynamicsRunOptions): DynamicsOutcome {
  // Validation alone (the Problems panel of a long file without a panel) checks every kind of file.
  if (options.validateOnly) {
    const any = parseAnyExperiment(text);
    return any.parsed ? { kind: 'valid' } : { kind: 'invalid', diagnostics: any.diagnostics, controls: null, compareSimulate: false };
  }
  const parsed = parseExperiment(text);
  const controls = readControls(parsed.tree, text);
  const compareSimulate = readCompareSimulate(parsed.tree);
  const e = parsed.experiment;
  if (!e || parsed.diagnostics.some((d) => d.severity === 'error')) {
    return { kind: 'invalid', diagnostics: parsed.diagnostics, controls, compareSimulate };
  }
  try {
    const linear = e.model.activation === 'linear';
    // A view preference wins; without one the file's compare.simulate is the default. A nonlinear
    // network has no exact flow: its curves are gradient descent, whatever the view.
    const view: DynamicsView = !linear ? 'descent' : (options.view ?? (e.compare.simulate ? 'both' : 'flow'));
    let trajectory: Trajectory;
    let simulation: Trajectory | null = null;
    let deviations: Deviation[] = [];
    if (linear) {
      trajectory = solve(e);
      if (view !== 'flow') {
        simulation = simulate(e);
        deviations = descentDeviations(e, simulation);
      }
    } else {
      trajectory = simulate(e);
    }
    return {
      kind: 'result',
      title: visibleControls(e.name ?? options.fileName),
      description: e.description === undefined ? null : visibleControls(e.description),
      parameters: experimentParameters(e),
      thresholds: thresholdsOf(e),
      trajectory: thin(trajectory, options.maxPoints),
      simulation: simulation && thin(simulation, options.maxPoints),
      deviation: deviations.find((d) => d.column === 'zeta')?.max ?? null,
      deviations,
      controls: controls ?? [],
      compareSimulate,
      view,
      sweep: e.sweep ? sweepRuns(e, { flow: !linear || view !== 'descent', descent: linear && view !== 'flow' }, options.maxPoints) : null,
    };
  } catch (err) {
    const diagnostic: Diagnostic =
      err instanceof ExperimentError
        ? { message: err.message, path: err.path, ...locatePath(parsed.tree, err.path), severity: 'error' }
        : { message: `the solver failed: ${err instanceof Error ? err.message : String(err)}`, path: '', offset: 0, length: 0, severity: 'error' };
    return { kind: 'invalid', diagnostics: [diagnostic], controls, compareSimulate };
  }
}

/**
 * The sweep's runs: the flow (exact for a linear network, descent otherwise) when `show.flow`, the
 * descent at the experiment's rates when `show.descent` (linear only). Each run gets a share of
 * `maxPoints`, so a seven-value sweep costs the webview about what two plain runs do. Exact runs
 * whose horizons span decades share one early time window (`commonWindow`).
 */
function sweepRuns(e: Experiment, show: { flow: boolean; descent: boolean }, maxPoints: number): SweepView {
  const flows = show.flow ? solveSweepSync(e) : null;
  const descents = show.descent ? solveSweepSync(e, 'simulate') : null;
  const spec = (flows ?? descents)!;
  if (flows && e.model.activation === 'linear') commonWindow(e, spec.path, flows.values, flows.runs);
  const points = Math.max(300, Math.floor((2 * maxPoints) / Math.max(1, spec.values.length)));
  const runs: SweepRunView[] = spec.values.map((value, i) => ({
    value,
    trajectory: flows ? thin(flows.runs[i], points) : null,
    simulation: descents ? thin(descents.runs[i], points) : null,
    thresholds: thresholdsOf(withValue(e, spec.path, value)),
  }));
  return { key: spec.key, path: spec.path, runs, widthPower: axisWidthPower(e, spec.path), current: axisCurrent(e, spec.path) };
}

/** A sweep's exact runs are put on one log time window when their horizons are this many times apart (the panel then defaults to a log time axis). */
export const SWEEP_LOG_SPAN = 100;

/**
 * One early time window for a sweep's exact runs (issue 10): each run's log grid starts at its own
 * horizon × 10⁻⁴, so on a log time axis the runs began at different times and their early
 * behaviour could not be compared. When the file asks for a log grid, or the horizons are more than
 * SWEEP_LOG_SPAN apart (the panel draws those on a log axis), every run that starts later than the
 * earliest is solved again on a log grid from the earliest start (a linear grid's runs: the log
 * grid's default start, the shortest horizon × 10⁻⁴) to its own horizon, with the same number of
 * points. Runs on explicit `at` times are left alone. Replaces the entries of `runs`.
 */
export function commonWindow(e: Experiment, path: string, values: readonly number[], runs: Trajectory[]): void {
  if (e.time.kind !== 'grid' || runs.length < 2) return;
  const ends = runs.map((r) => r.summary.horizon);
  const starts = runs.map((r) => r.t.find((t) => t > 0) ?? NaN);
  if (!ends.every((t) => t > 0) || !starts.every((t) => t > 0)) return;
  const log = e.time.spacing === 'log';
  if (!log && Math.max(...ends) <= SWEEP_LOG_SPAN * Math.min(...ends)) return;
  // The earliest start of the runs' log grids (a linear grid's runs get the log grid's default start).
  const start = Math.min(...(log ? starts : ends.map((t) => t * LOG_GRID_START_FRACTION)));
  const points = e.time.points;
  runs.forEach((run, i) => {
    if (log && starts[i] <= start * (1 + 1e-9)) return;
    const variant = withValue(e, path, values[i]);
    variant.time = { kind: 'grid', end: ends[i], points, spacing: 'log', start: Math.min(start, ends[i] / 2) };
    runs[i] = solve(variant);
  });
}

/** The measure of each drawn column's deviation (see `Deviation`). */
const MEASURES: { column: 'zeta' | 'loss' | 'objective' | 'normU' | 'normW' | 'ntk' | 'distance'; measure: Deviation['measure'] }[] = [
  { column: 'zeta', measure: 'absolute' },
  { column: 'loss', measure: 'decades' },
  { column: 'objective', measure: 'decades' },
  { column: 'normU', measure: 'relative' },
  { column: 'normW', measure: 'relative' },
  { column: 'ntk', measure: 'absolute' },
  { column: 'distance', measure: 'absolute' },
];

/** Below this fraction of its initial value a loss counts as converged: it is compared as that floor. */
export const LOSS_FLOOR = 1e-12;

/**
 * Gradient descent against the exact flow in every drawn quantity (docs/panel.md, "Descent against
 * flow"): the flow solved again at exactly the descent's steps (t = step, O(1) each: no
 * interpolation), then `deviations`.
 */
export function descentDeviations(e: Experiment, simulation: Trajectory): Deviation[] {
  if (simulation.t.length === 0) return [];
  const reference = solve({ ...e, time: { kind: 'at', at: simulation.t.slice() } });
  return deviations(reference, simulation);
}

/**
 * The deviation of each column both runs have, point by point (the two share their times):
 * ζ, the distance and K/K(0) absolute; |u| and ‖W‖_F relative to the flow's largest value; the loss
 * and the objective in decades, each raised to LOSS_FLOOR of its initial value first (a converged
 * loss of 10⁻⁴⁰ against one of 10⁻³⁰ is no deviation worth 10 decades).
 */
export function deviations(flow: Trajectory, descent: Trajectory): Deviation[] {
  const n = Math.min(flow.t.length, descent.t.length);
  const out: Deviation[] = [];
  for (const { column, measure } of MEASURES) {
    const a = flow[column];
    const b = descent[column];
    if (!a || !b) continue;
    const scaleOf = (): number => {
      if (column === 'ntk') return a[0] !== null && (a[0] as number) > 0 ? (a[0] as number) : NaN;
      if (measure !== 'relative') return 1;
      let m = 0;
      for (let k = 0; k < n; k++) m = Math.max(m, Math.abs(a[k] ?? 0));
      return m > 0 ? m : NaN;
    };
    const scale = scaleOf();
    const floorA = LOSS_FLOOR * Math.abs((a[0] as number | null) ?? 0);
    const floorB = LOSS_FLOOR * Math.abs((b[0] as number | null) ?? 0);
    let max = -1;
    let at = NaN;
    let final = NaN;
    for (let k = 0; k < n; k++) {
      const x = a[k];
      const y = b[k];
      if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      let d: number;
      if (measure === 'decades') {
        // Below the floor a loss has converged: compare it as the floor, so that two converged runs agree.
        d = Math.abs(Math.log10(Math.max(y, floorB, Number.MIN_VALUE) / Math.max(x, floorA, Number.MIN_VALUE)));
      } else {
        d = Math.abs(y - x) / scale;
      }
      if (!Number.isFinite(d)) continue;
      if (d > max) {
        max = d;
        at = flow.t[k];
      }
      final = d;
    }
    if (max >= 0) out.push({ column, measure, max, at, final });
  }
  return out;
}
