/**
 * Dead ReLU units at the initial weights θ₀, and at a record's weights (docs/networks.md, "Labels"): a hidden unit whose
 * pre-activation z = W_l h_{l−1} + b_l is ≤ 0 on every training sample has φ(z) = 0 and φ′(z) = 0
 * (the trainers' relu′(0) = 0, as PyTorch's: src/core/mechanisms/reluAtZero.ts) there, so no gradient
 * flows through it. When every unit
 * of one hidden layer is dead, the network's outputs do not depend on its input and no weight up to
 * that layer ever receives a gradient: the run cannot learn a feature, whatever its rates — a dead
 * network, which gets no label and a note that names the cause. A network that dies during training
 * (large steps push every unit of a layer below 0: `deadAtEnd`) is the same network from then on.
 */
import type { WeightMatrix } from './layerMetrics';
import { ACTIVATIONS } from '../mechanisms/activation';
import type { NetworkActivation } from './spec';
import type { DeadUnits } from '../mechanisms/layerLabel';
import { NETWORK_RELU_AT_ZERO, reluDeadAt, type ReluAtZero } from '../mechanisms/reluAtZero';
import { KERNEL_CHUNK, kernels } from '../math/kernels';

export type { DeadLayer, DeadUnits } from '../mechanisms/layerLabel';

/** Multiply-adds the scan may spend (a fraction of a second on the WebAssembly kernels: `npm run bench`, "dead-unit scan"); beyond it, as many samples as fit, spread over the set (`scannedSample`). */
export const DEAD_SCAN_WORK = 5e8;

/** How a scan reads the network (all optional). */
export interface DeadScanOptions {
  /** Multiply-adds it may spend (default DEAD_SCAN_WORK). */
  maxWork?: number;
  /** b_1 … b_L; absent or null: 0, as at θ₀. */
  biases?: readonly Float32Array[] | null;
  /**
   * relu′(0) of the engine that trains the weights (src/core/mechanisms/reluAtZero.ts): the network
   * trainers' 0 by default — a pre-activation of exactly 0 passes no gradient there, so it is dead.
   */
  atZero?: ReluAtZero;
}

/**
 * The index of the `k`-th sample (0-based) a scan of `samples` of the `count` training samples reads:
 * every one in order when it reads them all, else ⌊k·count / samples⌋ — a fixed stride of count /
 * samples from sample 0, spread over the whole set (a set sorted by class is read in every class),
 * the same at every scan. 0 ≤ k < samples ≤ count.
 */
export function scannedSample(k: number, samples: number, count: number): number {
  return samples === count ? k : Math.floor((k * count) / samples);
}

/**
 * The dead hidden units of a network with weights `weights` (W_1 … W_L as rows, outputs × inputs) on
 * the inputs `x` (row-major `count` × W_1's columns), with `options.biases` (b_1 … b_L; default 0);
 * null unless the activation is `relu`, the only one with φ′ = 0 on a half-line. A unit is dead on a
 * sample where relu′ of its pre-activation is 0, relu′(0) being `options.atZero` (default: the network
 * trainers' 0, so z ≤ 0 is dead; a NaN is not: `reluDeadAt`). The forward pass is in float64 from the float32 weights and inputs
 * (the trainer's float32 sums may differ in sign only for a pre-activation within rounding of 0).
 * Stops early — with `deadLayer` null — once every hidden layer has an active unit; otherwise scans
 * every sample, or, when they do not fit `options.maxWork` multiply-adds, as many as do spread over
 * the set at a fixed stride (`scannedSample`): `samples` < `of` then, and a layer dead on every sample
 * scanned is `deadLayer`, dead on those samples (the notes say "on the N training samples scanned of
 * M"). O(samples · Σ n_{l−1} n_l).
 */
