/**
 * What Export Data writes for a training panel (a network trained here, or checkpoints): the JSON
 * `flab train --json` (or `flab checkpoints --json`, or `flab sweep --json`) prints, or its CSV — `#`
 * lines saying what the run is (as the linear panel's CSV opens), then one row per record, the columns
 * named by their JSON path (docs/networks.md, "Runs and output"). Built in the export worker
 * (dist/exportWorker.js), off the extension host's main thread: a run of 100,000 records is 20 MB of
 * JSON, which took 0.35 s to parse and 0.4 s to print there. No vscode import.
 */
import type { CheckpointsResult } from '../checkpoints/checkpointReader';
import { countOf, formatCount } from '../experiment/diagnostic';
import { checkpointColumns, columnsCsv, csvField, estimatedPairs, trainColumns } from './layerCsv';
import { csvValueColumn } from '../experiment/widthFormula';
import type { TrainResult } from './train';
import type { SweepWidthPower } from '../network/networkExperiment';

/** A parameter as run, as the panel lists it (core/figures/parameters.ts's `Parameter`): its JSON path, symbol and value. */
export interface ParameterAsRun {
  path: string;
  symbol: string;
  value: string;
}

/**
 * A network sweep's runs, one per value (null: the value has no run), with its key and width power
 * (`networkWidthPower`). `Run`: how a run is held — a TrainResult here; the panel and its export job
 * hold them as the worker sent them (src/protocol/workers.ts, src/extension/training/trainingPanel.ts).
 */
export interface NetworkSweepExport<Run = TrainResult> {
  key: string;
  path: string;
  widthPower: SweepWidthPower | null;
  values: number[];
  runs: (Run | null)[];
  /** Values without a run (`FailedValue`): the panel's, those not started when it was exported during the sweep or after its Stop. */
  failed?: FailedValue[];
  /** The values whose run failed (their indices; a value without a run not among them was not started). Not in the JSON. */
  failedValues?: number[];
}

/**
 * The status `--table` and `--csv` print for a run whose `summary.status` is `notTrained` (its loss not
 * finite at θ₀, so no step was taken), and for a value the sweep stopped before (Ctrl+C, or a failure
 * that stops it): they were `notTrained` and `not trained`, one letter case and a space apart
 * (2026-12-03). The JSON keeps `notTrained` (docs/networks.md, "Runs and output").
 */
export const LOSS_NOT_FINITE_AT_START = 'loss not finite at start';
export const NOT_STARTED = 'not started';

/**
 * A sweep value's status, as `flab sweep --table` and `--csv` and the panel's CSV print it: its run's
 * `summary.status` (`finished`, `stopped` by Ctrl+C or SIGTERM, `diverged`; `loss not finite at start`
 * for `notTrained`, its loss not finite at θ₀), or, without a run, `failed` (its run `failed`) or
 * `not started` (the sweep stopped before it).
 */
export function sweepValueStatus(run: TrainResult | null, failed: boolean): string {
  if (run) return run.summary.status === 'notTrained' ? LOSS_NOT_FINITE_AT_START : run.summary.status;
  return failed ? 'failed' : NOT_STARTED;
}

/** The header of a sweep CSV's last column, each row's value's status (`sweepValueStatus`). */
const STATUS_COLUMN = 'status';

/**
 * A network sweep's CSV, one for `flab sweep --csv` and the training panel's Export Data (after its
 * `#` lines): the swept value first (headed `csvValueColumn`: `model.outputScale.base` for bases of a
 * width power), the columns of `flab train --csv`, and each row's value's status last. A value without
 * a run (failed, not started) is one row of its value and empty fields, so that every value is in the
 * file; the header is the first trained value's, and a pair some value estimated ζ for has its
 * zetaError column in every value's rows. Until 2026-12-03 the panel's had the key as its first
 * column's name, no status, and no row for a value without a run.
 */
export function networkSweepCsv(s: NetworkSweepExport): string {
  const first = s.runs.findIndex((t) => t !== null);
  const estimated = estimatedPairs(s.runs);
  const width = first < 0 ? 0 : trainColumns(s.runs[first]!, estimated).length;
  const name = csvValueColumn(s.path, s.widthPower);
  const header = first < 0 ? '' : columnsCsv(trainColumns(s.runs[first]!, estimated), [{ name, value: 0 }]).split('\n')[0] + `,${STATUS_COLUMN}\n`;
  return (
    header +
    s.runs
      .map((t, i) => {
        const status = `,${csvField(sweepValueStatus(t, s.failedValues?.includes(i) === true))}\n`;
        if (!t) return `${csvField(s.values[i])}${','.repeat(width)}${status}`;
        const columns = trainColumns(t, estimated);
        const rows = columnsCsv(columns, [{ name, value: s.values[i] }], false);
        return t.step.length > 0 ? rows.replace(/\n/g, status) : `${csvField(s.values[i])}${','.repeat(columns.length)}${status}`;
      })
      .join('')
  );
}

