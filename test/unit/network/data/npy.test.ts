import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NpySpec } from '../../../../src/core/network/data/dataSpec';
import { float16 } from '../../../../src/core/network/data/elements';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { parseNpyHeader } from '../../../../src/core/network/data/npy';
import { exactly, npyBytes, randomInts, randomNormals, rejectsAt, tempDir, write } from './fixtures';

const dir = tempDir();
const o = { baseDir: dir };
const spec = (over: Partial<NpySpec>): NpySpec => ({ format: 'npy', trainX: 'x.npy', trainY: 'y.npy', ...over });
const N = 9;

test('a file NumPy wrote (np.save of np.arange(6, dtype="<f4").reshape(2, 3), NumPy 2.4.6) reads back', async () => {
  const saved = '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040000080400000a040';
  write(dir, 'numpy.npy', Buffer.from(saved, 'hex'));
  write(dir, 'numpy-y.npy', npyBytes('<i8', [2], [1, 0]));
  assert.equal(Buffer.from(npyBytes('<f4', [2, 3], [0, 1, 2, 3, 4, 5])).toString('hex'), saved, 'the tests write .npy files byte for byte as NumPy does');
  const d = await loadDataset(spec({ trainX: 'numpy.npy', trainY: 'numpy-y.npy' }), o);
  assert.deepEqual(Array.from(d.train.x), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(d.train.sampleShape, [3]);
  assert.ok(d.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), [1, 0]);
});

test('dtypes <f4 <f8 >f8 <f2 |u1 |i1 <i2 <u2 <i4 <i8 <u8 |b1, versions 1.0 and 2.0, read value for value', async () => {
  const labels = randomInts(1, N, 3);
  write(dir, 'y.npy', npyBytes('<i8', [N], labels));
  const cases: Array<[string, number[], number[]]> = [
    ['<f4', randomNormals(2, N * 4).map(Math.fround), []],
    ['<f8', randomNormals(3, N * 4, 1e-5), []],
    ['>f8', randomNormals(4, N * 4, 1e5), []],
    ['|u1', randomInts(5, N * 4, 256), []],
    ['|i1', randomInts(6, N * 4, 256).map((v) => v - 128), []],
    ['<i2', randomInts(7, N * 4, 65536).map((v) => v - 32768), []],
    ['<u2', randomInts(8, N * 4, 65536), []],
    ['<i4', randomInts(9, N * 4, 2 ** 31).map((v) => 2 ** 30 - v), []],
    ['<i8', randomInts(10, N * 4, 2 ** 31).map((v) => v * 4096 - 2 ** 40), []],
    ['<u8', randomInts(11, N * 4, 2 ** 31).map((v) => v * 1024), []],
    ['|b1', randomInts(12, N * 4, 2), []],
  ];
  for (const [descr, values] of cases) {
    for (const version of [1, 2] as const) {
      write(dir, 'x.npy', npyBytes(descr, [N, 2, 2], values, { version }));
      const d = await loadDataset(spec({}), o);
      assert.deepEqual(d.train.sampleShape, [2, 2]);
      assert.deepEqual(Array.from(d.train.x), values.map(Math.fround), `${descr} version ${version}`);
    }
  }
  // Half precision: the bits of 1, −2, 0.5, 65504 (the largest), 2⁻²⁴ (the smallest subnormal), 0.
  const halves = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0000];
  assert.deepEqual(halves.map(float16), [1, -2, 0.5, 65504, 2 ** -24, 0]);
  write(dir, 'x.npy', npyBytes('<f2', [6], halves));
  write(dir, 'y6.npy', npyBytes('<i8', [6], [0, 1, 0, 1, 0, 1]));
  const h = await loadDataset(spec({ trainY: 'y6.npy' }), o);
  assert.deepEqual(Array.from(h.train.x), [1, -2, 0.5, 65504, Math.fround(2 ** -24), 0]);
  assert.deepEqual(h.train.sampleShape, [1]);
});

