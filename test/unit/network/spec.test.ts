import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkSpec, specProblems } from '../../../src/core/network/spec';

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

test('specProblems names every bad value by its key path', () => {
  const spec = networkSpec({ model: { hidden: [4], outputScale: 0 }, training: { optimizer: 'adam', beta1: 1, epsilon: 0, learningRate: [0.1, -1], steps: 1.5, weightDecay: -0.1 }, classify: { zetaChange: 0 } });
  assert.deepEqual(specProblems(spec).map((p) => p.path), [
    'model.outputScale',
    'training.learningRate[1]',
    'training.steps',
    'training.weightDecay',
    'training.optimizer.beta1',
    'training.optimizer.epsilon',
    'classify.zetaChange',
  ]);
  const explicit = networkSpec({ model: { hidden: [2] }, init: { weights: [[[1, 2], [3]], [[1, 2]]] } });
  assert.deepEqual(specProblems(explicit).map((p) => `${p.path}: ${p.message}`), ['init.weights[0][1]: every row of W_1 must have 2 entries, row 1 has 1']);
  const chain = networkSpec({ model: { hidden: [2, 2] }, init: { weights: [[[1], [2]], [[1, 2, 3], [1, 2, 3]], [[1, 2]]] } });
  assert.deepEqual(specProblems(chain).map((p) => `${p.path}: ${p.message}`), ['init.weights[1][0]: W_2 must have 2 columns (the rows of W_1), got 3']);
});
