/**
 * Dead ReLU networks in gradient-descent phase diagrams (docs/phase-diagram.md, "Gradient descent"): a
 * cell whose every hidden unit is inactive on every sample at the end of its budget — killed by a large
 * step, or dead from the start — is "dead", with no label and no scores, in the JSON, the CSV, the SVG's
 * colour and legend. It was "unsettled" with a mechanism label (alignment: ζ moved as the network died),
 * or "converged", labelled kernel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyUnitDead } from '../../../../src/core/descent/deadUnits';
import { NO_LABEL, phaseDiagramSync, type PhaseDiagram } from '../../../../src/core/analysis/phase/phaseDiagram';
import { phaseSvg } from '../../../../src/core/analysis/phase/phaseSvg';
import { DEAD_NOTE, OUTCOME_COLOURS } from '../../../../src/core/analysis/phase/phaseStyle';
import { phaseCsv, phaseJson } from '../../../../src/core/analysis/phase/phaseTable';
import { withValue } from '../../../../src/core/analysis/sweep';
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { DEAD, DESCENT_OUTCOMES, OUTCOME_ORDER } from '../../../../src/core/linearFlow/stability';
import { simulate } from '../../../../src/core/runs/simulate';
import { parsedExperiment as experiment, ZETA_RELU as RELU } from '../../descent/zetaReluNetwork';

const cellOf = (e: Experiment, p: PhaseDiagram, i: number, j: number): Experiment => withValue(withValue(e, p.x.path, p.x.values[j]), p.y.path, p.y.values[i]);

// RELU (examples/zeta-relu.flab.json, 300 steps): at large rates one step sends every w_i·x below 0 and
// the network dies with its loss at ½y² = 0.5, above its start (0.48) — it was "unsettled", labelled alignment.
test('cells whose ReLU network died are "dead", with no label and no scores; every other cell is alive at its end', () => {
  const e = experiment(RELU);
  const n = 7;
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.01, to: 100 }, { key: 'learningRates.W', from: 0.01, to: 100 }, n, 'descent');
  let dead = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      // The cell's own run: its outputs 0 and its kernel 0 at the end exactly when it is dead.
      const s = simulate(cellOf(e, p, i, j)).summary;
      const stuck = s.ntkFinal === 0 && s.lossFinal === 0.5;
      if (p.outcomes![k] === DEAD) {
        dead++;
        assert.ok(stuck, `cell (${i}, ${j}): dead, but its kernel ends at ${s.ntkFinal}, its loss at ${s.lossFinal}`);
        assert.equal(p.labels[k], NO_LABEL, `cell (${i}, ${j}) has no label`);
        for (const [name, v] of Object.entries(p.scores)) assert.ok(Number.isNaN(v[k]), `cell (${i}, ${j}): no ${name}`);
      } else {
        assert.ok(!stuck, `cell (${i}, ${j}): ${DESCENT_OUTCOMES[p.outcomes![k]]}, but its network ends dead`);
        assert.notEqual(p.labels[k], NO_LABEL);
      }
    }
  }
  assert.ok(dead >= 10 && dead < n * n, `${dead} dead cells`);
  // None is "unsettled" any more: each was a dead network's loss stuck at ½y² above its start.
  assert.equal([...p.outcomes!].filter((o) => DESCENT_OUTCOMES[o] === 'unsettled').length, 0);

  const json = phaseJson(p) as { outcome: string[][]; label: (string | null)[][]; scores: Record<string, (number | null)[][]> };
  const top = n - 1;
  assert.equal(json.outcome[top][top], 'dead');
  assert.equal(json.label[top][top], null);
  assert.equal(json.scores.kernelChange[top][top], null);
  const csv = phaseCsv(p).trim().split('\n');
  assert.match(csv[csv.length - 1], /^100,100,dead,,false,,,,,,,,,$/);

  const svg = phaseSvg(p);
  assert.match(svg, new RegExp(`fill="${OUTCOME_COLOURS[DEAD]}"/>\\s*<text[^>]*>dead</text>`), 'the legend names dead beside its colour');
  assert.match(svg, /every ReLU unit inactive on every/, 'and why it has no label');
  assert.ok(DEAD_NOTE.endsWith('no label'));
});

test('a ReLU network dead from the start (every w_i·x < 0) is dead in every cell, where it was converged and labelled kernel', () => {
  const e = experiment({ ...RELU, model: { width: 3, outputScale: 1, activation: 'relu' }, init: { u: [0.5, -0.3, 0.2], W: [[-0.5], [-0.2], [-1]] }, time: { end: 200, points: 21 } });
  const p = phaseDiagramSync(e, { key: 'outputScale', from: 0.1, to: 10 }, { key: 'learningRates.W', from: 0.01, to: 1 }, 3, 'descent');
  assert.deepEqual([...p.outcomes!].map((o) => DESCENT_OUTCOMES[o]), Array(9).fill('dead'));
  assert.deepEqual([...p.labels], Array(9).fill(NO_LABEL));
  // The same weights under leaky_relu pass a gradient: not dead, labelled.
  const leaky = phaseDiagramSync(experiment({ ...RELU, model: { width: 3, outputScale: 1, activation: 'leaky_relu' }, init: { u: [0.5, -0.3, 0.2], W: [[-0.5], [-0.2], [-1]] }, time: { end: 200, points: 21 } }), { key: 'outputScale', from: 0.1, to: 10 }, { key: 'learningRates.W', from: 0.01, to: 1 }, 3, 'descent');
  assert.ok([...leaky.outcomes!].every((o) => o !== DEAD));
  assert.ok([...leaky.labels].some((l) => l !== NO_LABEL), 'labelled where it did not blow up');
});

test('everyUnitDead: strictly negative pre-activations only (the simulator\'s σ′(0) = 1 passes a gradient at 0); the legend order puts dead before diverged', () => {
  const X = Float64Array.from([1, 2, 2, 1]);
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, -2, 0.5]), X, 2), true);
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, -2, 1]), X, 2), false, 'w·x = 0 on the first sample: alive');
  assert.equal(everyUnitDead(Float64Array.from([-1, -1, 1, -0.2]), X, 2), false, 'a unit active on one sample');
  assert.deepEqual(OUTCOME_ORDER.map((o) => DESCENT_OUTCOMES[o]), ['converged', 'catapult', 'unsettled', 'dead', 'diverged']);
});
