/**
 * Why a network's weights never moved (`LayerScores.frozen`: the distance from θ₀ exactly 0 at every
 * record), told apart from the gradient of the first step's loss at θ₀, computed once in float64
 * (docs/networks.md, "Labels"). Four causes make every float32 update 0:
 * - `zeroGradient`: the gradient is exactly 0 (dead ReLU units, a loss at a stationary point);
 * - `underflow`: it is not 0, but below float32's smallest number (1.4·10⁻⁴⁵), as are the updates η·g
 *   — a tiny initialisation or output scale;
 * - `rounding`: the gradient and the updates are well within float32's range, but every update is
 *   below half a float32 step of its weight (|Δw| < 2⁻²⁴·|w|), so w + Δw rounds back to w — a deep
 *   narrow network whose gradients are products of many small factors (64 layers of width 1: ≈ 10⁻¹²),
 *   or a tiny learning rate;
 * - null: none of these accounts for it (the float32 passes may underflow where float64 does not).
 * The weights are θ₀ (a frozen run's weights are θ₀'s at every step).
 */
import { ACTIVATIONS } from '../mechanisms/activation';
import type { FrozenCause } from '../mechanisms/layerLabel';
import { NETWORK_RELU_AT_ZERO, reluPasses } from '../mechanisms/reluAtZero';
import { WeightMatrix } from './layerMetrics';
import { LEAKY_RELU_SLOPE, NetworkActivation, NetworkLoss, NetworkOptimizer } from './spec';

export type { FrozenCause };

/** The smallest float32 magnitude, 2⁻¹⁴⁹ (a subnormal). */
const FLOAT32_SMALLEST = 2 ** -149;

/** Half a float32 step (ulp) of w: an update below it leaves fl32(w − u) = w. 2⁻¹⁵⁰ at 0. */
export function halfFloat32Step(w: number): number {
  const a = Math.abs(Math.fround(w));
  if (a === 0) return 2 ** -150;
  const e = Math.max(Math.floor(Math.log2(a)), -126);
  return 2 ** (e - 24);
}

export interface FrozenInput {
  /** W_1 … W_L, each rows = n_l (outputs) × cols = n_{l−1} (inputs), row-major. */
  weights: readonly WeightMatrix[];
  /** b_1 … b_L, or null without biases. */
  biases: readonly Float32Array[] | null;
  /** The samples' inputs, `count` × n_0, row-major. */
  x: Float32Array;
  /** Their targets, `count` × n_L: one-hot rows for classes, values for regression. */
  y: Float32Array;
  count: number;
  activation: NetworkActivation;
  loss: NetworkLoss;
  /** γ: f = γ·z_L. */
  outputScale: number;
  /** η per layer (`training.learningRate`). */
  rates: readonly number[];
  optimizer: NetworkOptimizer;
  weightDecay: number;
}

/**
 * The gradients ∂L/∂W_l of the mean loss over the samples, in float64, as the trainer's pass computes
 * them in float32 (src/core/network/model.ts: `forward`, `lossTerms`, `backward`). Work: samples × weights × 2.
 */
export function weightGradients(p: FrozenInput): Float64Array[] {
  const L = p.weights.length;
  const grads = p.weights.map((w) => new Float64Array(w.rows * w.cols));
  const out = p.weights[L - 1].rows;
  for (let s = 0; s < p.count; s++) {
    const inputs: Float64Array[] = [Float64Array.from(p.x.subarray(s * p.weights[0].cols, (s + 1) * p.weights[0].cols))];
    const pre: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const w = p.weights[l];
      const h = inputs[l];
      const z = new Float64Array(w.rows);
      for (let i = 0; i < w.rows; i++) {
        let sum = p.biases ? p.biases[l][i] : 0;
        const off = i * w.cols;
        for (let j = 0; j < w.cols; j++) sum += w.data[off + j] * h[j];
        z[i] = sum;
      }
      pre.push(z);
      if (l < L - 1) inputs.push(z.map(ACTIVATIONS[p.activation].value));
    }
    const f = pre[L - 1].map((v) => v * p.outputScale);
    const y = p.y.subarray(s * out, (s + 1) * out);
    let delta: Float64Array;
    if (p.loss === 'squared') delta = f.map((v, i) => (p.outputScale * (v - y[i])) / p.count);
    else {
      const m = Math.max(...f);
      const e = f.map((v) => Math.exp(v - m));
      const total = e.reduce((a, b) => a + b, 0);
      delta = e.map((v, i) => (p.outputScale * (v / total - y[i])) / p.count);
    }
    for (let l = L - 1; l >= 0; l--) {
      const w = p.weights[l];
      const h = inputs[l];
      const g = grads[l];
      for (let i = 0; i < w.rows; i++) {
        const d = delta[i];
        if (d === 0) continue;
        const off = i * w.cols;
        for (let j = 0; j < w.cols; j++) g[off + j] += d * h[j];
      }
      if (l > 0) {
        const back = new Float64Array(w.cols);
        for (let i = 0; i < w.rows; i++) {
          const d = delta[i];
          if (d === 0) continue;
          const off = i * w.cols;
          for (let j = 0; j < w.cols; j++) back[j] += w.data[off + j] * d;
        }
        const z = pre[l - 1];
        delta = back.map((b, j) => b * slope(p.activation, z[j]));
      }
    }
  }
  return grads;
}

/**
 * The cause of a frozen run at θ₀ (module comment), or null when the first update would move a weight
 * by float64's reckoning (the float32 passes lost it some other way).
 */
export function frozenCause(p: FrozenInput): FrozenCause | null {
  const grads = weightGradients(p);
  let largestGradient = 0;
  let largestUpdate = 0;
  let largestStep = 0;
  for (const [l, g] of grads.entries()) {
    const w = p.weights[l].data;
    const eta = p.rates[l % p.rates.length];
    for (let k = 0; k < g.length; k++) {
      const grad = g[k] + p.weightDecay * w[k];
      largestGradient = Math.max(largestGradient, Math.abs(g[k]));
      // The first step's update: η·g for SGD (with momentum, v₀ = g); Adam's is η·g/(|g| + ε).
      const update = p.optimizer.kind === 'adam' ? (eta * Math.abs(grad)) / (Math.abs(grad) + p.optimizer.epsilon) : eta * Math.abs(grad);
      largestStep = Math.max(largestStep, update);
      largestUpdate = Math.max(largestUpdate, update / halfFloat32Step(w[k]));
    }
  }
  if (largestGradient === 0) return { kind: 'zeroGradient' };
  if (largestUpdate >= 1) return null;
  if (largestGradient < FLOAT32_SMALLEST || largestStep < FLOAT32_SMALLEST) return { kind: 'underflow', largestGradient };
  return { kind: 'rounding', largestGradient, largestUpdate };
}

/** φ′(z) as the trainers take it (`activationBackward`): ReLU's at 0 is the network's (`NETWORK_RELU_AT_ZERO`), the rest the simulator's table. */
function slope(a: NetworkActivation, z: number): number {
  switch (a) {
    case 'relu': return reluPasses(z, NETWORK_RELU_AT_ZERO) ? 1 : 0;
    case 'leaky_relu': return reluPasses(z, NETWORK_RELU_AT_ZERO) ? 1 : LEAKY_RELU_SLOPE;
    default: return ACTIVATIONS[a].derivative(z);
  }
}
