import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { IdxSpec } from '../../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { randomIndices } from '../../../../src/core/network/data/subset';
import { exactly, idxBytes, randomInts, randomNormals, rejectsAt, tempDir, write } from './fixtures';

const dir = tempDir();
const N = 23;
const H = 5;
const W = 4;
const pixels = randomInts(1, N * H * W, 256);
const labels = randomInts(2, N, 10);
write(dir, 'images', idxBytes('u8', [N, H, W], pixels));
write(dir, 'labels', idxBytes('u8', [N], labels));
write(dir, 'images.gz', idxBytes('u8', [N, H, W], pixels), true);
write(dir, 'labels.gz', idxBytes('u8', [N], labels), true);

const spec = (over: Partial<IdxSpec> = {}): IdxSpec => ({ format: 'idx', trainImages: 'images', trainLabels: 'labels', normalize: 'none', ...over });

test('IDX images and labels read back value for value, plain and gzip', async () => {
  for (const [images, labelsFile] of [['images', 'labels'], ['images.gz', 'labels.gz']]) {
    const d = await loadDataset(spec({ trainImages: images, trainLabels: labelsFile, testImages: images, testLabels: labelsFile }), { baseDir: dir });
    assert.equal(d.train.count, N);
    assert.equal(d.train.features, H * W);
    assert.deepEqual(d.train.sampleShape, [H, W]);
    assert.deepEqual(Array.from(d.train.x), pixels);
    assert.equal(d.train.targets.kind, 'classes');
    if (d.train.targets.kind !== 'classes') return;
    assert.deepEqual(Array.from(d.train.targets.labels), labels);
    assert.equal(d.train.targets.classCount, Math.max(...labels) + 1);
    assert.deepEqual(Array.from(d.test!.x), pixels);
  }
});

test('scale01 divides unsigned bytes by 255 (the default for IDX), whatever the subset', async () => {
  const d = await loadDataset(spec({ normalize: undefined, train: 3 }), { baseDir: dir });
  assert.equal(d.normalization.mode, 'scale01');
  assert.deepEqual(Array.from(d.train.x), pixels.slice(0, 3 * H * W).map((p) => Math.fround(p / 255)));
});

test('every IDX element type: signed bytes, int16, int32, float32, float64 (big-endian)', async () => {
  const cases = [
    { type: 'i8', values: randomInts(3, N * 3, 256).map((v) => v - 128) },
    { type: 'i16', values: randomInts(4, N * 3, 65536).map((v) => v - 32768) },
    { type: 'i32', values: randomInts(5, N * 3, 2 ** 31).map((v) => v - 2 ** 30) },
    { type: 'f32', values: randomNormals(6, N * 3, 1e3).map(Math.fround) },
    { type: 'f64', values: randomNormals(7, N * 3, 1e-3) },
  ] as const;
  for (const c of cases) {
    write(dir, `x-${c.type}`, idxBytes(c.type, [N, 3], c.values));
    const d = await loadDataset(spec({ trainImages: `x-${c.type}` }), { baseDir: dir });
    assert.deepEqual(Array.from(d.train.x), c.values.map(Math.fround), c.type);
    assert.deepEqual(d.train.sampleShape, [3]);
  }
});

test('regression targets from a float IDX labels file of N × 2', async () => {
  const y = randomNormals(8, N * 2);
  write(dir, 'y-f64', idxBytes('f64', [N, 2], y));
  const d = await loadDataset(spec({ trainLabels: 'y-f64', task: 'regression' }), { baseDir: dir });
  assert.equal(d.train.targets.kind, 'regression');
  if (d.train.targets.kind !== 'regression') return;
  assert.equal(d.train.targets.outputs, 2);
  assert.deepEqual(Array.from(d.train.targets.values), y.map(Math.fround));
});

