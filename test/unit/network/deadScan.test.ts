/**
 * The dead-unit scans of both engines (src/core/mechanisms/reluAtZero.ts): one convention — a unit is
 * dead on a sample where relu′ of its pre-activation, as the engine that trains it takes it, is 0 — so
 * a pre-activation of exactly 0 is alive in the simulator (relu′(0) = 1) and dead in the network
 * trainers (relu′(0) = 0, ONNX Runtime and TF.js); and the network scan's samples spread over the whole
 * training set when its bound cuts it, with a note that says so.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../../src/core/network/backend';
import { activationBackward } from '../../../src/core/network/model';
import { deadUnitsAt, scannedSample } from '../../../src/core/network/deadUnits';
import { everyUnitDead } from '../../../src/core/descent/deadUnits';
import { ACTIVATIONS } from '../../../src/core/mechanisms/activation';
import { NETWORK_RELU_AT_ZERO, reluDeadAt, reluPasses, SIMULATOR_RELU_AT_ZERO } from '../../../src/core/mechanisms/reluAtZero';
import { deadEndRegime, deadRegime } from '../../../src/core/mechanisms/layerLabel';

before(() => useWasmBackend());

test('each engine\'s dead test takes the relu′(0) its training uses: the simulator 1 (0 alive), TF.js and ONNX 0 (0 dead)', () => {
  // The simulator's σ′(0), and its dead test at w·x = 0 exactly.
  assert.equal(ACTIVATIONS.relu.derivative(0), SIMULATOR_RELU_AT_ZERO);
  assert.equal(ACTIVATIONS.relu.derivative(-1e-300), 0);
  const X = Float64Array.from([1, 2, 2, 1]);
  const zeroOnOne = Float64Array.from([-1, -1, -2, 1]); // unit 1: w·x = 0 on sample 0, −3 on sample 1
  assert.equal(everyUnitDead(zeroOnOne, X, 2), false, 'the simulator: 0 passes a gradient');
  assert.equal(everyUnitDead(zeroOnOne, X, 2, NETWORK_RELU_AT_ZERO), true, 'with the trainers\' relu′(0) = 0 it is dead');
  // TF.js's backward pass at z = 0 (ONNX's step graph is Where(Greater(z, 0), d, 0), checked against it in onnxStep.test.ts).
  const g = activationBackward('relu', tf.ones([1, 3]), tf.tensor2d([[0, -1, 1]]), tf.tensor2d([[0, 0, 1]]));
  assert.deepEqual(Array.from(g.dataSync()), [NETWORK_RELU_AT_ZERO, 0, 1]);
  // The network scan: every pre-activation exactly 0 (W_1 = 0) is dead by default, alive with relu′(0) = 1.
  const zero = { rows: 2, cols: 2, data: new Float32Array(4) };
  const out = { rows: 1, cols: 2, data: Float32Array.from([1, 1]) };
  const x = Float32Array.from([1, 2, 3, 4]);
  assert.equal(deadUnitsAt('relu', [zero, out], x, 2)?.deadLayer, 1);
  assert.equal(deadUnitsAt('relu', [zero, out], x, 2, { atZero: SIMULATOR_RELU_AT_ZERO })?.deadLayer, null);
  assert.deepEqual([reluPasses(0, 0), reluPasses(0, 1), reluPasses(NaN, 1), reluPasses(1e-300, 0)], [false, true, false, true]);
  // A NaN pre-activation is a blow-up, dead in neither scan (the network's called it dead).
  assert.deepEqual([reluDeadAt(NaN, 0), reluDeadAt(NaN, 1), reluDeadAt(0, 0), reluDeadAt(0, 1), reluDeadAt(-1e-300, 1)], [false, false, true, false, true]);
  assert.equal(deadUnitsAt('relu', [{ rows: 1, cols: 2, data: Float32Array.from([NaN, -1]) }, { rows: 1, cols: 1, data: Float32Array.from([1]) }], x, 2)?.deadLayer, null);
});

test('a scan cut by its bound reads samples spread over the whole set at a fixed stride, not the first ones', () => {
  assert.deepEqual(Array.from({ length: 4 }, (_, k) => scannedSample(k, 4, 10)), [0, 2, 5, 7]);
  assert.deepEqual(Array.from({ length: 3 }, (_, k) => scannedSample(k, 3, 3)), [0, 1, 2]);
  // 8 samples, one input: the first four negative (unit dead there), the last four positive (alive).
  const w1 = { rows: 1, cols: 1, data: Float32Array.from([1]) };
  const w2 = { rows: 1, cols: 1, data: Float32Array.from([1]) };
  const x = Float32Array.from([-1, -2, -3, -4, 1, 2, 3, 4]);
  // A bound of 4 multiply-adds reads 4 samples (1 a sample): the first four saw the unit dead on all.
  const d = deadUnitsAt('relu', [w1, w2], x, 8, { maxWork: 4 })!;
  assert.deepEqual(d.layers, [{ layer: 1, dead: 0, units: 1 }], 'alive on sample 4, which the stride reads');
  assert.equal(d.deadLayer, null);
  // Dead on every sample: dead on the 4 of 8 scanned, and the note says the scan did not cover the set.
  const dead = deadUnitsAt('relu', [w1, w2], x.map((v) => -Math.abs(v)), 8, { maxWork: 4 })!;
  assert.deepEqual(dead, { layers: [{ layer: 1, dead: 1, units: 1 }], samples: 4, of: 8, deadLayer: 1 });
  assert.match(deadRegime(dead), /inactive \(pre-activation ≤ 0\) on each of the 4 training samples scanned of 8 \(spread over the set at a fixed stride; the rest were not scanned\)/);
  assert.match(deadEndRegime({ ...dead, step: 10, firstSeen: 10 }), /on each of the 4 training samples scanned of 8 /);
  // A whole scan says every one.
  assert.match(deadRegime(deadUnitsAt('relu', [w1, w2], x.map((v) => -Math.abs(v)), 8)!), /on every one of the 8 training samples,/);
});

/**
 * The scan's products run on the WebAssembly kernels (a JavaScript loop took 10–45 ms of CPU for one
 * MNIST sample, being too rarely called for V8 to optimise it): its counts, against a plain float64
 * forward pass over the same samples, on random networks — float32 and float64 weights, with and
 * without biases, layers whose rows are copied in several blocks (784 and 5,000 inputs), and layers
 * biased towards dead so that the scan goes on past its first sample (the weights then resident).
 */
