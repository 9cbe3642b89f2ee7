/**
 * The CSV of a network run and of a checkpoint series (docs/networks.md, "Runs and output"): one row per
 * record (or checkpoint), one column per curve, named by its JSON path in the `--json` output —
 * `trainLoss`, `layers[0].norm`, `alignment[1].zetaTop` — so that both formats read alike. A null (not
 * measured at that record, or undefined) and a non-finite number are empty fields.
 */
import { CheckpointsResult } from '../checkpoints/checkpointReader';
import type { TrainResult } from './train';

/** The scalar columns of a network run, in order. */
export const TRAIN_COLUMNS = ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'distance', 'kernelChange', 'tangentChange'] as const;

/** A column: its name and its values. */
interface Column {
  name: string;
  values: readonly (number | null | string)[];
}

/**
 * The columns of a network run: the scalars, then each layer's `norm` and `distance`, then each pair's
 * `zeta`, `zetaTop` and, for a pair whose ζ was estimated (or whose index is true in `estimated`: a
 * sweep's columns are the same for every value, `estimatedPairs`), `zetaError`.
 */
export function trainColumns(r: TrainResult, estimated: readonly boolean[] = []): Column[] {
  return [
    ...TRAIN_COLUMNS.map((name) => ({ name, values: r[name] })),
    ...r.layers.flatMap((l, i) => [
      { name: `layers[${i}].norm`, values: l.norm },
      { name: `layers[${i}].distance`, values: l.distance },
    ]),
    ...r.alignment.flatMap((a, i) => [
      { name: `alignment[${i}].zeta`, values: a.zeta },
      { name: `alignment[${i}].zetaTop`, values: a.zetaTop },
      ...(a.zetaError || estimated[i] ? [{ name: `alignment[${i}].zetaError`, values: a.zetaError ?? a.zeta.map(() => null) }] : []),
    ]),
    // The bridge's exact flow (TrainResult.exactFlow), for its overlay to be drawn again from the file.
    ...(r.exactFlow
      ? [{ name: 'exactFlow.zeta', values: r.exactFlow.zeta }, { name: 'exactFlow.loss', values: r.exactFlow.loss }, ...r.exactFlow.norms.map((values, i) => ({ name: `exactFlow.norms[${i}]`, values }))]
      : []),
  ];
}

/** Which pairs some run of a sweep estimated ζ for: those get a `zetaError` column in every value's rows (`trainColumns`). */
export function estimatedPairs(runs: readonly (TrainResult | null)[]): boolean[] {
  const out: boolean[] = [];
  for (const r of runs) r?.alignment.forEach((a, i) => (out[i] = out[i] || a.zetaError !== undefined));
  return Array.from(out, (x) => x === true);
}

/**
 * The columns of a checkpoint series: `step`, `files`, `distance`, each layer's `norm` and `distance`,
 * each chaining pair's `zeta`, `zetaTop` (and `zetaError` when estimated), then `loss` and `accuracy`
 * with a metrics file.
 */
export function checkpointColumns(r: CheckpointsResult): Column[] {
  const columns: Column[] = [
    { name: 'step', values: r.step },
    { name: 'files', values: r.files },
    { name: 'distance', values: r.distance },
    ...r.layers.flatMap((l, i) => [
      { name: `layers[${i}].norm`, values: l.norm },
      { name: `layers[${i}].distance`, values: l.distance },
    ]),
    ...r.alignment.flatMap((a, i) => [
      { name: `alignment[${i}].zeta`, values: a.zeta },
      { name: `alignment[${i}].zetaTop`, values: a.zetaTop },
      ...(a.zetaError ? [{ name: `alignment[${i}].zetaError`, values: a.zetaError }] : []),
    ]),
  ];
  if (r.loss) columns.push({ name: 'loss', values: r.loss });
  if (r.accuracy) columns.push({ name: 'accuracy', values: r.accuracy });
  return columns;
}

/** CSV of columns of equal length with a header row; `prefix` columns (a swept value) come first on every row. */
export function columnsCsv(columns: Column[], prefix: { name: string; value: number }[] = [], header = true): string {
  const rows = columns.length ? columns[0].values.length : 0;
  const lines = header ? [[...prefix.map((p) => p.name), ...columns.map((c) => c.name)].map(csvField).join(',')] : [];
  for (let k = 0; k < rows; k++) lines.push([...prefix.map((p) => csvField(p.value)), ...columns.map((c) => csvField(c.values[k]))].join(','));
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** A value as a CSV field: a finite number as JS prints it, empty for null or a non-finite number, text quoted when it needs to be. */
export function csvField(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
