/**
 * Fewer points of a long trajectory for drawing and export, keeping what a reader must see
 * (README, "Settings": `featureLearningLab.maxPoints`): the series is cut into buckets of
 * consecutive points and, in each, the points where any column reaches its smallest and its largest
 * value are kept — so a peak (a catapult) or a dip between two kept points is never lost, as it is
 * by evenly spaced picks. The first and last points and the reported events (a catapult's window) are
 * always kept. Every point kept is a point of the run, unchanged; the summary stays as computed on
 * the whole run. Buckets are consecutive in index, so a log grid stays a log grid.
 */
import type { Trajectory } from './trajectory';

/** The columns whose extremes are kept (those a chart draws). */
const DRAWN = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance', 'objective'] as const;

/**
 * Where each column is smallest and largest within each of `buckets` fine buckets of `n` points
 * (bucket b covers [⌊bn/B⌋, ⌊(b+1)n/B⌋)); −1 where a bucket has no finite value. One pass.
 */
function fineExtremes(columns: readonly (number | null)[][], n: number, buckets: number): { lo: Int32Array; hi: Int32Array }[] {
  return columns.map((column) => {
    const lo = new Int32Array(buckets).fill(-1);
    const hi = new Int32Array(buckets).fill(-1);
    for (let b = 0; b < buckets; b++) {
      const to = Math.floor(((b + 1) * n) / buckets);
      for (let i = Math.floor((b * n) / buckets); i < to; i++) {
        const v = column[i];
        if (v === null || !Number.isFinite(v)) continue;
        if (lo[b] < 0 || v < (column[lo[b]] as number)) lo[b] = i;
        if (hi[b] < 0 || v > (column[hi[b]] as number)) hi[b] = i;
      }
    }
    return { lo, hi };
  });
}

/** The indices kept when the fine buckets are grouped `k` at a time: each group's extremes of each column, plus `always`. */
function grouped(columns: readonly (number | null)[][], fine: { lo: Int32Array; hi: Int32Array }[], k: number, always: readonly number[]): number[] {
  const keep = new Set<number>(always);
  fine.forEach(({ lo, hi }, c) => {
    const column = columns[c];
    for (let start = 0; start < lo.length; start += k) {
      let l = -1;
      let h = -1;
      for (let b = start; b < Math.min(lo.length, start + k); b++) {
        if (lo[b] >= 0 && (l < 0 || (column[lo[b]] as number) < (column[l] as number))) l = lo[b];
        if (hi[b] >= 0 && (h < 0 || (column[hi[b]] as number) > (column[h] as number))) h = hi[b];
      }
      if (l >= 0) keep.add(l);
      if (h >= 0) keep.add(h);
    }
  });
  return [...keep].sort((a, b) => a - b);
}

/** The indices of a trajectory's reported events: the first and last points, a catapult's window. */
function eventIndices(t: Trajectory): number[] {
  const n = t.t.length;
  const out = [0, n - 1];
  const c = t.summary.catapult;
  if (c) {
    for (const step of [c.fromStep, c.toStep]) {
      const i = t.t.indexOf(step);
      if (i >= 0) out.push(i);
    }
  }
  return out;
}

/**
 * At most `maxPoints` points of `trajectory` (at least 2), by extremes per bucket as above: the
 * finest bucketing whose kept points fit, found by bisection over groups of `maxPoints` fine buckets
 * (O(n) for the one pass, O(maxPoints · log maxPoints) for the search). Returns the trajectory
 * itself when it is short enough.
 */
export function thin(trajectory: Trajectory, maxPoints: number): Trajectory {
  const n = trajectory.t.length;
  const m = Math.max(2, Math.floor(maxPoints));
  if (n <= m) return trajectory;
  const always = eventIndices(trajectory);
  const columns = DRAWN.map((c) => trajectory[c]).filter((c): c is (number | null)[] => Array.isArray(c) && c.length === n);
  const fine = fineExtremes(columns, n, m);
  // More fine buckets per group keep fewer points: find the smallest group that fits.
  let lo = 1;
  let hi = m;
  let picks = grouped(columns, fine, m, always);
  while (lo <= hi) {
    const k = Math.floor((lo + hi) / 2);
    const candidate = grouped(columns, fine, k, always);
    if (candidate.length <= m) {
      picks = candidate;
      hi = k - 1;
    } else lo = k + 1;
  }
  if (picks.length > m) picks = [0, n - 1];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(trajectory)) {
    out[key] = Array.isArray(value) && value.length === n ? picks.map((i) => value[i] as unknown) : value;
  }
  return out as unknown as Trajectory;
}
