/**
 * The multilayer network and its exact gradient, written out layer by layer on TensorFlow.js tensors
 * (docs/networks.md, "Model" and "Speed"): no autodiff, every product in the orientation XNNPACK runs
 * fast, one explicit transpose where an operand is needed the other way round.
 *
 * Shapes: a chunk of `r` samples is batch-major, h_0 = x (r × n_0). Layer l keeps its weights
 * transposed, Wt_l = W_lᵀ (n_{l−1} × n_l, TensorFlow's dense-kernel layout), so that
 *   z_l = h_{l−1} Wt_l + b_l,  h_l = φ(z_l) (l < L),  f = γ z_L.
 * Backward, with δ_l = ∂L/∂z_l (r × n_l):
 *   ∂L/∂Wt_l = h_{l−1}ᵀ δ_l,  ∂L/∂b_l = Σ_rows δ_l,  δ_{l−1} = (δ_l W_l) ⊙ φ′(z_{l−1}).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../math/rng';
import type { WeightMatrix } from './layerMetrics';
import { LEAKY_RELU_SLOPE, NetworkActivation, NetworkInit, NetworkLoss } from './spec';

/** Trainable tensors: `wt[l]` = W_{l+1}ᵀ (inputs × outputs), `b[l]` its bias (null without biases). */
export interface Parameters {
  wt: tf.Tensor2D[];
  b: tf.Tensor1D[] | null;
}

/** What the forward pass keeps for the backward pass. */
export interface Forward {
  /** h_0 = x, h_1, …, h_{L−1}: the inputs of each layer. */
  inputs: tf.Tensor2D[];
  /** z_1, …, z_L: each layer's pre-activation. */
  pre: tf.Tensor2D[];
  /** f = γ z_L. */
  output: tf.Tensor2D;
}

/** Standard deviation of W_l's entries under a scheme, before σ: √(2/fan_in) or √(2/(fan_in + fan_out)). */
export function schemeStd(scheme: 'kaiming' | 'xavier', fanIn: number, fanOut: number): number {
  return scheme === 'kaiming' ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * The initial weights W_1 … W_L (rows = outputs) as float32. Random: one `Rng(seed)`, W_1 row by row,
 * then W_2, …, each entry σ·std·normal(). Explicit: the given rows, rounded to float32.
 */
export function initialWeights(init: NetworkInit, sizes: readonly number[]): WeightMatrix[] {
  const out: WeightMatrix[] = [];
  const rng = init.kind === 'random' ? new Rng(init.seed) : null;
  for (let l = 1; l < sizes.length; l++) {
    const rows = sizes[l];
    const cols = sizes[l - 1];
    const data = new Float32Array(rows * cols);
    if (init.kind === 'random') {
      const std = init.scale * schemeStd(init.scheme, cols, rows);
      for (let k = 0; k < data.length; k++) data[k] = std * rng!.normal();
    } else {
      const w = init.weights[l - 1];
      for (let i = 0; i < rows; i++) data.set(w[i], i * cols);
    }
    out.push({ rows, cols, data });
  }
  return out;
}

/** W (rows × cols, row-major) transposed into a new array (cols × rows). */
export function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[off + j];
  }
  return out;
}

/** φ on a tensor. */
export function activate(activation: NetworkActivation, z: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'linear': return z;
    case 'relu': return tf.relu(z);
    case 'leaky_relu': return tf.leakyRelu(z, LEAKY_RELU_SLOPE);
    case 'tanh': return tf.tanh(z);
    case 'sigmoid': return tf.sigmoid(z);
    case 'swish': return tf.mul<tf.Tensor2D>(z, tf.sigmoid(z));
  }
}

/**
 * φ′(z) ⊙ g for the pre-activation z and its image h = φ(z): relu′ = 1 for z > 0, else 0 (leaky: 0.01),
 * the value at 0 taken from the left as PyTorch does; tanh′ = 1 − h²; sigmoid′ = h(1 − h);
 * swish′ = s(1 + z(1 − s)) with s = sigmoid(z).
 */
export function activationBackward(activation: NetworkActivation, g: tf.Tensor2D, z: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  switch (activation) {
    case 'linear': return g;
    case 'relu': return tf.mul<tf.Tensor2D>(g, tf.step(z, 0));
    case 'leaky_relu': return tf.mul<tf.Tensor2D>(g, tf.step(z, LEAKY_RELU_SLOPE));
    case 'tanh': return tf.mul<tf.Tensor2D>(g, tf.sub(1, tf.square(h)));
    case 'sigmoid': return tf.mul<tf.Tensor2D>(g, tf.mul(h, tf.sub(1, h)));
    case 'swish': {
      const s = tf.sigmoid(z);
      return tf.mul<tf.Tensor2D>(g, tf.mul(s, tf.add(1, tf.mul(z, tf.sub(1, s)))));
    }
  }
}

