/** The times at which a trajectory is reported. */
import { TimeSpec } from './experiment';

/** First positive time of a log grid, as a fraction of the horizon, when `time.start` is left out. */
export const LOG_GRID_START_FRACTION = 1e-4;

/**
 * The reported times: `points` times from 0 to `end` (linear: t_k = kT/(N−1); log: 0, then N−1
 * times spaced evenly in log t from `start` to T), or the explicit `at` list.
 * `horizon()` supplies T when the experiment leaves `end` out.
 */
export function timeGrid(spec: TimeSpec, horizon: () => number): number[] {
  if (spec.kind === 'at') return spec.at.slice();
  const end = spec.end ?? horizon();
  const n = spec.points;
  const times = new Array<number>(n);
  if (spec.spacing === 'linear') {
    // k·T/(N−1), or T·(k/(N−1)) where k·T would overflow (horizons near the largest 64-bit number).
    for (let k = 0; k < n; k++) {
      const t = (k * end) / (n - 1);
      times[k] = Number.isFinite(t) ? t : end * (k / (n - 1));
    }
    times[n - 1] = end;
    return times;
  }
  times[0] = 0;
  if (n === 2) {
    times[1] = end;
    return times;
  }
  const start = spec.start ?? end * LOG_GRID_START_FRACTION;
  const lnStart = Math.log(start);
  const step = (Math.log(end) - lnStart) / (n - 2);
  for (let k = 1; k < n; k++) times[k] = Math.exp(lnStart + (k - 1) * step);
  times[1] = start;
  times[n - 1] = end;
  return times;
}
