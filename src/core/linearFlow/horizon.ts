/**
 * The time scales of the exact flow (docs/model.md §5): the default horizon of a run and the
 * plateau time, found on the monotone gap between the residual and its limit. The search runs in ln t,
 * so it is bounded (a fixed number of steps) and finds times beyond the 64-bit range too; the caller
 * refuses those (ranges.ts).
 */
import { ExactFlow } from './exactFlow';
import { FlowPoint } from './plane';

/** The default horizon ends when the residual is this fraction of its initial distance from its limit. */
export const HORIZON_RESIDUAL_FRACTION = 1e-3;

/** A plateau is reported when the tangent kernel grows by at least this factor during training. */
export const PLATEAU_KERNEL_GROWTH = 10;

/** Largest number of doublings (or halvings) of the bracket, and of bisections, in one search. */
const MAX_DOUBLINGS = 2200;
const MAX_BISECTIONS = 200;

/**
 * ln of the horizon that shows the whole story: the time at which the residual has come within
 * HORIZON_RESIDUAL_FRACTION of its initial distance from its limit (ln 1 = 0 when nothing moves).
 * May exceed ln(Number.MAX_VALUE): the caller decides.
 */
export function defaultHorizonLn(flow: ExactFlow, limit: Pick<FlowPoint, 'output' | 'residual'> = flow.limit()): number {
  const start = flow.gapAt(-Infinity, limit);
  if (flow.still || start === 0) return 0;
  return lnTimeWhenGapIs(flow, limit, HORIZON_RESIDUAL_FRACTION * start);
}

/** The default horizon as a number (∞ beyond 64 bits). */
export function defaultHorizon(flow: ExactFlow, limit: Pick<FlowPoint, 'output' | 'residual'> = flow.limit()): number {
  return Math.exp(defaultHorizonLn(flow, limit));
}

/** Whether the run escapes a plateau: the tangent kernel grows ≥ PLATEAU_KERNEL_GROWTH times. */
export function hasPlateau(flow: ExactFlow, lnNtkLimit: number): boolean {
  return !flow.still && lnNtkLimit >= Math.log(PLATEAU_KERNEL_GROWTH) + flow.lnNtkInitial;
}

/** ln of the time to halve the residual's distance from its limit, when the tangent kernel grows ≥ 10×; null otherwise. */
export function plateauTimeLn(flow: ExactFlow, limit: FlowPoint, lnNtkLimit: number): number | null {
  if (!hasPlateau(flow, lnNtkLimit)) return null;
  return lnTimeWhenGapIs(flow, limit, 0.5 * flow.gapAt(-Infinity, limit));
}

/**
 * ln of the first time at which the (monotone) gap falls to `target`: from ln(1/max(ω, K₀)), doubling
 * up (or halving down) until the target is bracketed, then bisection in ln t to 1e-9 relative in t.
 * Every loop is bounded: the bracket spans at most e^{±1500} around the start.
 */
function lnTimeWhenGapIs(flow: ExactFlow, limit: Pick<FlowPoint, 'output' | 'residual'>, target: number): number {
  const lnRate = Math.max(flow.lnOmega, flow.lnNtkInitial);
  const start = Number.isFinite(lnRate) ? -lnRate : 0;
  const above = (lnT: number): boolean => flow.gapAt(lnT, limit) > target;
  let lo: number;
  let hi: number;
  if (above(start)) {
    lo = start;
    hi = start + Math.LN2;
    for (let n = 0; above(hi); n++) {
      if (n >= MAX_DOUBLINGS) return Infinity; // not reached within e^1500 of the time scale: beyond any representable time
      lo = hi;
      hi += Math.LN2;
    }
  } else {
    hi = start;
    lo = start - Math.LN2;
    for (let n = 0; !above(lo); n++) {
      if (n >= MAX_DOUBLINGS) return lo;
      hi = lo;
      lo -= Math.LN2;
    }
  }
  for (let i = 0; i < MAX_BISECTIONS && hi - lo > 1e-9; i++) {
    const mid = 0.5 * (lo + hi);
    if (above(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}
