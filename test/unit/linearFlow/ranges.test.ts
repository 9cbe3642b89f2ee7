/**
 * Issue 8, kinds 1 and 2: every accepted input is computed right or refused clearly. The examples of
 * the issue with their right values (checked against the independent full-network reference), and
 * the refusals: located at the field to blame, with the values that work — and those values do work.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { solveSweepSync } from '../../../src/core/analysis/sweep';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { compareSeries, trajectoryProblems } from '../../reference/compare';
import { defaultHorizonLn } from '../../../src/core/linearFlow/horizon';
import { beyondRange, exactMagnitudes, firstOverflow, HORIZON_OMEGA_BOUND } from '../../../src/core/linearFlow/ranges';
import { exactFlowOf } from '../../../src/core/linearFlow/reduce';
import { Rng } from '../../../src/core/math/rng';
import { referenceFlow } from '../../reference/network';

function experimentOf(raw: object): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return experiment!;
}

/** Runs `f` and returns its ExperimentError (failing the test on success or on any other error), with the time it took. */
function refusal(f: () => unknown): { error: ExperimentError; ms: number } {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ExperimentError, `an ExperimentError, got ${(e as Error).stack}`);
    return { error: e, ms: performance.now() - t0 };
  }
  assert.fail('the run was expected to be refused');
}

/** The bound a refusal states ("must be ≤ about X"), as a number and its direction. */
function statedBound(message: string): { relation: '≤' | '≥'; value: number } {
  const m = /must be (≤|≥) about ([0-9.e+-]+)/.exec(message);
  assert.ok(m, `the message states the values that work: ${message}`);
  return { relation: m[1] as '≤' | '≥', value: Number(m[2]) };
}

/** A trajectory whose every number is finite (and ζ within [−1, 1]). */
function assertClean(t: Trajectory, what: string): void {
  assert.deepEqual(trajectoryProblems(t), [], what);
}

const explicitPair = { model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[1], [0.5]] }, learningRates: { u: 1, W: 1 } };

test('kind 1: a rate of 1e160 (ω overflowed, the horizon search doubled a zero bound) is the rate-1 flow on a time scale 1e160 shorter', () => {
  const slow = solve(experimentOf({ ...explicitPair, time: { at: [0, 0.1, 1, 5] } }));
  const fast = solve(experimentOf({ ...explicitPair, learningRates: { u: 1e160, W: 1e160 }, time: { at: [0, 1e-161, 1e-160, 5e-160] } }));
  assertClean(fast, 'η = 1e160');
  // Equal rates η only rescale time: u(t; η) = u(ηt; 1).
  for (let k = 0; k < 4; k++) {
    for (const q of ['output', 'loss', 'zeta', 'normU', 'normW', 'distance'] as const) {
      const a = fast[q][k] as number;
      const b = slow[q][k] as number;
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-3), `${q}[${k}]: ${a} vs ${b}`);
    }
  }
  // Its default horizon is found (finite, about 1e-160) and its summary is finite.
  const whole = solve(experimentOf({ ...explicitPair, learningRates: { u: 1e160, W: 1e160 } }));
  assertClean(whole, 'default horizon');
  const base = solve(experimentOf(explicitPair));
  assert.ok(Math.abs(whole.summary.horizon * 1e160 - base.summary.horizon) <= 1e-9 * base.summary.horizon);
});

test('kind 1: inputs, targets and output scales far beyond the representable range are refused at once, at their field, with the values that work', () => {
  const cases: [string, object, string][] = [
    ['data.x [1e300]', { ...explicitPair, data: { x: [1e300], y: 1 } }, 'data.x'],
    ['data.y −1e308', { ...explicitPair, data: { x: [1], y: -1e308 } }, 'data.y'],
    ['output scale 1e300·d⁴', { model: { width: 64, outputScale: { widthExponent: 4, base: 1e300 } }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } }, 'model.outputScale.base'], // the key the user can change (review round 2; was model.outputScale)
  ];
  for (const [name, raw, path] of cases) {
    const { error, ms } = refusal(() => solve(experimentOf(raw)));
    assert.equal(error.path, path, `${name}: ${error.message}`);
    assert.ok(ms < 2000, `${name}: refused in ${ms.toFixed(0)} ms`);
    assert.match(error.message, /beyond the 64-bit range/);
    statedBound(error.message);
  }
});

test('kind 1: a sweep from 1e308 is refused at its first value that cannot be run, without hanging', () => {
  // (Two different ends: a range with one end twice is refused as such since 2026-12-03.)
  const e = experimentOf({ ...explicitPair, sweep: { outputScale: { from: 1e308, to: 1.5e308, count: 3 } } });
  const { error, ms } = refusal(() => solveSweepSync(e));
  // At the sweep's entry (the value comes from the sweep), naming the key it sets.
  assert.equal(error.path, 'sweep.outputScale[0]');
  assert.match(error.message, /^sweep value 0, model\.outputScale = 1e308: /);
  assert.ok(ms < 5000, `refused in ${ms.toFixed(0)} ms`);
  const widths = experimentOf({ ...explicitPair, model: { width: 2 }, sweep: { 'learningRates.u': { from: 1e300, to: 1e308, count: 4 } } } as object);
  const r = refusal(() => solveSweepSync(widths));
  assert.ok(r.ms < 5000);
});

