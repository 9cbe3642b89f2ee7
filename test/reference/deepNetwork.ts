/**
 * An independent float64 reference for the deep-network trainer (test only): plain loops, no
 * TensorFlow.js, nothing imported from src/core/network but the types. Written from docs/networks.md:
 *   f(x) = γ (W_L φ(… φ(W_1 x + b_1) …) + b_L),  W_l rows = outputs,
 *   squared: L = ½ mean_s ‖f(x_s) − y_s‖²,  cross-entropy: L = mean_s −log softmax(f(x_s))_{y_s},
 * gradients by central finite differences (so that no backpropagation is shared with the code under
 * test), and the optimisers' update rules.
 */
import type { NetworkActivation, NetworkLoss, NetworkOptimizer } from '../../src/core/network/spec';

export interface RefNetwork {
  sizes: number[];
  activation: NetworkActivation;
  gamma: number;
  /** W_l row-major (sizes[l+1] × sizes[l]). */
  weights: Float64Array[];
  /** b_l, or null without biases. */
  biases: Float64Array[] | null;
}

/** Data as plain arrays: inputs per sample, and targets as class labels or value rows. */
export interface RefData {
  xs: Float64Array[];
  labels?: number[];
  values?: Float64Array[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function phi(a: NetworkActivation, z: number): number {
  switch (a) {
    case 'linear': return z;
    case 'relu': return z > 0 ? z : 0;
    case 'leaky_relu': return z > 0 ? z : 0.01 * z;
    case 'tanh': return Math.tanh(z);
    case 'sigmoid': return sigmoid(z);
    case 'swish': return z * sigmoid(z);
  }
}

/** The outputs f(x) of one sample. */
export function refForward(net: RefNetwork, x: Float64Array): Float64Array {
  let h = x;
  const L = net.weights.length;
  for (let l = 0; l < L; l++) {
    const rows = net.sizes[l + 1];
    const cols = net.sizes[l];
    const w = net.weights[l];
    const z = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = net.biases ? net.biases[l][i] : 0;
      for (let j = 0; j < cols; j++) s += w[i * cols + j] * h[j];
      z[i] = l < L - 1 ? phi(net.activation, s) : net.gamma * s;
    }
    h = z;
  }
  return h;
}

/** The loss of one sample. */
export function sampleLoss(loss: NetworkLoss, f: Float64Array, data: RefData, s: number): number {
  if (loss === 'squared') {
    let e = 0;
    for (let a = 0; a < f.length; a++) {
      const y = data.values ? data.values[s][a] : a === data.labels![s] ? 1 : 0;
      e += (f[a] - y) ** 2;
    }
    return 0.5 * e;
  }
  const m = Math.max(...f);
  let z = 0;
  for (const v of f) z += Math.exp(v - m);
  return -(f[data.labels![s]] - m - Math.log(z));
}

/** Mean loss over the samples `batch` (all when omitted). */
export function refLoss(net: RefNetwork, loss: NetworkLoss, data: RefData, batch?: readonly number[]): number {
  const idx = batch ?? data.xs.map((_, i) => i);
  let total = 0;
  for (const s of idx) total += sampleLoss(loss, refForward(net, data.xs[s]), data, s);
  return total / idx.length;
}

/** Every parameter, in the order W_1, …, W_L, then b_1, …, b_L. */
export function parameters(net: RefNetwork): Float64Array[] {
  return [...net.weights, ...(net.biases ?? [])];
}

/**
 * ∂g/∂θ of a scalar function of the network by central differences, each parameter perturbed by
 * h·max(1, |θ|) in turn (the parameters are restored). Per-parameter arrays in `parameters` order.
 */
export function finiteDifference(net: RefNetwork, g: () => number, h = 1e-6): Float64Array[] {
  return parameters(net).map((p) => {
    const out = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) {
      const v = p[k];
      const step = h * Math.max(1, Math.abs(v));
      p[k] = v + step;
      const plus = g();
      p[k] = v - step;
      const minus = g();
      p[k] = v;
      out[k] = (plus - minus) / (2 * step);
    }
    return out;
  });
}

