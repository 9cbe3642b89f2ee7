/**
 * Issue 8, kind 4: weight decay keeps every series' relative accuracy as the norms vanish, whatever
 * the output grid, and the stiff integrator's limits become located refusals. The reference is the
 * full network's flow over all parameters integrated as Θ = e^{κt}θ (test/reference/network.ts), with κ
 * from the linearised network: independent of the solver's reduction and its integrating factors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { exactFlowOf } from '../../../src/core/linearFlow/reduce';
import { decayFlow } from '../../../src/core/linearFlow/weightDecay';
import { integrateAt, OdeStats } from '../../../src/core/math/stiffOde';
import { solve } from '../../../src/core/runs/solve';
import { trajectoryProblems } from '../../reference/compare';
import { initialState, lateDecayRate, referenceFlowDecay } from '../../reference/network';
import type { ReferenceSeries } from '../../reference/network';

function experimentOf(raw: object): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return experiment!;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

const issue = { model: { width: 3 }, data: { x: [1, 0], y: 1 }, init: { u: [0.5, -0.3, 0.2], W: [[0.4, 0.1], [0.2, -0.5], [-0.3, 0.3]] }, learningRates: { u: 0.5, W: 0.2 }, weightDecay: 10 };

test('width 3, ρ = 10: at t = 50 ‖W‖ = 1.0731e-43 and |u| = 1.7314e-44 (the solver printed 2.39e-43 and 3.93e-44), on every grid', () => {
  const grids = [{ end: 50, points: 51 }, { end: 50, points: 2 }, { end: 50, points: 400, spacing: 'log' }, { at: [0, 1, 2, 5, 50] }, { at: [0, 50] }];
  const e = experimentOf({ ...issue, time: grids[0] });
  const main = solve(e);
  const ref = referenceFlowDecay(e, main.t, undefined, { rtol: 1e-13 });
  // The reference itself, against the issue's values (five digits).
  const last = main.t.length - 1;
  assert.ok(rel(ref.normW[last], 1.0731e-43) < 5e-5, `reference ‖W‖ ${ref.normW[last]}`);
  assert.ok(rel(ref.normU[last], 1.7314e-44) < 5e-5, `reference |u| ${ref.normU[last]}`);
  // Every series, pointwise relative (no floor: the norms fall by 43 decades), to 1e-10.
  for (const q of ['output', 'normU', 'normW', 'ntk'] as const) {
    for (let k = 1; k < main.t.length; k++) assert.ok(rel(main[q]![k], ref[q][k]) <= 1e-10, `${q} at t = ${main.t[k]}: ${main[q]![k]} vs ${ref[q][k]}`);
  }
  for (let k = 1; k < main.t.length; k++) assert.ok(Math.abs(main.zeta[k]! - ref.zeta[k]!) <= 1e-12, `ζ at t = ${main.t[k]}`);
  // The value at t = 50 does not depend on the grid that reaches it.
  for (const time of grids.slice(1)) {
    const t = solve(experimentOf({ ...issue, time }));
    const k = t.t.length - 1;
    assert.equal(t.t[k], 50);
    assert.ok(rel(t.normW[k], ref.normW[last]) <= 1e-10 && rel(t.normU[k], ref.normU[last]) <= 1e-10, `${JSON.stringify(time)}: ${t.normU[k]}, ${t.normW[k]}`);
  }
  // The scores read the logarithms: ln(|u|(50)/|u|(0)) ≈ −100.28 even though |u| is 1e-44.
  assert.ok(Math.abs(main.summary.scores!.normChangeU! - Math.log(ref.normU[last] / ref.normU[0])) < 1e-9);
});

test('decay far past the 64-bit range keeps ζ and the scores: t = 10⁴ (norms e^{−2·10⁴}) prints 0 for the norms and the right log changes', () => {
  const e = experimentOf({ ...issue, time: { at: [0, 50, 1e4] } });
  const t = solve(e);
  assert.deepEqual(trajectoryProblems(t), []);
  assert.equal(t.normU[2], 0);
  assert.ok(Math.abs(t.zeta[2]! - 1) <= 1e-15);
  // Past the transient, |u| decays at exactly the late rate κ of the linearised network (test/reference).
  const kappa = lateDecayRate(e);
  const fifty = Math.log(t.normU[1] / t.normU[0]);
  assert.ok(Math.abs(t.summary.scores!.normChangeU! - (fifty - kappa * (1e4 - 50))) < 1e-6 * 1e4 * kappa, `${t.summary.scores!.normChangeU}`);
});

test('the disalignment example with ρ = 1 (2·10⁶ integrator steps, then an internal error after 4 s) takes a few hundred steps and matches the full flow', () => {
  const raw = { model: { width: 4 }, data: { x: [1], y: 0.01 }, init: { scaleU: 3, scaleW: 3, seed: 11 }, learningRates: { u: 1, W: 1 }, weightDecay: 1, time: { points: 400, spacing: 'log' } };
  const e = experimentOf(raw);
  const t = solve(e);
  assert.deepEqual(trajectoryProblems(t), []);
  const stats: OdeStats = { steps: 0, rejected: 0 };
  const { flow } = exactFlowOf(e);
  const df = decayFlow(flow.input, 1);
  integrateAt(df.system, df.initial, t.t, df.firstStep, stats);
  assert.ok(stats.steps < 2000, `${stats.steps} steps`);
  const ref = referenceFlowDecay(e, t.t, undefined, { rtol: 1e-13 });
  for (const q of ['output', 'loss', 'normU', 'normW', 'ntk', 'distance'] as const) {
    let scale = 0;
    for (const v of ref[q]) scale = Math.max(scale, Math.abs(v));
    for (let k = 0; k < t.t.length; k++) assert.ok(Math.abs(t[q]![k] - ref[q][k]) <= 1e-9 * Math.max(Math.abs(ref[q][k]), 1e-3 * scale), `${q} at t = ${t.t[k]}: ${t[q]![k]} vs ${ref[q][k]}`);
  }
});

/**
 * The exact flow of width 1 (x = 1, γ = 1) once one layer's decay is far beyond every other rate: with r
 * fixed, (u, W)' = −M(u, W), M = [[η_uρ, η_u r], [η_W r, η_Wρ]], a linear system; past the fast mode
 * (e^{−λ₊t}, λ₊ ≥ the fast decay, gone once λ₊t ≥ 800) only the slow one is left: the slow layer
 * a = c₋e^{−λ₋t} (λ₋ = det M/λ₊, c₋ its projection from θ₀), the fast one b = g·a, g = −η_b r/(η_bρ − λ₋),
 * and r = f − y = g a² − y (a fixed point: r changes by f ≪ y). What the fast mode's transient changes of
 * c₋ (r is y − f₀ there, not −y) is ~η_a|f₀|/(η_bρ) relative, far below 1e-10 in the cases below.
 * Independent of the solver: no integration at all.
 */
