/**
 * The training panel on a dead ReLU network and on a run not trained (src/workers/trainingRun.ts): the
 * verdict names the dead layer, and the notices say what in this file trains it — the keys it has, or
 * which to add — as `flab train`'s notes do (test/unit/cli/deadNetwork.test.ts).
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import type { RunView } from '../../../src/protocol/training';
import type { TrainingJob, TrainingOutcome } from '../../../src/protocol/workers';
import { runTrainingJob } from '../../../src/workers/trainingRun';

const job = (value: unknown): TrainingJob => ({ text: JSON.stringify(value), fileName: 'x.flab.json', baseDir: tmpdir(), sweepIndex: null, resume: false });

function runOf(o: TrainingOutcome): RunView {
  assert.equal(o.kind, 'run', JSON.stringify(o).slice(0, 400));
  return (o as Extract<TrainingOutcome, { kind: 'run' }>).run;
}

const dead = {
  model: { hidden: [3], activation: 'relu' },
  data: { train: { x: [[1, 2], [2, 1], [0.5, 0.5], [3, 1]], y: [[1], [2], [0.5], [3]] } },
  init: { weights: [[[-1, -1], [-0.5, -2], [-1, 0]], [[1, 1, 1]]] },
  training: { loss: 'squared', learningRate: 0.1, batchSize: 'full', steps: 20, record: { every: 5 } },
};

test('a dead ReLU network: the verdict names the dead layer (not frozen weights and a tiny init.scale), a notice what in the file trains it', async () => {
  const run = runOf(await runTrainingJob(job(dead), new AbortController().signal, () => undefined));
  assert.equal(run.verdict?.label, null);
  assert.match(run.verdict!.regime, /^no label: the network is dead from the start — at θ₀ all 3 ReLU units of hidden layer 1 \(the output of fc1\.weight\) are inactive/);
  assert.ok(run.notices.includes('To train it, change init.weights so that some row of W_1 has a positive pre-activation on some sample, centre the inputs (add "normalize": "standardize" to data: a unit of hidden layer 1 is then active on some sample unless its pre-activation is 0 on all), or set model.activation to "leaky_relu", whose units always pass a gradient.'), run.notices.join(' | '));
  assert.ok(!run.notices.some((n) => /init\.scale/.test(n)), run.notices.join(' | '));
});

test('a run not trained (a loss not finite at θ₀) of explicit weights: the notice names init.weights, never init.scale', async () => {
  const file = { ...dead, data: { train: { x: [[1e30, 2e30], [2e30, 1e30]], y: [[1], [2]] } }, init: { weights: [[[1e5, 1e5], [1e5, 1e5], [1, 0]], [[1e5, 1e5, 1]]] } };
  const run = runOf(await runTrainingJob(job(file), new AbortController().signal, () => undefined));
  assert.equal(run.status, 'notTrained');
  const notice = run.notices.find((n) => n.startsWith('The loss at the initial weights θ₀ is not finite'));
  assert.ok(notice, run.notices.join(' | '));
  assert.match(notice, /— give smaller init\.weights, model\.outputScale below 1 \(add "outputScale" to model: the default is 1\), or inputs normalised \(add "normalize": "standardize" or "scale01" to data\), or smaller targets\.$/);
  assert.doesNotMatch(notice, /init\.scale/);
});

test('a ReLU network with biases that dies during training: the verdict says it died, at which step and since which record, a notice what keeps it alive', async () => {
  const dying = { model: { hidden: [8], bias: true }, data: { train: { x: [[1, 2], [2, 1], [1, 1], [3, 1]], y: [[1], [2], [1.5], [2.5]] } }, init: { seed: 1 }, training: { steps: 50, learningRate: 1 } };
  const run = runOf(await runTrainingJob(job(dying), new AbortController().signal, () => undefined));
  assert.equal(run.verdict?.label, null, 'it was labelled alignment');
  assert.match(run.verdict!.regime, /^no label: the network died during training — at step 50 \(its last scanned record, and dead since the record of step 2\) all 8 ReLU units of hidden layer 1/);
  assert.ok(run.notices.some((n) => n.startsWith('To keep it alive, give a smaller training.learningRate')), run.notices.join(' | '));
  // A sweep's summary views leave it out, and its legend says "died": its final ζ and norms are a dead network's.
  assert.equal(run.blownUp, 'died');
});

test('init.scale 0: the verdict names the zero initialisation, a notice says init.scale above 0 (relu: dead; leaky_relu: frozen)', async () => {
  for (const activation of ['relu', 'leaky_relu']) {
    const zero = { model: { hidden: [4], activation }, data: { train: { x: [[1, 2], [2, 1], [1, 1], [3, 1]], y: [0, 1, 1, 0] } }, init: { seed: 1, scale: 0 }, training: { steps: 20 } };
    const run = runOf(await runTrainingJob(job(zero), new AbortController().signal, () => undefined));
    assert.equal(run.verdict?.label, null);
    assert.match(run.verdict!.regime, /every weight is exactly 0 at θ₀ \(a zero initialisation\)/, activation);
    assert.ok(run.notices.includes('To train it, set init.scale above 0 (it is 0: every weight is drawn as 0 · a random number).'), `${activation}: ${run.notices.join(' | ')}`);
  }
});
