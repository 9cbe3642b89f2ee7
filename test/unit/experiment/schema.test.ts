import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { Diagnostic, didYouMeanValue, formatDiagnostic } from '../../../src/core/experiment/diagnostic';
import { numericKeys, resolveKey } from '../../../src/core/experiment/hyperparameters';
import { EXPERIMENT_SCHEMA, experimentKind, kindOfValue, kindSchema } from '../../../src/core/experiment/kind';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { checkAgainstSchema, checkValue, SchemaNode } from '../../../src/core/experiment/schema';
import { INIT_SCHEMES, NETWORK_ACTIVATIONS } from '../../../src/core/network/spec';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';

/** The problems of `text` against `schema`, as `path: message`. */
function problems(schema: SchemaNode, text: string): string[] {
  const out: Diagnostic[] = [];
  checkAgainstSchema(parseTree(text)!, schema, schema, '', out, text);
  return out.map((d) => `${d.path}: ${d.message}`);
}

test('if / then / else: the branch the condition chooses is the one checked', () => {
  const schema: SchemaNode = {
    type: 'object',
    if: { required: ['kind'], properties: { kind: { const: 'a' } } },
    then: { properties: { x: { type: 'number' } } },
    else: { properties: { x: { type: 'string' } } },
  };
  assert.deepEqual(problems(schema, '{ "kind": "a", "x": 1 }'), []);
  assert.deepEqual(problems(schema, '{ "kind": "a", "x": "1" }'), ['x: x must be a number, got "1"']);
  assert.deepEqual(problems(schema, '{ "kind": "b", "x": "1" }'), []);
  assert.deepEqual(problems(schema, '{ "x": 1 }'), ['x: x must be a string, got 1']);
  assert.deepEqual(problems(schema, '[1]'), [': the experiment must be an object, got an array'], 'the type first: no branch for a non-object');
});

test('const, anyOf, dependencies, string lengths and exclusiveMaximum speak the same vocabulary', () => {
  const schema: SchemaNode = {
    type: 'object',
    properties: {
      mode: { const: 'full' },
      batch: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'full' }] },
      name: { type: 'string', minLength: 1, maxLength: 3 },
      delimiter: { type: 'string', maxLength: 1 },
      momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      a: {},
      b: {},
    },
    dependencies: { a: ['b'] },
  };
  assert.deepEqual(problems(schema, '{ "mode": "ful" }'), ['mode: mode must be "full", got "ful" — did you mean `full`?']);
  assert.deepEqual(problems(schema, '{ "batch": 0 }'), ['batch: batch must be ≥ 1, got 0'], 'the branch of the value\'s type says what is wrong');
  assert.deepEqual(problems(schema, '{ "batch": 2.5 }'), ['batch: batch must be an integer or "full", got 2.5']);
  assert.deepEqual(problems(schema, '{ "batch": "fulll" }'), ['batch: batch must be "full", got "fulll" — did you mean `full`?']);
  assert.deepEqual(problems(schema, '{ "batch": true }'), ['batch: batch must be an integer or "full", got true']);
  assert.deepEqual(problems(schema, '{ "batch": 64 }'), []);
  assert.deepEqual(problems(schema, '{ "batch": "full" }'), []);
  assert.deepEqual(problems(schema, '{ "name": "" }'), ['name: name must not be empty, got ""']);
  assert.deepEqual(problems(schema, '{ "name": "abcd" }'), ['name: name may have at most 3 characters, got "abcd"']);
  assert.deepEqual(problems(schema, '{ "delimiter": ";;" }'), ['delimiter: delimiter must be one character, got ";;"']);
  assert.deepEqual(problems(schema, '{ "momentum": 1 }'), ['momentum: momentum must be < 1, got 1']);
  assert.deepEqual(problems(schema, '{ "momentum": 0.999 }'), []);
  assert.deepEqual(problems(schema, '{ "a": 1 }'), ['a: `a` and `b` go together: the experiment is missing `b`']);
  assert.deepEqual(problems(schema, '{ "a": 1, "b": 2 }'), []);
});

