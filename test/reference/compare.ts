/** Comparing a solver's series with the reference, and checking that a trajectory is all finite. */
import type { Series, Trajectory } from '../../src/core/trajectory/trajectory';
import type { ReferenceSeries } from './network';

export const QUANTITIES = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'] as const;
export type Quantity = (typeof QUANTITIES)[number];

/**
 * The scale-aware relative error of one series against its reference:
 *
 *   err_k = |a_k − b_k| / max(|b_k|, FLOOR · max_j |b_j|)
 *
 * i.e. pointwise relative while the reference value is within FLOOR (a thousandth) of the largest
 * magnitude the series reaches, and relative to that thousandth below it. Why a floor: a value that
 * passes through zero or decays towards it (the residual, the loss at convergence, the distance at
 * t = 0) carries an absolute rounding error set by the series' scale, not by its own size.
 */
export const FLOOR = 1e-3;

export interface WorstError {
  error: number;
  index: number;
  solver: number | null;
  reference: number | null;
}

/** The worst scale-aware relative error of one quantity (Infinity where one side is null and the other not). */
export function seriesError(a: readonly (number | null)[], b: readonly (number | null)[]): WorstError {
  let scale = 0;
  for (const v of b) if (v !== null) scale = Math.max(scale, Math.abs(v));
  const worst: WorstError = { error: 0, index: -1, solver: null, reference: null };
  for (let k = 0; k < b.length; k++) {
    const x = a[k];
    const y = b[k];
    let e: number;
    if (x === null || y === null) e = x === y ? 0 : Infinity;
    else if (x === y) e = 0;
    else e = Math.abs(x - y) / Math.max(Math.abs(y), FLOOR * scale);
    if (!(e <= worst.error)) Object.assign(worst, { error: Number.isNaN(e) ? Infinity : e, index: k, solver: x, reference: y });
  }
  return worst;
}

/** Worst error per quantity of a solver's series against the reference (same times). */
export function compareSeries(s: Series, ref: ReferenceSeries): Record<Quantity, WorstError> {
  if (s.t.length !== ref.t.length) throw new Error(`compareSeries: ${s.t.length} solver points, ${ref.t.length} reference points`);
  const out = {} as Record<Quantity, WorstError>;
  for (const q of QUANTITIES) {
    const a = q === 'ntk' ? s.ntk : s[q];
    if (!a) throw new Error(`compareSeries: the solver reports no ${q}`);
    out[q] = seriesError(a, ref[q]);
  }
  return out;
}

/**
 * Every number of a trajectory is finite and it survives a JSON round trip unchanged: the columns
 * have equal length, zeta is a number in [−1, 1] or null, nothing else is null.
 * Returns a list of problems (empty when all is well).
 */
export function trajectoryProblems(traj: Trajectory): string[] {
  const problems: string[] = [];
  const n = traj.t.length;
  const columns: [string, readonly (number | null)[] | undefined][] = [
    ['t', traj.t], ['output', traj.output], ['loss', traj.loss], ['zeta', traj.zeta], ['normU', traj.normU],
    ['normW', traj.normW], ['ntk', traj.ntk], ['distance', traj.distance],
  ];
  for (const [name, col] of columns) {
    if (col === undefined) {
      if (name !== 'ntk') problems.push(`${name} is missing`);
      continue;
    }
    if (col.length !== n) problems.push(`${name} has ${col.length} entries, t has ${n}`);
    for (let k = 0; k < col.length; k++) {
      const v = col[k];
      if (v === null) {
        if (name !== 'zeta') problems.push(`${name}[${k}] is null`);
      } else if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${name}[${k}] = ${v}`);
      else if (name === 'zeta' && Math.abs(v) > 1) problems.push(`zeta[${k}] = ${v} is outside [−1, 1]`);
      if (problems.length > 5) return problems;
    }
  }
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`${path} = ${value}`);
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
  };
  visit(traj.summary, 'summary');
  const text = JSON.stringify(traj);
  if (/NaN|Infinity/.test(text)) problems.push('JSON text contains NaN or Infinity');
  const back = JSON.parse(text) as Trajectory;
  for (const [name, col] of columns) {
    const after = (back as unknown as Record<string, unknown>)[name] as (number | null)[] | undefined;
    if (col && (!after || col.some((v, k) => v !== after[k]))) problems.push(`${name} changes in a JSON round trip`);
  }
  return problems;
}
