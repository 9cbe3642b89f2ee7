/**
 * A network experiment whose `model.hidden` is misspelt or missing (a breaker's finding): the kind was
 * decided by `model.hidden` alone, so `"hiden"` made the file the two-layer linear model's and the user
 * read 5–7 errors about keys that do not apply (`width`, `learningRates`, `scaleU`, `dataset`, …).
 * The schema's root condition now also reads a file without `hidden` as a network when it has a key
 * only a network has and none only the linear model has (docs/networks.md, "The experiment file"), and
 * a misspelling of a missing required key is one error, at the misspelling.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { EXPERIMENT_SCHEMA, experimentKind, networkEvidence } from '../../../src/core/experiment/kind';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { checkValue, matchesSchema, SchemaNode } from '../../../src/core/experiment/schema';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';

/** The breaker's file: docs/networks.md's example with `hidden` spelt `key`. */
function mnist(key: string, value: unknown = [256, 256, 256]): string {
  return `{
  "name": "Four-layer ReLU network on MNIST",
  "model": { ${JSON.stringify(key)}: ${JSON.stringify(value)}, "activation": "relu", "outputScale": 1, "bias": false },
  "data": { "dataset": "mnist", "train": 3000, "test": 1000 },
  "init": { "scheme": "kaiming", "scale": 1, "seed": 1 },
  "training": {
    "loss": "crossEntropy", "optimizer": "adam", "learningRate": 0.003,
    "batchSize": 100, "epochs": 10, "weightDecay": 0
  }
}
`;
}

/** The problems as `path`, the text each points at, and the message. */
function problems(text: string): { path: string; at: string; message: string }[] {
  const r = parseAnyExperiment(text);
  assert.equal(r.parsed, null, 'expected problems');
  return r.diagnostics.map((d) => ({ path: d.path, at: text.slice(d.offset, d.offset + d.length), message: d.message }));
}

const kind = (value: unknown) => experimentKind(parseTree(JSON.stringify(value))!);

test('a network file whose hidden is misspelt is one error at the misspelling, not the linear model\'s cascade', () => {
  const reason = "(a network experiment's `model` has `hidden`, the widths of its hidden layers, input side first: [256, 256], or [] for a linear map)";
  for (const key of ['hiden', 'Hidden', 'hidden ', 'hiddden', 'hdden', 'HIDDEN']) {
    const text = mnist(key);
    assert.equal(parseAnyExperiment(text).kind, 'network', key);
    assert.deepEqual(problems(text), [{ path: `model.${key}`, at: JSON.stringify(key), message: `unknown key \`${key}\` in model — did you mean \`hidden\`? ${reason}` }], key);
  }
  // Another library's name for the widths, written with something other than widths: one error, saying
  // what a network writes (written with widths, it is `hidden` misnamed: the next test).
  for (const key of ['layers', 'hidden_sizes', 'hiddenLayers', 'layer_sizes', 'sizes']) {
    const found = problems(mnist(key, [{ units: 256 }, { units: 256 }]));
    assert.equal(found.length, 1, `${key}: ${JSON.stringify(found)}`);
    assert.equal(found[0].at, JSON.stringify(key));
    assert.match(found[0].message, new RegExp(`^unknown key \`${key}\` in model: a network's hidden layers are given by hidden, their widths, input side first`));
  }
  // No key for the widths at all: the missing key, at model, with what it is.
  const none = problems(mnist('activation', 'relu').replace('"activation": "relu", "activation"', '"activation"'));
  assert.deepEqual(none.map((p) => [p.path, p.at, p.message]), [['model', '"model"', "model is missing the required key `hidden`: a network experiment's `model` has `hidden`, the widths of its hidden layers, input side first: [256, 256], or [] for a linear map"]]);
});

