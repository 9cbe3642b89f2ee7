/**
 * What finite learning rates do that gradient flow cannot: catapults and divergence, and how far the
 * rates can be raised before training stops converging (docs/finite-rates.md).
 */
import { ldexp } from '../math/logDomain';
import { HORIZON_RESIDUAL_FRACTION } from './horizon';
import { FlowInput, planeScaledBy } from './plane';
import { DescentFacts, PlaneDescent } from './planeDescent';

/**
 * A run is divergent once its loss exceeds this (or any number stops being finite). It is far below
 * the overflow threshold, so the first divergent step is usually still finite and gets reported.
 */
export const DIVERGENCE_LOSS = 1e100;

/** A catapult: the loss rose above its starting value at `fromStep` and fell below it again at `toStep`. */
export interface Catapult {
  fromStep: number;
  toStep: number;
  /** The largest loss in between. */
  peakLoss: number;
}

/** Relative margin above the starting loss that counts as a rise (rounding must not make a catapult). */
export const CATAPULT_RISE = 1e-9;

/**
 * What one step is to the first catapult window: outside it, inside it, or inside it with the largest
 * loss so far (its first step included). The step that closes the window (loss back below the start) is
 * 'window'.
 */
export type WindowStep = 'none' | 'window' | 'peak';

/** Watches the loss step by step for the first catapult window; O(1) per step. */
export class CatapultWatch {
  private start = NaN;
  private from = -1;
  private peak = -Infinity;
  private found: Catapult | null = null;

  /** Feed the loss of every step, in order from step 0; says whether the step is in the first window (for the reported steps). */
  observe(step: number, loss: number): WindowStep {
    if (this.found) return 'none';
    if (step === 0) {
      this.start = loss;
      return 'none';
    }
    if (this.from < 0) {
      if (loss > this.start * (1 + CATAPULT_RISE)) {
        this.from = step;
        this.peak = loss;
        return 'peak';
      }
      return 'none';
    }
    let peak = false;
    if (loss > this.peak) {
      this.peak = loss;
      peak = true;
    }
    if (loss < this.start) this.found = { fromStep: this.from, toStep: step, peakLoss: this.peak };
    return peak ? 'peak' : 'window';
  }

  /** The first complete catapult window, or null. */
  get catapult(): Catapult | null {
    return this.found;
  }
}

/**
 * What gradient descent did within its step budget (docs/phase-diagram.md, "Gradient descent"), by
 * code: 0 converged (the loss never rose above its starting value by more than CATAPULT_RISE),
 * 1 catapult (it rose above, then fell below its starting value, and is not above it at the end),
 * 2 diverged (a blow-up: a loss not finite or beyond DIVERGENCE_FACTOR × its start, or a next state
 * not finite), 3 unsettled (it rose above its start and is still above it at the end of the budget,
 * finite and below DIVERGENCE_FACTOR × its start: a catapult still on its way when the budget ran
 * out, or a bounded oscillation — a run `flab simulate` labels, as it labels converged and catapult
 * runs), 4 dead (a ReLU network every unit of which is inactive on every sample at the end of the
 * budget — its outputs 0, its gradient 0, so nothing more is learnt and no mechanism is read: it has no
 * label; from the start, or killed by a large step). The codes of the first three are those they had
 * before `unsettled` was split from diverged.
 */
export const DESCENT_OUTCOMES = ['converged', 'catapult', 'diverged', 'unsettled', 'dead'] as const;
export type DescentOutcome = (typeof DESCENT_OUTCOMES)[number];
export const CONVERGED = 0;
export const CATAPULT = 1;
export const DIVERGED = 2;
export const UNSETTLED = 3;
export const DEAD = 4;

/** The outcome codes from the most settled to the least (converged, catapult, unsettled, dead, diverged): the order of the legends. */
export const OUTCOME_ORDER: readonly number[] = [CONVERGED, CATAPULT, UNSETTLED, DEAD, DIVERGED];

/** A loss beyond this factor times its starting value counts as divergence (the run stops there). */
export const DIVERGENCE_FACTOR = 1e30;

/**
 * The loss beyond which `flab simulate` calls a run diverged and stops it: DIVERGENCE_LOSS, or
 * DIVERGENCE_FACTOR × its starting loss when that is larger — a run that starts at 1e195 (σ_u = 1e100)
 * and descends has not diverged at step 0 (the phase diagram's cells use the same relative factor).
 */
