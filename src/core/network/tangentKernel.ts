/**
 * The empirical tangent kernel of the network on a fixed probe batch, and how far it and the tangent
 * features moved since the start (docs/networks.md, "Measurements").
 *
 * With J the Jacobian of the outputs f_a(x_i) (P probe samples × C outputs) with respect to every
 * parameter, in the metric of the layer rates (the linear model's convention, so that the kernel is
 * the one gradient descent moves the outputs with):
 *   K = Σ_l η_l J_l J_lᵀ                         (PC × PC),
 *   kernelChange  = ‖K_t − K_0‖_F / ‖K_0‖_F,
 *   tangentChange = ‖J_t − J_0‖_F / ‖J_0‖_F      (‖J‖_F² = trace K).
 * For an MLP, ∂f_a(x_i)/∂W_l = δ_l^{ia} h_{l−1}^{iᵀ} with δ_l^{ia} = ∂f_a(x_i)/∂z_l, so without ever
 * forming J:  J_l J_lᵀ[(i,a),(j,b)] = (δ_l^{ia}·δ_l^{jb}) (h_{l−1}^i·h_{l−1}^j + [bias]).
 */
import * as tf from '@tensorflow/tfjs-core';
import { formatCount } from '../experiment/diagnostic';
import { activationBackward, forward, Parameters } from './model';
import type { NetworkActivation } from './spec';

/**
 * Outputs beyond which the tangent kernel is not measured. One probe sample of C outputs (P = 1 past
 * 128) makes a C × C kernel and a C × C backward seed: 2,048 outputs take 4·10⁶ float32 entries (16 MB)
 * each, 20,000 outputs 4·10⁸ (1.6 GB, which exhausted the heap). Beyond it the distance from θ₀ stands
 * for the kernel test, as for checkpoints (docs/networks.md, "Measurements").
 */
export const MAX_KERNEL_OUTPUTS = 2048;

/**
 * Tangent-feature values a kernel measurement holds at most: the deltas and layer inputs of its probe,
 * P · `featuresPerSample` float32 values (2²⁴: 64 MB, the products' temporaries a few times that).
 * A network of 20 samples and one hidden layer of 8,388,607 units held 2·20·8.4·10⁶ of them (1.3 GB
 * and their transposes) and ran TensorFlow.js's WebAssembly memory out (docs/networks.md, "Measurements").
 */
export const MAX_KERNEL_FEATURES = 1 << 24;

/**
 * The tangent features of one probe sample, for layer sizes n_0 … n_L: its deltas, C·n_l for every
 * layer l (C = n_L outputs), and the inputs n_{l−1} of every layer.
 */
export function featuresPerSample(sizes: readonly number[]): number {
  const C = sizes[sizes.length - 1];
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += C * sizes[l] + sizes[l - 1];
  return n;
}

/**
 * Why a network of layer sizes n_0 … n_L gets no tangent kernel, or null when it gets one: more than
 * MAX_KERNEL_OUTPUTS outputs, or tangent features of one probe sample beyond MAX_KERNEL_FEATURES.
 */
export function kernelOmission(sizes: readonly number[]): string | null {
  const outputs = sizes[sizes.length - 1];
  if (outputs > MAX_KERNEL_OUTPUTS) return `its ${formatCount(outputs)} outputs would make a tangent kernel of ${formatCount(outputs)}² entries on one probe sample, beyond the ${formatCount(MAX_KERNEL_OUTPUTS)} outputs measured`;
  const perSample = featuresPerSample(sizes);
  if (perSample > MAX_KERNEL_FEATURES) return `its layers' tangent features on one probe sample would be ${formatCount(perSample)} values (each layer's width times the outputs, and its inputs), beyond the ${formatCount(MAX_KERNEL_FEATURES)} measured`;
  return null;
}

/**
 * Kernel rows (probe samples × outputs) at most: 12 samples of MNIST's 10 classes. A measurement's
 * passes and fresh memory grow with the rows, its Gram matrices with their square; on every network
 * example 12 samples gave the labels of 32, the kernel's change within 17% (docs/networks.md, "Measurements").
 */
export const PROBE_ROWS = 128;

/**
 * Probe samples: at most 32, at most PROBE_ROWS kernel rows (samples × outputs) and at most
 * MAX_KERNEL_FEATURES tangent-feature values (`perSample` each: `featuresPerSample`), while that leaves one.
 */
