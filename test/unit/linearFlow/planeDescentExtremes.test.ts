/**
 * Issue 8, kind 2 (review round 2): the O(1) recursion (`flab simulate`) at extreme rate ratios and
 * its residual below the precision of y.
 *
 * Rates: ũ = u/√η_u and ṽ = Wn/√η_W differ in length by √(η_W/η_u); with η_u/η_W = 1e300 (or η_W
 * subnormal) the shared power-of-two unit of the two layers underflowed the shorter: |u₀| printed 0 and
 * ζ₀ null at 1e300/1e-300, |u₀| = 1.11817 at 1e160/1e-160, and a "divergence" at step 1 for η_W = 1e-310
 * (the check summed |ũ|² + |ṽ|² in units of 1, which are not the weights). The right values come from
 * the plain loop over (u, W) (`simulate --reference`, a separate code path on the weights themselves)
 * and, for the first point, from the file: |u₀| = √1.25, ζ₀ = 1 (u ∥ W n).
 *
 * Residual: with ũ' = ũ − λrṽ, ṽ' = ṽ − λrũ, r' = r(1 − K + λ²rf) (docs/finite-rates.md §1); the loss
 * then follows the run below the precision of y (it stopped at 6.2e-33). Reference values: the same
 * gradient descent on the two lengths |u|, |Wn| of parallel layers iterated in 800-digit decimal
 * arithmetic (Python's decimal module; script in the comment of PINNED).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientDescent } from '../../../src/core/descent/gradientDescent';
import { simulate } from '../../../src/core/runs/simulate';
import { Rng } from '../../../src/core/math/rng';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf, scaledError } from './finiteConfigs';

function file(etaU: number, etaW: number, end = 100, points = 5): object {
  return { model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[0.5], [0.25]] }, learningRates: { u: etaU, W: etaW }, time: { end, points } };
}

const RATES: [number, number][] = [
  [1, 1e-310],
  [1, 2.2e-308],
  [1e-310, 1],
  [1e300, 1e-300],
  [1e-300, 1e300],
  [1e250, 1e-250],
  [1e160, 1e-160],
  [1e20, 1e-20],
  [1e-20, 1e20],
  [1e-320, 1e-320],
  [5e-324, 1],
];

for (const [etaU, etaW] of RATES) {
  test(`rates η_u ${etaU}, η_W ${etaW}: the recursion prints the plain loop's series (|u₀| = √1.25, ζ₀ = 1)`, () => {
    const e = experimentOf(file(etaU, etaW));
    const rec = simulate(e);
    const ref = simulate(e, { reference: true });
    assert.deepEqual(trajectoryProblems(rec), []);
    assert.deepEqual(rec.t, ref.t);
    assert.deepEqual(rec.summary.diverged, ref.summary.diverged);
    assert.ok(Math.abs(rec.normU[0] - Math.sqrt(1.25)) <= 4e-16, `|u₀| = ${rec.normU[0]}`);
    assert.ok(Math.abs(rec.normW[0] - Math.sqrt(0.3125)) <= 4e-16, `‖W₀‖ = ${rec.normW[0]}`);
    assert.equal(rec.zeta[0], 1);
    for (const c of ['output', 'zeta', 'normU', 'normW', 'distance'] as const) {
      const err = scaledError(rec[c], ref[c]);
      assert.ok(err <= 1e-12, `${c}: ${err} of its scale\n${rec[c]}\n${ref[c]}`);
    }
    // ntk through ln λ where λ is not a normal number (λ = √(η_u η_W) ≈ 1e-320): 1e-12 still.
    assert.ok(scaledError(rec.ntk, ref.ntk) <= 1e-12, `ntk ${rec.ntk} vs ${ref.ntk}`);
    // The loss down to the plain loop's own floor: its r = f − y is off by up to a few ε|y| (|y| = 1).
    for (let k = 0; k < rec.t.length; k++) {
      const floor = 4e-16 * Math.sqrt(2 * Math.max(ref.loss[k], rec.loss[k])) + 1e-31;
      assert.ok(Math.abs(rec.loss[k] - ref.loss[k]) <= 1e-12 * ref.loss[k] + floor, `loss at step ${rec.t[k]}: ${rec.loss[k]} vs ${ref.loss[k]}`);
    }
  });
}

test('η_W = 1e-310 (K₀ = 0.31 a step) converges as the plain loop does instead of diverging at step 1', () => {
  const rec = simulate(experimentOf(file(1, 1e-310, 200, 11)));
  assert.equal(rec.summary.diverged, null);
  assert.equal(rec.t.length, 11);
  assert.ok(rec.summary.lossFinal < 1e-40, `final loss ${rec.summary.lossFinal}`);
});

/**
 * ½r² at steps 0, 50, …, 300 (rounded to doubles) of u = (1, 0.5), W n = (0.5, 0.25), η_u = η_W = 0.3, x = 1, y = 1:
 *   from decimal import Decimal as D, getcontext; getcontext().prec = 800
 *   a, b = D(1.25).sqrt(), D(0.3125).sqrt(); eta = D('0.3')
 *   for k in range(301): r = a*b - 1; (print(k, r*r/2) if k % 50 == 0 else None); a, b = a - eta*r*b, b - eta*r*a
 */
