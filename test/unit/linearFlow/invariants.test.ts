/**
 * Properties of the exact solver's own output that must hold for every configuration (docs/model.md §2–§4),
 * its fixed point, the extremes of issue 2, and closed forms of degenerate cases, computed here
 * independently of the solver.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Experiment } from '../../../src/core/experiment/experiment';
import { solve } from '../../../src/core/runs/solve';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';
import { randomConfigs, RawExperiment } from '../../reference/configs';
import { referenceFlowDD } from '../../reference/doubleDouble';
import { initialState, networkOf, referenceFlow } from '../../reference/network';

function experimentOf(raw: RawExperiment): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], `valid experiment: ${JSON.stringify(raw).slice(0, 300)}`);
  assert.ok(experiment);
  return experiment;
}

function solveChecked(raw: RawExperiment): { e: Experiment; traj: Trajectory } {
  const e = experimentOf(raw);
  const traj = solve(e);
  const problems = trajectoryProblems(traj);
  assert.deepEqual(problems, [], `finite, JSON-safe trajectory for ${JSON.stringify(raw).slice(0, 400)}`);
  return { e, traj };
}

/** ‖W_⊥‖_F² = Σ_i |W_i − (W_i·n) n|², from the initial state built here (two-pass, no cancellation). */
function perpendicularNorm2(e: Experiment): number {
  const net = networkOf(e);
  const theta = initialState(e);
  let sum = 0;
  for (let i = 0; i < net.d; i++) {
    let a = 0;
    for (let j = 0; j < net.D; j++) a += theta[net.d + i * net.D + j] * net.n[j];
    for (let j = 0; j < net.D; j++) sum += (theta[net.d + i * net.D + j] - a * net.n[j]) ** 2;
  }
  return sum;
}

/** Effective target and irreducible loss of the data, computed from the samples: ½ mean (y − βa)², β = E[ay]/E[a²]. */
function effectiveData(e: Experiment): { y: number; irreducible: number; a: number[]; ys: number[]; aBar: number } {
  const net = networkOf(e);
  const a = net.xs.map((x) => x.reduce((s, v, j) => s + v * net.n[j], 0));
  const m2 = a.reduce((s, v) => s + v * v, 0) / a.length;
  const may = a.reduce((s, v, k) => s + v * net.ys[k], 0) / a.length;
  const beta = may / m2;
  const irreducible = (0.5 * a.reduce((s, v, k) => s + (net.ys[k] - beta * v) ** 2, 0)) / a.length;
  return { y: may / Math.sqrt(m2), irreducible, a, ys: net.ys, aBar: Math.sqrt(m2) };
}

const close = (a: number, b: number, tol: number, scale = Math.abs(b)) => Math.abs(a - b) <= tol * Math.max(scale, Number.MIN_VALUE);

