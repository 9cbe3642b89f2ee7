import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SEED, seedAfter } from '../../../src/core/math/rng';
import { networkSpec, specFileForm, specProblems } from '../../../src/core/network/spec';
import { normaliseNetworkExperiment } from '../../../src/core/network/networkExperiment';

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
  assert.deepEqual(specProblems(explicit).map((p) => `${p.path}: ${p.message}`), ['init.weights[0][1]: init.weights[0][1] (row 1 of W_1) must have 2 entries, as 1 other row has, got 1']);
  // A ragged row is the row blamed, the first among them too: W_1's rows are held to the length most of
  // them have, a later matrix's to the width before it (a short first row blamed the second, right one).
  const rows = (hidden: number[], weights: number[][][]): string[] => specProblems(networkSpec({ model: { hidden }, init: { weights } })).map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(rows([3], [[[1], [2, 3], [4, 5]], [[1, 2, 3]]]), ['init.weights[0][0]: init.weights[0][0] (row 0 of W_1) must have 2 entries, as 2 other rows have, got 1']);
  assert.deepEqual(rows([4], [[[1], [2, 3], [4, 5], [6]], [[1, 2, 3, 4]]]), ['init.weights[0][1]: init.weights[0][1] (row 1 of W_1) must have 1 entry, as 2 other rows have, got 2 (1 more row of W_1 has another length)']);
  assert.deepEqual(rows([3, 2], [[[1], [2], [3]], [[1, 2], [1, 2, 3]], [[1, 2]]]), ['init.weights[1][0]: init.weights[1][0] (row 0 of W_2) must have 3 entries (model.hidden[0], the rows of W_1), got 2']);
  assert.deepEqual(rows([3, 3], [[[1], [2], [3]], [[1, 2, 3], [1], [1, 2]], [[1, 2, 3]]]), ['init.weights[1][1]: init.weights[1][1] (row 1 of W_2) must have 3 entries (model.hidden[0], the rows of W_1), got 1 (1 more row of W_2 has another length)']);
  assert.deepEqual(rows([1], [[[1]], [[1, 2]]]), ['init.weights[1][0]: init.weights[1] (W_2) must have 1 column (model.hidden[0], the rows of W_1), got 2']);
  const chain = networkSpec({ model: { hidden: [2, 2] }, init: { weights: [[[1], [2]], [[1, 2, 3], [1, 2, 3]], [[1, 2]]] } });
  assert.deepEqual(specProblems(chain).map((p) => `${p.path}: ${p.message}`), ['init.weights[1][0]: init.weights[1] (W_2) must have 2 columns (model.hidden[0], the rows of W_1), got 3']);
  // Every wrong matrix, each against the widths (a fresh user's file: W_2 of 1 column passed beside a W_1 of 1 row).
  const both = networkSpec({ model: { hidden: [4] }, init: { weights: [[[1, 2]], [[1]]] } });
  assert.deepEqual(specProblems(both).map((p) => `${p.path}: ${p.message}`), [
    'init.weights[0]: init.weights[0] (W_1) must have 4 rows (model.hidden[0]), got 1',
    'init.weights[1][0]: init.weights[1] (W_2) must have 4 columns (model.hidden[0], the rows of W_1), got 1',
  ]);
});

test('numbers the float32 trainer would make ±Infinity are refused at their key, saying the range and why', () => {
  const problems = (input: Parameters<typeof networkSpec>[0]): string[] => specProblems(networkSpec(input)).map((p) => `${p.path}: ${p.message}`);
  const beyond = (path: string, written: string): string => `${path}: ${path} = ${written}: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be +Infinity and the run could only diverge: give a number of magnitude at most 3.4e38`;
  assert.deepEqual(problems({ model: { hidden: [2], outputScale: 1e39 } }), [beyond('model.outputScale', '1e39')]);
  assert.deepEqual(problems({ model: { hidden: [2] }, training: { learningRate: 1e39 } }), [beyond('training.learningRate[0]', '1e39'), beyond('training.learningRate[1]', '1e39')]);
  assert.deepEqual(problems({ model: { hidden: [2] }, training: { learningRate: [0.1, 1e39] } }), [beyond('training.learningRate[1]', '1e39')]);
  assert.deepEqual(problems({ model: { hidden: [2] }, training: { weightDecay: 1e39 } }), [beyond('training.weightDecay', '1e39')]);
  assert.deepEqual(problems({ model: { hidden: [2] }, training: { optimizer: 'adam', epsilon: 4e38 } }), [beyond('training.epsilon', '4e38')]);
  // The largest float32 is kept, and so is a number that rounds down to it.
  assert.deepEqual(problems({ model: { hidden: [2], outputScale: 3.4028235e38 } }), []);
  assert.deepEqual(problems({ model: { hidden: [2], outputScale: 3.40282356e38 } }), []);
  // Explicit weights: the first entry beyond the range of each matrix, and how many more.
  const weights = [[[1], [1e39]], [[-1e39, 2e39]]];
  assert.deepEqual(problems({ model: { hidden: [2] }, init: { weights } }), [
    beyond('init.weights[0][1][0]', '1e39'),
    'init.weights[1][0][0]: init.weights[1][0][0] = -1e39: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be −Infinity and the run could only diverge: give a number of magnitude at most 3.4e38 (W_2 has 1 more entry beyond the range)',
  ]);
});

