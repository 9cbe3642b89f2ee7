/**
 * Dead ReLU networks (docs/networks.md, "Labels"): a hidden layer whose every unit is inactive on every
 * training sample at θ₀ gets no label and a note that names the layer, its units and what in the file
 * trains it — not "a tiny init.scale" (a key such a file may not have); the notes name only keys the
 * file writes, or say which key to add. As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { deadUnitsAt } from '../../../src/core/network/deadUnits';

const { flab, write } = cliFolder('flab-dead-');

/** Non-negative inputs and every row of W_1 negative: each of the 3 hidden units is inactive on every sample. */
const deadFile = {
  model: { hidden: [3], activation: 'relu', bias: false },
  data: { train: { x: [[1, 2], [2, 1], [0.5, 0.5], [3, 1]], y: [[1], [2], [0.5], [3]] } },
  init: { weights: [[[-1, -1], [-0.5, -2], [-1, 0]], [[1, 1, 1]]] },
  training: { loss: 'squared', learningRate: 0.1, batchSize: 'full', steps: 20, record: { every: 5 } },
};

interface Summary {
  status: string;
  label: string | null;
  scores: { frozen: boolean; deadAtStart?: { layers: { layer: number; dead: number; units: number }[]; samples: number; of: number; deadLayer: number | null } | null };
}

test('a ReLU network dead at θ₀ (explicit all-negative rows on non-negative data) has no label, and its note names the dead layer and the keys this file has', () => {
  const file = write('dead.flab.json', deadFile);
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.label, null);
  assert.deepEqual(s.scores.deadAtStart, { layers: [{ layer: 1, dead: 3, units: 3 }], samples: 4, of: 4, deadLayer: 1 });
  assert.equal(
    r.stderr,
    `${file}: note: no label: the network is dead from the start — at θ₀ all 3 ReLU units of hidden layer 1 (the output of fc1.weight) are inactive (pre-activation ≤ 0) on every one of the 4 training samples, so no gradient ever reaches fc1.weight or fc2.weight and the outputs do not depend on the input: the weights learnt no feature, and a mechanism read from them would be read from a dead network; to train it, change init.weights so that some row of W_1 has a positive pre-activation on some sample, centre the inputs (add "normalize": "standardize" to data: a unit of hidden layer 1 is then active on some sample unless its pre-activation is 0 on all), or set model.activation to "leaky_relu", whose units always pass a gradient\n`,
  );
  // It was "the weights never moved — … a tiny init.scale or outputScale": keys this file does not have.
  assert.doesNotMatch(r.stderr, /init\.scale|outputScale/);
});

test('with biases the output bias moves, and the dead network was labelled kernel: no label now, the same note', () => {
  const file = write('dead-bias.flab.json', { ...deadFile, model: { ...deadFile.model, bias: true } });
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.scores.frozen, false, 'the output bias learnt');
  assert.equal(s.label, null);
  assert.equal(s.scores.deadAtStart?.deadLayer, 1);
  assert.match(r.stderr, /note: no label: the network is dead from the start — at θ₀ all 3 ReLU units of hidden layer 1/);
});

test('a random init with a data normalisation and no activation written: the note says which keys to add, and names the seed it has', () => {
  // Inputs all ≤ 0 reach a hidden layer of one unit whose weights are ≥ 0 for this seed: found by trying seeds below.
  const base = { model: { hidden: [1] }, data: { train: { x: [[-1, -2], [-2, -1], [-0.5, -0.5]], y: [0, 1, 0] }, normalize: 'none' }, training: { learningRate: 0.1, steps: 4 } };
  let found: { file: string; r: ReturnType<typeof flab> } | null = null;
  for (let seed = 0; seed < 20 && !found; seed++) {
    const file = write(`dead-seed-${seed}.flab.json`, { ...base, init: { seed } });
    const r = flab('train', file, '--summary');
    assert.equal(r.code, 0, r.stderr);
    if ((JSON.parse(r.stdout) as Summary).scores.deadAtStart) found = { file, r };
  }
  assert.ok(found, 'some seed draws a dead unit');
  assert.match(found.r.stderr, /to train it, draw other initial weights \(another init\.seed\) or widen hidden layer 1 \(model\.hidden\[0\]\), centre the inputs \(data\.normalize "standardize", not "none": .*\), or add "activation": "leaky_relu" to model \(relu is the default\), whose units always pass a gradient\n$/);
});

