import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../../src/core/network/backend';
import { featuresPerSample, kernelOmission, kernelWork, plainlyInRange, probeIndices, probeSize, TangentKernelProbe } from '../../../src/core/network/tangentKernel';
import { Rng } from '../../../src/core/math/rng';
import { expectKernelChanges, KERNEL_CASES, kernelCase, randomNetwork, toParameters } from './helpers';

before(() => useWasmBackend());


const cases = KERNEL_CASES;

for (const c of cases) {
  test(`kernel and tangent-feature changes match the finite-difference Jacobian (${c.activation}, ${c.bias ? 'bias' : 'no bias'}, ${c.outputs} outputs, rates ${c.rates})`, async () => {
    const k = kernelCase(c, cases.indexOf(c));
    const kp = new TangentKernelProbe(k.x, 3, c.outputs, c.activation, k.gamma, c.rates, c.bias);
    try {
      await expectKernelChanges(c, k, (net) => {
        const p = toParameters(net);
        try {
          return kp.measure(p);
        } finally {
          tf.dispose([...p.wt, ...(p.b ?? [])]);
        }
      });
    } finally {
      kp.dispose();
    }
  });
}

test('the probe is at most 32 samples and 128 kernel rows, evenly spaced', () => {
  assert.equal(probeSize(10_000, 10), 12);
  assert.equal(probeSize(10_000, 2), 32);
  assert.equal(probeSize(10_000, 5), 25);
  assert.equal(probeSize(10_000, 128), 1);
  assert.equal(probeSize(10_000, 1), 32);
  assert.equal(probeSize(5, 1), 5);
  assert.equal(probeSize(100, 1000), 1);
  assert.deepEqual(probeIndices(10, 1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // At most MAX_KERNEL_FEATURES tangent-feature values: 20 samples of one hidden layer of 8,388,607
  // units held 3.4·10⁸ of them and ran the WebAssembly memory out; a layer of 4·10⁶ gets two samples.
  assert.equal(featuresPerSample([784, 256, 256, 256, 10]), 10 * (256 * 3 + 10) + 784 + 256 * 2 + 256);
  assert.equal(probeSize(20, 1, featuresPerSample([1, 4_000_000, 1])), 2);
  assert.equal(probeSize(20, 1, featuresPerSample([1, 8_388_607, 1])), 1);
  assert.equal(kernelOmission([1, 8_388_607, 1]), null);
  // Where one sample is beyond it (14 million weights, 2,048 outputs), no kernel: the distance stands for it.
  assert.equal(kernelOmission([1, 7000, 2048]), "its layers' tangent features on one probe sample would be 18,537,305 values (each layer's width times the outputs, and its inputs), beyond the 16,777,216 measured");
  assert.deepEqual(probeIndices(100, 10), [0, 8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91]);
  // The work model counts forward, backward and both Gram matrices.
  assert.equal(kernelWork([2, 3, 1], 4), 4 * 6 + (4 * 1) ** 2 * 3 + 16 * 2 + (4 * 3 + 4 * 3 * 1) + 16 * 1 + 16 * 3);
});

test('the kernel probe leaves no tensors behind', () => {
  const rng = new Rng(3);
  const net = randomNetwork(rng, [2, 3, 2], 'relu', 1, true);
  const before = tf.memory().numTensors;
  const kp = new TangentKernelProbe(new Float32Array([1, 2, 3, 4]), 2, 2, 'relu', 1, [1, 1], true);
  const p = toParameters(net);
  kp.measure(p);
  kp.measure(p);
  kp.measure(p);
  kp.dispose();
  tf.dispose([...p.wt, ...(p.b ?? [])]);
  assert.equal(tf.memory().numTensors, before);
});

test('a reference is plainly in range only when the engine\'s sums are finite, positive and agree with K₀', () => {
  // K = [[2, 1], [1, 3]]: trace 5, ‖K‖² = 15 (between 25/2 and 25).
  const k = Float32Array.from([2, 1, 1, 3]);
  assert.equal(plainlyInRange(k, { kernel2: 15, features2: 5 }), true);
  assert.equal(plainlyInRange(k, { kernel2: Infinity, features2: 5 }), false, 'overflowed');
  assert.equal(plainlyInRange(k, { kernel2: 15, features2: 0 }), false, 'underflowed to 0');
  assert.equal(plainlyInRange(k, { kernel2: 15, features2: 4 }), false, 'the two sums of the same terms disagree');
  assert.equal(plainlyInRange(k, { kernel2: 30, features2: 5 }), false, 'no positive semidefinite matrix of trace 5 has ‖K‖² 30');
  assert.equal(plainlyInRange(Float32Array.from([NaN, 0, 0, 1]), { kernel2: 15, features2: 5 }), false);
});
