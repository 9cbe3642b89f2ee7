import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InlineSpec } from '../../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { exactly, rejectsAt, tempDir, write } from './fixtures';

const o = { baseDir: '/nonexistent' };

test('inline class labels, class names and regression rows', async () => {
  const d = await loadDataset({ train: { x: [[1, 2], [3, 4], [5, 6]], y: [0, 2, 1] }, test: { x: [[7, 8]], y: [2] } }, o);
  assert.deepEqual(Array.from(d.train.x), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(d.train.sampleShape, [2]);
  assert.ok(d.train.targets.kind === 'classes' && d.test?.targets.kind === 'classes');
  assert.deepEqual(Array.from(d.train.targets.labels), [0, 2, 1]);
  assert.equal(d.train.targets.classCount, 3);
  assert.deepEqual(Array.from(d.test.targets.labels), [2]);
  assert.equal(d.normalization.mode, 'none');

  const names = await loadDataset({ format: 'inline', train: { x: [[1], [2], [3]], y: ['dog', 'cat', 'dog'] } }, o);
  assert.deepEqual(names.classNames, ['cat', 'dog']);
  assert.ok(names.train.targets.kind === 'classes');
  assert.deepEqual(Array.from(names.train.targets.labels), [1, 0, 1]);

  const r = await loadDataset({ train: { x: [[1], [2]], y: [[0.5, -1], [1.5, 2]] } }, o);
  assert.ok(r.train.targets.kind === 'regression');
  assert.equal(r.train.targets.outputs, 2);
  assert.deepEqual(Array.from(r.train.targets.values), [0.5, -1, 1.5, 2]);
  const flat = await loadDataset({ train: { x: [[1], [2]], y: [0.25, 7] }, task: 'regression' }, o);
  assert.ok(flat.train.targets.kind === 'regression');
  assert.equal(flat.train.targets.outputs, 1);
  assert.deepEqual(Array.from(flat.train.targets.values), [0.25, 7]);
  // "classes" says y holds labels: without "task", rows are not read as regression targets with "classes" ignored.
  const counted = await loadDataset({ train: { x: [[1], [2]], y: [0, 1] }, classes: 3 }, o);
  assert.ok(counted.train.targets.kind === 'classes');
  assert.equal(counted.train.targets.classCount, 3);
  // Rows of one label with "classes" (or "task": "classes") are labels, as a .npy of shape (N, 1) is
  // (until 2026-12 refused: "found [0] … rows of values are regression targets", though "classes" was given).
  for (const over of [{ classes: 3 }, { task: 'classes' as const }]) {
    const column = await loadDataset({ train: { x: [[1, 2], [3, 4], [5, 6]], y: [[0], [1], [2]] }, test: { x: [[1, 1]], y: [[2]] }, ...over }, o);
    assert.ok(column.train.targets.kind === 'classes' && column.test?.targets.kind === 'classes');
    assert.equal(column.train.targets.classCount, 3);
    assert.deepEqual(Array.from(column.train.targets.labels), [0, 1, 2]);
    assert.deepEqual(Array.from(column.test.targets.labels), [2]);
  }
  // Located at the label inside its row; a row of several values (one-hot: told its class index), or a number among rows, refused.
  await rejectsAt(loadDataset({ train: { x: [[1], [2]], y: [[0], [4]] }, classes: 3 }, o), { path: 'data.train.y[1][0]', message: /label 4 is beyond the 3 classes/ });
  await rejectsAt(loadDataset({ train: { x: [[1], [2]], y: [[0, 1, 0], [1, 0, 0]] }, classes: 3 }, o), {
    path: 'data.train.y[0]',
    message: exactly('expected a row of one class label (as a .npy of shape (N, 1) holds), found 3 values ([0,1,0]): a one-hot row? Give the class index (the 1\'s position, 1 here: argmax), or "task": "regression" for regression targets'),
  });
  await rejectsAt(loadDataset({ train: { x: [[1], [2]], y: [[0.5, 2], [1, 1]] }, classes: 3 }, o), { path: 'data.train.y[0]', message: /found 2 values \(\[0.5,2\]\): rows of several values are regression targets \("task": "regression"\)$/ });
  await rejectsAt(loadDataset({ train: { x: [[1], [2]], y: [[0], 1] as unknown as number[][] }, classes: 2 }, o), { path: 'data.train.y[1]', message: exactly('expected a row of one class label (as y[0] is), found a number (1)') });
});

test('inline labels that mix numbers and names, or name one class only, are refused at their JSON path', async () => {
  // The type has no mixed list; a file's JSON does.
  await rejectsAt(loadDataset({ train: { x: [[1], [2], [3], [4]], y: [0, 1, 'NaN', 1] as unknown as string[] } }, o), { path: 'data.train.y[2]', message: exactly('label "NaN" is not a number, but the other training labels are class indices (0 and 1): a missing value? The labels are all class indices or all class names — give the sample its class, or leave it out') });
  await rejectsAt(loadDataset({ train: { x: [[1], [2], [3], [4]], y: [1, 1, 1, 1] } }, o), { path: 'data.train.y[0]', message: exactly('every training label is 1: a classifier needs samples of at least two classes — set "classes" if the others are meant to be absent') });
  assert.equal((await loadDataset({ train: { x: [[1], [2]], y: [1, 1] }, classes: 2 }, o)).train.count, 2);
  // A missing value's spelling on one sample among names is a gap, not a class of its own.
  await rejectsAt(loadDataset({ train: { x: [[1], [2], [3], [4], [5], [6]], y: ['cat', 'dog', 'dog', 'cat', 'cat', 'None'] } }, o), { path: 'data.train.y[5]', message: /^label "None" spells a missing value .*, on 1 training sample where the smallest other class has 2:/ });
});

test('bad inline data: each located at its JSON path', async () => {
  const cases: Array<[InlineSpec, string, RegExp]> = [
    [{ train: { x: [[1, 2], [3, 'a' as unknown as number]], y: [0, 1] } }, 'data.train.x[1][1]', /data.train.x\[1\]\[1\] must be a number, got "a"/],
    [{ train: { x: [[1, 2], [3]], y: [0, 1] } }, 'data.train.x[1]', /expected 2 numbers \(as x\[0\] has\), found 1/],
    [{ train: { x: [[1, 2], [3, 1e39]], y: [0, 1] } }, 'data.train.x[1][1]', /within the float32 range/],
    [{ train: { x: [[1], [2]], y: [[1], [2e39]] } }, 'data.train.y[1][0]', /expected a finite number within the float32 range \(±3.4e38\) as a regression target, found 2e\+?39/],
    [{ train: { x: [[1], [2]], y: [0] } }, 'data.train.y', /1 target for 2 samples|1 targets for 2 samples/],
    [{ train: { x: [], y: [] } }, 'data.train.x', /data.train.x must have at least 1 item, got 0/],
    [{ train: { x: [[1], [2]], y: [0, 1.5] } }, 'data.train.y[1]', /label 1.5 is not a class index/],
    [{ train: { x: [[1], [2]], y: [0, 4] }, classes: 3 }, 'data.train.y[1]', /label 4 is beyond the 3 classes/],
    [{ train: { x: [[1], [2]], y: [0, -1] } }, 'data.train.y[1]', /label -1 is not a class index/],
    [{ train: { x: [[1], [2]], y: [0, null as unknown as number] } }, 'data.train.y[1]', /data.train.y\[1\] must be a number or a string or an array, got null/],
    [{ train: { x: [[1], [2]], y: [0, [1]] as unknown as number[] } }, 'data.train.y[1]', /expected a class label .* found \[1\] \(a label is one number; rows of values are regression targets/],
    [{ train: { x: [[1], [2]], y: [[1], [2, 3]] } }, 'data.train.y[1]', /expected 1 target value \(as y\[0\] has\), found 2/],
    // A number among rows was "found 1", read as a count of values.
    [{ train: { x: [[0], [1], [2]], y: [[0], [1], 1] as unknown as number[][] } }, 'data.train.y[2]', exactly('expected a row of 1 target value (as y[0] is), found a number (1)')],
    [{ train: { x: [[0], [1]], y: [[0, 1], 7] as unknown as number[][] } }, 'data.train.y[1]', exactly('expected a row of 2 target values (as y[0] is), found a number (7)')],
    [{ train: { x: [[0], [1]], y: [[0], 'a'] as unknown as number[][] } }, 'data.train.y[1]', exactly('expected a row of 1 target value (as y[0] is), found "a"')],
    [{ train: { x: [[0], [1], [2]], y: [0, 1, [1]] as unknown as number[] }, task: 'regression' }, 'data.train.y[2]', exactly('expected a number as the regression target (as y[0] is), found a row ([1])')],
    [{ train: { x: [[1], [2]], y: [[1], ['x' as unknown as number]] } }, 'data.train.y[1][0]', /data.train.y\[1\]\[0\] must be a number, got "x"/],
    [{ train: { x: [[1, 2]], y: [0] }, test: { x: [[1]], y: [0] } }, 'data.test.x', /test samples have shape \[1\], training samples \[2\]/],
    [{ train: { x: [[1]], y: [[1, 2]] }, test: { x: [[1]], y: [[0]] } }, 'data.test.x', /test targets have 1 value per sample, training targets 2/],
  ];
  for (const [spec, path, message] of cases) await rejectsAt(loadDataset(spec, o), { path, message });
});

test('test labels that no training sample has are refused, at the first of them, when the classes are inferred; "classes" allows them', async () => {
  // Before, y [5] in the test set made a 6-class network without a word, and a test accuracy over a class never trained.
  const train = { x: [[0, 0], [0, 1], [1, 0]], y: [0, 1, 1] };
  await rejectsAt(loadDataset({ train, test: { x: [[0, 0]], y: [5] } }, o), {
    path: 'data.test.y[0]',
    message: exactly('test label 5 never occurs in the training set (labels 0 and 1): a class the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack it'),
  });
  await rejectsAt(loadDataset({ train, test: { x: [[0, 0], [1, 1], [2, 2], [3, 3]], y: [1, 7, 5, 7] } }, o), {
    path: 'data.test.y[1]',
    message: exactly('test labels 5 and 7 never occur in the training set (labels 0 and 1): classes the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack them'),
  });
  // A typo in a class name.
  await rejectsAt(loadDataset({ train: { x: [[0], [1], [2]], y: ['cat', 'dog', 'cat'] }, test: { x: [[0], [1]], y: ['cat', 'dgo'] } }, o), {
    path: 'data.test.y[1]',
    message: exactly('test label "dgo" never occurs in the training set (labels "cat" and "dog"): a class the network is never trained on — check the test labels, or set "classes" if the training set is meant to lack it'),
  });
  // Rather than the inferred class count's gap check: a stray test label is named as the test set's.
  await rejectsAt(loadDataset({ train: { x: [[0], [1]], y: [0, 1] }, test: { x: [[0]], y: [200] } }, o), { path: 'data.test.y[0]', message: /^test label 200 never occurs in the training set \(labels 0 and 1\)/ });
  // "classes" says the training set may lack classes (a small subset may): labels below it, or names within it, are taken.
  const counted = await loadDataset({ train, test: { x: [[0, 0]], y: [5] }, classes: 6 }, o);
  assert.ok(counted.test?.targets.kind === 'classes');
  assert.equal(counted.test.targets.classCount, 6);
  assert.deepEqual(Array.from(counted.test.targets.labels), [5]);
  const named = await loadDataset({ train: { x: [[0], [1]], y: ['cat', 'dog'] }, test: { x: [[0]], y: ['bird'] }, classes: 3 }, o);
  assert.deepEqual(named.classNames, ['bird', 'cat', 'dog']);
  // Training labels the test set lacks are fine.
  const fewer = await loadDataset({ train, test: { x: [[0, 0]], y: [1] } }, o);
  assert.equal(fewer.train.targets.kind === 'classes' && fewer.train.targets.classCount, 2);
});

test('a largest label one sample alone has, above labels no sample has, over well-filled classes, is refused as a corrupt label; a rare class, a small subset, labels from 1 and "classes" are not', async () => {
  // Before, one corrupt byte (a 12 among MNIST's 0–9) made 13 classes, 2 never trained, without a word.
  const labels = (perClass: number, classes: number, extra: number[]) => [...Array.from({ length: classes * perClass }, (_, i) => i % classes), ...extra];
  const spec = (y: number[], more: Partial<InlineSpec> = {}): InlineSpec => ({ train: { x: y.map((_, i) => [i]), y }, ...more });
  await rejectsAt(loadDataset(spec(labels(25, 10, [12])), o), {
    path: 'data.train.y[250]',
    message: exactly('no other sample has label 12, and no sample has labels 10 and 11, while 0–9 have 25 samples each — a corrupt label, or a file that kept one sample of a rare class? It would make 13 classes, 2 never trained: check the label, or set "classes" to the data set\'s class count if this is meant'),
  });
  const uneven = labels(25, 10, [0, 0, 3, 15]);
  await rejectsAt(loadDataset(spec(uneven), o), { path: 'data.train.y[253]', message: /^no other sample has label 15, and no sample has labels 10–14, while 0–9 have 25 to 27 samples each — a corrupt label, or a file that kept one sample of a rare class\? It would make 16 classes, 5 never trained/ });
  // (Most classes missing is the gap rule's to say: 200 among 0–9.)
  await rejectsAt(loadDataset(spec(labels(25, 10, [200])), o), { path: 'data.train.y[250]', message: /^label 200 would make 201 classes, and 190 of them never occur/ });
  await rejectsAt(loadDataset(spec([...Array(30).fill(0), 5, ...Array(30).fill(1)].map((v, i) => (i >= 31 ? 0 : v))), o), { path: 'data.train.y[30]', message: /^no other sample has label 5, and no sample has labels 1–4, while 0 has 60 samples — / });
  // A rare class right above the others, classes of fewer than 20 samples, and labels counted from 1 are taken.
  for (const y of [labels(25, 10, [10]), labels(19, 10, [12]), labels(25, 10, [12]).map((v) => v + 1)]) {
    const d = await loadDataset(spec(y), o);
    assert.ok(d.train.targets.kind === 'classes');
  }
  // A subset the data block takes (a random 250 of a set whose classes 0–4 have 500 samples each and 5–9
  // have 5 kept one sample of class 8 and none of 5–7 in one seed of five), and a label the test set has
  // too, are not strays.
  const step = [...Array.from({ length: 2500 }, (_, i) => i % 5), ...Array.from({ length: 25 }, (_, i) => 5 + (i % 5))];
  const dir = tempDir();
  write(dir, 'step.csv', step.map((y, i) => `${i},${y}\n`).join(''));
  let kept = 0;
  for (let seed = 0; seed < 40; seed++) {
    const d = await loadDataset({ format: 'csv', trainFile: 'step.csv', header: false, train: 250, subsetSeed: seed }, { baseDir: dir });
    assert.ok(d.train.targets.kind === 'classes', `seed ${seed}`);
    const counts = new Map<number, number>();
    for (const y of d.train.targets.labels) counts.set(y, (counts.get(y) ?? 0) + 1);
    const top = Math.max(...counts.keys());
    if (counts.get(top) === 1 && !counts.has(top - 1)) kept++;
  }
  assert.ok(kept > 0, 'some seed keeps a lone rare label above a gap (the case at hand)');
  const tested = await loadDataset(spec(labels(25, 10, [12]), { test: { x: [[0], [1], [2]], y: [12, 12, 3] } }), o);
  assert.equal(tested.train.targets.kind === 'classes' && tested.train.targets.classCount, 13);
  // "classes" says the gap is meant.
  const meant = await loadDataset(spec(labels(25, 10, [12]), { classes: 13 }), o);
  assert.equal(meant.train.targets.kind === 'classes' && meant.train.targets.classCount, 13);
});

test('counts of one are singular in the source line and the messages', async () => {
  // Before: "3 training samples of 1 features, 1 test samples".
  const d = await loadDataset({ train: { x: [[0], [1], [2]], y: [0, 1, 1] }, test: { x: [[0]], y: [1] } }, o);
  assert.equal(d.source, 'inline: 3 training samples of 1 feature, 1 test sample; 2 classes; normalize none');
  // Classes named by the labels are said with their names, in the outputs' order.
  const named = await loadDataset({ train: { x: [[0], [1], [2]], y: ['virginica', 'setosa', 'versicolor'] } }, o);
  assert.equal(named.source, 'inline: 3 training samples of 1 feature; 3 classes ("setosa", "versicolor" and "virginica"); normalize none');
  // Classes no training sample has are said with their labels: outputs never trained ("5 classes" hid it).
  const more = await loadDataset({ train: { x: [[0], [1], [2]], y: [0, 1, 2] }, test: { x: [[0]], y: [4] }, classes: 5 }, o);
  assert.equal(more.source, 'inline: 3 training samples of 1 feature, 1 test sample; 5 classes, 2 of them in no training sample (3 and 4); normalize none');
  const one = await loadDataset({ train: { x: [[0, 1]], y: [[0.5]] } }, o);
  assert.equal(one.source, 'inline: 1 training sample of 2 features; regression, 1 output; normalize none');
  await rejectsAt(loadDataset({ train: { x: [[1], [2]], y: [0] } }, o), { path: 'data.train.y', message: exactly('1 target for 2 samples in "x": expected one per sample') });
  await rejectsAt(loadDataset({ train: { x: [[1]], y: [0, 1] } }, o), { path: 'data.train.y', message: exactly('2 targets for 1 sample in "x": expected one per sample') });
  await rejectsAt(loadDataset({ train: { x: [[1], [2, 3]], y: [0, 1] } }, o), { path: 'data.train.x[1]', message: exactly('expected 1 number (as x[0] has), found 2') });
});
