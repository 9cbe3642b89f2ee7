/** Shared pieces of the network tests: random tiny networks and data, and conversions to the trainer's types. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../../src/core/network/dataset';
import type { WeightMatrix } from '../../../src/core/network/layerMetrics';
import { Parameters, transposed } from '../../../src/core/network/model';
import type { NetworkActivation } from '../../../src/core/network/spec';
import type { KernelMeasure } from '../../../src/core/network/tangentKernel';
import { Rng } from '../../../src/core/math/rng';
import { jacobianDistance2, RefData, RefNetwork, refKernel } from '../../reference/deepNetwork';

/** A network with float32-representable random weights (so that both sides start from the same θ). */
export function randomNetwork(rng: Rng, sizes: number[], activation: NetworkActivation, gamma: number, bias: boolean, scale = 1): RefNetwork {
  const f32 = (v: number) => Math.fround(v);
  const weights = sizes.slice(1).map((n, l) => Float64Array.from({ length: n * sizes[l] }, () => f32((scale * rng.normal()) / Math.sqrt(sizes[l]))));
  const biases = bias ? sizes.slice(1).map((n) => Float64Array.from({ length: n }, () => f32(0.3 * rng.normal()))) : null;
  return { sizes, activation, gamma, weights, biases };
}

/** Random inputs, and class labels or regression values, as both the reference's arrays and a Dataset. */
export function randomData(rng: Rng, count: number, features: number, target: { classes: number } | { outputs: number }): { ref: RefData; set: Dataset } {
  const x = new Float32Array(count * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const xs = Array.from({ length: count }, (_, s) => Float64Array.from(x.subarray(s * features, (s + 1) * features)));
  if ('classes' in target) {
    const labels = new Int32Array(count);
    for (let s = 0; s < count; s++) labels[s] = Math.min(target.classes - 1, Math.floor(rng.uniform() * target.classes));
    return { ref: { xs, labels: [...labels] }, set: { count, features, sampleShape: [features], x, targets: { kind: 'classes', labels, classCount: target.classes } } };
  }
  const values = new Float32Array(count * target.outputs);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  const rows = Array.from({ length: count }, (_, s) => Float64Array.from(values.subarray(s * target.outputs, (s + 1) * target.outputs)));
  return { ref: { xs, values: rows }, set: { count, features, sampleShape: [features], x, targets: { kind: 'regression', values, outputs: target.outputs } } };
}

/** The reference network's weights as the trainer's tensors (Wt_l = W_lᵀ). */
export function toParameters(net: RefNetwork): Parameters {
  const wt = net.weights.map((w, l) => {
    const rows = net.sizes[l + 1];
    const cols = net.sizes[l];
    return tf.tensor2d(transposed(Float32Array.from(w), rows, cols), [cols, rows]);
  });
  return { wt, b: net.biases ? net.biases.map((b) => tf.tensor1d(Float32Array.from(b))) : null };
}

/** Explicit weights (rows) of a reference network, for `init.weights`. */
export function weightRows(net: RefNetwork): number[][][] {
  return net.weights.map((w, l) => Array.from({ length: net.sizes[l + 1] }, (_, i) => [...w.subarray(i * net.sizes[l], (i + 1) * net.sizes[l])]));
}

/** Largest |a − b| over matching arrays, and the largest |b|. */
export function maxError(a: ArrayLike<number>[], b: ArrayLike<number>[]): { error: number; scale: number } {
  let error = 0;
  let scale = 0;
  a.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) {
      error = Math.max(error, Math.abs(x[i] - b[k][i]));
      scale = Math.max(scale, Math.abs(b[k][i]));
    }
  });
  return { error, scale };
}

/** A trainer's weight matrices as flat arrays (for comparisons with the reference). */
export const flat = (ws: WeightMatrix[]): Float32Array[] => ws.map((w) => w.data as Float32Array);

/** θ + ε·noise, rounded to float32 like everything the trainer holds. */
export function perturbed(net: RefNetwork, rng: Rng, epsilon: number): RefNetwork {
  const move = (a: Float64Array) => a.map((v) => Math.fround(v + epsilon * rng.normal()));
  return { ...net, weights: net.weights.map(move), biases: net.biases ? net.biases.map(move) : null };
}