export function probeSize(count: number, outputs: number, perSample = 0): number {
  return Math.max(1, Math.min(count, 32, Math.floor(PROBE_ROWS / outputs), perSample > 0 ? Math.floor(MAX_KERNEL_FEATURES / perSample) : Infinity));
}

/** The probe batch's sample indices: evenly spaced over the training set, ⌊i·N/P⌋ (P: `probeSize`). */
export function probeIndices(count: number, outputs: number, perSample = 0): number[] {
  const p = probeSize(count, outputs, perSample);
  return Array.from({ length: p }, (_, i) => Math.floor((i * count) / p));
}

/** Work of one kernel measurement in multiply-adds (the trainer's cadence budget, see train.ts). */
export function kernelWork(sizes: readonly number[], probe: number): number {
  const C = sizes[sizes.length - 1];
  let w = 0;
  for (let l = 1; l < sizes.length; l++) {
    const product = sizes[l - 1] * sizes[l];
    w += probe * product; // forward
    if (l > 1) w += probe * C * product; // backward, one row per (sample, output)
    w += (probe * C) ** 2 * sizes[l] + probe * probe * sizes[l - 1]; // the two Gram matrices
  }
  return w;
}

/** δ_l and h_{l−1} of every probe row, per layer (the tangent features, factored), as tensors. */
interface Features {
  /** deltas[l]: (P·C) × n_{l+1}, row (i, a) = ∂f_a(x_i)/∂z_{l+1}. */
  deltas: tf.Tensor2D[];
  /** inputs[l]: P × n_l, row i = h_l(x_i). */
  inputs: tf.Tensor2D[];
}

/**
 * The tangent kernel and features at one step, read out (row-major float32), from TensorFlow.js
 * (`TangentKernelProbe`) or ONNX Runtime (onnx/onnxMeasures.ts).
 */
export interface TangentFeatures {
  /** K (PC × PC). */
  kernel: Float32Array;
  /** deltas[l]: (P·C) × n_{l+1}, row (i, a) = ∂f_a(x_i)/∂z_{l+1}, l = 0 … L−1. */
  deltas: Float32Array[];
  /** inputs[l]: P × n_l, row i = h_l(x_i), l = 0 … L−1 (inputs[0] the probe samples). */
  inputs: Float32Array[];
}

/**
 * The changes since the first measurement; each NaN when float32 cannot hold it (`referenceInRange`):
 * not finite, as the records and labels mark it (`kernelNotFinite`), never a wrong number.
 */
export interface KernelMeasure {
  kernelChange: number;
  tangentChange: number;
  /**
   * Every tangent feature is exactly 0 here while the first measurement's were not: the outputs on the
   * probe no longer depend on any trained weight (every ReLU inactive, say), and the changes are 1 and 1
   * by that alone (docs/networks.md, "Labels": `collapsed`). False at the first measurement.
   */
  featuresVanished: boolean;
}

/**
 * ‖J‖²_η = Σ_l η_l Σ_(i,a) |δ_l^{ia}|² (|h_{l−1}^i|² + [bias]) of float32 features, in float64: trace K,
 * without K. `rates`: η_l; P samples, C outputs.
 */
export function featureNorm2(f: Pick<TangentFeatures, 'deltas' | 'inputs'>, rates: readonly number[], bias: boolean, samples: number, outputs: number): number {
  let total = 0;
  f.deltas.forEach((d, l) => {
    if (rates[l] === 0) return;
    const h = f.inputs[l];
    const n = d.length / (samples * outputs);
    const m = h.length / samples;
    let s = 0;
    for (let i = 0; i < samples; i++) {
      let hh = bias ? 1 : 0;
      for (let k = i * m; k < (i + 1) * m; k++) hh += h[k] * h[k];
      for (let a = 0; a < outputs; a++) {
        let dd = 0;
        for (let k = (i * outputs + a) * n; k < (i * outputs + a + 1) * n; k++) dd += d[k] * d[k];
        s += dd * hh;
      }
    }
    total += rates[l] * s;
  });
  return total;
}

/**
 * γ and the rates η_l as the kernel measurements use them: each times the power of two that brings it
 * (the largest rate) nearest 1. The changes are ratios in which K ∝ γ² and a common factor of the rates
 * cancel, exactly for powers of two: without this, γ = 10⁻³⁰ or rates of 10⁻⁴⁵ put K below float32's
 * range at any weights (docs/networks.md, "Measurements").
 */
