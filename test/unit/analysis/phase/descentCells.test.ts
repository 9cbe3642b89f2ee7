/**
 * Phase diagrams of gradient descent (docs/phase-diagram.md, "Gradient descent"): every cell's outcome
 * against an independent float64 gradient descent over (u, W) on a grid that crosses converged,
 * catapult, unsettled and diverged runs (a disagreement must be explained by a documented threshold or
 * by the run's own sensitivity to rounding); each cell's label and scores against `flab simulate` of
 * that cell and against the reference's measures; a catapult cut short by the budget, an oscillation
 * just past the edge of stability and a blow-up; a nonlinear activation by the plain loop; the outcome
 * rules on crafted losses; the budget, the work limit and the refusals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhaseWorkError } from '../../../../src/core/analysis/phase/cellEvaluator';
import { MAX_DIAGRAM_STEPS } from '../../../../src/core/analysis/phase/descentCells';
import { cellScores, NO_LABEL, PhaseComputation, phaseDiagram, phaseDiagramSync, type PhaseDiagram } from '../../../../src/core/analysis/phase/phaseDiagram';
import { withValue } from '../../../../src/core/analysis/sweep';
import { reportedSteps } from '../../../../src/core/descent/gradientDescent';
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { PlaneDescent, planeDescentFacts } from '../../../../src/core/linearFlow/planeDescent';
import { exactFlowOf } from '../../../../src/core/linearFlow/reduce';
import { CATAPULT_RISE, CONVERGED, CATAPULT, DESCENT_OUTCOMES, descentOutcome, DIVERGED, DIVERGENCE_FACTOR, OutcomeWatch, UNSETTLED } from '../../../../src/core/linearFlow/stability';
import { SCORE_NAMES } from '../../../../src/core/mechanisms/classify';
import { Rng } from '../../../../src/core/math/rng';
import { simulate } from '../../../../src/core/runs/simulate';
import { explainDisagreement, referenceRun, type Outcome } from './descentReference';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}

/** The cell (i, j)'s own experiment, written through the file's JSON like a user's edit. */
function cellExperiment(e: Experiment, p: PhaseDiagram, i: number, j: number): Experiment {
  return withValue(withValue(e, p.x.path, p.x.values[j]), p.y.path, p.y.values[i]);
}

function close(a: number | null, b: number | null, rel: number, abs: number, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

// Width 6 on two-dimensional data, σ = 0.5: the rates of the grid take the initial kernel from
// 10⁻² to ~30 per step, across the edge of stability and the catapult's window into divergence.
const LINEAR = {
  model: { width: 6, outputScale: 1 },
  data: { x: [1, -0.5], y: 0.8 },
  init: { scaleU: 0.5, scaleW: 0.5, seed: 11 },
  learningRates: { u: 0.5, W: 0.5 },
  time: { end: 200, points: 41 },
};

// At 200 steps every run has settled or blown up (none is unsettled); at 4 steps the catapults are cut
// short and the slower blow-ups have not happened yet: both unsettled, their loss finite and above the start.
const GRID_BUDGETS: { end: number; points: number; least: Record<Outcome, number> }[] = [
  { end: 200, points: 41, least: { converged: 50, catapult: 10, unsettled: 0, diverged: 50 } },
  { end: 4, points: 5, least: { converged: 50, catapult: 10, unsettled: 20, diverged: 50 } },
];

for (const budget of GRID_BUDGETS) {
  test(`every outcome agrees with an independent float64 gradient descent over (u, W), except where a documented threshold or the run's own chaos decides (${budget.end} steps)`, () => {
    const e = experiment({ ...LINEAR, time: { end: budget.end, points: budget.points } });
    const n = 20;
    const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.2, to: 5 }, { key: 'learningRates.W', from: 0.01, to: 3 }, n, 'descent');
    assert.equal(p.method, 'descent');
    assert.equal(p.budget, budget.end);
    const steps = reportedSteps(e);
    const counts: Record<Outcome, number> = { converged: 0, catapult: 0, unsettled: 0, diverged: 0 };
    const explained: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const ours = DESCENT_OUTCOMES[p.outcomes![k]] as Outcome; // a linear network is never dead
        counts[ours]++;
        const cell = cellExperiment(e, p, i, j);
        const ref = referenceRun(cell, steps);
        if (ref.outcome === ours) continue;
        const why = explainDisagreement(cell, steps, ref);
        assert.ok(why, `cell (${i}, ${j}) γ = ${p.x.values[j]}, η_W = ${p.y.values[i]}: ${ours}, the reference ${ref.outcome} (rise ${ref.maxRise}, peak ${ref.peak}, lowest after the rise ${ref.lowestAfterRise}, end ${ref.endRise})`);
        explained.push(`(${i}, ${j}) ${ours} vs ${ref.outcome}: ${why}`);
      }
    }
    // The grid crosses the outcomes, each in some number.
    for (const name of Object.keys(counts) as Outcome[]) assert.ok(counts[name] >= budget.least[name], `${name}: ${JSON.stringify(counts)}`);
    assert.ok(explained.length <= 0.02 * n * n, `at most 2 % of the cells on a boundary: ${explained.join('; ')}`);
  });
}

