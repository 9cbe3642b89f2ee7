import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError, formatBytes, formatCount } from '../../../../src/core/network/data/dataError';
import { parseDataSpec } from '../../../../src/core/network/data/dataSpec';

/** The path and message parseDataSpec throws for `value`. */
function problem(value: unknown, path?: string): [string, string] {
  try {
    parseDataSpec(value, path);
  } catch (err) {
    assert.ok(err instanceof DataError, String(err));
    return [err.path, err.message];
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

test('every form of the spec is accepted as written', () => {
  const specs = [
    { dataset: 'mnist', train: 8000, test: 2000 },
    { dataset: 'mnist', train: 100, subsetSeed: 3, normalize: 'standardize' },
    { format: 'idx', trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'd', classes: 10, task: 'classes', train: 5 },
    { format: 'cifar10', trainBatches: ['a.bin', 'b.bin'], testBatches: 'test.bin' },
    { format: 'csv', trainFile: 'a.csv', label: ['y1', -1], header: true, delimiter: ';', task: 'regression' },
    { format: 'npy', trainX: 'x.npy', trainY: 'y.npy', normalize: 'scale01' },
    { train: { x: [[1]], y: [0] }, test: { x: [[2]], y: [1] } },
    { format: 'inline', train: { x: [[1]], y: [[0.5]] }, task: 'regression' },
  ];
  for (const s of specs) assert.equal(parseDataSpec(s), s);
});

test('each mistake is located at its key, with what was expected and what was found', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [42, 'data', /expected an object, found 42/],
    [{}, 'data', /expected "dataset": "mnist", or "format": one of "idx", "cifar10", "csv", "npy", "inline"/],
    [{ dataset: 'cifar' }, 'data.dataset', /expected an embedded data set, one of "mnist", found "cifar"/],
    [{ dataset: 'mnist', format: 'idx' }, 'data.format', /either "dataset" .* or "format"/],
    [{ dataset: 'mnist' }, 'data.train', /needs "train"/],
    [{ dataset: 'mnist', train: 0 }, 'data.train', /expected a whole number of samples ≥ 1, found 0/],
    [{ dataset: 'mnist', train: 1.5 }, 'data.train', /found 1.5/],
    [{ dataset: 'mnist', train: 10, test: -1 }, 'data.test', /≥ 0, found -1/],
    [{ dataset: 'mnist', train: 10, subsetSeed: 'x' }, 'data.subsetSeed', /expected an integer seed, found "x"/],
    [{ dataset: 'mnist', train: 10, normalize: 'zscore' }, 'data.normalize', /expected one of "none", "scale01", "standardize", found "zscore"/],
    [{ dataset: 'mnist', train: 10, classes: 10 }, 'data.classes', /unknown key "classes" for dataset "mnist"/],
    [{ format: 'parquet' }, 'data.format', /expected "format" to be one of/],
    [{ format: 'idx', trainLabels: 'b' }, 'data.trainImages', /missing "trainImages"/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', testImages: 'c' }, 'data.testLabels', /"testImages" and "testLabels" go together/],
    [{ format: 'idx', trainImages: '', trainLabels: 'b' }, 'data.trainImages', /expected a file path, found ""/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', trainImage: 'c' }, 'data.trainImage', /unknown key "trainImage" for format "idx", which takes "format", "trainImages"/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', task: 'regression', classes: 3 }, 'data.classes', /applies to class labels/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', classes: 0 }, 'data.classes', /from 1 to 100,000, found 0/],
    [{ format: 'cifar10' }, 'data.trainBatches', /missing "trainBatches"/],
    [{ format: 'cifar10', trainBatches: 'a', test: 10 }, 'data.test', /10 test samples asked for, and there is no test file \("testBatches"\)/],
    [{ format: 'cifar10', trainBatches: [] }, 'data.trainBatches', /non-empty list/],
    [{ format: 'cifar10', trainBatches: ['a', 3] }, 'data.trainBatches[1]', /expected a file path, found 3/],
    [{ format: 'csv', trainFile: 'a', label: [] }, 'data.label', /at least one label column/],
    [{ format: 'csv', trainFile: 'a', label: 1.5 }, 'data.label', /a column name or a 0-based column index/],
    [{ format: 'csv', trainFile: 'a', label: ['y', null] }, 'data.label[1]', /found null/],
    [{ format: 'csv', trainFile: 'a', delimiter: '"' }, 'data.delimiter', /one character other than a quote/],
    [{ format: 'csv', trainFile: 'a', header: 'yes' }, 'data.header', /expected true or false/],
    [{ format: 'npy', trainX: 'x' }, 'data.trainY', /missing "trainY"/],
    [{ train: { x: [[1]] } }, 'data.train.y', /expected "y"/],
    [{ train: { x: 1, y: [0] } }, 'data.train.x', /expected "x": the inputs/],
    [{ train: { x: [[1]], y: [0], z: 1 } }, 'data.train.z', /unknown key "z" in an inline split/],
    [{ format: 'inline', train: { x: [[1]], y: [0] }, subsetSeed: 1 }, 'data.subsetSeed', /unknown key "subsetSeed" for format "inline"/],
  ];
  for (const [value, path, message] of cases) {
    const [p, m] = problem(value);
    assert.equal(p, path, `path for ${JSON.stringify(value)}: ${m}`);
    assert.match(m, message);
  }
  assert.deepEqual(problem({ dataset: 'mnist' }, 'networks[0].data')[0], 'networks[0].data.train');
});

test('sizes in messages: thousands separators as en-US writes them, bytes in binary units', () => {
  for (const n of [0, 7, 999, 1000, 12345, 999_999, 1_000_000, -1_234_567, Number.MAX_SAFE_INTEGER]) assert.equal(formatCount(n), n.toLocaleString('en-US'));
  assert.equal(formatCount(1.5), '1.5');
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(1023), '1,023 bytes');
  assert.equal(formatBytes(9214), '9 KiB (9,214 bytes)');
  assert.equal(formatBytes(2 ** 30), '1 GiB (1,073,741,824 bytes)');
  assert.equal(formatBytes(188_160_000), '179 MiB (188,160,000 bytes)');
  assert.equal(formatBytes(47_040_000), '44.9 MiB (47,040,000 bytes)');
});