test('a oneOf of forms is chosen by its const discriminator, an unknown value of which is the error', () => {
  const schema: SchemaNode = {
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['format', 'file'], properties: { format: { const: 'csv' }, file: { type: 'string' } } },
      { type: 'object', additionalProperties: false, required: ['format', 'images'], properties: { format: { const: 'idx' }, images: { type: 'string' }, file: { type: 'number' } } },
    ],
  };
  assert.deepEqual(problems(schema, '{ "format": "idx", "file": "a" }'), ['file: file must be a number, got "a"', ': the experiment is missing the required key `images`'], 'the form the discriminator names, although the keys fit csv');
  assert.deepEqual(problems(schema, '{ "format": "parquet", "file": "a" }'), ['format: format must be one of "csv", "idx", got "parquet"']);
  assert.deepEqual(problems(schema, '{ "format": "cvs", "file": "a" }'), ['format: format must be one of "csv", "idx", got "cvs" — did you mean `csv`?']);
  assert.deepEqual(problems(schema, '{ "format": "csv", "file": "a" }'), []);
});

test('plain values are checked by the same schema, with their paths; non-finite numbers are refused', () => {
  const schema = kindSchema('network').properties!.training;
  assert.deepEqual(checkValue({ momentum: 0.5, learningRate: [0.1, Infinity], record: { every: 0 }, seed: undefined }, schema, EXPERIMENT_SCHEMA, 'training').map((d) => `${d.path}: ${d.message}`), [
    'training.learningRate[1]: training.learningRate[1] must be a finite number, got Infinity',
    'training.record.every: training.record.every must be ≥ 1, got 0',
  ]);
  assert.deepEqual(checkValue({ batchSize: NaN }, schema, EXPERIMENT_SCHEMA, 'training').map((d) => d.message), ['training.batchSize must be an integer or "full", got NaN']);
  // A large value is walked without building a tree of it first.
  const weights = [Array.from({ length: 300 }, () => new Array<number>(1000).fill(0.5))];
  assert.deepEqual(checkValue({ weights }, kindSchema('network').properties!.init, EXPERIMENT_SCHEMA, 'init'), []);
});

test('the kind is the branch the schema\'s root chooses: checkpoints, then a model with hidden, else the linear model', () => {
  const kind = (text: string) => experimentKind(parseTree(text)!);
  assert.equal(kind('{ "checkpoints": { "path": "*.safetensors" } }'), 'checkpoints');
  assert.equal(kind('{ "checkpoints": 1, "model": { "hidden": [2] } }'), 'checkpoints');
  assert.equal(kind('{ "model": { "hidden": [] } }'), 'network');
  assert.equal(kind('{ "model": { "width": 4 } }'), 'linear');
  assert.equal(kind('{ "model": "hidden" }'), 'linear', 'a model that is not an object is no network');
  assert.equal(kind('{}'), 'linear');
  assert.equal(kind('[]'), 'linear');
  assert.equal(kindOfValue({ model: { hidden: [3] } }), 'network');
  // The linear model's parser refuses the other kinds at the key that makes them one.
  const text = '{\n  "model": { "hidden": [4] },\n  "data": { "dataset": "mnist", "train": 10 }\n}';
  const r = parseExperiment(text);
  assert.equal(r.experiment, null);
  assert.equal(r.kind, 'network');
  assert.deepEqual(r.diagnostics.map((d) => [d.path, text.slice(d.offset, d.offset + d.length)]), [['model.hidden', '"hidden"']]);
  assert.match(r.diagnostics[0].message, /this is a network experiment \(its `model` has `hidden`\), not the two-layer linear model: `flab train` trains it/);
});

