/**
 * Phase diagrams of gradient descent (docs/phase-diagram.md, "Gradient descent"): every cell's outcome
 * against an independent float64 gradient descent over (u, W) on a grid that crosses converged,
 * catapult and diverged runs (a disagreement must be explained by a documented threshold or by the
 * run's own sensitivity to rounding); each cell's label and scores against `flab simulate` of that cell
 * and against the reference's measures; a nonlinear activation by the plain loop; the outcome rules on
 * crafted losses; the budget, the work limit and the refusals.
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
import { CATAPULT_RISE, CONVERGED, CATAPULT, DESCENT_OUTCOMES, descentOutcome, DIVERGED, DIVERGENCE_FACTOR, OutcomeWatch } from '../../../../src/core/linearFlow/stability';
import { SCORE_NAMES } from '../../../../src/core/mechanisms/classify';
import { Rng } from '../../../../src/core/math/rng';
import { simulate } from '../../../../src/core/runs/simulate';
import { explainDisagreement, referenceRun } from './descentReference';

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

test('every outcome agrees with an independent float64 gradient descent over (u, W), except where a documented threshold or the run\'s own chaos decides', () => {
  const e = experiment(LINEAR);
  const n = 20;
  const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.2, to: 5 }, { key: 'learningRates.W', from: 0.01, to: 3 }, n, 'descent');
  assert.equal(p.method, 'descent');
  assert.equal(p.budget, 200);
  const steps = reportedSteps(e);
  const counts = { converged: 0, catapult: 0, diverged: 0 };
  const explained: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const ours = DESCENT_OUTCOMES[p.outcomes![k]];
      counts[ours]++;
      const cell = cellExperiment(e, p, i, j);
      const ref = referenceRun(cell, steps);
      if (ref.outcome === ours) continue;
      const why = explainDisagreement(cell, steps, ref);
      assert.ok(why, `cell (${i}, ${j}) γ = ${p.x.values[j]}, η_W = ${p.y.values[i]}: ${ours}, the reference ${ref.outcome} (rise ${ref.maxRise}, peak ${ref.peak}, lowest after the rise ${ref.lowestAfterRise}, end ${ref.endRise})`);
      explained.push(`(${i}, ${j}) ${ours} vs ${ref.outcome}: ${why}`);
    }
  }
  // The grid crosses all three outcomes, each in some number.
  assert.ok(counts.converged >= 50 && counts.catapult >= 10 && counts.diverged >= 50, JSON.stringify(counts));
  assert.ok(explained.length <= 0.02 * n * n, `at most 2 % of the cells on a boundary: ${explained.join('; ')}`);
});

test('each cell\'s label and scores are those of `flab simulate` of that cell, and its measures those of the reference run; diverged cells have none', () => {
  const e = experiment(LINEAR);
  const n = 12;
  const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.2, to: 5 }, { key: 'learningRates.u', from: 0.01, to: 3 }, n, 'descent');
  const steps = reportedSteps(e);
  let compared = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const cell = cellExperiment(e, p, i, j);
      const run = simulate(cell).summary;
      const outcome = p.outcomes![k];
      if (outcome === DIVERGED) {
        assert.equal(p.labels[k], NO_LABEL, `(${i}, ${j}) a diverged cell has no label`);
        assert.equal(cellScores(p, i, j), null);
        for (const name of SCORE_NAMES) assert.ok(Number.isNaN(p.scores[name][k]), `(${i}, ${j}) ${name}`);
        continue;
      }
      // simulate watches the same catapult window.
      assert.equal(outcome === CATAPULT, run.catapult !== null && run.catapult !== undefined, `(${i}, ${j}) catapult as simulate's`);
      assert.equal(p.labelNames[p.labels[k]], run.label, `(${i}, ${j}) label`);
      for (const name of SCORE_NAMES) {
        const v = p.scores[name][k];
        close(Number.isNaN(v) ? null : v, run.scores![name], 1e-9, 1e-12, `(${i}, ${j}) ${name}`);
      }
      // Against the independent run, where the loss never rose (a catapult amplifies rounding).
      if (outcome !== CONVERGED) continue;
      const ref = referenceRun(cell, steps);
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
  assert.ok(compared >= 30, `${compared} converged cells compared with the reference`);
});

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
  assert.equal(outcomeOf([1, 3, 0.5, 2]), 'diverged', 'above its start again at the end of the budget');
  assert.equal(outcomeOf([1, 3, 0.5, 1 + 0.5 * CATAPULT_RISE]), 'catapult', 'back within the margin at the end');
  assert.equal(outcomeOf([1, 3, 2, 1.5]), 'diverged', 'rose and never fell below its start');
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
    const run = new PlaneDescent(flow.input);
    const watch = new OutcomeWatch();
    let kernel = 0;
    const ntk0 = run.ntk;
    for (let k = 0; k <= 300; k++) {
      if (!watch.observe(k, run.loss)) break;
      // The reported steps: the grid's, and those of the first rise window (its first 2,000, the one
      // that closes it), as `flab simulate` reports them (docs/finite-rates.md §3).
      const inWindow = watch.riseStep >= 0 && (watch.fallStep < 0 || watch.fallStep === k);
      if (k % 30 === 0 || inWindow) kernel = Math.max(kernel, Math.abs(run.ntk / ntk0 - 1));
      if (k < 300 && !run.advance()) {
        watch.blewUp(k + 1);
        break;
      }
    }
    assert.deepEqual([facts.loss0, facts.riseStep, facts.fallStep, facts.blowUpStep], [watch.loss0, watch.riseStep, watch.fallStep, watch.blowUpStep], `experiment ${c}`);
    if (facts.blowUpStep < 0) {
      assert.equal(facts.lossEnd, watch.lossEnd, `experiment ${c}: the last loss`);
      close(facts.kernelChange, kernel, 1e-12, 1e-14, `experiment ${c}: the kernel's change`);
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
