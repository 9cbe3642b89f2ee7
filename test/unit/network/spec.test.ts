import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkSpec, specFileForm, specProblems } from '../../../src/core/network/spec';

test('networkSpec fills every default and expands the learning rate to one per layer', () => {
  assert.deepEqual(networkSpec({ model: { hidden: [5, 3] } }), {
    model: { hidden: [5, 3], activation: 'relu', outputScale: 1, bias: false },
    init: { kind: 'random', scheme: 'kaiming', scale: 1, seed: 0 },
    training: {
      loss: 'squared',
      optimizer: { kind: 'sgd', momentum: 0 },
      learningRate: [0.01, 0.01, 0.01],
      batchSize: 'full',
      length: { unit: 'epochs', count: 1 },
      weightDecay: 0,
      record: { every: 1 },
      seed: 1,
    },
    classify: { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.1, balanceChange: 1 },
  });
  const adam = networkSpec({ model: { hidden: [] }, init: { seed: 41 }, training: { optimizer: 'adam', beta2: 0.9, steps: 10 } });
  assert.deepEqual(adam.training.optimizer, { kind: 'adam', beta1: 0.9, beta2: 0.9, epsilon: 1e-8 });
  assert.deepEqual(adam.training.length, { unit: 'steps', count: 10 });
  assert.equal(adam.training.seed, 42, 'the batch order never replays the weight draws');
  assert.deepEqual(specProblems(adam), []);
});

test('specProblems names every bad value by its key path in the file, in the schema\'s words', () => {
  const spec = networkSpec({ model: { hidden: [4], outputScale: 0 }, training: { optimizer: 'adam', beta1: 1, epsilon: 0, learningRate: [0.1, -1], steps: 1.5, weightDecay: -0.1 }, classify: { zetaChange: -1 } });
  assert.deepEqual(specProblems(spec).map((p) => `${p.path}: ${p.message}`), [
    'model.outputScale: model.outputScale must be > 0, got 0',
    'training.beta1: training.beta1 must be < 1, got 1',
    'training.epsilon: training.epsilon must be > 0, got 0',
    'training.learningRate[1]: training.learningRate[1] must be ≥ 0, got -1',
    'training.steps: training.steps must be an integer, got 1.5',
    'training.weightDecay: training.weightDecay must be ≥ 0, got -0.1',
    'classify.zetaChange: classify.zetaChange must be ≥ 0, got -1',
  ]);
  // A spec built in code is checked as its file would be: specFileForm writes it.
  assert.deepEqual(specFileForm(spec).training, { loss: 'squared', optimizer: 'adam', beta1: 1, beta2: 0.999, epsilon: 0, learningRate: [0.1, -1], batchSize: 'full', steps: 1.5, weightDecay: -0.1, record: { every: 1 }, seed: 1 });
  const explicit = networkSpec({ model: { hidden: [2] }, init: { weights: [[[1, 2], [3]], [[1, 2]]] } });
  assert.deepEqual(specProblems(explicit).map((p) => `${p.path}: ${p.message}`), ['init.weights[0][1]: every row of W_1 must have 2 entries, row 1 has 1']);
  const chain = networkSpec({ model: { hidden: [2, 2] }, init: { weights: [[[1], [2]], [[1, 2, 3], [1, 2, 3]], [[1, 2]]] } });
  assert.deepEqual(specProblems(chain).map((p) => `${p.path}: ${p.message}`), ['init.weights[1][0]: W_2 must have 2 columns (the rows of W_1), got 3']);
});
