/**
 * Dead ReLU networks (docs/phase-diagram.md, "Gradient descent", the dead outcome; docs/model.md §7):
 * every hidden unit inactive on every sample, so that every output and every gradient is 0 and
 * gradient descent is stuck there for good. A descent run that ends so has no mechanism label (its
 * summary's `dead`), in `flab simulate`, sweeps, the dynamics panel and the phase diagram's cells alike.
 */

import { reluDeadAt, SIMULATOR_RELU_AT_ZERO, type ReluAtZero } from '../mechanisms/reluAtZero';
import { thresholdsOf } from '../mechanisms/classify';
import { formatNumber } from '../experiment/diagnostic';
import { Experiment, inputDimension } from '../experiment/experiment';
import { effectiveSample, forEachInitialNeuron } from '../linearFlow/reduce';
import type { Summary } from '../trajectory/trajectory';
import { ACTIVATIONS } from '../mechanisms/activation';

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

/**
 * Why a gradient-descent run's tangent kernel at the effective input ā·n is 0 at θ₀ — K₀ =
 * γ²(η_u Σ σ(z_i)² + η_W ā² Σ u_i² σ′(z_i)²) with z_i = ā (w_i·n) — so that its `kernelChange` and
 * `tangentChange` (changes relative to K₀) are null and the label's kernel test reads the distance from
 * θ₀ (docs/mechanisms.md, "Scores", K₀ = 0 at the effective input): the units that give the kernel nothing,
 * named as the file gives them (rows of init.W, or the units drawn from init.seed; 0-based), and why —
 * inactive (a ReLU unit with z_i < 0, where relu and relu′ are 0) or with σ(z_i) = 0 and u_i σ′(z_i) ā = 0
 * (z_i = 0 with u_i = 0, or ā = 0). Null for a run with a kernel change, or none at all (diverged, dead).
 * For the note `flab simulate` and a descent sweep print beside the output. O(d·D).
 */
export function zeroKernelNote(e: Experiment, s: Summary): string | null {
  const scores = s.scores;
  if (!scores || scores.kernelChange !== null || s.ntkInitial !== 0) return null;
  const d = e.model.width;
  const D = inputDimension(e);
  const { abar, direction } = effectiveSample(e.data);
  const sigma = ACTIVATIONS[e.model.activation];
  const inactive: number[] = [];
  const stillAtZero: number[] = [];
  forEachInitialNeuron(e.init, d, D, (i, ui, row) => {
    let v = 0;
    for (let j = 0; j < D; j++) v += row[j] * direction[j];
    const z = abar * v;
    if (e.model.activation === 'relu' && reluDeadAt(z, SIMULATOR_RELU_AT_ZERO)) inactive.push(i);
    else if (sigma.value(z) === 0 && ui * sigma.derivative(z) * abar === 0) stillAtZero.push(i);
  });
  if (inactive.length + stillAtZero.length < d) return null; // K₀ = 0 for a reason this does not name (it cannot be, with positive rates and γ)
  const units = (list: number[]): string => {
    const shown = list.length <= 6 ? list.join(', ') : `${list.slice(0, 3).join(', ')}, …, ${list[list.length - 1]}`;
    return e.init.kind === 'explicit' ? `init.W row${list.length === 1 ? '' : 's'} ${shown}` : `unit${list.length === 1 ? '' : 's'} ${shown} (drawn from init.seed ${e.init.seed})`;
  };
  const why: string[] = [];
  if (inactive.length === d) why.push(`every ReLU unit (${d} of ${d}) is inactive there: ā (w_i·n) < 0 at ${units(inactive)}, where relu and relu′ are 0`);
  else if (inactive.length > 0) why.push(`${inactive.length} of ${d} ReLU units are inactive there (ā (w_i·n) < 0 at ${units(inactive)}, where relu and relu′ are 0)`);
  if (stillAtZero.length > 0) {
    const cause = abar === 0 ? 'the effective input is 0 (ā = 0), so σ(0) = 0 and the first layer\'s feature u_i σ′ ā is 0' : `their pre-activation is 0, where σ is 0, and their u_i is 0`;
    why.push(`${stillAtZero.length} of ${d} units pass nothing at θ₀ (${units(stillAtZero)}): ${cause}`);
  }
  const th = thresholdsOf(e);
  const samples = e.data.kind === 'samples' ? e.data.samples.length : 1;
  const moved = scores.distance > 0 && samples > 1 ? `; the weights moved all the same: the effective input stands for the ${samples} samples in one direction, and a sample of the other sign trains units it leaves inactive` : '';
  return `the tangent kernel at the effective input ā·n (ā = ${formatNumber(Number(abar.toPrecision(6)))}) is 0 at θ₀ (K₀ = 0): ${why.join('; ')} — so kernelChange and tangentChange, changes relative to K₀, are undefined (null), and the label's kernel test reads the distance from θ₀, ${formatNumber(Number(scores.distance.toPrecision(3)))}, against the tangentChange threshold ${th.tangentChange}${moved} (docs/mechanisms.md, "Scores", K₀ = 0 at the effective input)`;
}

/**
 * Why a gradient-descent run stuck at a stationary point at θ₀ has no label (its summary's
 * `stationary`), in the words the dynamics panel's verdict, a figure's label line and an export's header
 * share (`stationaryRunNote` adds the file's keys for the CLI).
 */
export const STATIONARY_NOTE = 'the weights never moved: every weight is exactly 0 at θ₀ (u = 0, W = 0), a stationary point of the loss — u\'s gradient is σ(0) = 0 on every sample and W\'s a product through u = 0 — so no mechanism is read';

/**
 * Why a gradient-descent run stuck at a stationary point at θ₀ has no label (its summary's
 * `stationary`), in the words the CLI's note and a descent sweep's share, with what in the file moves
 * it: nonzero weights — init.u and init.W as given, or init.scaleU and init.scaleW.
 */
export function stationaryRunNote(e: Experiment): string {
  const keys = e.init.kind === 'explicit' ? 'give init.u and init.W nonzero entries (every one is 0)' : 'set init.scaleU and init.scaleW above 0 (every weight is drawn as 0 · a random number)';
  return `the weights never moved: every weight is exactly 0 at θ₀ (u = 0, W = 0), a stationary point of the loss — u's gradient is σ(0) = 0 on every sample and W's a product through u = 0 — so every step leaves them there, whatever the rates, and a kernel test passed by nothing moving is no regime: no mechanism is read (label and scores null); to train it, ${keys}`;
}
