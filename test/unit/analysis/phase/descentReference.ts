/**
 * An independent float64 gradient descent for the descent phase diagram's tests: plain full-batch
 * steps over the original parameters θ = (u, W) of the network on its samples (test/reference/network.ts:
 * its own loss, gradient and measures, none of the solver's reduced variables), and the outcome
 * decided from the loss of every step by the rules of docs/phase-diagram.md written out again here
 * (converged, catapult, unsettled, diverged).
 */
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { activationOf, initialState, lossGradient, measure, Network, networkOf, type Measures } from '../../../reference/network';

/** The documented thresholds, written again (not imported): a rise is above L₀(1 + 1e-9), divergence beyond 1e30·L₀. */
export const RISE = 1e-9;
export const BLOW_UP = 1e30;

export type Outcome = 'converged' | 'catapult' | 'unsettled' | 'diverged';

/** What the reference run saw: its outcome, the quantities the thresholds act on, and its measures at the reported steps. */
export interface ReferenceRun {
  outcome: Outcome;
  /** max_k L_k/L₀ − 1 over the steps run (the rise the first threshold compares with RISE). */
  maxRise: number;
  /** max_k L_k/L₀ (what BLOW_UP is compared with). */
  peak: number;
  /** After the first rise: min_k L_k/L₀ − 1 (negative once it fell below the start); NaN without a rise. */
  lowestAfterRise: number;
  /** L_end/L₀ − 1. */
  endRise: number;
  /** The measures at the reported steps (up to where it stopped). */
  points: Measures[];
}

/** ½ mean over the samples of (f(x_s) − y_s)². */
export function referenceLoss(net: Network, theta: Float64Array): number {
  const { d, D, gamma, xs, ys } = net;
  const act = activationOf(net.activation);
  let loss = 0;
  for (let s = 0; s < xs.length; s++) {
    let f = 0;
    for (let i = 0; i < d; i++) {
      let h = 0;
      for (let j = 0; j < D; j++) h += theta[d + i * D + j] * xs[s][j];
      f += theta[i] * act.f(h);
    }
    loss += (gamma * f - ys[s]) ** 2;
  }
  return loss / (2 * xs.length);
}

/**
 * Gradient descent of `e` for `steps[steps.length − 1]` steps, θ₀ multiplied by (1 ± `perturbation`)
 * (alternating signs: how much the run itself amplifies rounding), measured at `steps`.
 */
export function referenceRun(e: Experiment, steps: readonly number[], perturbation = 0): ReferenceRun {
  const net = networkOf(e);
  const theta0 = initialState(e);
  const theta = Float64Array.from(theta0, (v, k) => v * (1 + (k % 2 === 0 ? perturbation : -perturbation)));
  const grad = new Float64Array(theta.length);
  const last = steps[steps.length - 1];
  const points: Measures[] = [];
  const l0 = referenceLoss(net, theta);
  let maxRise = 0;
  let peak = 1;
  let lowestAfterRise = NaN;
  let rose = false;
  let fell = false;
  let blewUp = false;
  let loss = l0;
  let next = 0;
  for (let k = 0; ; k++) {
    if (k > 0) {
      loss = referenceLoss(net, theta);
      const ratio = loss / l0;
      if (!(ratio <= BLOW_UP)) {
        blewUp = true;
        peak = Number.isFinite(ratio) ? ratio : Infinity;
        break;
      }
      maxRise = Math.max(maxRise, ratio - 1);
      peak = Math.max(peak, ratio);
      if (rose) lowestAfterRise = Math.min(Number.isNaN(lowestAfterRise) ? Infinity : lowestAfterRise, ratio - 1);
      if (!rose && loss > l0 * (1 + RISE)) rose = true;
      else if (rose && !fell && loss < l0) fell = true;
    }
    if (k === steps[next]) {
      points.push(measure(net, theta, theta0));
      next++;
    }
    if (k === last) break;
    lossGradient(net, theta, grad);
    for (let i = 0; i < net.d; i++) theta[i] -= net.etaU * grad[i];
    for (let i = net.d; i < theta.length; i++) theta[i] -= net.etaW * grad[i];
    if (!theta.every(Number.isFinite)) {
      blewUp = true;
      break;
    }
  }
  const endRise = loss / l0 - 1;
  // Diverged only for a blow-up; a run that rose and is still above its start at the end, finite, is unsettled.
  const outcome: Outcome = blewUp ? 'diverged' : !rose ? 'converged' : fell && endRise <= RISE ? 'catapult' : 'unsettled';
  return { outcome, maxRise, peak, lowestAfterRise, endRise, points };
}

/**
 * Whether a disagreement with the reference is explained by a documented threshold — the reference's
 * deciding quantity within `margin` (relative) of its threshold — or by the run's own sensitivity to
 * rounding (a relative perturbation of θ₀ by 1e-13 changes its outcome: no two float64 evaluations
 * can agree beyond that). Returns the explanation, or null.
 */
export function explainDisagreement(e: Experiment, steps: readonly number[], ref: ReferenceRun, margin = 1e-3): string | null {
  const near = (value: number, threshold: number): boolean => Math.abs(value - threshold) <= margin * Math.abs(threshold);
  if (near(ref.maxRise, RISE)) return `the rise ${ref.maxRise} is at the threshold ${RISE}`;
  if (near(ref.peak, BLOW_UP)) return `the peak ${ref.peak} × L₀ is at the divergence threshold`;
  if (near(ref.endRise, RISE)) return `the end ${ref.endRise} is at the threshold ${RISE}`;
  if (Math.abs(ref.lowestAfterRise) <= margin * RISE) return `the fall after the rise reached ${ref.lowestAfterRise}: at the start`;
  for (const p of [1e-13, -1e-13]) {
    const other = referenceRun(e, steps, p);
    if (other.outcome !== ref.outcome) return `chaotic: a perturbation of ${p} gives ${other.outcome}`;
  }
  return null;
}
