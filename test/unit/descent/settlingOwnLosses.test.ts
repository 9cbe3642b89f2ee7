/**
 * The default horizon of gradient descent (docs/model.md §6, "Default horizon") from the run itself:
 * a nonlinear network settles by its own losses (it took the step count of the network made linear,
 * which stopped a tanh catapult at step 17 of 20, labelled alignment), and a run that cannot settle
 * within the step limit is refused at the field that makes it slow instead of 10⁷ flat steps labelled
 * kernel (rates 1e-20, data.x [1e-300], outputScale 1e-300).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { simulate } from '../../../src/core/runs/simulate';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], JSON.stringify(raw));
  return e!;
}

const TANH_CATAPULT = { model: { width: 200, activation: 'tanh' }, data: { x: [1], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 7 }, learningRates: { u: 0.0735, W: 0.0735 } };

test('a nonlinear catapult runs to its own settling, not the linear network\'s (tanh: catapult 1→20, rescaling; it stopped at 17, loss 0.66, alignment)', () => {
  const long = simulate(experiment({ ...TANH_CATAPULT, time: { end: 200 } })).summary;
  assert.deepEqual(long.catapult && [long.catapult.fromStep, long.catapult.toStep], [1, 20]);
  const s = simulate(experiment(TANH_CATAPULT)).summary;
  assert.ok(s.horizon > 20 && s.horizon < 200, `horizon ${s.horizon}`);
  assert.deepEqual(s.catapult, long.catapult);
  // Settled: the loss within 10⁻⁶ of its whole descent (the residual's 10⁻³), the long run's label.
  assert.ok(s.lossFinal <= 1e-6 * s.lossInitial, `lossFinal ${s.lossFinal}`);
  assert.equal(s.label, long.label);
  assert.equal(s.label, 'rescaling');
});

test('a nonlinear run that converges slowly settles where its loss has, whatever the grid: the steps the plain loop takes, then no change of label', () => {
  const raw = { model: { width: 4, activation: 'tanh' }, data: { x: [1, 0], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 3 }, learningRates: { u: 0.1, W: 0.1 } };
  const s = simulate(experiment(raw)).summary;
  const twice = simulate(experiment({ ...raw, time: { end: 2 * s.horizon } })).summary;
  assert.ok(s.lossFinal <= 1e-5 * s.lossInitial, `lossFinal ${s.lossFinal} at ${s.horizon}`);
  assert.equal(s.label, twice.label);
  assert.equal(s.plateauTime, twice.plateauTime);
});

const PLATEAU = { model: { width: 4 }, data: { x: [1, 0], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 3 }, learningRates: { u: 0.1, W: 0.1 } };

test('a default run that cannot settle within 10⁷ steps is refused at the field that makes it slow, with a value that settles', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ learningRates: { u: 1e-20, W: 1e-20 } }, 'learningRates.u'],
    [{ data: { x: [1e-300], y: 1 } }, 'data.x'],
    [{ model: { width: 4, outputScale: 1e-300 } }, 'model.outputScale'],
  ];
  for (const [change, path] of cases) {
    const e = experiment({ ...PLATEAU, ...change });
    let error: unknown = null;
    try {
      simulate(e);
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ExperimentError && error.path === path && /has not settled within 10000000 steps/.test(error.message), `${path}: ${String(error)}`);
    // With time.end the same values run (a fixed number of steps, nothing promised about settling).
    assert.doesNotThrow(() => simulate(experiment({ ...PLATEAU, ...change, time: { end: 10, points: 2 } })));
  }
});

test('a slow default run that does settle within 10⁷ steps is accepted (rates 1e-5: about 6·10⁵ steps, alignment as at rates 0.1)', () => {
  const s = simulate(experiment({ ...PLATEAU, learningRates: { u: 1e-5, W: 1e-5 } })).summary;
  assert.ok(s.horizon > 1e5 && s.horizon < 1e7, `horizon ${s.horizon}`);
  assert.equal(s.label, simulate(experiment(PLATEAU)).summary.label);
  assert.equal(s.label, 'alignment');
});
