/**
 * Networks whose outputs no longer depend on their input (docs/networks.md, "Labels", `constantAtEnd`):
 * tanh or sigmoid units saturated by one large step read the same values on every training sample, the
 * network computes a constant, and the loss falls to the best constant's — neither `collapsed` (the
 * tangent features are ≈ 0, not 0) nor `lossBlewUp` (the loss fell) saw it, and the run was labelled
 * "mixed: alignment+rescaling" with no note. As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { constantHiddenLayer } from '../../../src/core/network/deadUnits';

const { flab, write } = cliFolder('flab-saturated-');

/** The breaker's file: η_1 = 10⁵ puts every tanh unit at ±1 on every sample after the first step. */
const saturated = {
  model: { hidden: [4], activation: 'tanh' },
  data: { train: { x: [[1, 2], [3, 4], [5, 6], [7, 8]], y: [[1], [2], [3], [4]] } },
  training: { steps: 50, learningRate: [1e5, 0.02], batchSize: 'full', record: { every: 5 } },
};

interface Summary {
  label: string | null;
  scores: { collapsed: boolean; lossBlewUp: unknown; constantAtEnd?: { layer: number; step: number; samples: number; activation: string } | null };
}

for (const backend of ['onnxruntime', 'tfjs']) {
  test(`a saturated tanh or sigmoid network (full batch, minibatches) has no label, and its note says its outputs no longer depend on the input (${backend})`, () => {
    const files = {
      tanh: saturated,
      sigmoid: { ...saturated, model: { hidden: [4], activation: 'sigmoid' } },
      'tanh, batch 2': { ...saturated, training: { ...saturated.training, batchSize: 2, steps: 5 } },
    };
    for (const [name, value] of Object.entries(files)) {
      const r = flab('train', write(`${name.replace(/\W+/g, '-')}.flab.json`, value), '--summary', '--backend', backend);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as Summary;
      assert.equal(s.label, null, name);
      assert.equal(s.scores.collapsed, false, name);
      assert.equal(s.scores.lossBlewUp, null, name);
      const activation = value.model.activation;
      assert.deepEqual(s.scores.constantAtEnd, { layer: 1, step: value.training.steps, samples: 4, activation }, name);
      const why = activation === 'tanh' ? 'its tanh units saturated at ±1' : 'its sigmoid units saturated at 0 or 1';
      assert.match(r.stderr, new RegExp(`: note: no label: the network's outputs no longer depend on its input — at step ${value.training.steps} \\(its last record\\) hidden layer 1 \\(the output of fc1.weight\\) reads the same values on every one of the 4 probe samples \\(${why}, where φ′ ≈ 0\\), so it computes a constant.*smaller training.learningRate entries`), name);
    }
  });
}

test('the same networks at a rate that trains keep their label, constantAtEnd null, no note', () => {
  for (const activation of ['tanh', 'sigmoid']) {
    const r = flab('train', write(`live-${activation}.flab.json`, { ...saturated, model: { hidden: [4], activation }, training: { ...saturated.training, learningRate: 0.01 } }), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.notEqual(s.label, null, activation);
    assert.equal(s.scores.constantAtEnd, null, activation);
    assert.equal(r.stderr, '', activation);
  }
});

test('constantHiddenLayer: the first hidden layer the same on every row; null for a live network, alike inputs, one row, no hidden layer', () => {
  const w = (rows: number, cols: number, values: number[]) => ({ rows, cols, data: Float32Array.from(values) });
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const rows = [0, 1, 2];
  // W_1 = 100·(1, 1): tanh(300), tanh(700), tanh(1100) are 1 in float64; the output layer reads 1.
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [100, 100]), w(1, 1, [1])], x, rows), 1);
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [0.1, 0.1]), w(1, 1, [1])], x, rows), null);
  assert.equal(constantHiddenLayer('linear', [w(1, 2, [100, 100]), w(1, 1, [1])], x, rows), null);
  // A unit within float32's roundoff of its layer's scale counts as the same (tanh(9) vs tanh(12): 3·10⁻⁸ apart);
  // sigmoid at 0: exactly the same values there (e^{−300} and smaller, within 2⁻²⁴ of the layer's 1 at the other unit).
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [1, 1]), w(1, 1, [1])], Float32Array.from([4, 5, 6, 6]), [0, 1]), 1);
  assert.equal(constantHiddenLayer('sigmoid', [w(2, 2, [-100, -100, 100, 100]), w(1, 2, [1, 1])], x, rows), 1);
  // Hidden layer 1 differs on every row; hidden layer 2 saturates it: layer 2.
  assert.equal(constantHiddenLayer('tanh', [w(2, 2, [0.1, 0, 0, 0.1]), w(1, 2, [1000, 1000]), w(1, 1, [1])], x, rows), 2);
  // Nothing to tell apart: alike inputs, one row; and no hidden layer.
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [100, 100]), w(1, 1, [1])], Float32Array.from([1, 2, 1, 2]), [0, 1]), null);
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [100, 100]), w(1, 1, [1])], x, [0]), null);
  assert.equal(constantHiddenLayer('tanh', [w(1, 2, [100, 100])], x, rows), null);
  // A ReLU layer inactive on every row reads 0 on each: the same (deadAtEnd's case, named first by the note).
  assert.equal(constantHiddenLayer('relu', [w(1, 2, [-1, -1]), w(1, 1, [1])], x, rows), 1);
});

