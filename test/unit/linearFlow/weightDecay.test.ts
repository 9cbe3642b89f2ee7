/**
 * Weight decay: the reduced solver (src/core/linearFlow/weightDecay.ts) against an independent integration of
 * the FULL flow dθ/dt = −(η_u, η_W) ∘ (∇L(θ) + ρθ) over all d(D+1) parameters — a plain adaptive
 * Dormand–Prince 5(4) written here, on the loss of the samples themselves — and the objective's
 * monotone decrease. Agreement: |solver − reference| ≤ 1e-8 · max(|reference|, 1e-3 · series scale).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { seriesError, trajectoryProblems } from '../../reference/compare';
import { initialState, lossGradient, measure, networkOf } from '../../reference/network';
import { experimentOf, logUniform, randomFinite } from './finiteConfigs';
import { Experiment } from '../../../src/core/experiment/experiment';

const TOLERANCE = 1e-8;

// Dormand–Prince 5(4) for an autonomous system (nodes 0, 1/5, 3/10, 4/5, 8/9, 1, 1 are not needed):
// stages, 5th-order weights (= last stage row) and error weights b − b̂.
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Adaptive DP5 for y' = F(y) to each of `times`, componentwise relative tolerance with a floor of `atol`. */
function dopri5(F: (y: Float64Array, out: Float64Array) => void, y0: Float64Array, times: readonly number[], rtol: number, atol: number): Float64Array[] {
  const n = y0.length;
  const y = Float64Array.from(y0);
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const tmp = new Float64Array(n);
  const out: Float64Array[] = [];
  let t = 0;
  let h = 1e-3;
  let steps = 0;
  for (const target of times) {
    while (t < target) {
      if (++steps > 3_000_000) throw new Error('dopri5: too many steps');
      const last = t + h >= target;
      const step = last ? target - t : h;
      F(y, k[0]);
      for (let s = 1; s < 7; s++) {
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let j = 0; j < s; j++) acc += A[s][j] * k[j][i];
          tmp[i] = y[i] + step * acc;
        }
        F(tmp, k[s]);
      }
      // tmp now holds the 5th-order solution (the last stage's argument).
      let err = 0;
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let s = 0; s < 7; s++) e += E[s] * k[s][i];
        const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(tmp[i]));
        err = Math.max(err, Math.abs(step * e) / sc);
      }
      if (err <= 1) {
        y.set(tmp);
        t = last ? target : t + step;
      }
      const factor = Math.min(5, Math.max(0.2, 0.9 * Math.pow(err > 0 ? 1 / err : 1e5, 1 / 5)));
      if (!last || err > 1) h = step * factor;
    }
    out.push(Float64Array.from(y));
  }
  return out;
}

/** The full flow with weight decay, measured like the solver (plus the objective). */
function referenceDecay(e: Experiment, times: readonly number[]) {
  const net = networkOf(e);
  const rho = e.weightDecay ?? 0;
  const theta0 = initialState(e);
  let scale = 0;
  for (const v of theta0) scale = Math.max(scale, Math.abs(v));
  const F = (th: Float64Array, out: Float64Array) => {
    lossGradient(net, th, out);
    for (let i = 0; i < th.length; i++) out[i] = -(i < net.d ? net.etaU : net.etaW) * (out[i] + rho * th[i]);
  };
  const states = dopri5(F, theta0, times, 1e-13, 1e-300 * scale);
  const ms = states.map((th) => measure(net, th, theta0));
  const norm2 = states.map((th) => th.reduce((s, v) => s + v * v, 0));
  return {
    output: ms.map((m) => m.output),
    loss: ms.map((m) => m.loss),
    zeta: ms.map((m) => m.zeta),
    normU: ms.map((m) => m.normU),
    normW: ms.map((m) => m.normW),
    ntk: ms.map((m) => m.ntk),
    distance: ms.map((m) => m.distance),
    objective: ms.map((m, i) => m.loss + 0.5 * rho * norm2[i]),
  };
}

const QUANTITIES = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance', 'objective'] as const;

function decayConfigs(seed: number, count: number) {
  const rng = new Rng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const { raw } = randomFinite(rng, { maxWidth: 12, kernel: [0.05, 3], steps: 1, points: 2, decay: 0 });
    if (i % 3 === 0) raw.learningRates.W = raw.learningRates.u; // equal rates: the scalar ODE
    const etaMax = Math.max(raw.learningRates.u, raw.learningRates.W);
    raw.weightDecay = logUniform(rng, 0.02, 0.5) / etaMax;
    const { time: _ignored, ...rest } = raw;
    out.push({ ...rest, time: { points: 25, spacing: i % 2 === 0 ? 'linear' : 'log' } });
  }
  return out;
}

