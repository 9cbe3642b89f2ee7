/**
 * Issue 8, kind 2 (review round 2): the plain loop over (u, W) (nonlinear activations, --reference)
 * with weights too small for its 64-bit squares. At σ = 1e-160 it printed norms 0, ζ null and a label
 * from noise. Now it is refused before running, at the field to blame, with the value that works
 * (2^-511 ≈ 1.5e-154, whose square is the smallest normal double); at that value it runs, and what it
 * prints is the σ = 1e-3 run scaled: for ReLU, positively homogeneous, u and W scale together, so ζ₀ is
 * the same and |u₀| scales with σ (the independent reference: the same draws at a comfortable scale).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate } from '../../../src/core/runs/simulate';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf, refusal } from '../linearFlow/finiteConfigs';

const relu = (scaleU: number, scaleW: number, x = [1]) => ({ model: { width: 16, activation: 'relu' }, data: { x, y: 1 }, init: { scaleU, scaleW, seed: 3 }, learningRates: { u: 1, W: 1 }, time: { end: 100, points: 5 } });

test('ReLU at σ = 1e-160 is refused at init.scaleU with the value that works; at that value it is the σ = 1e-3 run scaled', () => {
  const e = refusal(() => simulate(experimentOf(relu(1e-160, 1e-160))));
  assert.equal(e.path, 'init.scaleU');
  assert.ok(e.message.startsWith('init.scaleU = 1e-160:'), e.message);
  const bound = Number(/must be ≥ about ([0-9.e+-]+)/.exec(e.message)![1]);
  assert.ok(bound >= 2 ** -511 && bound < 2e-154, `bound ${bound}`);
  const w = refusal(() => simulate(experimentOf(relu(1, 1e-160))));
  assert.equal(w.path, 'init.scaleW');
  const small = simulate(experimentOf(relu(bound, bound)));
  const ref = simulate(experimentOf(relu(1e-3, 1e-3)));
  assert.deepEqual(trajectoryProblems(small), []);
  assert.ok(Math.abs(small.zeta[0]! - ref.zeta[0]!) <= 1e-12, `ζ₀ ${small.zeta[0]} vs ${ref.zeta[0]}`);
  assert.ok(Math.abs(small.normU[0] / bound - ref.normU[0] / 1e-3) <= 1e-12 * (ref.normU[0] / 1e-3), `|u₀|/σ ${small.normU[0] / bound} vs ${ref.normU[0] / 1e-3}`);
  assert.ok(small.normW[0] > 0 && small.summary.ntkInitial! > 0);
});

test('explicit weights, the pre-activations w·x and --reference: each refused at its own field', () => {
  const explicit = { model: { width: 2, activation: 'tanh' }, data: { x: [1], y: 1 }, init: { u: [1e-160, -1e-170], W: [[0.5], [0.25]] }, learningRates: { u: 1, W: 1 }, time: { end: 10, points: 3 } };
  const a = refusal(() => simulate(experimentOf(explicit)));
  assert.equal(a.path, 'init.u');
  assert.ok(a.message.startsWith('init.u (its largest |u_i|) = 1e-160:'), a.message);
  // σ_W = 1e-50 and x = 1e-120: w·x ≈ 1e-170, blamed on the smaller, x.
  const b = refusal(() => simulate(experimentOf(relu(1, 1e-50, [1e-120]))));
  assert.equal(b.path, 'data.x');
  const bx = Number(/must be ≥ about ([0-9.e+-]+)/.exec(b.message)![1]);
  assert.deepEqual(trajectoryProblems(simulate(experimentOf(relu(1, 1e-50, [bx])))), []);
  // The linear network's plain loop (--reference) too; its recursion computes the same file.
  const linear = { ...relu(1e-160, 1e-160), model: { width: 16 } };
  assert.equal(refusal(() => simulate(experimentOf(linear), { reference: true })).path, 'init.scaleU');
  const rec = simulate(experimentOf(linear));
  assert.deepEqual(trajectoryProblems(rec), []);
  assert.ok(rec.normU[0] > 0 && rec.zeta[0] !== null);
});

test('small but representable weights run: tanh at σ = 1e-100', () => {
  const t = simulate(experimentOf({ ...relu(1e-100, 1e-100), model: { width: 16, activation: 'tanh' } }));
  assert.deepEqual(trajectoryProblems(t), []);
  assert.ok(t.normU[0] > 0 && t.zeta[0] !== null);
});

// Review round 4: "the initial output … overflows" named a field but not the values that work.
const ACTIVATION_NAMES = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'swish'] as const;
const wide = (activation: string, outputScale: number, x: number[]) => ({ model: { width: 8, activation, outputScale }, data: { x, y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 3 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 10 } });

for (const activation of ACTIVATION_NAMES) {
  test(`${activation}: an output scale of 1e300 is refused at model.outputScale with a bound, and the bound runs`, () => {
    const e = refusal(() => simulate(experimentOf(wide(activation, 1e300, [1, 2])), { reference: true }));
    assert.equal(e.path, 'model.outputScale');
    const m = /model\.outputScale must be ≤ about ([\d.e+]+)/.exec(e.message);
    assert.ok(m, e.message);
    const out = simulate(experimentOf(wide(activation, Number(m[1]), [1, 2])), { reference: true });
    assert.ok(Number.isFinite(out.summary.lossInitial) && out.summary.lossInitial > 1e300, `lossInitial ${out.summary.lossInitial}`);
  });
}

for (const activation of ['relu', 'swish'] as const) {
  test(`${activation}: an input of 1e300 is refused at data.x with a bound, and the bound runs`, () => {
    const e = refusal(() => simulate(experimentOf(wide(activation, 1, [1e300])), { reference: true }));
    assert.equal(e.path, 'data.x');
    const m = /data\.x must be ≤ about ([\d.e+]+)/.exec(e.message);
    assert.ok(m, e.message);
    assert.ok(Number.isFinite(simulate(experimentOf(wide(activation, 1, [Number(m[1])])), { reference: true }).summary.lossInitial));
  });
}
