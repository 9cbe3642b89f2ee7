import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FieldKind, fieldKind, parseDecimal } from '../../../../src/core/network/data/csv';
import { CsvRow, CsvSyntaxError, CsvTokenizer } from '../../../../src/core/network/data/csvTokenizer';
import { CsvSpec } from '../../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { exactly, randomInts, randomNormals, rejectsAt, tempDir, write } from './fixtures';

const dir = tempDir();
const o = { baseDir: dir };
const spec = (over: Partial<CsvSpec>): CsvSpec => ({ format: 'csv', trainFile: 'train.csv', ...over });

/** Every row of `text` tokenized with the text cut into chunks at `cuts`. */
function tokenize(text: string, cuts: number[] = []): Array<{ fields: string[]; lines: number[]; columns: number[] }> {
  const rows: Array<{ fields: string[]; lines: number[]; columns: number[] }> = [];
  const t = new CsvTokenizer(',', (r: CsvRow) => rows.push({ fields: [...r.fields], lines: [...r.lines], columns: [...r.columns] }));
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    t.push(text.slice(at, cut));
    at = cut;
  }
  t.end();
  return rows;
}

test('the tokenizer: quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF, CR, BOM, blank lines', () => {
  const text = '\uFEFFa,"b,c","say ""hi"""\r\n\r\n1, 2 ,"x\r\ny"\n\n  "q" ,4\rlast,,';
  const rows = tokenize(text);
  assert.deepEqual(rows.map((r) => r.fields), [
    ['a', 'b,c', 'say "hi"'],
    ['1', ' 2 ', 'x\r\ny'],
    ['q', '4'],
    ['last', '', ''],
  ]);
  assert.deepEqual(rows[0].columns, [1, 3, 9], 'the byte-order mark is not a column');
  assert.deepEqual(rows[1].lines, [3, 3, 3]);
  assert.deepEqual(rows[1].columns, [1, 3, 7]);
  assert.deepEqual(rows[2].lines, [6, 6]);
  assert.deepEqual(rows[2].columns, [3, 8]);
  assert.deepEqual(rows[3].lines, [7, 7, 7]);
  // Cut anywhere, even inside a CRLF or a doubled quote, the rows are the same.
  for (let cut = 0; cut <= text.length; cut++) assert.deepEqual(tokenize(text, [cut]), rows, `cut at ${cut}`);
  const cuts = Array.from({ length: text.length }, (_, i) => i + 1);
  assert.deepEqual(tokenize(text, cuts), rows, 'one character at a time');
});

test('the tokenizer skips runs of blank lines of every ending (LF, CRLF, CR, mixed) and counts each once, cut anywhere', () => {
  const text = 'a,b\n\n\r\n\r\r\n\n\rc,d\r\n\r\n' + '\n'.repeat(1000) + 'e,f\n\n';
  const rows = tokenize(text);
  assert.deepEqual(rows.map((r) => r.fields), [['a', 'b'], ['c', 'd'], ['e', 'f']]);
  // a,b on 1; blank lines 2 (LF), 3 (CRLF), 4 (CR), 5 (CRLF), 6 (LF), 7 (CR); c,d on 8; blank 9, then 1,000 more.
  assert.deepEqual(rows.map((r) => r.lines[0]), [1, 8, 1010]);
  assert.deepEqual(rows[1].columns, [1, 3]);
  for (let cut = 0; cut <= 40; cut++) assert.deepEqual(tokenize(text, [cut, cut + 1]), rows, `cut at ${cut}`);
  const at = (t: string) => {
    try {
      tokenize(t);
    } catch (err) {
      assert.ok(err instanceof CsvSyntaxError);
      return [err.line, err.column];
    }
    return null;
  };
  assert.deepEqual(at('a,b\r\n\r\n\r1,"x\n'), [4, 3], 'an error after blank lines is on its own line');
});

test('the tokenizer locates its syntax errors', () => {
  const at = (text: string): [string, number, number] => {
    try {
      tokenize(text);
    } catch (err) {
      assert.ok(err instanceof CsvSyntaxError);
      return [err.message, err.line, err.column];
    }
    throw new Error(`no error for ${JSON.stringify(text)}`);
  };
  assert.deepEqual(at('a,b\n1,"open\n2,3\n').slice(1), [2, 3]);
  assert.match(at('a,b\n1,"open\n2,3\n')[0], /never closed/);
  assert.deepEqual(at('a,b\n1,x"y\n').slice(1), [2, 4]);
  assert.match(at('a,b\n1,x"y\n')[0], /a quote inside a field/);
  assert.deepEqual(at('a,b\n"1"x,2\n').slice(1), [2, 4]);
  assert.match(at('a,b\n"1"x,2\n')[0], /after the closing quote, found 'x'/);
  assert.match(at(`"${'9'.repeat(5000)}"`)[0], /longer than 4,096 characters/);
});

test('decimal numbers only: no empty fields, hexadecimal, infinities or NaN', () => {
  for (const [text, value] of [['1', 1], [' -2.5 ', -2.5], ['+3', 3], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['-1.5E-3', -0.0015], ['\t7\t', 7], ['0.1', 0.1]] as const) {
    assert.equal(parseDecimal(text), value, text);
  }
  for (const text of ['', ' ', 'NaN', 'nan', 'Infinity', '-inf', '0x10', '0b1', '0o7', '1e', '1e+', '.', '-', '1.2.3', '1_000', '1,5', 'abc', '1 2']) {
    assert.ok(Number.isNaN(parseDecimal(text)), JSON.stringify(text));
  }
});

test('a CSV with a header: features and class labels read back value for value', async () => {
  const n = 40;
  const features = randomNormals(1, n * 3, 10);
  const labels = randomInts(2, n, 4);
  const lines = ['x1,x2,x3,label', ...Array.from({ length: n }, (_, i) => `${features.slice(i * 3, i * 3 + 3).join(',')},${labels[i]}`)];
  write(dir, 'train.csv', lines.join('\n') + '\n');
  const d = await loadDataset(spec({}), o);
  assert.equal(d.train.count, n);
  assert.deepEqual(d.train.sampleShape, [3]);
  assert.deepEqual(Array.from(d.train.x), features.map(Math.fround));
  assert.ok(d.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), labels);
  assert.equal(d.train.targets.classCount, Math.max(...labels) + 1);
  assert.match(d.source, /with a header line/);
  // The label column by name, by index, by negative index: the same data.
  for (const label of ['label', 3, -1]) assert.deepEqual((await loadDataset(spec({ label }), o)).train.x, d.train.x);
  // The first column as the label.
  const first = await loadDataset(spec({ label: 'x1', task: 'regression' }), o);
  assert.ok(first.train.targets.kind === 'regression');
  assert.deepEqual(Array.from(first.train.targets.values), features.filter((_, k) => k % 3 === 0).map(Math.fround));
  assert.deepEqual(Array.from(first.train.x.subarray(0, 3)), [features[1], features[2], labels[0]].map(Math.fround));
});

test('no header line, other delimiters, CRLF, quoted numbers, no final line break', async () => {
  write(dir, 'plain.csv', '1;2;0\r\n3;"4";1\r\n\r\n5;6;1');
  const d = await loadDataset(spec({ trainFile: 'plain.csv', delimiter: ';' }), o);
  assert.deepEqual(Array.from(d.train.x), [1, 2, 3, 4, 5, 6]);
  assert.ok(d.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), [0, 1, 1]);
  assert.match(d.source, /no header line/);
  write(dir, 'tabs.tsv', 'a\tb\ty\n1\t2\t0.5\n');
  const t = await loadDataset(spec({ trainFile: 'tabs.tsv', delimiter: '\t', task: 'regression' }), o);
  assert.ok(t.train.targets.kind === 'regression');
  assert.deepEqual(Array.from(t.train.targets.values), [0.5]);
  // "header": false reads a first line of names as data, and says where.
  await rejectsAt(loadDataset(spec({ trainFile: 'tabs.tsv', delimiter: '\t', header: false }), o), { path: 'data.trainFile', message: /^tabs.tsv:1:1: expected a number in field 1, found "a"/, line: 1, column: 1 });
});

test('a first line of numbers and a class name is a sample: the second line tells it from a header over numeric labels', async () => {
  // UCI's iris.data has no header: its first sample was taken for one (5 of 6 samples, "Iris-setosa" a column name).
  write(dir, 'iris.data', '5.1,3.5,1.4,0.2,Iris-setosa\n4.9,3.0,1.4,0.2,Iris-setosa\n7.0,3.2,4.7,1.4,Iris-versicolor\n6.3,3.3,6.0,2.5,Iris-virginica\n');
  const iris = await loadDataset(spec({ trainFile: 'iris.data' }), o);
  assert.equal(iris.train.count, 4);
  assert.match(iris.source, /no header line/);
  assert.deepEqual(Array.from(iris.train.x.subarray(0, 4)), [5.1, 3.5, 1.4, 0.2].map(Math.fround), 'the first sample is the first line');
  assert.ok(iris.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(iris.train.targets.labels), [0, 0, 1, 2]);
  // A header over numbers only in the features (pandas' default column names) and numeric labels: still a header.
  write(dir, 'numbered.csv', '0,1,label\n5,6,0\n7,8,1\n');
  const numbered = await loadDataset(spec({ trainFile: 'numbered.csv' }), o);
  assert.equal(numbered.train.count, 2);
  assert.match(numbered.source, /with a header line/);
  assert.deepEqual(Array.from(numbered.train.x), [5, 6, 7, 8]);
  // Names in the label column of the second line too: samples, the label column given by index from the start.
  write(dir, 'pets.csv', '1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n');
  const pets = await loadDataset(spec({ trainFile: 'pets.csv', label: 2 }), o);
  assert.equal(pets.train.count, 4);
  assert.deepEqual(pets.classNames, ['cat', 'dog']);
  // A feature that is not a number still makes a header; a regression target that is not one too.
  write(dir, 'named.csv', 'a,b,cat\n1,2,cat\n3,4,dog\n');
  assert.match((await loadDataset(spec({ trainFile: 'named.csv' }), o)).source, /with a header line\): 2 training samples/);
  write(dir, 'target.csv', '1,2,y\n1,2,0.5\n3,4,1.5\n');
  assert.equal((await loadDataset(spec({ trainFile: 'target.csv', task: 'regression' }), o)).train.count, 2);
  // A file of one such line is one sample, not a header without samples.
  write(dir, 'single.csv', '1,2,cat\n');
  const single = await loadDataset(spec({ trainFile: 'single.csv', classes: 2 }), o);
  assert.equal(single.train.count, 1);
  assert.deepEqual(single.classNames, ['cat']);
});

test('fieldKind: numbers, values no column is named, blanks and names', () => {
  const kinds: Array<[string, FieldKind]> = [
    ['1', 'number'], [' -2.5 ', 'number'], ['1e39', 'number'], ['.5', 'number'],
    ['NaN', 'value'], ['nan', 'value'], ['-NaN', 'value'], ['Infinity', 'value'], ['-inf', 'value'], ['+INF', 'value'], ['0x10', 'value'], ['0X1f', 'value'], ['-0x10', 'value'], ['0o7', 'value'], ['0b1', 'value'],
    ['NA', 'value'], ['n/a', 'value'], ['#N/A', 'value'], ['<NA>', 'value'], ['null', 'value'], ['None', 'value'], ['?', 'value'],
    ['', 'blank'], [' ', 'blank'], ['\t', 'blank'],
    ['x1', 'name'], ['label', 'name'], ['1x1', 'name'], ['0xg', 'name'], ['1.2.3', 'name'], ['Iris-setosa', 'name'], ['inflow', 'name'], ['nana', 'name'],
  ];
  for (const [text, kind] of kinds) assert.equal(fieldKind(text), kind, JSON.stringify(text));
});

