/**
 * The optimisers on TensorFlow.js tensors (docs/networks.md, "Training"), one learning rate per layer,
 * weight decay as L2 on the objective: the gradient of every weight and bias gets + ρθ first.
 *
 *   SGD:       v ← μ v + g,  θ ← θ − η_l v        (μ = 0: θ ← θ − η_l g; PyTorch's SGD, no dampening)
 *   Adam:      m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  t ← t + 1,
 *              θ ← θ − η_l (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)     (Kingma & Ba 2015, PyTorch's Adam)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Gradients, Parameters } from './model';
import type { NetworkOptimizer } from './spec';

/** One slot per parameter tensor, in the order wt[0], …, wt[L−1], b[0], …, b[L−1]. */
type Slots = tf.Tensor[];

/** The optimiser's state between steps (moments as tensors, the Adam step count). */
export interface OptimizerState {
  /** SGD with momentum: the velocity v; Adam: the first moment m. Null for plain SGD before the first step. */
  first: Slots | null;
  /** Adam: the second moment v. */
  second: Slots | null;
  /** Adam steps taken (t). */
  steps: number;
}

export function initialOptimizerState(): OptimizerState {
  return { first: null, second: null, steps: 0 };
}

const flatten = (p: { wt: tf.Tensor2D[]; b: tf.Tensor1D[] | null }): tf.Tensor[] => [...p.wt, ...(p.b ?? [])];

/** The rate of slot k: a bias uses its layer's rate. */
const rateOf = (rates: readonly number[], k: number): number => rates[k % rates.length];

/**
 * One optimiser step: new parameters and state (the caller disposes the old ones with
 * `disposeReplaced`). Runs inside its own `tf.tidy`; the returned tensors are kept.
 */
export function optimizerStep(opt: NetworkOptimizer, params: Parameters, grads: Gradients, state: OptimizerState, rates: readonly number[], weightDecay: number): { params: Parameters; state: OptimizerState } {
  const L = params.wt.length;
  const theta = flatten(params);
  const g = flatten(grads);
  const out = tf.tidy(() => {
    const grad = theta.map((t, k) => (weightDecay > 0 ? tf.add(g[k], tf.mul(t, weightDecay)) : g[k]));
    const next: tf.Tensor[] = [];
    let first: Slots | null = null;
    let second: Slots | null = null;
    if (opt.kind === 'sgd') {
      if (opt.momentum > 0) {
        // v₀ = g: a clone, so that the caller may dispose its gradient.
        first = grad.map((gk, k) => (state.first ? tf.add(tf.mul(state.first[k], opt.momentum), gk) : tf.clone(gk)));
        first.forEach((v, k) => next.push(tf.sub(theta[k], tf.mul(v, rateOf(rates, k)))));
      } else {
        grad.forEach((gk, k) => next.push(tf.sub(theta[k], tf.mul(gk, rateOf(rates, k)))));
      }
    } else {
      const t = state.steps + 1;
      const c1 = 1 - Math.pow(opt.beta1, t);
      const c2 = 1 - Math.pow(opt.beta2, t);
      first = grad.map((gk, k) => (state.first ? tf.add(tf.mul(state.first[k], opt.beta1), tf.mul(gk, 1 - opt.beta1)) : tf.mul(gk, 1 - opt.beta1)));
      second = grad.map((gk, k) => {
        const g2 = tf.square(gk);
        return state.second ? tf.add(tf.mul(state.second[k], opt.beta2), tf.mul(g2, 1 - opt.beta2)) : tf.mul(g2, 1 - opt.beta2);
      });
      for (let k = 0; k < theta.length; k++) {
        const denominator = tf.add(tf.sqrt(tf.div(second[k], c2)), opt.epsilon);
        next.push(tf.sub(theta[k], tf.mul(tf.div(first[k], denominator), rateOf(rates, k) / c1)));
      }
    }
    return { next, first: first ?? [], second: second ?? [] };
  });
  const params2: Parameters = {
    wt: out.next.slice(0, L) as tf.Tensor2D[],
    b: params.b ? (out.next.slice(L) as tf.Tensor1D[]) : null,
  };
  const moments = (slots: tf.Tensor[]): Slots | null => (slots.length ? slots : null);
  return { params: params2, state: { first: moments(out.first), second: moments(out.second), steps: opt.kind === 'adam' ? state.steps + 1 : 0 } };
}

/** Disposes the tensors of `old` that `current` does not hold (parameters, moments). */
export function disposeReplaced(old: { params: Parameters; state: OptimizerState }, current: { params: Parameters; state: OptimizerState }): void {
  const keep = new Set<tf.Tensor>([...flatten(current.params), ...(current.state.first ?? []), ...(current.state.second ?? [])]);
  for (const t of [...flatten(old.params), ...(old.state.first ?? []), ...(old.state.second ?? [])]) if (!keep.has(t)) t.dispose();
}
