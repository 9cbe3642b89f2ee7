/** The mechanism scores of a reported series (docs/mechanisms.md, "Scores"). */
import { logRatio, MechanismScores, scoresFromChanges } from '../mechanisms/classify';
import { Series } from './trajectory';

/**
 * Scores of a reported series (gradient descent, or an exact trajectory on its own grid):
 * extremes over the reported points, end = the last point. Null when the series has no kernel.
 * `kernelChange`, when given, is the kernel's largest relative change over the points as the run
 * computed it in the log domain (the linear recursion), in place of the ratio of the ntk column.
 */
export function seriesScores(s: Series, kernelChange?: number): MechanismScores | null {
  const n = s.t.length;
  if (n === 0 || !s.ntk) return null;
  const k0 = s.ntk[0];
  if (kernelChange === undefined) {
    kernelChange = 0;
    for (let k = 1; k < n; k++) kernelChange = Math.max(kernelChange, k0 > 0 ? Math.abs(s.ntk[k] / k0 - 1) : s.ntk[k] > 0 ? Infinity : 0);
  }
  const z0 = s.zeta[0];
  const z1 = s.zeta[n - 1];
  const zetaChange = z0 !== null && z1 !== null ? Math.abs(z1) - Math.abs(z0) : null;
  return scoresFromChanges(kernelChange, zetaChange, logRatio(s.normU[n - 1], s.normU[0]), logRatio(s.normW[n - 1], s.normW[0]), s.distance[n - 1], null);
}
