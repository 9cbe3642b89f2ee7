/**
 * The exact flow's cells with a finite budget (`"classify": { "at": "end" }`): each cell scored as one
 * `flab solve` of it up to time.end (or its own horizon without one), the diagram saying where it was
 * scored; the width scan honours the budget too — the standard parameterisation, whose training time
 * grows with the width, learns less and less within a fixed budget.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseDiagramSync } from '../../../../src/core/analysis/phase/phaseDiagram';
import { withValue } from '../../../../src/core/analysis/sweep';
import { widthScan } from '../../../../src/core/analysis/widthScan';
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { exactScores } from '../../../../src/core/linearFlow/exactScores';
import { exactFlowOf } from '../../../../src/core/linearFlow/reduce';
import { SCORE_NAMES } from '../../../../src/core/mechanisms/classify';
import { solve } from '../../../../src/core/runs/solve';
import { simulate } from '../../../../src/core/runs/simulate';

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

const RAW = { model: { width: 64, outputScale: 1 }, data: { x: [1, 0.3], y: 1 }, init: { scaleU: 0.01, scaleW: 0.01, seed: 5 }, learningRates: { u: 1, W: 1 }, classify: { at: 'end' } };

test('with classify.at "end" each cell is one solve of it scored up to time.end, or up to its own horizon without one', () => {
  for (const time of [{ end: 8 }, {}]) {
    const e = experiment({ ...RAW, time });
    const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.1, to: 10 }, { key: 'init.scaleU', from: 1e-3, to: 1 }, [9, 7]);
    assert.equal(p.scoredOver, 'end');
    assert.equal(p.budget, 'end' in time ? 8 : null);
    for (const [i, j] of [[0, 0], [6, 8], [3, 4], [1, 7], [5, 2]]) {
      const cell = solve(withValue(withValue(e, 'model.outputScale', p.x.values[j]), 'init.scaleU', p.y.values[i])).summary;
      const k = i * 9 + j;
      for (const name of SCORE_NAMES) {
        const v = p.scores[name][k];
        close(Number.isNaN(v) ? null : v, cell.scores![name], 1e-8, 1e-12, `${JSON.stringify(time)} cell (${i}, ${j}) ${name}`);
      }
      assert.equal(p.labelNames[p.labels[k]], cell.label);
    }
  }
  // The same cells at t → ∞ differ where the budget was short.
  const budget = phaseDiagramSync(experiment({ ...RAW, time: { end: 8 } }), { key: 'outputScale', from: 0.1, to: 10 }, { key: 'init.scaleU', from: 1e-3, to: 1 }, 8);
  const infinite = phaseDiagramSync(experiment({ ...RAW, classify: undefined, time: { end: 8 } }), { key: 'outputScale', from: 0.1, to: 10 }, { key: 'init.scaleU', from: 1e-3, to: 1 }, 8);
  assert.equal(infinite.scoredOver, 'infinity');
  assert.equal(infinite.budget, null);
  assert.ok(budget.labels.some((code, k) => code !== infinite.labels[k]), 'some cells have not learned their features by t = 8');
});

test('the width scan scores every run over the budget: when the training time grows with the width, a fixed time.end learns less and less', () => {
  // γ ∝ d^(−1/2), η ∝ d^(−1): λ ∝ d^(−3/2), K₀ ∝ d^(−1), so the horizon grows ∝ d (docs/mechanisms.md, "Width scaling").
  const raw = { model: { width: 64, outputScale: { widthExponent: -0.5 } }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 3 }, learningRates: { u: { widthExponent: -1, base: 1 }, W: { widthExponent: -1, base: 1 } } };
  const widths = [64, 256, 1024, 4096];
  const infinite = widthScan(experiment(raw), widths, 3);
  const budget = widthScan(experiment({ ...raw, classify: { at: 'end' }, time: { end: 100 } }), widths, 3);
  assert.ok(Math.abs(infinite.fitted.horizon! - 1) < 0.1, `the horizon grows ∝ d (fitted ${infinite.fitted.horizon})`);
  // The scan's median at width 256 is that of the three seeds scored by hand at T = 100.
  const atWidth = withValue(experiment({ ...raw, classify: { at: 'end' }, time: { end: 100 } }), 'model.width', 256);
  const bySeed = [3, 4, 5].map((seed) => {
    const f = exactFlowOf(withValue(atWidth, 'init.seed', seed));
    return exactScores(f.flow, f.lnTheta0, Math.log(100)).distance;
  });
  close(budget.scores.distance[1], bySeed.sort((a, b) => a - b)[1], 1e-12, 0, 'the median of the three seeds at width 256');
  const share = widths.map((_, i) => budget.scores.distance[i]! / infinite.scores.distance[i]!);
  for (let i = 0; i < widths.length; i++) assert.ok(share[i] < 1, `width ${widths[i]}: the budget stops the run short`);
  for (let i = 1; i < widths.length; i++) assert.ok(share[i] < share[i - 1], `a smaller share of the training at width ${widths[i]}: ${share}`);
  assert.ok(share[widths.length - 1] < 0.1, `at width 4096 the budget covers under a tenth of the way (${share[3]})`);
});

test('every output says where it was scored: solve and scaling by the file\'s classify.at, descent and weight decay over the run', () => {
  // Review round 3: solve and scaling did not say which convention they used (phase did, as scoredOver).
  const raw = { ...RAW, classify: undefined, time: { end: 8 } };
  assert.equal(solve(experiment(raw)).summary.scoredOver, 'infinity');
  assert.equal(solve(experiment({ ...raw, classify: { at: 'end' } })).summary.scoredOver, 'end');
  assert.equal(solve(experiment({ ...raw, weightDecay: 0.1 })).summary.scoredOver, 'end');
  assert.equal(simulate(experiment(raw)).summary.scoredOver, 'end');
  assert.equal(widthScan(experiment(raw), [8, 16], 1).scoredOver, 'infinity');
  assert.equal(widthScan(experiment({ ...raw, classify: { at: 'end' } }), [8, 16], 1).scoredOver, 'end');
});

test('an integer axis has one cell per integer: a range holding fewer integers than cells asked gets fewer columns, never repeats', () => {
  // Five columns over widths 1 to 3 were [1, 1, 2, 2, 3] (log) or [1, 2, 2, 3, 3] (linear): each width computed twice.
  const e = experiment(RAW);
  for (const scale of ['log', 'linear'] as const) {
    const p = phaseDiagramSync(e, { key: 'model.width', from: 1, to: 3, scale }, { key: 'outputScale', from: 0.1, to: 10, scale }, [5, 2]);
    assert.deepEqual(Array.from(p.x.values), [1, 2, 3], scale);
    assert.equal(p.labels.length, 3 * 2, scale);
    assert.equal(p.scores.kernelChange.length, 3 * 2, scale);
  }
  // A range of more integers than cells keeps the cells asked.
  assert.equal(phaseDiagramSync(e, { key: 'model.width', from: 1, to: 100 }, { key: 'outputScale', from: 0.1, to: 10 }, [5, 2]).x.values.length, 5);
});
