/** The mechanism scores of a reported series (docs/mechanisms.md, "Scores"). */
import { logRatio, MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import { InitialState, Series } from './trajectory';

/**
 * What a run computed in the log domain over its reported points (the linear recursion), in place of
 * ratios of the printed columns, which round sizes below 2.2e-308 (K₀ ≈ 1e-600 from σ = 1e-300, norms
 * decayed to e^-834 by weight decay) towards 0, from which no ratio can be taken.
 */
export interface LoggedChanges {
  /** The kernel's largest relative change |K/K₀ − 1| over every step of the run (not only the reported ones). */
  kernelChange: number;
  /** The tangent features' largest change ‖∇f − ∇f₀‖/‖∇f₀‖ over every step of the run (planeDescent.ts, `StepExtremes`). */
  tangentChange: number;
  /** ln|u| and ln‖W‖ at step 0 and at the last reported point. */
  lnNormU: [number, number];
  lnNormW: [number, number];
  /** ln K at step 0 and at the last reported point (the plateau's kernel growth). */
  lnNtk: [number, number];
}

/** The largest kernel and tangent-feature changes over every step of a run (gradient descent's plain loop), taken as the series' own. */
export interface StepExtremeScores {
  /** Null where the kernel at step 0 is 0 (every ReLU unit inactive at the effective input): no relative change exists. */
  kernelChange: number | null;
  tangentChange: number | null;
}

/**
 * Scores of a reported series (gradient descent, or an exact trajectory on its own grid) from the run's
 * start `initial` (t = 0, step 0, whether printed or not): extremes over the reported points, end =
 * the last point. Null when the series has no kernel. `logged`, when given, supplies the kernel's and
 * the tangent features' changes and the norms' log changes (LoggedChanges, themselves from step 0);
 * `extremes` the kernel's and tangent features' changes over every step of a plain descent loop.
 */
export function seriesScores(s: Series, initial: InitialState, logged?: LoggedChanges, extremes?: StepExtremeScores): MechanismScores | null {
  const n = s.t.length;
  if (n === 0 || !s.ntk || initial.ntk === null) return null;
  const k0 = initial.ntk;
  let kernelChange: number | null = 0;
  if (logged) kernelChange = logged.kernelChange;
  else if (extremes) kernelChange = extremes.kernelChange;
  else for (let k = 0; k < n; k++) kernelChange = Math.max(kernelChange, k0 > 0 ? Math.abs(s.ntk[k] / k0 - 1) : s.ntk[k] > 0 ? Infinity : 0);
  const z0 = initial.zeta;
  const z1 = s.zeta[n - 1];
  const zetaChange = z0 !== null && z1 !== null ? Math.abs(z1) - Math.abs(z0) : null;
  const change = ([first, last]: [number, number]): number | null => (Number.isFinite(first) && Number.isFinite(last) ? last - first : null);
  const normChangeU = logged ? change(logged.lnNormU) : logRatio(s.normU[n - 1], initial.normU);
  const normChangeW = logged ? change(logged.lnNormW) : logRatio(s.normW[n - 1], initial.normW);
  return scoresFromChanges(kernelChange, zetaChange, normChangeU, normChangeW, s.distance[n - 1], logged?.tangentChange ?? extremes?.tangentChange ?? null);
}