test('the network form mirrors the trainer\'s types, and each kind has its own numeric keys', () => {
  const network = kindSchema('network').properties!;
  assert.deepEqual(network.model.properties!.activation.enum, [...NETWORK_ACTIVATIONS]);
  assert.deepEqual((network.init.oneOf![0].properties!.scheme as SchemaNode).enum, [...INIT_SCHEMES]);
  const paths = numericKeys('network').map((k) => k.path);
  for (const p of ['model.outputScale', 'init.scale', 'init.seed', 'training.learningRate', 'training.batchSize', 'training.epochs', 'training.momentum', 'data.train']) assert.ok(paths.includes(p), p);
  assert.ok(!paths.some((p) => p.startsWith('classify') || p.startsWith('sweep')), 'thresholds and the sweep are no hyperparameters');
  assert.deepEqual(numericKeys().map((k) => k.path), numericKeys('linear').map((k) => k.path), 'the linear keys by default');
  assert.ok(!numericKeys().some((k) => k.path.startsWith('training')));
  const width = resolveKey('model.hidden[0]', 'network');
  assert.ok(!('error' in width) && width.integer && width.minimum === 1);
  const batch = resolveKey('batchSize', 'network');
  assert.ok(!('error' in batch) && batch.path === 'training.batchSize' && batch.integer, 'the numeric form of an integer-or-"full" key');
  const seed = resolveKey('seed', 'network');
  assert.ok('error' in seed && /ambiguous: .*`init.seed`, .*`training.seed`/.test(seed.error));
  assert.ok('error' in resolveKey('scale', 'linear'), 'init.scale is a network key');
});

test('keys of two forms of a oneOf together are an error at the other form\'s key, worded as keys that exclude each other', () => {
  const schema: SchemaNode = {
    type: 'object',
    properties: {
      init: {
        oneOf: [
          { type: 'object', additionalProperties: false, properties: { scheme: { enum: ['kaiming', 'xavier'] }, scale: { type: 'number' }, seed: { type: 'integer' } } },
          { type: 'object', additionalProperties: false, required: ['weights'], properties: { weights: { type: 'array' } } },
        ],
      },
    },
  };
  const forms = 'init takes either { "scheme", "scale", "seed" } or { "weights" }';
  // The form whose required key is written is the one meant, wherever the other's keys are.
  assert.deepEqual(problems(schema, '{ "init": { "weights": [], "seed": 3 } }'), [`init.seed: give init.weights or init.seed, not both: ${forms}`]);
  assert.deepEqual(problems(schema, '{ "init": { "scale": 3, "weights": [] } }'), [`init.scale: give init.weights or init.scale, not both: ${forms}`]);
  assert.deepEqual(problems(schema, '{ "init": { "weights": [], "scheme": "kaiming", "seed": 1, "wieghts": 1 } }'), [
    `init.scheme: give init.weights or init.scheme, not both: ${forms}`,
    `init.seed: give init.weights or init.seed, not both: ${forms}`,
    'init.wieghts: unknown key `wieghts` in init — did you mean `weights`?',
  ]);
  // The chosen form's own problems are still reported.
  assert.deepEqual(problems(schema, '{ "init": { "weights": 1, "seed": 3 } }'), [`init.seed: give init.weights or init.seed, not both: ${forms}`, 'init.weights: init.weights must be an array, got 1']);
  assert.deepEqual(problems(schema, '{ "init": { "scale": 1, "seed": 3 } }'), []);
  assert.deepEqual(problems(schema, '{ "init": { "weights": [] } }'), []);
});

