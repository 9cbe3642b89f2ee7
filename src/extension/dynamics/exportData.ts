/**
 * What "Export Data" writes: the series the panel shows — the file's own run and, for a sweep, every
 * run of the sweep — as CSV (with a commented header saying what the runs are) or JSON (no vscode
 * import; unit-tested). Numbers keep full precision (the series as sent to the panel, thinned to
 * `featureLearningLab.maxPoints` per series, a sweep's runs to their share); a missing ζ (a layer
 * exactly zero) is an empty cell in CSV and null in JSON.
 */
import { countOf, formatCount } from '../../core/experiment/diagnostic';
import { csvValueColumn, widthPowerFormula } from '../../core/experiment/widthFormula';
import { axisShort } from '../../core/analysis/phase/phaseStyle';
import type { Parameter } from '../../core/figures/parameters';
import type { ClassifyThresholds } from '../../core/mechanisms/classify';
import { deadRunNote, STATIONARY_NOTE } from '../../core/descent/deadUnits';
import { SERIES_COLUMNS, Trajectory } from '../../core/trajectory/trajectory';
import type { Deviation, DynamicsView, SweepView } from '../../protocol/dynamics';

export interface ExportedRun {
  title: string;
  documentUri: string;
  trajectory: Trajectory;
  simulation: Trajectory | null;
  deviation: number | null;
  deviations: Deviation[];
  parameters: Parameter[];
  thresholds: ClassifyThresholds;
  view: DynamicsView;
  /** The declared sweep's runs as the panel shows them; null without one. */
  sweep: SweepView | null;
}

/** One line of text for a comment: no line breaks. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** What a deviation says, in words: "ζ: largest 0.00234 (absolute) at t = 12, final 1e-5". */
export function describeDeviation(d: Deviation): string {
  const unit = d.measure === 'decades' ? ' decades' : d.measure === 'relative' ? ' of the flow\'s largest value' : '';
  return `${d.column}: largest ${num(d.max)}${unit} at t = ${num(d.at)}, at the end ${num(d.final)}${unit}`;
}

/**
 * The commented lines at the top of an exported CSV (docs/panel.md, "Export Data"): what the run
 * is, its parameters as run, its label and thresholds, what the series are, how descent compares.
 * Every line starts with `#`: pandas reads the file with `read_csv(path, comment='#')`, numpy with
 * `genfromtxt(path, delimiter=',', names=True, comments='#')`.
 */
export function csvHeader(run: ExportedRun): string[] {
  const lines = [
    `Feature Learning Lab: ${oneLine(run.title)}`,
    `file: ${oneLine(run.documentUri)}`,
    'parameters, as run:',
    ...run.parameters.map((p) => `  ${p.path} (${p.symbol}) = ${oneLine(p.value)}`),
    `label: ${label(run.trajectory)} (${run.trajectory.summary.solver === 'exact' ? 'exact gradient flow' : 'gradient descent'})${run.simulation ? `; gradient descent at these rates: ${label(run.simulation)}` : ''}`,
    `thresholds of the label: ${Object.entries(run.thresholds).map(([k, v]) => `${k} ${num(v)}`).join(', ')}`,
    'series: exact = the gradient flow, t its time; simulate = gradient descent, t its step (t = step at the experiment\'s rates)',
  ];
  if (run.simulation && run.deviations.length > 0) {
    lines.push('gradient descent against the flow at the same steps:');
    for (const d of run.deviations) lines.push(`  ${describeDeviation(d)}`);
  }
  if (run.sweep) {
    const { sweep } = run;
    const power = sweep.widthPower && sweep.widthPower.exponent !== 0 ? sweep.widthPower : null;
    const base = power ? ` — the base b: each run computes with ${widthPowerFormula(axisShort(sweep.path), power.exponent)}, d = ${formatCount(power.width)} (the file's width)` : '';
    lines.push(`sweep over ${sweep.path}: ${countOf(sweep.runs.length, 'run')}; the column run is 0 for the file's own values and ${sweep.runs.length === 1 ? '1' : `1 … ${formatCount(sweep.runs.length)}`} for the sweep's, the column ${csvValueColumn(sweep.path, power)} is each run's value${base}`);
    sweep.runs.forEach((r, i) => {
      const parts = [r.trajectory, r.simulation].filter((t): t is Trajectory => t !== null).map((t) => `${t.summary.solver === 'exact' ? 'flow' : 'descent'} ${label(t)}`);
      lines.push(`  run ${i + 1}: ${sweep.path} = ${num(r.value)}; label: ${parts.join(', ')}`);
    });
  }
  return lines.map((l) => `# ${l}`);
}

