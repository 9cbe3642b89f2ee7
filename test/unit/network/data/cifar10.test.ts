import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { formatBytes, formatCount } from '../../../../src/core/network/data/dataError';
import { Cifar10Spec } from '../../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { randomIndices } from '../../../../src/core/network/data/subset';
import { cifarBytes, exactly, idxBytes, npyBytes, randomInts, rejectsAt, tempDir, write } from './fixtures';

const dir = tempDir();
const o = { baseDir: dir };
/** A pixel value that differs by image, channel and position. */
const pixel = (image: number, p: number) => (image * 37 + p * 13 + (p >> 10) * 101) % 256;
const labelsA = [3, 0, 9];
const labelsB = [5, 5];
const labelsT = [1, 2, 8, 7];
write(dir, 'data_batch_1.bin', cifarBytes(labelsA, pixel));
write(dir, 'data_batch_2.bin', cifarBytes(labelsB, (i, p) => pixel(i + 3, p)), true);
write(dir, 'test_batch.bin', cifarBytes(labelsT, (i, p) => pixel(i + 100, p)));
const spec = (over: Partial<Cifar10Spec>): Cifar10Spec => ({ format: 'cifar10', trainBatches: ['data_batch_1.bin', 'data_batch_2.bin'], testBatches: 'test_batch.bin', normalize: 'none', ...over });

test('CIFAR-10 batches (one of them gzip) read back as one split: [3, 32, 32] channels first, labels, names', async () => {
  const d = await loadDataset(spec({}), o);
  assert.equal(d.train.count, 5);
  assert.equal(d.train.features, 3072);
  assert.deepEqual(d.train.sampleShape, [3, 32, 32]);
  for (let i = 0; i < 5; i++) for (let p = 0; p < 3072; p++) assert.equal(d.train.x[i * 3072 + p], pixel(i, p));
  assert.ok(d.train.targets.kind === 'classes' && d.test?.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), [...labelsA, ...labelsB]);
  assert.equal(d.train.targets.classCount, 10);
  assert.deepEqual(Array.from(d.test.targets.labels), labelsT);
  assert.equal(d.test.x[2 * 3072 + 1500], pixel(102, 1500));
  assert.equal(d.classNames?.[3], 'cat');
  assert.equal(d.classNames?.length, 10);
});

test('subsets run across batch boundaries: the first 4, or 3 at random', async () => {
  const first = await loadDataset(spec({ train: 4, test: 0 }), o);
  assert.equal(first.test, undefined);
  assert.ok(first.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(first.train.targets.labels), [3, 0, 9, 5]);
  assert.equal(first.train.x[3 * 3072 + 77], pixel(3, 77));
  const random = await loadDataset(spec({ train: 3, subsetSeed: 11 }), o);
  const chosen = Array.from(randomIndices(5, 3, 11));
  assert.ok(random.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(random.train.targets.labels), chosen.map((i) => [...labelsA, ...labelsB][i]));
  chosen.forEach((image, k) => assert.equal(random.train.x[k * 3072 + 2049], pixel(image, 2049)));
});

test('standardize keeps one mean and deviation per colour channel, from the training images only', async () => {
  const d = await loadDataset(spec({ normalize: 'standardize' }), o);
  assert.equal(d.normalization.channels, 3);
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let i = 0; i < 5; i++) for (let p = 0; p < 1024; p++) sum += pixel(i, c * 1024 + p);
    const mean = sum / 5120;
    let squares = 0;
    for (let i = 0; i < 5; i++) for (let p = 0; p < 1024; p++) squares += (pixel(i, c * 1024 + p) - mean) ** 2;
    const sd = Math.sqrt(squares / 5120);
    assert.ok(Math.abs(d.normalization.shift[c] - mean) < 1e-9 * mean);
    assert.ok(Math.abs(d.normalization.scale[c] - sd) < 1e-9 * sd);
    const p = c * 1024 + 300;
    assert.equal(d.train.x[4 * 3072 + p], Math.fround((pixel(4, p) - mean) / sd));
    assert.equal(d.test!.x[1 * 3072 + p], Math.fround((pixel(101, p) - mean) / sd));
  }
});

