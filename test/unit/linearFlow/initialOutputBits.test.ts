/**
 * The initial output and loss of one θ₀ are the same bits whatever the learning rates (a breaker's
 * finding 10, 2026-12-03): they were λ ũ₀·ṽ₀ with ũ₀ = u₀/√η_u, which rounds differently with each η
 * (0.23373318387499048 beside 0.2337331838749904 in one sweep's CSV). Now f(θ₀) = γ ā u₀·(W₀n) from
 * the layers without the rates, in the exact flow, with weight decay, in gradient descent and in the
 * phase diagram's cells.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { experimentOf } from './finiteConfigs';

const RATES = [0.1, 0.3, 1.1, 2.7, 1e-3, 37];

for (const weightDecay of [0, 0.01]) {
  test(`the initial output and loss of one θ₀ do not depend on η (weightDecay ${weightDecay}): solve and simulate`, () => {
    for (const [name, run] of [['solve', solve], ['simulate', simulate]] as const) {
      for (const init of [{ scaleU: 0.5, scaleW: 0.5, seed: 0 }, { u: [0.3, -0.7, 0.11], W: [[0.2, 0.9], [-0.4, 0.1], [0.33, -0.25]] }]) {
        const x = 'seed' in init ? [1] : [0.6, -1.3];
        const width = 'seed' in init ? 8 : 3;
        const seen = RATES.map((u) => run(experimentOf({ model: { width, outputScale: 1.7 }, data: { x, y: 1 }, init, learningRates: { u, W: 0.1 }, weightDecay, time: { end: 5, points: 3 } })));
        const losses = new Set(seen.map((t) => t.summary.lossInitial));
        const outputs = new Set(seen.map((t) => t.output[0]));
        assert.equal(losses.size, 1, `${name}: lossInitial ${[...losses].join(' / ')}`);
        assert.equal(outputs.size, 1, `${name}: output at t = 0 ${[...outputs].join(' / ')}`);
      }
    }
  });
}
