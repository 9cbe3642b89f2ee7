import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { lineAndColumn } from '../../../src/core/experiment/diagnostic';

const valid = `{
  // comments are allowed
  "name": "alignment",
  "model": { "width": 4, "outputScale": 1 },
  "data": { "x": [1, 0], "y": 1 },
  "init": { "scaleU": 0.01, "scaleW": 0.01, "seed": 3 },
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "end": 100, "points": 50 },
}`;

/** The single error of `text`, with its one-based line and column. */
function onlyError(text: string): { message: string; line: number; column: number; path: string; snippet: string } {
  const { experiment, diagnostics } = parseExperiment(text);
  assert.equal(experiment, null);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  const d = diagnostics[0];
  const { line, column } = lineAndColumn(text, d.offset);
  return { message: d.message, line: line + 1, column: column + 1, path: d.path, snippet: text.slice(d.offset, d.offset + d.length) };
}

test('a valid experiment with comments and a trailing comma parses, with defaults filled in', () => {
  const { experiment, diagnostics } = parseExperiment(valid);
  assert.deepEqual(diagnostics, []);
  assert.ok(experiment);
  assert.equal(experiment.model.activation, 'linear');
  assert.deepEqual(experiment.init, { kind: 'random', scaleU: 0.01, scaleW: 0.01, seed: 3 });
  assert.deepEqual(experiment.time, { kind: 'grid', end: 100, points: 50, spacing: 'linear', start: undefined });
  assert.equal(experiment.compare.simulate, false);
});

test('a misspelt key is located and a correction suggested', () => {
  const e = onlyError(valid.replace('"outputScale"', '"outputScael"'));
  assert.equal(e.message, 'unknown key `outputScael` in model — did you mean `outputScale`?');
  assert.equal(e.snippet, '"outputScael"');
  assert.deepEqual([e.line, e.column], [4, 26]);
});

test('an out-of-range value names its path, its bound and the value', () => {
  const e = onlyError(valid.replace('"u": 0.1', '"u": -1'));
  assert.equal(e.message, 'learningRates.u must be > 0, got -1');
  assert.equal(e.snippet, '-1');
  assert.equal(e.path, 'learningRates.u');
});

test('wrong types, non-integers and bad enum values are reported', () => {
  assert.equal(onlyError(valid.replace('"width": 4', '"width": 2.5')).message, 'model.width must be an integer, got 2.5');
  assert.equal(onlyError(valid.replace('"width": 4', '"width": "4"')).message, 'model.width must be an integer, got "4"');
  assert.match(onlyError(valid.replace('"outputScale": 1', '"outputScale": 1, "activation": "rleu"')).message, /model\.activation must be one of .*"relu".*did you mean `relu`\?/);
});

test('a missing required key is reported at the object that lacks it', () => {
  const e = onlyError(valid.replace('"learningRates": { "u": 0.1, "W": 0.1 }', '"learningRates": { "u": 0.1 }'));
  assert.equal(e.message, 'learningRates is missing the required key `W`');
  assert.equal(e.snippet, '"learningRates"');
  const top = onlyError(valid.replace('"learningRates": { "u": 0.1, "W": 0.1 },', ''));
  assert.equal(top.message, 'the experiment is missing the required key `learningRates`');
});

test('invalid JSON gives a located syntax error', () => {
  const text = valid.replace('"y": 1 }', '"y": 1 ');
  const { experiment, diagnostics } = parseExperiment(text);
  assert.equal(experiment, null);
  assert.ok(diagnostics.length >= 1);
  assert.match(diagnostics[0].message, /^invalid JSON: /);
  assert.deepEqual(parseExperiment('').diagnostics.map((d) => d.message), ['invalid JSON: a value was expected at the end of the file']);
});

test('an explicit initialisation must match the width and the input dimension', () => {
  const explicit = valid.replace('{ "scaleU": 0.01, "scaleW": 0.01, "seed": 3 }', '{ "u": [1, 2, 3], "W": [[1, 0], [0, 1], [1, 1], [2]] }');
  const { diagnostics } = parseExperiment(explicit);
  assert.deepEqual(diagnostics.map((d) => d.message), [
    'init.u has 3 entries, but model.width is 4',
    'init.W[3] has 1 entry, but the input dimension (length of the data\'s x) is 2',
  ]);
  assert.deepEqual(diagnostics.map((d) => d.path), ['init.u', 'init.W[3]']);
});

