import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineAndColumn } from '../../../src/core/experiment/diagnostic';
import { BESIDE_SCHEMA_MAX_CHARS, parseExperiment } from '../../../src/core/experiment/parse';
import { Rng } from '../../../src/core/math/rng';
import { Dataset } from '../../../src/core/network/dataset';
import { networkVariant, specForData } from '../../../src/core/network/networkExperiment';
import { DEAD_SCAN_RECORD_WORK_PER_WEIGHT, DEFAULT_RECORD_SHARE, leastDefaultRecordEvery, onnxStepWork, RECORD_WORK_PER_WEIGHT } from '../../../src/core/network/workModel';
import { specProblems } from '../../../src/core/network/spec';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';

/** A value as JSON has it (the parser's objects have no prototype). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const network = (over: Record<string, unknown> = {}) => JSON.stringify({ model: { hidden: [8] }, data: { dataset: 'mnist', train: 100, test: 20 }, ...over }, null, 2);

/** The problems of `text` as `path: message` (and where each points, as the text under it). */
function problems(text: string): { path: string; message: string; at: string }[] {
  const r = parseAnyExperiment(text);
  assert.equal(r.parsed, null, 'expected problems');
  return r.diagnostics.map((d) => ({ path: d.path, message: d.message, at: text.slice(d.offset, d.offset + d.length) }));
}

function parsedNetwork(text: string) {
  const r = parseAnyExperiment(text);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.parsed?.kind, 'network');
  return r.parsed!.kind === 'network' ? r.parsed!.experiment : (undefined as never);
}

