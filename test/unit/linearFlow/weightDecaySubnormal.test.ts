/**
 * Weight decay down to the smallest subnormal ρ = 5e-324 (docs/finite-rates.md §5, "Subnormal decay";
 * docs/limits.md, "Weight decay"). The alignment example with ρ = 1e-310 was refused "the weight-decay
 * flow was stopped at t = 3600 of 8531: its step size fell below the resolution of t … a decay this
 * much faster than the fit": as the residual settled at the subnormal size the decay holds it at, its
 * unit A fell below 2^-1024 and the forcing c·y·e^{−ln A} overflowed. A decay that small must give the
 * series of ρ = 1e-300 and, to the integrator's accuracy, those of ρ = 0 (the closed form); where it
 * does act (tiny rates, or huge ones beside a tiny input) the residual it holds and the objective must
 * keep their digits. References: the closed form, the settled residual r_∞ = −c y/(K + c) from
 * logarithms, and the flow's exact rescaling x → s²x, η → η/s², ρ → s²ρ, (u, W) → (u, W)/s.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../../src/cli/run';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf } from './finiteConfigs';

const REPO = resolve(__dirname, '../../../..');
const ALIGNMENT_TEXT = readFileSync(join(REPO, 'examples/alignment.flab.json'), 'utf8');
const ALIGNMENT = JSON.parse(ALIGNMENT_TEXT) as Record<string, unknown>;
/** The default horizon of the alignment example with a decay that small (100 flow horizons), as an explicit grid that ρ = 0 shares. */
const GRID = { end: 8531, points: 400, spacing: 'log' };
/** The smallest positive double, 2^-1074: a subnormal result is within half of it of its exact value. */
const TINY = 2 ** -1074;
const SERIES = ['output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'] as const;

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

function solveRaw(raw: object): Trajectory {
  const t = solve(experimentOf(raw));
  assert.deepEqual(trajectoryProblems(t), [], JSON.stringify(raw));
  return t;
}

/** The objective the solver should print: loss + ½ρ(|u|² + ‖W‖²), within 1e-12 relative or one subnormal step. */
function checkObjective(t: Trajectory, rho: number, label: string): void {
  for (let k = 0; k < t.t.length; k++) {
    const expected = t.loss[k] + rho * (0.5 * (t.normU[k] * t.normU[k] + t.normW[k] * t.normW[k]));
    const got = t.objective![k];
    assert.ok(got > 0 && Math.abs(got - expected) <= 1e-12 * expected + TINY, `${label}: objective at t = ${t.t[k]} is ${got}, ½ρ|θ|² + loss ${expected}`);
  }
}

test('the alignment example with ρ = 1e-310 … 5e-324 (refused "a decay this much faster than the fit" at t = 3600) gives the series of ρ = 1e-300, and of ρ = 0 to 1e-11', () => {
  const none = solveRaw({ ...ALIGNMENT, time: GRID });
  const tiny = solveRaw({ ...ALIGNMENT, time: GRID, weightDecay: 1e-300 });
  const byDefault = solveRaw({ ...ALIGNMENT, weightDecay: 1e-300 });
  for (const rho of [1e-310, 1e-315, 1e-320, 1e-323, 5e-324]) {
    const label = `ρ = ${rho}`;
    const t = solveRaw({ ...ALIGNMENT, time: GRID, weightDecay: rho });
    for (const q of SERIES) {
      for (let k = 0; k < t.t.length; k++) {
        const [a, b, c] = [t[q]![k] as number, tiny[q]![k] as number, none[q]![k] as number];
        assert.ok(rel(a, b) <= 1e-12, `${label}: ${q} at t = ${t.t[k]} is ${a}, ${b} with ρ = 1e-300`);
        // The closed form of ρ = 0. The loss decays through 300 decades here (e^{−2Kt}): it is compared
        // in its logarithm, whose error grows with it (the integrator's, as for ρ = 1e-300).
        if (q === 'loss') assert.ok(a === c || Math.abs(Math.log(a) - Math.log(c)) <= 1e-12 * Math.max(1, Math.abs(Math.log(c))), `${label}: loss at t = ${t.t[k]} is ${a}, ${c} without decay`);
        else assert.ok(rel(a, c) <= 1e-11, `${label}: ${q} at t = ${t.t[k]} is ${a}, ${c} without decay`);
      }
    }
    checkObjective(t, rho, label);
    const last = t.t.length - 1;
    assert.equal(t.loss[last], 0, label);
    assert.ok(t.objective![last] >= rho, `${label}: the objective at the end is ${t.objective![last]}, at least ½ρ·2`);
    // The file as the tester wrote it: the default horizon, the same summary as ρ = 1e-300.
    const d = solveRaw({ ...ALIGNMENT, weightDecay: rho });
    assert.equal(d.summary.horizon, byDefault.summary.horizon, label);
    assert.equal(d.summary.label, 'alignment', label);
    for (const key of ['zetaFinal', 'ntkFinal', 'lossFinal'] as const) assert.ok(rel(d.summary[key] as number, byDefault.summary[key] as number) <= 1e-12, `${label}: ${key}`);
    for (const [key, v] of Object.entries(d.summary.scores!)) {
      if (typeof v === 'number') assert.ok(rel(v, byDefault.summary.scores![key as keyof typeof d.summary.scores] as number) <= 1e-12, `${label}: scores.${key} = ${v}`);
    }
  }
});

