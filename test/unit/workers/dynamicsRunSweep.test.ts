// The dynamics panel's host logic for issues 4, 5 and 10: gradient descent computed when the panel
// shows it (a view preference, never written to the file; the file's compare.simulate is only the
// default); a declared sweep run as flow and/or descent, on one early time window; the messages that
// carry the choice validated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExperiment } from '../../../src/workers/dynamicsRun';
import { DynamicsView, parseFromDynamics as parseFromWebview } from '../../../src/protocol/dynamics';

const base = {
  name: 'catapult',
  model: { width: 200, outputScale: 1 },
  data: { x: [1], y: 1 },
  init: { scaleU: 0.3, scaleW: 0.3, seed: 7 },
  learningRates: { u: 0.07351, W: 0.07351 },
  time: { end: 300, points: 301 },
};
const text = (extra: object = {}) => JSON.stringify({ ...base, ...extra });
const run = (t: string, view?: DynamicsView) => {
  const o = runExperiment(t, { maxPoints: 1000, fileName: 'a.flab.json', view });
  assert.equal(o.kind, 'result', JSON.stringify(o).slice(0, 400));
  return o as Extract<typeof o, { kind: 'result' }>;
};

describe('flow, descent or both', () => {
  it('computes the descent only when shown; the file\'s compare.simulate is the default view', () => {
    const flow = run(text());
    assert.equal(flow.simulation, null);
    assert.equal(flow.view, 'flow');
    assert.equal(flow.trajectory.summary.solver, 'exact');
    const descent = run(text(), 'descent');
    assert.ok(descent.simulation);
    assert.equal(descent.view, 'descent');
    assert.equal(descent.simulation.summary.solver, 'simulate');
    assert.equal(descent.compareSimulate, false, 'a view preference does not touch the file');
    assert.deepEqual(descent.simulation.summary.catapult, { fromStep: 1, toStep: 10, peakLoss: descent.simulation.summary.catapult?.peakLoss });
    assert.ok(descent.deviation !== null && descent.deviation > 0);
    const both = run(text({ compare: { simulate: true } }));
    assert.ok(both.simulation);
    assert.equal(both.compareSimulate, true);
    assert.equal(both.view, 'both', 'the file\'s default');
    // A preference wins over the file's default, both ways.
    const flowOverFile = run(text({ compare: { simulate: true } }), 'flow');
    assert.equal(flowOverFile.view, 'flow');
    assert.equal(flowOverFile.simulation, null);
    assert.equal(flowOverFile.compareSimulate, true);
    assert.equal(run(text(), 'both').view, 'both');
    // A nonlinear network is gradient descent whatever the view.
    assert.equal(run(text({ model: { width: 20, outputScale: 1, activation: 'relu' } }), 'flow').view, 'descent');
  });

  it('reports a divergence, the arrays ending at the last finite step', () => {
    const o = run(text({ learningRates: { u: 0.1764, W: 0.1764 } }), 'descent');
    const sim = o.simulation!;
    assert.ok(sim.summary.diverged);
    assert.ok(sim.loss.every(Number.isFinite));
    assert.equal(sim.summary.label, null);
  });

  it('validates setView (and no longer knows setCompare or showDescent: no view writes to the file)', () => {
    for (const view of ['flow', 'descent', 'both', null]) assert.deepEqual(parseFromWebview({ type: 'setView', view }), { type: 'setView', view });
    assert.equal(parseFromWebview({ type: 'setView', view: 'yes' }), null);
    assert.equal(parseFromWebview({ type: 'setView' }), null);
    assert.equal(parseFromWebview({ type: 'setCompare', simulate: false }), null);
    assert.equal(parseFromWebview({ type: 'showDescent', descent: true }), null);
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
    const descent = run(swept(), 'descent');
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

  it('locates a value the run refuses at its entry of the sweep, as flab sweep does (not at the file\'s own key)', () => {
    const text = swept({ sweep: { 'data.y': [1, 1e300] } });
    const bad = runExperiment(text, { maxPoints: 1000, fileName: 'a.flab.json' });
    assert.equal(bad.kind, 'invalid');
    if (bad.kind !== 'invalid') return;
    const d = bad.diagnostics[0];
    assert.equal(d.path, 'sweep.data.y[1]');
    assert.match(d.message, /^sweep value 1, data\.y = 1e300: .*initial loss/);
    // The range points into the sweep's list, at the second value.
    assert.equal(text.slice(d.offset, d.offset + d.length), '1e+300');
  });
});

describe('a sweep on one early time window (issue 10)', () => {
  const sweepText = (time?: object) =>
    JSON.stringify({ model: { width: 256, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 5 }, learningRates: { u: 0.1, W: 0.1 }, ...(time ? { time } : {}), sweep: { outputScale: { from: 0.001, to: 1000, count: 7 } } });

  it('starts every exact run at the earliest start when the horizons span decades, each ending at its own horizon', () => {
    // Enough points that nothing is thinned away.
    const o = runExperiment(sweepText(), { maxPoints: 100_000, fileName: 'a.flab.json' });
    assert.ok(o.kind === 'result' && o.sweep);
    const runs = o.sweep!.runs.map((r) => r.trajectory!);
    const ends = runs.map((r) => r.summary.horizon);
    assert.ok(Math.max(...ends) > 100 * Math.min(...ends), 'the example spans decades');
    const starts = runs.map((r) => r.t.find((t) => t > 0)!);
    for (const s of starts) assert.ok(Math.abs(s / starts[0] - 1) < 1e-12, `starts ${starts.join(', ')}`);
    assert.ok(Math.abs(starts[0] / (1e-4 * Math.min(...ends)) - 1) < 1e-9, 'the earliest start: the shortest horizon × 10⁻⁴');
    runs.forEach((r, i) => assert.equal(r.t[r.t.length - 1], ends[i]));
    // Re-gridding changes where the run is reported, not the run: labels as the sweep command gives them.
    assert.deepEqual(runs.map((r) => r.summary.label), ['alignment', 'alignment', 'alignment', 'alignment', 'kernel', 'kernel', 'kernel']);
  });

  it('leaves runs with explicit times, and sweeps whose horizons are close, as they are', () => {
    const at = run(sweepText({ at: [0, 0.5, 1, 2] }));
    for (const r of at.sweep!.runs) assert.deepEqual(r.trajectory!.t, [0, 0.5, 1, 2]);
    const close = run(JSON.stringify({ ...JSON.parse(sweepText()), sweep: { outputScale: [0.9, 1, 1.1] } }));
    const firsts = close.sweep!.runs.map((r) => r.trajectory!.t[1]);
    assert.notEqual(firsts[0], firsts[2], 'linear grids of their own');
  });
});