test('a network file parses to a NetworkSpec with every default, the data spec and the auto settings', () => {
  const e = parsedNetwork(network());
  assert.deepEqual(plain(e.spec.model), { hidden: [8], activation: 'relu', outputScale: 1, bias: false });
  assert.deepEqual(e.spec.init, { kind: 'random', scheme: 'kaiming', scale: 1, seed: 0 });
  assert.deepEqual(e.spec.training.optimizer, { kind: 'sgd', momentum: 0 });
  assert.deepEqual(e.spec.training.learningRate, [0.01, 0.01]);
  assert.deepEqual(e.spec.training.length, { unit: 'epochs', count: 1 });
  assert.equal(e.spec.training.batchSize, 'full');
  assert.deepEqual(e.auto, { loss: true, record: true });
  assert.deepEqual(plain(e.data), { dataset: 'mnist', train: 100, test: 20 });
  assert.equal(e.checkpoints, undefined);
  // Settled by the data: cross-entropy for classes, squared for regression; about 100 records.
  const rng = new Rng(1);
  const classes: Dataset = { count: 1000, features: 4, sampleShape: [4], x: new Float32Array(4000).map(() => rng.normal()), targets: { kind: 'classes', labels: new Uint8Array(1000), classCount: 2 } };
  const regression: Dataset = { ...classes, targets: { kind: 'regression', values: new Float32Array(1000), outputs: 1 } };
  const minibatch = parsedNetwork(network({ training: { batchSize: 10, epochs: 3 } }));
  assert.equal(specForData(minibatch, classes).training.loss, 'crossEntropy');
  assert.equal(specForData(minibatch, regression).training.loss, 'squared');
  assert.equal(specForData(minibatch, classes).training.record.every, 3, '300 steps → a record every 3');
  // A wide network on a small batch: a record a step would cost its norms and distances 10% of the
  // steps' work (an epoch of MNIST recorded every step spent 15% of its time measuring, 2026-12-02):
  // records no closer than 1% of the steps' work allows, in the fixed work model. A ReLU network's
  // record scans for dead units too (0.2–0.4 ms on MNIST's, beside norms of 0.4–0.8 ms): counted.
  const digits: Dataset = { count: 1280, features: 784, sampleShape: [28, 28], x: new Float32Array(1280 * 784), targets: { kind: 'classes', labels: new Uint8Array(1280), classCount: 10 } };
  const mlp = parsedNetwork(network({ model: { hidden: [256, 256, 256] }, training: { batchSize: 128, epochs: 8 } }));
  const least = leastDefaultRecordEvery([784, 256, 256, 256, 10], 128, 'relu');
  assert.equal(least, 19);
  assert.equal(leastDefaultRecordEvery([784, 256, 256, 256, 10], 128, 'tanh'), 11, 'no dead-unit scan but for relu');
  const hidden = 334_336 - 2_560;
  assert.ok((RECORD_WORK_PER_WEIGHT * 334_336 + DEAD_SCAN_RECORD_WORK_PER_WEIGHT * hidden) / (least * onnxStepWork(128, 334_336)) <= DEFAULT_RECORD_SHARE);
  assert.ok((RECORD_WORK_PER_WEIGHT * 334_336 + DEAD_SCAN_RECORD_WORK_PER_WEIGHT * hidden) / ((least - 1) * onnxStepWork(128, 334_336)) > DEFAULT_RECORD_SHARE, 'the least such cadence');
  assert.equal(specForData(mlp, digits).training.record.every, least, '80 steps: a record every 19, not every step');
  assert.equal(specForData(parsedNetwork(network({ model: { hidden: [256, 256, 256], activation: 'tanh' }, training: { batchSize: 128, epochs: 8 } })), digits).training.record.every, 11, 'tanh: a record every 11');
  assert.equal(specForData(parsedNetwork(network({ model: { hidden: [256, 256, 256] }, training: { batchSize: 128, epochs: 300 } })), digits).training.record.every, 30, '3,000 steps: about 100 records');
  assert.equal(specForData(parsedNetwork(network({ model: { hidden: [256, 256, 256] }, training: { epochs: 50 } })), digits).training.record.every, 4, 'the whole set a step (1,280 samples): a record every fourth step');
  const checkpointed = parsedNetwork(network({ training: { batchSize: 10, epochs: 3, checkpoints: { every: 25 } } }));
  assert.equal(specForData(checkpointed, classes).training.record.every, 1, 'a divisor of the checkpoint cadence (25) not above 3');
  // A run too long for any record cadence the file may write (10¹¹ steps): the derived cadence stays
  // within training.record.every's range, so that the run is refused at its length, a key the file has.
  const endless = specForData(parsedNetwork(network({ training: { batchSize: 1, epochs: 100_000_000 } })), classes);
  assert.equal(endless.training.record.every, 100_000_000);
  assert.deepEqual(specProblems(endless), []);
  // The largest init.seed: the batch order's seed is 0, and nothing is refused at training.seed.
  assert.equal(parsedNetwork(network({ init: { seed: 9007199254740991 } })).spec.training.seed, 0);
  const given = parsedNetwork(network({ training: { loss: 'squared', record: { every: 7 } } }));
  assert.deepEqual(given.auto, { loss: false, record: false });
  assert.equal(specForData(given, classes).training.loss, 'squared');
});

