/**
 * The default number of steps of gradient descent (docs/model.md §6, "Default horizon"): descent runs
 * until it has itself settled — through a catapult to convergence, or to a blow-up — not for the
 * flow's horizon, which stopped a catapult at its peak (3 steps of a 10-step catapult, labelled kernel).
 * Checked against an independent float64 gradient descent over (u, W) (test/reference/network.ts)
 * that applies the documented rule step by step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { withValue } from '../../../src/core/analysis/sweep';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { DESCENT_OUTCOMES } from '../../../src/core/linearFlow/stability';
import { Rng } from '../../../src/core/math/rng';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { initialState, lossGradient, measure, networkOf } from '../../reference/network';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return e!;
}

/** The tester's file: width 200, σ = 0.3, seed 7, rates 0.0735 (K₀ = 2.5 per step), y = 1, no time. */
const CATAPULT = { model: { width: 200 }, data: { x: [1], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 7 }, learningRates: { u: 0.0735, W: 0.0735 } };

interface ReferenceRun {
  /** The step at which the documented rule stops: settled, blown up, or the cap. */
  settle: number;
  how: 'converged' | 'diverged' | 'unsettled';
  losses: number[];
}

/**
 * Plain float64 gradient descent over (u, W) of a single-sample experiment whose residual tends to 0,
 * step by step: settled at the first step k where, on k and k − 1, |r| ≤ 10⁻³|r₀| and K < 2; diverged at
 * the first step whose loss exceeds max(10¹⁰⁰, 10³⁰·L₀) or whose weights are not finite.
 */
function referenceRun(e: Experiment, cap: number): ReferenceRun {
  const net = networkOf(e);
  const theta0 = initialState(e);
  const theta = Float64Array.from(theta0);
  const grad = new Float64Array(theta.length);
  const y = net.ys[0];
  const losses: number[] = [];
  let r0 = NaN;
  let threshold = NaN;
  let settled = 0;
  for (let k = 0; ; k++) {
    if (!theta.every(Number.isFinite)) return { settle: k, how: 'diverged', losses };
    const m = measure(net, theta, theta0);
    losses.push(m.loss);
    const r = m.output - y;
    if (k === 0) {
      r0 = r;
      threshold = Math.max(1e100, 1e30 * m.loss);
    }
    if (!(m.loss <= threshold)) return { settle: k, how: 'diverged', losses };
    if (Math.abs(r) <= 1e-3 * Math.abs(r0) && m.ntk < 2) {
      if (++settled === 2) return { settle: k, how: 'converged', losses };
    } else settled = 0;
    if (k >= cap) return { settle: cap, how: 'unsettled', losses };
    lossGradient(net, theta, grad);
    for (let i = 0; i < net.d; i++) theta[i] -= net.etaU * grad[i];
    for (let i = net.d; i < theta.length; i++) theta[i] -= net.etaW * grad[i];
  }
}

/** The first window in which the losses rose above the first by 1e-9 and fell below it again. */
function catapultOf(losses: number[]): { fromStep: number; toStep: number; peakLoss: number } | null {
  let from = -1;
  let peak = -Infinity;
  for (let k = 1; k < losses.length; k++) {
    if (from < 0) {
      if (losses[k] > losses[0] * (1 + 1e-9)) [from, peak] = [k, losses[k]];
    } else {
      peak = Math.max(peak, losses[k]);
      if (losses[k] < losses[0]) return { fromStep: from, toStep: k, peakLoss: peak };
    }
  }
  return null;
}

test('a catapult with no time.end runs through the catapult to convergence (the flow\'s 3 steps stopped at the peak, labelled kernel)', () => {
  const e = experiment(CATAPULT);
  const run = simulate(e);
  const ref = referenceRun(e, 1000);
  assert.equal(ref.how, 'converged');
  assert.equal(run.summary.horizon, ref.settle, 'the step at which descent itself has settled');
  assert.ok(run.summary.horizon > 10 && solve(e).summary.horizon < 4, `descent ${run.summary.horizon} steps, the flow's horizon ${solve(e).summary.horizon}`);
  assert.equal(run.summary.diverged, null);
  const c = catapultOf(ref.losses)!;
  assert.deepEqual([run.summary.catapult?.fromStep, run.summary.catapult?.toStep], [1, 10]);
  assert.deepEqual([c.fromStep, c.toStep], [1, 10]);
  assert.ok(Math.abs(run.summary.catapult!.peakLoss - c.peakLoss) <= 1e-10 * c.peakLoss, `peak ${run.summary.catapult!.peakLoss} vs ${c.peakLoss}`);
  assert.ok(Math.abs(run.summary.catapult!.peakLoss - 15.5925) < 1e-4);
  assert.ok(run.summary.lossFinal <= 1e-6 * run.summary.lossInitial, `lossFinal ${run.summary.lossFinal}`);
  // The label of the whole run: the same as over 10⁵ steps, not "kernel".
  const long = simulate(experiment({ ...CATAPULT, time: { end: 100000 } }));
  assert.equal(long.summary.label, 'rescaling');
  assert.equal(run.summary.label, long.summary.label);
});

test('y = 0 from σ = 1 (K₀ ≈ 3.4): the default horizon holds the catapult and its convergence (it was 3 steps of a rising loss)', () => {
  const e = experiment({ model: { width: 16 }, data: { x: [1], y: 0 }, init: { scaleU: 1, scaleW: 1, seed: 8 }, learningRates: { u: 0.1, W: 0.1 } });
  const run = simulate(e);
  const ref = referenceRun(e, 1000);
  assert.equal(ref.how, 'converged');
  assert.equal(run.summary.horizon, ref.settle);
  assert.deepEqual(run.summary.catapult, { ...catapultOf(ref.losses)!, peakLoss: run.summary.catapult!.peakLoss });
  assert.ok(run.summary.lossFinal < run.summary.lossInitial);
  assert.equal(run.summary.diverged, null);
});