export function divergenceThreshold(loss0: number): number {
  // Never ∞: a loss that is not finite has diverged whatever it started at.
  return Math.min(Number.MAX_VALUE, Math.max(DIVERGENCE_LOSS, DIVERGENCE_FACTOR * loss0));
}

/** The facts of a run that decide its outcome: those of `DescentFacts`, however they were gathered. */
export type OutcomeFacts = Pick<DescentFacts, 'loss0' | 'lossEnd' | 'riseStep' | 'fallStep' | 'blowUpStep'>;

/**
 * The outcome code of a run (DESCENT_OUTCOMES): diverged when it blew up (the run stopped); converged
 * when it never rose; catapult when it rose, fell back below its start and ends there (not above it by
 * CATAPULT_RISE); unsettled when it rose and is above its start at the end of the budget — it never
 * fell back, or rose again — without blowing up.
 */
export function descentOutcome(f: OutcomeFacts): number {
  if (f.blowUpStep >= 0) return DIVERGED;
  if (f.riseStep < 0) return CONVERGED;
  if (f.fallStep >= 0 && f.lossEnd <= f.loss0 * (1 + CATAPULT_RISE)) return CATAPULT;
  return UNSETTLED;
}

/**
 * The facts of `DescentFacts` gathered from the losses of a run fed step by step (the plain loop,
 * which has no plane): O(1) per step. `observe` returns false once the run has blown up.
 */
export class OutcomeWatch implements OutcomeFacts {
  loss0 = NaN;
  lossEnd = NaN;
  riseStep = -1;
  fallStep = -1;
  blowUpStep = -1;

  /** Feed the loss of every step, in order from step 0; false once the run has blown up (stop it). */
  observe(step: number, loss: number): boolean {
    if (step === 0) this.loss0 = loss;
    this.lossEnd = loss;
    if (step > 0 && !(loss <= this.loss0 * DIVERGENCE_FACTOR)) {
      this.blowUpStep = step;
      return false;
    }
    if (this.riseStep < 0) {
      if (loss > this.loss0 * (1 + CATAPULT_RISE)) this.riseStep = step;
    } else if (this.fallStep < 0 && loss < this.loss0) {
      this.fallStep = step;
    }
    return true;
  }

  /** The run stopped because its next state was not finite, at `step`. */
  blewUp(step: number): void {
    if (this.blowUpStep < 0) this.blowUpStep = step;
  }
}

/** How a run of gradient descent ended, for its default horizon (`descentSettling`). */
export type Settling = 'converged' | 'diverged' | 'unsettled';

/**
 * Where gradient descent at the experiment's rates (without weight decay) has settled, from the O(1)
 * recursion's own state, one step at a time (docs/model.md §6, "Default horizon"):
 * - `converged` at the first step k at which, on step k and the step before it, the residual is within
 *   HORIZON_RESIDUAL_FRACTION (10⁻³) of its initial distance from its limit `limitResidual`
 *   (|r_k − r(∞)| ≤ 10⁻³ |r₀ − r(∞)|, the flow horizon's own criterion) and the tangent kernel is below
 *   2 per step (r' ≈ (1 − K) r near the minimum: from there every step contracts the residual, so a
 *   catapult has come down and no rise is left);
 * - `diverged` at the step `flab simulate` reports as its blow-up: the first step whose loss exceeds
 *   `divergenceThreshold` of the first, or the step after the last whose next state would be finite;
 * - `unsettled` at `cap` steps when neither happened (a bounded oscillation beyond the edge of stability).
 * The limit of the residual is the exact flow's: descent's fixed points are r = 0 or the saddle
 * u = W n = 0, the flow's limits too. A run with nothing to move (r₀ = r(∞)) settles at step 0.
 * O(steps) time, O(1) memory.
 */