test('a network file with explicit weights and seed, scale or scheme: located at the key, as epochs with steps are; the linear model\'s forms alike', () => {
  const located = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => formatDiagnostic('f', text, d));
  const file = (extra: string) => `{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1],[1,0],[1,1]], "y": [0,1,1,0] } }, "init": { "weights": [[[1,0],[0,1]], [[1,1],[1,-1]]], ${extra} } }`;
  const forms = 'init takes either { "scheme", "scale", "seed" } or { "weights" }';
  assert.deepEqual(located(file('"seed": 3')), [`f:1:158: error: give init.weights or init.seed, not both: ${forms}`]);
  assert.deepEqual(located(file('"scale": 3')), [`f:1:158: error: give init.weights or init.scale, not both: ${forms}`]);
  assert.deepEqual(located(file('"scheme": "kaiming"')), [`f:1:158: error: give init.weights or init.scheme, not both: ${forms}`]);
  assert.deepEqual(located('{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0,1] } }, "training": { "epochs": 2, "steps": 3 } }'), ['f:1:124: error: give training.epochs or training.steps, not both']);
  // The two-layer linear model's initialisation, data and time.
  const linear = (model: string) => `{ "model": { "width": 4 }, ${model}, "learningRates": { "u": 1, "W": 1 } }`;
  assert.deepEqual(located(linear('"data": { "x": [1], "y": 1 }, "init": { "u": [1, 1, 1, 1], "scaleU": 1, "scaleW": 1 }')), [
    'f:1:68: error: give init.scaleU or init.u, not both: init takes either { "scaleU", "scaleW", "seed" } or { "u", "W" }',
  ]);
  assert.deepEqual(located(linear('"data": { "samples": [{ "x": [1], "y": 1 }], "x": [1] }, "init": { "scaleU": 1, "scaleW": 1 }')), [
    'f:1:73: error: give data.samples or data.x, not both: data takes either { "x", "y" } or { "samples" }',
  ]);
  assert.deepEqual(located(linear('"data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "time": { "points": 10, "at": [1, 2] }')), [
    'f:1:106: error: give time.at or time.points, not both: time takes either { "end", "points", "spacing", "start" } or { "at" }',
  ]);
  // A key the chosen form shares with the other (inline data's `train`, a CSV file's too) leaves it an
  // unknown key, answered by the chosen form's keysElsewhere.
  assert.deepEqual(located('{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0,1] }, "trainFile": "a.csv" } }'), [
    'f:1:86: error: unknown key `trainFile` in data: a key of "format": "csv"; inline data\'s training samples are written in train, { x, y }',
  ]);
});

