/**
 * Kinds of fault in the messages of network experiments (and the checks they share with the linear
 * model's files and the CLI), each tested over several of its members: a count beside a noun that does
 * not agree ("1 weight matrices"), a count without thousands separators ("≤ 10000"), a value over a limit
 * rounded to read as the limit ("about 3e12 … over the limit of 3e12"), a bound of 0 that tells the user
 * nothing to write ("at most 0 test digits"), a value of another form or another library said as a bare
 * list of accepted values ("format": "mnist", "scheme": "he"), and a file name where inline data is
 * written. Each table was seen failing before its fix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Diagnostic } from '../../../src/core/experiment/diagnostic';
import { checkValue as checkHyperparameter } from '../../../src/core/experiment/hyperparameters';
import { EXPERIMENT_SCHEMA, kindSchema } from '../../../src/core/experiment/kind';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { checkValue } from '../../../src/core/experiment/schema';
import { Dataset } from '../../../src/core/network/dataset';
import { dataSpecProblems, MnistSpec } from '../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../src/core/network/data/loadDataset';
import { normaliseNetworkExperiment } from '../../../src/core/network/networkExperiment';
import { networkSpec, recordsInMemoryProblem, specProblems } from '../../../src/core/network/spec';
import { datasetProblems, Training } from '../../../src/core/network/train';
import { reportDiagnostics } from '../../../src/cli/experimentFile';
import { divergedNote } from '../../../src/cli/network/train';
import { rereadTooLarge } from '../../../src/cli/limits';
import { outputTooLarge } from '../../../src/cli/output';
import { trainingCsvHeader } from '../../../src/core/runs/trainingExport';

const CLI = resolve('dist/cli.js');

/** The messages of a network file's value against the format's schema (what the CLI and the editor say). */
function schemaMessages(file: Record<string, unknown>): string[] {
  const value = { model: { hidden: [8] }, data: { dataset: 'mnist', train: 100 }, ...file };
  return checkValue(value, kindSchema('network'), EXPERIMENT_SCHEMA, '').map((d) => `${d.path}: ${d.message}`);
}

/** A data set of `count` samples of `features` features and regression targets of `outputs` values. */
function regressionSet(count: number, features: number, outputs = 1): Dataset {
  return { count, features, sampleShape: [features], x: new Float32Array(count * features).fill(0.5), targets: { kind: 'regression', values: new Float32Array(count * outputs), outputs } };
}