test('subsets: the first N, or N at random with a seed, in file order', async () => {
  const first = await loadDataset(spec({ train: 7 }), { baseDir: dir });
  assert.deepEqual(Array.from(first.train.x), pixels.slice(0, 7 * H * W));
  for (const file of ['images', 'images.gz']) {
    const random = await loadDataset(spec({ trainImages: file, train: 7, subsetSeed: 42 }), { baseDir: dir });
    const chosen = Array.from(randomIndices(N, 7, 42));
    assert.ok(chosen.every((c, i) => i === 0 || c > chosen[i - 1]));
    assert.deepEqual(Array.from(random.train.x), chosen.flatMap((i) => pixels.slice(i * H * W, (i + 1) * H * W)));
    if (random.train.targets.kind === 'classes') assert.deepEqual(Array.from(random.train.targets.labels), chosen.map((i) => labels[i]));
  }
  const other = await loadDataset(spec({ train: 7, subsetSeed: 43 }), { baseDir: dir });
  const again = await loadDataset(spec({ train: 7, subsetSeed: 42 }), { baseDir: dir });
  assert.notDeepEqual(Array.from(other.train.x), Array.from(again.train.x));
  await rejectsAt(loadDataset(spec({ train: N + 1 }), { baseDir: dir }), { path: 'data.train', message: /24 training samples asked for, the data has 23/ });
  // The data line says which samples were kept, each split's own (until 2026-12 the first N were not
  // marked, and "(a random subset, seed 42)" came after the test split's count alone, or with no subset at all).
  const line = (over: Partial<IdxSpec>) => loadDataset(spec({ testImages: 'images', testLabels: 'labels', classes: 10, ...over }), { baseDir: dir }).then((d) => d.source.split(';').slice(0, 2).join(';'));
  assert.equal(await line({ train: 7 }), 'IDX images + labels: the first 7 training samples of 5 × 4; images + labels: 23 test samples');
  assert.equal(await line({ train: 7, test: 5, subsetSeed: 42 }), 'IDX images + labels: 7 training samples of 5 × 4 at random (seed 42); images + labels: 5 test samples at random (seed 42)');
  assert.equal(await line({ subsetSeed: 42 }), 'IDX images + labels: 23 training samples of 5 × 4; images + labels: 23 test samples');
  assert.equal(await line({ train: 7, test: 0 }), 'IDX images + labels: the first 7 training samples of 5 × 4; 10 classes, 3 of them in no training sample (2, 6 and 9)');
  // One sample: "the first training sample" (until 2026-12-02 "the first 1 training sample").
  assert.equal(await line({ train: 1, test: 1 }), 'IDX images + labels: the first training sample of 5 × 4; images + labels: the first test sample');
});

test('the class count is the largest label + 1, or "classes"; a label beyond it is located at its byte', async () => {
  const d = await loadDataset(spec({ classes: 12 }), { baseDir: dir });
  assert.equal(d.train.targets.kind === 'classes' && d.train.targets.classCount, 12);
  const bad = labels.map((l, i) => (i === 17 ? 11 : l % 10));
  write(dir, 'labels-11', idxBytes('u8', [N], bad));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-11', classes: 10 }), { baseDir: dir }), { path: 'data.trainLabels', message: /^labels-11, byte 25: label 11 is beyond the 10 classes \(labels 0 to 9\)/, offset: 8 + 17 });
  write(dir, 'labels-neg', idxBytes('i8', [N], labels.map((l, i) => (i === 3 ? -1 : l))));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-neg' }), { baseDir: dir }), { path: 'data.trainLabels', message: /label -1 is not a class index/, offset: 11 });
  write(dir, 'labels-frac', idxBytes('f32', [N], labels.map((l, i) => (i === 5 ? 2.5 : l))));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-frac' }), { baseDir: dir }), { path: 'data.trainLabels', message: /label 2.5 is not a class index/, offset: 8 + 5 * 4 });
});

test('a test label that no training sample has is refused at its byte; "classes" allows it (a small training subset may lack a class)', async () => {
  write(dir, 'labels-01', idxBytes('u8', [N], labels.map((_, i) => i % 2)));
  write(dir, 'labels-012', idxBytes('u8', [N], labels.map((_, i) => (i === 4 ? 2 : i % 2))));
  const o = { baseDir: dir };
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-01', testImages: 'images', testLabels: 'labels-012' }), o), {
    path: 'data.testLabels',
    message: exactly('labels-012, byte 12: test label 2 never occurs in the training set (labels 0 and 1): a class the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack it'),
    offset: 8 + 4,
  });
  const d = await loadDataset(spec({ trainLabels: 'labels-01', testImages: 'images', testLabels: 'labels-012', classes: 3 }), o);
  assert.equal(d.test?.targets.kind === 'classes' && d.test.targets.classCount, 3);
});