test('a list of widths under any other key of model is hidden misnamed: "did you mean `hidden`", at the key', () => {
  const reason = "(a network experiment's `model` has `hidden`, the widths of its hidden layers, input side first: [256, 256], or [] for a linear map)";
  const meant = (key: string) => `unknown key \`${key}\` in model — did you mean \`hidden\`? ${reason}`;
  // Names with no likeness to `hidden` (`foo`, `widths`), and other libraries' (told otherwise by keysElsewhere).
  for (const key of ['foo', 'widths', 'layers', 'hiddenSizes', 'hidden_layers', 'net']) {
    for (const value of [[4], [64, 64], [256, 256, 256]]) {
      const text = mnist(key, value);
      assert.equal(parseAnyExperiment(text).kind, 'network', key);
      assert.deepEqual(problems(text), [{ path: `model.${key}`, at: JSON.stringify(key), message: meant(key) }], key);
    }
  }
  // The file with nothing but such a model: a network (it was the linear model's, told to write `width`).
  for (const key of ['foo', 'widths', 'layers', 'hiddenSizes']) {
    const value = { model: { [key]: [64, 64] } };
    assert.equal(kind(value), 'network', key);
    assert.equal(networkEvidence(parseTree(JSON.stringify(value))!), `model.${key}`, key);
    const text = JSON.stringify(value);
    assert.deepEqual(problems(text).filter((p) => p.path.startsWith('model')), [{ path: `model.${key}`, at: JSON.stringify(key), message: meant(key) }], key);
  }
  assert.equal(networkEvidence(parseTree('{ "model": { "activation": "relu", "foo": [4] } }')!), 'model.foo');
  // `width` written with a list of widths is the network's `hidden` too, not the linear model's width.
  const width = mnist('width', [64, 64]);
  assert.equal(parseAnyExperiment(width).kind, 'network');
  assert.deepEqual(problems(width), [{ path: 'model.width', at: '"width"', message: meant('width') }]);
  assert.equal(kind({ model: { width: [64] } }), 'network');
  assert.equal(kind({ model: { width: 64 } }), 'linear');
  assert.equal(kind({ model: { width: [64] }, data: { x: [1], y: 1 } }), 'linear', 'the linear model\'s own key elsewhere decides');
  // The linear model's commands say what made it a network: the list.
  const simulated = parseExperiment('{ "model": { "foo": [64, 64] }, "data": { "dataset": "mnist", "train": 100 } }');
  assert.equal(simulated.kind, 'network');
  assert.deepEqual(simulated.diagnostics.map((d) => [d.path, d.message]), [['model.foo', 'this is a network experiment whose `model` lacks `hidden` (it has `model.foo`, a list of widths, which only a network has, and no key of the two-layer linear model), not the two-layer linear model: `flab train` trains it']]);
  // Not a list of widths: no guess (a 0, a fraction, a string, an empty list, a nested list).
  for (const value of [[64, 0], [1.5], ['64'], [], [[64]]]) {
    const found = problems(mnist('foo', value));
    assert.ok(!found.some((p) => p.message.includes('did you mean `hidden`')), JSON.stringify(value));
  }
  // With `hidden` written, a second list is an unknown key only.
  const both = problems(mnist('hidden').replace('"activation"', '"foo": [4], "activation"'));
  assert.deepEqual(both.map((p) => [p.path, p.message]), [['model.foo', 'unknown key `foo` in model']]);
  // Two lists: the first answers `hidden`'s absence, the second is an unknown key.
  const two = problems(mnist('foo').replace('"activation"', '"qux": [4], "activation"'));
  assert.deepEqual(two.map((p) => p.message), [meant('foo'), 'unknown key `qux` in model']);
  // A file of the linear model (its own keys decide): the list is told to be a network's `hidden`.
  const linear = '{ "model": { "width": 4, "layers": [64, 64] }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
  assert.equal(parseAnyExperiment(linear).kind, 'linear');
  assert.deepEqual(problems(linear), [
    { path: 'model.layers', at: '"layers"', message: 'unknown key `layers` in model: a list of widths is a network\'s `hidden` ("model": { "hidden": [256, 256] }, which makes a network experiment: docs/networks.md); the two-layer linear model has one width, `width` (d)' },
  ]);
});

test('the kind: hidden, or a network\'s own key and none of the linear model\'s; the linear model otherwise', () => {
  // Each network-only key makes a file without hidden a network …
  const network: unknown[] = [
    { model: { hiden: [3] } },
    { model: { Layers: [3] } },
    { model: { bias: true } },
    { training: {} },
    { model: {}, optimizer: 'adam' },
    { loss: 'squared' },
    { batchSize: 10 },
    { epochs: 1 },
    { data: { dataset: 'mnist' } },
    { data: { format: 'csv' } },
    { data: { train: 10 } },
    { data: { test: 10 } },
    { init: { scheme: 'kaiming' } },
    { init: { scale: 1 } },
    { init: { weights: [] } },
    { 'mоdel': { hidden: [3] }, training: {} },
  ];
  for (const value of network) assert.equal(kind(value), 'network', JSON.stringify(value));
  // … unless it has a key only the linear model has: then the user meant the linear model, and is told
  // the network's keys are a network's (keysElsewhere).
  const linear: unknown[] = [
    {},
    { model: {} },
    { model: { widht: 4 } },
    { model: { width: 4 }, training: {} },
    { model: { hiden: [3] }, learningRates: { u: 1, W: 1 } },
    { data: { dataset: 'mnist' }, time: { end: 1 } },
    { data: { x: [1], y: 1 }, training: {} },
    { data: { samples: [] }, init: { scheme: 'kaiming' } },
    { init: { scaleU: 1, scale: 1 } },
    { init: { u: [1], W: [[1]] }, epochs: 1 },
    { parameterisation: 'ntk', model: { bias: true } },
    { compare: {}, loss: 'squared' },
    { model: 'hidden', data: 'mnist' },
  ];
  for (const value of linear) assert.equal(kind(value), 'linear', JSON.stringify(value));
  assert.equal(kind({ model: { hidden: [3] }, learningRates: {} }), 'network', 'hidden decides');
  assert.equal(kind({ checkpoints: {}, training: {} }), 'checkpoints');
  // Where the kind is said: the key that made it (the model's first, then the order of the condition).
  const evidence = (value: unknown) => networkEvidence(parseTree(JSON.stringify(value))!);
  assert.equal(evidence({ training: {}, model: { activation: 'relu', hiden: [3] } }), 'model.hiden');
  assert.equal(evidence({ data: { dataset: 'mnist' }, training: {} }), 'training');
  assert.equal(evidence({ data: { test: 3, dataset: 'mnist' } }), 'data.dataset');
  assert.equal(evidence({ model: { width: 3 }, training: {} }), null);
});