export function kernelUnits(outputScale: number, rates: readonly number[]): { outputScale: number; rates: number[] } {
  const unit = (x: number) => (x > 0 && Number.isFinite(x) ? 2 ** -Math.round(Math.log2(x)) : 1);
  const r = unit(Math.max(...rates));
  return { outputScale: outputScale * unit(Math.abs(outputScale)), rates: rates.map((eta) => eta * r) };
}

/** How far float32 sums may stray from their float64 values and still count as in range, at least (short sums). */
const RANGE_TOLERANCE = 1e-3;

/**
 * How far they may stray at most, whatever their length: a kernel that underflowed to 0 disagrees with
 * its float64 reference by 1, and must stay refused (the bound γ_k below reaches 1 at k = 2²³ terms).
 */
const MAX_RANGE_TOLERANCE = 0.5;

/** float32's unit roundoff, 2⁻²⁴. */
const FLOAT32_UNIT = 2 ** -24;

/**
 * The relative error that float32 sums of `terms` non-negative terms (and products of such sums) may
 * have against their exact value, in any order of summation — γ_k = k·u / (1 − k·u), u = 2⁻²⁴ (Higham,
 * *Accuracy and Stability of Numerical Algorithms*, §3.1) — kept within [10⁻³, ½]: the tolerance of
 * `referenceInRange` and `plainlyInRange`. A layer of 4·10⁶ units sums that many float32 terms for each
 * diagonal entry of K, and the engine's sum fell 1.3·10⁻³ short of the float64 one (8·10⁶ units:
 * 3.5·10⁻³): a fixed 10⁻³ called such a finite, well-scaled kernel "not finite" (a breaker's finding,
 * 2026-12-03). Overflow (∞) and underflow to 0 are refused at any length.
 */
export function rangeTolerance(terms: number): number {
  const ku = Math.max(0, terms) * FLOAT32_UNIT;
  const gamma = ku < 1 ? ku / (1 - ku) : Infinity;
  return Math.min(MAX_RANGE_TOLERANCE, Math.max(RANGE_TOLERANCE, gamma));
}

/**
 * The longest chain of float32 roundings behind the sums `referenceInRange` compares, for a network of
 * layer sizes n_0 … n_L measured on `rows` kernel rows (probe samples × outputs): a diagonal entry of
 * K = Σ_l η_l (D_l D_lᵀ) ⊙ (H_{l−1} H_{l−1}ᵀ + [bias]) is a product of two sums of n_l and n_{l−1} terms
 * (their errors add: (1 + γ_a)(1 + γ_b) ≤ 1 + γ_{a+b}), then the bias, the product, the rate and the sum
 * over the L layers; an engine that sums ‖K‖² or ‖J‖²_η in float32 adds at most rows² terms more.
 */
export function kernelSumLength(sizes: readonly number[], rows: number): number {
  let widest = 0;
  for (let l = 1; l < sizes.length; l++) widest = Math.max(widest, sizes[l] + sizes[l - 1]);
  return widest + (sizes.length - 1) + 3 + rows * rows;
}

/**
 * Whether the first measurement's float32 features measure the changes (docs/networks.md,
 * "Measurements"): the kernel and features of a network far from unit scale leave float32's range —
 * K = Σ η_l (DDᵀ) ⊙ (HHᵀ) overflows at weights of 10¹⁹, and underflows to 0 at 10⁻²⁵ — and a change
 * against such a reference would be a wrong number. `j2`: ‖J₀‖²_η in float64 (`featureNorm2`, exact
 * but for the features' own float32 rounding); `features2` and `kernel2`: the ‖J₀‖²_η and ‖K₀‖²_F the
 * later changes are divided by, as the engine summed them; `terms`: the longest float32 sum behind them
 * (`kernelSumLength`; default 0, a short one). With τ = `rangeTolerance(terms)`, the features count when
 * j2 is finite and `features2` within τ of it; the kernel when K₀'s entries are finite, its trace
 * (float64 over them) within τ of j2, and `kernel2` within the bounds trace²/PC ≤ ‖K₀‖² ≤ trace² of a
 * positive semidefinite PC × PC matrix, widened by what entries each within τ·√(K_ii K_jj) of K's can
 * move them (`kernelAgrees`). A zero reference (every rate 0, zero features) counts.
 */
