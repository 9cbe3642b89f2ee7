/**
 * Dead ReLU networks (docs/phase-diagram.md, "Gradient descent", the dead outcome; docs/model.md §7):
 * every hidden unit inactive on every sample, so that every output and every gradient is 0 and
 * gradient descent is stuck there for good. A descent run that ends so has no mechanism label (its
 * summary's `dead`), in `flab simulate`, sweeps, the dynamics panel and the phase diagram's cells alike.
 */

import { reluDeadAt, SIMULATOR_RELU_AT_ZERO, type ReluAtZero } from '../mechanisms/reluAtZero';

/**
 * Whether every hidden unit of a ReLU network with first-layer rows `W` (d × D, row-major) is inactive
 * on every input of `X` (samples × D, row-major): relu′(w_i·x_s) = 0 for all i and s, with relu′(0) =
 * `atZero` (src/core/mechanisms/reluAtZero.ts; the simulator's, 1, by default: a pre-activation of
 * exactly 0 still passes a gradient, so dead means w_i·x_s < 0; a NaN is not dead: a blow-up). Then every output
 * and every gradient is 0 and descent is stuck there for good — a dead network. O(samples·d·D).
 */
export function everyUnitDead(W: Float64Array, X: Float64Array, d: number, atZero: ReluAtZero = SIMULATOR_RELU_AT_ZERO): boolean {
  const D = W.length / d;
  const n = X.length / D;
  for (let i = 0; i < d; i++) {
    for (let s = 0; s < n; s++) {
      let z = 0;
      for (let j = 0; j < D; j++) z += W[i * D + j] * X[s * D + j];
      if (!reluDeadAt(z, atZero)) return false;
    }
  }
  return true;
}

/**
 * Why a run dead from step `step` on (its summary's `dead.step`: the first step of the dead stretch that
 * lasts to the end of the run, 0 for weights dead from θ₀) has no label, in the words the CLI's note,
 * the dynamics panel's verdict, an export's header and the phase diagram's hover share: "every ReLU
 * unit is inactive on every sample from step N on: no gradient reaches the weights; no mechanism is
 * read". The step is the one the units died at, never the end of the budget.
 */
export function deadRunNote(step: number): string {
  return `every ReLU unit is inactive on every sample from step ${step} on: no gradient reaches the weights; no mechanism is read`;
}

/** A dead run's status in a word and its step, as `flab sweep`'s table and a sweep's legend say it: "dead from step N" (`deadRunNote`'s N). */
export function deadFromStep(step: number): string {
  return `dead from step ${step}`;
}