test('other members of the kind: random catapults (2.05 ≤ K₀ ≤ 3.6) and divergences, every horizon where the reference settles', () => {
  const rng = new Rng(2025);
  let catapults = 0;
  let divergences = 0;
  for (let c = 0; c < 40; c++) {
    const width = 1 + Math.floor(rng.uniform() * 40);
    const sigma = 0.2 + rng.uniform();
    const y = rng.uniform() < 0.3 ? 0 : (rng.uniform() * 2 - 1) * 1.5;
    const raw = { model: { width }, data: { x: [1], y }, init: { scaleU: sigma, scaleW: sigma, seed: c }, learningRates: { u: 0.1, W: 0.1 } };
    // Rates that put K₀ in the catapult's window (or beyond it, for a few).
    const k0 = simulate(experiment({ ...raw, time: { end: 1, points: 2 } })).summary.ntkInitial!;
    const target = c % 8 === 7 ? 5 + rng.uniform() * 3 : 2.05 + rng.uniform() * 1.55;
    const eta = (0.1 * target) / k0;
    const e = experiment({ ...raw, learningRates: { u: eta, W: eta } });
    const run = simulate(e);
    const ref = referenceRun(e, run.summary.horizon + 2);
    const what = `case ${c}: ${JSON.stringify(raw)} at η = ${eta}`;
    if (ref.how === 'unsettled') continue; // chaotic at the edge: no two evaluations need agree
    // Rounding may move the crossing of the 10⁻³ threshold by one step.
    assert.ok(Math.abs(run.summary.horizon - ref.settle) <= 1, `${what}: horizon ${run.summary.horizon}, reference ${ref.settle} (${ref.how})`);
    if (ref.how === 'diverged') {
      divergences++;
      assert.ok(run.summary.diverged, `${what}: the divergence is seen`);
    } else {
      assert.equal(run.summary.diverged, null, what);
      const c0 = catapultOf(ref.losses);
      if (c0) {
        catapults++;
        assert.deepEqual([run.summary.catapult?.fromStep, run.summary.catapult?.toStep], [c0.fromStep, c0.toStep], what);
      }
      assert.ok(run.loss[run.loss.length - 1] <= 1.1e-6 * run.loss[0] + 1e-300, `${what}: converged, lossFinal ${run.summary.lossFinal}`);
    }
  }
  assert.ok(catapults >= 15 && divergences >= 2, `${catapults} catapults, ${divergences} divergences`);
});

test('weight decay stretches descent\'s own number of steps: ρ = 40 (1 − ηρ < −1) blows up within the default run, where the flow-based rule stopped at step 3 with a label', () => {
  const e = experiment({ ...CATAPULT, weightDecay: 40 });
  const run = simulate(e);
  assert.ok(run.summary.horizon >= simulate(experiment(CATAPULT)).summary.horizon, `horizon ${run.summary.horizon}`);
  // An independent float64 loop with the decay gradient ρθ: the first step whose loss passes 10¹⁰⁰.
  const net = networkOf(e);
  const theta = initialState(e);
  const grad = new Float64Array(theta.length);
  let blowUp = -1;
  for (let k = 0; k <= run.summary.horizon && blowUp < 0; k++) {
    if (!(measure(net, theta, theta).loss <= 1e100)) blowUp = k;
    lossGradient(net, theta, grad);
    for (let i = 0; i < theta.length; i++) theta[i] -= (i < net.d ? net.etaU : net.etaW) * (grad[i] + 40 * theta[i]);
  }
  assert.ok(blowUp > 3, `the reference blows up at step ${blowUp}`);
  assert.deepEqual(run.summary.diverged, { step: blowUp });
  assert.equal(run.summary.label, null);
});

test('the descent phase diagram\'s default budget is simulate\'s: cells within the stable range catapult instead of "diverging" at the flow\'s 3 steps', () => {
  const e = experiment(CATAPULT);
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.05, to: 0.1 }, { key: 'learningRates.W', from: 0.05, to: 0.1 }, 3, 'descent');
  assert.equal(p.defaultBudget, true);
  assert.equal(p.budget, simulate(e).summary.horizon);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const cell = withValue(withValue(e, 'learningRates.u', p.x.values[j]), 'learningRates.W', p.y.values[i]);
      const ref = referenceRun(withValue(cell, 'time.end', p.budget!), p.budget!);
      const c = catapultOf(ref.losses);
      const last = ref.losses[ref.losses.length - 1];
      const outcome = ref.how === 'diverged' ? 'diverged' : !c ? (ref.losses.some((l) => l > ref.losses[0] * (1 + 1e-9)) ? 'unsettled' : 'converged') : last <= ref.losses[0] * (1 + 1e-9) ? 'catapult' : 'unsettled';
      assert.equal(DESCENT_OUTCOMES[p.outcomes![i * 3 + j]], outcome, `cell η_u = ${p.x.values[j]}, η_W = ${p.y.values[i]}`);
    }
  }
  // The cells the flow's budget called diverged although their rates are stable (maxStableRateScale 1.6).
  for (const [i, j] of [[2, 2], [2, 1], [1, 2]]) assert.equal(DESCENT_OUTCOMES[p.outcomes![i * 3 + j]], 'catapult', `cell (${i}, ${j})`);
});