test('a limit of the schema says what it protects (maximumReason), after the bound', () => {
  const schema: SchemaNode = { type: 'object', properties: { n: { type: 'integer', maximum: 10, maximumReason: 'ten is all the memory holds' }, list: { type: 'array', maxItems: 2, maximumReason: 'two fit' }, m: { type: 'integer', maximum: 10 } } };
  assert.deepEqual(problems(schema, '{ "n": 11, "list": [1, 2, 3], "m": 11 }'), ['n: n must be ≤ 10, got 11: ten is all the memory holds', 'list: list may have at most 2 items, got 3: two fit', 'm: m must be ≤ 10, got 11']);
  const located = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => formatDiagnostic('f', text, d));
  assert.deepEqual(located('{ "model": { "hidden": [1e9] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0,1] } } }'), [
    'f:1:25: error: model.hidden[0] must be ≤ 16,777,216, got 1e9: a network has at most 16,777,216 weights and biases, which the trainer holds in up to five float32 copies (θ, θ₀, the gradient and Adam\'s two moments: 320 MiB), and a hidden layer this wide has more (docs/limits.md, "flab train and flab checkpoints")',
  ]);
  assert.deepEqual(located('{ "model": { "width": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 }, "time": { "points": 2000000 } }'), [
    'f:1:153: error: time.points must be ≤ 1,000,000, got 2000000: every point is printed, and 10⁶ points of 10 columns is what fits the output of one command (256 MiB; docs/limits.md, "The output of a command")',
  ]);
  // Every size limit of the format says why: the depth, the length of a run, the width, a sweep's values.
  const reasons: [string, RegExp][] = [
    [`{ "model": { "hidden": [${Array(64).fill(2).join(',')}] }, "data": { "dataset": "mnist", "train": 10 } }`, /model\.hidden may have at most 63 items, got 64: a bound kept well inside what works: .* 1,024 take 11 s and 660 MB/],
    [`{ "model": { "hidden": [2] }, "data": { "dataset": "mnist", "train": 10 }, "training": { "learningRate": [${Array(65).fill(0.1).join(',')}] } }`, /training\.learningRate may have at most 64 items, got 65: a bound kept well inside what works/],
    ['{ "model": { "hidden": [2] }, "data": { "dataset": "mnist", "train": 10 }, "training": { "steps": 100000001 } }', /training\.steps must be ≤ 100,000,000, got 100000001: a run of 10⁸ steps takes over 5½ hours/],
    ['{ "model": { "hidden": [2] }, "data": { "dataset": "mnist", "train": 10 }, "training": { "epochs": 100000001 } }', /training\.epochs must be ≤ 100,000,000, got 100000001: an epoch is at least one step/],
    ['{ "model": { "width": 10000001 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 } }', /model\.width must be ≤ 10,000,000, got 10000001: a run's time and memory grow with the width/],
    [`{ "model": { "width": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 }, "sweep": { "outputScale": [${Array(1001).fill(1).join(',')}] } }`, /may have at most 1,000 items, got 1,001: each value is a run, and a curve in the panel's charts/],
    ['{ "model": { "width": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 }, "sweep": { "outputScale": { "from": 1, "to": 2, "count": 1001 } } }', /count must be ≤ 1,000, got 1001: each value is a run/],
  ];
  for (const [text, reason] of reasons) assert.match(located(text).join('\n'), reason, text.slice(0, 80));
});

test('a value of a key that takes a few words gets a suggestion for another form of one ("classification" for classes), a key does not', () => {
  const located = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => formatDiagnostic('f', text, d));
  assert.deepEqual(located('{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0,1] }, "task": "classification" } }'), [
    'f:1:94: error: data.task must be one of "classes", "regression", got "classification" — did you mean `classes`?',
  ]);
  assert.deepEqual(located('{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0.5,1] }, "task": "Regress" }, "init": { "scheme": "kaiming_normal" } }'), [
    'f:1:96: error: data.task must be one of "classes", "regression", got "Regress" — did you mean `regression`?',
    'f:1:129: error: init.scheme must be one of "kaiming", "xavier", got "kaiming_normal" — did you mean `kaiming`?',
  ]);
  assert.equal(didYouMeanValue('logarithmic', ['linear', 'log']), ' — did you mean `log`?');
  assert.equal(didYouMeanValue('rleu', ['linear', 'relu', 'leaky_relu']), ' — did you mean `relu`?', 'a misspelling as before');
  assert.equal(didYouMeanValue('leaky', ['linear', 'relu', 'leaky_relu']), ' — did you mean `leaky_relu`?');
  assert.equal(didYouMeanValue('lin', ['linear', 'lineal']), '', 'two values start alike: no guess');
  assert.equal(didYouMeanValue('xy', ['xyz']), ' — did you mean `xyz`?', 'within the edit distance');
  assert.equal(didYouMeanValue('ab', ['abcdef']), '', 'two characters are no stem');
  assert.equal(didYouMeanValue('c'.repeat(65), ['c'.repeat(10)]), '', 'no suggestion for words over 64 characters');
  // Keys keep the edit distance alone: a longer key is another key.
  assert.deepEqual(located('{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1]], "y": [0,1] } }, "training": { "learningRateSchedule": 1 } }'), [
    'f:1:102: error: unknown key `learningRateSchedule` in training',
  ]);
});

