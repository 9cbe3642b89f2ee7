/**
 * Hostile experiment files at the parser (issue 8, kind 5): deep nesting, a byte-order mark, keys
 * that name Object.prototype's members, huge keys and values echoed into messages, numbers past the
 * 64-bit range. Each is refused with a located, one-line message, or (the mark) accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, excerpt, lineAndColumn, MAX_ECHOED_CHARACTERS, visibleControls } from '../../../src/core/experiment/diagnostic';
import { getNumber, resolveKey, withNumber } from '../../../src/core/experiment/hyperparameters';
import { MAX_NESTING_DEPTH, parseExperiment, parseJsonText } from '../../../src/core/experiment/parse';

const valid = `{
  "model": { "width": 4, "outputScale": 1 },
  "data": { "x": [1, 0], "y": 1 },
  "init": { "scaleU": 0.01, "scaleW": 0.01, "seed": 3 },
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "end": 10, "points": 11 }
}`;

function errors(text: string): { message: string; line: number; column: number; snippet: string }[] {
  const { experiment, diagnostics } = parseExperiment(text);
  assert.equal(experiment, null, 'refused');
  return diagnostics.map((d) => {
    const { line, column } = lineAndColumn(text, d.offset);
    return { message: d.message, line: line + 1, column: column + 1, snippet: text.slice(d.offset, d.offset + d.length) };
  });
}

test('nesting past the limit is refused at the first bracket too deep, before the parser recurses', () => {
  for (const depth of [MAX_NESTING_DEPTH + 1, 5000, 200_000]) {
    const text = `{"model": ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const [e, ...rest] = errors(text);
    assert.deepEqual(rest, []);
    assert.equal(e.message, `nesting deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects: an experiment needs 5 at most`);
    // The root object is level 1: the first array past the limit opens at column 11 + (limit − 1).
    assert.deepEqual([e.line, e.column, e.snippet], [1, 11 + MAX_NESTING_DEPTH - 1, '[']);
  }
  // Unclosed and mismatched brackets count as the parser would nest them (a stray closer closes nothing).
  assert.match(errors('['.repeat(100_000)).map((e) => e.message).join(), /nesting deeper/);
  assert.match(errors(`{"a": ${'[}'.repeat(100_000)}`).map((e) => e.message).join(), /nesting deeper/);
  // At the limit the file is merely wrong, and brackets in strings and comments are not nesting.
  const atLimit = `{"model": ${'['.repeat(MAX_NESTING_DEPTH - 1)}${']'.repeat(MAX_NESTING_DEPTH - 1)}}`;
  assert.doesNotMatch(errors(atLimit).map((e) => e.message).join('\n'), /nesting/);
  const inStrings = valid.replace('"model"', `"name": "${'['.repeat(10_000)}", /* ${'{'.repeat(10_000)} */ "model"`);
  assert.ok(parseExperiment(inStrings).experiment, 'brackets inside a string or a comment do not nest');
});

test('a UTF-8 byte-order mark is accepted, and offsets stay offsets into the text given', () => {
  const plain = parseExperiment(valid);
  const marked = parseExperiment('\uFEFF' + valid);
  assert.deepEqual(marked.diagnostics, []);
  assert.deepEqual(marked.experiment?.model, plain.experiment?.model);
  const bad = '\uFEFF' + valid.replace('"u": 0.1', '"u": -1');
  const [d] = parseExperiment(bad).diagnostics;
  assert.equal(d.message, 'learningRates.u must be > 0, got -1');
  assert.equal(bad.slice(d.offset, d.offset + d.length), '-1');
  // A mark anywhere else is still an unexpected character.
  assert.match(errors(valid.replace('"data"', '\uFEFF"data"'))[0].message, /^invalid JSON/);
});

test('keys named after Object.prototype members are unknown keys, and never become prototypes', () => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const inModel = errors(valid.replace('"width": 4', `"${key}": { "width": 4 }, "width": 4`));
    assert.deepEqual(inModel.map((e) => [e.message, e.snippet]), [[`unknown key \`${key}\` in model`, `"${key}"`]]);
    const atTop = errors(valid.replace('"model"', `"${key}": 1, "model"`));
    assert.deepEqual(atTop.map((e) => e.message), [`unknown key \`${key}\``]);
    const inSweep = errors(valid.replace('"model"', `"sweep": { "${key}": [1, 2] }, "model"`));
    assert.match(inSweep[0].message, new RegExp(`^sweep: unknown hyperparameter \`${key}\``));
    assert.equal(inSweep[0].snippet, '[1, 2]');
  }
  // The normaliser's copies keep `__proto__` an own data property; nothing reaches Object.prototype.
  const rewritten = withNumber({ model: { width: 3 } }, '__proto__.width', 7) as Record<string, unknown>;
  assert.ok(Object.hasOwn(rewritten, '__proto__'));
  assert.equal(Object.getPrototypeOf(rewritten), Object.prototype);
  assert.equal(({} as Record<string, unknown>).width, undefined);
  assert.equal(getNumber({ a: 1 }, 'constructor'), undefined);
  assert.equal(getNumber({ a: 1 }, 'toString.length'), undefined);
  for (const key of ['constructor', 'model.constructor', '__proto__', 'toString']) assert.match((resolveKey(key) as { error: string }).error, /^unknown hyperparameter/);
});

