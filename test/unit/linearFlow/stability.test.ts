/**
 * summary.maxStableRateScale (bisection on the O(1) recursion) against what the plain loop over
 * (u, W) actually does just below and just above it; and the fixed-point case r₀ = 0.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { gradientDescent } from '../../../src/core/descent/gradientDescent';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { experimentOf, FiniteRaw, randomFinite } from './finiteConfigs';

function scaled(raw: FiniteRaw, f: number): FiniteRaw {
  return { ...raw, learningRates: { u: raw.learningRates.u * f, W: raw.learningRates.W * f } };
}

/** Converged: not diverged, the loss down to its floor and the kernel below 2 at the end. */
function converged(t: Trajectory): boolean {
  const s = t.summary;
  return !s.diverged && s.ntkFinal !== null && s.ntkFinal < 2 && s.lossFinal - s.irreducibleLoss <= 1e-8 * (s.lossInitial - s.irreducibleLoss);
}

test('maxStableRateScale brackets the behaviour of the plain loop: converges at 0.98×, not at 1.02×', (t) => {
  const rng = new Rng(701);
  let checked = 0;
  const failures: string[] = [];
  for (let i = 0; i < 24; i++) {
    const { raw } = randomFinite(rng, { maxWidth: 60, kernel: [0.3, 3], steps: 1, points: 2, decay: 0 });
    raw.time = { end: 4000, points: 401 };
    const s = gradientDescent(experimentOf(raw)).summary.maxStableRateScale;
    assert.ok(typeof s === 'number' && s > 0, `a scale for every linear run without decay, got ${s}`);
    const below = gradientDescent(experimentOf(scaled(raw, 0.98 * s)), { reference: true });
    const above = gradientDescent(experimentOf(scaled(raw, 1.02 * s)), { reference: true });
    checked++;
    if (!converged(below)) failures.push(`#${i}: does not converge at 0.98 × ${s}`);
    if (converged(above)) failures.push(`#${i}: still converges at 1.02 × ${s}`);
  }
  t.diagnostic(`${checked} experiments`);
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('maxStableRateScale of a run at rest (r₀ = 0) is the linear stability limit 2/K₀', () => {
  // u = (1, 0), W = [[1], [0]], x = 1, γ = 1: f₀ = 1 = y, K₀ = η_u|v|² + η_W|u|² = 0.5 + 0.25.
  const raw = { model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0], W: [[1], [0]] }, learningRates: { u: 0.5, W: 0.25 }, time: { end: 10, points: 11 } };
  const s = gradientDescent(experimentOf(raw)).summary;
  assert.ok(Math.abs(s.maxStableRateScale! - 2 / 0.75) <= 1e-15 * (2 / 0.75));
  assert.equal(s.catapult, null);
});

test('no maxStableRateScale with weight decay or a nonlinear activation', () => {
  const base = { model: { width: 3 }, data: { x: [1, 2], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 50, points: 6 } };
  assert.equal(gradientDescent(experimentOf({ ...base, weightDecay: 0.01 })).summary.maxStableRateScale, null);
  assert.equal(gradientDescent(experimentOf({ ...base, model: { width: 3, activation: 'tanh' } })).summary.maxStableRateScale, null);
});
