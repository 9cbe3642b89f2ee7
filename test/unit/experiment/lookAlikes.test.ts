/**
 * A key written with a non-ASCII look-alike of an ASCII letter (a breaker's finding: `"mоdel"` and
 * `"lоss"` with a Cyrillic о, U+043E) looks right in the editor and was refused as an unknown key
 * without saying why. Every "did you mean" (keys and values, every kind) now compares the word as the
 * ASCII it looks like and names each look-alike with its code point.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, didYouMeanValue, lookAlikes } from '../../../src/core/experiment/diagnostic';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';

test('the breaker\'s keys: the look-alike is named, with its code point, and the ASCII key suggested', () => {
  const text = '{\n  "mоdel": { "hidden": [16], "activation": "relu" },\n  "data": { "dataset": "mnist", "train": 300, "test": 100 },\n  "training": { "lоss": "crossEntropy", "epochs": 1 }\n}';
  const r = parseAnyExperiment(text);
  assert.equal(r.kind, 'network', 'a network without its model, not the linear model\'s errors');
  assert.deepEqual(
    r.diagnostics.map((d) => [d.path, text.slice(d.offset, d.offset + d.length), d.message]),
    [
      ['mоdel', '"mоdel"', 'unknown key `mоdel` — did you mean `model`? (`mоdel` is not ASCII: its `о` is U+043E CYRILLIC SMALL LETTER O, a look-alike of `o`) (`model` is required)'],
      ['training.lоss', '"lоss"', 'unknown key `lоss` in training — did you mean `loss`? (`lоss` is not ASCII: its `о` is U+043E CYRILLIC SMALL LETTER O, a look-alike of `o`)'],
    ],
  );
});

test('any confusable letter, full-width or mathematical letter, invisible character or wide space', () => {
  const cases: [string, string, string][] = [
    ['lаyers', 'layers', 'its `а` is U+0430 CYRILLIC SMALL LETTER A, a look-alike of `a`'],
    ['tеst', 'test', 'its `е` is U+0435 CYRILLIC SMALL LETTER IE, a look-alike of `e`'],
    ['oрtimizer', 'optimizer', 'its `р` is U+0440 CYRILLIC SMALL LETTER ER, a look-alike of `p`'],
    ['sсale', 'scale', 'its `с` is U+0441 CYRILLIC SMALL LETTER ES, a look-alike of `c`'],
    ['х', 'x', 'its `х` is U+0445 CYRILLIC SMALL LETTER HA, a look-alike of `x`'],
    ['у', 'y', 'its `у` is U+0443 CYRILLIC SMALL LETTER U, a look-alike of `y`'],
    ['mοdel', 'model', 'its `ο` is U+03BF GREEK SMALL LETTER OMICRON, a look-alike of `o`'],
    ['dαta', 'data', 'its `α` is U+03B1 GREEK SMALL LETTER ALPHA, a look-alike of `a`'],
    ['ναlue', 'value', 'its `ν` is U+03BD GREEK SMALL LETTER NU, a look-alike of `v`; its `α` is U+03B1 GREEK SMALL LETTER ALPHA, a look-alike of `a`'],
    ['ｍodel', 'model', 'its `ｍ` is U+FF4D, a full-width form of `m`'],
    ['𝐦odel', 'model', 'its `𝐦` is U+1D426, a compatibility form of `m`'],
    ['model\u200b', 'model', 'its `\\u200b` is U+200B ZERO WIDTH SPACE, invisible'],
    ['mo\u200ddel', 'model', 'its `\\u200d` is U+200D ZERO WIDTH JOINER, invisible'],
    ['data\u00a0', 'data', 'its `\\u00a0` is U+00A0 NO-BREAK SPACE, a look-alike of a space'],
    ['МODEL', 'model', 'its `М` is U+041C CYRILLIC CAPITAL LETTER EM, a look-alike of `M`'],
  ];
  const candidates = ['model', 'data', 'layers', 'test', 'optimizer', 'scale', 'x', 'y', 'value'];
  for (const [word, meant, note] of cases) {
    const said = didYouMean(word, candidates);
    assert.ok(said.startsWith(` — did you mean \`${meant}\`? (\``), `${word}: ${said}`);
    assert.ok(said.endsWith(` is not ASCII: ${note})`), `${word}: ${said}`);
  }
  // The same letter twice is named once; what does not look like ASCII is kept as it is.
  assert.deepEqual(lookAlikes('оо'), { ascii: 'oo', found: [{ char: 'о', codePoint: 'U+043E', name: 'CYRILLIC SMALL LETTER O', ascii: 'o' }] });
  assert.deepEqual(lookAlikes('mödel'), { ascii: 'mödel', found: [] });
  assert.equal(didYouMean('mödel', ['model']), ' — did you mean `model`?', 'a misspelling, not a look-alike');
  // An ASCII word is as before; a look-alike that makes no candidate's word is not told.
  assert.equal(didYouMean('outputScael', ['outputScale']), ' — did you mean `outputScale`?');
  assert.equal(didYouMean('ωωωωωω', ['model']), '');
});

test('values too: a look-alike in a word a key takes', () => {
  assert.equal(didYouMeanValue('rеlu', ['relu', 'tanh']), ' — did you mean `relu`? (`rеlu` is not ASCII: its `е` is U+0435 CYRILLIC SMALL LETTER IE, a look-alike of `e`)');
  const text = JSON.stringify({ model: { hidden: [4], activation: 'rеlu' }, data: { dataset: 'mnist', train: 10 } });
  const messages = parseAnyExperiment(text).diagnostics.map((d) => d.message);
  assert.equal(messages.length, 1);
  assert.match(messages[0], /^model\.activation must be one of .*, got "rеlu" — did you mean `relu`\? \(`rеlu` is not ASCII: its `е` is U\+0435 CYRILLIC SMALL LETTER IE, a look-alike of `e`\)$/);
});