/** ‖a − b‖ (‖a‖ without b), in float64. */
export function frobenius(a: Float64Array, b?: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - (b ? b[i] : 0)) ** 2;
  return Math.sqrt(s);
}

/** The tangent-kernel tests' networks, for every engine: each activation, with and without biases, a zero rate. */
export const KERNEL_CASES: { activation: NetworkActivation; bias: boolean; outputs: number; rates: number[] }[] = [
  { activation: 'relu', bias: false, outputs: 2, rates: [0.1, 0.1, 0.1] },
  { activation: 'tanh', bias: true, outputs: 3, rates: [0.5, 0.05, 2] },
  { activation: 'swish', bias: true, outputs: 1, rates: [1, 1, 0.2] },
  { activation: 'linear', bias: false, outputs: 2, rates: [0.3, 0, 1] },
  { activation: 'sigmoid', bias: false, outputs: 2, rates: [1, 2, 3] },
  { activation: 'leaky_relu', bias: true, outputs: 2, rates: [0.2, 1, 0] },
];

export type KernelCase = (typeof KERNEL_CASES)[number];

/**
 * Case `index` of KERNEL_CASES as a 3-5-4-C network (γ = 0.7, weights ×1.3) and a probe of 3 samples:
 * `x` row-major (3 × 3, float32) for the engine, `probe` as float64 rows for the reference.
 */
export function kernelCase(c: KernelCase, index: number): { rng: Rng; sizes: number[]; gamma: number; net0: RefNetwork; probe: Float64Array[]; x: Float32Array } {
  const rng = new Rng(index + 40);
  const sizes = [3, 5, 4, c.outputs];
  const gamma = 0.7;
  const net0 = randomNetwork(rng, sizes, c.activation, gamma, c.bias, 1.3);
  const probe = Array.from({ length: 3 }, () => Float64Array.from({ length: 3 }, () => Math.fround(rng.normal())));
  const x = new Float32Array(9);
  probe.forEach((p, i) => x.set(p, i * 3));
  return { rng, sizes, gamma, net0, probe, x };
}

/**
 * An engine's kernel and tangent-feature changes against the float64 finite-difference Jacobian
 * (refKernel): 0 at θ₀ (the first measurement, the reference), then at θ₀ moved by ε = 0.3 and 10⁻³
 * within 2·10⁻³ and 2·10⁻² relative (float32 kernels: about 10⁻⁶ of ‖K‖, so 10⁻⁶/ε of the change).
 * `measure(net)`: the engine's changes at `net` since its first measurement.
 */
export async function expectKernelChanges(c: KernelCase, k: ReturnType<typeof kernelCase>, measure: (net: RefNetwork) => KernelMeasure | Promise<KernelMeasure>): Promise<void> {
  assert.deepEqual(await measure(k.net0), { kernelChange: 0, tangentChange: 0, featuresVanished: false });
  const ref0 = refKernel(k.net0, k.probe, c.rates);
  for (const epsilon of [0.3, 1e-3]) {
    const net1 = perturbed(k.net0, k.rng, epsilon);
    const got = await measure(net1);
    const ref1 = refKernel(net1, k.probe, c.rates);
    const kernelChange = frobenius(ref1.kernel, ref0.kernel) / frobenius(ref0.kernel);
    const { moved, start } = jacobianDistance2(ref1.rows, ref0.rows, c.rates, k.sizes.length - 1);
    const tangentChange = Math.sqrt(moved / start);
    assert.ok(kernelChange > epsilon / 100, `a change worth testing (${kernelChange})`);
    const tol = epsilon > 0.1 ? 2e-3 : 2e-2;
    assert.ok(Math.abs(got.kernelChange / kernelChange - 1) < tol, `ε ${epsilon}: kernelChange ${got.kernelChange} vs ${kernelChange}`);
    assert.ok(Math.abs(got.tangentChange / tangentChange - 1) < tol, `ε ${epsilon}: tangentChange ${got.tangentChange} vs ${tangentChange}`);
  }
}