test('bad CIFAR-10 batches: each a located message', async () => {
  const good = cifarBytes([1, 2, 3], pixel);
  write(dir, 'short.bin', good.subarray(0, good.length - 5));
  await rejectsAt(loadDataset(spec({ trainBatches: ['data_batch_1.bin', 'short.bin'] }), o), { path: 'data.trainBatches[1]', message: /^short.bin, byte 6,146: 9 KiB \(9,214 bytes\) is not a whole number of 3,073-byte CIFAR-10 records .*: 2 records and 3,068 bytes over, so record 2 is truncated/, offset: 6146 });
  write(dir, 'hundred.bin', new Uint8Array(3074 * 2));
  await rejectsAt(loadDataset(spec({ trainBatches: 'hundred.bin' }), o), { path: 'data.trainBatches', message: /fits CIFAR-100 records of 3,074 bytes/ });
  const badLabel = Buffer.from(good);
  badLabel[2 * 3073] = 10;
  write(dir, 'label10.bin', badLabel);
  await rejectsAt(loadDataset(spec({ trainBatches: ['label10.bin'] }), o), { path: 'data.trainBatches[0]', message: /^label10.bin, byte 6,146: label 10 of image 2: CIFAR-10 labels are 0–9/, offset: 6146 });
  write(dir, 'empty.bin', new Uint8Array(0));
  await rejectsAt(loadDataset(spec({ testBatches: ['empty.bin'] }), o), { path: 'data.testBatches[0]', message: /the file is empty/ });
  await rejectsAt(loadDataset(spec({ train: 6 }), o), { path: 'data.train', message: /6 training samples asked for, the data has 5/ });
  const labels = randomInts(1, 2, 10);
  write(dir, 'cut.bin.gz', cifarBytes(labels, pixel).subarray(0, 4000), true);
  await rejectsAt(loadDataset(spec({ trainBatches: 'cut.bin.gz' }), o), { path: 'data.trainBatches', message: /^cut.bin.gz, byte 3,073 \(decompressed\): 3.9 KiB \(4,000 bytes\) is not a whole number of 3,073-byte CIFAR-10 records .*: 1 record and 927 bytes over/ });
});

test('counts of one are singular in the source line', async () => {
  write(dir, 'one.bin', cifarBytes([4], pixel));
  const d = await loadDataset(spec({ trainBatches: 'one.bin', testBatches: 'one.bin' }), o);
  assert.equal(d.source, 'CIFAR-10 one.bin: 1 training image of 3 × 32 × 32; one.bin: 1 test image; 10 classes, 9 of them in no training sample (0–3 and 5–9); normalize none');
});

test('the data line names the batch files, from three on the first and the last, and the shape of an image', async () => {
  // Until 2026-12 "CIFAR-10 batches: 5 training images, 4 test images": no file and no shape.
  const line = async (over: Partial<Cifar10Spec>) => (await loadDataset(spec(over), o)).source.split('; 10 classes')[0];
  assert.equal(await line({}), 'CIFAR-10 data_batch_1.bin + data_batch_2.bin: 5 training images of 3 × 32 × 32; test_batch.bin: 4 test images');
  assert.equal(await line({ train: 4, test: 0 }), 'CIFAR-10 data_batch_1.bin + data_batch_2.bin: the first 4 training images of 3 × 32 × 32');
  assert.equal(await line({ train: 3, test: 2, subsetSeed: 7 }), 'CIFAR-10 data_batch_1.bin + data_batch_2.bin: 3 training images of 3 × 32 × 32 at random (seed 7); test_batch.bin: 2 test images at random (seed 7)');
  const five = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_1.bin'];
  assert.equal(await line({ trainBatches: five, testBatches: ['test_batch.bin'] }), 'CIFAR-10 data_batch_1.bin … data_batch_1.bin (5 batches): 13 training images of 3 × 32 × 32; test_batch.bin: 4 test images');
});