for (const budget of [{ end: 200, points: 41, converged: 30, unsettled: 0 }, { end: 4, points: 5, converged: 30, unsettled: 10 }]) {
  test(`each cell's label and scores are those of \`flab simulate\` of that cell, and its measures those of the reference run; only diverged cells (blow-ups) have none (${budget.end} steps)`, () => {
    const e = experiment({ ...LINEAR, time: { end: budget.end, points: budget.points } });
    const n = 12;
    const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.2, to: 5 }, { key: 'learningRates.u', from: 0.01, to: 3 }, n, 'descent');
    const steps = reportedSteps(e);
    let compared = 0;
    let unsettled = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const cell = cellExperiment(e, p, i, j);
        const run = simulate(cell).summary;
        const outcome = p.outcomes![k];
        // simulate reports no blow-up for any other outcome; a diverged cell blew up in simulate too, or
        // passed 1e30 × its start below simulate's own threshold (1e100 when larger: docs/finite-rates.md §2).
        if (outcome !== DIVERGED) assert.equal(run.diverged, null, `(${i}, ${j}) ${DESCENT_OUTCOMES[outcome]}: simulate reports no blow-up`);
        else assert.ok(run.diverged !== null || referenceRun(cell, steps).peak > 1e30, `(${i}, ${j}) diverged: simulate's blow-up ${JSON.stringify(run.diverged)}`);
        if (outcome === DIVERGED) {
          assert.equal(p.labels[k], NO_LABEL, `(${i}, ${j}) a diverged cell has no label`);
          assert.equal(cellScores(p, i, j), null);
          for (const name of SCORE_NAMES) assert.ok(Number.isNaN(p.scores[name][k]), `(${i}, ${j}) ${name}`);
          continue;
        }
        // simulate watches the same catapult window.
        assert.equal(outcome === CATAPULT, (run.catapult !== null && run.catapult !== undefined) && run.lossFinal <= run.lossInitial * (1 + CATAPULT_RISE), `(${i}, ${j}) catapult as simulate's`);
        if (outcome === UNSETTLED) {
          assert.ok(run.lossFinal > run.lossInitial, `(${i}, ${j}) unsettled: simulate's final loss ${run.lossFinal} above its initial ${run.lossInitial}`);
          unsettled++;
        }
        assert.notEqual(p.labels[k], NO_LABEL, `(${i}, ${j}) ${DESCENT_OUTCOMES[outcome]} has a label`);
        assert.equal(p.labelNames[p.labels[k]], run.label, `(${i}, ${j}) label`);
        for (const name of SCORE_NAMES) {
          const v = p.scores[name][k];
          close(Number.isNaN(v) ? null : v, run.scores![name], 1e-9, 1e-12, `(${i}, ${j}) ${name}`);
        }
        // Against the independent run, where the loss never rose (a catapult amplifies rounding).
        if (outcome !== CONVERGED) continue;
        // Measured at every step: the kernel's change is its largest over every step, not the reported ones.
        const ref = referenceRun(cell, Array.from({ length: steps[steps.length - 1] + 1 }, (_, s) => s));
        const first = ref.points[0];
        const last = ref.points[ref.points.length - 1];
        let kernel = 0;
        for (const q of ref.points) kernel = Math.max(kernel, Math.abs(q.ntk / first.ntk - 1));
        close(p.scores.kernelChange[k], kernel, 1e-7, 1e-12, `(${i}, ${j}) kernelChange against the reference`);
        close(p.scores.zetaChange[k], Math.abs(last.zeta!) - Math.abs(first.zeta!), 1e-7, 1e-11, `(${i}, ${j}) zetaChange against the reference`);
        close(p.scores.normChangeU[k], Math.log(last.normU / first.normU), 1e-7, 1e-11, `(${i}, ${j}) normChangeU against the reference`);
        close(p.scores.normChangeW[k], Math.log(last.normW / first.normW), 1e-7, 1e-11, `(${i}, ${j}) normChangeW against the reference`);
        close(p.scores.distance[k], last.distance, 1e-7, 1e-12, `(${i}, ${j}) distance against the reference`);
        compared++;
      }
    }
    assert.ok(compared >= budget.converged, `${compared} converged cells compared with the reference`);
    assert.ok(unsettled >= budget.unsettled, `${unsettled} unsettled cells labelled as simulate labels them`);
  });
}