/** The forward pass of a chunk x (r × n_0). Call inside `tf.tidy`. */
export function forward(params: Parameters, x: tf.Tensor2D, activation: NetworkActivation, outputScale: number): Forward {
  const inputs: tf.Tensor2D[] = [x];
  const pre: tf.Tensor2D[] = [];
  const L = params.wt.length;
  let h = x;
  for (let l = 0; l < L; l++) {
    const product = tf.matMul(h, params.wt[l]) as tf.Tensor2D;
    const z: tf.Tensor2D = params.b ? tf.add(product, params.b[l]) : product;
    pre.push(z);
    if (l < L - 1) {
      h = activate(activation, z);
      inputs.push(h);
    }
  }
  const zL = pre[L - 1];
  return { inputs, pre, output: outputScale === 1 ? zL : tf.mul(zL, outputScale) };
}

/** Targets of a chunk on the device: one-hot rows (classes) or values (regression), r × n_L. */
export interface ChunkTargets {
  y: tf.Tensor2D;
  /** Class labels (r), for the accuracy; null for regression. */
  labels: tf.Tensor1D | null;
}

/** Loss summed over the chunk's rows, correct predictions (null without classes), and δ_L. */
export interface LossTerms {
  lossSum: tf.Scalar;
  correct: tf.Scalar | null;
  /** δ_L = ∂(lossSum / divisor)/∂z_L, or null when `divisor` is null (evaluation only). */
  deltaOut: tf.Tensor2D | null;
}

/**
 * The loss of f against the targets: squared ½‖f − y‖² per row, or cross-entropy −log softmax(f)_y
 * (log-sum-exp, stable for any finite f). δ_L = γ (f − y)/N or γ (softmax(f) − y)/N with N = `divisor`,
 * the number of samples the step's loss is the mean over. Call inside `tf.tidy`.
 */
export function lossTerms(loss: NetworkLoss, output: tf.Tensor2D, targets: ChunkTargets, outputScale: number, divisor: number | null): LossTerms {
  let lossSum: tf.Scalar;
  let residual: tf.Tensor2D | null = null;
  if (loss === 'squared') {
    const diff = tf.sub<tf.Tensor2D>(output, targets.y);
    lossSum = tf.mul<tf.Scalar>(tf.sum(tf.square(diff)), 0.5);
    residual = diff;
  } else {
    const logp = tf.logSoftmax(output);
    lossSum = tf.neg(tf.sum<tf.Scalar>(tf.mul(logp, targets.y)));
    if (divisor !== null) residual = tf.sub<tf.Tensor2D>(tf.exp(logp), targets.y);
  }
  const correct = targets.labels ? tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(output, 1), targets.labels), 'float32')) : null;
  const deltaOut = divisor === null || residual === null ? null : tf.mul<tf.Tensor2D>(residual, outputScale / divisor);
  return { lossSum, correct, deltaOut };
}

/** Gradients of the step's loss: `wt[l]` matches Parameters.wt[l], `b[l]` its bias. */
export interface Gradients {
  wt: tf.Tensor2D[];
  b: tf.Tensor1D[] | null;
}

/**
 * Backpropagation from δ_L through the kept forward pass. δ_{l−1} uses W_l as the right operand of a
 * plain product (one explicit transpose of Wt_l): XNNPACK's transposed products are 10× slower.
 * Call inside `tf.tidy`.
 */
export function backward(params: Parameters, fwd: Forward, deltaOut: tf.Tensor2D, activation: NetworkActivation): Gradients {
  const L = params.wt.length;
  const wt: tf.Tensor2D[] = new Array(L);
  const b: tf.Tensor1D[] | null = params.b ? new Array(L) : null;
  let delta = deltaOut;
  for (let l = L - 1; l >= 0; l--) {
    wt[l] = tf.matMul(tf.transpose(fwd.inputs[l]), delta) as tf.Tensor2D;
    if (b) b[l] = tf.sum<tf.Tensor1D>(delta, 0);
    if (l > 0) {
      const back = tf.matMul(delta, tf.transpose(params.wt[l])) as tf.Tensor2D;
      delta = activationBackward(activation, back, fwd.pre[l - 1], fwd.inputs[l]);
    }
  }
  return { wt, b };
}
