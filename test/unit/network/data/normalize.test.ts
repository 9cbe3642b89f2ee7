import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { channelsOf } from '../../../../src/core/network/data/normalize';
import { exactly, npyBytes, randomNormals, rejectsAt, tempDir, write } from './fixtures';

const o = { baseDir: '/nonexistent' };

/** Rows of `features` values from the generator: column j has mean shift[j] and spread scale[j]. */
function table(seed: number, count: number, shift: number[], scale: number[]): number[][] {
  const z = randomNormals(seed, count * shift.length);
  return Array.from({ length: count }, (_, i) => shift.map((m, j) => Math.fround(m + scale[j] * z[i * shift.length + j])));
}

/** Mean and population standard deviation of each column, in float64, two passes (the reference). */
function columnStats(rows: number[][]): { mean: number[]; sd: number[] } {
  const n = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const sd = rows[0].map((_, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / n));
  return { mean, sd };
}

/** Float32 results may differ from the float64 reference by the last bit of rounding. */
function close(actual: number, expected: number, what: string): void {
  const ulp = Math.max(Math.abs(expected), 1e-30) * 2 ** -23;
  assert.ok(Math.abs(actual - expected) <= 2 * ulp, `${what}: ${actual} vs ${expected}`);
}

test('standardize: per feature for table rows, statistics of the training set applied to the test set', async () => {
  // Extremes: a column far from zero with a tiny spread (cancellation), a huge one, a constant one.
  const shift = [0, 1e4, -3, 5e6, 42];
  const scale = [1, 1e-2, 1e3, 1e5, 0];
  const train = table(1, 200, shift, scale);
  const test = table(2, 50, shift, scale);
  const d = await loadDataset({ train: { x: train, y: train.map((_, i) => i % 2) }, test: { x: test, y: test.map((_, i) => i % 2) }, normalize: 'standardize' }, o);
  const { mean, sd } = columnStats(train);
  assert.equal(d.normalization.channels, 5);
  for (let j = 0; j < 5; j++) {
    close(d.normalization.shift[j], mean[j], `mean ${j}`);
    if (sd[j] > 0) close(d.normalization.scale[j], sd[j], `sd ${j}`);
  }
  assert.equal(d.normalization.scale[4], 1, 'a constant feature is only centred');
  for (const [rows, data] of [[train, d.train.x], [test, d.test!.x]] as const) {
    rows.forEach((r, i) => r.forEach((v, j) => close(data[i * 5 + j], j === 4 ? v - mean[j] : (v - mean[j]) / sd[j], `x[${i}][${j}]`)));
  }
  // The standardized training columns have mean 0 and deviation 1 (constant: 0 and 0).
  const after = columnStats(Array.from({ length: 200 }, (_, i) => Array.from(d.train.x.subarray(i * 5, i * 5 + 5))));
  after.mean.forEach((m) => assert.ok(Math.abs(m) < 1e-5, `mean after ${m}`));
  after.sd.slice(0, 4).forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5, `sd after ${s}`));
});

test('scale01 of float data maps the training range onto [0, 1] (one range for all features)', async () => {
  const train = table(3, 100, [0, 10], [1, 3]);
  const test = table(4, 20, [0, 10], [1, 3]);
  const d = await loadDataset({ train: { x: train, y: train.map((_, i) => i % 2) }, test: { x: test, y: test.map((_, i) => i % 2) }, normalize: 'scale01' }, o);
  const all = train.flat();
  const min = Math.min(...all);
  const max = Math.max(...all);
  assert.equal(d.normalization.shift[0], min);
  assert.equal(d.normalization.scale[0], max - min);
  assert.equal(Math.min(...d.train.x), 0);
  assert.equal(Math.max(...d.train.x), 1);
  test.flat().forEach((v, k) => close(d.test!.x[k], (v - min) / (max - min), `test ${k}`));
});

