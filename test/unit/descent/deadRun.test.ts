/**
 * A gradient-descent run whose ReLU network is dead at its end — every hidden unit inactive on every
 * sample, outputs and gradient 0 (src/core/descent/deadUnits.ts) — has `summary.dead` (the step it died
 * at), no label and no scores, in `flab simulate` as in the phase diagram's cell of the same values
 * (docs/phase-diagram.md, "Gradient descent"). `flab simulate` labelled it (alignment, read from a dead network).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_LABEL, phaseDiagramSync, type PhaseDiagram } from '../../../src/core/analysis/phase/phaseDiagram';
import { withValue } from '../../../src/core/analysis/sweep';
import { deadRunNote, everyUnitDead } from '../../../src/core/descent/deadUnits';
import { DEAD, DESCENT_OUTCOMES } from '../../../src/core/linearFlow/stability';
import { simulate } from '../../../src/core/runs/simulate';
import { DEAD_RATES, parsedExperiment as experiment, ZETA_RELU as RELU } from './zetaReluNetwork';

test('simulate of examples/zeta-relu.flab.json at rates 50: dead at step 2, no label and no scores (it said alignment); at its own rates alive and labelled', () => {
  const dead = simulate(experiment({ ...RELU, learningRates: DEAD_RATES })).summary;
  assert.deepEqual(dead.dead, { step: 2 });
  assert.equal(dead.label, null);
  assert.equal(dead.scores, null);
  assert.equal(dead.diverged, null);
  // What the run is, as before: its outputs and kernel 0, its loss ½y².
  assert.equal(dead.ntkFinal, 0);
  assert.equal(dead.lossFinal, 0.5);
  const alive = simulate(experiment(RELU)).summary;
  assert.equal(alive.dead, null);
  assert.equal(alive.label, 'alignment');
  assert.ok(alive.scores);
});

test('summary.dead.step is the first step of the dead stretch: a budget one step shorter ends alive and labelled', () => {
  const e = experiment({ ...RELU, learningRates: DEAD_RATES });
  const at = (end: number) => simulate({ ...e, time: { kind: 'at', at: [0, end] } }).summary;
  assert.deepEqual(at(2).dead, { step: 2 });
  assert.deepEqual(at(1000).dead, { step: 2 });
  const before = at(1);
  assert.equal(before.dead, null);
  assert.notEqual(before.label, null);
});

test('weights dead from θ₀: dead at step 0 with no label (it was labelled kernel); leaky_relu and the linear network never die', () => {
  const raw = { ...RELU, model: { width: 3, outputScale: 1, activation: 'relu' }, init: { u: [0.5, -0.3, 0.2], W: [[-0.5], [-0.2], [-1]] }, time: { end: 200, points: 21 } };
  const s = simulate(experiment(raw)).summary;
  assert.deepEqual(s.dead, { step: 0 });
  assert.equal(s.label, null);
  const leaky = simulate(experiment({ ...raw, model: { ...raw.model, activation: 'leaky_relu' } })).summary;
  assert.equal(leaky.dead, null);
  assert.notEqual(leaky.label, null);
  const linear = simulate(experiment({ ...raw, model: { ...raw.model, activation: 'linear' } })).summary;
  assert.equal(linear.dead, null);
  const reference = simulate(experiment({ ...raw, model: { ...raw.model, activation: 'linear' } }), { reference: true }).summary;
  assert.equal(reference.dead, null);
});

test('a phase diagram\'s descent cells and simulate of each agree: dead cells are dead with no label, the others share the label', () => {
  const e = experiment(RELU);
  const n = 5;
  const p: PhaseDiagram = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.01, to: 100 }, { key: 'learningRates.W', from: 0.01, to: 100 }, n, 'descent');
  let dead = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const s = simulate(withValue(withValue(e, p.x.path, p.x.values[j]), p.y.path, p.y.values[i])).summary;
      const where = `cell (${i}, ${j}), ${DESCENT_OUTCOMES[p.outcomes![k]]}`;
      if (p.outcomes![k] === DEAD) {
        dead++;
        assert.ok(s.dead, `${where}: simulate says dead`);
        assert.equal(s.label, null, where);
        assert.equal(s.scores, null, where);
      } else {
        assert.equal(s.dead, null, `${where}: simulate says alive`);
        assert.equal(s.label, p.labels[k] === NO_LABEL ? null : p.labelNames[p.labels[k]], where);
      }
    }
  }
  assert.ok(dead >= 4 && dead < n * n, `${dead} dead cells`);
});

test('everyUnitDead: strictly negative pre-activations only; a NaN is not dead; the note names the step', () => {
  const X = Float64Array.from([1, 2, 2, 1]);
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, -2, 0.5]), X, 2), true);
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, -2, 1]), X, 2), false, 'w·x = 0 on the first sample: alive');
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, NaN, -1]), X, 2), false);
  assert.equal(deadRunNote(7), 'every ReLU unit is inactive on every sample from step 7 on: no gradient reaches the weights; no mechanism is read');
});
