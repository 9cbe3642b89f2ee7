/**
 * The fixed model of work in which a run's measurements are counted against its training
 * (docs/networks.md, "Cadence"): multiply-adds of TensorFlow.js's products, plus what each other cost
 * is worth in them. Fixed, never timed, so that the same seed on the same machine measures at the same
 * records. No TensorFlow.js import: the experiment's defaults (the record cadence) are set with it too.
 */
import { NetworkActivation, parameterCount } from './spec';

/** Work of one TensorFlow.js operation's fixed cost, in multiply-adds (~25 µs). */
export const OP_WORK = 4e5;
/**
 * ONNX Runtime's step in the same work units (the measurements run on TensorFlow.js, so their share is
 * counted against what the step would cost there): its products take 1/6 of TensorFlow.js's time, the
 * parameters fed in and the new ones read out cost about 40 units each, and a run of the graph about
 * 3.3·10⁶ (≈ 0.2 ms). Fitted to steps of 784-256³-10 (batch 128 and 32), 8-16³-2 and 100-64³-10, and checked on
 * 256-512³-10 within 8% (docs/networks.md, "Speed").
 */
export const ONNX_PRODUCT_SHARE = 1 / 6;
export const ONNX_PARAMETER_WORK = 40;
export const ONNX_RUN_WORK = 3.3e6;
/**
 * A multiply-add of the WebAssembly loops (math/kernels.ts: Lanczos on a Gram matrix with its
 * Gram–Schmidt passes, ζ's inner products) in the same units: about 0.4 ns against TensorFlow.js's
 * ≈ 1/12 ns per unit (6·10⁸ units ≈ 50 ms); the JavaScript loops they replaced took about 1 ns (12).
 */
export const WASM_WORK = 5;
/**
 * A multiply-add of a one-column product on TensorFlow.js's WebAssembly backend (a Lanczos step on a
 * layer's products: W·v and Wᵀ·u, 2·r·c of them) in the same units: such a product reads every weight
 * for one multiply-add, so it runs at memory speed, about 0.8 ns a multiply-add, not at the ≈ 1/12 ns of
 * the steps' matrix products. Measured beside ONNX Runtime's steps of 64-2048-2048-10 at batch 32, in one
 * process: 9.6 units for a 2048² layer, 11.6 for 2048 × 784, 9.4 for 256 × 784 (2026-12-03; counted
 * at 1 until then, when ζ_top on 2048² layers took 5–16 times its modelled share).
 */
export const LANCZOS_PRODUCT_WORK = 10;
/**
 * What the tangent kernel's first measurement on ONNX Runtime pays besides its modeled work: its graph
 * encoded (≈ 1.2 ms) and its session built (≈ 2.2 ms), and a first run slower than the next (≈ 1 ms),
 * on 784-256³-10 (docs/networks.md, "Speed"). Counted in the kernel's share, so that a short run does
 * not measure it a third time on work its first measurement already spent (an epoch of MNIST did:
 * 10.2% of its time measuring, 2026-12-02).
 */
export const ONNX_KERNEL_SETUP_WORK = 6e7;
/**
 * A record's norms and distances per weight: every weight matrix read back, copied into the
 * WebAssembly memory with θ₀, and summed in float64 — 0.33 ms a record on 784-256³-10 (335,000
 * weights), measured beside steps of 2.5–3 ms (2026-12-02).
 */
export const RECORD_WORK_PER_WEIGHT = 12;
/**
 * A record's dead-unit scan per hidden weight, for a ReLU network (deadUnits.ts: every weight matrix but
 * the last copied into the WebAssembly memory and one sample's forward pass through it, which is where a
 * live network's scan stops): 0.20–0.36 ms a record on 784-256³-10 (331,000 hidden weights), beside
 * norms and distances of 0.4–0.8 ms, in fresh epochs of MNIST (2026-12-03). Counted with
 * RECORD_WORK_PER_WEIGHT in the default cadence (`leastDefaultRecordEvery`): a record of a ReLU network
 * costs both.
 */
export const DEAD_SCAN_RECORD_WORK_PER_WEIGHT = 9;
/**
 * The share of the steps' work that a default record cadence lets the records' norms, distances and
 * dead-unit scans take (`leastDefaultRecordEvery`): beside the first and the last record's ζ, ζ_top and
 * kernel (about 8–9% of one fresh epoch of MNIST, most of it fixed costs of the first), about a point of
 * the 10% (docs/networks.md, "Cadence"). Half of that gave the same shares within their spread.
 */
export const DEFAULT_RECORD_SHARE = 0.01;

/** Work of one step on ONNX Runtime of `rows` samples through weight matrices of `weights` entries in all. */
export function onnxStepWork(rows: number, weights: number): number {
  return 3 * rows * weights * ONNX_PRODUCT_SHARE + ONNX_PARAMETER_WORK * weights + ONNX_RUN_WORK;
}

/**
 * A work unit's wall time in ms: TensorFlow.js's products run at about 1/12 ns a multiply-add (see
 * WASM_WORK: 6·10⁸ units ≈ 50 ms). The model is fixed and the machine is not: a time from it is an order
 * of magnitude to warn with (`plannedTrainingMs`), never a measurement.
 */
export const WORK_UNIT_MS = 1 / 12 / 1e6;

/**
 * The modeled wall time in ms of `steps` training steps on ONNX Runtime (`onnxStepWork` × WORK_UNIT_MS)
 * of `rows` samples each through layers of `sizes` (input first): the steps alone, without the
 * records' measurements (about DEFAULT_RECORD_SHARE and the first and last records' ζ more) or the
 * data's loading. 20,000 steps of 784-256³-10 at batch 128: about 1 min.
 */
export function plannedTrainingMs(steps: number, rows: number, sizes: readonly number[]): number {
  return steps * onnxStepWork(Math.max(1, rows), parameterCount(sizes, false)) * WORK_UNIT_MS;
}

/**
 * The least record cadence a file that does not set `training.record.every` gets: steps enough between
 * two records that what every record costs — its norms and distances, and for a ReLU network its
 * dead-unit scan — takes at most DEFAULT_RECORD_SHARE of the steps' work. `sizes`: the layer sizes,
 * input first; `rows`: the samples of a step; `activation`: the hidden layers' (only `relu` is
 * scanned). 1 for all but wide networks on small batches: 19 for a ReLU 784-256³-10 at batch 128
 * (11 with other activations; one a step cost 15% of an epoch, 2026-12-02).
 */
export function leastDefaultRecordEvery(sizes: readonly number[], rows: number, activation: NetworkActivation): number {
  const weights = parameterCount(sizes, false);
  const hidden = weights - sizes[sizes.length - 2] * sizes[sizes.length - 1];
  const perRecord = RECORD_WORK_PER_WEIGHT * weights + (activation === 'relu' ? DEAD_SCAN_RECORD_WORK_PER_WEIGHT * hidden : 0);
  return Math.max(1, Math.ceil(perRecord / (DEFAULT_RECORD_SHARE * onnxStepWork(Math.max(1, rows), weights))));
}