test('every key of the format reaches the spec', () => {
  const e = parsedNetwork(
    network({
      name: 'n',
      description: 'd',
      model: { hidden: [6, 5], activation: 'tanh', outputScale: 0.5, bias: true },
      init: { scheme: 'xavier', scale: 2, seed: 9 },
      training: { loss: 'squared', optimizer: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6, learningRate: [0.1, 0.2, 0.3], batchSize: 32, steps: 50, weightDecay: 0.01, record: { every: 5, full: true }, seed: 4, checkpoints: { every: 10, path: 'ck' } },
      classify: { zetaChange: 0.2 },
    }),
  );
  assert.equal(e.name, 'n');
  assert.deepEqual(plain(e.spec.model), { hidden: [6, 5], activation: 'tanh', outputScale: 0.5, bias: true });
  assert.deepEqual(e.spec.init, { kind: 'random', scheme: 'xavier', scale: 2, seed: 9 });
  assert.deepEqual(plain(e.spec.training), {
    loss: 'squared',
    optimizer: { kind: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
    learningRate: [0.1, 0.2, 0.3],
    batchSize: 32,
    length: { unit: 'steps', count: 50 },
    weightDecay: 0.01,
    record: { every: 5, full: true },
    seed: 4,
  });
  assert.deepEqual(e.spec.classify, { kernelChange: 0.1, tangentChange: 0.1, zetaChange: 0.2, balanceChange: 1 });
  assert.deepEqual(plain(e.checkpoints), { every: 10, path: 'ck' });
  const explicit = parsedNetwork(network({ model: { hidden: [2] }, init: { weights: [[[1, 2], [3, 4]], [[1, 0]]] } }));
  assert.deepEqual(plain(explicit.spec.init), { kind: 'explicit', weights: [[[1, 2], [3, 4]], [[1, 0]]] });
});

test('width powers take the width of the last hidden layer, and follow it through a sweep', () => {
  const e = parsedNetwork(network({ model: { hidden: [50, 64], outputScale: { widthExponent: -0.5 } }, training: { learningRate: [0.1, { widthExponent: 1, base: 0.01 }, 0.1] }, init: { scale: { widthExponent: 0.5, base: 0.25 } }, sweep: { 'model.hidden[1]': [16, 256] } }));
  assert.equal(e.spec.model.outputScale, 1 / 8);
  assert.deepEqual(e.spec.training.learningRate, [0.1, 0.64, 0.1]);
  assert.equal(e.spec.init.kind === 'random' && e.spec.init.scale, 2);
  assert.deepEqual(Object.keys(e.widthScaling!).sort(), ['init.scale', 'model.outputScale', 'training.learningRate[1]']);
  assert.deepEqual(plain(e.sweep), { key: 'model.hidden[1]', path: 'model.hidden[1]', values: [16, 256] });
  const wide = networkVariant(e, 'model.hidden[1]', 256);
  assert.equal(wide.spec.model.outputScale, 1 / 16);
  assert.deepEqual(wide.spec.training.learningRate, [0.1, 2.56, 0.1]);
  assert.equal(wide.sweep, undefined, 'a variant is no sweep');
  assert.throws(() => networkVariant(e, 'training.batchSize', 0), (err: Error & { path?: string }) => /with training.batchSize = 0: training.batchSize must be ≥ 1, got 0/.test(err.message) && err.path === 'sweep.model.hidden[1]');
});

test('the editor\'s diagnostics answer another data form\'s key in the embedded MNIST with its form, at the key', () => {
  // Was "unknown key `trainX` in data — did you mean `train`?", as on the command line.
  const ps = problems(network({ data: { dataset: 'mnist', train: 100, trainX: 'x.npy' } }));
  assert.deepEqual(ps, [{ path: 'data.trainX', message: 'unknown key `trainX` in data: a key of "format": "npy"; the mnist form reads no file, its train and test being counts of digits: for your own files write "format": "npy" in place of "dataset"', at: '"trainX"' }]);
});

test('what a schema cannot say is located at its key', () => {
  const cases: [Record<string, unknown>, string, RegExp, string][] = [
    [{ training: { epochs: 2, steps: 10 } }, 'training.steps', /give training.epochs or training.steps, not both/, '10'],
    [{ training: { optimizer: 'adam', momentum: 0.9 } }, 'training.momentum', /training.momentum belongs to the "sgd" optimizer, and training.optimizer is "adam"/, '0.9'],
    [{ training: { beta1: 0.5 } }, 'training.beta1', /belongs to the "adam" optimizer, and training.optimizer is "sgd"/, '0.5'],
    [{ training: { learningRate: [0.1, 0.1, 0.1] } }, 'training.learningRate', /one learning rate per weight matrix, from the first to the last: this network has 2 .* got 3/, '[\n      0.1,\n      0.1,\n      0.1\n    ]'],
    [{ training: { record: { every: 4 }, checkpoints: { every: 10 } } }, 'training.checkpoints.every', /a checkpoint is written at a record: training.checkpoints.every \(10\) must be a multiple of training.record.every \(4\)/, '10'],
    [{ data: { dataset: 'mnist', train: 9000, test: 2000 } }, 'data.test', /9,000 training \+ 2,000 test digits exceed the 10,000 of the embedded MNIST/, '2000'],
    [{ data: { format: 'csv', trainFile: 'a.csv', test: 5 } }, 'data.test', /5 test samples asked for, and there is no test file \("testFile"\)/, '5'],
    [{ model: { hidden: [] , outputScale: { widthExponent: 1 } } }, 'model.outputScale', /a power of the width, and this network has no hidden layer/, '{\n      "widthExponent": 1\n    }'],
    [{ model: { hidden: [4] }, init: { weights: [[[1], [2], [3]], [[1, 2, 3, 4]]] } }, 'init.weights[0]', /^init.weights\[0\] \(W_1\) must have 4 rows \(model.hidden\[0\]\), got 3$/, '[\n        [\n          1\n        ],\n        [\n          2\n        ],\n        [\n          3\n        ]\n      ]'],
    // Numbers the float32 trainer cannot hold, at the key as the file writes it (one rate, or a list).
    [{ training: { learningRate: 1e39 } }, 'training.learningRate', /^training.learningRate = 1e\+39: beyond the float32 range .*the trainer computes in float32/, '1e+39'],
    [{ training: { learningRate: 1e-50 } }, 'training.learningRate', /^training.learningRate = 1e-50: nonzero, but below the smallest float32 magnitude .* a rate of 0, with which no layer learns/, '1e-50'],
    [{ training: { learningRate: [0.1, 1e39] } }, 'training.learningRate[1]', /^training.learningRate\[1\] = 1e\+39: beyond the float32 range/, '1e+39'],
    [{ model: { hidden: [2], outputScale: 1e39 } }, 'model.outputScale', /^model.outputScale = 1e\+39: beyond the float32 range/, '1e+39'],
    [{ model: { hidden: [2] }, init: { weights: [[[1, 2], [3, 1e39]], [[1, 2]]] } }, 'init.weights[0][1][1]', /^init.weights\[0\]\[1\]\[1\] = 1e\+39: beyond the float32 range/, '1e+39'],
    [{ sweep: { width: [1, 2] } }, 'sweep.width', /^sweep: `model\.width` is a key of the two-layer linear model; a network experiment's widths are the entries of `model\.hidden` \(`model\.hidden\[0\]`, …\)$/, '[\n      1,\n      2\n    ]'],
    [{ sweep: { 'training.epochs': [1, 2.5] } }, 'sweep.training.epochs[1]', /sweep value 1: training.epochs must be an integer, got 2.5/, '2.5'],
    // A key the file does not have: an index past its array crashed the run (TypeError) or appended a layer.
    [{ sweep: { 'training.learningRate[1]': [0.1, 0.2] } }, 'sweep.training.learningRate[1]', /^sweep: the file has no array training.learningRate, so training.learningRate\[1\] is not one of its values$/, '[\n      0.1,\n      0.2\n    ]'],
    [{ training: { learningRate: 0.1 }, sweep: { 'training.learningRate[1]': [0.1] } }, 'sweep.training.learningRate[1]', /^sweep: the file has no array training.learningRate/, '[\n      0.1\n    ]'],
    [{ sweep: { 'model.hidden[5]': [3] } }, 'sweep.model.hidden[5]', /^sweep: model.hidden has 1 entry in the file \(indices 0 to 0\), so model.hidden\[5\] is not one of its values$/, '[\n      3\n    ]'],
    [{ sweep: { 'model.hidden[1]': [3] } }, 'sweep.model.hidden[1]', /^sweep: model.hidden has 1 entry in the file \(indices 0 to 0\), so model.hidden\[1\] is not one of its values$/, '[\n      3\n    ]'],
  ];
  for (const [over, path, message, at] of cases) {
    const ps = problems(network(over));
    assert.equal(ps.length, 1, JSON.stringify(ps));
    assert.equal(ps[0].path, path, ps[0].message);
    assert.match(ps[0].message, message);
    assert.equal(ps[0].at, at, path);
  }
});

test('a key written twice is one error at its second occurrence: the file keeps its kind and no other check guesses', () => {
  // Before, a network file with a duplicate was read as a linear model: the duplicate three times, then
  // `width`, `init` and `learningRates` missing and `training` unknown (a fresh reviewer's case).
  const cases: [string, string, string][] = [
    ['{"model":{"hidden":[8]},"data":{"dataset":"mnist","train":10},"training":{"epochs":1},"training":{"epochs":2}}', 'training', 'duplicate key `training` in the experiment'],
    ['{"model":{"hidden":[8],"hidden":[4]},"data":{"dataset":"mnist","train":10}}', 'model.hidden', 'duplicate key `hidden` in model'],
    ['{"model":{"hidden":[8]},"data":{"dataset":"mnist","train":10,"train":20}}', 'data.train', 'duplicate key `train` in data'],
    // A linear `model` then a network one: the kind cannot be told (the last decides, JSON.parse's), said once.
    ['{"model":{"width":8},"model":{"hidden":[8]},"data":{"dataset":"mnist","train":10}}', 'model', '`model` is written twice, once with `hidden` (a network experiment) and once with `width` (the two-layer linear model): which kind the file is cannot be told — keep one'],
  ];
  for (const [text, path, message] of cases) {
    const r = parseAnyExperiment(text);
    assert.equal(r.kind, 'network', text);
    assert.deepEqual(r.diagnostics.map((d) => [d.path, d.message]), [[path, message]], text);
    const key = path.split('.').at(-1)!;
    assert.equal(r.diagnostics[0].offset, text.lastIndexOf(`"${key}"`), 'at the second occurrence');
  }
  // Three times, twice in an array of objects: each once; other faults are still found beside them.
  const text = '{"name":"a","name":"b","name":"c","model":{"hidden":[0]},"data":{"train":{"x":[[1]],"y":[1]}},"init":{"weights":[{"a":1,"a":2}]}}';
  const ps = parseAnyExperiment(text).diagnostics.map((d) => d.message);
  assert.equal(ps.filter((m) => m === 'duplicate key `name` in the experiment').length, 2);
  assert.equal(ps.filter((m) => /duplicate key `a` in init.weights\[0\]/.test(m)).length, 1, ps.join('\n'));
  assert.ok(ps.some((m) => /model.hidden\[0\] must be ≥ 1/.test(m)), ps.join('\n'));
});

test('the schema\'s own messages for network and checkpoint files, located in the text', () => {
  const text = '{\n  "model": { "hidden": [8], "activaton": "relu" },\n  "data": { "dataset": "mnist", "train": 0 },\n  "trainig": {}\n}';
  const ps = parseAnyExperiment(text).diagnostics.map((d) => ({ message: d.message, ...lineAndColumn(text, d.offset) }));
  assert.deepEqual(ps, [
    { message: 'unknown key `activaton` in model — did you mean `activation`?', line: 1, column: 28 },
    { message: 'data.train must be ≥ 1, got 0', line: 2, column: 41 },
    { message: 'unknown key `trainig` — did you mean `training`?', line: 3, column: 2 },
  ]);
  const c = parseAnyExperiment('{ "checkpoints": { "path": "", "layer": ["a"] }, "classify": { "distance": -1 } }').diagnostics.map((d) => d.message);
  assert.deepEqual(c, ['checkpoints.path must not be empty, got ""', 'unknown key `layer` in checkpoints — did you mean `layers`?', 'classify.distance must be ≥ 0, got -1']);
  const ok = parseAnyExperiment('{ "name": "n", "checkpoints": { "path": "runs/*.safetensors", "layers": ["fc1.weight", "fc2.weight"], "metrics": "m.jsonl" }, "classify": { "distance": 0.2 } }');
  assert.equal(ok.parsed?.kind, 'checkpoints');
  assert.deepEqual(ok.parsed?.kind === 'checkpoints' && plain(ok.parsed.experiment.checkpoints), { path: 'runs/*.safetensors', layers: ['fc1.weight', 'fc2.weight'], metrics: 'm.jsonl' });
  assert.deepEqual(ok.parsed?.kind === 'checkpoints' && plain(ok.parsed.experiment.thresholds), { distance: 0.2, zetaChange: 0.1, balanceChange: 1 });
  // A linear file parses as before.
  const linear = parseAnyExperiment(readFileSync(join(process.cwd(), 'examples', 'alignment.flab.json'), 'utf8'));
  assert.equal(linear.parsed?.kind, 'linear');
});

test('classify.at (where the exact flow is scored) is the linear model\'s: a network file refuses it at its key', () => {
  const text = network({ classify: { zetaChange: 0.2, at: 'end' } });
  const ps = problems(text);
  assert.deepEqual(ps.map((p) => p.message), ['unknown key `at` in classify']);
  assert.equal(ps[0].at, '"at"');
  const linear = parseAnyExperiment(JSON.stringify({ model: { width: 4 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 1, W: 1 }, classify: { zetaChange: 0.2, at: 'end' } }));
  assert.deepEqual(linear.diagnostics, []);
  assert.equal(linear.parsed?.kind === 'linear' && linear.parsed.experiment.classify?.at, 'end');
});

test('mutated network and checkpoint files: never a throw, every problem located inside the text', () => {
  const dirs = ['examples/networks', 'examples/checkpoints'].map((d) => join(process.cwd(), d));
  const texts = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.flab.json')).map((f) => readFileSync(join(d, f), 'utf8')));
  assert.ok(texts.length >= 10);
  const rng = new Rng(77);
  const pieces = ['0', '-1', '1e309', '"x"', 'null', '[]', '{}', '[[]]', '{"widthExponent": 9}', '"full"', 'true', '0.5', '1e-300'];
  let refused = 0;
  for (let k = 0; k < 400; k++) {
    const text = texts[Math.floor(rng.uniform() * texts.length)];
    // Replace one value (a number, a string, true/false or a bracketed value) with a hostile one, or cut the text.
    const tokens = [...text.matchAll(/-?\d[\d.eE+-]*|"[^"]*"|true|false/g)];
    const t = tokens[Math.floor(rng.uniform() * tokens.length)];
    const mutated = rng.uniform() < 0.1 ? text.slice(0, Math.floor(rng.uniform() * text.length)) : text.slice(0, t.index) + pieces[Math.floor(rng.uniform() * pieces.length)] + text.slice(t.index! + t[0].length);
    const r = parseAnyExperiment(mutated);
    if (!r.parsed) refused++;
    for (const d of r.diagnostics) {
      assert.ok(d.offset >= 0 && d.offset + d.length <= mutated.length + 1, `a located problem: ${d.message}`);
      assert.ok(d.message.length < 2000 && !/undefined|NaN|\[object/.test(d.message), d.message);
    }
  }
  assert.ok(refused > 100, `${refused} of 400 mutations refused`);
});

test('the checks a schema cannot make run beside its errors, on the keys it accepted: every error of a file in one pass', () => {
  // A refused β₁ and two numbers float32 cannot hold: all three at once, each at its key.
  const adam = network({ training: { optimizer: 'adam', beta1: 1.5, beta2: 0.99999999999, epsilon: 1e-60 } });
  assert.deepEqual(problems(adam).map((p) => p.path), ['training.beta1', 'training.beta2', 'training.epsilon']);
  assert.match(problems(adam)[1].message, /would be 1/);
  // A check between two keys, one of them refused, is not made against the default that replaces it: an
  // unknown optimizer does not make its keys "the other optimizer's"; epochs with steps is still seen.
  const typo = network({ training: { optimizer: 'adamm', beta1: 0.5, epochs: 2, steps: 10 } });
  assert.deepEqual(problems(typo).map((p) => p.path), ['training.optimizer', 'training.steps']);
  // A refused element takes its whole key with it (no count of learning rates against a shorter list).
  const rates = network({ training: { learningRate: [0.1, 'x'], weightDecay: 1e-60 } });
  assert.deepEqual(problems(rates).map((p) => p.path), ['training.learningRate[1]', 'training.weightDecay']);
  // Without a required key nothing else is checked (every other check would read a default).
  const hidden = JSON.stringify({ model: { hidden: [-1] }, data: { dataset: 'mnist', train: 100 }, training: { weightDecay: 1e-60 } });
  assert.deepEqual(problems(hidden).map((p) => p.path), ['model.hidden[0]']);
  // The linear model's checks too: an unknown activation and times out of order, together.
  const linear = JSON.stringify({ model: { width: 16, activation: 'rellu' }, data: { x: [1, 2], y: 1 }, init: { scaleU: 1, scaleW: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { at: [3, 1, 2] } });
  assert.deepEqual(problems(linear).map((p) => p.path), ['model.activation', 'time.at[1]']);
  // A file above the size bound is not checked a second time.
  const big = network({ training: { optimizer: 'adam', beta1: 1.5, epsilon: 1e-60 } }).replace('{', `{ /*${' x'.repeat(BESIDE_SCHEMA_MAX_CHARS / 2)} */`);
  assert.deepEqual(problems(big).map((p) => p.path), ['training.beta1']);
});

test('a number of the file is echoed in the kind\'s own messages as written, not as its 64-bit value', () => {
  const text = network({ model: { hidden: [8], outputScale: 1 }, training: { learningRate: 1 } }).replace('"outputScale": 1', '"outputScale": 1.0E+39').replace('"learningRate": 1', `"learningRate": 0.${'0'.repeat(52)}1`);
  const [scale, rate] = problems(text);
  assert.match(scale.message, /^model\.outputScale = 1\.0E\+39: beyond the float32 range/);
  assert.match(rate.message, /^training\.learningRate = 0\.0{46}… \(55 characters\): nonzero, but below the smallest float32 magnitude/);
  // A sweep's value checked by the schema: `got` the entry as written.
  const sweep = network({ sweep: { 'model.hidden[0]': [2, 3] } }).replace('[\n      2,\n      3\n    ]', '[2, 1.0E+9]');
  assert.match(problems(sweep)[0].message, /^sweep value 1: model\.hidden\[0\] must be ≤ 16,777,216, got 1\.0E\+9: a network has at most /);
});

test('a file whose keys say two kinds at once gets one error that says so, not the errors of the kind guessed', () => {
  // `model` twice, a network's and the linear model's: the last decided, and every key of the other was refused.
  for (const text of ['{"model":{"hidden":[8]},"model":{"width":3},"data":{"dataset":"mnist","train":10}}', '{"model":{"width":3},"model":{"hidden":[8]},"data":{"dataset":"mnist","train":10}}']) {
    const [only, ...rest] = parseAnyExperiment(text).diagnostics;
    assert.deepEqual(rest, [], text);
    assert.equal(only.path, 'model');
    assert.match(only.message, /^`model` is written twice, once with `hidden` \(a network experiment\) and once with `width` \(the two-layer linear model\)/);
    assert.equal(only.offset, text.lastIndexOf('"model"'));
    assert.deepEqual(parseExperiment(text).diagnostics, [only], 'the linear model\'s own parser says the same');
  }
  // A network's checkpoints one level too high: a checkpoint experiment beside a network to train.
  const text = '{"model":{"hidden":[4]},"data":{"dataset":"mnist","train":10},"checkpoints":{"path":"x"}}';
  const ds = parseAnyExperiment(text).diagnostics;
  assert.equal(ds.length, 1, JSON.stringify(ds));
  assert.equal(ds[0].path, 'checkpoints');
  assert.match(ds[0].message, /put the object under `training`, as `training\.checkpoints`/);
  // A duplicate of the same kind is the duplicate alone (the test above), and a checkpoint file is one.
  assert.deepEqual(parseAnyExperiment('{"checkpoints":{"path":"x"}}').diagnostics, []);
});

test('explicit initial weights are checked beside every other problem of the file, where they are independent of it', () => {
  // W_1 of 3 rows for hidden [2], and an entry float32 cannot hold: said at once with a missing `data`,
  // a misspelt data set, a width misnamed — until 2026-12 only once the rest was fixed.
  const weights = { weights: [[[1, 2], [3, 4], [5, 6]], [[1, 2, 1e39]]] };
  const shapes = ['init.weights[0]', 'init.weights[1][0]', 'init.weights[1][0][2]'];
  const noData = JSON.stringify({ model: { hidden: [2] }, init: weights, training: { steps: 2 } });
  assert.deepEqual(problems(noData).map((p) => p.path), ['', ...shapes]);
  assert.deepEqual(problems(noData).slice(1).map((p) => p.message), [
    'init.weights[0] (W_1) must have 2 rows (model.hidden[0]), got 3',
    'init.weights[1] (W_2) must have 2 columns (model.hidden[0], the rows of W_1), got 3',
    'init.weights[1][0][2] = 1e+39: beyond the float32 range (magnitudes up to 3.4028235e38); the trainer computes in float32, where this number would be +Infinity and the run could only diverge: give a number of magnitude at most 3.4e38',
  ]);
  assert.equal(problems(noData)[1].at, '[[1,2],[3,4],[5,6]]');
  const misspelt = JSON.stringify({ model: { hidden: [2] }, data: { dataset: 'mnst' }, init: weights, training: { steps: 2 } });
  assert.deepEqual(problems(misspelt).map((p) => p.path), ['data.dataset', ...shapes]);
  // Widths not given: the shapes cannot be judged, the entries can.
  const noWidths = JSON.stringify({ model: { sizes: [2] }, data: { dataset: 'mnist', train: 100 }, init: weights });
  assert.deepEqual(problems(noWidths).map((p) => p.path), ['model.sizes', 'init.weights[1][0][2]']);
  // An entry the schema refuses (beyond 64 bits) leaves the shapes to judge; a row it refuses is said once, by it.
  const refused = network({ model: { hidden: [2] }, init: { weights: [[[1, 2], [3, 7777], [5, 6]], [[1, 2], []]] } }).replace('7777', '1e999');
  assert.deepEqual(problems(refused).map((p) => p.path).sort(), ['init.weights[0]', 'init.weights[0][1][1]', 'init.weights[1][1]']);
  assert.match(problems(refused).find((p) => p.path === 'init.weights[0][1][1]')!.message, /must be a finite number, got 1e999/);
  assert.match(problems(refused).find((p) => p.path === 'init.weights[1][1]')!.message, /^init\.weights\[1\]\[1\] must have at least 1 item/);
  // The weights' count or form refused as a whole: nothing more said of them.
  const mixed = JSON.stringify({ model: { hidden: [2] }, init: { ...weights, seed: 1 } });
  assert.ok(!problems(mixed).some((p) => p.path.startsWith('init.weights')), JSON.stringify(problems(mixed)));
  // Once, when the file's own checks are reached too (an unknown key elsewhere).
  const once = network({ model: { hidden: [2], foo: 1 }, init: weights });
  assert.deepEqual(problems(once).map((p) => p.path), ['model.foo', ...shapes]);
});

test('the linear model\'s explicit initialisation is checked beside every other problem of the file too', () => {
  const init = { u: [1, 2], W: [[1], [2], [3, 4]] };
  const noRates = JSON.stringify({ model: { width: 3 }, data: { x: [1], y: 1 }, init });
  assert.deepEqual(problems(noRates).map((p) => [p.path, p.message]), [
    ['', 'the experiment is missing the required key `learningRates`'],
    ['init.u', 'init.u has 2 entries, but model.width is 3'],
    ['init.W[2]', "init.W[2] has 2 entries, but the input dimension (length of the data's x) is 1"],
  ]);
  // Without data, the width alone is judged; once each where the file's own checks are reached too.
  const noData = JSON.stringify({ model: { width: 3 }, init, learningRates: { u: 1, W: 1 } });
  assert.deepEqual(problems(noData).map((p) => p.path), ['', 'init.u']);
  const typo = JSON.stringify({ model: { width: 3, activation: 'rleu' }, data: { x: [1], y: 1 }, init, learningRates: { u: 1, W: 1 } });
  assert.deepEqual(problems(typo).map((p) => p.path), ['model.activation', 'init.u', 'init.W[2]']);
  // The width refused, or a key of the random form beside u and W: nothing more said of them.
  assert.deepEqual(problems(JSON.stringify({ model: { width: 0 }, init })).filter((p) => p.path.startsWith('init')), []);
  assert.deepEqual(problems(JSON.stringify({ model: { width: 3 }, init: { ...init, seed: 1 } })).filter((p) => p.path.startsWith('init.u') || p.path.startsWith('init.W')), []);
});