test('the same weights under leaky_relu, or a healthy ReLU network: not dead, labelled', () => {
  const leaky = JSON.parse(flab('train', write('leaky.flab.json', { ...deadFile, model: { ...deadFile.model, activation: 'leaky_relu' } }), '--summary').stdout) as Summary;
  assert.equal(leaky.scores.deadAtStart, null);
  assert.notEqual(leaky.label, null);
  const healthy = flab('train', write('healthy.flab.json', { ...deadFile, init: { weights: [[[1, 1], [0.5, -2], [-1, 0]], [[1, 1, 1]]] } }), '--summary');
  assert.equal(healthy.stderr, '');
  assert.equal((JSON.parse(healthy.stdout) as Summary).scores.deadAtStart, null);
});

test('a loss not finite at θ₀ with explicit weights: the note names init.weights, not init.scale, and says to add model.outputScale', () => {
  const file = write('not-trained.flab.json', { model: { hidden: [3], activation: 'relu' }, data: { train: { x: [[1e30, 2e30], [2e30, 1e30]], y: [[1], [2]] } }, init: { weights: [[[1e5, 1e5], [1e5, 1e5], [1, 0]], [[1e5, 1e5, 1]]] }, training: { loss: 'squared', steps: 5 } });
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'notTrained');
  assert.equal(r.stderr, `${file}: note: the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the first outputs, or their loss, overflow, so nothing was trained (no record, no label) — give smaller init.weights, model.outputScale below 1 (add "outputScale" to model: the default is 1), or inputs normalised (add "normalize": "standardize" or "scale01" to data), or smaller targets\n`);
  // A width-powered σ written: its base; an output scale written: the key itself.
  const powered = write('not-trained-power.flab.json', { model: { hidden: [4], outputScale: 2 }, data: { train: { x: [[1, 2], [2, 1]], y: [0, 1] }, normalize: 'standardize' }, init: { scale: { widthExponent: 0, base: 1e30 } }, training: { steps: 2 } });
  const p = flab('train', powered, '--summary');
  assert.equal(JSON.parse(p.stdout).status, 'notTrained', p.stderr);
  assert.match(p.stderr, /— give a smaller init\.scale\.base, a smaller model\.outputScale, or smaller inputs\n$/);
});

test('deadUnitsAt: counts per hidden layer; stops early once every layer has an active unit; only relu; bounded work', () => {
  const w1 = { rows: 2, cols: 2, data: Float32Array.from([-1, -1, 1, 0]) };
  const w2 = { rows: 2, cols: 2, data: Float32Array.from([1, 1, -1, -1]) };
  const w3 = { rows: 1, cols: 2, data: Float32Array.from([1, 1]) };
  const x = Float32Array.from([1, 1, 2, 0, 0, 3]);
  // Unit 1 of layer 1 is alive on samples 0 and 1; layer 2's unit 0 alive: an early stop after sample 0.
  assert.deepEqual(deadUnitsAt('relu', [w1, w2, w3], x, 3), { layers: [{ layer: 1, dead: 1, units: 2 }, { layer: 2, dead: 1, units: 2 }], samples: 1, of: 3, deadLayer: null });
  assert.equal(deadUnitsAt('leaky_relu', [w1, w2, w3], x, 3), null);
  assert.equal(deadUnitsAt('relu', [w3], x, 3), null, 'no hidden layer');
  const dead = { rows: 2, cols: 2, data: Float32Array.from([-1, -1, 0, 0]) };
  // Every sample scanned; a pre-activation of exactly 0 is dead (φ′(0) = 0, from the left).
  assert.deepEqual(deadUnitsAt('relu', [dead, w2, w3], x, 3), { layers: [{ layer: 1, dead: 2, units: 2 }, { layer: 2, dead: 2, units: 2 }], samples: 3, of: 3, deadLayer: 1 });
  // A bound of 8 multiply-adds scans one sample (4 + 4 a sample): dead on it, and said dead on the 1 of 3 scanned.
  assert.deepEqual(deadUnitsAt('relu', [dead, w2, w3], x, 3, { maxWork: 8 }), { layers: [{ layer: 1, dead: 2, units: 2 }, { layer: 2, dead: 2, units: 2 }], samples: 1, of: 3, deadLayer: 1 });
});