test('a guessed first line with one bad field is a sample, its field an error at line 1 as on line 3 — not a header that drops it', async () => {
  // Before, each of these first lines was taken for a header and dropped: 3 samples trained of 4 (the
  // data.source's "with a header line" the only trace), where the same field on line 3 is an error.
  const bad: Array<[string, string]> = [
    ['NaN', '"NaN"'],
    ['', '""'],
    [' ', '" "'],
    ['Infinity', '"Infinity"'],
    ['0x10', '"0x10"'],
    ['-inf', '"-inf"'],
    ['NA', '"NA"'],
    ['?', '"?"'],
  ];
  for (const [field, quoted] of bad) {
    write(dir, 'first.csv', `1,${field},0\n3,4,1\n5,6,0\n7,8,1\n`);
    await rejectsAt(loadDataset(spec({ trainFile: 'first.csv' }), o), { path: 'data.trainFile', message: exactly(`first.csv:1:3: expected a number in field 2, found ${quoted}`), line: 1, column: 3 });
    write(dir, 'third.csv', `3,4,1\n5,6,0\n1,${field},0\n7,8,1\n`);
    await rejectsAt(loadDataset(spec({ trainFile: 'third.csv' }), o), { path: 'data.trainFile', message: exactly(`third.csv:3:3: expected a number in field 2, found ${quoted}`), line: 3, column: 3 });
  }
  // The first field, every feature field bad, a regression target, an empty class label.
  write(dir, 'first.csv', 'NaN,2,0\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv' }), o), { path: 'data.trainFile', message: exactly('first.csv:1:1: expected a number in field 1, found "NaN"'), line: 1, column: 1 });
  write(dir, 'first.csv', 'NaN,,0\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv' }), o), { path: 'data.trainFile', message: exactly('first.csv:1:1: expected a number in field 1, found "NaN"'), line: 1, column: 1 });
  write(dir, 'first.csv', ',,0\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv' }), o), { path: 'data.trainFile', message: exactly('first.csv:1:1: expected a number in field 1, found ""'), line: 1, column: 1 });
  write(dir, 'first.csv', '1,2,NaN\n3,4,0.5\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv', task: 'regression' }), o), { path: 'data.trainFile', message: exactly('first.csv:1:5: expected a number as the regression target in field 3, found "NaN"'), line: 1, column: 5 });
  write(dir, 'first.csv', '1,2,\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv' }), o), { path: 'data.trainFile', message: exactly('first.csv:1:5: expected a class label in field 3, found an empty field'), line: 1, column: 5 });
  // A label named in the spec that the line lacks: a sample, and the message says why, no longer "all numbers".
  write(dir, 'first.csv', '1,NaN,0\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv', label: 'y' }), o), { path: 'data.label', message: exactly('a column name needs a header line, and the first line of first.csv is read as a sample, not a header, since its field 1 ("1") is a number: give the column\'s 0-based index, or set "header": true') });
  write(dir, 'first.csv', '1,2,0\n3,4,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv', label: 'y' }), o), { path: 'data.label', message: exactly('a column name needs a header line, and the first line of first.csv is all numbers: give the column\'s 0-based index, or set "header": true') });
  await rejectsAt(loadDataset(spec({ trainFile: 'first.csv', label: 'y', header: false }), o), { path: 'data.label', message: exactly('a column name needs a header line, and "header" is false: give the column\'s 0-based index') });
});

test('a guessed header: names, with blanks (pandas\' index column) or over numbers; names beside numbers are a sample that says how to read it as a header', async () => {
  const rows = '1,2,0\n3,4,1\n5,6,0\n';
  const header = async (first: string, over: Partial<CsvSpec> = {}) => {
    write(dir, 'h.csv', `${first}\n${rows}`);
    const d = await loadDataset(spec({ trainFile: 'h.csv', ...over }), o);
    assert.equal(d.train.count, 3, first);
    assert.match(d.source, /with a header line/, first);
    assert.deepEqual(Array.from(d.train.x), [1, 2, 3, 4, 5, 6], first);
  };
  await header('a,b,label');
  await header('x1,x2,cat');
  await header(' a , b ,NaN');
  await header('1x1,1x2,label'); // names that start with a digit are names
  await header('0,1,label'); // numbers under a name, the second line's label a number (before too)
  await header('0,1,y', { task: 'regression' });
  // pandas' default names over a frame of floats (with its index too): a header (until 2026-12 a sample).
  const floats = '0.5,1.5,0\n2.5,3.5,1\n';
  for (const [first, task] of [['0,1,2', 'classes'], ['0,1,2', 'regression']] as const) {
    write(dir, 'p.csv', `${first}\n${floats}`);
    const d = await loadDataset(spec({ trainFile: 'p.csv', task }), o);
    assert.match(d.source, /with a header line/);
    assert.deepEqual(Array.from(d.train.x), [0.5, 1.5, 2.5, 3.5]);
  }
  write(dir, 'p.csv', `,0,1,2\n0,${floats.split('\n')[0]}\n1,${floats.split('\n')[1]}\n`);
  assert.deepEqual(Array.from((await loadDataset(spec({ trainFile: 'p.csv' }), o)).train.x), [0.5, 1.5, 2.5, 3.5]);
  // Over whole numbers too (a frame of ints), unless the next line is another run like it (the next test).
  write(dir, 'p.csv', '0,1,2\n3,4,1\n5,6,0\n7,8,2\n');
  assert.equal((await loadDataset(spec({ trainFile: 'p.csv' }), o)).train.count, 3);
  // A test file's 0,1,2 is a header only under the training file's own 0,1,2: here a sample.
  write(dir, 'p-train.csv', 'a,b,label\n0,1,0\n2,3,1\n4,4,2\n5,5,1\n');
  write(dir, 'p-test.csv', '0,1,2\n0,1,0\n2,3,1\n');
  assert.equal((await loadDataset(spec({ trainFile: 'p-train.csv', testFile: 'p-test.csv' }), o)).test!.count, 3);
  // The label named in the spec and present in the line: a header, whatever the other names.
  await header('id,1990,label', { label: 'label' });
  await header('1,NaN,y', { label: 'y' });
  // Names beside numbers (or values): a sample, whose first name is the error, with a hint.
  write(dir, 'h.csv', `country,1990,label\n${rows}`);
  await rejectsAt(loadDataset(spec({ trainFile: 'h.csv' }), o), {
    path: 'data.trainFile',
    message: exactly('h.csv:1:1: expected a number in field 1, found "country" — the first line is read as a sample, not a header, since its field 2 ("1990") is a number: if it names the columns, set "header": true'),
    line: 1,
    column: 1,
  });
  await header('country,1990,label', { header: true });
  write(dir, 'h.csv', `a,NA,label\n${rows}`);
  await rejectsAt(loadDataset(spec({ trainFile: 'h.csv' }), o), { path: 'data.trainFile', message: /^h.csv:1:1: expected a number in field 1, found "a" — the first line is read as a sample, not a header, since its field 2 \("NA"\) is a value, not a name: if it names/, line: 1, column: 1 });
  write(dir, 'h.csv', `1,2,y1,5\n1,2,3,4\n`);
  await rejectsAt(loadDataset(spec({ trainFile: 'h.csv', label: [2, 3], task: 'regression' }), o), { path: 'data.trainFile', message: exactly('h.csv:1:5: expected a number as the regression target in field 3, found "y1" — the first line is read as a sample, not a header, since its field 1 ("1") is a number: if it names the columns, set "header": true'), line: 1, column: 5 });
  // No hint for a value: it is no name.
  write(dir, 'h.csv', `a,NaN,1\n${rows}`);
  await rejectsAt(loadDataset(spec({ trainFile: 'h.csv', header: false }), o), { path: 'data.trainFile', message: exactly('h.csv:1:1: expected a number in field 1, found "a"') });
});

