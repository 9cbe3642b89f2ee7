/**
 * What an experiment file may ask of the parser and of the runs built from it (issue 8, kinds 1
 * and 5; docs/limits.md): the JSON tokens counted by the scanner before the parser allocates, the
 * keys a sweep or an axis may name in this file, and data whose irreducible loss is beyond the
 * 64-bit range — each refused with a located message at the value the user wrote.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, lineAndColumn } from '../../../src/core/experiment/diagnostic';
import { keyNotInFile, resolveKey } from '../../../src/core/experiment/hyperparameters';
import { MAX_JSON_TOKENS } from '../../../src/core/experiment/limits';
import { countJsonTokens, MAX_BLANK_RUN, MAX_STRING_ESCAPES, parseExperiment, parseJsonText, parseTreeGuarded, structureProblem } from '../../../src/core/experiment/parse';

const valid = `{
  "model": { "width": 4 },
  "data": { "x": [1], "y": 1 },
  "init": { "scaleU": 0.1, "scaleW": 0.1, "seed": 1 },
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "points": 10 }
}`;

function located(text: string): { message: string; at: string; snippet: string }[] {
  const { experiment, diagnostics } = parseExperiment(text);
  assert.equal(experiment, null, 'refused');
  return diagnostics.map((d) => {
    const { line, column } = lineAndColumn(text, d.offset);
    return { message: d.message, at: `${line + 1}:${column + 1}`, snippet: text.slice(d.offset, d.offset + d.length) };
  });
}

test('tokens: every token the parser sees is counted, white space and comments are not', () => {
  assert.equal(countJsonTokens('{"a": [1, 2, true, null], "b": "s"}'), 17);
  assert.equal(countJsonTokens('// a comment\n/* block */ [ 1 ,\n\t2 ]'), 5);
  assert.equal(countJsonTokens('@ @ @'), 3, 'unknown characters are tokens: each would be a parse error');
  assert.equal(countJsonTokens(''), 0);
});

test('a file one token past MAX_JSON_TOKENS is refused at that token, before the parser builds a tree', () => {
  // `[0,0,…,0]`: the bracket, then a number and a comma per entry, the last number without its comma.
  const entries = Math.ceil(MAX_JSON_TOKENS / 2);
  const over = `[${'0,'.repeat(entries - 1)}0]`; // 2·entries + 1 = MAX + 1 tokens (MAX even)
  assert.equal(countJsonTokens(over), MAX_JSON_TOKENS + 1);
  const problem = structureProblem(over);
  assert.ok(problem);
  assert.equal(problem.offset, over.length - 1, 'at the closing bracket, the token past the limit');
  assert.equal(problem.message, `more than 4,000,000 JSON tokens (numbers, strings, keys, brackets, commas and colons): the file is refused before it is parsed, which would take over 1 GiB of memory (docs/limits.md, "Reading an experiment file"); keep large data in a data file (a network experiment's "data": { "format": "csv", … })`);
  const parsed = parseJsonText(over);
  assert.equal(parsed.tree, undefined);
  assert.deepEqual(parsed.diagnostics.map((d) => d.offset), [over.length - 1]);
  assert.equal(parseTreeGuarded(over), undefined, 'the panel\'s parser is guarded by the same scan');
  // At the limit exactly: parsed.
  const at = `[${'0,'.repeat(entries - 2)}0]`;
  assert.equal(countJsonTokens(at), MAX_JSON_TOKENS - 1);
  assert.equal(structureProblem(at), null);
});

test('a file of samples past the token limit (the reviewer\'s 63 MiB file, in kind) is one located error', () => {
  const sample = '{"x":[1],"y":1}';
  const count = Math.ceil(MAX_JSON_TOKENS / 12) + 1; // 12 tokens a sample with its comma
  const text = `{"model":{"width":4},"data":{"samples":[${Array(count).fill(sample).join(',')}]},"init":{"scaleU":0.1,"scaleW":0.1,"seed":1},"learningRates":{"u":0.1,"W":0.1}}`;
  const errors = located(text);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /^more than 4,000,000 JSON tokens/);
  assert.equal(errors[0].at.split(':')[0], '1');
});