test('the data set must be collinear and of one dimension', () => {
  const samples = (xs: string) => valid.replace('{ "x": [1, 0], "y": 1 }', `{ "samples": [${xs}] }`);
  assert.deepEqual(parseExperiment(samples('{ "x": [0, 0], "y": 1 }, { "x": [1, 2], "y": 2 }, { "x": [-2, -4], "y": 0 }')).diagnostics, []);
  const off = onlyError(samples('{ "x": [1, 2], "y": 1 }, { "x": [2, 4.001], "y": 2 }'));
  assert.equal(off.path, 'data.samples[1].x');
  assert.match(off.message, /not on the line of the first nonzero input/);
  assert.match(onlyError(samples('{ "x": [1, 2], "y": 1 }, { "x": [2], "y": 2 }')).message, /data\.samples\[1\]\.x has 1 entry/);
  assert.match(onlyError(samples('{ "x": [0, 0], "y": 1 }')).message, /every input is zero/);
});

test('a data form that matches neither shape says which shapes exist', () => {
  const e = onlyError(valid.replace('{ "x": [1, 0], "y": 1 }', '{ "inputs": [1] }'));
  assert.equal(e.message, 'data must have the form { "x", "y" } or { "samples" }');
});

test('explicit times must increase; log grids may set their first time', () => {
  assert.match(onlyError(valid.replace('{ "end": 100, "points": 50 }', '{ "at": [0, 2, 1] }')).message, /time\.at must be in increasing order/);
  assert.deepEqual(parseExperiment(valid.replace('{ "end": 100, "points": 50 }', '{ "end": 100, "points": 50, "spacing": "log", "start": 0.1 }')).diagnostics, []);
  assert.match(onlyError(valid.replace('{ "end": 100, "points": 50 }', '{ "end": 100, "points": 50, "start": 0.1 }')).message, /time\.start applies to a log grid only/);
});

test('sizes that would exhaust memory are refused with the limit and the reason', () => {
  const e = onlyError(valid.replace('"width": 4', '"width": 10000000').replace('"x": [1, 0]', '"x": [1, 0, 0, 0, 0, 0]'));
  assert.match(e.message, /exceeds the limit of 50,000,000 \(400 MB/);
  assert.equal(e.path, 'model.width');
  assert.match(onlyError(valid.replace('"width": 4', '"width": 100000000')).message, /model\.width must be ≤ 10,000,000/);
  assert.match(onlyError(valid.replace('"points": 50', '"points": 10000000')).message, /time\.points must be ≤ 1,000,000/);
});

test('a width power whose value leaves the 64-bit range is refused at its base, with the value used and the bases that work', () => {
  const file = (model: object, init: object = { scaleU: 0.1, scaleW: 0.1 }, extra: object = {}) => JSON.stringify({ model, data: { x: [1], y: 1 }, init, learningRates: { u: 0.1, W: 0.1 }, ...extra });
  const errors = (text: string) => parseExperiment(text).diagnostics.map((d) => ({ path: d.path, message: d.message, snippet: text.slice(d.offset, d.offset + d.length) }));
  // σ_u = 1e-300 · (10⁶)⁻⁴ is 0 in 64 bits: it was accepted, a zero initialisation of u.
  const zero = errors(file({ width: 1_000_000 }, { scaleU: { widthExponent: -4, base: 1e-300 }, scaleW: 0.1 }));
  assert.deepEqual(zero.map((e) => [e.path, e.snippet]), [['init.scaleU.base', '1e-300']]);
  assert.equal(zero[0].message, 'init.scaleU.base = 1e-300; the value used, base · d^-4 at the width d = 1000000, is about 1e-324: below the smallest 64-bit number (5e-324), where it is 0, a different experiment: give a base of at least 4.9e-300, or 0 if that is what you mean');
  assert.deepEqual(errors(file({ width: 1_000_000 }, { scaleU: { widthExponent: -4, base: 4.9e-300 }, scaleW: 0.1 })), [], 'the stated base is accepted');
  // γ beyond the 64-bit range: at the base (it was at model.outputScale).
  const over = errors(file({ width: 100_000, outputScale: { widthExponent: 4, base: 1e300 } }));
  assert.deepEqual(over.map((e) => e.path), ['model.outputScale.base']);
  assert.match(over[0].message, /^model\.outputScale\.base = 1e\+300; the value used, base · d\^4 at the width d = 100000, is about 1e320: beyond the range of 64-bit numbers \(1\.8e308\): give a base of at most 1\.7e288$/);
  // Under a parameterisation a plain number is the base: refused at it, said so.
  const preset = errors(JSON.stringify({ parameterisation: 'meanField', model: { width: 10_000_000 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1 }, learningRates: { u: 1e302, W: 0.1 } }));
  assert.deepEqual(preset.map((e) => [e.path, e.snippet]), [['learningRates.u', '1e+302']]);
  assert.match(preset[0].message, /^learningRates\.u = 1e\+302 \(the base b of learningRates\.u = b·d\^1 under the parameterisation\); the value used, base · d\^1 at the width d = 10000000, is about 1e309: beyond the range of 64-bit numbers \(1\.8e308\): give a base of at most 1\.7e301$/);
});
