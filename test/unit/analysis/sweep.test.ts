/**
 * The refusal of one sweep value (src/core/analysis/sweep.ts `sweepValueError`): located at the
 * sweep's entry, saying the swept key and its value once, the value as the sweep writes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepRunError, sweepValueTrainSet } from '../../../src/core/analysis/networkSweep';
import { sweepValueError, variantIndex } from '../../../src/core/analysis/sweep';
import { ExperimentError, VariantError } from '../../../src/core/experiment/errors';
import { resolveSweep } from '../../../src/core/experiment/sweepSpec';
import { networkVariant, normaliseNetworkExperiment, sweepValuePlans } from '../../../src/core/network/networkExperiment';
import type { Dataset } from '../../../src/core/network/dataset';
import { TrainingSetupError } from '../../../src/core/network/trainErrors';

const spec = { key: 'learningRates.u', path: 'learningRates.u', values: [1, 56.2341325190349, 2.41759407916908e307] };

test('a message that begins with the swept key and its value has them once', () => {
  const e = sweepValueError(spec, 2, 'learningRates.u = 2.41759407916908e307: the initial tangent kernel is beyond the 64-bit range');
  assert.equal(e.message, 'sweep value 2, learningRates.u = 2.41759407916908e307: the initial tangent kernel is beyond the 64-bit range');
  assert.equal(e.path, 'sweep.learningRates.u[2]');
  // With the message's own label of the key, and after a `with KEY = V:` prefix.
  const y = { key: 'data.y', path: 'data.y', values: [-1e308] };
  assert.equal(sweepValueError(y, 0, 'data.y (its size |y|) = -1e308: the initial loss is about 5e615').message, 'sweep value 0, data.y = -1e308: the initial loss is about 5e615');
  assert.equal(sweepValueError(y, 0, 'with data.y = -1e308: data.y (its size |y|) = -1e308: too large').message, 'sweep value 0, data.y = -1e308: too large');
});

test('a message about another key keeps its own text, after the sweep value', () => {
  assert.equal(sweepValueError(spec, 1, 'model.outputScale = 3: something').message, 'sweep value 1, learningRates.u = 56.2341325190349: model.outputScale = 3: something');
  // A key whose path has brackets and dots is matched literally: data.x[0] does not match data.x (…).
  const x = { key: 'data.x[0]', path: 'data.x[0]', values: [2] };
  assert.equal(sweepValueError(x, 0, 'data.x (its length |x|) = 2: big').message, 'sweep value 0, data.x[0] = 2: data.x (its length |x|) = 2: big');
  assert.equal(sweepValueError(x, 0, 'data.x[0] = 2: big').message, 'sweep value 0, data.x[0] = 2: big');
});

test('a generated value is echoed as formatNumber writes it: 56.2341325190349, not 5.62341325190349e1', () => {
  assert.match(sweepValueError(spec, 1, 'refused').message, /^sweep value 1, learningRates\.u = 56\.2341325190349: refused$/);
  // The value as written in a list wins.
  assert.match(sweepValueError(spec, 1, 'refused', '5.623413251903491E1').message, /= 5\.623413251903491E1: refused$/);
});

test('a sweep value at or past an exclusive upper bound is refused at its own entry before any run: momentum, Adam\'s β', () => {
  const problems = (sweep: Record<string, number[]>, training: Record<string, unknown> = {}) => resolveSweep(sweep, 'network', { model: { hidden: [2] }, training }).problems;
  assert.deepEqual(problems({ 'training.momentum': [0, 0.5, 1] }), [{ path: 'sweep.training.momentum[2]', message: 'sweep value 2: training.momentum must be < 1, got 1' }]);
  assert.deepEqual(problems({ 'training.beta1': [0.9, 1.5, 0.5] }, { optimizer: 'adam' }), [{ path: 'sweep.training.beta1[1]', message: 'sweep value 1: training.beta1 must be < 1, got 1.5' }]);
  assert.deepEqual(problems({ 'training.beta2': [0.9, 0.999] }, { optimizer: 'adam' }), []);
  // An ordinary (inclusive) bound, as before.
  assert.deepEqual(problems({ 'training.weightDecay': [0, 0.1, -1] }), [{ path: 'sweep.training.weightDecay[2]', message: 'sweep value 2: training.weightDecay must be ≥ 0, got -1' }]);
});

test('a swept key that no value could fit in this file is refused at the sweep\'s key, not at value 0', () => {
  // Inline data has no subsetSeed (CSV has); Adam's β₁ under SGD; both were "sweep value 0, …".
  const data = { train: { x: [[0], [1]], y: [0, 1] } };
  const problems = (sweep: Record<string, number[]>, training: Record<string, unknown> = {}) => normaliseNetworkExperiment({ model: { hidden: [2] }, data, training, sweep }).problems.map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(problems({ 'data.subsetSeed': [1, 2] }), ['sweep.data.subsetSeed: sweep: data.subsetSeed is not a key of this file\'s data, which is written as { "train" }']);
  assert.deepEqual(problems({ 'training.beta1': [0.5, 0.9] }), ['sweep.training.beta1: sweep: training.beta1 belongs to the "adam" optimizer, and training.optimizer is "sgd"']);
  assert.deepEqual(problems({ 'training.momentum': [0.5] }, { optimizer: 'adam' }), ['sweep.training.momentum: sweep: training.momentum belongs to the "sgd" optimizer, and training.optimizer is "adam"']);
  assert.deepEqual(problems({ 'training.beta1': [0.5] }, { optimizer: 'adam' }), [], 'its own optimizer');
  // The other of epochs and steps; a key that is a number only in another form of the data.
  const length = (training: Record<string, unknown>, sweep: Record<string, number[]>) => normaliseNetworkExperiment({ model: { hidden: [2] }, data, training, sweep }).problems.map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(length({ steps: 10 }, { 'training.epochs': [1, 2] }), ['sweep.training.epochs: sweep: the file gives training.steps, and a run is as long as one of training.epochs or training.steps: sweep training.steps, or write training.epochs instead of it']);
  assert.deepEqual(length({ epochs: 2 }, { 'training.steps': [1, 2] }), ['sweep.training.steps: sweep: the file gives training.epochs, and a run is as long as one of training.epochs or training.steps: sweep training.epochs, or write training.steps instead of it']);
  assert.deepEqual(length({ steps: 10 }, { 'training.steps': [5, 10] }), [], 'its own length');
  assert.deepEqual(problems({ 'data.test': [10] }), ['sweep.data.test: sweep: data.test is not a number in this file\'s form of data, so it cannot take numeric values']);
  // CSV data has subsetSeed: a key of its form.
  assert.deepEqual(normaliseNetworkExperiment({ model: { hidden: [2] }, data: { format: 'csv', trainFile: 'a.csv', train: 10 }, sweep: { 'data.subsetSeed': [1, 2] } }).problems, []);
});

test('a variant\'s refusal is located at the value it was built with, not at the run under way', async () => {
  const file = { model: { hidden: [2] }, data: { train: { x: [[1], [2]], y: [[1], [2]] } }, training: { loss: 'squared', steps: 1 } };
  for (const [key, values, bad, training] of [
    ['training.momentum', [0, 0.5, 0.99999999], 2, {}],
    ['training.beta1', [0.9, 0.99999999, 0.5], 1, { optimizer: 'adam' }],
    ['training.learningRate', [0.1, 0.2, 1e39], 2, {}],
  ] as const) {
    const source = { ...file, training: { ...file.training, ...training }, sweep: { [key]: values } };
    const { experiment } = normaliseNetworkExperiment(source);
    assert.ok(experiment?.sweep, key);
    // The CLI plans every value's work while the first value (i = 0) runs: the bad value's variant throws then.
    let thrown: unknown;
    for (const v of values) {
      try {
        networkVariant(experiment, key, v);
      } catch (err) {
        thrown = err;
        break;
      }
    }
    assert.ok(thrown instanceof VariantError, key);
    const located = (await sweepRunError(experiment, 0, thrown, { baseDir: '.', written: (j) => `«${j}»` })) as ExperimentError;
    assert.equal(located.path, `sweep.${key}[${bad}]`, key);
    assert.match(located.message, new RegExp(`^sweep value ${bad}, ${key.replace('.', '\\.')} = «${bad}»: `), key);
    assert.equal(variantIndex(experiment.sweep, 0, thrown), bad, key);
  }
});

test('set-up problems of the data alone are the file\'s in a sweep over another key (one error at data, not one per value); a value\'s, or any in a sweep over a data key, stay the value\'s', async () => {
  // A breaker's finding: four values of init.scale over a CIFAR-10 set of zeros were each read and
  // refused, "sweep value 0, init.scale = 1: every training input is 0" four times, 24 s.
  const zeros = new ExperimentError('every training input is 0 (…)', 'data');
  const nan = new ExperimentError('a NaN input (…)', 'data.train');
  const batch = new ExperimentError('a batch of 64 is larger than the training set (4 samples)', 'training.batchSize');
  const over = (key: string, values: number[]) => normaliseNetworkExperiment({ model: { hidden: [4] }, data: { dataset: 'mnist', train: 100 }, sweep: { [key]: values } }).experiment!;
  const file = await sweepRunError(over('init.scale', [1, 2]), 0, new TrainingSetupError([zeros, nan]), { baseDir: '.' });
  assert.ok(file instanceof TrainingSetupError, 'the data\'s: returned as it is, the file\'s error');
  const value = (await sweepRunError(over('init.scale', [1, 2]), 1, new TrainingSetupError([zeros, batch]), { baseDir: '.' })) as ExperimentError;
  assert.equal(value.path, 'sweep.init.scale[1]', 'a problem of another key too: the value\'s, as before');
  const data = (await sweepRunError(over('data.train', [100, 200]), 1, new TrainingSetupError([nan]), { baseDir: '.' })) as ExperimentError;
  assert.equal(data.path, 'sweep.data.train[1]', 'the value chose the data');
});

test('a sweep over data.train in epochs: each value\'s steps and step work are known from the set one value read, for the panel\'s time left', () => {
  // The panel showed no time left for such a sweep: its values' steps were null, "another training set".
  const { experiment: e, problems } = normaliseNetworkExperiment({ model: { hidden: [4] }, data: { dataset: 'mnist', train: 1000 }, training: { batchSize: 100, epochs: 2 }, sweep: { 'data.train': [500, 1000, 2000] } });
  assert.deepEqual(problems, []);
  const read: Dataset = { count: 1000, features: 784, sampleShape: [28, 28], x: new Float32Array(1000 * 784), targets: { kind: 'classes', labels: new Uint8Array(1000), classCount: 10 } };
  const readWith = networkVariant(e!, 'data.train', 1000);
  const plans = sweepValuePlans(e!, read, (j) => sweepValueTrainSet(e!, j, read, readWith));
  assert.deepEqual(plans.map((p) => p.steps), [10, 20, 40]);
  assert.ok(plans.every((p) => p.stepWork !== null && p.stepWork > 0));
  assert.equal(plans[0].stepWork, plans[1].stepWork, 'batches of 100 either way');
  // Without what each value reads, a data key's values in epochs are not known.
  assert.deepEqual(sweepValuePlans(e!, read).map((p) => p.steps), [null, null, null]);
});

test('network sweep values that float32 makes one number are refused as repeats: the two runs would be the same, byte for byte', () => {
  // A breaker's finding: five learning rates from 0.001 to 0.0010000001 trained five identical runs into five folders.
  const problems = (sweep: Record<string, unknown>, kind: 'network' | 'linear' = 'network') => resolveSweep(sweep as Record<string, number[]>, kind, kind === 'network' ? { model: { hidden: [2] } } : undefined).problems;
  assert.deepEqual(problems({ 'training.learningRate': [0.001, 0.00100000001, 0.002] }), [
    { path: 'sweep.training.learningRate[1]', message: 'sweep value 1: 0.00100000001 is value 0 (0.001) in float32, 0.0010000000474974513, which the network trains in: the two would be the same run; remove one, or give values further apart' },
  ]);
  assert.deepEqual(problems({ 'training.learningRate': { from: 0.001, to: 0.0010000001, count: 5, scale: 'linear' } }).map((p) => p.path), ['sweep.training.learningRate']);
  assert.match(problems({ 'training.learningRate': { from: 0.001, to: 0.0010000001, count: 5, scale: 'linear' } })[0].message, /^sweep value 1: 0\.001000000025 is value 0 \(0\.001\) in float32, .* \(and 3 more values of the range\): use fewer values or ends further apart$/);
  assert.deepEqual(problems({ 'model.outputScale': [1, 1.00000001] }).map((p) => p.path), ['sweep.model.outputScale[1]']);
  // Distinct in float32; whole-number keys; the linear model, which computes in float64.
  assert.deepEqual(problems({ 'training.learningRate': [0.001, 0.0010001] }), []);
  assert.deepEqual(problems({ 'model.hidden[0]': [16777216, 16777217] }).filter((p) => /in float32,/.test(p.message)), [], 'a whole-number key: its own bound, not float32');
  assert.deepEqual(problems({ 'learningRates.u': [0.001, 0.00100000001] }, 'linear'), []);
  // Values float32 makes 0 or ∞ are refused for that, each at its run, not called repeats of each other.
  assert.deepEqual(problems({ 'training.learningRate': [1e-46, 2e-46] }), []);
  assert.deepEqual(problems({ 'init.scale': [1e39, 2e39] }), []);
});