test('a run of spaces and tabs longer than MAX_BLANK_RUN is refused at its start, before the scanner reads it; in strings and comments it is not', () => {
  // 64 MiB of spaces in a file under the size limit took about a minute and 3 GB in jsonc-parser's scanner.
  const run = ' \t'.repeat(MAX_BLANK_RUN / 2);
  const over = valid.replace('  "model"', `${run} "model"`); // MAX_BLANK_RUN + 1, from the line's start
  const started = performance.now();
  const errors = located(over);
  assert.ok(performance.now() - started < 2000, 'refused without scanning the run');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].at, '2:1');
  assert.match(errors[0].message, /^more than 65,536 spaces and tabs in a row: .* remove the run$/);
  assert.equal(parseTreeGuarded(over), undefined, 'the panel\'s parser is guarded by the same scan');
  const big = valid.replace('"model"', `${' '.repeat(8 * 2 ** 20)}"model"`);
  assert.equal(located(big)[0].at, '2:1', 'a run of 8 Mi spaces is refused in the same way');
  // At the limit, and runs the scanner takes as substrings: accepted.
  assert.equal(parseExperiment(valid.replace('  "model"', `${run}"model"`)).diagnostics.length, 0);
  for (const inside of [`/*${run} */`, `//${run}\n`]) assert.equal(parseExperiment(valid.replace('"model"', `${inside} "model"`)).diagnostics.length, 0, inside.slice(0, 2));
  const quoted = valid.replace('"time"', `"description": "a\\"${run}", "time"`);
  assert.equal(structureProblem(quoted), null, 'spaces inside a string, after an escaped quote');
  const unterminated = `{ "a": "open\n${run} }`;
  assert.equal(structureProblem(unterminated)?.offset, unterminated.indexOf('\n') + 1, 'a string ends at a line break, as the scanner ends it');
});

test('more than MAX_STRING_ESCAPES escapes in the strings are refused at the one past the limit, before the scanner builds them', () => {
  // 31 million \t in a 60 MiB name took 5.7 s and 1.35 GB in jsonc-parser's scanner, and a sweep parses again per value.
  const at = (escapes: number, extra = '') => valid.replace('"time"', `"name": "${'\\t'.repeat(escapes)}"${extra}, "time"`);
  const over = at(MAX_STRING_ESCAPES + 1);
  const started = performance.now();
  const errors = located(over);
  assert.ok(performance.now() - started < 2000);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /^more than 1,000,000 escape sequences \(\\n, \\t, \\u0041 …\) in the file's strings: .* keep long text out of the experiment file$/);
  assert.equal(errors[0].snippet, '\\t', 'at the escape past the limit');
  assert.equal(over.indexOf('\\t') + 2 * MAX_STRING_ESCAPES, parseJsonText(over).diagnostics[0].offset);
  assert.equal(parseTreeGuarded(over), undefined);
  // At the limit: parsed; escapes in keys count as well; a comment's backslashes are not escapes.
  assert.equal(structureProblem(at(MAX_STRING_ESCAPES)), null);
  assert.ok(structureProblem(valid.replace('"time"', `"${'\\n'.repeat(MAX_STRING_ESCAPES + 1)}": 1, "time"`)), 'in a key');
  assert.equal(structureProblem(valid.replace('"time"', `/* ${'\\t'.repeat(MAX_STRING_ESCAPES + 1)} */ "time"`)), null, 'in a comment');
  // A sweep's cost counts them as tokens.
  assert.equal(countJsonTokens('{"a": "x\\ny\\u0041"}') - countJsonTokens('{"a": "xy"}'), 2);
});