/** The setup problems of training `spec` on `train` (and `test`), as `path: message`. */
function trainingProblems(spec: ReturnType<typeof networkSpec>, train: Dataset, test?: Dataset): string[] {
  try {
    new Training(spec, { train, test });
  } catch (e) {
    const problems = (e as { problems?: { path: string; message: string }[] }).problems;
    if (problems) return problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

/** Counts printed right before a plural noun: `1 entries`, `1 rows` — a count of one with a plural. */
const ONE_WITH_PLURAL = /(?<![\d.,])1 (entries|rows|columns|weight matrices|values|samples|features|classes|steps|epochs|records|errors|more errors|seeds|runs|characters|inputs|class labels|explicit weights)\b/;

test('a count beside a noun agrees with it: 1 weight matrix, 1 row, 1 column, 1 entry, 1 more error', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['explicit weights of a network without hidden layers', specProblems(networkSpec({ model: { hidden: [] }, init: { weights: [[[1]], [[1]]] } })).map((e) => e.message), /^1 weight matrix expected \(hidden \[\] \+ the output layer\), got 2$/],
    ['W_1 of two rows for a hidden layer of one', specProblems(networkSpec({ model: { hidden: [1] }, init: { weights: [[[1], [1]], [[1]]] } })).map((e) => e.message), /^init\.weights\[0\] \(W_1\) must have 1 row \(model\.hidden\[0\]\), got 2$/],
    ['W_2 of two columns after a hidden layer of one', specProblems(networkSpec({ model: { hidden: [1] }, init: { weights: [[[1]], [[1, 1]]] } })).map((e) => e.message), /^init\.weights\[1\] \(W_2\) must have 1 column \(model\.hidden\[0\], the rows of W_1\), got 2$/],
    ['a row longer than the first', specProblems(networkSpec({ model: { hidden: [2] }, init: { weights: [[[1], [1, 2]], [[1, 1]]] } })).map((e) => e.message), /^init\.weights\[0\]\[1\] \(row 1 of W_1\) must have 1 entry, as 1 other row has, got 2$/],
    ['W_1 against data of one feature', trainingProblems(networkSpec({ model: { hidden: [2] }, init: { weights: [[[1, 1], [1, 1]], [[1, 1]]] } }), regressionSet(4, 1)), /^init\.weights\[0\]: init\.weights\[0\] \(W_1\) must have 1 column \(the features of a sample\), got 2$/],
    ['the last matrix against one output', trainingProblems(networkSpec({ model: { hidden: [2] }, init: { weights: [[[1], [1]], [[1, 1], [1, 1]]] } }), regressionSet(4, 1)), /^init\.weights\[1\]: init\.weights\[1\] \(W_2\) must have 1 row \(the network's outputs\), got 2$/],
    ['a batch larger than one sample', trainingProblems(networkSpec({ model: { hidden: [2] }, training: { batchSize: 2 } }), regressionSet(1, 1)), /^training\.batchSize: a batch of 2 is larger than the training set \(1 sample\); use "full"/],
    ['a test set of one feature', trainingProblems(networkSpec({ model: { hidden: [2] } }), regressionSet(4, 2), regressionSet(4, 1)), /^data\.test: the test set has 1 feature, the training set 2$/],
    ['inputs of one sample', datasetProblems({ ...regressionSet(1, 1), x: new Float32Array(2) }, 'data.train').map((e) => e.message), /^1 sample × 1 feature = 1 input expected, the array holds 2$/],
    ['records of one weight matrix', [recordsInMemoryProblem(3_000_000, 1, 2_999_999, 1)!.message], /makes 3,000,000 records of 1 weight matrix, over the limit of 2,000,000 matrices/],
    ['the linear model: init.u of one entry', parseExperiment('{"model":{"width":2},"data":{"x":[1],"y":1},"init":{"u":[1],"W":[[1],[1]]},"learningRates":{"u":0.1,"W":0.1}}').diagnostics.map((d) => d.message), /^init\.u has 1 entry, but model\.width is 2$/],
    ['the linear model: init.W of one row', parseExperiment('{"model":{"width":2},"data":{"x":[1],"y":1},"init":{"u":[1,1],"W":[[1]]},"learningRates":{"u":0.1,"W":0.1}}').diagnostics.map((d) => d.message), /^init\.W has 1 row, but model\.width is 2$/],
  ];
  for (const [name, messages, expected] of cases) {
    assert.ok(messages.some((m) => expected.test(m)), `${name}: ${JSON.stringify(messages)}`);
    for (const m of messages) assert.doesNotMatch(m, ONE_WITH_PLURAL, name);
  }
  // A training panel's CSV header over a sweep of one value.
  const header = trainingCsvHeader('t', 'file:///f.flab.json', [], { key: 'init.scale', path: 'init.scale', widthPower: null, values: [1], runs: [null] });
  assert.match(header, /# sweep over init\.scale: 1 run; the first column is each run's value/);
  assert.doesNotMatch(header, ONE_WITH_PLURAL);
  // One error past those printed is "1 more error".
  const found: Diagnostic[] = Array.from({ length: 101 }, (_, i) => ({ message: `e${i}`, path: '', offset: i, length: 1, severity: 'error' }));
  const printed = reportDiagnostics({ file: 'f.flab.json', text: 'x'.repeat(200) } as Parameters<typeof reportDiagnostics>[0], found).stderr;
  assert.doesNotMatch(printed, ONE_WITH_PLURAL);
  assert.match(printed, /note: (1 more error|\d+ more errors) not shown/);
});

test('counts of samples, steps, values and characters are written with thousands separators, as every other message writes them', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['the embedded MNIST\'s train bound', schemaMessages({ data: { dataset: 'mnist', train: 70000 } }), /^data\.train: data\.train must be ≤ 10,000, got 70000: the embedded MNIST holds 10,000 digits/],
    ['a file form\'s test bound', schemaMessages({ data: { format: 'csv', trainFile: 'a.csv', test: 5e9 } }), /^data\.test: data\.test must be ≤ 4,294,967,295, got 5000000000$/],
    ['training.steps', schemaMessages({ training: { steps: 2e8 } }), /^training\.steps: training\.steps must be ≤ 100,000,000, got 200000000/],
    ['a sweep of more values than the schema takes', schemaMessages({ sweep: { 'init.scale': Array.from({ length: 1001 }, (_, i) => i + 1) } }), /may have at most 1,000 items, got 1,001/],
    ['a swept count', [checkHyperparameter({ path: 'data.train', integer: true, minimum: 1, maximum: 10000 } as Parameters<typeof checkHyperparameter>[0], 20000)!], /^data\.train must be ≤ 10,000, got 20,000$/],
    ['a file re-read per value', [rereadTooLarge(1_000_000, 1000, 'the sweep', 'use fewer values')!], /for each of its 1,000 values: 1,000,000 characters each, 1,000,000,000 in all, over the limit of 268,435,456/],
    ['the linear model\'s hidden weights', parseExperiment('{"model":{"width":10000000},"data":{"x":[1,2,3,4,5,6],"y":1},"init":{"scaleU":1,"scaleW":1,"seed":1},"learningRates":{"u":0.1,"W":0.1}}').diagnostics.map((d) => d.message), /= 10,000,000 × 6 = 60,000,000 hidden weights exceeds the limit of 50,000,000/],
  ];
  for (const [name, messages, expected] of cases) assert.ok(messages.some((m) => expected.test(m)), `${name}: ${JSON.stringify(messages)}`);
  // A field of a wide CSV file, counted from 1 as its lines are.
  const dir = mkdtempSync(join(tmpdir(), 'flab-wide-'));
  const row = (bad: boolean) => Array.from({ length: 1500 }, (_, j) => (bad && j === 1233 ? 'x' : String(j % 7))).join(',') + ',1';
  writeFileSync(join(dir, 'wide.csv'), [row(false), row(false), row(true)].join('\n') + '\n');
  await assert.rejects(loadDataset({ format: 'csv', trainFile: 'wide.csv', header: false }, { baseDir: dir }), (e: Error) => {
    assert.match(e.message, /^wide\.csv:3:\d+: expected a number in field 1,234, found "x"/);
    return true;
  });
  // The step where a long run's loss stopped being finite, and its last record.
  const diverged = { summary: { status: 'diverged', divergedAt: 12345 }, step: [0, 10000, 12340, 12345] } as unknown as Parameters<typeof divergedNote>[1];
  assert.match(divergedNote('f.flab.json', diverged), /the loss stopped being finite at step 12,345, and the training stopped there: the records up to step 12,345 are printed/);
});

/** `X … over the limit of Y` read as two numbers (`3.04e12`, `256 MiB (268,435,457 bytes)`), in bytes for sizes. */
function overLimitNumbers(message: string, before: RegExp): [number, number] {
  const m = before.exec(message);
  assert.ok(m, message);
  const read = (t: string) => {
    const exact = /\(([\d,]+) bytes\)/.exec(t);
    if (exact) return Number(exact[1].replace(/,/g, ''));
    const unit = /^([\d.]+) (KiB|MiB|GiB)/.exec(t);
    if (unit) return Number(unit[1]) * 1024 ** (['KiB', 'MiB', 'GiB'].indexOf(unit[2]) + 1);
    return Number(t.replace(/,/g, ''));
  };
  return [read(m[1]), read(m[2])];
}

/** Whether `a` reads as more than `b`, both written `1.798e308` (beyond 64 bits, where Number() is Infinity). */
function beyond64Bits(a: string, b: string): boolean {
  const parts = (t: string) => {
    const [mantissa, exponent = '0'] = t.split('e');
    const digits = mantissa.replace('.', '');
    return { e: Number(exponent) + mantissa.split('.')[0].length, digits };
  };
  const x = parts(a);
  const y = parts(b);
  if (x.e !== y.e) return x.e > y.e;
  const n = Math.max(x.digits.length, y.digits.length);
  return x.digits.padEnd(n, '0') > y.digits.padEnd(n, '0');
}

test('a value over a limit, rounded for print, still reads as over it', () => {
  // The output limit, 256 MiB: 1 KiB over it printed "256 MiB, over the output limit of 256 MiB".
  for (const bytes of [256 * 1024 * 1024 + 1, 256 * 1024 * 1024 + 1024, Math.round(256.04 * 1024 * 1024)]) {
    const said = outputTooLarge(bytes, 'the run', 'print --summary')!;
    const [value, limit] = overLimitNumbers(said, /could print up to (.+?), over the output limit of (.+?) \(docs/);
    assert.ok(value > limit, said);
  }
  // A network sweep's modeled work just over 3·10¹²: "about 3e12 multiply-adds …, over the limit of 3e12".
  // 4 values × 30 epochs of 100 steps of 784-1010-10 on 10,000 digits: about 3.007·10¹².
  const dir = mkdtempSync(join(tmpdir(), 'flab-over-'));
  const file = join(dir, 'sweep.flab.json');
  writeFileSync(file, JSON.stringify({
    model: { hidden: [1010] },
    data: { dataset: 'mnist', train: 10000 },
    training: { batchSize: 100, epochs: 30 },
    sweep: { 'init.scale': [1, 2, 3, 4] },
  }));
  const r = spawnSync(process.execPath, [CLI, 'sweep', file, '--summary'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const [work, limit] = overLimitNumbers(r.stderr, /about ([\d.e]+) multiply-adds in all .*over the limit of ([\d.e]+) for one sweep/);
  assert.ok(work > limit, r.stderr);
  assert.match(r.stderr, /over the limit of 3e12 for one sweep/);
  // A width power just past 64 bits: "is about 1.8e308: beyond the range of 64-bit numbers (1.8e308)".
  for (const base of [1.798e307, 1.8e307, 1e308]) {
    const { problems } = normaliseNetworkExperiment({ model: { hidden: [10] }, data: { dataset: 'mnist', train: 100 }, init: { scale: { widthExponent: 1, base } } });
    const message = problems.find((p) => p.path === 'init.scale.base')?.message ?? JSON.stringify(problems);
    const m = /is about ([\d.e]+): beyond the range of 64-bit numbers \(([\d.e]+)\)/.exec(message);
    assert.ok(m, message);
    assert.notEqual(m[1], m[2], message);
    assert.ok(beyond64Bits(m[1], m[2]), message);
  }
  // The linear model's irreducible loss just over its limit, and the targets offered within it.
  const text = '{"model":{"width":2},"data":{"samples":[{"x":[1],"y":4.997e153},{"x":[2],"y":-4.997e153}]},"init":{"scaleU":1,"scaleW":1,"seed":1},"learningRates":{"u":0.1,"W":0.1}}';
  const [loss] = parseExperiment(text).diagnostics.map((d) => d.message);
  const said = /is about ([\d.e]+), beyond the 64-bit range \(sizes above ([\d.e]+) are refused\); scaled together, the targets must be at most about ([\d.e]+) in size/.exec(loss);
  assert.ok(said, loss);
  assert.ok(Number(said[1]) > Number(said[2]), loss);
  assert.ok(Number(said[3]) < 4.997e153, `${loss}: the size offered is one the file's targets do not already have`);
});

test('a bound of 0 says what to write instead of "at most 0"', () => {
  const cases: Array<[MnistSpec, RegExp]> = [
    [{ dataset: 'mnist', train: 10000, test: 1 }, /"train": 10000 takes every digit, leaving none for a test set — write "test": 0 \(or leave "test" out\) to train without one, or fewer training digits to keep some for testing \("train": 9999 leaves the 1 test digit asked for\)$/],
    [{ dataset: 'mnist', train: 10000, test: 500 }, /write "test": 0 .* \("train": 9500 leaves the 500 test digits asked for\)$/],
    [{ dataset: 'mnist', train: 10000, test: 10000 }, /write "test": 0 \(or leave "test" out\) to train without one, or fewer training digits to keep some for testing$/],
    // A bound above 0 is still said as one.
    [{ dataset: 'mnist', train: 9999, test: 5 }, /: at most 1 test digit with this "train"$/],
  ];
  for (const [spec, expected] of cases) {
    const [problem] = dataSpecProblems(spec);
    assert.equal(problem?.path, 'data.test');
    assert.match(problem.message, expected);
    assert.doesNotMatch(problem.message, /at most 0\b/);
  }
});

test('a data set or format named in the wrong key, or not offered, is told what to write', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ format: 'mnist', train: 100 }, /^data\.format: data\.format must be one of .*, got "mnist": the embedded MNIST is named by "dataset": write "dataset": "mnist" in place of "format"/],
    [{ format: 'fashion-mnist' }, /got "fashion-mnist": this data set is read from its IDX files: write "format": "idx", with "trainImages" and "trainLabels"/],
    [{ dataset: 'cifar10' }, /^data\.dataset: data\.dataset must be "mnist", got "cifar10": CIFAR-10 is not embedded: it is read from your own binary batches .* by "format": "cifar10" in place of "dataset"/],
    [{ dataset: 'CIFAR-10', train: 100 }, /got "CIFAR-10": CIFAR-10 is not embedded/],
    [{ dataset: 'kmnist', train: 100 }, /got "kmnist": only MNIST is embedded; this data set is read from its IDX files by "format": "idx"/],
    [{ dataset: 'csv', trainFile: 'a.csv' }, /got "csv": "csv" is the format of your own CSV files: write "format": "csv" in place of "dataset", with "trainFile"/],
    [{ dataset: 'npy', train: 10 }, /got "npy": "npy" is the format of your own \.npy files: write "format": "npy" in place of "dataset", with "trainX" and "trainY"/],
  ];
  // The data key itself written as a name.
  for (const [data, expected] of [['mnist', /^data: data must be an object, got "mnist": the embedded MNIST is written as an object: "data": \{ "dataset": "mnist", "train": 1000/], ['cifar10', /got "cifar10": CIFAR-10 is read from your own binary batches: "data": \{ "format": "cifar10"/]] as const) {
    const messages = schemaMessages({ data });
    assert.ok(messages.some((m) => expected.test(m)), `${data}: ${JSON.stringify(messages)}`);
  }
  for (const [data, expected] of cases) {
    const messages = schemaMessages({ data });
    assert.ok(messages.some((m) => expected.test(m)), `${JSON.stringify(data)}: ${JSON.stringify(messages)}`);
    assert.ok(!messages.some((m) => /did you mean/.test(m)), `${JSON.stringify(data)}: no guess at a misspelling (kmnist is not a misspelt mnist)`);
  }
});

test('a file name where inline data or a count is written points to the form that reads the file', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ train: { x: 'x.npy', y: [0] } }, /^data\.train\.x: data\.train\.x must be an array, got "x\.npy": a \.npy file is read by "format": "npy", not written inline: "data": \{ "format": "npy", "trainX": "x\.npy", "trainY": "y\.npy" \}/],
    [{ train: { x: [[1]], y: 'y.NPY' } }, /^data\.train\.y: .*got "y\.NPY": a \.npy file is read by "format": "npy"/],
    [{ train: { x: ['x.npy'], y: [0] } }, /^data\.train\.x\[0\]: data\.train\.x\[0\] must be an array, got "x\.npy": a \.npy file is read by "format": "npy"/],
    [{ train: 'train.npy' }, /^data\.train: data\.train must be an object, got "train\.npy": a \.npy file is read by "format": "npy"/],
    [{ train: { x: 'iris.csv', y: [0] } }, /got "iris\.csv": a CSV file is read by "format": "csv", not written inline: "data": \{ "format": "csv", "trainFile": "train\.csv"/],
    [{ train: { x: [[1]], y: [0] }, test: { x: 'test.csv', y: [0] } }, /^data\.test\.x: .*a CSV file is read by "format": "csv"/],
    [{ train: { x: 'train-images-idx3-ubyte.gz', y: 'train-labels.idx1-ubyte' } }, /got "train-images-idx3-ubyte\.gz": an IDX file is read by "format": "idx", not written inline: "data": \{ "format": "idx", "trainImages"/],
    [{ train: { x: 'cifar/data_batch_1.bin', y: [0] } }, /a CIFAR-10 batch is read by "format": "cifar10"/],
    [{ train: { x: 'data/x.parquet', y: [0] } }, /inline data is written in the experiment file, as arrays; files are read by the file forms, named by "format"/],
    // In the file forms and the embedded MNIST, train and test are counts: the files have keys of their own.
    [{ format: 'csv', train: 'iris.csv' }, /^data\.train: data\.train must be an integer, got "iris\.csv": train is a count of training samples; the csv form reads its training file from "trainFile"/],
    [{ format: 'npy', trainX: 'x.npy', trainY: 'y.npy', test: 'xt.npy' }, /got "xt\.npy": test is a count of test samples; the npy form reads its test arrays from "testX" and "testY"/],
    [{ dataset: 'mnist', train: 'mnist.csv' }, /got "mnist\.csv": train is a count of digits of the embedded MNIST; your own files are read by the file forms, named by "format"/],
  ];
  for (const [data, expected] of cases) {
    const messages = schemaMessages({ data });
    assert.ok(messages.some((m) => expected.test(m)), `${JSON.stringify(data)}: ${JSON.stringify(messages)}`);
  }
  // The data key itself written as a file name.
  const named = schemaMessages({ data: 'train.csv' });
  assert.ok(named.some((m) => /^data: data must be an object, got "train\.csv": files are read by the file forms, each an object named by "format"/.test(m)), JSON.stringify(named));
  // A count written as a string is no file name: no pointer to a file form.
  for (const m of schemaMessages({ data: { format: 'csv', trainFile: 'a.csv', train: '1000' } })) assert.doesNotMatch(m, /trainFile|reads its/);
});

