/**
 * Issue 8, kind 3 (review round 2): the `distance` series when both layers shrink to the saddle.
 *
 * Aligned layers u = W n = s·(0.28, 0.96) with a target of the other sign (y = −2; or anti-aligned, W n = −u,
 * with y = 2) stay parallel and shrink together: with |x| = 1, γ = 1, η_u = η_W = 1 the flow is
 * ds/dt = −(s² + 2)s, s(0) = 1, so 1/s² = 1.5e^{4t} − 0.5 and the relative distance
 * ‖θ − θ₀‖/‖θ₀‖ = 1 − s, written without cancellation as 1.5·expm1(4t)/((1.5e^{4t} − 0.5)(1 + s)).
 * That closed form is the independent reference; it tends to 1 (the layers vanish). The solver used
 * cosh S − 1 − sinh S = e^{−S} − 1 from the frame, which cancels once S ≫ 1: 1.0000153 at t = 13,
 * 4 at t = 19, 0 at t = 28–41, 4.95e27 at t = 50. Nearly aligned starts and random (anti-)aligned
 * pairs are checked against the double-double integration of the full network (test/reference).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Experiment } from '../../../src/core/experiment/experiment';
import { solve } from '../../../src/core/runs/solve';
import { Rng } from '../../../src/core/math/rng';
import { compareSeries, trajectoryProblems } from '../../reference/compare';
import { referenceFlowDD } from '../../reference/doubleDouble';

function experiment(raw: object): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  assert.ok(experiment);
  return experiment;
}

/** 1 − s(t) for 1/s² = 1.5e^{4t} − 0.5, without cancellation. */
function closedFormDistance(t: number): number {
  const w = 1.5 * Math.exp(4 * t) - 0.5;
  const s = 1 / Math.sqrt(w);
  return (1.5 * Math.expm1(4 * t)) / w / (1 + s);
}

const TIME = { end: 50, points: 50, spacing: 'log' };

for (const [what, W, y] of [
  ['aligned, y = −2', [[0.28], [0.96]], -2],
  ['anti-aligned, y = 2', [[-0.28], [-0.96]], 2],
  ['aligned along x in D = 2, y = −2', [[0.28, 0], [0.96, 0]], -2],
] as const) {
  test(`distance of shrinking ${what}: 1 − s(t) at every time, → 1, and the score agrees`, () => {
    const D = W[0].length;
    const e = experiment({ model: { width: 2 }, data: { x: D === 1 ? [1] : [1, 0], y }, init: { u: [0.28, 0.96], W }, learningRates: { u: 1, W: 1 }, time: TIME });
    const traj = solve(e);
    assert.deepEqual(trajectoryProblems(traj), []);
    for (let k = 0; k < traj.t.length; k++) {
      const want = closedFormDistance(traj.t[k]);
      const got = traj.distance[k];
      assert.ok(Math.abs(got - want) <= 1e-12 * want + 1e-300, `t = ${traj.t[k]}: distance ${got}, want ${want}`);
    }
    assert.equal(traj.distance[traj.t.length - 1], 1);
    assert.ok(Math.abs(traj.summary.scores!.distance - 1) < 1e-15, `score ${traj.summary.scores!.distance}`);
  });
}

test('distance of nearly aligned and of random (anti-)aligned shrinking pairs agrees with the double-double integration', () => {
  const rng = new Rng(8);
  const cases: object[] = [
    { model: { width: 2 }, data: { x: [1], y: -2 }, init: { u: [0.28, 0.96], W: [[0.2800001], [0.96]] }, learningRates: { u: 1, W: 1 }, time: { end: 50, points: 50, spacing: 'log' } },
  ];
  for (let c = 0; c < 6; c++) {
    const width = 1 + Math.floor(rng.uniform() * 4);
    const u = Array.from({ length: width }, () => rng.normal());
    const kappa = (c % 2 === 0 ? 1 : -1) * Math.exp(rng.normal()); // W n = κ u: parallel layers
    const etaU = Math.exp(rng.normal());
    const etaW = Math.exp(rng.normal());
    // A target of the other sign than f₀ = κ|u|²: the layers shrink to the saddle.
    const y = -Math.sign(kappa) * Math.exp(rng.normal());
    cases.push({ model: { width }, data: { x: [1], y }, init: { u, W: u.map((v) => [kappa * v]) }, learningRates: { u: etaU, W: etaW }, time: { end: 30, points: 40, spacing: 'log' } });
  }
  for (const raw of cases) {
    const e = experiment(raw);
    const traj = solve(e);
    assert.deepEqual(trajectoryProblems(traj), []);
    const ref = referenceFlowDD(e, traj.t);
    const err = compareSeries(traj, ref).distance;
    assert.ok(err.error < 1e-9, `${JSON.stringify(raw)}: distance error ${err.error} at t = ${traj.t[err.index]} (solver ${err.solver}, reference ${err.reference})`);
  }
});