test('the linear model\'s commands refuse such a file as a network, at the key that made it one', () => {
  const text = mnist('hiden');
  const r = parseExperiment(text);
  assert.equal(r.kind, 'network');
  assert.deepEqual(
    r.diagnostics.map((d) => [d.path, text.slice(d.offset, d.offset + d.length), d.message]),
    [['model.hiden', '"hiden"', 'this is a network experiment whose `model` lacks `hidden` (it has `model.hiden`, which only a network has, and no key of the two-layer linear model), not the two-layer linear model: `flab train` trains it']],
  );
  const cli = resolve(__dirname, '../../../../dist/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'flab-kind-'));
  const file = join(dir, 'hiden.flab.json');
  writeFileSync(file, text);
  const train = spawnSync(process.execPath, [cli, 'train', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(train.status, 1);
  assert.equal(train.stderr, `${file}:3:14: error: unknown key \`hiden\` in model — did you mean \`hidden\`? (a network experiment's \`model\` has \`hidden\`, the widths of its hidden layers, input side first: [256, 256], or [] for a linear map)\n`);
  const simulate = spawnSync(process.execPath, [cli, 'simulate', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(simulate.status, 1);
  assert.match(simulate.stderr, /:3:14: error: this is a network experiment whose `model` lacks `hidden` \(it has `model\.hiden`, which only a network has, and no key of the two-layer linear model\): `flab simulate` takes the two-layer linear model; `flab train` trains it/);
  assert.equal(simulate.stderr.split('\n').length, 2, 'one line');
});

test('a misspelt required key is one error at the misspelling, with the required key named (the linear model\'s too)', () => {
  const text = '{ "model": { "widht": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
  assert.deepEqual(problems(text), [{ path: 'model.widht', at: '"widht"', message: 'unknown key `widht` in model — did you mean `width`? (`width` is required)' }]);
  // Two misspellings of one key: the first answers its absence, the second is a plain misspelling.
  const twice = '{ "model": { "widht": 4, "witdh": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
  assert.deepEqual(problems(twice).map((p) => p.message), ['unknown key `widht` in model — did you mean `width`? (`width` is required)', 'unknown key `witdh` in model — did you mean `width`?']);
  // A misspelling of a key that is written is not told it is missing.
  const both = '{ "model": { "width": 4, "widht": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }';
  assert.deepEqual(problems(both).map((p) => p.message), ['unknown key `widht` in model — did you mean `width`?']);
});

test('not, propertyNames and pattern mean what JSON Schema says (the root condition uses them)', () => {
  const root: SchemaNode = {};
  const some: SchemaNode = { type: 'object', not: { propertyNames: { not: { pattern: '[Hh]id' } } } };
  assert.equal(matchesSchema(parseTree('{ "a": 1, "xHid": 2 }')!, some, root), true);
  assert.equal(matchesSchema(parseTree('{ "a": 1 }')!, some, root), false);
  assert.equal(matchesSchema(parseTree('{}')!, some, root), false);
  assert.deepEqual(checkValue('ab', { pattern: '^a' }, root, 'k'), []);
  assert.match(checkValue('ba', { pattern: '^a' }, root, 'k')[0].message, /^k must match \/\^a\/, got "ba"$/);
  assert.match(checkValue({ b: 1 }, { propertyNames: { pattern: '^a' } }, root, 'k')[0].message, /must match/);
  assert.equal(checkValue(1, { not: { type: 'string' } }, root, 'k').length, 0);
  assert.equal(checkValue('s', { not: { type: 'string' } }, root, 'k').length, 1);
});

test('the editor schema keeps the root condition as written, so VS Code documents the kind the validator reads', () => {
  const editor = JSON.parse(readFileSync(join(process.cwd(), 'media', 'flab.editor.schema.json'), 'utf8')) as SchemaNode;
  assert.deepEqual(editor.else?.if, EXPERIMENT_SCHEMA.else?.if);
});
