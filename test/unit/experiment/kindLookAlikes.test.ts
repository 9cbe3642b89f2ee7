/**
 * The kind of a file whose keys have look-alikes (a breaker's findings, round 2). The schema's root
 * condition compared keys exactly, so a network-only key written with a Cyrillic, Greek or full-width
 * letter (`biаs`, `trаining`, `dаtaset`) made the file the two-layer linear model's: 6–7 errors about
 * its keys (`width`, `learningRates`, `scaleU`, …) and a bare "unknown key `biаs`". An `if` now reads
 * keys as the ASCII they look like (`asciiKeys`), and the kind's checks name the look-alike. Also: two
 * `model`s are a confusion only when they make two kinds (a `model` with `Hidden` is a network's); the
 * short form of a phase axis names its look-alike; `dims` and a top-level `hidden` point to
 * `model.hidden`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { experimentKind, kindConfusion, networkEvidence } from '../../../src/core/experiment/kind';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { resolveKey } from '../../../src/core/experiment/hyperparameters';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';

const A = 'its `а` is U+0430 CYRILLIC SMALL LETTER A, a look-alike of `a`';

/** The problems as `path`, the text each points at, and the message. */
function problems(text: string): [string, string, string][] {
  const r = parseAnyExperiment(text);
  assert.equal(r.parsed, null, 'expected problems');
  return r.diagnostics.map((d) => [d.path, text.slice(d.offset, d.offset + d.length), d.message]);
}

test('a network-only key with a look-alike makes a network, and the network\'s checks name the look-alike', () => {
  const bias = '{"model":{"sizes":[],"biаs":true},"init":{"seed":1}}';
  assert.equal(parseAnyExperiment(bias).kind, 'network');
  assert.deepEqual(problems(bias), [
    ['model.sizes', '"sizes"', "unknown key `sizes` in model: a network's hidden layers are given by hidden, their widths, input side first ([256, 256]; [] for a linear map)"],
    ['model.biаs', '"biаs"', `unknown key \`biаs\` in model — did you mean \`bias\`? (\`biаs\` is not ASCII: ${A})`],
    ['', '{', 'the experiment is missing the required key `data`'],
  ]);
  const training = '{"model":{"sizes":[]},"trаining":{"epochs":1},"init":{"seed":1}}';
  assert.equal(parseAnyExperiment(training).kind, 'network');
  assert.deepEqual(problems(training)[1], ['trаining', '"trаining"', `unknown key \`trаining\` — did you mean \`training\`? (\`trаining\` is not ASCII: ${A})`]);
  // A data set's key: the data set's form is chosen (by the key read as ASCII), and the look-alike named there.
  const data = '{"model":{"sizes":[]},"data":{"dаtaset":"mnist"},"init":{"seed":1}}';
  assert.equal(parseAnyExperiment(data).kind, 'network');
  assert.deepEqual(problems(data).slice(1), [
    ['data.dаtaset', '"dаtaset"', `unknown key \`dаtaset\` in data — did you mean \`dataset\`? (\`dаtaset\` is not ASCII: ${A}) (\`dataset\` is required)`],
    ['data', '"data"', 'data is missing the required key `train`'],
  ]);
  // Greek, full-width and invisible look-alikes alike; and a linear model's key with one keeps the file linear.
  const kind = (value: unknown) => experimentKind(parseTree(JSON.stringify(value))!);
  assert.equal(kind({ model: { bιas: true } }), 'network', 'Greek iota');
  assert.equal(kind({ ｔｒａｉｎｉｎｇ: {} }), 'network', 'full-width');
  assert.equal(kind({ model: { 'hid\u200bden': [3], width: 3 } }), 'network', 'hidden behind a zero-width space is hidden');
  assert.equal(kind({ model: { wіdth: 3 }, training: {} }), 'linear', 'a linear key with a look-alike is the linear model\'s');
  assert.equal(kind({ lеarningRates: {}, training: {} }), 'linear');
});