test('a nonlinear activation runs the plain loop per cell: outcomes against the reference, labels and scores as simulate\'s', async () => {
  const e = experiment({ ...LINEAR, model: { width: 4, outputScale: 1, activation: 'tanh' }, time: { end: 120, points: 25 } });
  const n = 7;
  const p = await phaseDiagram(e, { key: 'outputScale', from: 0.3, to: 6 }, { key: 'learningRates.W', from: 0.05, to: 5 }, n, { method: 'descent' });
  assert.equal(p.ntk0, null, 'no closed-form kernel');
  assert.deepEqual(p.lines, [], 'no critical lines without the linear network');
  const steps = reportedSteps(e);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const cell = cellExperiment(e, p, i, j);
      const ref = referenceRun(cell, steps);
      const ours = DESCENT_OUTCOMES[p.outcomes![k]];
      seen.add(p.outcomes![k]);
      if (ref.outcome !== ours) assert.ok(explainDisagreement(cell, steps, ref), `(${i}, ${j}) ${ours} vs the reference's ${ref.outcome}`);
      if (p.outcomes![k] === DIVERGED) continue;
      const run = simulate(cell).summary;
      assert.equal(p.labelNames[p.labels[k]], run.label, `(${i}, ${j}) label`);
      close(p.scores.kernelChange[k], run.scores!.kernelChange, 1e-12, 1e-15, `(${i}, ${j}) kernelChange`);
      close(p.scores.distance[k], run.scores!.distance, 1e-12, 1e-15, `(${i}, ${j}) distance`);
    }
  }
  assert.ok(seen.has(CONVERGED) && seen.has(DIVERGED), 'the grid has converged and diverged cells');
});

// The kernel regime (NTK parameterisation, width 1024, one sample): the initial kernel per step is
// K₀ = 1.90 at η_u = η_W = 1 and scales with the rates, so `rate(K)` sets it (docs/phase-diagram.md,
// "Critical lines").
const KERNEL_REGIME = { parameterisation: 'ntk', model: { width: 1024 }, data: { x: [1], y: 0.5 }, init: { scaleU: 1, scaleW: 1, seed: 2 }, learningRates: { u: 1, W: 1 } };

/** The rates at which the kernel regime's initial kernel per step is K (from the cell's own K₀ at rates 1). */
function rateFor(K: number): number {
  const p = phaseDiagramSync(experiment(KERNEL_REGIME), { key: 'learningRates.u', from: 1, to: 1 }, { key: 'learningRates.W', from: 1, to: 1 }, 1, 'descent');
  return K / p.ntk0![0];
}