test('ρ across the smallest normal number (1e-306 … 1e-309, 2^-1022 and the subnormal below it): every series continuous, the objective ½ρ|θ|² in proportion to ρ', () => {
  const ref = solveRaw({ ...ALIGNMENT, time: GRID, weightDecay: 1e-300 });
  const last = ref.t.length - 1;
  const perRho = ref.objective![last] / 1e-300;
  for (const rho of [1e-306, 1e-307, 2.2250738585072014e-308, 2.225073858507201e-308, 1e-308, 1e-309]) {
    const t = solveRaw({ ...ALIGNMENT, time: GRID, weightDecay: rho });
    for (const q of SERIES) for (let k = 0; k < t.t.length; k++) assert.ok(rel(t[q]![k] as number, ref[q]![k] as number) <= 1e-12, `ρ = ${rho}: ${q} at t = ${t.t[k]}`);
    checkObjective(t, rho, `ρ = ${rho}`);
    assert.ok(Math.abs(t.objective![last] - rho * perRho) <= 1e-12 * rho * perRho + TINY, `ρ = ${rho}: objective ${t.objective![last]} at the end, ${rho * perRho} in proportion`);
  }
});

test('rates of 1e-160 with ρ = 1e-146 … 1e-161: the residual settles at −c y/(K + c) with c = (η_u + η_W)ρ subnormal or not, to its last digit (it was 3e-12 … 2e-5 wrong for c from 2e-312 to 2e-319)', () => {
  // c = 2e-160·ρ crosses the smallest normal number at ρ ≈ 1.1e-148; the loss ½r_∞² is printed down to 5e-323.
  for (const rho of [1e-146, 1e-147, 1e-148, 1.1e-148, 1e-149, 1e-150, 1e-152, 1e-155, 1e-157, 5e-159, 1e-159, 1e-160, 1e-161]) {
    const raw = { ...ALIGNMENT, learningRates: { u: 1e-160, W: 1e-160 }, weightDecay: rho };
    const t = solveRaw(raw);
    const last = t.t.length - 1;
    const K = t.ntk![last];
    // Settled: K t ≈ 1700 e-folds at the default horizon. r_∞ = −c y/(K + c), c ≪ K, from logarithms.
    const lnR = Math.log(2e-160) + Math.log(rho) - Math.log(K + 2e-160 * rho);
    const expected = Math.exp(2 * lnR - Math.LN2);
    assert.ok(Math.abs(t.loss[last] - expected) <= 1e-12 * expected + TINY, `ρ = ${rho}: loss ${t.loss[last]} at the end, ½r_∞² = ${expected}`);
    checkObjective(t, rho, `ρ = ${rho}`);
  }
});