/** A value without a run, as `flab sweep` prints it: its index, value, and the error as standard error says it (one line, located). */
export interface FailedValue {
  index: number;
  value: number;
  error: string;
}

/**
 * A network sweep's JSON, one object for `flab sweep --json` and the training panel's Export Data:
 * `{ key, path, widthPower, values, runs }`, and `failed` when a value has no run (its index, value and
 * located error; `flab sweep` alone knows them as its standard error says them). Until 2026-12-03 the
 * panel wrote its own object, without `widthPower`.
 */
export function networkSweepJson(s: NetworkSweepExport, failed: readonly FailedValue[] = s.failed ?? []): Omit<NetworkSweepExport, 'failedValues'> {
  return { key: s.key, path: s.path, widthPower: s.widthPower, values: s.values, runs: s.runs, ...(failed.length > 0 ? { failed: [...failed] } : {}) };
}

/**
 * A training panel's data: `flab train --json`'s object, `flab checkpoints --json`'s, or a sweep's
 * (`networkSweepJson`). A run exported during its training has `summary.status` "training", one
 * stopped "stopped": its records so far.
 */
export type TrainingExport = TrainResult | CheckpointsResult | NetworkSweepExport;

/**
 * Of a run not at its end — training still, or stopped (the panel's Stop, or Ctrl+C) — its status and
 * how far its records go, as the CSV's `#` lines say it: "training: its records so far, to step 221 of
 * 1,260"; null for a run that ended (finished, diverged, not trained).
 */
export function unfinishedRun(r: TrainResult): string | null {
  const status = r.summary.status;
  if (status !== 'training' && status !== 'stopped') return null;
  const last = r.step.length > 0 ? r.step[r.step.length - 1] : 0;
  return `${status}: its records so far, to step ${formatCount(last)} of ${formatCount(r.summary.totalSteps)}`;
}

/**
 * The commented lines at the top of a training panel's CSV (docs/panel.md, "Export Data"): the title,
 * the file, the parameters as run, the label (each of a sweep's values') and its thresholds. Every
 * line starts with `#`: pandas reads the file with `read_csv(path, comment='#')`.
 */
export function trainingCsvHeader(title: string, documentUri: string, parameters: readonly ParameterAsRun[], data: TrainingExport): string {
  const line = (s: string) => `# ${s.replace(/[\r\n]+/g, ' ')}\n`;
  const said = (label: string | null, status?: string) => label ?? `none${status && status !== 'finished' ? ` (${status})` : ''}`;
  let out = line(`Feature Learning Lab: ${title}`) + line(`file: ${documentUri}`) + line('parameters, as run:');
  for (const p of parameters) out += line(`  ${p.path} (${p.symbol}) = ${p.value}`);
  if ('runs' in data) {
    out += line(`sweep over ${data.path}: ${countOf(data.runs.length, 'run')}; the first column is each run's value`);
    const notStarted = new Set((data.failed ?? []).filter((f) => / not started: /.test(f.error)).map((f) => f.index));
    data.runs.forEach((r, i) => {
      const unfinished = r && unfinishedRun(r);
      out += line(`  ${data.path} = ${data.values[i]}: label ${r ? `${said(r.summary.label, unfinished ? undefined : r.summary.status)}${unfinished ? ` (${unfinished})` : ''}` : notStarted.has(i) ? 'none (not started)' : 'none (not run)'}`);
    });
    const first = data.runs.find((r) => r !== null);
    if (first) out += line(`thresholds of the label: ${thresholdsOf(first.summary.thresholds)}`);
    return out;
  }
  const status = 'status' in data.summary ? data.summary.status : undefined;
  const unfinished = 'epoch' in data ? unfinishedRun(data as TrainResult) : null;
  if (unfinished) out += line(`status: ${unfinished}; the label is read from them`);
  return out + line(`label: ${said(data.summary.label, unfinished ? undefined : status)}`) + line(`thresholds of the label: ${thresholdsOf(data.summary.thresholds)}`);
}

function thresholdsOf(t: object): string {
  return Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** CSV of a training export: one run as `flab train --csv`, a sweep as `flab sweep --csv` (`networkSweepCsv`). */
export function trainingCsv(data: TrainingExport): string {
  if ('runs' in data) return networkSweepCsv(data);
  return 'epoch' in data ? columnsCsv(trainColumns(data as TrainResult)) : columnsCsv(checkpointColumns(data as CheckpointsResult));
}

/** The whole file Export Data writes: the CSV with its `#` header, or the JSON indented by two spaces. */
export function trainingExportText(format: 'csv' | 'json', title: string, documentUri: string, parameters: readonly ParameterAsRun[], data: TrainingExport): string {
  if (format === 'csv') return trainingCsvHeader(title, documentUri, parameters, data) + trainingCsv(data);
  return `${JSON.stringify('runs' in data ? networkSweepJson(data) : data, null, 2)}\n`;
}