test('the scan counts dead units as a plain float64 forward pass does, whatever the layer sizes and weight types', () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const cases: { sizes: number[]; f64: boolean; bias: number | null; count: number }[] = [
    { sizes: [784, 64, 32, 10], f64: false, bias: null, count: 20 },
    { sizes: [5000, 16, 8, 3], f64: false, bias: -0.4, count: 12 },
    { sizes: [7, 9, 5, 2], f64: true, bias: -0.8, count: 50 },
    { sizes: [30, 300, 3], f64: false, bias: -1.5, count: 40 },
  ];
  let wentOn = 0;
  for (const { sizes, f64, bias, count } of cases) {
    const weights = sizes.slice(1).map((rows, l) => {
      const cols = sizes[l];
      const data = (f64 ? new Float64Array(rows * cols) : new Float32Array(rows * cols)).map(() => random() / Math.sqrt(cols));
      return { rows, cols, data };
    });
    const biases = bias === null ? null : sizes.slice(1).map((rows) => new Float32Array(rows).map(() => bias + 0.3 * random()));
    const x = new Float32Array(count * sizes[0]).map(() => random());
    const d = deadUnitsAt('relu', weights, x, count, { biases, maxWork: 1e12 })!;
    // The reference: every sample the scan read, in the order it read them, summed plainly in float64.
    const alive = sizes.slice(1, -1).map((n) => new Uint8Array(n));
    for (let s = 0; s < d.samples; s++) {
      let h = Array.from(x.subarray(s * sizes[0], (s + 1) * sizes[0]));
      for (let l = 0; l < sizes.length - 2; l++) {
        const { rows, cols, data } = weights[l];
        h = Array.from({ length: rows }, (_, i) => {
          let z = biases ? biases[l][i] : 0;
          for (let j = 0; j < cols; j++) z += data[i * cols + j] * h[j];
          if (z > 0) alive[l][i] = 1;
          return Math.max(z, 0);
        });
      }
    }
    const expected = alive.map((a, l) => ({ layer: l + 1, dead: a.length - a.reduce((s, v) => s + v, 0), units: a.length }));
    assert.deepEqual(d.layers, expected, `sizes ${sizes.join('-')}`);
    if (d.samples > 1) wentOn++;
  }
  assert.ok(wentOn >= 2, 'some scans went past their first sample');
});
