import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_MEASUREMENT_BYTES, FirstMeasurements } from '../../../src/core/network/firstMeasurements';

test('an entry is found by its key and the exact bytes of its arrays, of the same types', () => {
  const kept = new FirstMeasurements<string>(4);
  const theta = Float32Array.from([1, -0, 0.5]);
  const probe = Float32Array.from([NaN, 2]);
  kept.set('grams', [theta, probe], 'measured');
  assert.equal(kept.get('grams', [Float32Array.from([1, -0, 0.5]), Float32Array.from([NaN, 2])]), 'measured', 'equal bytes (NaN included) find it');
  assert.equal(kept.get('kernel', [theta, probe]), undefined, 'another key');
  assert.equal(kept.get('grams', [Float32Array.from([1, 0, 0.5]), probe]), undefined, '+0 is not −0: another θ₀');
  assert.equal(kept.get('grams', [theta]), undefined, 'fewer arrays');
  assert.equal(kept.get('grams', [theta, Float32Array.from([NaN, 2, 3])]), undefined, 'a longer array');
  assert.equal(kept.get('grams', [theta, new Float32Array(Float64Array.from([2]).buffer)]), undefined, 'the same length in bytes, other values');
  const asF64 = new Float64Array(new Float32Array([1, 2, 3, 4]).buffer);
  kept.set('t', [asF64], 'f64');
  assert.equal(kept.get('t', [new Float32Array(asF64.buffer)]), undefined, 'the same bytes as another type');
  assert.equal(kept.hits, 1);
});

test('arrays are compared by their own bytes: a view of the same values finds the entry', () => {
  const kept = new FirstMeasurements<number>(2);
  kept.set('k', [Float32Array.from([1, 2, 3])], 7);
  const big = Float32Array.from([9, 1, 2, 3, 9]);
  assert.equal(kept.get('k', [big.subarray(1, 4)]), 7);
  assert.equal(kept.get('k', [big.subarray(0, 3)]), undefined);
});

test('at most `capacity` entries, the last used kept; storing again replaces; entries above FIRST_MEASUREMENT_BYTES are not kept', () => {
  const kept = new FirstMeasurements<string>(2);
  const a = [Float32Array.from([1])];
  const b = [Float32Array.from([2])];
  const c = [Float32Array.from([3])];
  kept.set('k', a, 'a');
  kept.set('k', b, 'b');
  assert.equal(kept.get('k', a), 'a'); // a is now the last used
  kept.set('k', c, 'c'); // b, the least recently used, goes
  assert.equal(kept.size, 2);
  assert.equal(kept.get('k', b), undefined);
  assert.equal(kept.get('k', a), 'a');
  kept.set('k', a, 'a again');
  assert.equal(kept.size, 2);
  assert.equal(kept.get('k', a), 'a again');
  const large = [new Float32Array(FIRST_MEASUREMENT_BYTES / 4 + 1)];
  kept.set('k', large, 'large');
  assert.equal(kept.get('k', large), undefined);
  kept.set('k', [new Float32Array(4)], 'large value', FIRST_MEASUREMENT_BYTES);
  assert.equal(kept.get('k', [new Float32Array(4)]), undefined, 'the value counts too');
  assert.equal(kept.get('k', c), 'c', 'nothing was evicted for them');
});