test('the task follows the targets\' dtype: integers are classes, floats regression (N or N × k); "task" and "classes" override', async () => {
  const x = randomNormals(13, N * 3);
  write(dir, 'x.npy', npyBytes('<f8', [N, 3], x));
  const y = randomNormals(14, N * 2);
  write(dir, 'yr.npy', npyBytes('<f4', [N, 2], y));
  const r = await loadDataset(spec({ trainY: 'yr.npy' }), o);
  assert.ok(r.train.targets.kind === 'regression');
  assert.equal(r.train.targets.outputs, 2);
  assert.deepEqual(Array.from(r.train.targets.values), y.map(Math.fround));
  write(dir, 'yi.npy', npyBytes('|u1', [N], randomInts(15, N, 5)));
  const asRegression = await loadDataset(spec({ trainY: 'yi.npy', task: 'regression' }), o);
  assert.equal(asRegression.train.targets.kind, 'regression');
  write(dir, 'yf.npy', npyBytes('<f8', [N], [0, 1, 2, 1, 0, 2, 2, 1, 0]));
  const asClasses = await loadDataset(spec({ trainY: 'yf.npy', task: 'classes' }), o);
  assert.ok(asClasses.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(asClasses.train.targets.labels), [0, 1, 2, 1, 0, 2, 2, 1, 0]);
  // "classes" says the targets are labels: float targets with it are classes, not regression with "classes" ignored.
  const counted = await loadDataset(spec({ trainY: 'yf.npy', classes: 4 }), o);
  assert.ok(counted.train.targets.kind === 'classes');
  assert.equal(counted.train.targets.classCount, 4);
  assert.deepEqual(Array.from(counted.train.targets.labels), [0, 1, 2, 1, 0, 2, 2, 1, 0]);
  await assert.rejects(loadDataset(spec({ trainY: 'yr.npy', classes: 4 }), o), /class labels are one number per sample, found shape/);
  assert.doesNotMatch(r.source, /one-hot/);
  // Float one-hot rows: regression by the dtype, as documented — the data line says so, and how to train classes.
  const hot = [0, 1, 2, 1, 0, 2, 2, 1, 0].flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
  write(dir, 'yh.npy', npyBytes('<f8', [N, 3], hot));
  const oneHot = await loadDataset(spec({ trainY: 'yh.npy' }), o);
  assert.equal(oneHot.train.targets.kind, 'regression');
  assert.match(oneHot.source, /; regression, 3 outputs \(note: every target row is one-hot, one 1 among 0s: trained as a regression under the squared loss, no accuracy — for 3 classes give each sample's class index, y.argmax\(axis=1\) as integers, or set "task": "regression" to say the rows are meant\); normalize none$/);
  assert.doesNotMatch((await loadDataset(spec({ trainY: 'yh.npy', task: 'regression' }), o)).source, /one-hot/);
  // Inline rows alike; a row that is not one-hot (two 1s) leaves the line as it was.
  assert.match((await loadDataset({ train: { x: [[1], [2]], y: [[1, 0], [0, 1]] } }, o)).source, /regression, 2 outputs \(note: every target row is one-hot/);
  assert.doesNotMatch((await loadDataset({ train: { x: [[1], [2]], y: [[1, 1], [0, 1]] } }, o)).source, /one-hot/);
  // Test files, and subsets of them.
  const t = await loadDataset(spec({ trainY: 'yf.npy', task: 'classes', testX: 'x.npy', testY: 'yf.npy', test: 4, subsetSeed: 1 }), o);
  assert.equal(t.test!.count, 4);
});

test('float targets of one value per sample, every one a whole number ≥ 0 and each on several samples (labels stored as floats): regression as the dtype says, with a note naming "task": "classes"', async () => {
  // float32 [[3.], [7.], …] trained a regression of one output without a word until 2026-12-03.
  write(dir, 'x.npy', npyBytes('<f8', [N, 3], randomNormals(21, N * 3)));
  const labels = [3, 7, 3, 0, 7, 3, 0, 0, 7];
  const note = /; regression, 1 output \(note: every target is a whole number ≥ 0 in a floating-point array, 3 values \(0, 3 and 7\) each on several samples — class labels\? Trained as a regression under the squared loss, no accuracy: for classes set "task": "classes" \(or save them as integers, y\.astype\(int\)\); "task": "regression" says the values are meant\); normalize none$/;
  for (const [descr, shape] of [['<f4', [N, 1]], ['<f8', [N]], ['<f2', [N, 1]]] as const) {
    // float16 given as its bits: 0, 3 and 7 are 0x0000, 0x4200 and 0x4700.
    const half: Record<number, number> = { 0: 0x0000, 3: 0x4200, 7: 0x4700 };
    write(dir, 'yw.npy', npyBytes(descr, [...shape], descr === '<f2' ? labels.map((v) => half[v]) : labels));
    const d = await loadDataset(spec({ trainY: 'yw.npy' }), o);
    assert.equal(d.train.targets.kind, 'regression');
    assert.match(d.source, note, `${descr} ${shape}`);
    // "task": "classes" reads them as the classes 0, 3 and 7 (8 outputs); "task": "regression" says nothing.
    const classes = await loadDataset(spec({ trainY: 'yw.npy', task: 'classes' }), o);
    assert.ok(classes.train.targets.kind === 'classes');
    assert.deepEqual(Array.from(classes.train.targets.labels), labels);
    assert.doesNotMatch((await loadDataset(spec({ trainY: 'yw.npy', task: 'regression' }), o)).source, /note/);
  }
  // Not for fractions, negatives, values that do not repeat (a count per sample), or one value.
  for (const values of [[3, 7, 3, 0, 7, 3, 0, 0, 7.5], [3, 7, 3, 0, 7, 3, 0, 0, -7], [0, 1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 2, 2, 2, 2, 2, 2]]) {
    write(dir, 'yw.npy', npyBytes('<f4', [N, 1], values));
    assert.doesNotMatch((await loadDataset(spec({ trainY: 'yw.npy' }), o)).source, /note/, values.join(','));
  }
  // Inline rows of one alike.
  const inline = await loadDataset({ train: { x: [[1], [2], [3], [4]], y: [[3], [7], [3], [7]] } }, o);
  assert.match(inline.source, /; regression, 1 output \(note: every target is a whole number ≥ 0, in rows of one, 2 values \(3 and 7\) each on several samples — class labels\? Trained as a regression under the squared loss, no accuracy: for classes set "task": "classes" \(or give y as a flat list\); "task": "regression" says the values are meant\)/);
  const asClasses = await loadDataset({ train: { x: [[1], [2], [3], [4]], y: [[3], [7], [3], [7]] }, task: 'classes' }, o);
  assert.ok(asClasses.train.targets.kind === 'classes');
  assert.doesNotMatch((await loadDataset({ train: { x: [[1], [2], [3], [4]], y: [[0.5], [7], [3], [7]] } }, o)).source, /note/);
});

test('a header whose descr is NumPy\'s name of the type (float32, uint8, bool), as np.load takes it, reads as its code', async () => {
  // Refused until 2026-12: "dtype 'float32' is not a plain number type".
  for (const [name, code] of [['float32', '<f4'], ['float64', '<f8'], ['uint8', '|u1'], ['int64', '<i8'], ['bool', '|b1']] as const) {
    const values = [1, 0, 1, 1];
    write(dir, 'x.npy', npyBytes('<f4', [4, 1], [0.5, 1.5, 2.5, 3.5]));
    write(dir, 'y.npy', npyBytes(code, [4], values, { header: `{'descr': '${name}', 'fortran_order': False, 'shape': (4,), }` }));
    const d = await loadDataset(spec({ task: code === '<f4' || code === '<f8' ? 'regression' : 'classes' }), o);
    assert.equal(d.train.count, 4, name);
    const t = d.train.targets;
    assert.deepEqual(Array.from(t.kind === 'classes' ? t.labels : t.values), values, name);
  }
});

test('gzip-compressed .npy files read as the plain ones', async () => {
  const x = randomNormals(16, N * 5);
  write(dir, 'x.npy.gz', npyBytes('<f4', [N, 5], x), true);
  write(dir, 'y.npy.gz', npyBytes('<i4', [N], randomInts(17, N, 3)), true);
  const d = await loadDataset(spec({ trainX: 'x.npy.gz', trainY: 'y.npy.gz' }), o);
  assert.deepEqual(Array.from(d.train.x), x.map(Math.fround));
});

test('header dicts in the forms NumPy has written them', () => {
  assert.deepEqual(parseNpyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"), { descr: '<f8', fortranOrder: false, shape: [3], at: { descr: 1, fortran_order: 17, shape: 41 } });
  assert.deepEqual(parseNpyHeader("{'descr': '|u1', 'fortran_order': True, 'shape': (60000L, 28L, 28L)}   \n"), { descr: '|u1', fortranOrder: true, shape: [60000, 28, 28], at: { descr: 1, fortran_order: 17, shape: 40 } });
  assert.deepEqual(parseNpyHeader('{"shape": (), "descr": "<i4", "fortran_order": False}').shape, []);
  assert.throws(() => parseNpyHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }"), /structured arrays/);
  // A list as the shape is no structured array (it said so): numpy reads a shape only as a tuple.
  assert.throws(() => parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': [20, 3], }"), /'shape' is a list: numpy writes a shape as a tuple, \(20, 3\), and reads no other/);
  // The file's own shape, as the tuple numpy would write (it said (20, 3) whatever the list held).
  for (const [list, tuple] of [['[4, 15]', '(4, 15)'], ['[60]', '(60,)'], ['[]', '()'], ['[ 7 ,2,1 ]', '(7, 2, 1)']]) {
    assert.throws(() => parseNpyHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': ${list}, }`), { message: `'shape' is a list: numpy writes a shape as a tuple, ${tuple}, and reads no other` });
  }
  assert.throws(() => parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ['a'], }"), { message: "'shape' is a list: numpy writes a shape as a tuple, and reads no other" });
  // (60) is the number 60 in Python, no tuple: numpy refuses it. (60,), () and (20, 3,) are tuples.
  assert.throws(() => parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (60), }"), { message: "'shape' is (60), a number in parentheses, not a tuple: numpy refuses it (a shape of one dimension is written (60,))" });
  assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (60,), }").shape, [60]);
  assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ( 60 , ), }").shape, [60]);
  assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (20, 3,), }").shape, [20, 3]);
  assert.deepEqual(parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }").shape, []);
  assert.throws(() => parseNpyHeader("{'descr': '<f4', 'shape': (3,), }"), /missing 'fortran_order'/);
  // An unknown key is said as one whatever its value (a number read "unexpected value for 'x'" until 2026-12).
  for (const v of ['1', "'a'", 'None', '(1,)']) {
    assert.throws(() => parseNpyHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': ${v}}`), { message: "unknown key 'x': a .npy header holds 'descr', 'fortran_order' and 'shape' only" });
  }
  assert.throws(() => parseNpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }"), /expected a whole number in the shape/);
  assert.throws(() => parseNpyHeader("{'descr': '<f4'"), /expected ',' or '}'/);
});

test('bad .npy files: each a located message', async () => {
  write(dir, 'y.npy', npyBytes('<i8', [N], randomInts(1, N, 3)));
  const good = npyBytes('<f4', [N, 2], randomNormals(18, N * 2));
  const dataStart = 128;
  const at = async (bytes: Uint8Array | string, expected: Parameters<typeof rejectsAt>[1]) => {
    write(dir, 'bad.npy', bytes);
    await rejectsAt(loadDataset(spec({ trainX: 'bad.npy' }), o), expected);
  };
  await at('not numpy at all', { path: 'data.trainX', message: /^bad.npy, byte 0: expected a NumPy .npy file, which starts with the magic bytes 93 4E 55 4D 50 59/, offset: 0 });
  // What the file is instead, in the IDX reader's words, its bytes in capitals as the magic's are (a CSV
  // saved as .npy said "found 31 2c 32 2c 33 0a" and nothing more).
  await at('1,2,3\n4,5,6\n', { path: 'data.trainX', message: /found 31 2C 32 2C 33 0A \(this looks like text: use "format": "csv" for a CSV file\)$/ });
  await at(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), { path: 'data.trainX', message: /found 89 50 4E 47 0D 0A \(this is a PNG image\)$/ });
  await at('', { path: 'data.trainX', message: /found an empty file$/ });
  await at(good.subarray(0, good.length - 3), { path: 'data.trainX', message: /the header declares shape \(9, 2\) of little-endian float32 \('<f4'\) = 72 bytes from byte 128, the file has 69 bytes: truncated/, offset: good.length - 3 });
  await at(Buffer.concat([good, Buffer.alloc(8)]), { path: 'data.trainX', message: /the file has 8 bytes more after the data/, offset: good.length });
  await at(good.subarray(0, 60), { path: 'data.trainX', message: /in the middle of the 118-byte .npy header .*truncated/, offset: 60 });
  // Sizes and offsets of a long header grouped (until 2026-12 "the 2100-byte .npy header (bytes 12–2111 expected)").
  const long = npyBytes('<f4', [N, 2], randomNormals(19, N * 2), { version: 2, header: `{'descr': '<f4', 'fortran_order': False, 'shape': (9, 2), }${' '.repeat(1980)}` });
  await at(long.subarray(0, 500), { path: 'data.trainX', message: /the file ends after 500 bytes, in the middle of the 2,100-byte .npy header \(bytes 12–2,111 expected\): truncated$/, offset: 500 });
  await at(npyBytes('<f4', [N], [], { header: "{'descr': '<i1024', 'fortran_order': False, 'shape': (9,), }" }), { path: 'data.trainX', message: /dtype '<i1024' has 1,024-byte elements:/ });
  await at(npyBytes('<f4', [2, N], randomNormals(19, N * 2), { fortran: true }), { path: 'data.trainX', message: /Fortran \(column-major\) order, which this reader does not take: .*np.ascontiguousarray/, offset: 10 + "{'descr': '<f4', ".length });
  await at(npyBytes('<c8', [N], new Array(N * 8).fill(0)), { path: 'data.trainX', message: /dtype '<c8' is not a plain number type/, offset: 11 });
  await at(npyBytes('|O', [N], [], { header: "{'descr': '|O', 'fortran_order': False, 'shape': (9,), }" }), { path: 'data.trainX', message: /holds Python objects \(pickled\), which this reader never loads/ });
  await at(npyBytes('<f4', [], [1], { header: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }" }), { path: 'data.trainX', message: /the array is a scalar/ });
  // A length beyond 2⁵³ quoted whole (until 2026-12 its first 24 digits: "shape size 999…9 is too large").
  await at(npyBytes('<f4', [N], [], { header: "{'descr': '<f4', 'fortran_order': False, 'shape': (20, 99999999999999999999999999999), }" }), { path: 'data.trainX', message: /the shape's length 99999999999999999999999999999 along one axis is beyond 2⁵³, the largest whole number read exactly: no file holds that many entries/ });
  await at(npyBytes('<f4', [N, 2], [], { header: "{'descr': '<f4', 'fortran_order': False, 'shape': (9, 2), 'extra': 'x', }" }), { path: 'data.trainX', message: /in the .npy header .*unknown key 'extra'/, offset: 10 + "{'descr': '<f4', 'fortran_order': False, 'shape': (9, 2), ".length });
  const big = Buffer.from(good);
  big[6] = 4;
  await at(big, { path: 'data.trainX', message: /.npy format version 4.0 is not one this reader knows/, offset: 6 });
  // Values that are not finite, or that float32 cannot hold, quoted as the file holds them (1e300 was
  // "input Infinity of sample 2", its value once rounded to float32), in the CSV reader's words.
  const values = randomNormals(20, N * 2);
  for (const [bad, found] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [1e300, '1e300 (beyond the float32 range, ±3.4e38)'], [-1e300, '-1e300 (beyond the float32 range, ±3.4e38)'], [3.5e38, '3.5e38 (beyond the float32 range, ±3.4e38)']] as const) {
    for (const descr of ['<f8', '>f8']) {
      await at(npyBytes(descr, [N, 2], values.map((v, i) => (i === 7 ? bad : v))), { path: 'data.trainX', message: exactly(`bad.npy, byte ${dataStart + 7 * 8}: input of sample 3 (element 1): expected a finite number, found ${found}`), offset: dataStart + 7 * 8 });
    }
  }
  await at(npyBytes('<f4', [N, 2], values.map((v, i) => (i === 4 ? -Infinity : v))), { path: 'data.trainX', message: exactly(`bad.npy, byte ${dataStart + 4 * 4}: input of sample 2 (element 0): expected a finite number, found -Infinity`), offset: dataStart + 4 * 4 });
  await at(npyBytes('<f2', [N, 2], values.map((_, i) => (i === 9 ? 0x7e00 : 0x3c00))), { path: 'data.trainX', message: exactly(`bad.npy, byte ${dataStart + 9 * 2}: input of sample 4 (element 1): expected a finite number, found NaN`), offset: dataStart + 9 * 2 });
  // A float64 within float32's range is taken (rounded).
  write(dir, 'max.npy', npyBytes('<f8', [N, 2], values.map((v, i) => (i === 7 ? 3.4e38 : v))));
  assert.equal((await loadDataset(spec({ trainX: 'max.npy' }), o)).train.x[7], Math.fround(3.4e38));
  // Targets too: a regression target of one value per sample, and of several.
  write(dir, 'x.npy', good);
  write(dir, 'y-huge.npy', npyBytes('<f8', [N], randomNormals(22, N).map((v, i) => (i === 6 ? -2e39 : v))));
  await rejectsAt(loadDataset(spec({ trainY: 'y-huge.npy' }), o), { path: 'data.trainY', message: exactly(`y-huge.npy, byte ${dataStart + 6 * 8}: target of sample 6: expected a finite number, found -2e39 (beyond the float32 range, ±3.4e38)`), offset: dataStart + 6 * 8 });
  write(dir, 'y-huge2.npy', npyBytes('<f8', [N, 3], randomNormals(22, N * 3).map((v, i) => (i === 14 ? 1e300 : v))));
  await rejectsAt(loadDataset(spec({ trainY: 'y-huge2.npy', test: 0 }), o), { path: 'data.trainY', message: exactly(`y-huge2.npy, byte ${dataStart + 14 * 8}: target of sample 4 (element 2): expected a finite number, found 1e300 (beyond the float32 range, ±3.4e38)`), offset: dataStart + 14 * 8 });
  write(dir, 'x.npy', good);
  write(dir, 'y-short.npy', npyBytes('<i8', [N - 1], randomInts(1, N - 1, 3)));
  await rejectsAt(loadDataset(spec({ trainY: 'y-short.npy' }), o), { path: 'data.trainY', message: /8 targets \(shape \(8,\)\) for 9 samples in x.npy/ });
  write(dir, 'y-2d.npy', npyBytes('<i8', [N, 2], randomInts(1, N * 2, 3)));
  // Integer rows where labels are meant: most likely one-hot, told to save the class index (argmax); 3-D alike, without the hint.
  await rejectsAt(loadDataset(spec({ trainY: 'y-2d.npy' }), o), { path: 'data.trainY', message: exactly(`y-2d.npy, byte ${dataStart}: class labels are one number per sample, found shape (9, 2): one-hot rows? Save each sample's class index instead (y.argmax(axis=1)); for regression targets set "task": "regression"`) });
  write(dir, 'y-3d.npy', npyBytes('<i8', [N, 2, 2], randomInts(1, N * 4, 3)));
  await rejectsAt(loadDataset(spec({ trainY: 'y-3d.npy' }), o), { path: 'data.trainY', message: /found shape \(9, 2, 2\) \(for regression targets set "task": "regression"\)$/ });
  write(dir, 'y-big.npy', npyBytes('<i8', [N], [0, 1, 2, 3, 4, 5, 6, 7, 2 ** 40]));
  await rejectsAt(loadDataset(spec({ trainY: 'y-big.npy' }), o), { path: 'data.trainY', message: /label 1,099,511,627,776 would make 1,099,511,627,777 classes, over the limit of 100,000/, offset: dataStart + 8 * 8 });
  // Beyond 2⁵³ a float64 rounds the label: quoted as the file stores it (JavaScript prints 2⁶⁰ as 1152921504606847000).
  write(dir, 'y-2e60.npy', npyBytes('<i8', [N], [0, 1, 2, 3, 4, 5, 6, 7, 2 ** 60]));
  await rejectsAt(loadDataset(spec({ trainY: 'y-2e60.npy' }), o), { path: 'data.trainY', message: /: label 1152921504606846976 would make more than 100,000 classes, the limit/, offset: dataStart + 8 * 8 });
  write(dir, 'y-neg.npy', npyBytes('<i8', [N], [0, 1, 2, -(2 ** 60), 4, 5, 6, 7, 8]));
  await rejectsAt(loadDataset(spec({ trainY: 'y-neg.npy' }), o), { path: 'data.trainY', message: /: label -1152921504606846976 is not a class index/, offset: dataStart + 3 * 8 });
});

test('the data line gives the shape of one sample as the .npy holds it', async () => {
  // Until 2026-12 "NumPy x.npy + y.npy: 4 training samples": no shape.
  write(dir, 'x-img.npy', npyBytes('<f4', [4, 2, 3], Array.from({ length: 24 }, (_, i) => i)));
  write(dir, 'y-img.npy', npyBytes('<i8', [4], [0, 1, 0, 1]));
  const line = async (over: Partial<NpySpec>) => (await loadDataset(spec({ trainX: 'x-img.npy', trainY: 'y-img.npy', ...over }), o)).source.split('; 2 classes')[0];
  assert.equal(await line({}), 'NumPy x-img.npy + y-img.npy: 4 training samples of 2 × 3');
  assert.equal(await line({ train: 3, testX: 'x-img.npy', testY: 'y-img.npy', test: 0 }), 'NumPy x-img.npy + y-img.npy: the first 3 training samples of 2 × 3');
  assert.equal(await line({ train: 2, testX: 'x-img.npy', testY: 'y-img.npy', test: 2, subsetSeed: 1 }), 'NumPy x-img.npy + y-img.npy: 2 training samples of 2 × 3 at random (seed 1); x-img.npy + y-img.npy: 2 test samples at random (seed 1)');
  write(dir, 'x-flat.npy', npyBytes('<f4', [4], [1, 2, 3, 4]));
  assert.equal(await line({ trainX: 'x-flat.npy' }), 'NumPy x-flat.npy + y-img.npy: 4 training samples of 1 feature');
});

test('counts of one are singular in the source line and the messages', async () => {
  write(dir, 'x1.npy', npyBytes('<f4', [1, 3], [1, 2, 3]));
  write(dir, 'y1.npy', npyBytes('<i8', [1], [0]));
  const d = await loadDataset(spec({ trainX: 'x1.npy', trainY: 'y1.npy', testX: 'x1.npy', testY: 'y1.npy', classes: 2 }), o);
  assert.equal(d.source, 'NumPy x1.npy + y1.npy: 1 training sample of 3 features; x1.npy + y1.npy: 1 test sample; 2 classes, 1 of them in no training sample (1); normalize none');
  write(dir, 'x2.npy', npyBytes('<f4', [2, 3], [1, 2, 3, 4, 5, 6]));
  await rejectsAt(loadDataset(spec({ trainX: 'x2.npy', trainY: 'y1.npy' }), o), { path: 'data.trainY', message: exactly('y1.npy, byte 128: 1 target (shape (1,)) for 2 samples in x2.npy (shape (2, 3)): the first sizes must agree') });
});