test('keys a sweep or an axis may name in this file: an index it has, a key of its own form', () => {
  const source = JSON.parse(valid) as unknown;
  assert.equal(keyNotInFile(source, 'data.x[0]'), null);
  assert.equal(keyNotInFile(source, 'weightDecay'), null, 'a key left to its default is one of the file\'s keys');
  assert.equal(keyNotInFile(source, 'time.end'), null);
  assert.equal(keyNotInFile(source, 'data.x[3]'), 'data.x has 1 entry in the file (indices 0 to 0), so data.x[3] is not one of its values');
  assert.equal(keyNotInFile(source, 'init.u[0]'), 'init.u[0] is not a key of this file\'s init, which is written as { "scaleU", "scaleW", "seed" }');
  const samples = JSON.parse(valid.replace('"x": [1], "y": 1', '"samples": [{ "x": [1], "y": 1 }, { "x": [2], "y": 3 }]')) as unknown;
  assert.equal(keyNotInFile(samples, 'data.y'), 'data.y is not a key of this file\'s data, which is written as { "samples" }');
  assert.equal(keyNotInFile(samples, 'data.x[0]'), 'data.x[0] is not a key of this file\'s data, which is written as { "samples" }');
  const at = JSON.parse(valid.replace('"points": 10', '"at": [1, 2]')) as unknown;
  assert.equal(keyNotInFile(at, 'time.end'), 'time.end is not a key of this file\'s time, which is written as { "at" }');
  const explicit = JSON.parse(valid.replace('"scaleU": 0.1, "scaleW": 0.1, "seed": 1', '"u": [1, 2, 3, 4], "W": [[1], [2], [3], [4]]')) as unknown;
  assert.equal(keyNotInFile(explicit, 'init.u[3]'), null);
  assert.equal(keyNotInFile(explicit, 'init.W[1][0]'), null);
  assert.equal(keyNotInFile(explicit, 'init.W[1][1]'), 'init.W[1] has 1 entry in the file (indices 0 to 0), so init.W[1][1] is not one of its values');
  assert.equal(keyNotInFile(explicit, 'init.scaleU'), 'init.scaleU is not a key of this file\'s init, which is written as { "u", "W" }');
});

test('a sweep over a key the file does not have is refused at the sweep\'s key', () => {
  const cases: [string, string][] = [
    ['"data.x[3]": [1, 2]', 'sweep: data.x has 1 entry in the file (indices 0 to 0), so data.x[3] is not one of its values'],
    ['"init.u[0]": [1, 2]', 'sweep: init.u[0] is not a key of this file\'s init, which is written as { "scaleU", "scaleW", "seed" }'],
  ];
  for (const [sweep, message] of cases) {
    const text = valid.replace('"time": { "points": 10 }', `"time": { "points": 10 },\n  "sweep": { ${sweep} }`);
    const [e, ...rest] = located(text);
    assert.deepEqual(rest, []);
    assert.equal(e.message, message);
    assert.equal(e.at, `7:${text.split('\n')[6].indexOf('[1, 2]') + 1}`, 'at the sweep\'s value');
  }
});

test('a sweep over a key that is not a parameter lists the keys that can be swept', () => {
  const keys = '`model.width`, `model.outputScale`, `data.y`, `init.scaleU`, `init.scaleW`, `init.seed`, `learningRates.u`, `learningRates.W`, `time.end`, `time.points`, `time.start`, `weightDecay` (or a path into an array, like `data.x[0]`)';
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'model.__proto__', 'classify.kernel']) {
    const text = valid.replace('"time": { "points": 10 }', `"time": { "points": 10 },\n  "sweep": { "${key}": [1, 2] }`);
    const [e] = located(text);
    assert.equal(e.message, `sweep: unknown hyperparameter \`${key}\`; numeric keys are ${keys}`, key);
    assert.equal(e.at, `7:${text.split('\n')[6].indexOf('[1, 2]') + 1}`, key);
  }
  for (const key of ['name', 'data.x', 'model']) {
    const text = valid.replace('"time": { "points": 10 }', `"time": { "points": 10 },\n  "sweep": { "${key}": [1, 2] }`);
    assert.equal(located(text)[0].message, `sweep: \`${key}\` is not a numeric hyperparameter; numeric keys are ${keys}`, key);
  }
  const r = resolveKey('name');
  assert.ok('error' in r);
});