function twoScaleReference(e: Experiment, times: readonly number[]): ReferenceSeries {
  const [u0, w0] = initialState(e);
  const y = (e.data as { y: number }).y;
  const { u: etaU, W: etaW } = e.learningRates;
  const rho = e.weightDecay!;
  const fastU = etaU * rho > etaW * rho;
  // a: the slow layer, b: the fast one.
  const [etaA, etaB, a0, b0] = fastU ? [etaW, etaU, w0, u0] : [etaU, etaW, u0, w0];
  const dA = etaA * rho;
  const dB = etaB * rho;
  const series: ReferenceSeries = { t: [...times], output: [], loss: [], zeta: [], normU: [], normW: [], ntk: [], distance: [] };
  const theta0 = Math.hypot(u0, w0);
  for (const t of times) {
    assert.ok(dB * t >= 800, `t = ${t} is within the fast transient`);
    let r = -y;
    let a = 0;
    let b = 0;
    for (let it = 0; it < 4; it++) {
      const coupling = Math.sqrt(etaA * etaB) * Math.abs(r);
      const fast = (dA + dB) / 2 + Math.hypot((dB - dA) / 2, coupling);
      const slow = dA * (dB / fast) - (coupling / fast) * coupling;
      const g = (-etaB * r) / (dB - slow);
      const h = (-etaA * r) / (dA - fast); // the fast mode's (b, a) = (1, h)
      const c = (a0 - h * b0) / (1 - g * h);
      a = c * Math.exp(-slow * t);
      b = g * a;
      r = a * b - y;
    }
    const [u, w] = fastU ? [b, a] : [a, b];
    series.output.push(u * w);
    series.loss.push(0.5 * r * r);
    series.zeta.push(u * w === 0 ? 1 : Math.sign(u * w));
    series.normU.push(Math.abs(u));
    series.normW.push(Math.abs(w));
    series.ntk.push(etaU * w * w + etaW * u * u);
    series.distance.push(Math.hypot(u - u0, w - w0) / theta0);
  }
  return series;
}

const width1 = (etaU: number, etaW: number, rho: number, time: object) => ({ model: { width: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: etaU, W: etaW }, weightDecay: rho, time });