test('a huge key or string is echoed shortened, with no suggestion search over it', () => {
  const key = 'k'.repeat(1_000_000);
  const [e] = errors(valid.replace('"width": 4', `"${key}": 1, "width": 4`));
  assert.equal(e.message, `unknown key \`${'k'.repeat(MAX_ECHOED_CHARACTERS)}… (1000000 characters)\` in model`);
  const activation = errors(valid.replace('"width": 4', `"width": 4, "activation": "${'r'.repeat(100_000)}"`))[0];
  assert.ok(activation.message.length < 300, activation.message.slice(0, 300));
  assert.match(activation.message, /got "r{47}… \(100002 characters\)$/);
  const duplicate = errors(valid.replace('"width": 4', `"${'w'.repeat(5000)}": 1, "${'w'.repeat(5000)}": 1, "width": 4`));
  assert.ok(duplicate.every((d) => d.message.length < 300));
  assert.equal(didYouMean('outputScael', ['outputScale', 'width']), ' — did you mean `outputScale`?');
  assert.equal(didYouMean('o'.repeat(65), ['o'.repeat(65)]), '', 'no suggestion for words over 64 characters');
  assert.match((resolveKey('x'.repeat(100_000)) as { error: string }).error, /^unknown hyperparameter `x{48}… \(100000 characters\)`;/);
  assert.equal(excerpt('short'), 'short');
});

test('numbers are echoed as written: 1e309 is not "Infinity"', () => {
  assert.equal(errors(valid.replace('"width": 4', '"width": 1e309'))[0].message, 'model.width must be an integer, got 1e309 (beyond the range of 64-bit numbers)');
  assert.equal(errors(valid.replace('"y": 1', '"y": -1e400'))[0].message, 'data.y must be a finite number, got -1e400 (beyond the range of 64-bit numbers)');
  assert.equal(errors(valid.replace('"u": 0.1', '"u": -1.50'))[0].message, 'learningRates.u must be > 0, got -1.50');
  assert.match(errors(valid.replace('"width": 4', '"width": 99999999999999999999'))[0].message, /^model\.width must be ≤ 10,000,000, got 99999999999999999999: a run's time and memory grow with the width/);
  const long = `0.${'0'.repeat(500)}1`;
  assert.equal(errors(valid.replace('"u": 0.1', `"u": -${long}`))[0].message, `learningRates.u must be > 0, got ${excerpt('-' + long)}`);
});

test('a number written nonzero that 64 bits read as 0 is refused wherever it is, judged as the tiny number it is', () => {
  const below = (key: string, literal: string, advice: string) => `${key} = ${literal}: nonzero, but below the smallest 64-bit magnitude (4.9e-324), where it would be 0 — ${advice}`;
  // Where 0 is allowed it would have been taken silently: a data entry, a scale.
  assert.equal(errors(valid.replace('"x": [1, 0]', '"x": [1, 1e-400]'))[0].message, below('data.x[1]', '1e-400', 'write 0, or a magnitude of at least 5e-324'));
  assert.equal(errors(valid.replace('"scaleW": 0.01', '"scaleW": 2.5E-999'))[0].message, below('init.scaleW', '2.5E-999', 'write 0, or a magnitude of at least 5e-324'));
  // Where 0 is not, the advice is a magnitude; a sign the key refuses is the bound's fault.
  assert.equal(errors(valid.replace('"u": 0.1', '"u": 1e-400'))[0].message, below('learningRates.u', '1e-400', 'write a magnitude of at least 5e-324'));
  assert.equal(errors(valid.replace('"u": 0.1', '"u": -1e-400'))[0].message, 'learningRates.u must be > 0, got -1e-400');
  // An end of a log-spaced sweep range is not offered 0, which such a range refuses next (a breaker's finding).
  const range = (scale: string) => errors(valid.replace(/\}\s*$/, `, "sweep": { "learningRates.u": { "from": 1e-400, "to": 1, "count": 3${scale} } } }`))[0].message;
  assert.equal(range(', "scale": "log"'), below('sweep.learningRates.u.from', '1e-400', 'write a magnitude of at least 5e-324'));
  assert.equal(range(''), below('sweep.learningRates.u.from', '1e-400', 'write 0, or a magnitude of at least 5e-324'));
  // Zero written as zero, and the smallest 64-bit numbers, are numbers like any other.
  for (const literal of ['0', '-0', '0.000', '0e-999', '-0.0E+5', '5e-324', '4.9e-324']) assert.equal(parseExperiment(valid.replace('"scaleW": 0.01', `"scaleW": ${literal}`)).diagnostics.length, 0, literal);
});

test('one fault, one syntax error: a token the scanner cannot read, or a missing comma, is not echoed by the parser\'s recovery; separate faults each get theirs', () => {
  const at = (text: string) => parseJsonText(text).diagnostics.map((d) => `${d.offset}: ${d.message.replace('invalid JSON: ', '')}`);
  // A single-quoted value was also "a value was expected, found }"; a single-quoted key, also a property name and a value expected.
  assert.deepEqual(at(`{ "a": 'relu' }`), ["7: unexpected `'relu'`: JSON strings are written in double quotes"]);
  assert.deepEqual(at(`{ 'a': 1, "b": 2 }`), ["2: unexpected `'a'`: JSON strings are written in double quotes"]);
  assert.deepEqual(at(`{ "a": 'it''s' }`), ["7: unexpected `'it''s'`: JSON strings are written in double quotes"]);
  assert.deepEqual(at('{ "a": True, "b": 2 }'), ['7: unexpected `True`: JSON writes true, false and null in lower case']);
  assert.deepEqual(at('{ "a": NaN }'), ['7: unexpected `NaN`: JSON has no NaN or Infinity, only finite numbers']);
  // `-` and `Infinity` are two tokens to the scanner, one fault.
  assert.deepEqual(at('{ "a": -Infinity, "b": [1 2] }'), ['7: unexpected `-Infinity`: JSON has no NaN or Infinity, only finite numbers', '26: a comma was expected before `2`']);
  // A key without quotes, with or without space before it.
  assert.deepEqual(at('{ a: 1 }'), ['2: unexpected `a`: a property name is written in double quotes, "a"']);
  assert.deepEqual(at('{"a":1,bb:2}'), ['7: unexpected `bb`: a property name is written in double quotes, "bb"']);
  assert.deepEqual(at('{ "a": 1, b: 2, "c": Nope }'), ['10: unexpected `b`: a property name is written in double quotes, "b"', '21: unexpected `Nope`']);
  // A stray character where neither a key nor a value goes — after a value, or after a comma before the next
  // key — is dropped for the second parse: it was read as "" and gave a comma expected and "the file should end".
  assert.deepEqual(at('{ "a": 1,x\n  "b": 2 }'), ['9: unexpected `x`']);
  assert.deepEqual(at('{ "a": {"b": 1}x, "c": 2 }'), ['15: unexpected `x`']);
  assert.deepEqual(at('{ "a": {"b": 1}x\n  "c": 2 }'), ['15: unexpected `x`', '19: a comma was expected before `"c"`']);
  assert.deepEqual(at('{ "a": [1, x, 2] }'), ['11: unexpected `x`']);
  assert.deepEqual(at('{ x }'), ['2: unexpected `x`']);
  // A missing comma between members was also a property name expected at the next value and a value at `}`.
  assert.deepEqual(at('{"a": 1 2}'), ['8: a comma was expected before `2`']);
  assert.deepEqual(at('{"a": "x" "y"}'), ['10: a comma was expected before `"y"`']);
  assert.deepEqual(at('{"a": {"b": 1 /* c */ 2}}'), ['22: a comma was expected before `2`']);
  // Each missing comma of an array is its own fault.
  assert.deepEqual(at('{ "a": [1 2 3] }'), ['10: a comma was expected before `2`', '12: a comma was expected before `3`']);
  assert.deepEqual(at('{"a": True False}'), ['6: unexpected `True`: JSON writes true, false and null in lower case', '11: unexpected `False`: JSON writes true, false and null in lower case']);
  // Faults apart from each other are all reported, each at its place, after a token of another length was replaced.
  assert.deepEqual(at(`{ "a": 'a long single-quoted value', "b": [1,, 2], "c": 1 "d": 2 }`), [
    "7: unexpected `'a long single-quoted value'`: JSON strings are written in double quotes",
    '45: a value was expected, found `,`',
    '58: a comma was expected before `"d"`',
  ]);
  // A string in quotes JSON has not is one fault to its closing quote, or over the words after a quote never closed.
  assert.deepEqual(at('{ "a": “two words”, "b": 1 }'), ['7: unexpected `“two words”`: JSON strings are written in straight double quotes, "…"']);
  assert.deepEqual(at(`{ "a": 'unclosed value, "b": 1 }`), ["7: unexpected `'unclosed value`: JSON strings are written in double quotes"]);
  // Many faults on one line are read in linear time (a closing quote was looked for to the end of the
  // line: 200,000 quoted strings took 50 s): each is one error.
  const many = parseJsonText(`{ "a": [${"'x', ".repeat(200_000)}1] }`).diagnostics;
  assert.equal(many.length, 200_000);
  assert.equal(many[199_999].offset, 8 + 5 * 199_999);
});

test('excerpt counts and cuts whole characters: code points, never a mark away from its letter', () => {
  // 30 emoji are 30 characters (60 UTF-16 units): under the limit, echoed whole.
  assert.equal(excerpt('😀'.repeat(30)), '😀'.repeat(30));
  assert.equal(excerpt('😀'.repeat(60)), `${'😀'.repeat(MAX_ECHOED_CHARACTERS)}… (60 characters)`);
  assert.equal(excerpt('a' + '😀'.repeat(60)), `a${'😀'.repeat(MAX_ECHOED_CHARACTERS - 1)}… (61 characters)`, 'a surrogate pair is never split');
  // A combining accent stays with its letter: the cut backs up to before the "e" whose accent would follow.
  assert.equal(excerpt('a' + 'e\u0301'.repeat(30)), `a${'e\u0301'.repeat(23)}… (61 characters)`);
  // An emoji sequence joined by U+200D is kept whole or left out: the cut after its joiner backs up to its start.
  const family = '\u{1F468}\u200D\u{1F469}';
  assert.equal(excerpt('b'.repeat(46) + family + 'c'.repeat(10)), `${'b'.repeat(46)}… (59 characters)`);
  // Text that is all marks is cut where it is, not backed up to nothing.
  assert.equal(excerpt('\u0301'.repeat(100)), `${'\u0301'.repeat(MAX_ECHOED_CHARACTERS)}… (100 characters)`);
});

test('a JSON syntax error quotes the text at fault, in whole characters, on one line', () => {
  const message = (text: string) => errors(text)[0];
  const single = message(valid.replace('"width": 4', '"width": 4, "activation": \'relu\''));
  assert.equal(single.message, "invalid JSON: unexpected `'relu'`: JSON strings are written in double quotes");
  assert.equal(single.snippet, "'relu'");
  assert.equal(message(valid.replace('"y": 1', '"y": True')).message, 'invalid JSON: unexpected `True`: JSON writes true, false and null in lower case');
  assert.equal(message(valid.replace('"y": 1', '"y": NaN')).message, 'invalid JSON: unexpected `NaN`: JSON has no NaN or Infinity, only finite numbers');
  assert.equal(message(valid.replace('"y": 1', '"y": \u00a01')).message, 'invalid JSON: unexpected character U+00A0 (a no-break space)');
  const comma = message(valid.replace('"width": 4, "outputScale"', '"width": 4 "outputScale"'));
  assert.equal(comma.message, 'invalid JSON: a comma was expected before `"outputScale"`');
  assert.equal(message(valid.slice(0, -1)).message, 'invalid JSON: a closing brace `}` was expected at the end of the file');
  // An invalid escape late in a long string is quoted and located itself, not the string's first characters.
  const long = valid.replace('"model"', `"description": "${'x'.repeat(80)} C:\\qdata \\u12g4", "model"`);
  const escape = message(long);
  assert.equal(escape.message, 'invalid JSON: invalid escape `\\q` in a string: JSON\'s escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX (a backslash is written \\\\)');
  assert.equal(escape.snippet, '\\q');
  const unicode = message(long.replace('\\qdata', 'data'));
  assert.equal(unicode.message, 'invalid JSON: invalid escape `\\u12g4` in a string: \\u takes four hexadecimal digits');
  assert.equal(unicode.snippet, '\\u12g4');
  const tab = message(valid.replace('"model"', '"name": "a\tb", "model"'));
  assert.equal(tab.message, 'invalid JSON: character U+0009 (a tab) in a string: write it as \\t');
  assert.equal(tab.snippet, '\t');
  // An unterminated string of emoji: an excerpt cut between characters, never between a pair's halves.
  const open = message(valid.replace('"model"', `"name": "${'😀'.repeat(60)}\n, "model"`));
  assert.equal(open.message, `invalid JSON: unterminated string \`"${'😀'.repeat(MAX_ECHOED_CHARACTERS - 1)}… (61 characters)\`: a string must close with " on the line it opens (a line break in a string is written \\n)`);
  assert.doesNotMatch(open.message, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, 'no lone surrogate');
  // A comment left open over lines is quoted on one line.
  const comment = message(valid.replace('"model"', '/* width\n   sweep "model"').replace(/\}$/, ''));
  assert.equal(comment.message, 'invalid JSON: unterminated comment `/* width\\n   sweep "model": { "width": 4, "output… (234 characters)`: a /* comment ends with */');
  assert.ok(!comment.message.includes('\n'));
  // Its invisible characters by their code points, not as the escapes a file might hold (excerpt's
  // \u001b read as one when it began escaping for other messages).
  const invisible = message(valid.replace('"model"', '/* a\u001bb\u202ec "model"').replace(/\}$/, ''));
  assert.match(invisible.message, /^invalid JSON: unterminated comment `\/\* a<U\+001B>b<U\+202E>c "model"/);
});

test('text shown to a person has its control and bidirectional characters as escapes, the rest as written (visibleControls)', () => {
  assert.equal(visibleControls('a\u001b[2Jb\rc\u0000d\u007f\u009be'), 'a\\u001b[2Jb\\u000dc\\u0000d\\u007f\\u009be');
  assert.equal(visibleControls('evil \u202elive\u202c \u2066x\u2069 \u200e\u200f\u061c'), 'evil \\u202elive\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c');
  // Separators that break a line, and characters that show as nothing.
  assert.equal(visibleControls('a\u2028b\u2029c\u200bd\ufeffe\u2060f'), 'a\\u2028b\\u2029c\\u200bd\\ufeffe\\u2060f');
  assert.equal(visibleControls('👨\u200d👩\u200d👧 ab\u200ccd'), '👨\u200d👩\u200d👧 ab\u200ccd', 'the joiners that compose text stay');
  // Line feeds, tabs, right-to-left letters, emoji and combining marks are text: kept.
  for (const kept of ['two\nlines\tand a tab', 'שלום עולם', 'مرحبا', '🧠 réseau', 'e\u0301', '\u00a0non-breaking']) assert.equal(visibleControls(kept), kept);
});
