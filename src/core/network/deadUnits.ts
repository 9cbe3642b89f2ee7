/**
 * Dead ReLU units at the initial weights θ₀, and at a record's weights (docs/networks.md, "Labels"): a hidden unit whose
 * pre-activation z = W_l h_{l−1} + b_l is ≤ 0 on every training sample has φ(z) = 0 and φ′(z) = 0
 * (the trainer's φ′(0), taken from the left) there, so no gradient flows through it. When every unit
 * of one hidden layer is dead, the network's outputs do not depend on its input and no weight up to
 * that layer ever receives a gradient: the run cannot learn a feature, whatever its rates — a dead
 * network, which gets no label and a note that names the cause. A network that dies during training
 * (large steps push every unit of a layer below 0: `deadAtEnd`) is the same network from then on.
 */
import type { WeightMatrix } from './layerMetrics';
import type { NetworkActivation } from './spec';
import type { DeadUnits } from '../mechanisms/layerLabel';

export type { DeadLayer, DeadUnits } from '../mechanisms/layerLabel';

/** Multiply-adds the scan may spend (about 0.5 s of plain JavaScript); beyond it, the first samples that fit. */
export const DEAD_SCAN_WORK = 5e8;

/**
 * The dead hidden units of a network with weights `weights` (W_1 … W_L as rows, outputs × inputs)
 * and biases `biases` (b_1 … b_L; absent or null: 0, as at θ₀) on the inputs `x` (row-major `count` ×
 * W_1's columns); null unless the
 * activation is `relu`, the only one with φ′ = 0 on a half-line. The forward pass is in float64 from
 * the float32 weights and inputs (the trainer's float32 sums may differ in sign only for a
 * pre-activation within rounding of 0). Stops early — with `deadLayer` null — once every hidden layer
 * has an active unit; otherwise scans every sample, or the first ones whose work fits `maxWork`
 * multiply-adds (`samples` says how many). O(samples · Σ n_{l−1} n_l).
 */
export function deadUnitsAt(activation: NetworkActivation, weights: readonly WeightMatrix[], x: Float32Array, count: number, maxWork = DEAD_SCAN_WORK, biases?: readonly Float32Array[] | null): DeadUnits | null {
  if (activation !== 'relu' || weights.length < 2 || count === 0) return null;
  const hidden = weights.slice(0, -1);
  const perSample = hidden.reduce((s, w) => s + w.rows * w.cols, 0);
  const samples = Math.max(1, Math.min(count, Math.floor(maxWork / Math.max(1, perSample))));
  const alive = hidden.map((w) => new Uint8Array(w.rows));
  const aliveCount = hidden.map(() => 0);
  const width = Math.max(...hidden.map((w) => Math.max(w.rows, w.cols)));
  let h = new Float64Array(width);
  let z = new Float64Array(width);
  let scanned = 0;
  for (let s = 0; s < samples; s++) {
    const n0 = hidden[0].cols;
    for (let j = 0; j < n0; j++) h[j] = x[s * n0 + j];
    for (let l = 0; l < hidden.length; l++) {
      const { rows, cols, data } = hidden[l];
      const b = biases?.[l];
      for (let i = 0; i < rows; i++) {
        let acc = b ? b[i] : 0;
        for (let j = 0; j < cols; j++) acc += data[i * cols + j] * h[j];
        z[i] = acc > 0 ? acc : 0;
        if (acc > 0 && !alive[l][i]) {
          alive[l][i] = 1;
          aliveCount[l]++;
        }
      }
      [h, z] = [z, h];
    }
    scanned = s + 1;
    if (aliveCount.every((a) => a > 0)) break;
  }
  const layers = hidden.map((w, l) => ({ layer: l + 1, dead: w.rows - aliveCount[l], units: w.rows }));
  const first = layers.find((l) => l.dead === l.units);
  // An early stop saw every layer alive: its counts are of the samples scanned, and no layer is dead.
  return { layers, samples: scanned, of: count, deadLayer: first && scanned === count ? first.layer : null };
}