/** The Jacobian of the outputs at x: jac[a][block] = ∂f_a/∂θ_block, by central differences. */
export function refJacobian(net: RefNetwork, x: Float64Array, h = 1e-6): Float64Array[][] {
  const C = net.sizes[net.sizes.length - 1];
  const jac: Float64Array[][] = [];
  for (let a = 0; a < C; a++) jac.push(finiteDifference(net, () => refForward(net, x)[a], h));
  return jac;
}

/**
 * The tangent kernel in the rate metric on probe inputs, K[(i,a),(j,b)] = Σ_blocks η_block ∂f_a(x_i)·∂f_b(x_j),
 * row-major (P·C)², with η of a bias = its layer's rate. Also returns the Jacobian rows for ‖J − J₀‖.
 */
export function refKernel(net: RefNetwork, probe: Float64Array[], rates: readonly number[]): { kernel: Float64Array; rows: Float64Array[][] } {
  const L = net.weights.length;
  const rows: Float64Array[][] = [];
  for (const x of probe) for (const r of refJacobian(net, x)) rows.push(r);
  const n = rows.length;
  const kernel = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let s = 0;
      rows[p].forEach((block, k) => {
        const eta = rates[k % L];
        const other = rows[q][k];
        for (let i = 0; i < block.length; i++) s += eta * block[i] * other[i];
      });
      kernel[p * n + q] = s;
    }
  }
  return { kernel, rows };
}

/** ‖J − J₀‖²_η over Jacobian rows (same layout), and ‖J₀‖²_η. */
export function jacobianDistance2(rows: Float64Array[][], rows0: Float64Array[][], rates: readonly number[], layers: number): { moved: number; start: number } {
  let moved = 0;
  let start = 0;
  rows.forEach((r, p) => r.forEach((block, k) => {
    const eta = rates[k % layers];
    for (let i = 0; i < block.length; i++) {
      moved += eta * (block[i] - rows0[p][k][i]) ** 2;
      start += eta * rows0[p][k][i] ** 2;
    }
  }));
  return { moved, start };
}

/** State of the reference optimiser (per-parameter moments). */
export interface RefOptimizerState {
  first: Float64Array[] | null;
  second: Float64Array[] | null;
  steps: number;
}

/**
 * One optimiser step on the network in place from gradients `g` (in `parameters` order): + ρθ,
 * then SGD (with momentum) or Adam, as docs/networks.md states them.
 */
export function refOptimizerStep(net: RefNetwork, g: Float64Array[], opt: NetworkOptimizer, rates: readonly number[], rho: number, state: RefOptimizerState): void {
  const ps = parameters(net);
  const L = net.weights.length;
  const grad = ps.map((p, k) => p.map((v, i) => g[k][i] + rho * v));
  if (opt.kind === 'sgd') {
    if (opt.momentum > 0) {
      state.first = state.first ? state.first.map((v, k) => v.map((vi, i) => opt.momentum * vi + grad[k][i])) : grad.map((x) => x.slice());
    }
    const dir = opt.momentum > 0 ? state.first! : grad;
    ps.forEach((p, k) => {
      for (let i = 0; i < p.length; i++) p[i] -= rates[k % L] * dir[k][i];
    });
    return;
  }
  state.steps++;
  const t = state.steps;
  state.first = grad.map((x, k) => x.map((gi, i) => opt.beta1 * (state.first ? state.first[k][i] : 0) + (1 - opt.beta1) * gi));
  state.second = grad.map((x, k) => x.map((gi, i) => opt.beta2 * (state.second ? state.second[k][i] : 0) + (1 - opt.beta2) * gi * gi));
  ps.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const mHat = state.first![k][i] / (1 - opt.beta1 ** t);
      const vHat = state.second![k][i] / (1 - opt.beta2 ** t);
      p[i] -= (rates[k % L] * mHat) / (Math.sqrt(vHat) + opt.epsilon);
    }
  });
}