test('samples with y = ±1e200: the irreducible loss is beyond 64 bits, refused at the largest target as written', () => {
  for (const y of ['1e200', '-1e200', '1E200', '-1.0e+200']) {
    const text = valid.replace('"x": [1], "y": 1', `"samples": [ { "x": [1], "y": 1 },\n                         { "x": [2], "y": ${y} } ]`);
    const [e, ...rest] = located(text);
    assert.deepEqual(rest, []);
    assert.equal(e.snippet, y);
    assert.equal(e.at, '4:43');
    assert.equal(e.message, `data.samples[1].y = ${y}: the data's irreducible loss ½E[(y − βa)²] (the least loss any weights reach, included in every loss printed; docs/model.md §1) is about 5e398, beyond the 64-bit range (sizes above 1.1e307 are refused); scaled together, the targets must be at most about 1.4e154 in size (docs/limits.md, "Representable ranges")`);
  }
});

test('the irreducible loss: an independent float64 reference at moderate sizes, the bound at the edge, a perfect fit never refused', () => {
  // Two samples (a = 1, 2) with targets (y1, y2): the least-squares β and the residual loss in closed form.
  const irreducible = (y1: number, y2: number) => {
    const beta = (y1 + 2 * y2) / 5;
    return 0.5 * ((y1 - beta) ** 2 + (y2 - 2 * beta) ** 2) / 2;
  };
  const at = (y1: number, y2: number) => valid.replace('"x": [1], "y": 1', `"samples": [{ "x": [1], "y": ${y1} }, { "x": [2], "y": ${y2} }]`);
  // 1e150 scale: the loss is ≈ 2.5e299·…, in range — accepted.
  assert.ok(irreducible(1e150, -1e150) < 1.1e307);
  assert.notEqual(parseExperiment(at(1e150, -1e150)).experiment, null);
  // Scaling both targets by c scales the loss by c²: the bound the message gives is where it reaches 1.1e307.
  const [e] = located(at(1e160, -1e160));
  const m = /about ([\d.e]+) in size/.exec(e.message);
  assert.ok(m, e.message);
  const bound = Number(m[1]);
  const reference = Math.sqrt(1.1235582092889473e307 / irreducible(1, -1));
  assert.ok(Math.abs(bound / reference - 1) < 0.05, `${bound} vs ${reference}`);
  // Collinear targets (y = 1e200·a) fit exactly: no weights are needed beyond range for the loss to be representable at the end.
  assert.notEqual(parseExperiment(at(1e200, 2e200)).experiment, null);
});

test('numbers in messages are written as a user writes them: 1e300, not 1e+300', () => {
  assert.equal(formatNumber(1e300), '1e300');
  assert.equal(formatNumber(-1e-300), '-1e-300');
  assert.equal(formatNumber(0.5), '0.5');
  // Beyond 12 characters, the shorter of the two forms: never an exponent of 1 or 2.
  assert.equal(formatNumber(56.2341325190349), '56.2341325190349');
  assert.equal(formatNumber(316.227766016838), '316.227766016838');
  assert.equal(formatNumber(1.18870769771187e307), '1.18870769771187e307');
  assert.equal(formatNumber(0.000123456789), '1.23456789e-4');
  assert.equal(formatNumber(-0.0123456789012), '-0.0123456789012');
  for (const x of [56.2341325190349, 1.18870769771187e307, 5e-324, -0.0123456789012, 123456789012345680]) assert.equal(Number(formatNumber(x)), x);
  const text = valid.replace('"time": { "points": 10 }', '"time": { "points": 10 },\n  "sweep": { "model.width": [4, 1e300] }');
  assert.match(located(text)[0].message, /^sweep value 1: model\.width must be ≤ 10,000,000, got 1e300: a run's time and memory grow with the width/);
});