export function descentSettling(input: FlowInput, limitResidual: number, cap: number): { step: number; settling: Settling } {
  const run = new PlaneDescent(input);
  const gap0 = Math.abs(run.residual - limitResidual);
  if (!(gap0 > 0)) return { step: 0, settling: 'converged' };
  const target = HORIZON_RESIDUAL_FRACTION * gap0;
  const threshold = divergenceThreshold(run.loss);
  let settled = 0;
  for (let k = 0; ; k++) {
    if (!(run.loss <= threshold)) return { step: k, settling: 'diverged' };
    if (Math.abs(run.residual - limitResidual) <= target && run.ntk < 2) {
      if (++settled === 2) return { step: k, settling: 'converged' };
    } else settled = 0;
    if (k >= cap) return { step: cap, settling: 'unsettled' };
    if (!run.advance()) return { step: k + 1, settling: 'diverged' };
  }
}

/**
 * Where gradient descent of a network without the recursion (the plain loop: nonlinear activations) has
 * settled, from its losses alone, fed step by step (docs/model.md §6, "Default horizon"): the limit of
 * the loss is not known, so the loss still to go is estimated from the last two decreases,
 * Δ_k = L_{k−1} − L_k, as a geometric tail Δ_k·q/(1 − q) with q = Δ_k/Δ_{k−1} < 1 — the way descent
 * converges near a minimum (the excess loss shrinks by (1 − K)² a step). Settled at the first step k at
 * which, on k and k − 1, that estimate is at most LOSS_SETTLING_FRACTION (10⁻⁶, the residual's 10⁻³
 * squared) of the whole estimated descent L₀ − L_k + tail: a rise (a catapult), a growing decrease (a
 * plateau being left) or an oscillation never passes. A loss that does not change on two steps is a
 * fixed point of the computed run. O(1) per step.
 */
export class LossSettling {
  private loss0 = NaN;
  private previous = NaN;
  private lastDecrease = NaN;
  private passed = 0;

  /** Feed the loss of every step, in order from step 0; true at the step at which the run has settled. */
  observe(step: number, loss: number): boolean {
    if (step === 0) {
      this.loss0 = loss;
      this.previous = loss;
      return false;
    }
    const decrease = this.previous - loss;
    let tail = Infinity;
    if (decrease === 0 && this.lastDecrease === 0) tail = 0;
    else if (decrease >= 0 && this.lastDecrease > 0 && decrease < this.lastDecrease) {
      const q = decrease / this.lastDecrease;
      tail = (decrease * q) / (1 - q);
    }
    const whole = this.loss0 - loss + tail;
    this.passed = Number.isFinite(tail) && tail <= LOSS_SETTLING_FRACTION * whole ? this.passed + 1 : 0;
    this.lastDecrease = decrease;
    this.previous = loss;
    return this.passed >= 2;
  }
}

/** The fraction of its whole descent that the loss may still have to go when the plain loop has settled (`LossSettling`). */
export const LOSS_SETTLING_FRACTION = HORIZON_RESIDUAL_FRACTION * HORIZON_RESIDUAL_FRACTION;

/** Bisection of maxStableRateScale stops when the bracket [converging, not converging] is this tight (relative). */
export const STABILITY_TOLERANCE = 1e-3;
/**
 * A run converges when the output has come within this fraction of its initial distance from the
 * gradient-flow limit and the tangent kernel is below 2 (linearly stable), on two consecutive steps.
 */
export const STABILITY_RESIDUAL_FRACTION = 1e-3;
/** Steps allowed to one trial run: this many gradient-flow horizons at the trial's rates … */
export const STABILITY_HORIZONS = 20;
/** … at least this many … */
export const STABILITY_MIN_STEPS = 1_000;
/** … and at most this many (a slower run counts as not converging). */
export const STABILITY_MAX_STEPS = 200_000;
/** The bracket is widened by doubling or halving at most this many times, and bisected at most this many. */
const MAX_BRACKET_DOUBLINGS = 60;
const MAX_BISECTIONS = 100;

/** The gradient-flow facts a trial needs: its limit's output and its default horizon at the experiment's rates. */
export interface FlowFacts {
  limitOutput: number;
  horizon: number;
  /** ln of the gradient-flow limit's tangent kernel (where the bracket starts; the initial one when absent). */
  lnNtkLimit?: number;
}

