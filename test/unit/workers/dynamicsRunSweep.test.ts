// The dynamics panel's host logic for issues 4 and 5: gradient descent computed when the panel shows
// it (a view preference) or the file compares; a declared sweep run as flow and/or descent; the
// messages that carry the choice validated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExperiment } from '../../../src/workers/dynamicsRun';
import { parseFromDynamics as parseFromWebview } from '../../../src/protocol/dynamics';

const base = {
  name: 'catapult',
  model: { width: 200, outputScale: 1 },
  data: { x: [1], y: 1 },
  init: { scaleU: 0.3, scaleW: 0.3, seed: 7 },
  learningRates: { u: 0.07351, W: 0.07351 },
  time: { end: 300, points: 301 },
};
const text = (extra: object = {}) => JSON.stringify({ ...base, ...extra });
const run = (t: string, descent?: boolean) => {
  const o = runExperiment(t, { maxPoints: 1000, fileName: 'a.flab.json', descent });
  assert.equal(o.kind, 'result', JSON.stringify(o).slice(0, 400));
  return o as Extract<typeof o, { kind: 'result' }>;
};

describe('flow, descent or both', () => {
  it('computes the descent only when shown or compared', () => {
    const flow = run(text());
    assert.equal(flow.simulation, null);
    assert.equal(flow.trajectory.summary.solver, 'exact');
    const descent = run(text(), true);
    assert.ok(descent.simulation);
    assert.equal(descent.simulation.summary.solver, 'simulate');
    assert.equal(descent.compareSimulate, false, 'a view preference does not touch the file');
    assert.deepEqual(descent.simulation.summary.catapult, { fromStep: 1, toStep: 10, peakLoss: descent.simulation.summary.catapult?.peakLoss });
    assert.ok(descent.deviation !== null && descent.deviation > 0);
    const both = run(text({ compare: { simulate: true } }));
    assert.ok(both.simulation);
    assert.equal(both.compareSimulate, true);
  });

  it('reports a divergence, the arrays ending at the last finite step', () => {
    const o = run(text({ learningRates: { u: 0.1764, W: 0.1764 } }), true);
    const sim = o.simulation!;
    assert.ok(sim.summary.diverged);
    assert.ok(sim.loss.every(Number.isFinite));
    assert.equal(sim.summary.label, null);
  });

  it('validates showDescent', () => {
    assert.deepEqual(parseFromWebview({ type: 'showDescent', descent: true }), { type: 'showDescent', descent: true });
    assert.equal(parseFromWebview({ type: 'showDescent', descent: 'yes' }), null);
    assert.equal(parseFromWebview({ type: 'showDescent' }), null);
  });
});

describe('a declared sweep in the dynamics panel', () => {
  const swept = (extra: object = {}) => text({ learningRates: { u: 0.05, W: 0.05 }, init: { scaleU: 0.02, scaleW: 0.02, seed: 7 }, time: undefined, sweep: { outputScale: { from: 0.1, to: 10, count: 5 } }, ...extra });

  it('runs the flow at each value, thinned to a share of the points', () => {
    const o = run(swept());
    assert.ok(o.sweep);
    assert.equal(o.sweep.key, 'outputScale');
    assert.equal(o.sweep.path, 'model.outputScale');
    assert.deepEqual(o.sweep.runs.map((r) => Number(r.value.toPrecision(6))), [0.1, 0.316228, 1, 3.16228, 10]);
    for (const r of o.sweep.runs) {
      assert.ok(r.trajectory && r.simulation === null);
      assert.ok(r.trajectory.t.length <= 400, `thinned: ${r.trajectory.t.length}`);
      assert.equal(typeof r.trajectory.summary.label, 'string');
    }
    // A larger output scale learns faster: shorter horizons.
    const horizons = o.sweep.runs.map((r) => r.trajectory!.summary.horizon);
    for (let i = 1; i < horizons.length; i++) assert.ok(horizons[i] < horizons[i - 1]);
  });

  it('runs the descent alone, or both, as shown', () => {
    const descent = run(swept(), true);
    assert.ok(descent.sweep?.runs.every((r) => r.trajectory === null && r.simulation?.summary.solver === 'simulate'));
    const both = run(swept({ compare: { simulate: true } }));
    assert.ok(both.sweep?.runs.every((r) => r.trajectory?.summary.solver === 'exact' && r.simulation?.summary.solver === 'simulate'));
  });

  it('has no sweep when none is declared, and locates a bad sweep value', () => {
    assert.equal(run(text()).sweep, null);
    const bad = runExperiment(swept({ sweep: { width: [10, 0] } }), { maxPoints: 1000, fileName: 'a.flab.json' });
    assert.equal(bad.kind, 'invalid');
    if (bad.kind === 'invalid') assert.match(bad.diagnostics[0].path, /^sweep/);
  });
});