/** A run's label for the header: its label, or why it has none. */
function label(t: Trajectory): string {
  return typeof t.summary.label === 'string' && t.summary.label ? t.summary.label : t.summary.diverged ? `none (diverged at step ${t.summary.diverged.step})` : t.summary.dead ? `none (dead: ${deadRunNote(t.summary.dead.step)})` : t.summary.stationary ? `none (${STATIONARY_NOTE})` : 'none';
}

/**
 * CSV with one row per time point; the `series` column says which dynamics the row belongs to (exact,
 * simulate); with a sweep, the `run` column which run (0 the file's own, 1 … N the sweep's) and a
 * column named by the sweep's key its value; the header says what the runs are.
 */
export function exportCsv(run: ExportedRun): string {
  const { sweep } = run;
  const runs: { index: number; value: number | null; trajectory: Trajectory | null; simulation: Trajectory | null }[] = [
    // The file's own run's value as the sweep's are: the base of a width power (the parameters say the value used).
    { index: 0, value: sweep ? (sweep.widthPower && sweep.widthPower.exponent !== 0 ? (sweep.current ?? null) : ownValue(run, sweep.path)) : null, trajectory: run.trajectory, simulation: run.simulation },
    ...(sweep ? sweep.runs.map((r, i) => ({ index: i + 1, value: r.value, trajectory: r.trajectory, simulation: r.simulation })) : []),
  ];
  // The columns some series has (ntk is absent for nonlinear activations, objective without weight decay).
  const series = runs.flatMap((r) => [r.trajectory, r.simulation]).filter((t): t is Trajectory => t !== null);
  const columns = SERIES_COLUMNS.filter((c) => series.some((t) => Array.isArray(t[c])));
  const lines = [...csvHeader(run), [...(sweep ? ['run', csvValueColumn(sweep.path, sweep.widthPower)] : []), 'series', ...columns].join(',')];
  const add = (r: (typeof runs)[number], name: string, t: Trajectory) => {
    const lead = sweep ? [String(r.index), r.value === null ? '' : String(r.value)] : [];
    for (let k = 0; k < t.t.length; k++) {
      const cells = columns.map((c) => {
        const column = t[c];
        const v = column ? column[k] : null;
        return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
      });
      lines.push([...lead, name, ...cells].join(','));
    }
  };
  for (const r of runs) {
    if (r.trajectory) add(r, r.trajectory.summary.solver === 'exact' ? 'exact' : 'simulate', r.trajectory);
    if (r.simulation) add(r, 'simulate', r.simulation);
  }
  return lines.join('\n') + '\n';
}

/** The file's own value of the swept key, from the parameters as run (null when it is not a plain number). */
function ownValue(run: ExportedRun, path: string): number | null {
  const p = run.parameters.find((q) => q.path === path);
  const v = p ? Number(p.value) : NaN;
  return Number.isFinite(v) ? v : null;
}

/**
 * JSON in the shape `flab solve --json` (or `simulate`) prints: the shown trajectory's arrays t,
 * output, loss, zeta, normU, normW, ntk, distance (+ objective) and `summary` at the top level, so
 * tools reading the CLI's output read this too. The one extra key, `panel`, holds the context the
 * CLI has no counterpart for: the panel's title, the document, the parameters as run, the label's
 * thresholds, the view, the gradient-descent run drawn over the exact curves (`simulation`, null
 * when none) with its largest ζ deviation and the deviation of every drawn quantity, and a sweep's
 * runs (`sweep`: key, path and each run's value, trajectory, simulation and thresholds; null without one).
 */
export function exportJson(run: ExportedRun): string {
  const { trajectory, title, documentUri, simulation, deviation, deviations, parameters, thresholds, view, sweep } = run;
  return JSON.stringify({ ...trajectory, panel: { title, documentUri, view, parameters, thresholds, simulation, deviation, deviations, sweep } }, null, 2) + '\n';
}