test('the channels of standardize follow the sample shape', () => {
  assert.equal(channelsOf([7]), 7);
  assert.equal(channelsOf([28, 28]), 1);
  assert.equal(channelsOf([3, 32, 32]), 3);
  assert.equal(channelsOf([2, 4, 4, 4]), 2);
});

test('an input the fitted map sends beyond float32 is refused at data.normalize, naming the split, the sample, the input and the map', async () => {
  // Until 2026-12 it was "input Infinity at sample 3, feature 0: inputs must be finite", at `data`,
  // about a file that holds no Infinity.
  const dir = tempDir();
  // One feature, spanning 10⁻³⁸ in the training set; the test input 1000.7 is quoted as the file writes it
  // (its float32 was quoted, 1000.7000122070312), and each mode's map in its own words: scale01's one
  // range over all features was blamed on "a feature nearly constant in the training set".
  write(dir, 'tiny-train.csv', `a,label\n${Array.from({ length: 8 }, (_, i) => `${i % 2 ? '1e-38' : '0'},${i % 2}`).join('\n')}\n`);
  write(dir, 'tiny-test.csv', 'a,label\n0,0\n1e-38,1\n0,0\n1000.7,1\n');
  const refused = (mode: 'scale01' | 'standardize') => loadDataset({ format: 'csv', trainFile: 'tiny-train.csv', testFile: 'tiny-test.csv', normalize: mode }, { baseDir: dir });
  const maps = 'maps test sample 3\'s feature 0 (input 1000.7, as float32) beyond the float32 range: the training inputs fitted it';
  await rejectsAt(refused('scale01'), {
    path: 'data.normalize',
    message: exactly(`"scale01" ${maps} (x − 0) / 1e-38, one range for all features together: the training inputs span only [0, 1e-38], and this input lies far outside it — every training input is nearly the same; check that the test inputs are on the training inputs' scale, or set "normalize": "none"`),
  });
  await rejectsAt(refused('standardize'), {
    path: 'data.normalize',
    message: exactly(`"standardize" ${maps} (x − 5e-39) / 5e-39, the mean and standard deviation of feature 0, and this input lies far outside the training inputs — feature 0 is nearly constant in the training set; leave it out, or set "normalize": "none"`),
  });
  // Images, channels first: standardize's statistics are the channel's.
  const pixels = (count: number, at: (i: number, c: number) => number) => Array.from({ length: count * 8 }, (_, k) => at(Math.floor(k / 8), Math.floor((k % 8) / 4)));
  write(dir, 'img-train-x.npy', npyBytes('<f4', [4, 2, 2, 2], pixels(4, (i, c) => (c === 1 && i % 2 ? 1e-38 : c === 0 ? i : 0))));
  write(dir, 'img-test-x.npy', npyBytes('<f4', [2, 2, 2, 2], pixels(2, (i, c) => (c === 1 && i === 1 ? 10.1 : 0))));
  write(dir, 'img-train-y.npy', npyBytes('<i8', [4], [0, 1, 0, 1]));
  write(dir, 'img-test-y.npy', npyBytes('<i8', [2], [0, 1]));
  await rejectsAt(loadDataset({ format: 'npy', trainX: 'img-train-x.npy', trainY: 'img-train-y.npy', testX: 'img-test-x.npy', testY: 'img-test-y.npy', normalize: 'standardize' }, { baseDir: dir }), {
    path: 'data.normalize',
    message: exactly(`"standardize" maps test sample 1's feature 4 (input 10.1, as float32) beyond the float32 range: the training inputs fitted it (x − 5e-39) / 5e-39, the mean and standard deviation of channel 1 of 2, and this input lies far outside the training inputs — the training inputs of channel 1 are nearly constant; set "normalize": "none"`),
  });
  // Without normalisation it is read.
  assert.equal((await loadDataset({ format: 'csv', trainFile: 'tiny-train.csv', testFile: 'tiny-test.csv' }, { baseDir: dir })).test!.count, 4);
});
