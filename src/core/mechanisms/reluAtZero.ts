/**
 * ReLU at a pre-activation of exactly 0, and the dead-unit test that follows from it (docs/networks.md,
 * "Labels", `deadAtStart`; docs/phase-diagram.md, "Gradient descent", the dead outcome).
 *
 * Convention: a unit is dead on a sample where the derivative the training itself uses, φ′(z), is 0 —
 * the dead test asks whether any gradient reaches the weights through the unit, and that is φ′(z) ≠ 0,
 * so it takes φ′(0) from the engine that trains the weights it tests, never one of its own:
 * - the gradient-descent simulator (src/core/mechanisms/activation.ts) takes relu′(0) = 1: a pre-activation
 *   of exactly 0 passes the gradient, so it is alive (`SIMULATOR_RELU_AT_ZERO`);
 * - the network trainers take relu′(0) = 0, as PyTorch does — ONNX Runtime's step graph
 *   (src/core/network/onnx/stepGraph.ts: Where(Greater(z, 0), d, 0)) and TF.js (src/core/network/model.ts:
 *   tf.step(z, 0), which is 1 only above 0) — so a pre-activation of exactly 0 passes nothing and is dead
 *   (`NETWORK_RELU_AT_ZERO`).
 * A NaN pre-activation is a blow-up, not a dead unit: neither scan counts it dead (`reluDeadAt`), so
 * a run whose weights are no longer numbers is reported as one that blew up, never as a dead network.
 * The two engines keep their own φ′(0): changing the simulator's would stop the gradient of every ReLU
 * network initialised at W = 0 (every w_i·x = 0) and change what `flab simulate` prints.
 */

/** relu′(0), the derivative a ReLU passes at a pre-activation of exactly 0: 1 (alive at 0) or 0 (dead at 0). */
export type ReluAtZero = 0 | 1;

/** The gradient-descent simulator's relu′(0) (activation.ts; leaky_relu′(0) = 1 too). */
export const SIMULATOR_RELU_AT_ZERO: ReluAtZero = 1;

/** The network trainers' relu′(0): ONNX Runtime's step graph and TF.js (leaky_relu′(0) = 0.01 there). */
export const NETWORK_RELU_AT_ZERO: ReluAtZero = 0;

/** Whether a ReLU passes a gradient at pre-activation `z` (relu′(z) ≠ 0) when relu′(0) is `atZero`: z > 0, or z = 0 where `atZero` is 1; never for NaN (the simulator's derivative). */
export function reluPasses(z: number, atZero: ReluAtZero): boolean {
  return z > 0 || (z === 0 && atZero === 1);
}

/** Whether a ReLU unit is dead at pre-activation `z` (the dead scans' test) when relu′(0) is `atZero`: relu′(z) = 0 for a number — z < 0, or z = 0 where `atZero` is 0; a NaN is not (a blow-up). */
export function reluDeadAt(z: number, atZero: ReluAtZero): boolean {
  return z < 0 || (z === 0 && atZero === 0);
}
