/**
 * What the commands print: the output formats, CSV fields, and the worst-case size of an output,
 * estimated before the work so that a result too large to print is refused before it is computed.
 */
import { bytesOverLimit, formatCount, overLimit } from '../core/experiment/diagnostic';
import { formatSignificant } from '../core/mechanisms/explain';
import { Experiment } from '../core/experiment/experiment';
import { SERIES_COLUMNS, Trajectory } from '../core/trajectory/trajectory';
import { toCsv, toJson } from '../core/trajectory/writers';
import { OptionSpec } from './command';
import { MAX_OUTPUT_BYTES, NUMBER_BYTES, SUMMARY_BYTES } from './limits';

/** `--json | --csv | --summary`, the formats of a trajectory (solve, simulate, sweep). */
export const TRAJECTORY_FORMATS: OptionSpec[] = [
  { flag: '--json', group: 'format', help: 'one JSON object: arrays t, output, loss, zeta, normU, normW, ntk, distance (and objective, with weight decay) and a summary (the default)' },
  { flag: '--csv', group: 'format', help: 'the same columns as CSV with a header row (a null ζ is an empty field)' },
  { flag: '--summary', group: 'format', help: 'only the summary object, as JSON' },
];

/** A trajectory in the chosen format. */
export function formatTrajectory(t: Trajectory, format: string): string {
  if (format === 'csv') return toCsv(t);
  if (format === 'summary') return JSON.stringify(t.summary, null, 2) + '\n';
  return toJson(t) + '\n';
}

/**
 * A count of work or tokens for a message: 47,040,000 up to a million, then `digits` significant digits
 * (two: 1.2e10). A value over a limit is printed with the limit by `largeOverLimit`.
 */
export function formatLarge(n: number, digits = 2): string {
  if (n < 1e6) return formatCount(Math.round(n));
  const exponent = Math.floor(Math.log10(n));
  let mantissa = Number((n / 10 ** exponent).toPrecision(digits));
  let e = exponent;
  if (mantissa >= 10) {
    mantissa /= 10;
    e += 1;
  }
  return `${mantissa}e${e}`;
}

/** `formatLarge` of a value over a limit and of the limit, with as many digits as tell them apart (`overLimit`): never "3e12 … over the limit of 3e12". */
export function largeOverLimit(value: number, limit: number): { value: string; limit: string; digits: number } {
  return overLimit(value, limit, formatLarge);
}

/** A number as a CSV field: empty when it is not finite (or absent). */
export function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

/** A number as JSON, null when it is not finite. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Most rows (reported times) of one run of `e`: its explicit times or its grid's points. */
export function reportedRows(e: Experiment): number {
  return e.time.kind === 'at' ? e.time.at.length : e.time.points;
}

/** Whether `format` prints a few lines a run (its summary, or a table row), not its records. */
export function perRunOnly(format: string): boolean {
  return format === 'summary' || format === 'table';
}

/** Worst-case bytes of `runs` trajectories of `rows` rows each, printed in `format` (CSV: with `extraColumns` more). */
export function trajectoryBytes(runs: number, rows: number, format: string, extraColumns = 0): number {
  if (perRunOnly(format)) return runs * SUMMARY_BYTES;
  return runs * (rows * (SERIES_COLUMNS.length + extraColumns) * NUMBER_BYTES + SUMMARY_BYTES);
}

/** Why an output of worst case `bytes` is refused (`what` asked for it; `instead` says what to do), or null within MAX_OUTPUT_BYTES. */
export function outputTooLarge(bytes: number, what: string, instead: string): string | null {
  if (bytes <= MAX_OUTPUT_BYTES) return null;
  const said = bytesOverLimit(bytes, MAX_OUTPUT_BYTES);
  return `${what} could print up to ${said.value}, over the output limit of ${said.limit} (docs/limits.md): ${instead}`;
}

/**
 * Rows of cells as a table for reading: a header row, columns two spaces apart, each as wide as its
 * widest cell in characters (code points: a table's cells are numbers, labels and ζ), numbers
 * right-aligned. Cells that are empty are written as "–".
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((r) => r.map((c) => (c === '' ? '–' : c)));
  const length = (c: string) => Array.from(c).length;
  const widths = header.map((_, j) => Math.max(...all.map((r) => length(r[j]))));
  const numeric = header.map((_, j) => rows.every((r) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^–$|^$/.test(r[j])));
  const pad = (c: string, j: number) => (numeric[j] ? ' '.repeat(widths[j] - length(c)) + c : c + ' '.repeat(widths[j] - length(c)));
  return all.map((r) => r.map(pad).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * A sweep's values for a table's first column: a whole number (up to 2⁵³) in all its digits (100000,
 * not 1e5); any other as `tableNumber` where 4 significant digits tell every two different values
 * apart, else with the fewest digits (up to 17, every double's own) that do — 0.1 and
 * 0.10000000000000002 print as such, never both as 0.1.
 */
export function tableValues(values: readonly number[]): string[] {
  const distinct = new Set(values).size;
  // Beyond 4 digits, a value is never written with more than it needs to round-trip (1e-7 at 17 digits
  // is 1e-7, not 9.9999999999999995e-8); at 4, as tableNumber (10, not 1e1).
  const text = (v: number, digits: number): string => {
    if (!Number.isFinite(v)) return '';
    // A whole number (a width, a step count, a seed) prints whole, as the table's counts do: a sweep
    // over model.hidden[0] keyed its 100000-unit row 1e5 (2026-12-03).
    if (Number.isSafeInteger(v)) return String(v);
    let d = 4;
    while (d < digits && Number(v.toPrecision(d)) !== v) d++;
    return formatSignificant(v, d);
  };
  for (let digits = 4; digits < 17; digits++) {
    const texts = values.map((v) => text(v, digits));
    if (new Set(texts).size === distinct) return texts;
  }
  return values.map((v) => text(v, 17));
}

/** A number for a table: 4 significant digits (`formatSignificant`, as the panels' verdicts); "" when absent or not finite. */
export function tableNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : formatSignificant(v, 4);
}