/** Eight ReLU units with biases at η = 1 on positive inputs: the loss goes 1.19 → 20.9 at step 1, and by step 2 every unit of hidden layer 1 is inactive on every sample. */
const dyingFile = { model: { hidden: [8], bias: true }, data: { train: { x: [[1, 2], [2, 1], [1, 1], [3, 1]], y: [[1], [2], [1.5], [2.5]] } }, init: { seed: 1 }, training: { steps: 50, learningRate: 1 } };

interface EndSummary {
  label: string | null;
  scores: { collapsed: boolean; deadAtStart: unknown; deadAtEnd?: { layers: { layer: number; dead: number; units: number }[]; samples: number; of: number; deadLayer: number | null; step: number; firstSeen: number } | null };
}

for (const backend of ['onnxruntime', 'tfjs']) {
  test(`a ReLU network with biases that dies during training (${backend}): no label, deadAtEnd names the layer and the record it was first seen dead, the note says what keeps it alive`, () => {
    const file = write(`dying-${backend}.flab.json`, dyingFile);
    const r = flab('train', file, '--summary', '--backend', backend);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as EndSummary;
    // It was labelled alignment: the output bias keeps a tangent feature alive, so `collapsed` did not see it, and `deadAtStart` looks at θ₀ only.
    assert.equal(s.label, null);
    assert.equal(s.scores.collapsed, false);
    assert.equal(s.scores.deadAtStart, null);
    assert.deepEqual(s.scores.deadAtEnd, { layers: [{ layer: 1, dead: 8, units: 8 }], samples: 4, of: 4, deadLayer: 1, step: 50, firstSeen: 2 });
    assert.equal(
      r.stderr,
      `${file}: note: no label: the network died during training — at step 50 (its last scanned record, and dead since the record of step 2) all 8 ReLU units of hidden layer 1 (the output of fc1.weight) are inactive (pre-activation ≤ 0) on every one of the 4 training samples, so the outputs no longer depend on the input and no gradient reaches fc1.weight or fc2.weight: whatever features the layers learnt on the way are gone, and a mechanism read from them would be read from a dead network; to keep it alive, give a smaller training.learningRate (a large step can push every unit's pre-activation below 0 on every sample, from where no gradient brings it back), centre the inputs (add "normalize": "standardize" to data: a unit of hidden layer 1 is then active on some sample unless its pre-activation is 0 on all), or add "activation": "leaky_relu" to model (relu is the default), whose units always pass a gradient\n`,
    );
  });
}