test('inferred classes of which most never occur (one corrupt label byte) are refused at that label; "classes" allows them', async () => {
  const digits = Array.from({ length: N }, (_, i) => i % 10);
  write(dir, 'labels-200', idxBytes('u8', [N], digits.map((l, i) => (i === 13 ? 200 : l))));
  const present = [...new Set(digits.filter((_, i) => i !== 13))].sort((a, b) => a - b);
  assert.deepEqual(present, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the fixture has every digit');
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-200' }), { baseDir: dir }), {
    path: 'data.trainLabels',
    message: /^labels-200, byte 21: label 200 would make 201 classes, and 190 of them never occur \(the labels are 0–9 and 200\): set "classes" if that is meant, or "task": "regression"/,
    offset: 8 + 13,
  });
  const meant = await loadDataset(spec({ trainLabels: 'labels-200', classes: 201 }), { baseDir: dir });
  assert.equal(meant.train.targets.kind === 'classes' && meant.train.targets.classCount, 201);
  // A few missing classes (1-based labels, or every other class) are not that signature.
  write(dir, 'labels-1based', idxBytes('u8', [N], digits.map((l) => l + 1)));
  const oneBased = await loadDataset(spec({ trainLabels: 'labels-1based' }), { baseDir: dir });
  assert.equal(oneBased.train.targets.kind === 'classes' && oneBased.train.targets.classCount, 11);
  write(dir, 'labels-even', idxBytes('u8', [N], digits.map((l) => 2 * l)));
  const even = await loadDataset(spec({ trainLabels: 'labels-even' }), { baseDir: dir });
  assert.equal(even.train.targets.kind === 'classes' && even.train.targets.classCount, 19);
});

