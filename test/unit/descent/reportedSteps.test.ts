/**
 * Issue 8, kind 7 (review round 2): gradient descent reports the steps of its events whatever the time
 * grid — the first catapult window (its first MAX_WINDOW_STEPS steps, its peak, the step that closes it)
 * and, as before, the last finite step of a divergence. The issue's run (width 200, σ 0.3, seed 7,
 * rates 0.0735, y 1, 1e5 steps, 400 points) summarised "catapult, peak 15.6" while its series, 400
 * evenly spaced steps, peaked at 0.2286. The reference for the largest loss of a run is a separate
 * loop over every step of the recursion (PlaneDescent.advance, nothing reported), and for the values
 * at the window's steps a run whose grid is every step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradientDescent, MAX_WINDOW_STEPS, reportedSteps } from '../../../src/core/descent/gradientDescent';
import { Experiment } from '../../../src/core/experiment/experiment';
import { exactFlowOf } from '../../../src/core/linearFlow/reduce';
import { PlaneDescent } from '../../../src/core/linearFlow/planeDescent';
import { Rng } from '../../../src/core/math/rng';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';
import { experimentOf, randomFinite } from '../linearFlow/finiteConfigs';

/** The largest loss over steps 0 … steps of the recursion, and its step, stepping without reporting. */
function largestLoss(e: Experiment, steps: number): { loss: number; step: number } {
  const run = new PlaneDescent(exactFlowOf(e).flow.input);
  let best = { loss: run.loss, step: 0 };
  while (run.step < steps && run.advance()) if (run.loss > best.loss) best = { loss: run.loss, step: run.step };
  return best;
}

/** Whether a step is on the experiment's grid (a run with no event reports only those). */
function run0IsGrid(e: Experiment, step: number): boolean {
  return reportedSteps(e).includes(step);
}

function seriesMax(t: Trajectory): { loss: number; step: number } {
  let k = 0;
  for (let i = 1; i < t.loss.length; i++) if (t.loss[i] > t.loss[k]) k = i;
  return { loss: t.loss[k], step: t.t[k] };
}

const ISSUE = { model: { width: 200 }, data: { x: [1], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 7 }, learningRates: { u: 0.0735, W: 0.0735 } };

test("the issue's catapult (steps 1–10, peak 15.59) is in the series of both paths with the default 400-point grid", () => {
  const e = experimentOf({ ...ISSUE, time: { end: 100000 } });
  const every = gradientDescent(experimentOf({ ...ISSUE, time: { end: 10, points: 11 } }));
  const truth = largestLoss(e, 20);
  for (const reference of [false, true]) {
    const run = gradientDescent(e, { reference });
    assert.deepEqual(trajectoryProblems(run), []);
    const c = run.summary.catapult!;
    assert.deepEqual([c.fromStep, c.toStep], [1, 10]);
    for (let s = 0; s <= 10; s++) assert.equal(run.t[s], s, `step ${s} reported (reference ${reference})`);
    assert.equal(run.t[11], 251, 'then the grid');
    assert.equal(run.t.length, 400 + 10);
    const top = seriesMax(run);
    assert.equal(top.loss, c.peakLoss);
    assert.ok(Math.abs(top.loss - truth.loss) <= 1e-12 * truth.loss, `peak ${top.loss}, every step gives ${truth.loss}`);
    assert.equal(top.step, truth.step);
    for (let s = 0; s <= 10; s++) assert.ok(Math.abs(run.loss[s] - every.loss[s]) <= 1e-12 * every.loss[s], `loss at step ${s}: ${run.loss[s]} vs ${every.loss[s]}`);
  }
  assert.ok(Math.abs(truth.loss - 15.5925449473177) < 1e-9, `peak ${truth.loss}`);
});