export function referenceInRange(kernel: Float32Array, j2: number, sums: { kernel2: number; features2: number; terms?: number }): { kernel: boolean; features: boolean } {
  const tolerance = rangeTolerance(sums.terms ?? 0);
  const features = Number.isFinite(j2) && near(sums.features2, j2, tolerance);
  let finite = true;
  for (let i = 0; i < kernel.length; i++) if (!Number.isFinite(kernel[i])) finite = false;
  return { kernel: finite && Number.isFinite(j2) && kernelAgrees(kernel, j2, sums.kernel2, tolerance), features };
}

/** x within `tolerance` of y (relative), x finite. */
function near(x: number, y: number, tolerance: number): boolean {
  return Number.isFinite(x) && Math.abs(x - y) <= tolerance * y;
}

/**
 * Whether the PC × PC kernel K₀ agrees with `norm2`, a sum for its trace ‖J₀‖²_η (within `tolerance`
 * τ), and with `kernel2`, a sum for ‖K₀‖²_F, within the bounds trace²/PC ≤ ‖K₀‖² ≤ trace² of a positive
 * semidefinite matrix as float32 moves them: entries each within τ·√(K_ii K_jj) of the exact ones move
 * ‖K‖_F by at most τ·trace and the trace by τ·trace, so (1/√PC − τ)/(1 + τ) · trace ≤ ‖K₀‖_F ≤
 * (1 + τ)/(1 − τ) · trace, for the trace as summed; at τ = 10⁻³ about the 10⁻³ apart they were.
 */
function kernelAgrees(kernel: Float32Array, norm2: number, kernel2: number, tolerance: number): boolean {
  const rows = Math.round(Math.sqrt(kernel.length));
  let trace = 0;
  for (let i = 0; i < rows; i++) trace += kernel[i * rows + i];
  const t2 = trace * trace;
  const low = Math.max(0, 1 / Math.sqrt(rows) - tolerance) / (1 + tolerance);
  const high = (1 + tolerance) / (1 - tolerance);
  return near(trace, norm2, tolerance) && Number.isFinite(kernel2) && kernel2 >= t2 * low * low && kernel2 <= t2 * high * high;
}

/**
 * Whether an engine's float32 reference is plainly in range without the float64 pass of
 * `referenceInRange`: its ‖J₀‖²_η and ‖K₀‖² sums finite, ‖J₀‖²_η > 0 and within τ of K₀'s trace
 * (two float32 sums of the same terms, taken differently; τ = `rangeTolerance(terms)`, as there), and
 * ‖K₀‖² within the bounds of a positive semidefinite matrix. Overflow makes a sum infinite; underflow
 * of everything makes ‖J₀‖²_η 0, and underflow of part makes the two sums disagree or leaves the lost
 * terms negligible. False sends the reference to `referenceInRange`.
 */
export function plainlyInRange(kernel: Float32Array, sums: { kernel2: number; features2: number; terms?: number }): boolean {
  return Number.isFinite(sums.features2) && sums.features2 > 0 && kernelAgrees(kernel, sums.features2, sums.kernel2, rangeTolerance(sums.terms ?? 0));
}

/**
 * The changes of the kernel and of the tangent features from the first features it is given (K_0,
 * J_0), in float64: `measure` the features of successive steps of one run.
 */
export class KernelChange {
  private reference: { features: TangentFeatures; norm: number; jNorm2: number; inRange: { kernel: boolean; features: boolean } } | null = null;

  /** `rates`: η_l per layer; `bias`: whether layers have biases. */
  constructor(
    private readonly samples: number,
    private readonly outputs: number,
    private readonly rates: readonly number[],
    private readonly bias: boolean,
  ) {}