test('the linear model\'s commands name the key with its look-alike, as written and as read', () => {
  const evidence = (text: string) => networkEvidence(parseTree(text)!);
  assert.equal(evidence('{"model":{"sizes":[],"biаs":true}}'), 'model.biаs');
  assert.equal(evidence('{"trаining":{}}'), 'trаining');
  assert.equal(evidence('{"dаta":{"dаtaset":"mnist"}}'), 'dаta.dаtaset');
  assert.equal(evidence('{"model":{"hіdden":[4]},"init":{"seed":1}}'), 'model.hіdden');
  const message = (text: string) => parseExperiment(text).diagnostics.map((d) => [d.path, text.slice(d.offset, d.offset + d.length), d.message]);
  const bias = '{"model":{"sizes":[],"biаs":true},"init":{"seed":1}}';
  assert.deepEqual(message(bias), [
    ['model.biаs', '"biаs"', `this is a network experiment whose \`model\` lacks \`hidden\` (it has \`model.biаs\`, read as \`model.bias\`, which only a network has, and no key of the two-layer linear model; \`biаs\` is not ASCII: ${A}), not the two-layer linear model: \`flab train\` trains it`],
  ]);
  // `flab solve` on a `hidden` with a Cyrillic і: U+0456 named.
  const dir = mkdtempSync(join(tmpdir(), 'flab-kind-look-'));
  const file = join(dir, 's1.flab.json');
  writeFileSync(file, '{"model":{"hіdden":[4]},"init":{"seed":1}}');
  const solve = spawnSync(process.execPath, [resolve(__dirname, '../../../../dist/cli.js'), 'solve', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(solve.status, 1);
  assert.equal(
    solve.stderr,
    `${file}:1:11: error: this is a network experiment whose \`model\` lacks \`hidden\` (it has \`model.hіdden\`, read as \`model.hidden\`; \`hіdden\` is not ASCII: its \`і\` is U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I, a look-alike of \`i\`): \`flab solve\` takes the two-layer linear model; \`flab train\` trains it (and \`flab sweep\` its sweep)\n`,
  );
});

test('two `model`s: a confusion only when they make two kinds, each said by the key that makes it', () => {
  const data = '"data":{"train":{"x":[[0],[1]],"y":[0,1]}}';
  // `Hidden` makes a network as `hidden` does: one kind, the duplicate and the misspelling told.
  const both = `{"model":{"hidden":[4]},"model":{"Hidden":[4]},${data}}`;
  assert.equal(kindConfusion(parseTree(both)!), null);
  assert.deepEqual(problems(both).map((p) => p[2]), [
    'duplicate key `model` in the experiment',
    "unknown key `Hidden` in model — did you mean `hidden`? (a network experiment's `model` has `hidden`, the widths of its hidden layers, input side first: [256, 256], or [] for a linear map)",
  ]);
  // A network's and the linear model's: each by the key that makes it.
  const two = `{"model":{"hiden":[4]},"model":{"width":4},${data}}`;
  assert.deepEqual(problems(two), [['model', '"model"', '`model` is written twice, once with `hiden` (a network experiment) and once with `width` (the two-layer linear model): which kind the file is cannot be told — keep one']]);
  const bare = '{"model":{"hidden":[4]},"model":{},"learningRates":{"u":1,"W":1}}';
  assert.match(problems(bare)[0][2], /^`model` is written twice, once with `hidden` \(a network experiment\) and once with no key of a network \(the two-layer linear model\)/);
});

test('a phase axis\'s short key names its look-alike; other names of the widths point to model.hidden', () => {
  const short = resolveKey('scаleU', 'linear');
  assert.ok('error' in short);
  assert.match(short.error, new RegExp(`^unknown hyperparameter \`scаleU\` — did you mean \`init\\.scaleU\`\\? \\(\`scаleU\` is not ASCII: ${A.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\);`));
  const widths = "a network's hidden layers are given by hidden, their widths, input side first ([256, 256]; [] for a linear map)";
  assert.deepEqual(problems('{"model":{"dims":[{"units":4}]},"training":{"epochs":1},"data":{"dataset":"mnist","train":10}}'), [['model.dims', '"dims"', `unknown key \`dims\` in model: ${widths}`]]);
  // Written with widths, it is `hidden` misnamed (kindEvidence.test.ts).
  assert.match(problems('{"model":{"dims":[4]},"training":{"epochs":1},"data":{"dataset":"mnist","train":10}}')[0][2], /^unknown key `dims` in model — did you mean `hidden`\? /);
  // A top-level `hidden`: move it into `model` (the missing `model` is that one error).
  assert.deepEqual(problems('{"hidden":[4],"data":{"train":{"x":[[0],[1]],"y":[0,1]}},"training":{"steps":2}}'), [
    ['hidden', '"hidden"', 'unknown key `hidden`: a network\'s hidden widths are written in its model: "model": { "hidden": [256, 256] }'],
  ]);
  assert.deepEqual(problems('{"hidden":[4],"data":{"x":[1],"y":1},"init":{"scaleU":1,"scaleW":1},"learningRates":{"u":1,"W":1}}'), [
    ['hidden', '"hidden"', 'unknown key `hidden`: a network\'s hidden widths, written in its model ("model": { "hidden": [256, 256] }), make a network experiment; the two-layer linear model\'s width is model.width'],
  ]);
});
