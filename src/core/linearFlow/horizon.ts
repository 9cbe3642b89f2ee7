/**
 * The time scales of the exact flow (docs/model.md §5): the default horizon of a run and the
 * plateau time, found on the monotone gap between the residual and its limit.
 */
import { ExactFlow } from './exactFlow';
import { FlowPoint } from './plane';

/** The default horizon ends when the residual is this fraction of its initial distance from its limit. */
export const HORIZON_RESIDUAL_FRACTION = 1e-3;

/** A plateau is reported when the tangent kernel grows by at least this factor during training. */
export const PLATEAU_KERNEL_GROWTH = 10;

/**
 * The horizon that shows the whole story: the time at which the residual has come within
 * HORIZON_RESIDUAL_FRACTION of its initial distance from its limit (1 when nothing moves).
 */
export function defaultHorizon(flow: ExactFlow, limit: FlowPoint = flow.limit()): number {
  const start = flow.gap(0, limit);
  if (flow.still || start === 0) return 1;
  return timeWhenGapIs(flow, limit, HORIZON_RESIDUAL_FRACTION * start);
}

/** Time to halve the residual's distance from its limit, when the tangent kernel grows ≥ 10× (an escape from a plateau). */
export function plateauTime(flow: ExactFlow, limit: FlowPoint = flow.limit()): number | null {
  if (flow.still || !(limit.ntk >= PLATEAU_KERNEL_GROWTH * flow.ntkInitial)) return null;
  return timeWhenGapIs(flow, limit, 0.5 * flow.gap(0, limit));
}

/** The first time at which the (monotone) gap falls to `target`: doubling, then bisection in log t. */
function timeWhenGapIs(flow: ExactFlow, limit: FlowPoint, target: number): number {
  const rate = Math.max(flow.omega, flow.ntkInitial);
  let hi = rate > 0 ? Math.min(1 / rate, 1e300) : 1;
  let lo = 0;
  while (flow.gap(hi, limit) > target) {
    lo = hi;
    if (hi > 1e300) return hi;
    hi *= 2;
  }
  if (lo === 0) lo = hi / 2 ** 60;
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-9; i++) {
    const mid = Math.sqrt(lo * hi);
    if (flow.gap(mid, limit) > target) lo = mid;
    else hi = mid;
  }
  return hi;
}