test('invariants over 600 random experiments: loss never increases, |ζ| ≤ 1, |u|²/η_u − |Wn|²/η_W is conserved, all finite', () => {
  const configs = randomConfigs(600, 424242, { maxWidth: 2000, wideWidth: 100_000, alignedWidth: 50, misalignment: [1e-14, 1e-2], points: 60 });
  const failures: string[] = [];
  for (const { label, raw } of configs) {
    try {
      const { e, traj } = solveChecked(raw);
      const n = traj.t.length;
      const lossScale = Math.max(...traj.loss);
      for (let k = 1; k < n; k++) {
        // Monotone in exact arithmetic. The log-domain evaluation jitters by up to ~1.4e-14 of the
        // value on a plateau (observed), so rises below 1e-13 of the largest loss count as rounding.
        if (!(traj.loss[k] <= traj.loss[k - 1] + 1e-13 * lossScale)) throw new Error(`loss rises from ${traj.loss[k - 1]} to ${traj.loss[k]} at t = ${traj.t[k]}`);
      }
      const perp2 = perpendicularNorm2(e);
      const { u: etaU, W: etaW } = e.learningRates;
      const balance = traj.normU.map((nu, k) => (nu * nu) / etaU - (traj.normW[k] ** 2 - perp2) / etaW);
      const scale = Math.max(...traj.normU.map((nu, k) => (nu * nu) / etaU + traj.normW[k] ** 2 / etaW));
      for (let k = 1; k < n; k++) {
        if (!close(balance[k], balance[0], 1e-12, scale)) throw new Error(`|u|²/η_u − |Wn|²/η_W moves from ${balance[0]} to ${balance[k]} (scale ${scale}) at t = ${traj.t[k]}`);
      }
    } catch (err) {
      failures.push(`${label}: ${(err as Error).message}\n  ${JSON.stringify(raw).slice(0, 600)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.slice(0, 10).join('\n')}`);
});

test('the random initialisation is drawn as documented: u first, then W row by row, from one Rng(seed)', () => {
  const random: RawExperiment = { model: { width: 7, outputScale: 0.8 }, data: { x: [0.3, -1.2, 0.5], y: 1.5 }, init: { scaleU: 0.4, scaleW: 0.9, seed: 12345 }, learningRates: { u: 0.7, W: 1.3 }, time: { points: 30 } };
  const e = experimentOf(random);
  const theta = initialState(e);
  const u = Array.from(theta.subarray(0, 7));
  const W = Array.from({ length: 7 }, (_, i) => Array.from(theta.subarray(7 + 3 * i, 10 + 3 * i)));
  const a = solve(e);
  const b = solve(experimentOf({ ...random, init: { u, W } }));
  assert.deepEqual(b.output, a.output);
  assert.deepEqual(b.normW, a.normW);
  assert.deepEqual(b.zeta, a.zeta);
});

test('convergence to the predicted fixed point: summary.limit against a long reference run and the data', () => {
  const configs = randomConfigs(36, 31337, { only: ['random', 'random, data set', 'data set with a zero first input and negative inputs', 'u = 0, v ≠ 0'], maxWidth: 40 });
  const failures: string[] = [];
  for (const { label, raw } of configs) {
    try {
      const { e, traj } = solveChecked(raw);
      const limit = traj.summary.limit;
      assert.ok(limit, 'summary.limit is reported for the linear network');
      const T = traj.summary.horizon;
      // Past 5× the default horizon (residual 1e-3 of its start) the residual is ≤ ~1e-15 of it.
      const late = solve(experimentOf({ ...raw, time: { at: [0, 5 * T, 1e3 * T] } }));
      const ref = referenceFlow(e, [5 * T], { maxSteps: 40_000 });
      const { y, irreducible, a, ys, aBar } = effectiveData(e);
      // With P, Q > 0 the flow reaches f = y_eff; the loss left is the irreducible part, computed on the samples.
      const lossAtLimit = (0.5 * a.reduce((s, v, k) => s + ((limit.output * v) / aBar - ys[k]) ** 2, 0)) / a.length;
      const checks: [string, number, number, number][] = [
        ['limit.output vs y_eff', limit.output, y, 1e-9],
        ['limit.loss vs irreducible loss', limit.loss, irreducible, 1e-9],
        ['limit.loss vs the loss of limit.output on the samples', limit.loss, lossAtLimit, 1e-9],
        ['limit.normU vs reference at 5T', limit.normU, ref.normU[0], 1e-8],
        ['limit.normW vs reference at 5T', limit.normW, ref.normW[0], 1e-8],
        ['limit.ntk vs reference at 5T', limit.ntk, ref.ntk[0], 1e-8],
        ['limit.zeta vs reference at 5T', limit.zeta ?? NaN, ref.zeta[0] ?? NaN, 1e-8],
        ['solve at 1000T vs limit.output', late.output[2], limit.output, 1e-12],
        ['solve at 1000T vs limit.normU', late.normU[2], limit.normU, 1e-12],
      ];
      const scaleOf: Record<string, number> = { 'limit.loss vs irreducible loss': Math.max(irreducible, traj.loss[0]), 'limit.loss vs the loss of limit.output on the samples': Math.max(irreducible, traj.loss[0]) };
      for (const [what, got, want, tol] of checks) {
        if (!close(got, want, tol, scaleOf[what] ?? Math.abs(want))) throw new Error(`${what}: ${got} vs ${want}`);
      }
    } catch (err) {
      failures.push(`${label}: ${(err as Error).message}\n  ${JSON.stringify(raw).slice(0, 600)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.slice(0, 10).join('\n')}`);
});

/** One neuron, D = 1, x = 1, η_u = η_W = η, γ: λ = γ·η, f = γ·u·w. */
function oneNeuron(u: number, w: number, y: number, options: { gamma?: number; eta?: number; at: number[] }): RawExperiment {
  return { model: { width: 1, outputScale: options.gamma ?? 1 }, data: { x: [1], y }, init: { u: [u], W: [[w]] }, learningRates: { u: options.eta ?? 1, W: options.eta ?? 1 }, time: { at: options.at } };
}

test('closed forms: Q = 0 (ũ = ṽ) and P = 0 (ũ = −ṽ) follow the logistic df/dt = ∓2λ f (f − y), up to t = 1e9', () => {
  const times = [0, 1e-3, 0.1, 0.5, 1, 2, 5, 10, 100, 1e4, 1e6, 1e9];
  // Q = 0: f = y / (1 + (y/f₀ − 1) e^{−2λyt}); y = 0: f = f₀ / (1 + 2λ f₀ t). P = 0: the same with t → −t.
  const logistic = (f0: number, y: number, lambda: number, t: number, sign: 1 | -1): number => {
    if (y === 0) return f0 / (1 + sign * 2 * lambda * f0 * t);
    const k = -sign * 2 * lambda * y * t;
    // In the form that stays finite when e^{k} over- or underflows, with expm1 so that it is exact
    // at t = 0 even for y ≪ f₀ (1 + (y/f₀ − 1) would cancel).
    return k > 0 ? (y * f0 * Math.exp(-k)) / (y + f0 * Math.expm1(-k)) : (y * f0) / (y * Math.exp(k) - f0 * Math.expm1(k));
  };
  const cases: { u: number; w: number; y: number; gamma?: number; eta?: number; sign: 1 | -1 }[] = [
    { u: 1, w: 1, y: 2, sign: 1 },
    { u: 1, w: 1, y: 0, sign: 1 },
    { u: 1, w: 1, y: -0.5, sign: 1 },
    { u: 0.01, w: 0.01, y: 1, sign: 1 },
    { u: 3, w: 3, y: 1e-12, sign: 1 },
    { u: 1, w: 1, y: 2, gamma: 1e-6, eta: 1e3, sign: 1 },
    { u: 1, w: -1, y: -2, sign: -1 },
    { u: 1, w: -1, y: 0, sign: -1 },
    { u: -0.5, w: 0.5, y: 3, sign: -1 },
    { u: 2, w: -2, y: 1e-9, gamma: 1e3, eta: 1e-3, sign: -1 },
  ];
  for (const c of cases) {
    const gamma = c.gamma ?? 1;
    const lambda = gamma * (c.eta ?? 1);
    const f0 = gamma * c.u * c.w;
    const { traj } = solveChecked(oneNeuron(c.u, c.w, c.y, { gamma: c.gamma, eta: c.eta, at: times }));
    const loss0 = 0.5 * (f0 - c.y) ** 2;
    for (let k = 0; k < times.length; k++) {
      const want = logistic(f0, c.y, lambda, times[k], c.sign);
      assert.ok(close(traj.output[k], want, 1e-9), `${JSON.stringify(c)} at t = ${times[k]}: output ${traj.output[k]}, closed form ${want}`);
      // The loss to 1e-8 relative, or to 1e-11 of the initial loss once it has fallen below a thousandth of it.
      const wantLoss = 0.5 * (want - c.y) ** 2;
      assert.ok(close(traj.loss[k], wantLoss, 1e-8, Math.max(wantLoss, 1e-3 * loss0)), `${JSON.stringify(c)} at t = ${times[k]}: loss ${traj.loss[k]}, closed form ${wantLoss}`);
      assert.equal(traj.zeta[k], c.sign, `${JSON.stringify(c)} at t = ${times[k]}: u and v stay (anti-)parallel, normU ${traj.normU[k]}`);
    }
  }
});

test('zero initialisation: nothing moves, ζ is null, loss is ½E[y²]', () => {
  for (const y of [0, 1, -1e6]) {
    const { traj } = solveChecked({ model: { width: 5, outputScale: 2 }, data: { samples: [{ x: [1, 2], y }, { x: [-2, -4], y: 3 }] }, init: { scaleU: 0, scaleW: 0, seed: 1 }, learningRates: { u: 1, W: 1 }, time: { points: 10 } });
    for (let k = 0; k < traj.t.length; k++) {
      assert.equal(traj.output[k], 0);
      assert.equal(traj.zeta[k], null);
      assert.equal(traj.normU[k], 0);
      assert.equal(traj.normW[k], 0);
      assert.equal(traj.distance[k], 0);
      assert.ok(close(traj.loss[k], 0.5 * ((y * y + 9) / 2), 1e-15));
    }
  }
});

test('extremes: output scale 1e-6…1e6, init scale 0…1e3, rate ratio up to 1e8, width up to 10⁶, times up to 1e9 — finite, and converged where the horizon allows', () => {
  const base: RawExperiment = { model: { width: 64, outputScale: 1 }, data: { x: [0.6, 0.8], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 3 }, learningRates: { u: 1, W: 1 }, time: { points: 50, spacing: 'log' } };
  const variants: [string, (r: RawExperiment) => void][] = [];
  for (const gamma of [1e-6, 1e-3, 1, 1e3, 1e6]) variants.push([`outputScale ${gamma}`, (r) => (r.model.outputScale = gamma)]);
  for (const s of [0, 1e-8, 1e-3, 1, 1e3]) {
    variants.push([`init scale ${s}`, (r) => (r.init = { scaleU: s, scaleW: s, seed: 3 })]);
    variants.push([`init scaleU ${s}, scaleW 1`, (r) => (r.init = { scaleU: s, scaleW: 1, seed: 3 })]);
  }
  for (const [eu, ew] of [[1e4, 1e-4], [1e-4, 1e4], [1, 1e-8], [1e-8, 1], [1e8, 1]]) variants.push([`rates ${eu}, ${ew}`, (r) => (r.learningRates = { u: eu, W: ew })]);
  for (const y of [0, 1e-300, 1e-12, -1e-12, 1e6, -1e6]) variants.push([`target ${y}`, (r) => (r.data = { x: [0.6, 0.8], y })]);
  variants.push(['width 10⁶', (r) => (r.model.width = 1_000_000)]);
  variants.push(['width 10⁶, init 1e3', (r) => { r.model.width = 1_000_000; r.init = { scaleU: 1e3, scaleW: 1e3, seed: 9 }; }]);
  for (const end of [1e3, 1e6, 1e9]) variants.push([`time.end ${end}`, (r) => (r.time = { end, points: 200, spacing: 'log' })]);
  variants.push(['time.at up to 1e9', (r) => (r.time = { at: [0, 1e-9, 1, 1e9] })]);
  variants.push(['λ → 0 (γ = 1e-6, η = 1e-8)', (r) => { r.model.outputScale = 1e-6; r.learningRates = { u: 1e-8, W: 1e-8 }; }]);
  variants.push(['λ → 0 with time.end 1e9', (r) => { r.model.outputScale = 1e-6; r.learningRates = { u: 1e-8, W: 1e-8 }; r.time = { end: 1e9, points: 30 }; }]);
  variants.push(['λ → ∞ (γ = 1e6, η = 1e4, |x| = 1e3)', (r) => { r.model.outputScale = 1e6; r.learningRates = { u: 1e4, W: 1e4 }; r.data = { x: [600, 800], y: 1 }; }]);
  variants.push(['λ → ∞, time.at 1e9', (r) => { r.model.outputScale = 1e6; r.learningRates = { u: 1e4, W: 1e4 }; r.time = { at: [0, 1e-12, 1e9] }; }]);
  variants.push(['tiny init, huge width, tiny γ (long plateau)', (r) => { r.model.width = 100_000; r.model.outputScale = 1e-5; r.init = { scaleU: 1e-6, scaleW: 1e-6, seed: 2 }; }]);
  variants.push(['Q = 0 exactly, y < 0, time.end 1e9', (r) => { r.model.width = 3; r.data = { x: [2], y: -1 }; r.init = { u: [1e-3, 2e-3, -1e-3], W: [[1e-3], [2e-3], [-1e-3]] }; r.time = { end: 1e9, points: 40, spacing: 'log' }; }]);
  const failures: string[] = [];
  for (const [name, change] of variants) {
    const raw = structuredClone(base);
    change(raw);
    try {
      const { e, traj } = solveChecked(raw);
      const limit = traj.summary.limit;
      // When the grid reaches far past the default horizon, the last point is the limit.
      if (limit && traj.t[traj.t.length - 1] >= 50 * defaultHorizonOf(raw) && limit.zeta !== null) {
        const last = traj.t.length - 1;
        if (!close(traj.output[last], limit.output, 1e-9, Math.max(Math.abs(limit.output), Math.abs(traj.output[0])))) throw new Error(`output at ${traj.t[last]}: ${traj.output[last]}, limit ${limit.output}`);
      }
      // For P, Q > 0 and a nonzero target, the limit is f = y_eff.
      const { y } = effectiveData(e);
      if (limit && y !== 0 && limit.zeta !== null && Math.abs(limit.zeta) < 1 && !close(limit.output, y, 1e-9)) throw new Error(`limit.output ${limit.output}, y_eff ${y}`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}\n  ${JSON.stringify(raw).slice(0, 400)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.join('\n')}`);
});

function defaultHorizonOf(raw: RawExperiment): number {
  return solve(experimentOf({ ...raw, time: { points: 2 } })).summary.horizon;
}

test('extremes against the double-double reference: rate ratio 1e8, output scale 1e±6 (one neuron and width 8)', () => {
  const cases: RawExperiment[] = [];
  for (const [eu, ew] of [[1e4, 1e-4], [1e-4, 1e4]]) cases.push({ model: { width: 8, outputScale: 1 }, data: { x: [1, -1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 5 }, learningRates: { u: eu, W: ew }, time: { points: 20 } });
  for (const g of [1e-6, 1e6]) cases.push({ model: { width: 8, outputScale: g }, data: { x: [1, -1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 6 }, learningRates: { u: 1, W: 1 }, time: { points: 20 } });
  cases.push({ model: { width: 8, outputScale: 1 }, data: { x: [1, -1], y: 1e-6 }, init: { scaleU: 1e3, scaleW: 1e3, seed: 6 }, learningRates: { u: 1e-6, W: 1e-6 }, time: { points: 20 } });
  for (const raw of cases) {
    const { e, traj } = solveChecked(raw);
    const ref = referenceFlowDD(e, traj.t);
    for (const q of ['output', 'loss', 'normU', 'normW', 'ntk'] as const) {
      const scale = Math.max(...ref[q].map(Math.abs));
      const got = traj[q] ?? [];
      for (let k = 0; k < traj.t.length; k++) {
        assert.ok(close(got[k], ref[q][k], 1e-8, Math.max(Math.abs(ref[q][k]), 1e-3 * scale)), `${JSON.stringify(raw)}\n  ${q} at t = ${traj.t[k]}: ${got[k]} vs ${ref[q][k]}`);
      }
    }
  }
});
