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
import type { NetworkActivation } from './spec';
import type { DeadUnits } from '../mechanisms/layerLabel';
import { NETWORK_RELU_AT_ZERO, reluDeadAt, type ReluAtZero } from '../mechanisms/reluAtZero';

export type { DeadLayer, DeadUnits } from '../mechanisms/layerLabel';

/** Multiply-adds the scan may spend (about 0.5 s of plain JavaScript); beyond it, as many samples as fit, spread over the set (`scannedSample`). */
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
  const width = Math.max(...hidden.map((w) => Math.max(w.rows, w.cols)));
  let h = new Float64Array(width);
  let z = new Float64Array(width);
  let scanned = 0;
  for (let k = 0; k < samples; k++) {
    const s = scannedSample(k, samples, count);
    const n0 = hidden[0].cols;
    for (let j = 0; j < n0; j++) h[j] = x[s * n0 + j];
    for (let l = 0; l < hidden.length; l++) {
      const { rows, cols, data } = hidden[l];
      const b = biases?.[l];
      for (let i = 0; i < rows; i++) {
        let acc = b ? b[i] : 0;
        for (let j = 0; j < cols; j++) acc += data[i * cols + j] * h[j];
        z[i] = acc > 0 ? acc : 0;
        if (!alive[l][i] && !reluDeadAt(acc, atZero)) {
          alive[l][i] = 1;
          aliveCount[l]++;
        }
      }
      [h, z] = [z, h];
    }
    scanned = k + 1;
    if (aliveCount.every((a) => a > 0)) break;
  }
  const layers = hidden.map((w, l) => ({ layer: l + 1, dead: w.rows - aliveCount[l], units: w.rows }));
  const first = layers.find((l) => l.dead === l.units);
  // An early stop saw every layer alive: its counts are of the samples scanned, and no layer is dead.
  return { layers, samples: scanned, of: count, deadLayer: first && scanned === samples ? first.layer : null };
}