/** The one-cell descent diagram of the kernel regime at both rates `rate`, for `end` steps, and `flab simulate` of the same experiment. */
function oneCell(rate: number, end: number): { p: PhaseDiagram; e: Experiment; outcome: string; label: string | null } {
  const e = experiment({ ...KERNEL_REGIME, learningRates: { u: rate, W: rate }, time: { end, points: Math.min(end + 1, 21) } });
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: rate, to: rate }, { key: 'learningRates.W', from: rate, to: rate }, 1, 'descent');
  return { p, e, outcome: DESCENT_OUTCOMES[p.outcomes![0]], label: p.labels[0] === NO_LABEL ? null : p.labelNames[p.labels[0]] };
}

/** The cell's label and scores are those of `flab simulate` of it with the same budget (to 1e-9). */
function assertAsSimulate(p: PhaseDiagram, e: Experiment, what: string): void {
  const run = simulate(e).summary;
  assert.equal(run.diverged, null, `${what}: simulate reports no blow-up`);
  assert.notEqual(p.labels[0], NO_LABEL, `${what}: a label`);
  assert.equal(p.labelNames[p.labels[0]], run.label, `${what}: the label of simulate`);
  for (const name of SCORE_NAMES) {
    const v = p.scores[name][0];
    close(Number.isNaN(v) ? null : v, run.scores![name], 1e-9, 1e-12, `${what}: ${name}`);
  }
}

test('a catapult cut short by the budget is unsettled, not diverged, and labelled as `flab simulate` of the cell labels it', () => {
  const rate = rateFor(3);
  // With room for it, the catapult at K₀ = 3 rises at step 1 and is back below its start by step 19.
  const full = oneCell(rate, 50);
  assert.equal(full.outcome, 'catapult');
  const window = simulate(full.e).summary.catapult!;
  assert.ok(window.fromStep <= 2 && window.toStep > 10 && window.toStep < 50, JSON.stringify(window));
  // Ten steps end inside that window: the loss is far above its start, finite, and no blow-up.
  const cut = oneCell(rate, 10);
  const ref = referenceRun(cut.e, [0, 10]);
  assert.equal(ref.outcome, 'unsettled', 'the independent run');
  assert.ok(ref.endRise > 1 && ref.peak < 1e6, `the loss at step 10 is ${ref.endRise + 1} × its start, its peak ${ref.peak} ×`);
  assert.equal(cut.outcome, 'unsettled');
  assertAsSimulate(cut.p, cut.e, 'cut short');
  assert.ok(simulate(cut.e).summary.lossFinal > simulate(cut.e).summary.lossInitial);
});

test('an oscillation just past the edge of stability that has not blown up within the budget is unsettled, with simulate\'s label', () => {
  // K₀ = 2.01: the residual flips sign every step and grows by about |1 − K₀| = 1.01 a step; in 50
  // steps the loss has not even doubled, and has not fallen back below its start.
  const cell = oneCell(rateFor(2.01), 50);
  const ref = referenceRun(cell.e, Array.from({ length: 51 }, (_, k) => k));
  const r = ref.points.map((q) => q.output - 0.5);
  for (let k = 1; k <= 50; k++) assert.ok(r[k] * r[k - 1] < 0, `the residual flips sign at step ${k}`);
  assert.equal(ref.outcome, 'unsettled', 'the independent run');
  assert.ok(ref.lowestAfterRise > 0 && ref.peak < 2.5 && ref.endRise > 0.5, `bounded: peak ${ref.peak} × L₀, lowest after the rise ${ref.lowestAfterRise + 1} ×, end ${ref.endRise + 1} ×`);
  assert.equal(cell.outcome, 'unsettled');
  assertAsSimulate(cell.p, cell.e, 'oscillating');
  // Below the edge the same run converges.
  assert.equal(oneCell(rateFor(1.9), 50).outcome, 'converged');
});

test('a blow-up is diverged: no label, no scores, and `flab simulate` of the cell reports the blow-up', () => {
  const cell = oneCell(rateFor(4.5), 50);
  assert.equal(cell.outcome, 'diverged');
  assert.equal(cell.label, null);
  for (const name of SCORE_NAMES) assert.ok(Number.isNaN(cell.p.scores[name][0]), name);
  assert.equal(referenceRun(cell.e, [0, 50]).outcome, 'diverged', 'the independent run');
  const run = simulate(cell.e).summary;
  assert.ok(run.diverged !== null && run.diverged.step > 1 && run.diverged.step < 50, JSON.stringify(run.diverged));
  assert.equal(run.label, null);
});

