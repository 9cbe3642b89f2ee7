/**
 * A key of the other kind of experiment (a network's key in a file of the two-layer linear model, or
 * the reverse) is not "unknown": the message says whose key it is and names this kind's keys that
 * play its part (hyperparameters.ts, COUNTERPARTS), for a sweep, a phase axis and the panel's axes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { otherKindKey, resolveKey } from '../../../src/core/experiment/hyperparameters';
import { resolveSweep } from '../../../src/core/experiment/sweepSpec';

const errorOf = (key: string, kind?: 'linear' | 'network'): string => {
  const r = resolveKey(key, kind);
  assert.ok('error' in r, `${key} resolved`);
  return r.error;
};

test("a network's key in a linear-model file names the linear model's keys that play its part", () => {
  assert.equal(errorOf('training.learningRate'), "`training.learningRate` is a key of network experiments; the two-layer linear model's learning rates are `learningRates.u` (of u, the output weights) and `learningRates.W` (of W, the hidden layer)");
  // A unique last segment is resolved first: the message names the full path.
  assert.equal(errorOf('learningRate'), errorOf('training.learningRate'));
  assert.match(errorOf('init.scale'), /^`init\.scale` is a key of network experiments; the two-layer linear model's initialisation scales are `init\.scaleU` and `init\.scaleW`$/);
  assert.match(errorOf('model.hidden[1]'), /^`model\.hidden\[1\]` is a key of network experiments; the two-layer linear model's width is `model\.width`$/);
  assert.match(errorOf('training.weightDecay'), /the two-layer linear model's weight decay is `weightDecay`$/);
  assert.match(errorOf('training.epochs'), /the two-layer linear model's length of a run is `time\.end`$/);
  // No counterpart: said, with the keys there are.
  assert.match(errorOf('training.momentum'), /^`training\.momentum` is a key of network experiments, which the two-layer linear model has no counterpart of; its numeric keys are `model\.width`, /);
  assert.deepEqual(otherKindKey('training.learningRate', 'linear'), { path: 'training.learningRate', kind: 'network', counterparts: ['learningRates.u', 'learningRates.W'] });
  assert.equal(otherKindKey('frob', 'linear'), null);
});

test("a linear-model key in a network file names the network's keys that play its part", () => {
  assert.equal(errorOf('learningRates.u', 'network'), "`learningRates.u` is a key of the two-layer linear model; a network experiment's learning rate is `training.learningRate` (one number, or one per weight matrix)");
  assert.match(errorOf('scaleW', 'network'), /^`init\.scaleW` is a key of the two-layer linear model; a network experiment's initialisation scale is `init\.scale`$/);
  assert.match(errorOf('model.width', 'network'), /a network experiment's widths are the entries of `model\.hidden` \(`model\.hidden\[0\]`, …\)$/);
  assert.match(errorOf('time.end', 'network'), /a network experiment's length of training is `training\.epochs` or `training\.steps`$/);
});

test('a sweep over the other kind\'s key is refused at the sweep with the keys of its own kind', () => {
  const linear = resolveSweep({ 'training.learningRate': [0.1, 0.2] }, 'linear');
  assert.deepEqual(linear.problems, [{ path: 'sweep.training.learningRate', message: `sweep: ${errorOf('training.learningRate')}` }]);
  const network = resolveSweep({ 'learningRates.W': [0.1, 0.2] }, 'network');
  assert.match(network.problems[0].message, /^sweep: `learningRates\.W` is a key of the two-layer linear model; a network experiment's learning rate is `training\.learningRate`/);
});

test('an array index written with leading zeros is refused, saying how to write it (a table and a figure printed it as written)', () => {
  assert.equal(errorOf('training.learningRate[00]', 'network'), '`training.learningRate[00]` writes the index [00]: write it as [0]');
  assert.equal(errorOf('model.hidden[007]', 'network'), '`model.hidden[007]` writes the index [007]: write it as [7]');
  assert.match(errorOf('data.x[01]'), /writes the index \[01\]: write it as \[1\]$/);
  const r = resolveKey('model.hidden[10]', 'network');
  assert.ok(!('error' in r) || !/writes the index/.test(r.error), 'a plain [10] is not refused for its 0');
  const swept = resolveSweep({ 'training.learningRate[00]': [0.1, 0.2] }, 'network');
  assert.deepEqual(swept.problems.map((p) => p.path), ['sweep.training.learningRate[00]']);
});