/** The plane input with both learning rates multiplied by `scale` (λ → sλ, ũ, ṽ → ũ/√s, ṽ/√s). */
export function scaledRates(input: FlowInput, scale: number): FlowInput {
  return {
    ...input,
    etaU: input.etaU * scale,
    etaW: input.etaW * scale,
    lambda: input.lambda * scale,
    lnLambda: input.lnLambda + Math.log(scale),
    plane: planeScaledBy(input.plane, Math.log(scale)),
  };
}

/** f₀ − (the flow's limit) and K₀ of a plane input, physical. */
function startOf(input: FlowInput, limitOutput: number): { gap0: number; ntk0: number } {
  const { plane, lambda } = input;
  return { gap0: Math.abs(lambda * ldexp(plane.uv, 2 * plane.k) - limitOutput), ntk0: lambda * lambda * ldexp(plane.uu + plane.vv, 2 * plane.k) };
}

/** Whether gradient descent at `scale` × the experiment's rates converges (see STABILITY_RESIDUAL_FRACTION); O(steps). */
export function convergesAtScale(input: FlowInput, facts: FlowFacts, scale: number): boolean {
  const run = new PlaneDescent(scaledRates(input, scale));
  const { gap0 } = startOf(input, facts.limitOutput);
  const target = STABILITY_RESIDUAL_FRACTION * gap0;
  const budget = Math.min(STABILITY_MAX_STEPS, Math.max(STABILITY_MIN_STEPS, Math.ceil((STABILITY_HORIZONS * facts.horizon) / scale)));
  let settled = 0;
  for (let k = 0; k <= budget; k++) {
    const r = run.residual;
    if (Math.abs(r + input.y - facts.limitOutput) <= target && run.ntk < 2) {
      if (++settled === 2) return true;
    } else {
      settled = 0;
    }
    if (!(run.loss <= DIVERGENCE_LOSS) || !run.advance()) return false;
  }
  return false;
}

/**
 * The largest factor by which both learning rates can be multiplied and gradient descent still
 * converges: bracketed by doubling or halving from where max(K₀, K(∞)) is 1 per step, then bisected in log scale to a relative
 * tolerance of STABILITY_TOLERANCE; the converging end of the bracket is returned. A run at rest
 * (r₀ = 0) is a fixed point, stable up to the factor 2/K₀.
 * Null when no bracket is found, or when the factor is beyond 2^±1000.
 */
export function maxStableRateScale(input: FlowInput, facts: FlowFacts): number | null {
  const { gap0, ntk0 } = startOf(input, facts.limitOutput);
  if (gap0 === 0) return ntk0 > 0 ? 2 / ntk0 : null;
  // Start where the tangent kernel is 1 per step (at the experiment's rates when it is already of that
  // order): the largest stable factor is within a few doublings of it, whatever the scale of the rates.
  // The larger of the initial and the final kernel sets the stability (a small initialisation grows
  // from K₀ ≈ 0 to K(∞)): start where it is 1 per step.
  const lnNtk0 = 2 * input.lnLambda + Math.log(input.plane.uu + input.plane.vv) + 2 * input.plane.k * Math.LN2;
  const lnK = Math.max(lnNtk0, facts.lnNtkLimit ?? -Infinity);
  const start = Number.isFinite(lnK) && Math.abs(lnK) > Math.LN2 * 2 ? Math.pow(2, Math.round(-lnK / Math.LN2)) : 1;
  // A factor beyond 64 bits (a kernel below 1e-308 per step, or above 1e308) cannot be reported.
  if (!(start > 0 && Number.isFinite(start)) || start < 2 ** -1000 || start > 2 ** 1000) return null;
  let lo: number;
  let hi: number;
  if (convergesAtScale(input, facts, start)) {
    lo = start;
    hi = 2 * start;
    let n = 0;
    while (convergesAtScale(input, facts, hi)) {
      if (++n > MAX_BRACKET_DOUBLINGS) return null;
      lo = hi;
      hi *= 2;
    }
  } else {
    hi = start;
    lo = start / 2;
    let n = 0;
    while (!convergesAtScale(input, facts, lo)) {
      if (++n > MAX_BRACKET_DOUBLINGS) return null;
      hi = lo;
      lo /= 2;
    }
  }
  for (let n = 0; n < MAX_BISECTIONS && hi / lo > 1 + STABILITY_TOLERANCE; n++) {
    const mid = Math.sqrt(lo * hi);
    if (convergesAtScale(input, facts, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
