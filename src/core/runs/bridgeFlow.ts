/**
 * The bridge's exact flow beside its training (docs/networks.md, "The bridge to the linear model"):
 * what `flab train --json` prints as `exactFlow` and the training panel draws as lines under the
 * trained network's points. No vscode import.
 */
import { recordCount } from '../network/train';
import type { Dataset } from '../network/dataset';
import type { NetworkSpec } from '../network/spec';
import type { Experiment } from '../experiment/experiment';
import { exactFlowOf } from '../linearFlow/reduce';
import { linearBridge } from './bridge';
import { solve } from './solve';

/**
 * The exact gradient flow of the linear model that a network of `spec` trained on `train` for `total`
 * steps is (`linearBridge`), by step: the network's ζ along the flow (`networkZeta`: the model's |ζ| on
 * one-dimensional data) and its layers' norms at the run's planned records (0,
 * every `record.every`, the last step), and its loss as the run's `trainLoss` is taken — the mean over
 * the iterations since the previous record, each at t = its step (docs/networks.md, "Measurements").
 * Null when the network is not the linear model, when the flow is too costly (more than
 * FLOW_OVERLAY_WORK hidden units × points, or FLOW_MAX_RECORDS records), or when the solver refuses it;
 * the loss null when the flow at every step would be too costly.
 */
export function bridgeFlow(spec: NetworkSpec, train: Dataset, total: number): BridgeFlow | null {
  const every = spec.training.record.every;
  const width = spec.model.hidden[0];
  const records = recordCount(total, every);
  if (spec.model.hidden.length !== 1 || width * records > FLOW_OVERLAY_WORK || records > FLOW_MAX_RECORDS) return null;
  // The loss of a record is a mean over its iterations: the flow at every step, when that is cheap.
  const everyStep = width * (total + 1) <= FLOW_OVERLAY_WORK;
  const steps: number[] = [];
  for (let s = 0; s < total; s += everyStep ? 1 : every) steps.push(s);
  steps.push(total);
  const bridge = linearBridge(spec, train, steps);
  if (!('experiment' in bridge)) return null;
  try {
    const flow = solve(bridge.experiment);
    const at = new Map<number, number>();
    steps.forEach((s, k) => at.set(s, k));
    const planned = (s: number) => s === 0 || s === total || s % every === 0;
    const column = (xs: readonly (number | null)[], f: (x: number) => number = (x) => x) => (s: number): number | null => {
      const k = planned(s) ? at.get(s) : undefined;
      const x = k === undefined ? null : xs[k];
      return x === null || x === undefined ? null : f(x);
    };
    // Σ of the flow's loss over steps [0, s): the mean over (previous record, s] is a difference of two.
    const sums = new Float64Array(everyStep ? total + 2 : 0);
    if (everyStep) for (let j = 0; j <= total; j++) sums[j + 1] = sums[j] + (flow.loss[j] ?? NaN);
    const meanLoss = (s: number): number | null => {
      if (!everyStep || !planned(s)) return null;
      const from = s === 0 ? 0 : (Math.ceil(s / every) - 1) * every + 1;
      const mean = (sums[s + 1] - sums[from]) / (s + 1 - from);
      return Number.isFinite(mean) ? mean : null;
    };
    // The network's layers in order: W₁ = W, W₂ = uᵀ.
    const zeta = networkZeta(bridge.experiment, steps, flow.zeta, flow.normW);
    return { zeta: column(zeta), loss: meanLoss, norms: [column(flow.normW), column(flow.normU)] };
  } catch {
    return null;
  }
}

