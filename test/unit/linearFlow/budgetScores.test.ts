/**
 * The exact flow scored over a finite budget, t ∈ [0, T] (`"classify": { "at": "end" }`,
 * docs/mechanisms.md "Two conventions"): the O(1) scores against the extremes of a dense trajectory
 * on [0, T] — before, across and after the output's sign change, where the kernel has its minimum —
 * the budgeted labels against the flow's t → ∞ labels at large budgets, `solve` and the schema.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactScores } from '../../../src/core/linearFlow/exactScores';
import { exactFlowOf } from '../../../src/core/linearFlow/reduce';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { classify, DEFAULT_THRESHOLDS, scoredOver, thresholdsOf } from '../../../src/core/mechanisms/classify';
import { Rng } from '../../../src/core/math/rng';
import { solve } from '../../../src/core/runs/solve';
import { seriesScores } from '../../../src/core/trajectory/seriesScores';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}

function close(a: number | null, b: number | null, rel: number, abs: number, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function randomRaw(rng: Rng, k: number): Record<string, unknown> {
  return {
    model: { width: 1 + Math.floor(rng.uniform() * 20), outputScale: Math.exp(4 * (rng.uniform() - 0.5)) },
    data: { x: [1], y: (rng.uniform() - 0.3) * 3 },
    init: { scaleU: Math.exp(6 * (rng.uniform() - 0.7)), scaleW: Math.exp(6 * (rng.uniform() - 0.7)), seed: k },
    learningRates: { u: Math.exp(2 * (rng.uniform() - 0.5)), W: Math.exp(2 * (rng.uniform() - 0.5)) },
  };
}

test('scores over [0, T] agree with the extremes of a dense trajectory on [0, T], whether the output\'s sign change (the kernel\'s minimum) comes before T or after', () => {
  const rng = new Rng(7);
  let crossingBefore = 0;
  let crossingAfter = 0;
  for (let k = 0; k < 60; k++) {
    const raw = randomRaw(rng, k);
    const horizon = solve(experiment(raw)).summary.horizon;
    const T = horizon * [0.003, 0.03, 0.3, 1, 3][k % 5];
    const e = experiment({ ...raw, classify: { at: 'end' }, time: { end: T } });
    const s = solve(e).summary.scores!;
    const dense = solve({ ...e, time: { kind: 'grid', end: T, points: 20000, spacing: 'log', start: T * 1e-9 } });
    assert.equal(dense.t[0], 0);
    const d = seriesScores(dense, { zeta: dense.zeta[0], loss: dense.loss[0], ntk: dense.ntk![0], normU: dense.normU[0], normW: dense.normW[0] })!;
    const what = `config ${k} T = ${T} ${JSON.stringify(raw)}`;
    close(s.kernelChange, d.kernelChange, 1e-3, 1e-9, `${what} kernelChange`);
    close(s.zetaChange, d.zetaChange, 1e-9, 1e-12, `${what} zetaChange`);
    close(s.normChangeU, d.normChangeU, 1e-9, 1e-12, `${what} normChangeU`);
    close(s.normChangeW, d.normChangeW, 1e-9, 1e-12, `${what} normChangeW`);
    close(s.distance, d.distance, 1e-9, 1e-14, `${what} distance`);
    // The output changes sign between 0 and T, or would later.
    const out = dense.output;
    const sign = (v: number) => Math.sign(v);
    if (sign(out[0]) !== sign(out[out.length - 1]) && out[0] !== 0) crossingBefore++;
    else if (sign(out[0]) !== sign(solve(experiment(raw)).summary.limit!.output)) crossingAfter++;
  }
  assert.ok(crossingBefore >= 3 && crossingAfter >= 3, `the sign change before T in ${crossingBefore} runs, after it in ${crossingAfter}`);
});

test('at large budgets the budgeted label is the flow\'s label over t ∈ [0, ∞), and the scores converge to its scores', () => {
  const rng = new Rng(8);
  for (let k = 0; k < 40; k++) {
    const raw = randomRaw(rng, k);
    const infinite = solve(experiment(raw)).summary;
    const e = experiment({ ...raw, classify: { at: 'end' }, time: { end: 1e6 * infinite.horizon } });
    const budget = solve(e).summary;
    assert.equal(budget.label, infinite.label, `config ${k}`);
    for (const name of ['kernelChange', 'tangentChange', 'zetaChange', 'normChangeU', 'normChangeW', 'distance'] as const) {
      close(budget.scores![name], infinite.scores![name], 1e-6, 1e-9, `config ${k} ${name}`);
    }
  }
});

test('a budget shorter than the training says so: early on its plateau the small initialisation is the kernel regime at T, alignment at ∞', () => {
  const raw = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 0.001, scaleW: 0.001, seed: 1 }, learningRates: { u: 1, W: 1 } };
  const infinite = solve(experiment(raw)).summary;
  assert.equal(infinite.label, 'alignment');
  const plateau = infinite.plateauTime!;
  const early = solve(experiment({ ...raw, classify: { at: 'end' }, time: { end: plateau / 1000 } })).summary;
  assert.equal(early.label, 'kernel', `nothing learned by t = ${plateau / 1000}`);
  const late = solve(experiment({ ...raw, classify: { at: 'end' }, time: { end: 3 * infinite.horizon } })).summary;
  assert.equal(late.label, 'alignment');
  // The default is the t → ∞ convention, whatever time.end says.
  assert.equal(solve(experiment({ ...raw, time: { end: plateau / 10 } })).summary.label, 'alignment');
  assert.equal(solve(experiment({ ...raw, classify: { at: 'infinity' }, time: { end: plateau / 10 } })).summary.label, 'alignment');
  // With time.at, T is the last time; without time.end, the default horizon.
  const at = experiment({ ...raw, classify: { at: 'end' }, time: { at: [0, plateau / 100, plateau / 10] } });
  assert.deepEqual(solve(at).summary.scores, exactScores(exactFlowOf(at).flow, exactFlowOf(at).lnTheta0, Math.log(plateau / 10)));
});

test('classify.at in the file: "end" and "infinity" accepted, anything else refused at the key; the thresholds are unaffected', () => {
  const base = { model: { width: 4 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 } };
  assert.equal(scoredOver(experiment({ ...base, classify: { at: 'end' } })), 'end');
  assert.equal(scoredOver(experiment({ ...base, classify: { at: 'infinity' } })), 'infinity');
  assert.equal(scoredOver(experiment(base)), 'infinity');
  const bad = parseExperiment(JSON.stringify({ ...base, classify: { at: 'later' } }));
  assert.equal(bad.experiment, null);
  assert.equal(bad.diagnostics[0].path, 'classify.at');
  assert.match(bad.diagnostics[0].message, /infinity.*end|end.*infinity/);
  assert.deepEqual(thresholdsOf(experiment({ ...base, classify: { at: 'end', zetaChange: 0.2 } })), { ...DEFAULT_THRESHOLDS, zetaChange: 0.2 });
  assert.equal(classify(solve(experiment({ ...base, classify: { at: 'end' } })).summary.scores!), solve(experiment({ ...base, classify: { at: 'end' } })).summary.label);
});
