/**
 * The bridge's exact flow beside its training (docs/networks.md, "The bridge to the linear model"):
 * what `flab train --json` prints as `exactFlow` and the training panel draws as lines under the
 * trained network's points. No vscode import.
 */
import { recordCount } from '../network/train';
import type { Dataset } from '../network/dataset';
import type { NetworkSpec } from '../network/spec';
import { linearBridge } from './bridge';
import { solve } from './solve';

/**
 * The exact gradient flow of the linear model that a network of `spec` trained on `train` for `total`
 * steps is (`linearBridge`), by step: its |ζ| and its layers' norms at the run's planned records (0,
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
    return { zeta: column(flow.zeta, Math.abs), loss: meanLoss, norms: [column(flow.normW), column(flow.normU)] };
  } catch {
    return null;
  }
}

/** The bridge's exact flow, by step: |ζ|, the loss as the run's records take it, and the layers' norms (`bridgeFlow`). */
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