/**
 * The network's ζ = ‖uᵀW‖ / (|u| ‖W‖_F) (docs/networks.md, "Layer metrics") along the linear model's
 * exact flow, at the times `at` where the flow's ζ is `zetaFlow` and its ‖W‖_F is `normW`. The flow
 * moves W only along the data's direction n: W(t) = W_⊥ + v(t) nᵀ with W_⊥ = W₀(1 − n nᵀ) fixed and
 * v = W n, so uᵀW = uᵀW_⊥ + (u·v) nᵀ (orthogonal parts) and
 *
 *   ζ² = (|uᵀW_⊥|² / |u|² + ζ_flow² |v|²) / ‖W‖²,   |v|² = ‖W‖² − ‖W_⊥‖²,
 *
 * with u(t) ∝ u₀ − κ tanh S · v₀ (κ = √(η_u/η_W), S = ½ ln z(t) of the flow: docs/model.md,
 * ũ = ũ₀ cosh S − ṽ₀ sinh S). With W_⊥ = 0 (one-dimensional inputs, or a W₀ that reads only along n)
 * this is the model's |ζ|; for inputs of more dimensions the model's |ζ| = |cos∠(u, W n)| is another
 * quantity (0.158 against the network's 0.171 at the same θ₀ in the test). Null where the flow's ζ
 * is, and at every time with weight decay and W_⊥ ≠ 0 (W_⊥ then decays, and u leaves the form above).
 */
export function networkZeta(e: Experiment, at: readonly number[], zetaFlow: readonly (number | null)[], normW: readonly number[]): (number | null)[] {
  if (e.init.kind !== 'explicit') throw new Error('networkZeta: the bridge writes θ₀ out explicitly');
  const { flow, sample } = exactFlowOf(e);
  const n = sample.direction;
  const u0 = e.init.u;
  const W = e.init.W;
  const D = n.length;
  const v0 = W.map((row) => row.reduce((s, x, j) => s + x * n[j], 0));
  // a = u₀ᵀW_⊥, b = v₀ᵀW_⊥ (D-vectors) and ‖W_⊥‖².
  const a = new Float64Array(D);
  const b = new Float64Array(D);
  let perp2 = 0;
  W.forEach((row, i) => {
    for (let j = 0; j < D; j++) {
      const x = row[j] - v0[i] * n[j];
      perp2 += x * x;
      a[j] += u0[i] * x;
      b[j] += v0[i] * x;
    }
  });
  const abs = zetaFlow.map((z) => (z === null ? null : Math.abs(z)));
  if (perp2 === 0) return abs;
  if ((e.weightDecay ?? 0) > 0) return abs.map(() => null);
  const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += x[j] * y[j];
    return s;
  };
  const [aa, ab, bb, uu, uv, vv] = [dot(a, a), dot(a, b), dot(b, b), dot(u0, u0), dot(u0, v0), dot(v0, v0)];
  const kappa = Math.sqrt(e.learningRates.u / e.learningRates.W);
  return at.map((t, k) => {
    const z = abs[k];
    if (z === null) return null;
    const beta = -kappa * Math.tanh(0.5 * flow.lnZAt(Math.log(t)));
    const u2 = uu + 2 * beta * uv + beta * beta * vv;
    const w2 = normW[k] * normW[k];
    if (!(u2 > 0) || !(w2 > 0)) return null;
    const readPerp = Math.max(0, aa + 2 * beta * ab + beta * beta * bb) / u2;
    const zeta = Math.sqrt((readPerp + z * z * Math.max(0, w2 - perp2)) / w2);
    return Number.isFinite(zeta) ? Math.min(1, zeta) : null;
  });
}

/** The bridge's exact flow, by step: the network's ζ, the loss as the run's records take it, and the layers' norms (`bridgeFlow`). */
export interface BridgeFlow {
  zeta(step: number): number | null;
  loss(step: number): number | null;
  norms: ((step: number) => number | null)[];
}

/** The most hidden units × records the panel solves the bridge's exact flow for (a few tens of milliseconds). */
const FLOW_OVERLAY_WORK = 4_000_000;
/**
 * The most records a run gets the flow for: its four columns then add at most 10 MB to `flab train`'s
 * output, which the output limit (src/cli/network/train.ts, counted without them) leaves room for —
 * a run of 10⁵ records prints under 50 MB.
 */
const FLOW_MAX_RECORDS = 100_000;
