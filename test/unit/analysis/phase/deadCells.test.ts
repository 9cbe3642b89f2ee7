/**
 * Dead ReLU networks in gradient-descent phase diagrams (docs/phase-diagram.md, "Gradient descent"): a
 * cell whose every hidden unit is inactive on every sample at the end of its budget — killed by a large
 * step, or dead from the start — is "dead", with no label and no scores, in the JSON, the CSV, the SVG's
 * colour and legend. It was "unsettled" with a mechanism label (alignment: ζ moved as the network died),
 * or "converged", labelled kernel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadFromStep, deadRunNote, everyUnitDead } from '../../../../src/core/descent/deadUnits';
import { deadNote } from '../../../../src/cli/commands/simulate';
import { encodePhase } from '../../../../src/workers/phaseRun';
import { NO_LABEL, phaseDiagramSync, type PhaseDiagram } from '../../../../src/core/analysis/phase/phaseDiagram';
import { phaseSvg } from '../../../../src/core/analysis/phase/phaseSvg';
import { DEAD_NOTE, descentOutcomeText, OUTCOME_COLOURS } from '../../../../src/core/analysis/phase/phaseStyle';
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
  assert.match(csv[csv.length - 1], /^100,100,dead,,false,,,,,,,,,,\d+$/);

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

// A dead cell's hover said "dead — at step 300" (the end of the budget) where `flab simulate` of the
// same cell said the units died at step 2: every surface now says the step they died at.
test('a dead cell says the step its units died at, as `flab simulate` of it does: the diagram, its JSON and CSV, the panel\'s message and hover (the sweep\'s status: simulateDead.test.ts)', () => {
  const e = experiment(RELU);
  const n = 4;
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.01, to: 100 }, { key: 'learningRates.W', from: 0.01, to: 100 }, n, 'descent');
  const json = phaseJson(p) as { deadStep: (number | null)[][] };
  const csv = phaseCsv(p).trim().split('\n');
  const column = csv[0].split(',').indexOf('deadStep');
  assert.ok(column > 0, `a deadStep column: ${csv[0]}`);
  const message = encodePhase(p, { key: 'learningRates.u', from: 0.01, to: 100, scale: 'log' }, { key: 'learningRates.W', from: 0.01, to: 100, scale: 'log' }, 'a', 0);
  assert.ok(message.deadSteps !== null, 'the panel is sent the dead steps');
  const sent = new Float64Array(new Uint8Array(Buffer.from(message.deadSteps, 'base64')).buffer);
  let dead = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      const s = simulate(cellOf(e, p, i, j)).summary;
      const step = s.dead?.step ?? null;
      assert.equal(p.outcomes![k] === DEAD, step !== null, `cell (${i}, ${j}): dead in the diagram exactly when simulate says so`);
      assert.equal(json.deadStep[i][j], step, `cell (${i}, ${j}): the JSON's deadStep is simulate's summary.dead.step`);
      assert.equal(csv[1 + k].split(',')[column], step === null ? '' : String(step), `cell (${i}, ${j}): the CSV's deadStep`);
      if (step === null) {
        assert.ok(Number.isNaN(sent[k]));
        continue;
      }
      dead++;
      assert.ok(step < p.budget!, `cell (${i}, ${j}) died at step ${step}, before the end of its budget (${p.budget})`);
      assert.equal(sent[k], step);
      // The hover, from the message's step, says simulate's own sentence, and the budget beside it.
      const hover = descentOutcomeText('dead', null, p.budget, sent[k]);
      assert.equal(hover, `dead — ${deadRunNote(step)} (budget ${p.budget} steps)`);
      assert.ok(deadNote(s).includes(deadRunNote(step)), deadNote(s));
      assert.equal(deadFromStep(step), `dead from step ${step}`);
    }
  }
  assert.ok(dead > 0, 'the grid has dead cells');
  // Without its step (a message without deadSteps) the hover names none as the one it died at.
  assert.equal(descentOutcomeText('dead', null, 300, null), `dead by step 300 — ${DEAD_NOTE}`);
  // A flow diagram and a descent one without a dead cell send none.
  const alive = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.01, to: 0.05 }, { key: 'learningRates.W', from: 0.01, to: 0.05 }, 2, 'descent');
  assert.equal(encodePhase(alive, { key: 'learningRates.u', from: 0.01, to: 0.05, scale: 'log' }, { key: 'learningRates.W', from: 0.01, to: 0.05, scale: 'log' }, 'a', 0).deadSteps, null);
});