test('another library\'s name of an initialisation scheme is told the accepted one', () => {
  const cases: Array<[string, string]> = [
    ['he', 'kaiming'],
    ['He', 'kaiming'],
    ['he_normal', 'kaiming'],
    ['he_uniform', 'kaiming'],
    ['HeNormal', 'kaiming'],
    ['glorot', 'xavier'],
    ['glorot_uniform', 'xavier'],
    ['Glorot-Normal', 'xavier'],
  ];
  for (const [scheme, accepted] of cases) {
    const messages = schemaMessages({ init: { scheme } });
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.match(messages[0], new RegExp(`^init\\.scheme: init\\.scheme must be one of "kaiming", "xavier", got "${scheme}": .* is ${accepted === 'kaiming' ? 'Kaiming' : 'Xavier'}'s: write "${accepted}"`));
  }
  // A misspelling is still answered as one, and the schemes' own names pass.
  assert.match(schemaMessages({ init: { scheme: 'kaiming_normal' } })[0], /did you mean `kaiming`\?/);
  assert.deepEqual(schemaMessages({ init: { scheme: 'xavier' } }), []);
  // The editor's documentation of the key names the other libraries' names too.
  const described = JSON.stringify(EXPERIMENT_SCHEMA);
  assert.match(described, /He et al\. 2015: Keras's `he_normal`/);
  assert.match(described, /Glorot & Bengio 2010: Keras's `glorot_normal`/);
});