test('the outcome rules on losses written by hand', () => {
  const outcomeOf = (losses: number[]): string => {
    const w = new OutcomeWatch();
    for (let k = 0; k < losses.length; k++) if (!w.observe(k, losses[k])) break;
    return DESCENT_OUTCOMES[descentOutcome(w)];
  };
  assert.equal(outcomeOf([1, 0.5, 0.2, 0.1]), 'converged');
  assert.equal(outcomeOf([1, 1 + 0.5 * CATAPULT_RISE, 0.5]), 'converged', 'a rise within the rounding margin is none');
  assert.equal(outcomeOf([1, 1, 1]), 'converged', 'at rest');
  assert.equal(outcomeOf([1, 3, 40, 2, 0.9, 0.1]), 'catapult');
  assert.equal(outcomeOf([1, 3, 0.5, 2]), 'unsettled', 'above its start again at the end of the budget');
  assert.equal(outcomeOf([1, 3, 0.5, 1 + 0.5 * CATAPULT_RISE]), 'catapult', 'back within the margin at the end');
  assert.equal(outcomeOf([1, 3, 0.5, 1 + 2 * CATAPULT_RISE]), 'unsettled', 'above the margin at the end');
  assert.equal(outcomeOf([1, 3, 2, 1.5]), 'unsettled', 'rose and never fell below its start');
  assert.equal(outcomeOf([1, 10, 1e29, 1e30]), 'unsettled', 'far above its start, but finite and at most 1e30 × it');
  assert.equal(outcomeOf([1, 10, 1e29, 1e31, 0.1]), 'diverged', 'beyond 1e30 × its start, however it ends');
  assert.equal(outcomeOf([1, NaN]), 'diverged');
  assert.equal(outcomeOf([1, Infinity]), 'diverged');
  const w = new OutcomeWatch();
  w.observe(0, 2);
  assert.equal(w.observe(1, 2 * DIVERGENCE_FACTOR * 1.01), false, 'the watch says to stop at the blow-up');
  assert.equal(w.blowUpStep, 1);
});

test('the recursion\'s facts are those of PlaneDescent step by step, catapults and blow-ups included', () => {
  const rng = new Rng(5);
  let catapults = 0;
  let blowUps = 0;
  for (let c = 0; c < 60; c++) {
    const e = experiment({ ...LINEAR, init: { ...LINEAR.init, seed: c }, model: { width: 1 + Math.floor(rng.uniform() * 12), outputScale: Math.exp(3 * (rng.uniform() - 0.4)) }, learningRates: { u: Math.exp(3 * (rng.uniform() - 0.5)), W: Math.exp(3 * (rng.uniform() - 0.5)) } });
    const { flow } = exactFlowOf(e);
    const steps = Float64Array.from({ length: 11 }, (_, k) => 30 * k);
    const facts = planeDescentFacts(flow.input, steps, CATAPULT_RISE, DIVERGENCE_FACTOR);
    const run = new PlaneDescent(flow.input, 0, true);
    const watch = new OutcomeWatch();
    let kernel = 0;
    const ntk0 = run.ntk;
    for (let k = 0; k <= 300; k++) {
      if (!watch.observe(k, run.loss)) break;
      // Every step, whatever the reported ones (docs/mechanisms.md, "Scores").
      kernel = Math.max(kernel, Math.abs(run.ntk / ntk0 - 1));
      if (k < 300 && !run.advance()) {
        watch.blewUp(k + 1);
        break;
      }
    }
    assert.deepEqual([facts.loss0, facts.riseStep, facts.fallStep, facts.blowUpStep], [watch.loss0, watch.riseStep, watch.fallStep, watch.blowUpStep], `experiment ${c}`);
    if (facts.blowUpStep < 0) {
      assert.equal(facts.lossEnd, watch.lossEnd, `experiment ${c}: the last loss`);
      close(facts.kernelChange, kernel, 1e-12, 1e-14, `experiment ${c}: the kernel's change`);
      close(facts.tangentChange, run.extremes!.tangentChange, 1e-12, 1e-14, `experiment ${c}: the tangent features' change`);
    }
    if (descentOutcome(facts) === CATAPULT) catapults++;
    if (facts.blowUpStep >= 0) blowUps++;
  }
  assert.ok(catapults >= 3 && blowUps >= 3, `${catapults} catapults, ${blowUps} blow-ups`);
});