test('a nonzero hyperparameter that float32 makes 0, or a momentum or β that it makes 1, is refused at its key', () => {
  const problems = (input: Parameters<typeof networkSpec>[0]): string[] => specProblems(networkSpec(input)).map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(problems({ model: { hidden: [] }, training: { learningRate: 1e-50 } }), [
    'training.learningRate[0]: training.learningRate[0] = 1e-50: nonzero, but below the smallest float32 magnitude (1.4e-45); the trainer computes in float32, where this number would be 0 — a rate of 0, with which W_1 does not learn: a different experiment: give a magnitude of at least 1.5e-45, or 0 if that is what you mean',
  ]);
  assert.deepEqual(problems({ model: { hidden: [], outputScale: 1e-46 } }), [
    'model.outputScale: model.outputScale = 1e-46: nonzero, but below the smallest float32 magnitude (1.4e-45); the trainer computes in float32, where this number would be 0 — γ = 0, which model.outputScale must not be: give a magnitude of at least 1.5e-45',
  ]);
  assert.deepEqual(problems({ model: { hidden: [] }, training: { weightDecay: 1e-300, momentum: 1e-300 } }).map((p) => p.split(':')[0]), ['training.weightDecay', 'training.momentum']);
  assert.deepEqual(problems({ model: { hidden: [] }, training: { optimizer: 'adam', beta1: 1e-46, epsilon: 1e-46 } }).map((p) => p.split(':')[0]), ['training.beta1', 'training.epsilon']);
  assert.deepEqual(problems({ model: { hidden: [] }, training: { momentum: 0.99999999 } }), [
    'training.momentum: training.momentum = 0.99999999: the trainer computes in float32, where this number would be 1, and training.momentum must be < 1: give at most 0.99999994 (the largest float32 below 1)',
  ]);
  assert.deepEqual(problems({ model: { hidden: [] }, training: { optimizer: 'adam', beta2: 0.99999998 } }).map((p) => p.split(':')[0]), ['training.beta2']);
  // The smallest float32, the largest below 1, and 0 itself are kept; tiny explicit weights are rounded, as data is.
  assert.deepEqual(problems({ model: { hidden: [] }, training: { learningRate: 1.5e-45, momentum: 0.99999994, weightDecay: 0 } }), []);
  assert.deepEqual(problems({ model: { hidden: [1] }, init: { weights: [[[1e-50]], [[1]]] } }), []);
});

test('the batch order\'s default seed counts on from 0 past the largest seed: the largest init.seed is valid', () => {
  const largest = networkSpec({ model: { hidden: [2] }, init: { seed: Number.MAX_SAFE_INTEGER } });
  assert.equal(largest.training.seed, 0, 'init seed + 1 would be 2⁵³, beyond what training.seed may be');
  assert.deepEqual(specProblems(largest), [], 'nothing refused at training.seed, a key the file never wrote');
  assert.equal(networkSpec({ model: { hidden: [2] }, init: { seed: Number.MAX_SAFE_INTEGER - 1 } }).training.seed, Number.MAX_SAFE_INTEGER);
  assert.equal(networkSpec({ model: { hidden: [2] }, init: { weights: [[[1], [1]], [[1, 1]]] } }).training.seed, 1);
});

test('seedAfter: the seed k after a seed, on from 0 past 2⁵³ − 1, exact at every step', () => {
  assert.equal(seedAfter(0), 1);
  assert.equal(seedAfter(41, 3), 44);
  assert.equal(seedAfter(MAX_SEED), 0);
  assert.equal(seedAfter(MAX_SEED - 1, 1), MAX_SEED);
  assert.equal(seedAfter(MAX_SEED - 1, 2), 0);
  assert.equal(seedAfter(MAX_SEED - 1, 5), 3);
  assert.equal(seedAfter(MAX_SEED, 0), MAX_SEED);
});

