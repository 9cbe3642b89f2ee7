/**
 * What "Export Data" writes: the series the panel shows, as CSV (with a commented header saying what
 * the run is) or JSON (no vscode import; unit-tested). Numbers keep full precision; a missing ζ (a
 * layer exactly zero) is an empty cell in CSV and null in JSON.
 */
import type { Parameter } from '../../core/figures/parameters';
import type { ClassifyThresholds } from '../../core/mechanisms/classify';
import { SERIES_COLUMNS, Trajectory } from '../../core/trajectory/trajectory';
import type { Deviation, DynamicsView } from '../../protocol/dynamics';

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
  const label = (t: Trajectory): string => (typeof t.summary.label === 'string' && t.summary.label ? t.summary.label : t.summary.diverged ? `none (diverged at step ${t.summary.diverged.step})` : 'none');
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
  return lines.map((l) => `# ${l}`);
}

/** CSV with one row per time point; the `series` column says which run the row belongs to; the header says what the run is. */
export function exportCsv(run: ExportedRun): string {
  // The columns some series has (ntk is absent for nonlinear activations, objective without weight decay).
  const series = [run.trajectory, run.simulation].filter((t): t is Trajectory => t !== null);
  const columns = SERIES_COLUMNS.filter((c) => series.some((t) => Array.isArray(t[c])));
  const lines = [...csvHeader(run), ['series', ...columns].join(',')];
  const add = (name: string, t: Trajectory) => {
    for (let k = 0; k < t.t.length; k++) {
      const cells = columns.map((c) => {
        const column = t[c];
        const v = column ? column[k] : null;
        return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
      });
      lines.push([name, ...cells].join(','));
    }
  };
  add(run.trajectory.summary.solver === 'exact' ? 'exact' : 'simulate', run.trajectory);
  if (run.simulation) add('simulate', run.simulation);
  return lines.join('\n') + '\n';
}

/**
 * JSON in the shape `flab solve --json` (or `simulate`) prints: the shown trajectory's arrays t,
 * output, loss, zeta, normU, normW, ntk, distance (+ objective) and `summary` at the top level, so
 * tools reading the CLI's output read this too. The one extra key, `panel`, holds the context the
 * CLI has no counterpart for: the panel's title, the document, the parameters as run, the label's
 * thresholds, the view, and the gradient-descent run drawn over the exact curves (`simulation`,
 * null when none) with its largest ζ deviation and the deviation of every drawn quantity.
 */
export function exportJson(run: ExportedRun): string {
  const { trajectory, title, documentUri, simulation, deviation, deviations, parameters, thresholds, view } = run;
  return JSON.stringify({ ...trajectory, panel: { title, documentUri, view, parameters, thresholds, simulation, deviation, deviations } }, null, 2) + '\n';
}