  /**
   * The changes at these features; the first call sets the reference (0, 0) and keeps copies of them.
   * A change whose reference is out of float32's range (`referenceInRange`), or that is not finite, is NaN.
   */
  measure(f: TangentFeatures): KernelMeasure {
    const rows = this.samples * this.outputs;
    if (f.kernel.length !== rows * rows || f.deltas.length !== this.rates.length || f.inputs.length !== this.rates.length) {
      throw new Error(`KernelChange: features of ${f.kernel.length} kernel entries and ${f.deltas.length} layers, not ${rows}² and ${this.rates.length}`);
    }
    if (!this.reference) {
      let n2 = 0;
      for (let i = 0; i < f.kernel.length; i++) n2 += f.kernel[i] * f.kernel[i];
      // ‖J₀‖²_η from the features (= trace K₀, but finite where K₀ overflowed).
      const jNorm2 = featureNorm2(f, this.rates, this.bias, this.samples, this.outputs);
      const inRange = referenceInRange(f.kernel, jNorm2, { kernel2: n2, features2: jNorm2, terms: this.sumLength(f) });
      const copy = { kernel: f.kernel.slice(), deltas: f.deltas.map((d) => d.slice()), inputs: f.inputs.map((h) => h.slice()) };
      this.reference = { features: copy, norm: Math.sqrt(n2), jNorm2, inRange };
      return { kernelChange: inRange.kernel ? 0 : NaN, tangentChange: inRange.features ? 0 : NaN, featuresVanished: false };
    }
    const ref = this.reference;
    let d2 = 0;
    for (let i = 0; i < f.kernel.length; i++) {
      const e = f.kernel[i] - ref.features.kernel[i];
      d2 += e * e;
    }
    const moved2 = this.featureDistance2(f, ref.features);
    const kernelChange = ref.norm > 0 ? Math.sqrt(d2) / ref.norm : Math.sqrt(d2);
    const tangentChange = ref.jNorm2 > 0 ? Math.sqrt(moved2 / ref.jNorm2) : Math.sqrt(moved2);
    return {
      kernelChange: ref.inRange.kernel && Number.isFinite(kernelChange) ? kernelChange : NaN,
      tangentChange: ref.inRange.features && Number.isFinite(tangentChange) ? tangentChange : NaN,
      featuresVanished: ref.jNorm2 > 0 && featureNorm2(f, this.rates, this.bias, this.samples, this.outputs) === 0,
    };
  }

  /** `kernelSumLength` of the network these features are of: its layer sizes read off their shapes. */
  private sumLength(f: TangentFeatures): number {
    const rows = this.samples * this.outputs;
    const sizes = [...f.inputs.map((h) => h.length / this.samples), f.deltas[f.deltas.length - 1].length / rows];
    return kernelSumLength(sizes, rows);
  }

  /**
   * ‖J − J_0‖_F² without cancellation: per row, δhᵀ − δ₀h₀ᵀ = Δδ hᵀ + δ₀ Δhᵀ, so its squared norm is
   * |Δδ|²|h|² + 2(Δδ·δ₀)(h·Δh) + |δ₀|²|Δh|² (plus |Δδ|² for the bias), summed in float64.
   */
  private featureDistance2(f: TangentFeatures, f0: TangentFeatures): number {
    const P = this.samples;
    const C = this.outputs;
    let total = 0;
    f.deltas.forEach((d, l) => {
      if (this.rates[l] === 0) return;
      const d0 = f0.deltas[l];
      const h = f.inputs[l];
      const h0 = f0.inputs[l];
      const n = d.length / (P * C); // n_{l+1}
      const m = h.length / P; // n_l
      let s = 0;
      for (let i = 0; i < P; i++) {
        let hh = 0, hdh = 0, dhdh = 0; // prettier-ignore
        for (let k = i * m; k < (i + 1) * m; k++) {
          const dh = h[k] - h0[k];
          hh += h[k] * h[k];
          hdh += h[k] * dh;
          dhdh += dh * dh;
        }
        for (let a = 0; a < C; a++) {
          let ddd = 0, dd0 = 0, d00 = 0; // prettier-ignore
          for (let k = (i * C + a) * n; k < (i * C + a + 1) * n; k++) {
            const dd = d[k] - d0[k];
            ddd += dd * dd;
            dd0 += dd * d0[k];
            d00 += d0[k] * d0[k];
          }
          s += ddd * hh + 2 * dd0 * hdh + d00 * dhdh + (this.bias ? ddd : 0);
        }
      }
      total += this.rates[l] * s;
    });
    return total;
  }
}

/**
 * The kernel probe of a run on TensorFlow.js: holds the probe inputs, and K_0, J_0 from the first
 * `measure` (a `KernelChange`). `dispose` frees its tensors.
 */
export class TangentKernelProbe {
  private readonly x: tf.Tensor2D;
  private readonly seed: tf.Tensor2D;
  private readonly change: KernelChange;
  /** η_l as measured (`kernelUnits`). */
  private readonly rates: readonly number[];

