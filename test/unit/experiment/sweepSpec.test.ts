/**
 * The values of a range `{ from, to, count, scale }` (sweepSpec.ts `rangeValues`), which `flab
 * sweep` and both axes of `flab phase` compute: evenly spaced, exact at both ends, and finite
 * whenever both ends are — up to ±1.8e308, where `to − from` itself is beyond the 64-bit range.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rangeValues, resolveSweep } from '../../../src/core/experiment/sweepSpec';
import { Rng } from '../../../src/core/math/rng';

test('a linear range across ±1e308 is finite, symmetric about 0 and exact at both ends', () => {
  assert.deepEqual(rangeValues({ from: -1e308, to: 1e308, count: 3, scale: 'linear' }), [-1e308, 0, 1e308]);
  // The inner values are rounded to 15 significant digits, like every range's.
  const half = Number((Number.MAX_VALUE / 2).toPrecision(15));
  assert.deepEqual(rangeValues({ from: -Number.MAX_VALUE, to: Number.MAX_VALUE, count: 5, scale: 'linear' }), [-Number.MAX_VALUE, -half, 0, half, Number.MAX_VALUE]);
  const values = rangeValues({ from: Number.MAX_VALUE, to: -Number.MAX_VALUE, count: 1000, scale: 'linear' });
  assert.ok(values.every(Number.isFinite));
  for (let k = 1; k < values.length; k++) assert.ok(values[k] < values[k - 1], `decreasing at ${k}`);
});

test('a log range from 5e-324 to 1.7976931348623157e308 is finite, positive, increasing, exact at both ends', () => {
  const values = rangeValues({ from: 5e-324, to: Number.MAX_VALUE, count: 1000 });
  assert.equal(values[0], 5e-324);
  assert.equal(values[999], Number.MAX_VALUE);
  for (let k = 1; k < values.length; k++) assert.ok(values[k] > values[k - 1] && Number.isFinite(values[k]), `increasing and finite at ${k}`);
  // Each step is the same ratio: 631.56 decades over 999 steps (the smallest subnormals are coarse).
  const decade = (Math.log10(Number.MAX_VALUE) - Math.log10(5e-324)) / 999;
  for (let k = 20; k < values.length; k++) assert.ok(Math.abs(Math.log10(values[k] / values[k - 1]) - decade) < 1e-9, `ratio at ${k}`);
  assert.deepEqual(rangeValues({ from: 1e-300, to: 1e300, count: 3 }), [1e-300, 1, 1e300]);
  // Every decade on the way is the decade itself: 10 to the power -100 came out 9.99999999999935e-101.
  assert.deepEqual(rangeValues({ from: 1e-300, to: 1e300, count: 7 }), [1e-300, 1e-200, 1e-100, 1, 1e100, 1e200, 1e300]);
  const decades = rangeValues({ from: 1e-300, to: 1e300, count: 601 });
  decades.forEach((v, k) => assert.equal(v, Number(`1e${k - 300}`), `decade ${k - 300}`));
});

test('random linear ranges agree with a float64 reference computed in halves, within an ulp of the span', () => {
  const rng = new Rng(8);
  const rand = (): number => rng.uniform();
  for (let trial = 0; trial < 500; trial++) {
    const scale = Math.pow(10, Math.floor(rand() * 616) - 308);
    const from = (rand() * 2 - 1) * scale;
    const to = (rand() * 2 - 1) * Math.pow(10, Math.floor(rand() * 616) - 308);
    const count = 2 + Math.floor(rand() * 40);
    const values = rangeValues({ from, to, count, scale: 'linear' });
    assert.equal(values[0], from);
    assert.equal(values[count - 1], to);
    // The reference: from/2 + s·(to/2 − from/2), doubled — the halves never overflow.
    const span = Math.abs(to / 2 - from / 2) * 2;
    for (let k = 0; k < count; k++) {
      const reference = 2 * (from / 2 + (k / (count - 1)) * (to / 2 - from / 2));
      assert.ok(Number.isFinite(values[k]));
      assert.ok(Math.abs(values[k] - reference) <= 1e-14 * Math.max(span, Math.abs(reference)) + 1e-300, `trial ${trial}, value ${k}: ${values[k]} vs ${reference}`);
    }
  }
});

test('decades come out as written, and one value is the start', () => {
  assert.deepEqual(rangeValues({ from: 0.001, to: 1, count: 4 }), [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(rangeValues({ from: 0, to: 1, count: 11, scale: 'linear' }), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(rangeValues({ from: 3, to: 7, count: 1 }), [3]);
});

test('a sweep of data.y from -1e308 to 1e308 resolves to finite values (the middle is 0)', () => {
  const { spec, problems } = resolveSweep({ 'data.y': { from: -1e308, to: 1e308, count: 3, scale: 'linear' } });
  assert.deepEqual(problems, []);
  assert.deepEqual(spec?.values, [-1e308, 0, 1e308]);
});

test('a range over time.end is rounded to whole steps when the runs are gradient descent, and kept in a linear file', () => {
  const range = { 'time.end': { from: 10, to: 1000, count: 5 } };
  const relu = resolveSweep(range, 'linear', { model: { width: 4, activation: 'relu' } });
  assert.deepEqual(relu.problems, []);
  assert.deepEqual(relu.spec?.values, [10, 32, 100, 316, 1000]);
  // Values that round alike are refused, like width's or seed's (until 2026-12-03 dropped without a word).
  assert.deepEqual(resolveSweep({ 'time.end': { from: 1, to: 3, count: 9, scale: 'linear' } }, 'linear', { model: { width: 4, activation: 'tanh' } }).problems, [{
    path: 'sweep.time.end',
    message: 'sweep.time.end: time.end takes whole steps, and the range\'s 9 values round to 3 distinct (1, 2, 3): 6 values would repeat another; use fewer values (the range holds 3 of its whole numbers), ends further apart, or a list of whole numbers',
  }]);
  for (const model of [{ width: 4 }, { width: 4, activation: 'linear' }]) {
    assert.deepEqual(resolveSweep(range, 'linear', { model }).spec?.values, [10, 31.6227766016838, 100, 316.227766016838, 1000]);
  }
  // A list is taken as written.
  assert.deepEqual(resolveSweep({ 'time.end': [10, 31.5] }, 'linear', { model: { width: 4, activation: 'relu' } }).spec?.values, [10, 31.5]);
});

test('an unknown sweep key lists the numeric keys of the file\'s kind, and a path into one of its arrays', () => {
  const network = { model: { hidden: [2] }, data: { train: { x: [[0, 1]], y: [0] } } };
  assert.deepEqual(resolveSweep({ 'model.foo': [1, 2] }, 'network', network).problems, [{
    path: 'sweep.model.foo',
    message: 'sweep: unknown hyperparameter `model.foo`; numeric keys are `model.outputScale`, `data.train`, `data.test`, `data.subsetSeed`, `data.classes`, `data.label`, `init.scale`, `init.seed`, `training.momentum`, `training.beta1`, `training.beta2`, `training.epsilon`, `training.learningRate`, `training.batchSize`, `training.epochs`, `training.steps`, `training.weightDecay`, `training.record.every`, `training.seed`, `training.checkpoints.every` (or a path into an array, like `model.hidden[0]`)',
  }]);
  const [linear] = resolveSweep({ 'model.foo': [1, 2] }, 'linear').problems;
  assert.match(linear.message, /`weightDecay` \(or a path into an array, like `data\.x\[0\]`\)$/);
});

test('every refused value of a sweep list is said at its own entry, a range\'s first with how many more, each with the limit\'s reason', () => {
  const problems = (raw: Parameters<typeof resolveSweep>[0]): string[] => resolveSweep(raw, 'network').problems.map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(problems({ 'model.outputScale': [1, -1, 0] }), [
    'sweep.model.outputScale[1]: sweep value 1: model.outputScale must be > 0, got -1',
    'sweep.model.outputScale[2]: sweep value 2: model.outputScale must be > 0, got 0',
  ]);
  assert.deepEqual(problems({ 'model.outputScale': { from: -1, to: 1, count: 5, scale: 'linear' } }), ['sweep.model.outputScale: sweep value 0: model.outputScale must be > 0, got -1 (and 2 more values of the range)']);
  assert.deepEqual(problems({ 'model.outputScale': { from: -1, to: 1, count: 4, scale: 'linear' } }), ['sweep.model.outputScale: sweep value 0: model.outputScale must be > 0, got -1 (and 1 more value of the range)']);
  // A limit the schema gives the reason of says it in a sweep as in the file (the embedded MNIST's 10,000 digits).
  const inFile = (raw: Parameters<typeof resolveSweep>[0], data: unknown): string[] => resolveSweep(raw, 'network', { model: { hidden: [4] }, data }).problems.map((p) => `${p.path}: ${p.message}`);
  const [mnist] = inFile({ 'data.train': [100, 20000] }, { dataset: 'mnist', train: 100 });
  assert.match(mnist, /^sweep\.data\.train\[1\]: sweep value 1: data\.train must be ≤ 10,?000, got 20,?000: the embedded MNIST holds 10,000 digits/);
});

test('a sweep of a key of several data forms is checked against the form the file writes, not the embedded MNIST\'s (a CIFAR-10 file\'s 12,000 samples were refused with "the embedded MNIST holds 10,000 digits")', () => {
  const inFile = (raw: Parameters<typeof resolveSweep>[0], data: unknown): string[] => resolveSweep(raw, 'network', { model: { hidden: [4] }, data }).problems.map((p) => `${p.path}: ${p.message}`);
  for (const data of [
    { format: 'cifar10', trainBatches: ['a.bin'] },
    { format: 'npy', trainX: 'x.npy', trainY: 'y.npy' },
    { format: 'csv', trainFile: 'a.csv', testFile: 'b.csv' },
    { format: 'idx', trainImages: 'i', trainLabels: 'l' },
  ]) {
    assert.deepEqual(inFile({ 'data.train': [100, 12000] }, data), [], data.format);
    assert.deepEqual(inFile({ 'data.test': [5, 20000] }, data), [], data.format);
    assert.match(inFile({ 'data.train': [0, 10] }, data)[0], /sweep value 0: data\.train must be ≥ 1, got 0/, data.format);
  }
  // Without the file, a key of several forms has the loosest of their constraints: the variant's own file is checked after.
  assert.deepEqual(resolveSweep({ 'data.train': [100, 20000] }, 'network').problems, []);
  assert.match(resolveSweep({ 'data.train': [0, 10] }, 'network').problems[0].message, /data\.train must be ≥ 1, got 0/);
});

test('a range over a whole-number key whose values round alike is refused, saying how many whole numbers it holds (they were dropped without a word: count 3 ran 2)', () => {
  const linear = { model: { width: 8 } };
  assert.deepEqual(resolveSweep({ 'model.width': { from: 10, to: 11, count: 3, scale: 'linear' } }, 'linear', linear).problems, [{
    path: 'sweep.model.width',
    message: 'sweep.model.width: model.width takes whole numbers, and the range\'s 3 values round to 2 distinct (10, 11): 1 value would repeat another; use fewer values (the range holds 2 of its whole numbers), ends further apart, or a list of whole numbers',
  }]);
  assert.match(resolveSweep({ 'model.width': { from: 10, to: 12, count: 10 } }, 'linear', linear).problems[0].message, /round to 3 distinct \(10, 11, 12\): 7 values would repeat/);
  assert.match(resolveSweep({ 'init.seed': { from: 1, to: 2, count: 4, scale: 'linear' } }, 'linear', linear).problems[0]?.message ?? '', /^sweep\.init\.seed: init\.seed takes whole numbers, and the range's 4 values round to 2 distinct \(1, 2\)/);
  // A range whose rounded values are all distinct runs them.
  assert.deepEqual(resolveSweep({ 'model.width': { from: 10, to: 1000, count: 3 } }, 'linear', linear).spec?.values, [10, 100, 1000]);
  assert.deepEqual(resolveSweep({ 'model.width': { from: 10, to: 13, count: 3, scale: 'linear' } }, 'linear', linear).spec?.values, [10, 12, 13]);
});