test('a key of another kind is refused with where this kind writes it (keysElsewhere), not a guess at a misspelling', () => {
  const schema: SchemaNode = { type: 'object', additionalProperties: false, keysElsewhere: { time: 'write length instead' }, properties: { name: { type: 'string' }, length: { type: 'integer' } } };
  assert.deepEqual(problems(schema, '{ "time": 3, "nme": "a" }'), ['time: unknown key `time`: write length instead', 'nme: unknown key `nme` — did you mean `name`?']);
  // The format's own: the linear model's keys in a network file, and a network's in a linear one.
  const messages = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => d.message);
  assert.deepEqual(messages('{ "model": { "hidden": [4] }, "data": { "dataset": "mnist", "train": 10 }, "time": { "end": 5 }, "learningRates": { "u": 1 } }'), [
    "unknown key `time`: the two-layer linear model's key; a network's length is training.epochs or training.steps",
    "unknown key `learningRates`: the two-layer linear model's key; a network's rate is training.learningRate (one number, or one per weight matrix)",
  ]);
  assert.deepEqual(messages('{ "model": { "width": 4 }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 }, "training": {} }'), [
    "unknown key `training`: a network experiment's key (its model has hidden); the two-layer linear model's rates are learningRates, its length time.end",
  ]);
  // Every key it names is one the kind does not have.
  for (const kind of ['linear', 'network'] as const) {
    const s = kindSchema(kind);
    for (const key of Object.keys(s.keysElsewhere ?? {})) assert.ok(!Object.hasOwn(s.properties ?? {}, key), `${kind}: ${key}`);
  }
  // The other kind's data forms in `data`, whose forms are a oneOf: said at the key, with this kind's forms (the list of forms was all it said).
  const network = (data: string) => parseAnyExperiment(`{ "model": { "hidden": [4] }, "data": ${data}, "training": { "steps": 2 } }`).diagnostics.map((d) => `${d.path}: ${d.message}`);
  const inline = `a network's samples written inline are { "train": { "x": [[…], …], "y": […] } }, one row of x and one label or target row of y per sample`;
  assert.deepEqual(network('{ "x": [1, 2], "y": 1 }'), [`data.x: unknown key \`x\` in data: the two-layer linear model's data (one effective sample); ${inline}`]);
  assert.deepEqual(network('{ "samples": [{ "x": [1], "y": 1 }] }'), [`data.samples: unknown key \`samples\` in data: the two-layer linear model's data set on one line; ${inline}`]);
  const linear = (data: string) => parseAnyExperiment(`{ "model": { "width": 4 }, "data": ${data}, "init": { "scaleU": 1, "scaleW": 1 }, "learningRates": { "u": 1, "W": 1 }, "time": { "end": 5 } }`).diagnostics.map((d) => `${d.path}: ${d.message}`);
  const one = `a key of network experiments' data (a file whose model has "hidden": docs/networks.md); the two-layer linear model's data is one effective sample { "x": [...], "y": number } or { "samples": [{ "x": [...], "y": number }, …] }`;
  assert.deepEqual(linear('{ "dataset": "mnist", "train": 100 }'), [`data.dataset: unknown key \`dataset\` in data: ${one}`]);
  assert.deepEqual(linear('{ "train": { "x": [[1]], "y": [1] } }'), [`data.train: unknown key \`train\` in data: ${one}`]);
  // A key no form of either kind has keeps the list of forms.
  assert.match(network('{ "inputs": [1] }')[0], /^data: data must have the form \{ "dataset", "train" \} or /);
  // Every key a oneOf node answers is one none of its forms has.
  const walk = (node: SchemaNode): void => {
    if (node.oneOf && node.keysElsewhere) {
      const forms = node.oneOf.map((b) => (b.$ref ? EXPERIMENT_SCHEMA.$defs![b.$ref.replace('#/$defs/', '')] : b));
      for (const key of Object.keys(node.keysElsewhere)) assert.ok(forms.every((f) => !Object.hasOwn(f.properties ?? {}, key)), key);
    }
    for (const child of Object.values(node.properties ?? {})) walk(child);
  };
  for (const kind of ['linear', 'network'] as const) walk(kindSchema(kind));
});