test('a rise longer than the budget reports MAX_WINDOW_STEPS of it and its peak, in order', () => {
  // K₀ = 2.0002 a step: the residual grows slowly for the whole run (a rise that never closes).
  const raw = { model: { width: 1 }, data: { x: [1], y: 1.0001 }, init: { u: [1], W: [[1]] }, learningRates: { u: 1.0001, W: 1.0001 }, time: { end: 99999, points: 50 } };
  const e = experimentOf(raw);
  const truth = largestLoss(e, 99999);
  assert.ok(!run0IsGrid(e, truth.step), `the peak at step ${truth.step} is off the grid`);
  assert.ok(truth.step > MAX_WINDOW_STEPS, `the peak at step ${truth.step} is beyond the budget's steps`);
  for (const reference of [false, true]) {
    const run = gradientDescent(e, { reference });
    assert.deepEqual(trajectoryProblems(run), []);
    assert.equal(run.summary.catapult, null);
    assert.ok(run.t.length <= 50 + MAX_WINDOW_STEPS + 1, `${run.t.length} points`);
    for (let i = 1; i < run.t.length; i++) assert.ok(run.t[i] > run.t[i - 1], 'steps ascending');
    // The loss saturates on a two-cycle, equal to rounding at many steps: compare the peak's value.
    const top = seriesMax(run);
    // The plain loop rounds r = f − y differently (the recursion updates r multiplicatively), and
    // |1 − K| ≈ 1 carries that along 1e5 steps: 1.4e-8 apart at the peak.
    const tolerance = reference ? 1e-6 : 1e-12;
    assert.ok(Math.abs(top.loss - truth.loss) <= tolerance * truth.loss, `reference ${reference}: peak ${top.loss} at step ${top.step} vs ${truth.loss} at step ${truth.step}`);
  }
});

test('random catapults (2 < K₀ < 3.6): every window step and the peak are in a 5-point series, the peak loss is the run’s largest', () => {
  const rng = new Rng(77);
  let catapults = 0;
  for (let c = 0; c < 60; c++) {
    const { raw } = randomFinite(rng, { maxWidth: 50, kernel: [2.05, 3.6], steps: 400, points: 5, decay: 0 });
    const e = experimentOf(raw);
    const run = gradientDescent(e);
    assert.deepEqual(trajectoryProblems(run), []);
    const k = run.summary.catapult;
    if (!k) continue;
    catapults++;
    const window = Math.min(k.toStep - k.fromStep + 1, MAX_WINDOW_STEPS);
    for (let s = k.fromStep; s < k.fromStep + window; s++) assert.ok(run.t.includes(s), `case ${c}: step ${s} of the window ${k.fromStep}–${k.toStep}`);
    assert.ok(run.t.includes(k.toStep));
    const top = seriesMax(run);
    assert.equal(top.loss, k.peakLoss, `case ${c}`);
    const truth = largestLoss(e, k.toStep);
    assert.equal(top.step, truth.step);
  }
  assert.ok(catapults >= 15, `${catapults} catapults`);
});

test('time.at counts steps in simulate: a time that is not a whole step, or a last time of 0, is refused at its entry (solve takes them)', async () => {
  const { parseExperiment } = await import('../../../src/core/experiment/parse');
  const { simulate } = await import('../../../src/core/runs/simulate');
  const { solve } = await import('../../../src/core/runs/solve');
  const { ExperimentError } = await import('../../../src/core/experiment/errors');
  const base = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 0.001, scaleW: 0.001, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } };
  const cases: [number[], string, RegExp][] = [
    [[0], 'time.at[0]', /last time must be > 0/],
    [[0, 0.4], 'time.at[1]', /whole number, got time\.at\[1\] = 0\.4/],
    [[1e-9], 'time.at[0]', /whole number, got time\.at\[0\] = 1e-9/],
    [[0.5], 'time.at[0]', /whole number/],
    [[0, 2, 7.5, 10], 'time.at[2]', /whole number/],
  ];
  for (const [at, path, message] of cases) {
    const { experiment: e, diagnostics } = parseExperiment(JSON.stringify({ ...base, time: { at } }));
    assert.deepEqual(diagnostics, []);
    for (const reference of [false, true]) {
      assert.throws(() => simulate(e!, { reference }), (err: unknown) => err instanceof ExperimentError && err.path === path && message.test(err.message), `${JSON.stringify(at)}`);
    }
    assert.doesNotThrow(() => solve(e!), `solve ${JSON.stringify(at)}`);
  }
  const { experiment: ok } = parseExperiment(JSON.stringify({ ...base, time: { at: [0, 3] } }));
  assert.deepEqual(simulate(ok!).t, [0, 3]);
});