test('an unnamed first column of a header line is a row index (pandas\' to_csv, R\'s write.csv), left out of the features', async () => {
  // Until 2026-12 it was trained on: the row number, a feature that tells the samples apart.
  const read = async (text: string, over: Partial<CsvSpec> = {}) => {
    write(dir, 'indexed.csv', text);
    return loadDataset(spec({ trainFile: 'indexed.csv', ...over }), o);
  };
  const pandas = await read(',a,b,label\n0,1,2,0\n1,3,4,1\n2,5,6,0\n');
  assert.deepEqual(Array.from(pandas.train.x), [1, 2, 3, 4, 5, 6]);
  assert.equal(pandas.train.features, 2);
  assert.match(pandas.source, /with a header line; its unnamed first column, a row index, left out\): 3 training samples of 2 features/);
  // R's write.csv quotes the names, the row labels' one empty; a filtered frame's index is not 0, 1, 2 either.
  const r = await read('"","a","b","label"\n"7",1,2,0\n"12",3,4,1\n');
  assert.deepEqual(Array.from(r.train.x), [1, 2, 3, 4]);
  // The label by name, and regression targets, the same.
  assert.deepEqual(Array.from((await read(',a,y,b\n0,1,0.5,2\n1,3,1.5,4\n', { label: 'y', task: 'regression' })).train.x), [1, 2, 3, 4]);
  // A test file written the same way: the same columns.
  write(dir, 'indexed-test.csv', ',a,b,label\n0,9,8,1\n');
  const both = await read(',a,b,label\n0,1,2,0\n1,3,4,1\n', { testFile: 'indexed-test.csv' });
  assert.deepEqual(Array.from(both.test!.x), [9, 8]);
  // Train and test files written one with pandas' index and one without: said so.
  write(dir, 'indexed-test.csv', 'a,b,label\n9,8,1\n');
  await rejectsAt(read(',a,b,label\n0,1,2,0\n1,3,4,1\n', { testFile: 'indexed-test.csv' }), { path: 'data.testFile', message: /3 fields, where indexed.csv has 4: the files must have the same columns — indexed.csv has a row index \(the unnamed first column\), which this file lacks: write both with the index or both without$/ });
  write(dir, 'indexed-test.csv', ',a,b,label\n0,9,8,1\n');
  await rejectsAt(read('a,b,label\n1,2,0\n3,4,1\n', { testFile: 'indexed-test.csv' }), { path: 'data.testFile', message: /4 fields, where indexed.csv has 3: the files must have the same columns — this file has a row index \(the unnamed first column\), which indexed.csv lacks/ });
  // A test file without a header line has the training file's columns, its row index too.
  write(dir, 'indexed-test.csv', '0,9,8,1\n1,7,6,0\n');
  assert.deepEqual(Array.from((await read(',a,b,label\n0,1,2,0\n1,3,4,1\n', { testFile: 'indexed-test.csv' })).test!.x), [9, 8, 7, 6]);
  // Column 0 given as the label keeps it; a named first column, a header-less file and a line of blanks are features as before.
  assert.deepEqual(Array.from((await read(',a,b\n0,1,2\n1,3,4\n', { label: 0 })).train.x), [1, 2, 3, 4]);
  assert.deepEqual(Array.from((await read('id,a,label\n0,1,0\n1,3,1\n')).train.x), [0, 1, 1, 3]);
  assert.deepEqual(Array.from((await read('0,1,0\n1,3,1\n', { header: false })).train.x), [0, 1, 1, 3]);
  // pandas' round trip (`Unnamed: 0` beside the new index) and a MultiIndex: every index column left out.
  const twice = await read(',Unnamed: 0,a,label\n0,0,1,0\n1,1,3,1\n');
  assert.deepEqual(Array.from(twice.train.x), [1, 3]);
  assert.match(twice.source, /its 2 unnamed first columns, a row index, left out/);
  assert.deepEqual(Array.from((await read('Unnamed: 0,a,label\n0,1,0\n1,3,1\n')).train.x), [1, 3]);
  assert.deepEqual(Array.from((await read('Unnamed: 0,Unnamed: 0.1,a,label\n0,0,1,0\n1,1,3,1\n')).train.x), [1, 3]);
  assert.deepEqual(Array.from((await read(',,a,label\nx,0,1,0\nx,1,3,1\n')).train.x), [1, 3]);
  // A fraction in it: data with no name, refused where it is (until it was checked, dropped unseen).
  await rejectsAt(read(',b,label\n0.1257,-0.1321,1\n0.5,2,0\n'), {
    path: 'data.trainFile',
    message: exactly('indexed.csv:2:1: column 1 has no name, so it is read as a row index (as pandas and R write one), but it holds "0.1257", no row number: name the column in the header to train on it'),
    line: 2,
    column: 1,
  });
  await rejectsAt(read('Unnamed: 0,b,label\n3,1,1\n0.5,2,0\n'), { path: 'data.trainFile', message: /^indexed.csv:3:1: column 1 is "Unnamed: 0", pandas' name for a column that had none, so it is read as a row index/ });
  // A value it holds twice: a column of data with no name (a category, a count), not row labels — refused
  // at the repeat (until 2026-12-03 dropped unseen). Shuffled, filtered or named row labels are taken.
  const repeated = (at: string, value: string, earlier: string, what = 'column 1 has no name, so it is') =>
    exactly(`indexed.csv:${at}: ${what} read as a row index (as pandas and R write one), but ${JSON.stringify(value)} labels two rows (${earlier}): a row index labels each row once, so this is data with no name — name the column in the header to train on it`);
  await rejectsAt(read(',a,label\n1,0.5,0\n2,0.7,1\n1,0.1,0\n2,0.3,1\n'), { path: 'data.trainFile', message: repeated('4:1', '1', 'row 1 under the header has it too'), line: 4, column: 1 });
  await rejectsAt(read(',a,label\n0,0.5,0\n1,0.7,1\n2,0.1,0\n1,0.3,1\n'), { path: 'data.trainFile', message: /^indexed.csv:5:1: column 1 has no name, .* but "1" labels two rows \(row 2 under the header has it too\)/, line: 5, column: 1 });
  await rejectsAt(read(',a,label\nx,1,0\ny,2,1\n x ,3,0\n'), { path: 'data.trainFile', message: /^indexed.csv:4:1: column 1 has no name, .* but "x" labels two rows \(line 2 has it too\)/, line: 4, column: 1 });
  await rejectsAt(read('Unnamed: 0,b,label\n3,1,1\n3,2,0\n'), { path: 'data.trainFile', message: /^indexed.csv:3:1: column 1 is "Unnamed: 0", pandas' name for a column that had none, so it is read as a row index .* but "3" labels two rows \(row 1 under the header has it too\)/ });
  await rejectsAt(read(',,a,label\nx,0,1,0\nx,0,3,1\n'), { path: 'data.trainFile', message: /^indexed.csv:3:1: the 2 first columns have no name, so they are read as a row index .* but "x,0" labels two rows \(line 2 has it too\)/ });
  // A test file's own, under the training file's index.
  write(dir, 'indexed-test.csv', ',a,b,label\n0,9,8,1\n0,7,6,0\n');
  await rejectsAt(read(',a,b,label\n0,1,2,0\n1,3,4,1\n', { testFile: 'indexed-test.csv' }), { path: 'data.testFile', message: /^indexed-test.csv:3:1: column 1 has no name, .* but "0" labels two rows/ });
  assert.deepEqual(Array.from((await read(',a,label\n7,1,0\n3,2,1\n12,3,0\n0,4,1\n')).train.x), [1, 2, 3, 4]);
  assert.deepEqual(Array.from((await read(',a,label\n5,1,0\n6,2,1\n7,3,0\n1,4,1\n2,5,0\n')).train.x), [1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from((await read('"","a","label"\n"r1",1,0\n"r2",2,1\n"r3",3,0\n')).train.x), [1, 2, 3]);
  // Nothing left but the index and the label: said so, at the label — pandas' Series.to_csv, `,label`,
  // guessed a header too (read as a sample until 2026-12: `indexed.csv:1:1: expected a number in field 1, found ""`),
  // whatever its labels and however many index columns; and `Unnamed: 0`, as before.
  const noFeatures = (index: string) =>
    exactly(`indexed.csv:1:1: every column but the row index (${index}, left out; name it in the header to train on it) is a label: a sample needs at least one feature column — the file holds a row index and labels, no features (as pandas' Series.to_csv writes one column): write the feature columns beside the labels`);
  for (const [text, over] of [[',label\n0,1\n1,0\n', { header: true }], [',label\n0,1\n1,0\n', {}], [',label\n0,cat\n1,dog\n', {}], ['Unnamed: 0,label\n0,1\n1,0\n', {}], [',y\n0,0.5\n1,1.5\n', { task: 'regression' }]] as const) {
    await rejectsAt(read(text, over), { path: 'data.label', message: noFeatures('the unnamed first column'), line: 1, column: 1 });
  }
  await rejectsAt(read(',,label\n0,0,1\n0,1,0\n'), { path: 'data.label', message: noFeatures('the 2 unnamed first columns') });
  // Blank features after the label are no row index: a sample's, an error at the field.
  await rejectsAt(read('cat,\ndog,1\n', { label: 0 }), { path: 'data.trainFile', message: exactly('indexed.csv:1:5: expected a number in field 2, found ""') });
});

test('labels that cannot be a classification are refused: an identifier for a label, a first line\'s label that no other line has', async () => {
  // The default label is the last column: here an id, 100 classes of one sample (trained to 2% until 2026-12).
  const ids = (id: (i: number) => string, n = 100) => `a,b,label,id\n${Array.from({ length: n }, (_, i) => `${i % 7},${i % 3},${i % 2},${id(i)}`).join('\n')}\n`;
  for (const id of [(i: number) => `s${String(i).padStart(4, '0')}`, (i: number) => String(i)]) {
    write(dir, 'ids.csv', ids(id));
    await rejectsAt(loadDataset(spec({ trainFile: 'ids.csv' }), o), { path: 'data.trainFile', message: /^ids.csv:2:7: the 100 training labels are all different, each a class of one sample: are they the labels, or an identifier of each sample\? Check which column or file holds the labels; for numeric targets set "task": "regression", or "classes" if this is meant$/, line: 2, column: 7 });
  }
  // Not a misfire on many classes of few samples (60 samples of 30 classes: a first version refused it), nor under 50 labels.
  write(dir, 'many.csv', `a,label\n${Array.from({ length: 60 }, (_, i) => `${i % 13},${i % 30}`).join('\n')}\n`);
  assert.equal((await loadDataset(spec({ trainFile: 'many.csv' }), o)).train.count, 60);
  write(dir, 'ids.csv', ids(String, 49));
  assert.equal((await loadDataset(spec({ trainFile: 'ids.csv' }), o)).train.count, 49);
  write(dir, 'ids.csv', ids(String));
  // The label column named: read (the id a feature); meant: "classes" says so.
  assert.equal((await loadDataset(spec({ trainFile: 'ids.csv', label: 'label' }), o)).train.count, 100);
  assert.equal((await loadDataset(spec({ trainFile: 'ids.csv', classes: 100 }), o)).train.count, 100);
  // Years over class names: the first line was read as a sample, and "region" was a class of one.
  const rows = Array.from({ length: 30 }, (_, i) => `${i / 10},${i / 7},${i / 3},${['north', 'south'][i % 2]}`).join('\n');
  write(dir, 'years.csv', `1990,2000,2010,region\n${rows}\n`);
  await rejectsAt(loadDataset(spec({ trainFile: 'years.csv' }), o), {
    path: 'data.trainFile',
    message: exactly('years.csv:1:16: the first line\'s label "region" is on no other line, so it is no class: the first line is read as a sample, not a header, since its field 1 ("1990") is a number — if it names the columns, set "header": true; if it is a sample, "header": false'),
  });
  assert.deepEqual((await loadDataset(spec({ trainFile: 'years.csv', header: true }), o)).classNames, ['north', 'south']);
  // Not where every line is not known: the first N lines kept, or a test file that may hold the class.
  write(dir, 'bird.csv', `1.0,2.0,bird\n${Array.from({ length: 28 }, (_, i) => `${i / 10},${i / 7},${['cat', 'dog'][i % 2]}`).join('\n')}\n0.3,0.3,bird\n`);
  assert.equal((await loadDataset(spec({ trainFile: 'bird.csv', train: 10 }), o)).train.count, 10);
  write(dir, 'bird-train.csv', `1.0,2.0,bird\n${Array.from({ length: 28 }, (_, i) => `${i / 10},${i / 7},${['cat', 'dog'][i % 2]}`).join('\n')}\n`);
  write(dir, 'bird-test.csv', '0.5,0.5,cat\n0.3,0.3,bird\n');
  assert.deepEqual((await loadDataset(spec({ trainFile: 'bird-train.csv', testFile: 'bird-test.csv' }), o)).classNames, ['bird', 'cat', 'dog']);
  // A headerless file whose first class is also on other lines (UCI's iris) is read as before.
  write(dir, 'iris2.csv', `5.1,3.5,Iris-setosa\n4.9,3.0,Iris-setosa\n7.0,3.2,Iris-versicolor\n`);
  assert.deepEqual((await loadDataset(spec({ trainFile: 'iris2.csv' }), o)).classNames, ['Iris-setosa', 'Iris-versicolor']);
});

test('pandas\' default column names over whole numbers are a header, said in the data line, unless the next line is another run like them; such a sample whose label no other line has is refused', async () => {
  // DataFrame(int_array).to_csv(index=False), as pandas writes it: the names 0,1,2,3 over whole numbers.
  // Until 2026-12-03 the line was read as a sample: a 4th class of one when no other line had label 3
  // (refused then), and silently a sample of class 3 when one had (the labels 0–3 here).
  const frame = Array.from({ length: 30 }, (_, i) => `${(i * 7) % 10},${(i * 3) % 11},${(i * 5) % 9},${i % 4}`).join('\n');
  write(dir, 'pd.csv', `0,1,2,3\n${frame}\n`);
  const d = await loadDataset(spec({ trainFile: 'pd.csv' }), o);
  assert.equal(d.train.count, 30);
  assert.equal(d.train.features, 3);
  assert.deepEqual(Array.from(d.train.x.subarray(0, 6)), [0, 0, 0, 7, 3, 5]);
  assert.equal(d.train.targets.kind === 'classes' && d.train.targets.classCount, 4);
  assert.match(d.source, /^CSV pd\.csv \(with a header line; its first line, "0,1,2,3", guessed pandas' default column names \(DataFrame\(array\)\.to_csv\(index=False\)\), not a sample — "header": false reads it as one\): 30 training samples of 3 features; 4 classes/);
  // Said so, and "header": false reads it as a sample (31, the line's label 3 a class the file has); "header": true says nothing.
  assert.equal((await loadDataset(spec({ trainFile: 'pd.csv', header: false }), o)).train.count, 31);
  assert.doesNotMatch((await loadDataset(spec({ trainFile: 'pd.csv', header: true }), o)).source, /guessed/);
  // Labels 0–2, no other line with 3 (refused until 2026-12-03): a header, 3 classes; regression targets the same.
  const three = Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 7},${i % 3},${i % 3}`).join('\n');
  write(dir, 'pd3.csv', `0,1,2,3\n${three}\n`);
  const d3 = await loadDataset(spec({ trainFile: 'pd3.csv' }), o);
  assert.equal(d3.train.count, 30);
  assert.equal(d3.train.targets.kind === 'classes' && d3.train.targets.classCount, 3);
  assert.equal((await loadDataset(spec({ trainFile: 'pd3.csv', task: 'regression' }), o)).train.count, 30);
  // DataFrame(np.arange(12).reshape(4, 3)): the next line repeats 0,1,2 — a header still.
  write(dir, 'arange.csv', '0,1,2\n0,1,2\n3,4,5\n6,7,8\n9,10,11\n');
  const arange = await loadDataset(spec({ trainFile: 'arange.csv', task: 'regression' }), o);
  assert.equal(arange.train.count, 4);
  assert.deepEqual(Array.from(arange.train.x), [0, 1, 3, 4, 6, 7, 9, 10]);
  // A file of runs (each line k, k + 1, k + 2): its first line 0,1,2 is a sample like the others, said so.
  write(dir, 'runs.csv', '0,1,2\n1,2,3\n2,3,2\n3,4,3\n4,5,2\n');
  const runs = await loadDataset(spec({ trainFile: 'runs.csv' }), o);
  assert.equal(runs.train.count, 5);
  assert.match(runs.source, /^CSV runs\.csv \(no header line; its first line, "0,1,2", guessed a sample, not pandas' default column names, as the next line, "1,2,3", is another run of whole numbers like it — "header": true reads it as the names\)/);
  // Such a sample whose label no other line has: refused at it, as before, saying why it was read so.
  const said = (files: string) =>
    exactly(`runs.csv:1:5: the first line is 0, 1, …, as pandas names the columns of a frame made from an array (DataFrame(array).to_csv()), and its label 2 is on no other line of ${files}, so it is no class: the first line is read as a sample, not a header, since the next line ("1,2,3") is another run of whole numbers like it — if it names the columns, set "header": true; if it is a sample, "header": false`);
  write(dir, 'runs.csv', '0,1,2\n1,2,3\n2,3,0\n3,4,1\n4,5,0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'runs.csv' }), o), { path: 'data.trainFile', message: said('runs.csv'), line: 1, column: 5 });
  // A test file written alike (its own first line a run too): refused at the training file.
  write(dir, 'runs-test.csv', '0,1,2\n1,2,3\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'runs.csv', testFile: 'runs-test.csv' }), o), { path: 'data.trainFile', message: said('runs.csv or runs-test.csv') });
  // A test sample of class 2 (another line than its first): the class is real, the line a sample.
  write(dir, 'runs-test.csv', '5,6,0\n6,7,2\n');
  assert.equal((await loadDataset(spec({ trainFile: 'runs.csv', testFile: 'runs-test.csv' }), o)).train.count, 5);
  // Not where every line is not known (the first N kept), nor for regression targets.
  assert.equal((await loadDataset(spec({ trainFile: 'runs.csv', train: 3 }), o)).train.count, 3);
  assert.equal((await loadDataset(spec({ trainFile: 'runs.csv', task: 'regression' }), o)).train.count, 5);
  // With pandas' index (to_csv()'s default), `,0,1,2,3` is a header whatever follows; the index column is left out.
  write(dir, 'pd-index.csv', `,0,1,2,3\n${three.split('\n').map((r, i) => `${i},${r}`).join('\n')}\n`);
  const indexed = await loadDataset(spec({ trainFile: 'pd-index.csv' }), o);
  assert.equal(indexed.train.count, 30);
  assert.equal(indexed.train.features, 3);
  assert.match(indexed.source, /with a header line; its unnamed first column, a row index, left out\): 30 training samples of 3 features; 3 classes/);
});

test('a field that is no number says what it may be meant as (a word processor\'s minus sign, a decimal comma or thousands separator, a trailing delimiter), and a first line that is no CSV line what it is', async () => {
  const cases: Array<[string, Partial<CsvSpec>, RegExp]> = [
    ['a,b,label\n\u22121.5,2,0\n1,2,1\n', {}, /found "−1.5" — its minus sign is U\+2212, not "-": write it with "-"$/],
    ['a;b;label\n0,1257;2;0\n1;2;1\n', { delimiter: ';' }, /found "0,1257" — a decimal comma, or a thousands separator\? Write numbers with a decimal point and no separator \(0.5, 1000\)$/],
    ['a,b,label\n"1,000",2,0\n1,2,1\n', {}, /found "1,000" — a decimal comma, or a thousands separator\?/],
    // Characters that look like a space or a digit (a message shows a space, a digit), and a space after the sign.
    ['a,b,label\n3,\u00a02,1\n1,2,1\n', {}, /found "\u00a02" — it holds U\+00A0 \(a no-break space\), which is no space or tab: write the number without it$/],
    ['a,b,label\n3,\uff12,1\n1,2,1\n', {}, /found "２" — it holds fullwidth characters \(U\+FF12 "２"\): write the number in ASCII digits$/],
    ['a,b,label\n3,- 1,1\n1,2,1\n', {}, /found "- 1" — a space between the sign and the digits: write -1$/],
    ['a,b,y\n1,2,1e39\n1,2,1\n', { task: 'regression' }, /expected a number as the regression target in field 3 \("y"\), found "1e39" \(beyond the float32 range, ±3.4e38\)$/],
    ['a,b,label,\n1,2,0,\n1,2,1,\n', {}, /expected a class label in field 4 \(""\), found an empty field — the lines end with the delimiter, which makes an empty last column: remove it, or give "label"$/],
    // The label column unnamed, one label missing further down: no trailing-delimiter advice (it would delete the labels).
    ['a,b,\n1,2,0\n1,2,1\n3,4,\n', {}, /expected a class label in field 3 \(""\), found an empty field$/],
    // Without a header (until 2026-12 no advice), as a class label, a regression target or a feature:
    // the second line ending with the delimiter too says that the lines do (a one-line file, its one).
    ['1,2,3,\n4,5,6,\n', {}, exactly('hint.csv:1:7: expected a class label in field 4, found an empty field — the lines end with the delimiter, which makes an empty last column: remove it, or give "label"')],
    ['1,2,3,\n', {}, exactly('hint.csv:1:7: expected a class label in field 4, found an empty field — the lines end with the delimiter, which makes an empty last column: remove it, or give "label"')],
    ['1,2,3,\n4,5,6,\n', { task: 'regression' }, exactly('hint.csv:1:7: expected a number as the regression target in field 4, found "" — the lines end with the delimiter, which makes an empty last column: remove it, or give "label"')],
    ['1,2,3,\n4,5,6,\n', { label: 2, header: false }, exactly('hint.csv:1:7: expected a number in field 4, found "" — the lines end with the delimiter, which makes an empty last column: remove it')],
    // A header's empty last name over a feature: the lines end with it.
    ['a,label,\n1,0,\n2,1,\n', { label: 'label' }, exactly('hint.csv:2:5: expected a number in field 3 (""), found "" — the lines end with the delimiter, which makes an empty last column: remove it')],
    // Not for the first line's alone (a label missing there), past the first sample, nor for a field that is not the last.
    ['1,2,\n4,5,6\n', {}, exactly('hint.csv:1:5: expected a class label in field 3, found an empty field')],
    ['1,2,3\n4,5,\n', {}, exactly('hint.csv:2:5: expected a class label in field 3, found an empty field')],
    ['1,,3\n4,5,6\n', {}, exactly('hint.csv:1:3: expected a number in field 2, found ""')],
    // A later line alone ending with the delimiter, with or without a header (until 2026-12 the count alone),
    // and the first line alone: the field count says which.
    ['1,2,3\n4,5,6\n7,8,9,\n', {}, exactly('hint.csv:3:1: expected 3 fields, as the first line has, found 4 — this line ends with the delimiter, which makes an empty last field the first line lacks: remove it')],
    ['a,b,label\n1,2,0\n4,5,1\n7,8,1,\n', {}, exactly('hint.csv:4:1: expected 3 fields, as the first line has, found 4 — this line ends with the delimiter, which makes an empty last field the first line lacks: remove it')],
    // The first line's, located there, at its empty last field (until 2026-12-02 at line 2, which named the first).
    ['a,b,label,\n1,2,0\n', {}, exactly('hint.csv:1:11: 4 fields, where line 2 has 3 — the first line ends with the delimiter, which makes an empty last field line 2 lacks: remove it')],
    ['\n\nid;label;\n1;0\n', { delimiter: ';' }, exactly('hint.csv:3:10: 3 fields, where line 4 has 2 — the first line ends with the delimiter, which makes an empty last field line 4 lacks: remove it')],
    // Not for a field more that is not empty, nor a field fewer where the first line's last is not empty.
    ['1,2,3\n4,5,6,7\n', {}, exactly('hint.csv:2:1: expected 3 fields, as the first line has, found 4')],
    ['a,b,label,x\n1,2,0,7\n1,2,0\n', {}, exactly('hint.csv:3:1: expected 4 fields, as the first line has, found 3')],
    // A first line that is no CSV line: Excel's delimiter note, a comment.
    ['sep=;\na;b;label\n1;2;0\n3;4;1\n', {}, /every column is a label: a sample needs at least one feature column — the first line, "sep=;", is Excel's note of the delimiter, not CSV: remove it, and set "delimiter": ";"$/],
    ['sep=,\na,b,c,label\n1,2,3,0\n', {}, /expected 2 fields, as the first line has, found 4 — the first line, "sep=,", is Excel's note of the delimiter, not CSV: remove it$/],
    ['# made by hand\na,b,label\n1,2,0\n', {}, /every column is a label: a sample needs at least one feature column — the first line starts with "#": CSV has no comment lines, remove it$/],
  ];
  for (const [text, over, message] of cases) {
    write(dir, 'hint.csv', text);
    await rejectsAt(loadDataset(spec({ trainFile: 'hint.csv', ...over }), o), { path: /every column is a label/.test(message.source) ? 'data.label' : 'data.trainFile', message });
  }
});

test('a test file whose lines end with the delimiter, one field more than the training file\'s, is told so, as a line of one file is', async () => {
  write(dir, 'ends-train.csv', '1,2,0\n3,4,1\n5,6,0\n');
  write(dir, 'ends-test.csv', '1,2,0,\n3,4,1,\n');
  // Until 2026-12-02 the counts alone.
  await rejectsAt(loadDataset(spec({ trainFile: 'ends-train.csv', testFile: 'ends-test.csv' }), o), { path: 'data.testFile', message: exactly('ends-test.csv:1:1: 4 fields, where ends-train.csv has 3: the files must have the same columns — this file\'s first line ends with the delimiter, which makes an empty last field ends-train.csv lacks: remove it'), line: 1, column: 1 });
  // A header line too.
  write(dir, 'ends-train.csv', 'a,b,label\n1,2,0\n3,4,1\n');
  write(dir, 'ends-test.csv', 'a,b,label,\n1,2,0,\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'ends-train.csv', testFile: 'ends-test.csv' }), o), { path: 'data.testFile', message: exactly('ends-test.csv:1:1: 4 fields, where ends-train.csv has 3: the files must have the same columns — this file\'s first line ends with the delimiter, which makes an empty last field ends-train.csv lacks: remove it') });
  // Not for a field more that is not empty.
  write(dir, 'ends-test.csv', '1,2,0,7\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'ends-train.csv', testFile: 'ends-test.csv' }), o), { path: 'data.testFile', message: exactly('ends-test.csv:1:1: 4 fields, where ends-train.csv has 3: the files must have the same columns') });
});

test('"header" true or false is obeyed whatever the first line holds', async () => {
  write(dir, 'forced.csv', '1,NaN,0\n3,4,1\n5,6,0\n7,8,1\n');
  const t = await loadDataset(spec({ trainFile: 'forced.csv', header: true }), o);
  assert.equal(t.train.count, 3);
  assert.match(t.source, /with a header line/);
  assert.deepEqual(Array.from(t.train.x), [3, 4, 5, 6, 7, 8]);
  await rejectsAt(loadDataset(spec({ trainFile: 'forced.csv', header: false }), o), { path: 'data.trainFile', message: exactly('forced.csv:1:3: expected a number in field 2, found "NaN"'), line: 1, column: 3 });
  write(dir, 'forced.csv', '1,2,0\n3,4,1\n');
  const numbers = await loadDataset(spec({ trainFile: 'forced.csv', header: true, classes: 2 }), o);
  assert.equal(numbers.train.count, 1);
  assert.match(numbers.source, /with a header line/);
  const plain = await loadDataset(spec({ trainFile: 'forced.csv', header: false }), o);
  assert.equal(plain.train.count, 2);
  assert.match(plain.source, /no header line/);
  write(dir, 'forced.csv', 'a,b,y\n1,2,0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'forced.csv', header: false }), o), { path: 'data.trainFile', message: exactly('forced.csv:1:1: expected a number in field 1, found "a"'), line: 1, column: 1 });
});

test('labels that mix class indices and names are refused at the odd one: a missing value is not a class', async () => {
  // NaN among class indices once made every label a name: classes "0", "1" and "NaN", trained without a word.
  write(dir, 'marked.csv', 'a,b,y\n0.1,0.2,0\n0.3,0.1,1\n0.5,0.5,NaN\n0.2,0.9,1\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'marked.csv' }), o), {
    path: 'data.trainFile',
    message: exactly('marked.csv:4:9: label "NaN" is not a number, but the other training labels are class indices (0 and 1): a missing value? The labels are all class indices or all class names — give the sample its class, or leave it out'),
    line: 4,
    column: 9,
  });
  for (const marker of ['nan', 'inf', '-Infinity', 'NA', 'N/A', '?', 'null', 'None', 'missing']) {
    write(dir, 'marked.csv', `a,b,y\n0.1,0.2,0\n0.3,0.1,1\n0.5,0.5,${marker}\n0.2,0.9,1\n`);
    await rejectsAt(loadDataset(spec({ trainFile: 'marked.csv' }), o), { path: 'data.trainFile', message: new RegExp(`^marked\\.csv:4:9: label ${JSON.stringify(marker).replace(/[?]/g, '\\?')} is not a number`), line: 4, column: 9 });
  }
  // A number among names is the odd one there; so is a marker in the test file, located in it.
  write(dir, 'pets.csv', 'a,y\n1,cat\n2,dog\n3,0\n4,cat\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'pets.csv' }), o), { path: 'data.trainFile', message: exactly('pets.csv:4:3: label 0 is a number, but the other training labels are class names ("cat" and "dog"): the labels are all class indices or all class names — write this class as a name'), line: 4, column: 3 });
  write(dir, 'train01.csv', 'a,y\n1,0\n2,1\n');
  write(dir, 'test01.csv', 'a,y\n1,1\n2,?\n3,0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'train01.csv', testFile: 'test01.csv' }), o), { path: 'data.testFile', message: /^test01\.csv:3:3: label "\?" is not a number, but the other test labels are class indices \(0 and 1\)/, line: 3, column: 3 });
  // Names throughout, however they are spelled, are names.
  write(dir, 'codes.csv', 'a,y\n1,NA\n2,EU\n3,NA\n');
  assert.deepEqual((await loadDataset(spec({ trainFile: 'codes.csv' }), o)).classNames, ['EU', 'NA']);
  // But a missing value's spelling on a sample or two among class names is a gap, not a class: R's NA
  // once after 20 rows of x, y, z trained as a fourth class (a breaker's finding).
  const rows = Array.from({ length: 20 }, (_, i) => `${i % 5},${i % 7},${'xyz'[i % 3]}`);
  for (const marker of ['NA', 'NaN', 'None', '?', '#N/A']) {
    write(dir, 'gaps.csv', ['a,b,label', ...rows, `1,2,${marker}`, ''].join('\n'));
    await rejectsAt(loadDataset(spec({ trainFile: 'gaps.csv' }), o), {
      path: 'data.trainFile',
      message: exactly(`gaps.csv:22:5: label ${JSON.stringify(marker)} spells a missing value (as R, pandas or a spreadsheet writes one), on 1 training sample where the smallest other class has 6: as a class it would be learnt from the samples missing theirs — give each sample its class, or leave it out; if it is a class, set "classes"`),
      line: 22,
      column: 5,
    });
  }
  assert.deepEqual((await loadDataset(spec({ trainFile: 'gaps.csv', classes: 4 }), o)).classNames, ['#N/A', 'x', 'y', 'z'], '"classes" says it is meant');
  // A class of its own size is a name: None beside Mild and Severe.
  write(dir, 'severity.csv', 'a,y\n1,None\n2,Mild\n3,Severe\n4,None\n5,Mild\n6,Severe\n');
  assert.deepEqual((await loadDataset(spec({ trainFile: 'severity.csv' }), o)).classNames, ['Mild', 'None', 'Severe']);
});

test('a training set of one class is refused when the classes are counted from its labels; "classes" allows it', async () => {
  // Labels all 1 were two classes, 0 never occurring; labels all 0 were refused only when training began.
  for (const [label, said] of [['1', '1'], ['0', '0'], ['cat', '"cat"']]) {
    write(dir, 'one-class.csv', `a,y\n1,${label}\n2,${label}\n3,${label}\n`);
    await rejectsAt(loadDataset(spec({ trainFile: 'one-class.csv' }), o), {
      path: 'data.trainFile',
      message: exactly(`one-class.csv:2:3: every training label is ${said}: a classifier needs samples of at least two classes — set "classes" if the others are meant to be absent`),
      line: 2,
      column: 3,
    });
  }
  write(dir, 'one-class.csv', 'a,y\n1,1\n2,1\n');
  const d = await loadDataset(spec({ trainFile: 'one-class.csv', classes: 2 }), o);
  assert.ok(d.train.targets.kind === 'classes');
  assert.equal(d.train.targets.classCount, 2);
});

test('class names are indexed in sorted order across both files; several label columns are regression targets', async () => {
  write(dir, 'iris.csv', 'sepal,petal,species\n1,2,setosa\n3,4,"virginica"\n5,6,versicolor\n7,8,setosa\n');
  write(dir, 'iris-test.csv', 'sepal,petal,species\n9,10,virginica\n11,12,arctica\n');
  // "arctica" is in the test file only: taken with "classes" (else refused: see the next test).
  const d = await loadDataset(spec({ trainFile: 'iris.csv', testFile: 'iris-test.csv', classes: 4 }), o);
  assert.deepEqual(d.classNames, ['arctica', 'setosa', 'versicolor', 'virginica']);
  assert.ok(d.train.targets.kind === 'classes' && d.test?.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), [1, 3, 2, 1]);
  assert.deepEqual(Array.from(d.test.targets.labels), [3, 0]);
  assert.equal(d.train.targets.classCount, 4);
  await rejectsAt(loadDataset(spec({ trainFile: 'iris.csv', classes: 2 }), o), { path: 'data.classes', message: /the labels name 3 classes \("setosa", "versicolor", "virginica"\), more than "classes": 2/ });
  write(dir, 'multi.csv', 'a,y1,b,y2\n1,10,2,20\n3,30,4,40\n');
  const m = await loadDataset(spec({ trainFile: 'multi.csv', label: ['y1', 'y2'], task: 'regression' }), o);
  assert.deepEqual(Array.from(m.train.x), [1, 2, 3, 4]);
  assert.ok(m.train.targets.kind === 'regression');
  assert.equal(m.train.targets.outputs, 2);
  assert.deepEqual(Array.from(m.train.targets.values), [10, 20, 30, 40]);
  await rejectsAt(loadDataset(spec({ trainFile: 'multi.csv', label: ['y1', 'y2'] }), o), { path: 'data.label', message: /class labels are one column/ });
});

test('test labels that no training sample has are refused at the first of them (numbers in training, names in test)', async () => {
  // Before, training labels 0/1 and test labels cat/dog made the classes ['0', '1', 'cat', 'dog'] and a test accuracy over classes never trained.
  write(dir, 'pets.csv', 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n');
  write(dir, 'pets-test.csv', 'a,b,y\n1,2,cat\n3,4,dog\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'pets.csv', testFile: 'pets-test.csv' }), o), {
    path: 'data.testFile',
    message: exactly('pets-test.csv:2:5: test labels "cat" and "dog" never occur in the training set (labels "0" and "1"): classes the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack them'),
    line: 2,
    column: 5,
  });
  write(dir, 'pets-test2.csv', 'a,b,y\n1,2,1\n3,4,1\n5,6,2\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'pets.csv', testFile: 'pets-test2.csv' }), o), {
    path: 'data.testFile',
    message: exactly('pets-test2.csv:4:5: test label 2 never occurs in the training set (labels 0 and 1): a class the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack it'),
    line: 4,
    column: 5,
  });
  const counted = await loadDataset(spec({ trainFile: 'pets.csv', testFile: 'pets-test2.csv', classes: 3 }), o);
  assert.equal(counted.test?.targets.kind === 'classes' && counted.test.targets.classCount, 3);
});

test('subsets of a CSV: the first N stop the reading (later lines are never parsed); a seed picks N at random', async () => {
  write(dir, 'broken-tail.csv', 'a,y\n1,0\n2,1\n3,0\nbroken,"\n');
  const d = await loadDataset(spec({ trainFile: 'broken-tail.csv', train: 3 }), o);
  assert.deepEqual(Array.from(d.train.x), [1, 2, 3]);
  await rejectsAt(loadDataset(spec({ trainFile: 'broken-tail.csv' }), o), { path: 'data.trainFile', message: /^broken-tail.csv:5:8: the quoted field that starts here is never closed/, line: 5, column: 8 });
  const n = 50;
  write(dir, 'many.csv', Array.from({ length: n }, (_, i) => `${i},${i % 2}`).join('\n'));
  const r = await loadDataset(spec({ trainFile: 'many.csv', train: 10, subsetSeed: 3 }), o);
  const xs = Array.from(r.train.x);
  assert.equal(new Set(xs).size, 10);
  assert.ok(xs.every((v, i) => i === 0 || v > xs[i - 1]), 'in file order');
  assert.notDeepEqual(xs, Array.from({ length: 10 }, (_, i) => i));
  assert.ok(r.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(r.train.targets.labels), xs.map((v) => v % 2));
  // The data line: the features after the samples, then how they were chosen ("… at random, seed 3 of 1 feature" read as a count).
  assert.match(r.source, /^CSV many\.csv \(no header line\): 10 training samples of 1 feature at random \(seed 3\); 2 classes/);
  await rejectsAt(loadDataset(spec({ trainFile: 'many.csv', train: 51 }), o), { path: 'data.train', message: /51 training samples asked for, many.csv has 50/ });
});

test('a CSV of several megabytes is read across block boundaries without loss', async () => {
  const n = 20_000;
  const f = 12;
  const values = randomNormals(4, n * f);
  const rows = Array.from({ length: n }, (_, i) => `${values.slice(i * f, (i + 1) * f).map((v) => v.toPrecision(17)).join(',')},"class ${i % 7}"`);
  write(dir, 'big.csv', rows.join('\r\n'));
  const d = await loadDataset(spec({ trainFile: 'big.csv', header: false }), o);
  assert.equal(d.train.count, n);
  let mismatches = 0;
  for (let k = 0; k < n * f; k++) if (d.train.x[k] !== Math.fround(values[k])) mismatches++;
  assert.equal(mismatches, 0);
  assert.ok(d.train.targets.kind === 'classes');
  assert.equal(d.train.targets.labels[12345], 12345 % 7);
});

test('bad CSV files: each a located message', async () => {
  const cases: Array<[string, Partial<CsvSpec>, Parameters<typeof rejectsAt>[1]]> = [
    ['a,b,y\n1,2,0\n3,NaN,1\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:3: expected a number in field 2 \("b"\), found "NaN"/, line: 3, column: 3 }],
    ['a,b,y\n1,2,0\n3,,1\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:3: expected a number in field 2 \("b"\), found ""/, line: 3, column: 3 }],
    ['a,b,y\n1,2,0\n3,1e39,1\n', {}, { path: 'data.trainFile', message: /found "1e39" \(beyond the float32 range/, line: 3, column: 3 }],
    ['a,b,y\n1,2,0\n3,4\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:1: expected 3 fields, as the first line has, found 2/, line: 3, column: 1 }],
    ['a,b,y\n1,2,0\n3,4,2.5\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:5: label 2.5 is not a class index .*"task": "regression"/, line: 3, column: 5 }],
    // The label as the file writes it, not its 64-bit value (2.5, Infinity).
    ['a,b,y\n1,2,0\n3,4,2.50\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:5: label 2.50 is not a class index/, line: 3, column: 5 }],
    ['a,b,y\n1,2,0\n3,4,1e400\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:5: label 1e400 is not a class index/, line: 3, column: 5 }],
    // Written nonzero, read as 0: no class index either (until 2026-12-03 it was class 0 while 1e-46 was refused).
    ['a,b,y\n1,2,0\n3,4,1e-400\n', {}, { path: 'data.trainFile', message: /^bad.csv:3:5: label 1e-400 is not a class index/, line: 3, column: 5 }],
    ['a,b,y\n1,2,0\n3,4,7\n', { classes: 5 }, { path: 'data.trainFile', message: /^bad.csv:3:5: label 7 is beyond the 5 classes \(labels 0 to 4\)/, line: 3, column: 5 }],
    ['a,b,y\n1,2,0\n3,4, \n', {}, { path: 'data.trainFile', message: /^bad.csv:3:5: expected a class label in field 3 \("y"\), found an empty field/ }],
    ['a,b,y\n1,2,cat\n', { task: 'regression' }, { path: 'data.trainFile', message: /^bad.csv:2:5: expected a number as the regression target in field 3 \("y"\), found "cat"/ }],
    ['a,b,y\n1,2,0\n', { label: 'z' }, { path: 'data.label', message: /no column "z" in the header of bad.csv \("a", "b", "y"\)/ }],
    // A name the header holds twice: the first was the label, the other a feature (the target leaked into the inputs).
    ['a,label,label\n1,0,1\n3,1,0\n', { label: 'label' }, { path: 'data.label', message: /^the header of bad.csv names "label" more than once \(columns 1 and 2, counting from 0\): give the label column by its index$/ }],
    ['x,x,label\n1,0,1\n3,1,0\n', { label: 'x', task: 'regression' }, { path: 'data.label', message: /names "x" more than once \(columns 0 and 1/ }],
    ['1,2,0\n', { label: 'y' }, { path: 'data.label', message: /a column name needs a header line/ }],
    ['1,2,0\n', { label: 3 }, { path: 'data.label', message: /column index 3 is outside the 3 columns of bad.csv/ }],
    // 0-based, as the label's indices are (it said "column 1" of index 0).
    ['1,2,0\n', { label: [0, -3], task: 'regression' }, { path: 'data.label', message: /^column 0 is named twice as a label \(columns count from 0\)$/ }],
    ['a,b,y\n1,2,0\n', { label: ['y', 2], task: 'regression' }, { path: 'data.label', message: /^column 2 \("y"\) is named twice as a label \(columns count from 0\)$/ }],
    ['y\n1\n', {}, { path: 'data.label', message: /every column is a label/ }],
    ['', {}, { path: 'data.trainFile', message: /^bad.csv: the file has no lines/ }],
    ['a,b,y\n', {}, { path: 'data.trainFile', message: /the file has a header and no samples/ }],
    ['a,b,y\n1,2,"0"x\n', {}, { path: 'data.trainFile', message: /^bad.csv:2:8: expected the delimiter or the end of the line after the closing quote/ }],
  ];
  for (const [text, over, expected] of cases) {
    write(dir, 'bad.csv', text);
    await rejectsAt(loadDataset(spec({ trainFile: 'bad.csv', ...over }), o), expected);
  }
  write(dir, 'good.csv', 'a,b,y\n1,2,0\n');
  write(dir, 'other.csv', 'a,c,y\n1,2,0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'good.csv', testFile: 'other.csv' }), o), { path: 'data.testFile', message: /^other.csv:1:3: column 2 is "c", where good.csv has "b"/ });
  write(dir, 'narrow.csv', 'a,y\n1,0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'good.csv', testFile: 'narrow.csv' }), o), { path: 'data.testFile', message: /2 fields, where good.csv has 3/ });
});

test('a file read with the wrong delimiter: the column problems say which delimiter the first line holds', async () => {
  // Before: only "every column is a label: a sample needs at least one feature column".
  const hint = (name: string, json: string) => ` — the first line holds ${name}: if they separate the fields, set "delimiter": ${json}`;
  const cases: Array<[string, Partial<CsvSpec>, string, string]> = [
    ['a;b;y\n1;2;0\n3;4;1\n', {}, 'data.label', `semi.csv:1:1: every column is a label: a sample needs at least one feature column${hint('semicolons', '";"')}`],
    ['1;2;0\n3;4;1\n', {}, 'data.label', `semi.csv:1:1: every column is a label: a sample needs at least one feature column${hint('semicolons', '";"')}`],
    ['a;b;y\n1;2;0\n', { label: 'y' }, 'data.label', `no column "y" in the header of semi.csv ("a;b;y")${hint('semicolons', '";"')}`],
    ['1;2;0\n', { label: 2 }, 'data.label', `column index 2 is outside the 1 column of semi.csv (0 to 0, or −1 to −1 from the end)${hint('semicolons', '";"')}`],
    ['a\tb\ty\n1\t2\t0\n', {}, 'data.label', `semi.csv:1:1: every column is a label: a sample needs at least one feature column${hint('tabs', '"\\t"')}`],
    ['a,b,y\n1,2,0\n', { delimiter: ';' }, 'data.label', `semi.csv:1:1: every column is a label: a sample needs at least one feature column${hint('commas', '","')}`],
    // Nothing else on the line: no hint.
    ['y\n1\n', {}, 'data.label', 'semi.csv:1:1: every column is a label: a sample needs at least one feature column'],
  ];
  for (const [text, over, path, message] of cases) {
    write(dir, 'semi.csv', text);
    await rejectsAt(loadDataset(spec({ trainFile: 'semi.csv', ...over }), o), { path, message: exactly(message) });
  }
  // The hint, followed, reads the file.
  write(dir, 'semi.csv', 'a;b;y\n1;2;0\n3;4;1\n');
  assert.equal((await loadDataset(spec({ trainFile: 'semi.csv', delimiter: ';' }), o)).train.features, 2);
});

test('a byte that is not UTF-8, or a control character, anywhere in the file is an error at it; a character across two blocks is read', async () => {
  // Windows-1252 past the first 4 KiB (and the first 1 MiB block): ü and ö became U+FFFD, and Müller
  // and Möller one class (until 2026-12); a NUL or ESC became part of a class name.
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${(i % 7) / 10},${(i % 5) / 10},Bern`).join('\n');
  const head = `a,b,city\n${rows(100_000)}\n`;
  const latin = new Uint8Array([...new TextEncoder().encode(head), ...new TextEncoder().encode('0.1,0.2,M'), 0xfc, ...new TextEncoder().encode('ller\n')]);
  assert.ok(latin.length > 1 << 20);
  write(dir, 'late.csv', latin);
  const at = new TextEncoder().encode(head).length + '0.1,0.2,M'.length;
  await rejectsAt(loadDataset(spec({ trainFile: 'late.csv' }), o), { path: 'data.trainFile', message: exactly(`late.csv, byte ${at.toLocaleString('en-US')}: expected a CSV text file in UTF-8, found text in another encoding (byte ${at.toLocaleString('en-US')} is FC, which UTF-8 text does not have there; in Latin-1 and Windows-1252 it is "ü"): save the file as UTF-8`) });
  for (const control of [0x00, 0x1b]) {
    write(dir, 'late.csv', new Uint8Array([...new TextEncoder().encode(`a,b,name\n${rows(1000)}\n0.1,0.2,d`), control, ...new TextEncoder().encode('og\n')]));
    await rejectsAt(loadDataset(spec({ trainFile: 'late.csv' }), o), { path: 'data.trainFile', message: /^late.csv, byte [\d,]+: expected CSV text, found a control character, which no field of text holds \(byte [\d,]+ is (00|1B)\)$/ });
  }
  // UTF-8 names whose bytes straddle the 1 MiB blocks: read as written, wherever the blocks cut them.
  const names = ['Zürich', 'Genève', '東京', '🙂'];
  const utf8 = `a,city\n${Array.from({ length: 200_000 }, (_, i) => `${i % 3},${names[i % 4]}`).join('\n')}\n`;
  assert.ok(new TextEncoder().encode(utf8).length > 1 << 20);
  write(dir, 'names.csv', utf8);
  const d = await loadDataset(spec({ trainFile: 'names.csv' }), o);
  assert.equal(d.train.count, 200_000);
  assert.deepEqual(d.classNames, [...names].sort());
  // And one that surely straddles: 東 from byte 2²⁰ − 1 on, its three bytes in two blocks.
  const k = Math.floor(((1 << 20) - 1 - 9) / 7);
  const straddle = `a,city\n${'0,Bern\n'.repeat(k)}1,${'x'.repeat((1 << 20) - 1 - 9 - 7 * k)}東京\n`;
  assert.equal(new TextEncoder().encode(straddle).indexOf(0xe6), (1 << 20) - 1);
  write(dir, 'straddle.csv', straddle);
  assert.deepEqual((await loadDataset(spec({ trainFile: 'straddle.csv' }), o)).classNames, ['Bern', `${'x'.repeat((1 << 20) - 1 - 9 - 7 * k)}東京`]);
  // A fault at the 1 MiB boundary is located at its byte (it was "cut short" at the next block's start):
  // E6 as a block's last byte followed by "x", and F4 90 (beyond U+10FFFF) across it.
  const block = 1 << 20;
  const lead = (bytes: readonly number[]) => {
    const pad = 'a,city\n' + '0,Bern\n'.repeat(Math.floor((block - 20) / 7));
    // The fault's first byte is the block's last.
    const filler = 'x'.repeat(block - 1 - new TextEncoder().encode(pad).length - 2);
    return new Uint8Array([...new TextEncoder().encode(`${pad}1,${filler}`), ...bytes, ...new TextEncoder().encode('x\n0,Bern\n')]);
  };
  for (const [bytes, hex] of [[[0xe6], 'E6'], [[0xf4, 0x90], 'F4']] as const) {
    const file = lead([...bytes]);
    const at = file.indexOf(bytes[0], block - 4);
    assert.ok(at < block && at + bytes.length >= block, `the fault straddles the boundary: ${at}`);
    write(dir, 'boundary.csv', file);
    await rejectsAt(loadDataset(spec({ trainFile: 'boundary.csv' }), o), { path: 'data.trainFile', message: new RegExp(`^boundary.csv, byte ${at.toLocaleString('en-US')}: .*\\(byte ${at.toLocaleString('en-US')} is ${hex},`) });
  }
  // A file whose last character is cut, past the first block: truncated, at the character's first byte.
  write(dir, 'cut.csv', new TextEncoder().encode(utf8).subarray(0, new TextEncoder().encode(utf8).length - 2));
  const cut = new TextEncoder().encode(utf8).subarray(0, new TextEncoder().encode(utf8).length - 2);
  const first = cut.length - 1 - [...cut].reverse().findIndex((b) => (b & 0xc0) !== 0x80);
  await rejectsAt(loadDataset(spec({ trainFile: 'cut.csv' }), o), { path: 'data.trainFile', message: new RegExp(`expected a CSV text file in UTF-8, found its last character cut \\(byte ${first.toLocaleString('en-US')} is [0-9A-F]{2}, the first byte of a \\d-byte character, and the file ends after \\d bytes? of it\\): truncated$`) });
});

test('a binary file given as CSV is refused as binary, with the format it looks like, never quoted back', async () => {
  // Before, the header check quoted the file's bytes: `no column "label" in the header of img.idx ("  2  _���…")`.
  const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
  const npy = new Uint8Array([0x93, ...Buffer.from('NUMPY'), 1, 0, 118, 0, ...Buffer.from("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")]);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const text = (t: string) => [...Buffer.from(t)];
  const cases: [Uint8Array, boolean, RegExp, number][] = [
    [idx, false, /^img.bin, byte 0: expected a CSV text file \(UTF-8\), found a binary one \(byte 0 is 00\): it looks like an IDX file \(use "format": "idx"\)$/, 0],
    [idx, true, /it looks like an IDX file/, 0],
    [npy, false, /^img.bin, byte 0: expected a CSV text file \(UTF-8\), found a binary one \(byte 0 is 93\): it is a NumPy .npy file \(use "format": "npy"\)$/, 0],
    [png, false, /byte 0 is 89\): it is a PNG image$/, 0],
    [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), false, exactly('img.bin, byte 2: expected a CSV text file (UTF-8), found a binary one (byte 2 is 03): it is a zip archive (unpack it and name the files inside)'), 2],
    [new Uint8Array(512).map((_, i) => (i < 8 ? 0x61 : i >= 257 && i < 262 ? Buffer.from('ustar')[i - 257] : 0)), true, exactly('img.bin, byte 8 (decompressed): expected a CSV text file (UTF-8), found a binary one (byte 8 is 00): it is a tar archive (unpack it, e.g. with tar xf, and name the files inside)'), 8],
    [new Uint8Array([...text('a,b,y\n1,2,0\n'), 0, 7, 9]), false, /found a binary one \(byte 12 is 00\)$/, 12],
    // No NUL at all: a control character, or bytes that are not UTF-8 (random bytes).
    [new Uint8Array([...text('a,b,y\n'), 0x1b, 0x02, 0x41]), false, /found a binary one \(byte 6 is 1B\)$/, 6],
    [new Uint8Array([...text('a,b,y\n'), 0xd7, 0x41, 0xfe, 0x31, 0x9c, 0xb3, 0xe2, 0x88]), false, /found a binary one \(byte 6 is D7\)$/, 6],
    // Text in another encoding than UTF-8 (it was "a binary one (byte 3 is E9)"), and UTF-8 text cut inside its last character.
    [new Uint8Array([...text('caf'), 0xe9, ...text(',b,y\n1,2,0\n')]), false, exactly('img.bin, byte 3: expected a CSV text file in UTF-8, found text in another encoding (byte 3 is E9, which UTF-8 text does not have there; in Latin-1 and Windows-1252 it is "é"): save the file as UTF-8'), 3],
    [new Uint8Array([...text('a,"'), 0x93, ...text('quoted'), 0x94, ...text('",y\n1,2,0\n')]), true, exactly('img.bin, byte 3 (decompressed): expected a CSV text file in UTF-8, found text in another encoding (byte 3 is 93, which UTF-8 text does not have there; in Windows-1252 it is "“"): save the file as UTF-8'), 3],
    [new Uint8Array([...text('a,b,y\n1,2,'), 0x81, ...text('\n')]), false, exactly('img.bin, byte 10: expected a CSV text file in UTF-8, found text in another encoding (byte 10 is 81, which UTF-8 text does not have there): save the file as UTF-8'), 10],
    [new Uint8Array([...text('a,b,y\n1,2,0\n'), 0xc3]), false, exactly('img.bin, byte 12: expected a CSV text file in UTF-8, found its last character cut (byte 12 is C3, the first byte of a 2-byte character, and the file ends after 1 byte of it): truncated'), 12],
    // Offsets in the message grouped as the location's (until 2026-12 "byte 1234" after "byte 1,234:").
    [new Uint8Array([...text(`a,b,y\n${'1,2,0\n'.repeat(204)}`), 0, 7]), false, /^img.bin, byte 1,230: .*found a binary one \(byte 1,230 is 00\)$/, 1230],
    [new Uint8Array([...text(`a,b,y\n${'1,2,0\n'.repeat(204)}`), 0xe9, ...text(',1,0\n')]), false, /^img.bin, byte 1,230: .*another encoding \(byte 1,230 is E9, which/, 1230],
    [new Uint8Array([...text(`a,b,y\n${'1,2,0\n'.repeat(204)}`), 0xc3]), false, /^img.bin, byte 1,230: .*last character cut \(byte 1,230 is C3, the first byte/, 1230],
    [new Uint8Array([...text('a,b,y\n1,2,0\n'), 0xe2, 0x82]), false, exactly('img.bin, byte 12: expected a CSV text file in UTF-8, found its last character cut (byte 12 is E2, the first byte of a 3-byte character, and the file ends after 2 bytes of it): truncated'), 12],
    // UTF-16, with a byte-order mark or without (every other byte zero), either order.
    [new Uint8Array([0xff, 0xfe, ...Buffer.from('a,b,y\n1,2,0\n', 'utf16le')]), false, /found a binary one \(byte 0 is FF\): it looks like UTF-16 text \(save it as UTF-8\)$/, 0],
    [new Uint8Array(Buffer.from('a,b,y\n1,2,0\n', 'utf16le')), false, /found a binary one \(byte 1 is 00\): it looks like UTF-16 text/, 1],
    [new Uint8Array(Buffer.from('a,b,y\n1,2,0\n', 'utf16le').swap16()), false, /found a binary one \(byte 0 is 00\): it looks like UTF-16 text/, 0],
    // A CIFAR-10 batch: its size a whole number of 3,073-byte records, a label byte first.
    [new Uint8Array(2 * 3073).map((_, i) => (i % 3073 === 0 ? 3 : (i * 7) % 256)), false, /found a binary one \(byte 0 is 03\): it looks like a CIFAR-10 binary batch \(2 records of 1 \+ 3,072 bytes; use "format": "cifar10"\)$/, 0],
  ];
  for (const [bytes, gzip, message, offset] of cases) {
    write(dir, 'img.bin', bytes, gzip);
    await rejectsAt(loadDataset(spec({ trainFile: 'img.bin', label: 'y' }), o), { path: 'data.trainFile', message, offset });
  }
  // UTF-8 text passes: other alphabets, CRLF and tabs, and a character cut by the end of the first 4 KiB checked.
  const row = '1,\t2,0\r\n';
  write(dir, 'ok.csv', 'é,b,y\r\n' + row.repeat(1000));
  assert.equal((await loadDataset(spec({ trainFile: 'ok.csv', label: 'y', classes: 2 }), o)).train.count, 1000);
  write(dir, 'straddle.csv', 'x'.repeat(4095) + 'é,b,y\n' + row); // é is bytes 4095 and 4096
  assert.equal((await loadDataset(spec({ trainFile: 'straddle.csv', label: 'y', classes: 2 }), o)).train.count, 1);
});

test('a gzip-compressed CSV reads as the plain one', async () => {
  write(dir, 'z.csv.gz', 'a,b,y\n1,2,0\n3,4,1\n', true);
  const d = await loadDataset(spec({ trainFile: 'z.csv.gz' }), o);
  assert.deepEqual(Array.from(d.train.x), [1, 2, 3, 4]);
});

test('bytes after a gzip CSV\'s members are refused even when they start with NUL (zlib stops there silently); zero padding alone passes, at any size', async () => {
  const text = 'a,b,y\n1,2,0\n3,4,1\n';
  const gz = gzipSync(text);
  const garbage = (tail: Buffer, byte: number, value: string) =>
    exactly(`t.csv.gz, byte ${text.length} (decompressed): ${tail.length} bytes follow the end of the gzip data (at byte ${gz.length} of the file) and are not another gzip member: trailing bytes (byte ${gz.length + byte} is ${value}; only zero bytes may pad a gzip file)`);
  for (const [tail, byte, value] of [
    [Buffer.from('\0garbage'), 1, '0x67'],
    [Buffer.concat([Buffer.alloc(2), Buffer.from('1,2,0\n'.repeat(10))]), 2, '0x31'],
  ] as const) {
    write(dir, 't.csv.gz', Buffer.concat([gz, tail]));
    await rejectsAt(loadDataset(spec({ trainFile: 't.csv.gz' }), o), { path: 'data.trainFile', message: garbage(tail, byte, value), offset: text.length });
  }
  // Zeros over several read blocks, then a byte: located at that byte.
  write(dir, 't.csv.gz', Buffer.concat([gz, Buffer.alloc(3 << 20), Buffer.from('x')]));
  await rejectsAt(loadDataset(spec({ trainFile: 't.csv.gz' }), o), { path: 'data.trainFile', message: exactly(`t.csv.gz, byte ${text.length} (decompressed): 3 MiB (3,145,729 bytes) follow the end of the gzip data (at byte ${gz.length} of the file) and are not another gzip member: trailing bytes (byte ${(gz.length + (3 << 20)).toLocaleString('en-US')} is 0x78; only zero bytes may pad a gzip file)`), offset: text.length });
  for (const padding of [1, 512, 3 << 20]) {
    write(dir, 't.csv.gz', Buffer.concat([gz, Buffer.alloc(padding)]));
    assert.deepEqual(Array.from((await loadDataset(spec({ trainFile: 't.csv.gz' }), o)).train.x), [1, 2, 3, 4], `${padding} zero bytes of padding`);
  }
  // A file of several read blocks, whole: nothing follows, nothing is read again.
  const big = 'a,b,y\n' + '1,2,0\n'.repeat(400_000);
  write(dir, 't.csv.gz', gzipSync(big, { level: 0 }));
  assert.equal((await loadDataset(spec({ trainFile: 't.csv.gz', classes: 2 }), o)).train.count, 400_000);
  write(dir, 't.csv.gz', Buffer.concat([gzipSync(big, { level: 0 }), Buffer.from('\0!')]));
  await rejectsAt(loadDataset(spec({ trainFile: 't.csv.gz' }), o), { path: 'data.trainFile', message: /2 bytes follow the end of the gzip data .* trailing bytes \(byte [\d,]+ is 0x21; only zero bytes/, offset: big.length });
});

test('counts of one are singular in the source line and the messages', async () => {
  write(dir, 'one.csv', 'x,y\n1,0\n2,1\n3,1\n');
  write(dir, 'one-test.csv', 'x,y\n1,1\n');
  const d = await loadDataset(spec({ trainFile: 'one.csv', testFile: 'one-test.csv' }), o);
  assert.equal(d.source, 'CSV one.csv (with a header line): 3 training samples of 1 feature; one-test.csv: 1 test sample; 2 classes; normalize none');
  await rejectsAt(loadDataset(spec({ trainFile: 'one.csv', train: 4 }), o), { path: 'data.train', message: exactly('4 training samples asked for, one.csv has 3') });
  await rejectsAt(loadDataset(spec({ trainFile: 'one.csv', testFile: 'one-test.csv', test: 2 }), o), { path: 'data.test', message: exactly('2 test samples asked for, one-test.csv has 1') });
  write(dir, 'single.csv', '1\n2\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'single.csv', label: 2 }), o), { path: 'data.label', message: exactly('column index 2 is outside the 1 column of single.csv (0 to 0, or −1 to −1 from the end)') });
  write(dir, 'ragged.csv', '1\n2,3\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'ragged.csv', label: 0, task: 'regression' }), o), { path: 'data.label', message: /^ragged.csv:1:1: every column is a label/ });
  write(dir, 'wide.csv', 'a,y\n1,0\n');
  write(dir, 'one-field.csv', 'y\n0\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'wide.csv', testFile: 'one-field.csv', label: 'y' }), o), { path: 'data.testFile', message: exactly('one-field.csv:1:1: 1 field, where wide.csv has 2: the files must have the same columns') });
  write(dir, 'short-row.csv', 'a,b\n1,0\n2\n');
  await rejectsAt(loadDataset(spec({ trainFile: 'short-row.csv' }), o), { path: 'data.trainFile', message: exactly('short-row.csv:3:1: expected 2 fields, as the first line has, found 1') });
});

test('class names that differ only in their Unicode form (NFC against NFD) are refused at the second, both located', async () => {
  const nfc = 'caf\u00e9';
  const nfd = 'cafe\u0301';
  write(dir, 'forms.csv', `a,b,label\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 3},${i % 2 ? nfc : 'dog'}`).join('\n')}\n1,1,${nfd}\n`);
  // Until 2026-12: 3 classes ("café", "café" and "dog").
  await rejectsAt(loadDataset(spec({ trainFile: 'forms.csv' }), o), {
    path: 'data.trainFile',
    message: exactly(`forms.csv:12:5: class names "${nfd}" (forms.csv line 12) and "${nfc}" (forms.csv line 3) differ only in their Unicode form (U+0065 U+0301 against U+00E9): they print alike and would train as two classes — write one form (NFC) for both`),
  });
  // Inline data: located by key path, both (a breaker saw "(a sample)" for each).
  await rejectsAt(loadDataset({ train: { x: [[0], [1], [2], [3]], y: [nfc, nfd, 'x', 'x'] } }, o), { path: 'data.train.y[1]', message: exactly(`class names "${nfd}" (data.train.y[1]) and "${nfc}" (data.train.y[0]) differ only in their Unicode form (U+0065 U+0301 against U+00E9): they print alike and would train as two classes — write one form (NFC) for both`) });
  // A header-less file whose first label is on other lines in the other form: that message, not "the first line's label is on no other line".
  write(dir, 'first-form.csv', `1,${nfd}\n2,${nfc}\n3,${nfc}\n4,x\n5,x\n`);
  await rejectsAt(loadDataset(spec({ trainFile: 'first-form.csv' }), o), { path: 'data.trainFile', message: /^first-form\.csv:2:3: class names "caf[^"]+" \(first-form\.csv line 2\) and "caf[^"]+" \(first-form\.csv line 1\) differ only in their Unicode form \(U\+00E9 against U\+0065 U\+0301\)/ });
  // One form throughout is two classes as before.
  write(dir, 'one-form.csv', `a,b,label\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 3},${i % 2 ? nfc : 'dog'}`).join('\n')}\n`);
  assert.deepEqual((await loadDataset(spec({ trainFile: 'one-form.csv' }), o)).classNames, [nfc, 'dog'].sort());
});

test('a class name on one training sample a typo away from a class of many is refused at it, unless "classes" says it is meant', async () => {
  const iris = (odd: string, at = 7) => `a,b,species\n${Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 3},${i === at ? odd : ['setosa', 'versicolor', 'virginica'][i % 3]}`).join('\n')}\n`;
  // One letter dropped, replaced, added, two swapped; other case; a character added (each trained as a class of its own until 2026-12-03).
  for (const [odd, peer, how] of [
    ['virginca', 'virginica', 'by one character'],
    ['virginixa', 'virginica', 'by one character'],
    ['virginicaa', 'virginica', 'by one character'],
    ['virgincia', 'virginica', 'by one character'],
    ['Virginica', 'virginica', 'only in case'],
    ['VIRGINICA', 'virginica', 'only in case'],
    ['virginica.', 'virginica', 'by one character'],
  ]) {
    write(dir, 'iris.csv', iris(odd, 8));
    await rejectsAt(loadDataset(spec({ trainFile: 'iris.csv' }), o), {
      path: 'data.trainFile',
      message: exactly(`iris.csv:10:5: class name ${JSON.stringify(odd)} is on this training sample alone, and "${peer}" (9 training samples) differs from it ${how}: a typo? It would train as a class of its own — correct the label, or set "classes" if a class of one sample is meant`),
      line: 10,
      column: 5,
    });
    // Meant: "classes" says so, and the four classes train.
    const meant = (await loadDataset(spec({ trainFile: 'iris.csv', classes: 4 }), o)).train.targets;
    assert.equal(meant.kind === 'classes' && meant.classCount, 4);
  }
  // Inline labels alike, located at their key.
  const y = Array.from({ length: 12 }, (_, i) => (i === 5 ? 'Setosa' : ['setosa', 'virginica'][i % 2]));
  await rejectsAt(loadDataset({ format: 'inline', train: { x: y.map((_, i) => [i]), y } }, o), { path: 'data.train.y[5]', message: exactly('class name "Setosa" is on this training sample alone, and "setosa" (6 training samples) differs from it only in case: a typo? It would train as a class of its own — correct the label, or set "classes" if a class of one sample is meant') });
  // Not a misfire: a rare class of another name, a near name of several samples, short names, a near name beside a class of few samples.
  for (const text of [iris('iris-other'), iris('virginica').replace(/\n(0,[^\n]*)virginica\n/g, '\n$1virginca\n'), `a,label\n${Array.from({ length: 30 }, (_, i) => `${i},${i === 4 ? 'cab' : ['cat', 'dog'][i % 2]}`).join('\n')}\n`, `a,label\n${Array.from({ length: 9 }, (_, i) => `${i},${i === 4 ? 'virginca' : ['setosa', 'virginica', 'versicolor'][i % 3]}`).join('\n')}\n`]) {
    write(dir, 'fine.csv', text);
    await loadDataset(spec({ trainFile: 'fine.csv' }), o);
  }
});

test('a regression of 150,000 label columns, by index or by name, reads in time linear in the columns (a label list spread as arguments overflowed the stack, and each column searched the list)', async () => {
  const n = 150_000;
  const row = (v: number) => `${Array(n).fill(String(v)).join(',')},${v + 1}\n`;
  write(dir, 'wide-labels.csv', row(0) + row(1) + row(2));
  write(dir, 'wide-named.csv', `${Array.from({ length: n + 1 }, (_, j) => `c${j}`).join(',')}\n${row(0)}${row(1)}`);
  const byIndex = await loadDataset(spec({ trainFile: 'wide-labels.csv', task: 'regression', label: Array.from({ length: n }, (_, j) => j + 1) }), o);
  assert.equal(byIndex.train.features, 1);
  assert.equal(byIndex.train.count, 3);
  assert.ok(byIndex.train.targets.kind === 'regression' && byIndex.train.targets.outputs === n);
  // Column 0 holds the sample's value v; the label columns v and the last v + 1.
  assert.deepEqual(Array.from(byIndex.train.x), [0, 1, 2]);
  assert.deepEqual(byIndex.train.targets.kind === 'regression' ? [byIndex.train.targets.values[n - 1], byIndex.train.targets.values[2 * n - 2], byIndex.train.targets.values[3 * n - 1]] : [], [1, 1, 3]);
  const byName = await loadDataset(spec({ trainFile: 'wide-named.csv', task: 'regression', label: Array.from({ length: n }, (_, j) => `c${j}`) }), o);
  assert.equal(byName.train.features, 1);
  assert.ok(byName.train.targets.kind === 'regression' && byName.train.targets.outputs === n);
  // The features are the last column (c150000), the labels the first n.
  assert.deepEqual(Array.from(byName.train.x), [1, 2]);
});