const PINNED: [number, number][] = [
  [0, 7.03125e-2],
  [50, 4.0445575925865295e-48],
  [100, 4.654032300605317e-95],
  [150, 5.3553488012581014e-142],
  [200, 6.162346741643028e-189],
  [250, 7.090951266389466e-236],
  [300, 8.159487281448254e-283],
];

test('the loss of gradient descent follows the run below the precision of y: pinned 800-digit values to 1e-11', () => {
  const e = experimentOf({ model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[0.5], [0.25]] }, learningRates: { u: 0.3, W: 0.3 }, time: { end: 400, points: 9 } });
  const rec = gradientDescent(e);
  assert.deepEqual(rec.t, [0, 50, 100, 150, 200, 250, 300, 350, 400]);
  for (const [step, want] of PINNED) {
    const got = rec.loss[rec.t.indexOf(step)];
    assert.ok(Math.abs(got - want) <= 1e-11 * want, `step ${step}: loss ${got}, want ${want}`);
  }
  // 9.4e-330 and 1.1e-376 are below the smallest double: 0, as ½r² rounds them.
  assert.equal(rec.loss[7], 0);
  assert.equal(rec.loss[8], 0);
});

test('converging runs: the loss falls at the rate of the final kernel, (1 − K)² a step, down to 1e-250 (random cases)', () => {
  const rng = new Rng(84);
  let checked = 0;
  for (let c = 0; c < 40; c++) {
    const width = 1 + Math.floor(rng.uniform() * 5);
    const u = Array.from({ length: width }, () => rng.normal());
    const W = Array.from({ length: width }, () => [rng.normal(), rng.normal()]);
    const y = rng.normal() * 2;
    const eta = Math.exp(rng.normal() - 1.5);
    const e = experimentOf({ model: { width }, data: { x: [1, 0.5], y }, init: { u, W }, learningRates: { u: eta, W: eta * Math.exp(rng.normal()) }, time: { end: 4000, points: 4001 } });
    const rec = gradientDescent(e);
    const n = rec.t.length;
    if (rec.summary.diverged || n < 4001) continue;
    // Two reported steps k < j where the loss is between 1e-250 and 1e-40: log-linear decay at rate (1 − K_end)².
    const K = rec.ntk![n - 1];
    if (!(K > 0.01 && K < 1.9)) continue;
    const rate = 2 * Math.log(Math.abs(1 - K));
    let k = rec.loss.findIndex((l) => l < 1e-40);
    let j = rec.loss.findIndex((l) => l < 1e-250);
    if (k < 0 || j < 0 || j - k < 5) continue;
    j--;
    const slope = (Math.log(rec.loss[j]) - Math.log(rec.loss[k])) / (j - k);
    assert.ok(Math.abs(slope - rate) <= 1e-6 * Math.abs(rate), `case ${c}: slope ${slope} per step, (1 − K)² gives ${rate}`);
    for (let i = k; i < j; i++) assert.ok(rec.loss[i + 1] < rec.loss[i], `case ${c}: the loss rises at step ${i}`);
    checked++;
    k = j;
  }
  assert.ok(checked >= 15, `${checked} runs checked`);
});
