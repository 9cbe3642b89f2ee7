/**
 * `flab simulate`'s plateau (docs/model.md §6, "Plateau") comes from the run itself, every step, not
 * from the printed grid — it was rounded up to the next printed point (250, 25000, 2500000 steps for
 * one run on grids of 5 points, 26 with every step printed) — and is null where nothing moves, as
 * `flab solve` says (σ = 0 printed 0). A file that `solve` refuses for its default run (`data.x`
 * [5e-324]) is refused by `simulate` at the same field. Checked against an independent float64 gradient
 * descent over (u, W) (test/reference/network.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { initialState, lossGradient, measure, networkOf } from '../../reference/network';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return e!;
}

/** The tester's file: width 4 on x = (1, 0), σ = 0.1, rates 0.1 — it leaves its plateau near step 26. */
const PLATEAU = { model: { width: 4 }, data: { x: [1, 0], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 3 }, learningRates: { u: 0.1, W: 0.1 } };

/**
 * The documented plateau of plain float64 descent over (u, W) for `steps` steps: when K(end) ≥ 10 K₀
 * and the loss ends below its start, the first step k with L_k − L_end ≤ ¼(L₀ − L_end); else null.
 */
function referencePlateau(e: Experiment, steps: number): number | null {
  const net = networkOf(e);
  const theta0 = initialState(e);
  const theta = Float64Array.from(theta0);
  const grad = new Float64Array(theta.length);
  const losses: number[] = [];
  let first = measure(net, theta, theta0);
  let last = first;
  for (let k = 0; k <= steps; k++) {
    last = measure(net, theta, theta0);
    if (k === 0) first = last;
    losses.push(last.loss);
    lossGradient(net, theta, grad);
    for (let i = 0; i < theta.length; i++) theta[i] -= (i < net.d ? net.etaU : net.etaW) * grad[i];
  }
  if (!(first.ntk > 0 && last.ntk >= 10 * first.ntk && last.loss < first.loss)) return null;
  const level = last.loss + 0.25 * (first.loss - last.loss);
  return losses.findIndex((l) => l <= level);
}

test('the plateau is the run\'s own step whatever the grid: 5 points of 10³, 10⁵ or 10⁷ steps, every step, time.at', () => {
  const reference = referencePlateau(experiment({ ...PLATEAU, time: { end: 1000 } }), 1000);
  assert.equal(reference, 26);
  const grids: { time: unknown; reference?: boolean }[] = [
    { time: { end: 1000, points: 5 } },
    { time: { end: 1000, points: 5 }, reference: true },
    { time: { end: 1000, points: 1001 } },
    { time: { end: 1000, points: 7, spacing: 'log' } },
    { time: { at: [0, 1000] } },
    { time: { at: [25, 27, 1000] } },
    { time: { end: 100000, points: 5 } },
    { time: { end: 100000, points: 5 }, reference: true },
    { time: { end: 10000000, points: 5 } },
  ];
  for (const g of grids) {
    const s = simulate(experiment({ ...PLATEAU, time: g.time }), { reference: g.reference }).summary;
    assert.equal(s.plateauTime, reference, `${JSON.stringify(g)}: plateauTime ${s.plateauTime}`);
  }
  // The flow's plateau (the residual halved) is 24.9 time units; descent at rates 0.1 leaves it a little later.
  const flow = solve(experiment({ ...PLATEAU, time: { end: 1000 } })).summary.plateauTime!;
  assert.ok(Math.abs(flow - 24.91) < 0.01 && reference! - flow < 2, `flow ${flow}`);
});

test('a nonlinear network\'s plateau (tanh, the plain loop) is its own step on any grid', () => {
  const raw = { ...PLATEAU, model: { width: 4, activation: 'tanh' } };
  const reference = referencePlateau(experiment({ ...raw, time: { end: 2000 } }), 2000);
  assert.ok(reference !== null && reference > 10, `reference ${reference}`);
  for (const points of [3, 5, 2001]) {
    const s = simulate(experiment({ ...raw, time: { end: 2000, points } })).summary;
    assert.equal(s.plateauTime, reference, `points ${points}`);
  }
});

test('no plateau where nothing moves: σ = 0, or zero explicit layers, is null in simulate (both paths) as in solve', () => {
  const files = [
    { model: { width: 16 }, data: { x: [1], y: 1 }, init: { scaleU: 0, scaleW: 0, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } },
    { model: { width: 16 }, data: { x: [1], y: 1 }, init: { scaleU: 0, scaleW: 0, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 100, points: 5 } },
    { model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [0, 0], W: [[0], [0]] }, learningRates: { u: 0.1, W: 0.1 }, time: { at: [10, 20] } },
  ];
  for (const raw of files) {
    const e = experiment(raw);
    assert.equal(solve(e).summary.plateauTime, null, `solve ${JSON.stringify(raw)}`);
    for (const reference of [false, true]) {
      const s = simulate(e, { reference }).summary;
      assert.equal(s.plateauTime, null, `simulate${reference ? ' --reference' : ''} ${JSON.stringify(raw)}`);
      assert.equal(s.lossFinal, s.lossInitial, 'it never moved');
    }
  }
});

test('data.x [5e-324] is refused by simulate at data.x as by solve, the same message, before any step (it ran 10⁷ steps of a flat loss)', () => {
  for (const activation of ['linear', 'tanh']) {
    const e = experiment({ model: { width: 16, activation }, data: { x: [5e-324], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } });
    const linear = experiment({ model: { width: 16 }, data: { x: [5e-324], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } });
    let fromSolve: ExperimentError | null = null;
    try {
      solve(linear);
    } catch (err) {
      fromSolve = err as ExperimentError;
    }
    assert.ok(fromSolve instanceof ExperimentError && fromSolve.path === 'data.x', `solve: ${fromSolve?.message}`);
    const t0 = performance.now();
    assert.throws(() => simulate(e), (err: unknown) => err instanceof ExperimentError && err.path === 'data.x' && err.message === fromSolve!.message, activation);
    assert.ok(performance.now() - t0 < 2000, 'refused before the run');
    // The bound it states is one simulate accepts.
    const bound = Number(/data\.x must be ≥ about ([\d.e+-]+)/.exec(fromSolve.message)![1]);
    assert.doesNotThrow(() => simulate(experiment({ model: { width: 16 }, data: { x: [bound], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 10, points: 2 } })));
  }
});

test('a single-point time.at keeps the plateau: the start is step 0 and the steps are every step (it printed null for [1000], 26 for [0, 1000])', () => {
  const reference = referencePlateau(experiment({ ...PLATEAU, time: { end: 1000 } }), 1000);
  for (const at of [[1000], [100], [60], [10000000]]) {
    for (const ref of at[0] <= 1000 ? [false, true] : [false]) {
      const s = simulate(experiment({ ...PLATEAU, time: { at } }), { reference: ref }).summary;
      assert.equal(s.plateauTime, reference, `time.at ${JSON.stringify(at)}${ref ? ' --reference' : ''}`);
    }
  }
  // A grid that ends at 27 has its own end loss, so its own level; one point or two give the same step.
  for (const end of [27, 30]) {
    const two = simulate(experiment({ ...PLATEAU, time: { at: [0, end] } })).summary.plateauTime;
    assert.equal(two, referencePlateau(experiment({ ...PLATEAU, time: { end } }), end));
    assert.equal(simulate(experiment({ ...PLATEAU, time: { at: [end] } })).summary.plateauTime, two, `time.at [${end}]`);
  }
});