  /** `x`: the probe samples, row-major P × n_0; `rates`: η_l per layer; `bias`: whether layers have biases. */
  constructor(
    x: Float32Array,
    private readonly samples: number,
    private readonly outputs: number,
    private readonly activation: NetworkActivation,
    private readonly outputScale: number,
    rates: readonly number[],
    private readonly bias: boolean,
  ) {
    this.x = tf.tensor2d(x, [samples, x.length / samples]);
    const units = kernelUnits(outputScale, rates);
    this.rates = units.rates;
    // ∂f_a/∂z_L = γ e_a: row (i, a) of the seed is γ times the a-th unit vector.
    const seed = new Float32Array(samples * outputs * outputs);
    for (let i = 0; i < samples; i++) for (let a = 0; a < outputs; a++) seed[(i * outputs + a) * outputs + a] = units.outputScale;
    this.seed = tf.tensor2d(seed, [samples * outputs, outputs]);
    this.change = new KernelChange(samples, outputs, units.rates, bias);
  }

  /** K and its tangent-feature change at these parameters; the first call sets the reference (0, 0). */
  measure(params: Parameters): KernelMeasure {
    return this.change.measure(this.tangentFeatures(params));
  }

  /** The kernel and the features at these parameters, read out. */
  tangentFeatures(params: Parameters): TangentFeatures {
    const features = this.features(params);
    try {
      const kernel = tf.tidy(() => this.kernel(features));
      const read = (t: tf.Tensor) => (t.dataSync() as Float32Array).slice();
      const result = { kernel: read(kernel), deltas: features.deltas.map(read), inputs: features.inputs.map(read) };
      kernel.dispose();
      return result;
    } finally {
      disposeFeatures(features);
    }
  }

  dispose(): void {
    this.x.dispose();
    this.seed.dispose();
  }

  /** δ_l for every (sample, output) row and h_{l−1} for every sample: one forward and one backward pass. */
  private features(params: Parameters): Features {
    return tf.tidy(() => {
      const fwd = forward(params, this.x, this.activation, this.outputScale);
      const L = params.wt.length;
      const P = this.samples;
      const C = this.outputs;
      const deltas: tf.Tensor2D[] = new Array(L);
      // Clones of the held tensors: the features are disposed on their own, the probe and seed are not.
      let delta = tf.clone(this.seed);
      for (let l = L - 1; l >= 0; l--) {
        deltas[l] = delta;
        if (l > 0) {
          const back = tf.matMul(delta, tf.transpose(params.wt[l]));
          const z = fwd.pre[l - 1];
          const slope = activationBackward(this.activation, tf.onesLike(z), z, fwd.inputs[l]);
          const n = z.shape[1];
          delta = tf.reshape<tf.Rank.R2>(tf.mul(tf.reshape(back, [P, C, n]), tf.reshape(slope, [P, 1, n])), [P * C, n]);
        }
      }
      return { deltas, inputs: fwd.inputs.map((h, l) => (l === 0 ? tf.clone(h) : h)) };
    });
  }

  /** K = Σ_l η_l (D_l D_lᵀ) ⊙ (H_{l−1} H_{l−1}ᵀ ⊗ 1_{C×C} + [bias]). Call inside `tf.tidy`. */
  private kernel(f: Features): tf.Tensor2D {
    const P = this.samples;
    const C = this.outputs;
    let sum: tf.Tensor | null = null;
    f.deltas.forEach((d, l) => {
      if (this.rates[l] === 0) return;
      const dd = tf.reshape(tf.matMul(d, tf.transpose(d)), [P, C, P, C]);
      const h = f.inputs[l];
      let hh: tf.Tensor = tf.matMul(h, tf.transpose(h));
      if (this.bias) hh = tf.add(hh, 1);
      const term = tf.mul(tf.mul(dd, tf.reshape(hh, [P, 1, P, 1])), this.rates[l]);
      sum = sum ? tf.add(sum, term) : term;
    });
    return tf.reshape<tf.Rank.R2>(sum ?? tf.zeros([P * C, P * C]), [P * C, P * C]);
  }
}

function disposeFeatures(f: Features): void {
  const seen = new Set<tf.Tensor>();
  for (const t of [...f.deltas, ...f.inputs]) if (!seen.has(t)) {
    seen.add(t);
    t.dispose();
  }
}