test('bad IDX files: each a located message', async () => {
  const o = { baseDir: dir };
  write(dir, 'not-idx', 'hello, world');
  await rejectsAt(loadDataset(spec({ trainImages: 'not-idx' }), o), { path: 'data.trainImages', message: /^not-idx, byte 0: expected an IDX file, whose first two bytes are 00 00, found 68 65 \(this looks like text/, offset: 0 });
  write(dir, 'batch.tar.gz', new Uint8Array(1024).map((_, i) => (i < 8 ? 0x61 : i >= 257 && i < 262 ? Buffer.from('ustar')[i - 257] : 0)), true);
  await rejectsAt(loadDataset(spec({ trainImages: 'batch.tar.gz' }), o), { path: 'data.trainImages', message: exactly('batch.tar.gz, byte 0 (decompressed): expected an IDX file, whose first two bytes are 00 00, found 61 61 (this is a tar archive: unpack it, e.g. with tar xf, and name the files inside)'), offset: 0 });
  // The place once, in the prefix (it was also "(byte 3)" at the end).
  write(dir, 'rank0', new Uint8Array([0, 0, 8, 0]));
  await rejectsAt(loadDataset(spec({ trainImages: 'rank0' }), o), { path: 'data.trainImages', message: exactly('rank0, byte 3: an IDX file with 0 dimensions holds no samples: expected 1 or more'), offset: 3 });
  const wrongType = idxBytes('u8', [N, H, W], pixels);
  wrongType[2] = 0x0a;
  write(dir, 'wrong-type', wrongType);
  await rejectsAt(loadDataset(spec({ trainImages: 'wrong-type' }), o), { path: 'data.trainImages', message: /unknown IDX element type 0A/, offset: 2 });
  const full = idxBytes('u8', [N, H, W], pixels);
  write(dir, 'truncated', full.subarray(0, full.length - 7));
  await rejectsAt(loadDataset(spec({ trainImages: 'truncated' }), o), { path: 'data.trainImages', message: /the header declares 23 × 5 × 4 unsigned bytes = 460 bytes after the 16-byte header, the file has 453 bytes of data: truncated/, offset: full.length - 7 });
  write(dir, 'truncated.gz', full.subarray(0, full.length - 7), true);
  await rejectsAt(loadDataset(spec({ trainImages: 'truncated.gz' }), o), { path: 'data.trainImages', message: /^truncated.gz, byte 469 \(decompressed\): the data ends in record 22 .*the data holds 22: truncated/, offset: 469 });
  write(dir, 'long', Buffer.concat([full, Buffer.from([1, 2, 3])]));
  await rejectsAt(loadDataset(spec({ trainImages: 'long' }), o), { path: 'data.trainImages', message: /the file has 3 bytes more: the header's dimensions do not match the data/, offset: full.length });
  write(dir, 'long.gz', Buffer.concat([full, Buffer.from([1, 2, 3])]), true);
  await rejectsAt(loadDataset(spec({ trainImages: 'long.gz' }), o), { path: 'data.trainImages', message: /more data follows/ });
  // The header's size grouped (until 2026-12 "the 1024-byte header").
  const rank255 = idxBytes('u8', new Array(255).fill(1), [7]);
  write(dir, 'rank255', rank255.subarray(0, rank255.length - 1));
  await rejectsAt(loadDataset(spec({ trainImages: 'rank255' }), o), { path: 'data.trainImages', message: /after the 1,024-byte header, the file has 0 bytes of data: truncated$/, offset: 1024 });
  write(dir, 'header-only', full.subarray(0, 10));
  await rejectsAt(loadDataset(spec({ trainImages: 'header-only' }), o), { path: 'data.trainImages', message: /in the middle of the 3 dimension sizes of the IDX header .*truncated/, offset: 10 });
  write(dir, 'labels-22', idxBytes('u8', [N - 1], labels.slice(1)));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-22' }), o), { path: 'data.trainLabels', message: /22 labels for 23 images \(images\)/ });
  write(dir, 'labels-2d', idxBytes('u8', [N, 2], [...labels, ...labels]));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-2d' }), o), { path: 'data.trainLabels', message: /class labels are one number per sample, found 2 per sample/ });
  const nan = randomNormals(9, N * 3);
  nan[3 * 4 + 2] = NaN;
  write(dir, 'x-nan', idxBytes('f32', [N, 3], nan));
  await rejectsAt(loadDataset(spec({ trainImages: 'x-nan' }), o), { path: 'data.trainImages', message: exactly(`x-nan, byte ${12 + (3 * 4 + 2) * 4}: input of sample 4 (element 2): expected a finite number, found NaN`), offset: 12 + (3 * 4 + 2) * 4 });
  // A float64 beyond float32's range is quoted as the file holds it, not as the ±Infinity it rounds to.
  write(dir, 'x-huge', idxBytes('f64', [N, 3], nan.map((v, i) => (i === 3 * 4 + 2 ? -1e300 : i === 20 ? 1e300 : v))));
  await rejectsAt(loadDataset(spec({ trainImages: 'x-huge', train: 5 }), o), { path: 'data.trainImages', message: exactly(`x-huge, byte ${12 + (3 * 4 + 2) * 8}: input of sample 4 (element 2): expected a finite number, found -1e300 (beyond the float32 range, ±3.4e38)`), offset: 12 + (3 * 4 + 2) * 8 });
  write(dir, 'labels-huge', idxBytes('f64', [N], labels.map((l, i) => (i === 9 ? 1e39 : l))));
  await rejectsAt(loadDataset(spec({ trainLabels: 'labels-huge', task: 'regression' }), o), { path: 'data.trainLabels', message: exactly('labels-huge, byte 80: target of sample 9: expected a finite number, found 1e39 (beyond the float32 range, ±3.4e38)'), offset: 8 + 9 * 8 });
  const corrupt = Buffer.from(idxBytes('u8', [N, H, W], pixels));
  const gz = gzipSync(corrupt);
  gz.fill(0x55, 20, 40);
  write(dir, 'corrupt.gz', gz);
  // Bytes changed inside the deflate data that still decompress: the CRC-32 says so (the trailer located, the data's end).
  await rejectsAt(loadDataset(spec({ trainImages: 'corrupt.gz' }), o), { path: 'data.trainImages', message: /^corrupt.gz, byte \d+ \(decompressed\): not a valid gzip file: the CRC-32 in the trailer of its gzip member \(bytes \d+–\d+ of \d+\) is 0x[0-9a-f]{8}, where the \d+ bytes it decompresses to have 0x[0-9a-f]{8} \(zlib: incorrect data check\) — the data decompressed to its end, but it or the trailer is damaged/ });
  // Deflate data that does not decompress: as before.
  gz.fill(0xff, 10, 40);
  write(dir, 'corrupt.gz', gz);
  await rejectsAt(loadDataset(spec({ trainImages: 'corrupt.gz' }), o), { path: 'data.trainImages', message: /^corrupt.gz, byte \d+ \(decompressed\): not a valid gzip file: the compressed data is damaged \(zlib: (?!incorrect)/ });
  // A damaged trailer (CRC-32 or length), after every sample decompressed: located at the trailer and the
  // data's end (it was "byte 0 (decompressed): … the compressed data is damaged").
  for (const [field, at, bytesSaid] of [['CRC-32', 8, [0, 3]], ['data length', 4, [4, 7]]] as const) {
    const bad = Buffer.from(gzipSync(corrupt));
    const trailer = bad.length - 8;
    const stored = (bad.readUInt32LE(trailer + (field === 'CRC-32' ? 0 : 4)) ^ 0x10) >>> 0;
    bad.writeUInt32LE(stored, bad.length - at);
    write(dir, 'trailer.gz', bad);
    const found = field === 'CRC-32' ? `0x${stored.toString(16).padStart(8, '0')}, where the ${corrupt.length} bytes it decompresses to have 0x${((stored ^ 0x10) >>> 0).toString(16).padStart(8, '0')}` : `${stored}, where it decompresses to ${corrupt.length} bytes`;
    await rejectsAt(loadDataset(spec({ trainImages: 'trailer.gz' }), o), {
      path: 'data.trainImages',
      message: exactly(`trailer.gz, byte ${corrupt.length} (decompressed): not a valid gzip file: the ${field} in the trailer of its gzip member (bytes ${trailer + bytesSaid[0]}–${trailer + bytesSaid[1]} of ${bad.length}) is ${found} (zlib: incorrect ${field === 'CRC-32' ? 'data' : 'length'} check) — the data decompressed to its end, but it or the trailer is damaged (the check cannot tell where)`),
      offset: corrupt.length,
    });
  }
  // In a second member: named so, located at the end of both members' data.
  const two = Buffer.concat([gzipSync(corrupt.subarray(0, 40)), gzipSync(corrupt.subarray(40))]);
  two.writeUInt32LE((two.readUInt32LE(two.length - 8) ^ 1) >>> 0, two.length - 8);
  write(dir, 'trailer.gz', two);
  await rejectsAt(loadDataset(spec({ trainImages: 'trailer.gz' }), o), { path: 'data.trainImages', message: new RegExp(`^trailer.gz, byte ${corrupt.length} \\(decompressed\\): not a valid gzip file: the CRC-32 in the trailer of its gzip member 2 \\(bytes ${two.length - 8}–${two.length - 5} of ${two.length}\\)`), offset: corrupt.length });
  // A gzip file cut short while its samples are read: located where its decompressed data stops (it was byte 0 in a skip).
  const long = gzipSync(idxBytes('u8', [N, H, W], pixels), { level: 0 });
  const cut = long.subarray(0, long.length - 200);
  write(dir, 'cut.gz', cut);
  const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).length;
  for (const subset of [{}, { train: 3, subsetSeed: 5 }]) {
    await rejectsAt(loadDataset(spec({ trainImages: 'cut.gz', ...subset }), o), { path: 'data.trainImages', message: exactly(`cut.gz, byte ${decodable} (decompressed): the gzip stream is truncated: the file ends after ${cut.length} bytes, before the end of its compressed data`), offset: decodable });
  }
  // Bytes after whole gzip members that are no member: located where the data ends (it said byte 0, "incorrect header check").
  const whole = Buffer.from(idxBytes('u8', [N, H, W], pixels));
  const members = Buffer.concat([gzipSync(whole.subarray(0, 50)), gzipSync(whole.subarray(50))]);
  write(dir, 'trailing.gz', Buffer.concat([members, Buffer.from('garbage')]));
  await rejectsAt(loadDataset(spec({ trainImages: 'trailing.gz' }), o), { path: 'data.trainImages', message: exactly(`trailing.gz, byte ${whole.length} (decompressed): 7 bytes follow the end of the gzip data (at byte ${members.length} of the file) and are not another gzip member: trailing bytes`), offset: whole.length });
  // Too few bytes after the members for zlib to check a header: trailing bytes all the same (one byte
  // was called a truncated file); the start of another member cut short is a truncation.
  // So are bytes that begin as a member but cannot be one: compression method 8 (deflate) is the only one.
  for (const tail of [[0x41], [0x1f, 0x41], [0x41, 0x8b, 0x08], [0x1f, 0x8b, 0x41], [0x1f, 0x8b, 0x09], [0x1f, 0x8b, 0x41, 0x00, 0x00]]) {
    write(dir, 'short-tail.gz', Buffer.concat([members, Buffer.from(tail)]));
    const subject = tail.length === 1 ? '1 byte follows' : `${tail.length} bytes follow`;
    const verb = tail.length === 1 ? 'is' : 'are';
    await rejectsAt(loadDataset(spec({ trainImages: 'short-tail.gz' }), o), { path: 'data.trainImages', message: exactly(`short-tail.gz, byte ${whole.length} (decompressed): ${subject} the end of the gzip data (at byte ${members.length} of the file) and ${verb} not another gzip member: trailing bytes`), offset: whole.length });
  }
  for (const tail of [[0x1f], [0x1f, 0x8b], [0x1f, 0x8b, 0x08], [0x1f, 0x8b, 0x08, 0x00]]) {
    write(dir, 'cut-member.gz', Buffer.concat([members, Buffer.from(tail)]));
    await rejectsAt(loadDataset(spec({ trainImages: 'cut-member.gz' }), o), { path: 'data.trainImages', message: /^cut-member.gz, byte \d+ \(decompressed\): the gzip stream is truncated/ });
  }
  write(dir, 'two-members.gz', members);
  assert.equal((await loadDataset(spec({ trainImages: 'two-members.gz' }), o)).train.count, N, 'two whole members read as one file');
  write(dir, 'images-3x3', idxBytes('u8', [N, 3, 3], pixels.slice(0, N * 9)));
  await rejectsAt(loadDataset(spec({ testImages: 'images-3x3', testLabels: 'labels' }), o), { path: 'data.testImages', message: /test samples have shape \[3, 3\], training samples \[5, 4\]/ });
  await rejectsAt(loadDataset(spec({ trainImages: 'missing' }), o), { path: 'data.trainImages', message: /^missing: file not found \(resolved to .*missing\)/ });
});

test('counts of one are singular in the source line and the messages', async () => {
  const o = { baseDir: dir };
  write(dir, 'one-image', idxBytes('u8', [1, 2], [3, 4]));
  write(dir, 'one-label', idxBytes('u8', [1], [0]));
  const d = await loadDataset(spec({ trainImages: 'one-image', trainLabels: 'one-label', testImages: 'one-image', testLabels: 'one-label', classes: 2 }), o);
  assert.equal(d.source, 'IDX one-image + one-label: 1 training sample of 2 features; one-image + one-label: 1 test sample; 2 classes, 1 of them in no training sample (1); normalize none');
  write(dir, 'two-labels', idxBytes('u8', [2], [0, 1]));
  await rejectsAt(loadDataset(spec({ trainImages: 'one-image', trainLabels: 'two-labels' }), o), { path: 'data.trainLabels', message: exactly('two-labels, byte 4: 2 labels for 1 image (one-image): the two files must hold the same samples') });
  await rejectsAt(loadDataset(spec({ trainImages: 'two-labels', trainLabels: 'one-label' }), o), { path: 'data.trainLabels', message: exactly('one-label, byte 4: 1 label for 2 images (two-labels): the two files must hold the same samples') });
  write(dir, 'rank1-cut', idxBytes('u8', [1], [0]).subarray(0, 6));
  await rejectsAt(loadDataset(spec({ trainImages: 'rank1-cut' }), o), { path: 'data.trainImages', message: exactly('rank1-cut, byte 6: the file ends after 6 bytes, in the middle of the 1 dimension size of the IDX header (bytes 4–7 expected): truncated') });
  write(dir, 'one-cut.gz', idxBytes('u8', [1, 2], [3, 4]).subarray(0, 13), true);
  await rejectsAt(loadDataset(spec({ trainImages: 'one-cut.gz', trainLabels: 'one-label' }), o), {
    path: 'data.trainImages',
    message: exactly('one-cut.gz, byte 13 (decompressed): the data ends in record 0 (sample of 2 unsigned bytes, 2 bytes each from byte 12): the header declares 1 record, the data holds 0: truncated'),
  });
});