test('a subnormal ρ where the decay acts (η up to 2^1022 beside x = 2^-1072) is the flow of ρ = 1/4 rescaled: every series to 1e-10, the objective with its ½ρ|θ|²', () => {
  // x → s²x, η → η/s², ρ → s²ρ, (u, W) → (u, W)/s leaves the output, loss, ζ, kernel, distance and
  // objective as they are and scales the norms by 1/s (the decay rates ηρ and fit rates unchanged).
  const base = { model: { width: 3 }, data: { x: [1], y: 16 }, init: { u: [4, -3, 2], W: [[4], [2], [-5]] }, learningRates: { u: 2 ** -50, W: 2 ** -51 }, weightDecay: 0.25, time: { end: 1e15, points: 9 } };
  const a = solveRaw(base);
  // The decay acts (η_Wρt = 0.11 at the end): the norms are not those of ρ = 0.
  const none = solveRaw({ ...base, weightDecay: 0 });
  assert.ok(rel(a.normW[a.t.length - 1], none.normW[a.t.length - 1]) > 0.01);
  for (const k of [1030, 1060, 1072]) {
    const s2 = 2 ** -k;
    const inv = 2 ** (k / 2);
    const raw = { ...base, data: { x: [s2], y: 16 }, init: { u: base.init.u.map((v) => v * inv), W: base.init.W.map((r) => r.map((v) => v * inv)) }, learningRates: { u: base.learningRates.u / s2, W: base.learningRates.W / s2 }, weightDecay: 0.25 * s2 };
    const b = solveRaw(raw);
    for (const q of [...SERIES, 'objective'] as const) {
      for (let i = 0; i < a.t.length; i++) {
        const scale = q === 'normU' || q === 'normW' ? inv : 1;
        const [x, y] = [(a[q]![i] as number) * scale, b[q]![i] as number];
        assert.ok(rel(y, x) <= 1e-10, `ρ = ${raw.weightDecay}: ${q} at t = ${a.t[i]} is ${y}, ${x} from ρ = 1/4`);
      }
    }
  }
});

test('flab solve and flab sweep of the tester\'s file (weightDecay 1e-310; a sweep from 5e-324 to 1e-300) run; a decay too fast is still refused at weightDecay', async () => {
  const file = JSON.stringify({ ...ALIGNMENT, weightDecay: 1e-310 });
  const solved = await runCli(['solve', 'wd.flab.json', '--summary'], { readText: () => file });
  assert.equal(solved.code, 0, solved.stderr);
  assert.equal(JSON.parse(solved.stdout).label, 'alignment');
  const sweepFile = JSON.stringify({ ...ALIGNMENT, sweep: { weightDecay: { from: 5e-324, to: 1e-300, count: 7, scale: 'log' } } });
  const swept = await runCli(['sweep', 'sweep.flab.json', '--summary'], { readText: () => sweepFile });
  assert.equal(swept.code, 0, swept.stderr);
  const { summaries } = JSON.parse(swept.stdout) as { summaries: { label: string }[] };
  assert.deepEqual(summaries.map((s) => s.label), Array(7).fill('alignment'));
  // Norms decaying by e^{−10^315}: refused at weightDecay, for what it is (docs/limits.md, "Weight decay").
  const fast = { model: { width: 2 }, data: { x: [1, 1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 1 }, learningRates: { u: 1, W: 1 }, weightDecay: 1e300, time: { end: 1e15, points: 20 } };
  assert.throws(() => solve(experimentOf(fast)), (err) => err instanceof ExperimentError && err.path === 'weightDecay' && /decay by more than e\^\{1e300\}/.test(err.message));
});

test('flab simulate with ρ = 5e-324 prints the objective ½ρ|θ|² (it printed 0: half of 5e-324 rounds to 0)', () => {
  const t = simulate(experimentOf({ ...ALIGNMENT, weightDecay: 5e-324 }));
  checkObjective(t, 5e-324, 'simulate, ρ = 5e-324');
  assert.equal(t.objective![t.t.length - 1], 5e-324);
});
