/**
 * Dead ReLU networks (docs/networks.md, "Labels"): a hidden layer whose every unit is inactive on every
 * training sample at θ₀ gets no label and a note that names the layer, its units and what in the file
 * trains it — not "a tiny init.scale" (a key such a file may not have); the notes name only keys the
 * file writes, or say which key to add. As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { deadUnitsAt } from '../../../src/core/network/deadUnits';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-dead-'));

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

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
  // A bound of 8 multiply-adds scans one sample (4 + 4 a sample): dead on it, but not said dead.
  assert.equal(deadUnitsAt('relu', [dead, w2, w3], x, 3, 8)?.deadLayer, null);
});