test('one layer decaying 1e8 to 1e200 times faster than the other: every series agrees with the exact two-time-scale flow (the slow layer printed at its initial size, the output 0.52 for 0)', () => {
  // [η_u, η_W, ρ, time]: the slow layer's decay η_slow ρ t from 1e-15 (unchanged) through 10…500
  // (visible norms) to 1e170 (gone); the fast one 1e10 to 1e201 per unit time.
  const cases: [number, number, number, object][] = [
    [1, 1e-30, 1e200, { end: 5, points: 6 }],
    [1, 1e-30, 1e200, { end: 1e-185, points: 6, spacing: 'linear' }],
    [1, 1e-20, 1e200, { end: 5, points: 6 }],
    [1, 1e-10, 1e200, { at: [1e-190, 1e-185, 1e-180, 5e-180] }],
    [1, 1e-30, 1e32, { end: 5, points: 11 }],
    [1, 1e-100, 1e110, { at: [1e-100, 1e-9, 3e-9, 1e-8] }],
    [1, 1e-200, 1e201, { end: 5, points: 11 }],
    [1e-30, 1, 1e32, { end: 5, points: 11 }],
    [1e-200, 1, 1e201, { end: 5, points: 11 }],
    [1, 1e-8, 1e10, { end: 5, points: 11 }],
    [1, 1e-6, 1e8, { end: 1, points: 11 }],
    [1, 1e-3, 1e8, { at: [1e-5, 1e-4, 1e-3, 3e-3] }],
  ];
  const wrong: string[] = [];
  for (const [etaU, etaW, rho, time] of cases) {
    const raw = width1(etaU, etaW, rho, time);
    const t0 = performance.now();
    const traj = solve(experimentOf(raw));
    assert.ok(performance.now() - t0 < 3000, JSON.stringify(raw));
    assert.deepEqual(trajectoryProblems(traj), [], JSON.stringify(raw));
    const times = traj.t.filter((t) => t > 0);
    const ref = twoScaleReference(experimentOf(raw), times);
    const at = traj.t.length - times.length;
    for (const q of ['output', 'loss', 'normU', 'normW', 'ntk', 'distance'] as const) {
      for (let k = 0; k < times.length; k++) {
        const [a, b] = [traj[q]![at + k], ref[q][k]];
        if (!(Math.abs(a - b) <= 1e-10 * Math.abs(b) || Math.abs(a - b) <= 1e-300)) wrong.push(`${q} at t = ${times[k]}: ${a}, reference ${b} (${(Math.abs(a - b) / Math.abs(b)).toExponential(1)} relative) in ${JSON.stringify(raw)}`);
      }
    }
    for (let k = 0; k < times.length; k++) if (traj.zeta[at + k] !== ref.zeta[k]) wrong.push(`ζ at t = ${times[k]}: ${traj.zeta[at + k]}, reference ${ref.zeta[k]} in ${JSON.stringify(raw)}`);
    // The scores: each layer's log change is its own decay (−η_Wρt = −5e170 in the first case, not 0).
    const last = times[times.length - 1];
    const slowRate = Math.min(etaU, etaW) * rho;
    const change = etaU < etaW ? traj.summary.scores!.normChangeU! : traj.summary.scores!.normChangeW!;
    if (slowRate * last > 1e3 && !(Math.abs(change / (-slowRate * last) - 1) <= 1e-9)) wrong.push(`log change ${change} for ${-slowRate * last} in ${JSON.stringify(raw)}`);
  }
  assert.deepEqual(wrong, []);
});

test('decay rates far beyond the fit are integrated in few steps (the decay is taken out exactly), or refused at a field without hanging', () => {
  // [experiment, must compute it, paths at which a refusal is acceptable]
  const cases: [object, boolean, string[]][] = [
    [{ model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: 1, W: 1 }, weightDecay: 1e8, time: { end: 1e15, points: 20 } }, true, []],
    [{ model: { width: 4 }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: 1, W: 1 }, weightDecay: 1e100, time: { end: 5, points: 20 } }, true, []],
    // One layer decaying 1e30 times faster than the other (η_uρ = 1e200): computed, and checked series by series above.
    [width1(1, 1e-30, 1e200, { end: 5, points: 20 }), true, []],
    // Norms decaying by e^{−10^315}: their log changes (the scores) are beyond 64 bits.
    [{ model: { width: 2 }, data: { x: [1, 1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: 1, W: 1 }, weightDecay: 1e300, time: { end: 1e15, points: 20 } }, false, ['weightDecay']],
  ];
  for (const [raw, computes, paths] of cases) {
    const t0 = performance.now();
    try {
      const t = solve(experimentOf(raw));
      assert.deepEqual(trajectoryProblems(t), [], JSON.stringify(raw));
    } catch (err) {
      assert.ok(err instanceof ExperimentError, (err as Error).stack);
      assert.ok(!computes && paths.includes(err.path), `${err.path}: ${err.message}\n${JSON.stringify(raw)}`);
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms for ${JSON.stringify(raw)}`);
  }
});
