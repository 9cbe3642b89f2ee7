/** Printing trajectories: one JSON object, or CSV with the same columns. */
import { SERIES_COLUMNS, Trajectory } from './trajectory';

/** The trajectory as one JSON object of equal-length arrays plus `summary`. */
export function toJson(t: Trajectory): string {
  return JSON.stringify(t);
}

/** CSV with a header row; a null ζ is an empty field; columns absent from the run are left out. */
export function toCsv(t: Trajectory): string {
  const columns = SERIES_COLUMNS.filter((c) => t[c] !== undefined);
  const lines = [columns.join(',')];
  for (let k = 0; k < t.t.length; k++) {
    lines.push(columns.map((c) => {
      const v = t[c]![k];
      return v === null ? '' : String(v);
    }).join(','));
  }
  return lines.join('\n') + '\n';
}