test('a network\'s number that 64 bits read as 0 is told float32\'s smallest magnitude, which the trainer asks for next (not 5e-324, which it refuses)', () => {
  const file = (training: string) => `{ "model": { "hidden": [4] }, "data": { "train": { "x": [[0], [1]], "y": [0, 1] } }, "training": { ${training} } }`;
  const messages = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => d.message);
  const float32 = '1.5e-45 (the trainer computes in float32, whose smallest magnitude is 1.4e-45)';
  assert.deepEqual(messages(file('"learningRate": 1e-400')), [`training.learningRate = 1e-400: nonzero, but below the smallest 64-bit magnitude (4.9e-324), where it would be 0 — write 0, or a magnitude of at least ${float32}`]);
  assert.deepEqual(messages(file('"learningRate": [0.1, 1e-400]')), [`training.learningRate[1] = 1e-400: nonzero, but below the smallest 64-bit magnitude (4.9e-324), where it would be 0 — write 0, or a magnitude of at least ${float32}`]);
  assert.deepEqual(messages(file('"optimizer": "adam", "epsilon": 1e-999')), [`training.epsilon = 1e-999: nonzero, but below the smallest 64-bit magnitude (4.9e-324), where it would be 0 — write a magnitude of at least ${float32}`]);
  const scale = `{ "model": { "hidden": [4], "outputScale": { "widthExponent": -1, "base": 1e-400 } }, "data": { "train": { "x": [[0], [1]], "y": [0, 1] } } }`;
  assert.match(messages(scale)[0], /^model\.outputScale\.base = 1e-400: .* at least 1\.5e-45 \(the trainer computes in float32/);
  // The advice taken is accepted.
  assert.deepEqual(messages(file('"learningRate": 1.5e-45')), []);
  // The linear model computes in 64 bits: its advice is 64 bits' smallest.
  assert.match(messages('{ "model": { "width": 4 }, "data": { "x": [1], "y": 1 }, "learningRates": { "u": 1e-400, "W": 1 } }')[0], /write a magnitude of at least 5e-324$/);
});

test('a network\'s inline data value below the smallest magnitude is 0, as in a CSV or a .npy file (float32 data), not refused as a hyperparameter is', () => {
  const file = (x: string, y: string) => `{ "model": { "hidden": [4] }, "data": { "train": { "x": ${x}, "y": ${y} }, "test": { "x": ${x}, "y": ${y} } }, "training": { "steps": 1 } }`;
  const messages = (text: string) => parseAnyExperiment(text).diagnostics.map((d) => d.message);
  assert.deepEqual(messages(file('[[1e-400], [1]]', '[0, 1]')), []);
  assert.deepEqual(messages(file('[[-1e-400, 1e-50], [1, 2]]', '[[1e-400], [2]]')), []);
  // Explicit weights alike (1e-46 was 0 and 1e-400 refused).
  assert.deepEqual(messages(file('[[1], [2]]', '[0, 1]').replace('"training"', '"init": { "weights": [[[1e-400], [1], [0], [1e-46]], [[1, -1e-400, 0, 1], [0.5, 1e-46, 1, 1]]] }, "training"')), []);
  // A hyperparameter's 1e-400 still is (beyond float32's range, 1e50, the data reader refuses: inline.ts).
  assert.match(messages(file('[[1e-400], [1]]', '[0, 1]').replace('"steps": 1', '"steps": 1, "learningRate": 1e-400'))[0], /^training\.learningRate = 1e-400: nonzero/);
  // So is a class label: 1e-400 is no class index though it reads as 0 (1e-46 is refused by the data reader).
  assert.match(messages(file('[[0], [1]]', '[1e-400, 1]'))[0], /^data\.train\.y\[0\] = 1e-400: nonzero, but below the smallest 64-bit magnitude/);
});
