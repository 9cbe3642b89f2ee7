/**
 * `flab train` of a network without a hidden layer (`model.hidden` []): f = γ·W x is linear in its
 * weights, so its tangent kernel never changes — kernelChange 0 at every record, the label kernel — and
 * no pair of layers has a ζ; a note says so (a tester's finding, 2026-12-03: it trained without a word).
 * As processes of the built CLI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';

const { flab, write } = cliFolder('flab-no-hidden-');

const x = [[0, 1], [1, 0], [1, 1], [0.5, -1], [-1, 0.5], [2, 1]];
const file = (hidden: number[]) => ({
  model: { hidden, activation: 'tanh' },
  data: { train: { x, y: x.map(([a, b]) => a - 2 * b) }, task: 'regression' },
  training: { learningRate: 0.05, steps: 30, record: { every: 5 } },
});

test('no hidden layer: kernelChange 0 at every record, label kernel, no ζ, and a note on standard error in every format', () => {
  const r = flab('train', write('linear.flab.json', file([])), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(out.kernelChange.length > 1 && out.kernelChange.every((k: number) => k === 0), `kernelChange ${out.kernelChange}`);
  assert.ok(out.distance.at(-1) > 0, 'the weights moved');
  assert.deepEqual(out.alignment, []);
  assert.equal(out.summary.label, 'kernel');
  for (const format of ['--json', '--csv', '--summary']) {
    assert.match(flab('train', write('linear.flab.json', file([])), format).stderr, /linear\.flab\.json: note: the network has no hidden layer \(model\.hidden is \[\]\): f = γ·W x is linear in its weights, so its tangent kernel never changes and its label can only be kernel/, format);
  }
});

test('a hidden layer: no such note', () => {
  const r = flab('train', write('hidden.flab.json', file([3])), '--summary');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /no hidden layer/);
});
