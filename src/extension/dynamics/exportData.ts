/**
 * What "Export Data" writes: the series the panel shows, as CSV or JSON (no vscode import;
 * unit-tested). Numbers keep full precision; a missing ζ (a layer exactly zero) is an empty cell
 * in CSV and null in JSON.
 */
import { SERIES_COLUMNS, Trajectory } from '../../core/trajectory/trajectory';

export interface ExportedRun {
  title: string;
  documentUri: string;
  trajectory: Trajectory;
  simulation: Trajectory | null;
  deviation: number | null;
}

/** CSV with one row per time point; the `series` column says which run the row belongs to. */
export function exportCsv(run: ExportedRun): string {
  // The columns some series has (ntk is absent for nonlinear activations, objective without weight decay).
  const series = [run.trajectory, run.simulation].filter((t): t is Trajectory => t !== null);
  const columns = SERIES_COLUMNS.filter((c) => series.some((t) => Array.isArray(t[c])));
  const lines = [['series', ...columns].join(',')];
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
 * CLI has no counterpart for: the panel's title, the document, and the gradient-descent run drawn
 * over the exact curves (`simulation`, null when none) with its largest ζ deviation.
 */
export function exportJson(run: ExportedRun): string {
  const { trajectory, title, documentUri, simulation, deviation } = run;
  return JSON.stringify({ ...trajectory, panel: { title, documentUri, simulation, deviation } }, null, 2) + '\n';
}