test('kind 2: σ = 1e150 and y = 1e300 are refused, each blaming its own field (not the weights for the target), and the stated bound runs', () => {
  const sigma = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1e150, scaleW: 1e150, seed: 1 }, learningRates: { u: 1, W: 1 } };
  const a = refusal(() => solve(experimentOf(sigma))).error;
  assert.equal(a.path, 'init.scaleU', a.message);
  assert.match(a.message, /initial loss/);
  const boundA = statedBound(a.message);
  assert.equal(boundA.relation, '≤');
  assertClean(solve(experimentOf({ ...sigma, init: { ...sigma.init, scaleU: boundA.value } })), 'at the stated bound');

  const target = { model: { width: 64 }, data: { x: [1], y: 1e300 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 1, W: 1 } };
  const b = refusal(() => solve(experimentOf(target))).error;
  assert.equal(b.path, 'data.y', b.message);
  const boundB = statedBound(b.message);
  assert.ok(boundB.value > 1e153 && boundB.value < 1.9e154, b.message);
  assertClean(solve(experimentOf({ ...target, data: { x: [1], y: boundB.value } })), 'at the stated bound');
  // The simulator names the same culprit for the same reason (it blamed the weights).
  const c = refusal(() => simulate(experimentOf({ ...target, time: { end: 10, points: 11 } }))).error;
  assert.equal(c.path, 'data.y', c.message);
  const relu = refusal(() => simulate(experimentOf({ ...target, model: { width: 64, activation: 'relu' }, time: { end: 10, points: 11 } }))).error;
  assert.equal(relu.path, 'data.y', relu.message);
});

test('kind 2: x = [5e-324] (ζ was NaN) is refused at data.x: its time scale 1/ω ≈ 1e323 and its kernel growth are beyond 64 bits; the stated bound runs', () => {
  const raw = { model: { width: 64 }, data: { x: [5e-324], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 1, W: 1 } };
  const { error } = refusal(() => solve(experimentOf(raw)));
  assert.equal(error.path, 'data.x', error.message);
  const bound = statedBound(error.message);
  assert.equal(bound.relation, '≥');
  const ok = solve(experimentOf({ ...raw, data: { x: [bound.value], y: 1 } }));
  assertClean(ok, 'at the stated bound');
  assert.equal(ok.summary.label, 'alignment');
});

test('kind 2: σ = 1e-100 is the σ = 1e-3 run with a plateau longer by ln 10 per decade: alignment, the same ζ₀, every series against the full-network reference', () => {
  const raw = (s: number) => ({ model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: s, scaleW: s, seed: 1 }, learningRates: { u: 1, W: 1 }, time: { spacing: 'log', points: 120 } });
  const small = solve(experimentOf(raw(1e-3)));
  const tiny = solve(experimentOf(raw(1e-100)));
  assertClean(tiny, 'σ = 1e-100');
  assert.equal(tiny.summary.label, 'alignment');
  assert.equal(tiny.summary.label, small.summary.label);
  assert.ok(Math.abs(tiny.summary.zetaInitial! - small.summary.zetaInitial!) <= 1e-14);
  assert.ok(tiny.summary.zetaFinal! > 0.999999);
  // Plateau: 5.0774 at σ = 1e-3 (independently of this solver, the reference below agrees), then + 97 ln 10.
  const extra = tiny.summary.plateauTime! - small.summary.plateauTime!;
  assert.ok(Math.abs(extra / (97 * Math.LN10) - 1) < 1e-4, `plateau longer by ${extra}`);
  for (const q of ['zetaChange', 'alignment', 'balanceChange'] as const) assert.ok(Math.abs(tiny.summary.scores![q]! - small.summary.scores![q]!) < 1e-3, q);
  // The whole series, from 1e-100 up through the plateau, against the full network integrated directly.
  const e = experimentOf(raw(1e-100));
  const ref = referenceFlow(e, tiny.t, { maxSteps: 100_000 });
  const errors = compareSeries(tiny, ref);
  for (const [q, w] of Object.entries(errors)) assert.ok(w.error <= 1e-8, `${q}: ${w.error} at t = ${tiny.t[w.index]} (${w.solver} vs ${w.reference})`);
});

