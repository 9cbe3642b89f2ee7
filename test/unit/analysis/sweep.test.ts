/**
 * The refusal of one sweep value (src/core/analysis/sweep.ts `sweepValueError`): located at the
 * sweep's entry, saying the swept key and its value once, the value as the sweep writes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepValueError } from '../../../src/core/analysis/sweep';

const spec = { key: 'learningRates.u', path: 'learningRates.u', values: [1, 56.2341325190349, 2.41759407916908e307] };

test('a message that begins with the swept key and its value has them once', () => {
  const e = sweepValueError(spec, 2, 'learningRates.u = 2.41759407916908e307: the initial tangent kernel is beyond the 64-bit range');
  assert.equal(e.message, 'sweep value 2, learningRates.u = 2.41759407916908e307: the initial tangent kernel is beyond the 64-bit range');
  assert.equal(e.path, 'sweep.learningRates.u[2]');
  // With the message's own label of the key, and after a `with KEY = V:` prefix.
  const y = { key: 'data.y', path: 'data.y', values: [-1e308] };
  assert.equal(sweepValueError(y, 0, 'data.y (its size |y|) = -1e308: the initial loss is about 5e615').message, 'sweep value 0, data.y = -1e308: the initial loss is about 5e615');
  assert.equal(sweepValueError(y, 0, 'with data.y = -1e308: data.y (its size |y|) = -1e308: too large').message, 'sweep value 0, data.y = -1e308: too large');
});

test('a message about another key keeps its own text, after the sweep value', () => {
  assert.equal(sweepValueError(spec, 1, 'model.outputScale = 3: something').message, 'sweep value 1, learningRates.u = 56.2341325190349: model.outputScale = 3: something');
  // A key whose path has brackets and dots is matched literally: data.x[0] does not match data.x (…).
  const x = { key: 'data.x[0]', path: 'data.x[0]', values: [2] };
  assert.equal(sweepValueError(x, 0, 'data.x (its length |x|) = 2: big').message, 'sweep value 0, data.x[0] = 2: data.x (its length |x|) = 2: big');
  assert.equal(sweepValueError(x, 0, 'data.x[0] = 2: big').message, 'sweep value 0, data.x[0] = 2: big');
});

test('a generated value is echoed as formatNumber writes it: 56.2341325190349, not 5.62341325190349e1', () => {
  assert.match(sweepValueError(spec, 1, 'refused').message, /^sweep value 1, learningRates\.u = 56\.2341325190349: refused$/);
  // The value as written in a list wins.
  assert.match(sweepValueError(spec, 1, 'refused', '5.623413251903491E1').message, /= 5\.623413251903491E1: refused$/);
});