export function deadUnitsAt(activation: NetworkActivation, weights: readonly WeightMatrix[], x: Float32Array, count: number, options: DeadScanOptions = {}): DeadUnits | null {
  if (activation !== 'relu' || weights.length < 2 || count === 0) return null;
  const { maxWork = DEAD_SCAN_WORK, biases = null, atZero = NETWORK_RELU_AT_ZERO } = options;
  const hidden = weights.slice(0, -1);
  const perSample = hidden.reduce((s, w) => s + w.rows * w.cols, 0);
  const samples = Math.max(1, Math.min(count, Math.floor(maxWork / Math.max(1, perSample))));
  const alive = hidden.map((w) => new Uint8Array(w.rows));
  const aliveCount = hidden.map(() => 0);
  const forward = new LayerProducts(hidden);
  const n0 = hidden[0].cols;
  let scanned = 0;
  for (let k = 0; k < samples; k++) {
    const s = scannedSample(k, samples, count);
    // After a first sample that left a layer without an active unit the scan goes on, perhaps over
    // thousands of samples: the weights are then copied into the kernels' memory once, not per sample.
    if (k === 1) forward.makeResident();
    let h = forward.input(x.subarray(s * n0, (s + 1) * n0));
    for (let l = 0; l < hidden.length; l++) {
      const { z, at } = forward.product(l, h);
      const b = biases?.[l];
      for (let i = 0; i < hidden[l].rows; i++) {
        const acc = b ? z[at + i] + b[i] : z[at + i];
        z[at + i] = acc > 0 ? acc : 0;
        if (!alive[l][i] && !reluDeadAt(acc, atZero)) {
          alive[l][i] = 1;
          aliveCount[l]++;
        }
      }
      h = 8 * at;
    }
    scanned = k + 1;
    if (aliveCount.every((a) => a > 0)) break;
  }
  const layers = hidden.map((w, l) => ({ layer: l + 1, dead: w.rows - aliveCount[l], units: w.rows }));
  const first = layers.find((l) => l.dead === l.units);
  // An early stop saw every layer alive: its counts are of the samples scanned, and no layer is dead.
  return { layers, samples: scanned, of: count, deadLayer: first && scanned === samples ? first.layer : null };
}

/**
 * The scan's products W_l h_{l−1} on the WebAssembly kernels (math/kernels.ts: `matvecF32`, float64 sums
 * of float32 weights; `matvec` for float64 ones), in place of a JavaScript loop: a scan runs a few
 * times a run, too few for V8 to optimise a loop of its own, and that loop took 10–45 ms of CPU for
 * one MNIST sample through 784-256-256-256 (330,000 multiply-adds; 2026-12-03), against well under a
 * millisecond here. The weights are copied in blocks of at most KERNEL_CHUNK entries through memory
 * the layer metrics have already touched (a fresh page is dear: docs/networks.md, "Speed"), or, once
 * `makeResident` has copied them whole, read where they lie. The sums run in another order than
 * the trainer's, so a pre-activation within rounding of 0 may differ in sign, as in float64 it may anyway.
 */
class LayerProducts {
  private readonly k = kernels();
  private readonly single: boolean;
  private readonly block: number;
  private readonly width: number;
  /** Byte addresses of each layer's weights once resident, else null (copied in blocks at 0). */
  private resident: number[] | null = null;
  /** Byte addresses of the two float64 vectors h and z, each `width` entries. */
  private at: [number, number];
  private mem: Float64Array;

  constructor(private readonly hidden: readonly WeightMatrix[]) {
    this.single = hidden.every((w) => w.data instanceof Float32Array);
    this.block = Math.max(KERNEL_CHUNK, ...hidden.map((w) => w.cols));
    this.width = Math.max(...hidden.map((w) => Math.max(w.rows, w.cols)));
    this.at = [0, 0];
    this.mem = this.layout((this.single ? 4 : 8) * this.block);
  }

  /** Places h and z after `bytes` of weights and reserves the memory; returns its float64 view. */
  private layout(bytes: number): Float64Array {
    const h = 8 * Math.ceil(bytes / 8);
    this.at = [h, h + 8 * this.width];
    return (this.mem = this.k.reserve(h / 8 + 2 * this.width));
  }

  /** Copies every layer's weights into the kernels' memory, unless it cannot grow that far (then blocks, as before). */
  makeResident(): void {
    if (this.resident) return;
    const size = this.single ? 4 : 8;
    const offsets: number[] = [];
    let bytes = 0;
    for (const w of this.hidden) {
      offsets.push(bytes);
      bytes += size * w.rows * w.cols;
    }
    try {
      this.layout(bytes);
    } catch (e) {
      if (e instanceof RangeError) return;
      throw e;
    }
    const view = this.single ? this.k.float32() : this.mem;
    this.hidden.forEach((w, l) => view.set(w.data, offsets[l] / size));
    this.resident = offsets;
  }