test('a file of another format given as a CIFAR-10 batch is named by its first bytes, as the CSV reader names it', async () => {
  // Before: only "… is not a whole number of 3,073-byte CIFAR-10 records …, so record 0 is truncated or the file is not a CIFAR-10 batch".
  const whole = (bytes: number) => `${formatBytes(bytes)} is not a whole number of 3,073-byte CIFAR-10 records (1 label byte, 3,072 pixel bytes): the file is not a CIFAR-10 batch — `;
  const npy = npyBytes('<f8', [20, 5], new Array(100).fill(0));
  const idx = idxBytes('u8', [7, 2, 2], new Array(28).fill(1));
  // A tar archive (cifar-10-binary.tar.gz, given as it was downloaded): its magic "ustar" at byte 257.
  const tar = new Uint8Array(1024);
  tar.set(Buffer.from('cifar-10-batches-bin/data_batch_1.bin'));
  tar.set(Buffer.from('ustar\u000000'), 257);
  const cases: Array<[string, Uint8Array, boolean, string]> = [
    ['x.npy', npy, false, `x.npy, byte 0: ${whole(npy.length)}it is a NumPy .npy file (use "format": "npy")`],
    ['images-idx3-ubyte.gz', idx, true, `images-idx3-ubyte.gz, byte 0 (decompressed): ${whole(idx.length)}it looks like an IDX file (use "format": "idx")`],
    ['cifar-10-binary.tar.gz', tar, true, `cifar-10-binary.tar.gz, byte 0 (decompressed): ${whole(1024)}it is a tar archive (unpack it, e.g. with tar xf, and name the files inside)`],
    ['twice.bin.gz', gzipSync(cifarBytes([1], pixel)), true, `twice.bin.gz, byte 0 (decompressed): ${whole(gzipSync(cifarBytes([1], pixel)).length)}it is compressed twice with gzip (decompress it once, e.g. with gunzip)`],
    ['table.csv', new Uint8Array(Buffer.from('a,b,y\n1,2,0\n')), false, `table.csv, byte 0: ${whole(12)}it looks like text (use "format": "csv" for a CSV file)`],
  ];
  for (const [name, bytes, gzip, message] of cases) {
    write(dir, name, bytes, gzip);
    await rejectsAt(loadDataset(spec({ trainBatches: name }), o), { path: 'data.trainBatches', message: exactly(message), offset: 0 });
  }
  // A whole number of records: the first label byte is out of range, and the first bytes say why.
  const sized = new Uint8Array(3073);
  sized.set(npyBytes('<f4', [2], [0, 0]));
  write(dir, 'sized.npy', sized);
  await rejectsAt(loadDataset(spec({ trainBatches: 'sized.npy' }), o), { path: 'data.trainBatches', message: exactly('sized.npy, byte 0: label 147 of image 0: CIFAR-10 labels are 0–9 — the file is not a CIFAR-10 batch: it is a NumPy .npy file (use "format": "npy")'), offset: 0 });
});

test('a gzip batch cut short is located where its decompressed data stops, and called truncated', async () => {
  // Before: "cut.bin.gz, byte 0 (decompressed): not a valid gzip file: the compressed stream ends early".
  const gz = gzipSync(cifarBytes(randomInts(3, 3, 10), (i, p) => (i * 7919 + p * p) % 251));
  const cut = gz.subarray(0, Math.floor(gz.length / 2));
  write(dir, 'half.bin.gz', cut);
  // What the cut stream decompresses to, by zlib itself: the data stops there.
  const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).length;
  assert.ok(decodable > 3073, `${decodable} bytes decodable`);
  await rejectsAt(loadDataset(spec({ trainBatches: 'half.bin.gz' }), o), {
    path: 'data.trainBatches',
    message: exactly(`half.bin.gz, byte ${formatCount(decodable)} (decompressed): the gzip stream is truncated: the file ends after ${formatBytes(cut.length)}, before the end of its compressed data`),
    offset: decodable,
  });
});