/**
 * Saturated from θ₀ (docs/networks.md, "Labels", `constantAtStart`): init.scale 1000 puts every tanh
 * unit at ±1 (sigmoid at 0 or 1) on every sample before the first step; the outputs never depend on
 * the input, the weights hardly move, and the kernel test passed by that alone — "kernel", no note.
 */
const SATURATED_FROM_START = {
  model: { hidden: [8], activation: 'tanh' },
  data: { train: { x: [[1], [2], [3], [4]], y: [[1], [2], [3], [4]] } },
  init: { scale: 1000, seed: 1 },
  training: { steps: 50, learningRate: 0.01, batchSize: 'full', record: { every: 5 } },
};

interface StartSummary {
  label: string | null;
  scores: { constantAtEnd?: unknown; constantAtStart?: { layer: number; step: number | null; samples: number; activation: string } | null };
}

test('a network saturated from θ₀ (tanh, sigmoid; init.scale 1000) has no label, and its note names the layer and a smaller init.scale', () => {
  for (const activation of ['tanh', 'sigmoid']) {
    const r = flab('train', write(`start-${activation}.flab.json`, { ...SATURATED_FROM_START, model: { hidden: [8], activation } }), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as StartSummary;
    assert.equal(s.label, null, `${activation}: it was "kernel"`);
    assert.deepEqual(s.scores.constantAtStart, { layer: 1, step: 50, samples: 4, activation });
    assert.equal(s.scores.constantAtEnd, null);
    const why = activation === 'tanh' ? 'its tanh units saturated at ±1' : 'its sigmoid units saturated at 0 or 1';
    assert.match(r.stderr, new RegExp(`: note: no label: the network is saturated from the start — at θ₀ hidden layer 1 \\(the output of fc1.weight\\) reads the same values on every one of the 4 probe samples \\(${why}, where φ′ ≈ 0\\), and still does at step 50, where the run ended, so its outputs do not depend on its input.*a smaller initialisation scale trains it \\(a smaller init\\.scale\\)\\n$`), activation);
  }
});

test('a network constant at θ₀ that leaves it (tanh, W_1 = 0, W_2 ≠ 0: φ′(0) = 1) is labelled, constantAtStart null; a zero initialisation is named as the cause', () => {
  const escapes = { ...SATURATED_FROM_START, init: { weights: [[[0], [0]], [[1, -1]]] }, model: { hidden: [2], activation: 'tanh' } };
  const r = flab('train', write('escapes.flab.json', escapes), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as StartSummary;
  assert.notEqual(s.label, null);
  assert.equal(s.scores.constantAtStart, null);
  assert.equal(r.stderr, '');
  // Every weight 0, with biases: only the output bias moves; hidden layer 1 reads tanh(0) = 0 throughout.
  const zero = flab('train', write('zero.flab.json', { ...escapes, model: { hidden: [2], activation: 'tanh', bias: true }, init: { scale: 0, seed: 1 } }), '--summary');
  assert.equal(zero.code, 0, zero.stderr);
  const z = JSON.parse(zero.stdout) as StartSummary;
  assert.equal(z.label, null);
  assert.equal(z.scores.constantAtStart?.layer, 1);
  assert.match(zero.stderr, /: note: no label: the network is constant from the start — every weight is exactly 0 at θ₀ \(a zero initialisation\).*; to train it, set init\.scale above 0/);
});