test('weight decay: the reduced solver agrees with the full flow over (u, W), equal and unequal rates', (t) => {
  const failures: string[] = [];
  const worst: Record<string, number> = {};
  let equal = 0;
  for (const [i, raw] of decayConfigs(601, 24).entries()) {
    const e = experimentOf(raw);
    if (e.learningRates.u === e.learningRates.W) equal++;
    const traj: Trajectory = solve(e);
    const problems = trajectoryProblems(traj);
    assert.ok(traj.objective, 'an objective column with weight decay');
    const ref = referenceDecay(e, traj.t);
    const bad = [...problems];
    for (const q of QUANTITIES) {
      const err = seriesError(traj[q]!, ref[q]);
      worst[q] = Math.max(worst[q] ?? 0, err.error);
      if (!(err.error <= TOLERANCE)) bad.push(`${q}: ${err.error.toExponential(2)} at t = ${traj.t[err.index]} (${err.solver} vs ${err.reference})`);
    }
    if (bad.length > 0) failures.push(`#${i}: ${bad.join('; ')}\n  ${JSON.stringify(raw)}`);
  }
  t.diagnostic(`worst: ${QUANTITIES.map((q) => `${q} ${worst[q].toExponential(1)}`).join(', ')}`);
  assert.ok(equal >= 6);
  assert.equal(failures.length, 0, failures.slice(0, 6).join('\n'));
});

test('weight decay with unbalanced layers (|ũ|/|ṽ| from 10^-4.5 to 10^4.5): still the full flow to 1e-8', (t) => {
  const rng = new Rng(604);
  const failures: string[] = [];
  let worst = 0;
  for (const [i, raw] of decayConfigs(605, 16).entries()) {
    const ratio = Math.pow(10, -4.5 + 9 * rng.uniform()); // |ũ|/|ṽ|, from init scales and rates together
    const equal = raw.learningRates.u === raw.learningRates.W;
    const splitInit = equal ? ratio : Math.sqrt(ratio);
    raw.init = { ...raw.init, scaleU: raw.init.scaleU * Math.sqrt(splitInit), scaleW: raw.init.scaleW / Math.sqrt(splitInit) };
    if (!equal) raw.learningRates = { u: raw.learningRates.u / Math.sqrt(splitInit), W: raw.learningRates.W * Math.sqrt(splitInit) };
    const e = experimentOf(raw);
    const traj = solve(e);
    const ref = referenceDecay(e, traj.t);
    for (const q of QUANTITIES) {
      const err = seriesError(traj[q]!, ref[q]);
      worst = Math.max(worst, err.error);
      if (!(err.error <= TOLERANCE)) failures.push(`#${i} (ratio ${ratio.toExponential(1)}, equal rates ${equal}) ${q}: ${err.error.toExponential(2)} at t = ${traj.t[err.index]}\n  ${JSON.stringify(raw)}`);
    }
  }
  t.diagnostic(`worst ${worst.toExponential(2)}`);
  assert.equal(failures.length, 0, failures.slice(0, 6).join('\n'));
});

test('weight decay: the objective never increases under gradient flow, and loss stays the data loss', () => {
  for (const raw of decayConfigs(602, 30)) {
    const e = experimentOf({ ...raw, time: { points: 400, spacing: 'log' } });
    const traj = solve(e);
    const obj = traj.objective!;
    for (let k = 1; k < obj.length; k++) assert.ok(obj[k] <= obj[k - 1] * (1 + 1e-11) + 1e-300, `objective rises at t = ${traj.t[k]}: ${obj[k - 1]} → ${obj[k]}\n  ${JSON.stringify(raw)}`);
    const rho = e.weightDecay!;
    for (let k = 0; k < obj.length; k += 37) {
      const penalty = 0.5 * rho * (traj.normU[k] ** 2 + traj.normW[k] ** 2);
      assert.ok(Math.abs(obj[k] - traj.loss[k] - penalty) <= 1e-12 * obj[k]);
    }
  }
});

test('weight decay ρ = 0 keeps the closed form and prints no objective column', () => {
  const [raw] = decayConfigs(603, 1);
  const withZero = solve(experimentOf({ ...raw, weightDecay: 0 }));
  const without = solve(experimentOf({ ...raw, weightDecay: undefined }));
  assert.equal(withZero.objective, undefined);
  assert.deepEqual(withZero.output, without.output);
  assert.notEqual(withZero.summary.omega, null);
});

test('weight decay in gradient descent for every activation: small steps never raise the objective', () => {
  for (const activation of ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'swish']) {
    const raw = { model: { width: 20, activation }, data: { samples: [{ x: [1, 2], y: 1 }, { x: [-0.5, -1], y: 0.2 }] }, init: { scaleU: 0.7, scaleW: 0.7, seed: 4 }, learningRates: { u: 0.01, W: 0.02 }, weightDecay: 0.5, time: { end: 2000, points: 201 } };
    for (const reference of activation === 'linear' ? [false, true] : [true]) {
      const traj = simulate(experimentOf(raw), { reference });
      assert.deepEqual(trajectoryProblems(traj), []);
      const obj = traj.objective!;
      assert.equal(obj.length, traj.t.length);
      for (let k = 1; k < obj.length; k++) assert.ok(obj[k] <= obj[k - 1] * (1 + 1e-12), `${activation}: objective rises at step ${traj.t[k]}`);
      assert.ok(obj[obj.length - 1] < 0.9 * obj[0], `${activation}: the objective falls`);
      for (let k = 0; k < obj.length; k += 50) assert.ok(Math.abs(obj[k] - traj.loss[k] - 0.25 * (traj.normU[k] ** 2 + traj.normW[k] ** 2)) <= 1e-12 * obj[k]);
      assert.equal(traj.summary.weightDecay, 0.5);
    }
  }
});