test('kind 2: aligned layers with a target of the other sign collapse to the saddle with ζ = 1 exactly, down to norms of 1e-80 and beyond', () => {
  const raw = { model: { width: 2 }, data: { x: [1], y: -2 }, init: { u: [0.28, 0.96], W: [[0.28], [0.96]] }, learningRates: { u: 1, W: 1 }, time: { at: [0, 1, 10, 30, 45, 46, 100, 1e4, 1e9] } };
  const t = solve(experimentOf(raw));
  assertClean(t, 'collapse');
  t.zeta.forEach((z, k) => assert.equal(z, 1, `ζ at t = ${t.t[k]}`));
  // u = Wn stays parallel and the output f = |u|² → 0⁺ logistically: df/dt = −2f(f − y) for y = −2, f₀ = 1,
  // so f(t) = 2/(3e^{4t} − 1) and |u| = √f (closed form, independent of the solver).
  for (let k = 1; k < t.t.length; k++) {
    const f = 2 / (3 * Math.exp(4 * t.t[k]) - 1);
    assert.ok(Math.abs(t.output[k] - f) <= 1e-12 * f || (f < 1e-300 && t.output[k] < 1e-300), `f(${t.t[k]}) = ${t.output[k]} vs ${f}`);
    const u = Math.sqrt(f);
    assert.ok(Math.abs(t.normU[k] - u) <= 1e-12 * u || (u < 1e-300 && t.normU[k] < 1e-300), `|u|(${t.t[k]})`);
  }
  assert.ok(t.normU[5] < 1e-39 && t.normU[5] > 1e-41, `|u| ≈ 1e-40 at t = 46: ${t.normU[5]}`);
});

test('the exact solver never prints a null, NaN or Infinity, and |ζ| ≤ 1, over extremes of every scale (or refuses them at a field)', () => {
  const values = [5e-324, 1e-310, 1e-250, 1e-160, 1e-100, 1e-30, 1, 1e30, 1e100, 1e160, 1e250, 1e306];
  let computed = 0;
  let refused = 0;
  const fields: [string, (v: number) => object][] = [
    ['outputScale', (v) => ({ model: { width: 16, outputScale: v } })],
    ['x', (v) => ({ data: { x: [v, -v], y: 1 } })],
    ['y', (v) => ({ data: { x: [1, 2], y: -v } })],
    ['scaleU', (v) => ({ init: { scaleU: v, scaleW: 0.3, seed: 2 } })],
    ['scaleW', (v) => ({ init: { scaleU: 0.3, scaleW: v, seed: 2 } })],
    ['rates', (v) => ({ learningRates: { u: v, W: 1 / v || 1e300 } })],
    ['rateU', (v) => ({ learningRates: { u: v, W: 1 } })],
  ];
  const base = { model: { width: 16 }, data: { x: [1, 2], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 2 }, learningRates: { u: 1, W: 1 }, time: { points: 30, spacing: 'log' } };
  for (const [name, over] of fields) {
    for (const v of values) {
      const raw = { ...base, ...over(v) };
      const parsed = parseExperiment(JSON.stringify(raw));
      if (!parsed.experiment) continue;
      try {
        const t = solve(parsed.experiment);
        assert.deepEqual(trajectoryProblems(t), [], `${name} = ${v}`);
        computed++;
      } catch (e) {
        assert.ok(e instanceof ExperimentError, `${name} = ${v}: ${(e as Error).stack}`);
        assert.ok(e.path !== undefined && /beyond the 64-bit range|64-bit/.test(e.message), `${name} = ${v}: ${e.message}`);
        refused++;
      }
    }
  }
  assert.ok(computed > 40 && refused > 10, `${computed} computed, ${refused} refused`);
});

test('horizon·ω stays far below HORIZON_OMEGA_BOUND over extreme runs, and beyondRange, which skips the horizon under it, agrees with the full check', () => {
  // Every value log-uniform over its extreme range; a third of the targets 0.
  const rng = new Rng(7);
  const lu = (a: number, b: number) => Math.exp(Math.log(a) + rng.uniform() * (Math.log(b) - Math.log(a)));
  let worst = -Infinity;
  let runs = 0;
  for (let i = 0; i < 3000; i++) {
    const y = rng.uniform() < 0.3 ? 0 : (rng.uniform() < 0.5 ? -1 : 1) * lu(1e-200, 1e200);
    const raw = { model: { width: 1 + Math.floor(rng.uniform() * 64), outputScale: lu(1e-200, 1e200) }, data: { x: [lu(1e-100, 1e100), rng.uniform() < 0.5 ? 0 : lu(1e-5, 1)], y }, init: { scaleU: lu(1e-300, 1e100), scaleW: lu(1e-300, 1e100), seed: i }, learningRates: { u: lu(1e-100, 1e100), W: lu(1e-100, 1e100) } };
    const { experiment } = parseExperiment(JSON.stringify(raw));
    if (!experiment) continue;
    const { flow, lnTheta0 } = exactFlowOf(experiment);
    const o = { horizon: true, weightDecay: 0, lnEnd: Infinity, limit: true };
    assert.equal(beyondRange(flow, lnTheta0, o), firstOverflow(exactMagnitudes(flow, lnTheta0, o)) !== null, JSON.stringify(raw));
    const h = defaultHorizonLn(flow);
    if (Number.isFinite(h) && Number.isFinite(flow.lnOmega)) {
      worst = Math.max(worst, h + flow.lnOmega);
      runs++;
    }
  }
  assert.ok(runs > 2000, `${runs} runs with a finite horizon and rate`);
  assert.ok(worst < Math.log(HORIZON_OMEGA_BOUND / 10), `horizon·ω reached ${Math.exp(worst)}`);
});
