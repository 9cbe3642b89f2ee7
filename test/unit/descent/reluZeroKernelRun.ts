/**
 * A ReLU run of the linear model's simulator whose two units are inactive at the effective input ā·n = 1
 * and active on x = −1 only (K₀ = 0 there; docs/mechanisms.md, "Scores"): the breaker's run of
 * 2026-12-03, shared by the simulator's test (reluZeroKernel.test.ts) and the command line's
 * (cli/simulateZeroKernel.test.ts).
 */
export const RELU_ZERO_KERNEL_RUN = {
  model: { width: 2, outputScale: 1, activation: 'relu' },
  data: { samples: [{ x: [1], y: 1 }, { x: [-1], y: -3 }] },
  init: { u: [0.4, 0.2], W: [[-0.5], [-0.3]] },
  learningRates: { u: 0.1, W: 0.1 },
  time: { end: 200, points: 3 },
};