test('a number beyond float32 written as a power of the width is refused at its base, with the value used and the bases that work', () => {
  const data = { train: { x: [[0], [1]], y: [0, 1] } };
  const at = (model: object, training: object = {}) => normaliseNetworkExperiment({ model, data, training }).problems;
  const over = at({ hidden: [8] }, { learningRate: { base: 1e36, widthExponent: 4 } });
  assert.deepEqual(over.map((p) => p.path), ['training.learningRate.base']);
  assert.equal(over[0].message, 'training.learningRate.base = 1e36; the value used, base · d^4 at d = 8 (the last hidden layer\'s width), is 4.096e39: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be +Infinity and the run could only diverge: give a base of at most 8.3e34');
  // The stated base, written back, is accepted; so is a base within the range at this width.
  assert.deepEqual(at({ hidden: [8] }, { learningRate: { base: 8.3e34, widthExponent: 4 } }), []);
  // Below float32 at this width: refused at the base, with the least base that works.
  const under = at({ hidden: [1000] }, { learningRate: { base: 1e-43, widthExponent: -1 } });
  assert.deepEqual(under.map((p) => p.path), ['training.learningRate.base']);
  assert.match(under[0].message, /^training\.learningRate\.base = 1e-43; the value used, base · d\^-1 at d = 1000 \(the last hidden layer's width\), is 1e-46: nonzero, but below the smallest float32 magnitude .*: give a base of at least 1\.5e-42, or 0 if that is what you mean$/);
  assert.deepEqual(at({ hidden: [1000] }, { learningRate: { base: 1.5e-42, widthExponent: -1 } }), []);
  // One entry of a list of rates, written as a power.
  const entry = at({ hidden: [1000] }, { learningRate: [0.1, { base: 1e-43, widthExponent: -1 }] });
  assert.deepEqual(entry.map((p) => p.path), ['training.learningRate[1].base']);
});

test('a width power whose value leaves the 64-bit range is refused at its base, never silently 0 or Infinity', () => {
  const data = { train: { x: [[0], [1]], y: [0, 1] } };
  const at = (model: object, rest: object = {}) => normaliseNetworkExperiment({ model, data, ...rest }).problems;
  // 1e-300 · (10⁶)⁻⁴ is 0 in 64 bits: the rate was 0 (no layer learned) and the run went ahead.
  const rate = at({ hidden: [1_000_000] }, { training: { learningRate: { base: 1e-300, widthExponent: -4 } } });
  assert.deepEqual(rate.map((p) => p.path), ['training.learningRate.base']);
  assert.match(rate[0].message, /^training\.learningRate\.base = 1e-300; the value used, base · d\^-4 at d = 1000000 \(the last hidden layer's width\), is about 1e-324: nonzero, but below the smallest float32 magnitude .*: give a base of at least 1\.5e-21, or 0 if that is what you mean$/);
  assert.deepEqual(at({ hidden: [1_000_000] }, { training: { learningRate: { base: 1.5e-21, widthExponent: -4 } } }), []);
  const gamma = at({ hidden: [1_000_000], outputScale: { base: 1e-300, widthExponent: -4 } });
  assert.deepEqual(gamma.map((p) => p.path), ['model.outputScale.base'], 'at the base, where it was at model.outputScale');
  assert.match(gamma[0].message, /: give a base of at least 1\.5e-21$/);
  // init.scale has no float32 bound of its own (its draws are checked with the data): the 64-bit one.
  const sigma = at({ hidden: [1000] }, { init: { scale: { base: 1e300, widthExponent: 4 } } });
  assert.deepEqual(sigma.map((p) => p.path), ['init.scale.base']);
  assert.equal(sigma[0].message, 'init.scale.base = 1e300; the value used, base · d^4 at d = 1000 (the last hidden layer\'s width), is about 1e312: beyond the range of 64-bit numbers (1.8e308): give a base of at most 1.7e296');
  assert.deepEqual(at({ hidden: [1000] }, { init: { scale: { base: 1.7e296, widthExponent: 4 } } }), []);
  const zero = at({ hidden: [1_000_000] }, { init: { scale: { base: 1e-300, widthExponent: -4 } } });
  assert.deepEqual(zero.map((p) => p.path), ['init.scale.base']);
  assert.match(zero[0].message, /is about 1e-324: below the smallest 64-bit number \(5e-324\), where it is 0, a different experiment: give a base of at least 4\.9e-300, or 0 if that is what you mean$/);
});