test('the same network at η = 0.1 stays alive: deadAtEnd null, labelled, no note', () => {
  const r = flab('train', write('alive.flab.json', { ...dyingFile, model: { hidden: [8] }, training: { steps: 50, learningRate: 0.1 } }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as EndSummary;
  assert.equal(s.scores.deadAtEnd, null);
  assert.notEqual(s.label, null);
  assert.equal(r.stderr, '');
});

test('init.scale 0: the note names the zero initialisation as the cause — not a seed, a width, centring or leaky_relu (relu); not "the weights never moved" alone (leaky_relu); not dead ReLU units (linear)', () => {
  const base = { model: { hidden: [4] }, data: { train: { x: [[1, 2], [2, 1], [1, 1], [3, 1]], y: [0, 1, 1, 0] } }, init: { seed: 1, scale: 0 }, training: { steps: 20 } };
  const zeroCause = /every weight is exactly 0 at θ₀ \(a zero initialisation\)/;
  const relu = flab('train', write('zero.flab.json', base), '--summary');
  assert.equal(JSON.parse(relu.stdout).label, null);
  assert.match(relu.stderr, zeroCause);
  assert.match(relu.stderr, /; to train it, set init\.scale above 0 \(it is 0: every weight is drawn as 0 · a random number\)\n$/);
  assert.doesNotMatch(relu.stderr, /seed|widen|standardize|leaky_relu/);
  for (const activation of ['leaky_relu', 'linear']) {
    const r = flab('train', write(`zero-${activation}.flab.json`, { ...base, model: { hidden: [4], activation } }), '--summary');
    assert.equal(JSON.parse(r.stdout).label, null);
    assert.match(r.stderr, zeroCause, activation);
    assert.match(r.stderr, /set init\.scale above 0/, activation);
    assert.doesNotMatch(r.stderr, /dead ReLU|underflow/, activation);
  }
  // A width power's base, and explicit all-zero weights: the key the file has.
  const powered = flab('train', write('zero-power.flab.json', { ...base, init: { seed: 1, scale: { widthExponent: -0.5, base: 0 } } }), '--summary');
  assert.match(powered.stderr, /set init\.scale\.base above 0/);
  const explicit = flab('train', write('zero-explicit.flab.json', { ...base, model: { hidden: [2] }, init: { weights: [[[0, 0], [0, 0]], [[0, 0], [0, 0]]] } }), '--summary');
  assert.match(explicit.stderr, /; to train it, give init\.weights nonzero entries \(every one is 0\)\n$/);
});

test('a dead hidden layer 2: the note does not offer data.normalize "standardize", which cannot revive it (its inputs are ReLU outputs, ≥ 0 whatever the data)', () => {
  const l2 = { model: { hidden: [2, 2], activation: 'relu' }, data: { train: { x: [[1, 2], [2, 1], [1, 1], [3, 1]], y: [[1], [2], [1.5], [2.5]] } }, init: { weights: [[[1, 1], [1, 0]], [[-1, -1], [-1, -2]], [[1, 1]]] }, training: { steps: 20 } };
  const r = flab('train', write('l2dead.flab.json', l2), '--summary');
  assert.equal(JSON.parse(r.stdout).scores.deadAtStart.deadLayer, 2);
  assert.match(r.stderr, /to train it, change init\.weights so that some row of W_2 has a positive pre-activation on some sample, or set model\.activation to "leaky_relu", whose units always pass a gradient\n$/);
  assert.doesNotMatch(r.stderr, /standardize|centre/);
  // Standardized as the old note advised: still dead.
  const std = flab('train', write('l2deadstd.flab.json', { ...l2, data: { ...l2.data, normalize: 'standardize' } }), '--summary');
  assert.equal(JSON.parse(std.stdout).scores.deadAtStart.deadLayer, 2);
});

test('deadUnitsAt with biases: a bias makes a unit active that its weights alone leave dead, and a negative one kills it', () => {
  const w1 = { rows: 2, cols: 2, data: Float32Array.from([-1, -1, 1, 0]) };
  const w2 = { rows: 1, cols: 2, data: Float32Array.from([1, 1]) };
  const x = Float32Array.from([1, 1, 2, 0]);
  assert.deepEqual(deadUnitsAt('relu', [w1, w2], x, 2, { biases: [Float32Array.from([3, 0]), Float32Array.from([0])] })?.layers, [{ layer: 1, dead: 0, units: 2 }]);
  assert.equal(deadUnitsAt('relu', [w1, w2], x, 2, { biases: [Float32Array.from([0, -5]), Float32Array.from([0])] })?.deadLayer, 1);
  assert.equal(deadUnitsAt('relu', [w1, w2], x, 2)?.deadLayer, null, 'without biases, unit 2 is active');
});