test('the step budget: time.end, or the file\'s own default number of steps for every cell; the work limit refused before the first cell', () => {
  const e = experiment(LINEAR);
  const noEnd = experiment({ ...LINEAR, time: { points: 41 } });
  const axes = [{ key: 'outputScale', from: 0.2, to: 5 }, { key: 'learningRates.W', from: 0.01, to: 3 }] as const;
  const budget = reportedSteps(noEnd)[reportedSteps(noEnd).length - 1];
  const p = phaseDiagramSync(noEnd, axes[0], axes[1], 3, 'descent');
  assert.equal(p.budget, budget, 'the default of `flab simulate FILE`');
  assert.equal(p.defaultBudget, true, 'and it says so');
  // A cell far from the file's values runs the same number of steps (not its own horizon): its scores
  // are simulate's of that cell with time.end = the budget.
  const cell = withValue(withValue(withValue(noEnd, 'model.outputScale', p.x.values[0]), 'learningRates.W', p.y.values[0]), 'time.end', budget);
  close(p.scores.distance[0], simulate(cell).summary.scores!.distance, 1e-9, 1e-12, 'the corner cell ran the file\'s budget');
  assert.deepEqual([phaseDiagramSync(e, axes[0], axes[1], 2, 'descent').budget, phaseDiagramSync(e, axes[0], axes[1], 2, 'descent').defaultBudget], [200, false]);
  // 2³¹ steps at most: 2000² cells × 538 steps is refused at time.end before any cell is computed.
  const big = experiment({ ...LINEAR, time: { end: Math.ceil(MAX_DIAGRAM_STEPS / 4e6) + 1, points: 10 } });
  const t0 = performance.now();
  assert.throws(() => new PhaseComputation(big, axes[0], axes[1], 2000, 'descent'), (err: unknown) => err instanceof PhaseWorkError && err.path === 'time.end' && /over the limit of 2147483648 for one phase diagram/.test(err.message));
  assert.ok(performance.now() - t0 < 2000, 'refused at once');
  // Weight decay and a non-integer budget are refused at their keys.
  assert.throws(() => phaseDiagramSync(withValue(e, 'weightDecay', 0.01), axes[0], axes[1], 2, 'descent'), (err: unknown) => (err as { path?: string }).path === 'weightDecay');
  assert.throws(() => phaseDiagramSync(withValue(e, 'time.end', 10.5), axes[0], axes[1], 2, 'descent'), (err: unknown) => (err as { path?: string }).path === 'time.end');
  // The exact flow of a nonlinear network is refused, pointing to gradient descent.
  const tanh = experiment({ ...LINEAR, model: { width: 4, outputScale: 1, activation: 'tanh' } });
  assert.throws(() => phaseDiagramSync(tanh, axes[0], axes[1], 2), /gradient descent \(flab phase --descent/);
});

test('an axis that redraws (the width) runs one set-up per value, as single runs do', () => {
  const e = experiment({ ...LINEAR, model: { width: 4, outputScale: { widthExponent: -0.5 } } });
  const p = phaseDiagramSync(e, { key: 'width', from: 2, to: 64 }, { key: 'learningRates.u', from: 0.05, to: 5 }, [6, 5], 'descent');
  assert.deepEqual(Array.from(p.x.values), [2, 4, 8, 16, 32, 64]);
  for (const [i, j] of [[0, 0], [4, 5], [2, 3]]) {
    const k = i * 6 + j;
    const run = simulate(cellExperiment(e, p, i, j)).summary;
    if (p.outcomes![k] === DIVERGED) continue;
    close(p.scores.kernelChange[k], run.scores!.kernelChange, 1e-9, 1e-12, `width cell (${i}, ${j})`);
    assert.equal(p.labelNames[p.labels[k]], run.label);
  }
});