  /** Puts a sample's inputs in h; returns h's byte address. */
  input(sample: Float32Array): number {
    this.mem.set(sample, this.at[0] / 8);
    return this.at[0];
  }

  /** W_l times the vector at byte address `h` (h or z), into the other one: the kernels' float64 view and the product's first entry there. */
  product(l: number, h: number): { z: Float64Array; at: number } {
    const { rows, cols, data } = this.hidden[l];
    const out = h === this.at[0] ? this.at[1] : this.at[0];
    const matvec = this.single ? this.k.exports.matvecF32 : this.k.exports.matvec;
    if (this.resident) {
      matvec(this.resident[l], rows, cols, h, out);
    } else {
      const view = this.single ? this.k.float32() : this.mem;
      const per = Math.max(1, Math.floor(this.block / cols));
      for (let r = 0; r < rows; r += per) {
        const end = Math.min(rows, r + per);
        view.set(data.subarray(r * cols, end * cols), 0);
        matvec(0, end - r, cols, h, out + 8 * r);
      }
    }
    return { z: this.mem, at: out / 8 };
  }
}

/**
 * Whether two readings of a hidden layer agree: every unit within float32's unit roundoff (2⁻²⁴) of
 * the layer's largest |value| in `a` — below what the float32 trainer resolves at that scale (a tanh
 * unit at 1 − 10⁻⁹ is 1 there) — and exactly when that value is 0.
 */
function sameLayer(a: Float64Array, b: Float64Array): boolean {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  const tolerance = scale * 2 ** -24;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance)) return false;
  return true;
}

/**
 * The first hidden layer (1-based) that reads the same values on every one of the samples `rows`
 * (indices into the row-major inputs `x`, each W_1's columns wide) — the network's outputs then do not
 * depend on its input there: its units saturated (tanh at ±1, sigmoid at 0 or 1), or died (ReLU at 0)
 * — else null; null too with no hidden layer, fewer than two rows, or rows whose inputs are all the
 * same (nothing to tell apart). "The same": within float32's unit roundoff of the layer's largest |value|
 * on the first row (`sameLayer`). Forward pass in float64 from the float32 weights, with `biases`
 * (b_1 … b_L, null: 0) and the activation (docs/networks.md, "Labels", `constantAtEnd`). Stops as soon
 * as the last hidden layer differs between two rows (a live network: after the second), since every
 * layer before a differing one differs too; O(rows · Σ n_{l−1} n_l) at most.
 */
export function constantHiddenLayer(activation: NetworkActivation, weights: readonly WeightMatrix[], x: Float32Array, rows: readonly number[], biases: readonly Float32Array[] | null = null): number | null {
  if (weights.length < 2 || rows.length < 2) return null;
  const hidden = weights.slice(0, -1);
  const n0 = hidden[0].cols;
  const sample = (r: number) => x.subarray(r * n0, (r + 1) * n0);
  const first = sample(rows[0]);
  if (rows.every((r) => { const s = sample(r); return s.every((v, i) => v === first[i]); })) return null;
  const forward = new LayerProducts(hidden);
  // φ of a float64 pre-activation, as the trainers apply it (model.ts `activate`, onnx/stepGraph.ts).
  const phi = ACTIVATIONS[activation].value;
  const read = (r: number): Float64Array[] => {
    let h = forward.input(sample(r));
    return hidden.map((w, l) => {
      const { z, at } = forward.product(l, h);
      const b = biases?.[l];
      const out = new Float64Array(w.rows);
      for (let i = 0; i < w.rows; i++) out[i] = z[at + i] = phi(b ? z[at + i] + b[i] : z[at + i]);
      h = 8 * at;
      return out;
    });
  };
  const reference = read(rows[0]);
  const differs = hidden.map(() => false);
  const lastLayer = hidden.length - 1;
  for (let k = 1; k < rows.length && !differs[lastLayer]; k++) {
    // A network that is not constant is told after two samples, each read through a small block of
    // the kernels' memory; the weights are copied in whole (growing that memory: fresh pages, about a
    // millisecond of a fresh MNIST epoch's end) only for a third.
    if (k === 2) forward.makeResident();
    const layers = read(rows[k]);
    layers.forEach((h, l) => (differs[l] ||= !sameLayer(reference[l], h)));
  }
  if (differs[lastLayer]) return null;
  return differs.indexOf(false) + 1;
}
