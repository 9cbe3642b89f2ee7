import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../../src/core/network/backend';
import { kernelWork, probeIndices, probeSize, TangentKernelProbe } from '../../../src/core/network/tangentKernel';
import { Rng } from '../../../src/core/math/rng';
import { jacobianDistance2, refKernel } from '../../reference/deepNetwork';
import { frobenius, KERNEL_CASES, perturbed, randomNetwork, toParameters } from './helpers';

before(() => useWasmBackend());


const cases = KERNEL_CASES;

for (const c of cases) {
  test(`kernel and tangent-feature changes match the finite-difference Jacobian (${c.activation}, ${c.bias ? 'bias' : 'no bias'}, ${c.outputs} outputs, rates ${c.rates})`, () => {
    const rng = new Rng(cases.indexOf(c) + 40);
    const sizes = [3, 5, 4, c.outputs];
    const gamma = 0.7;
    const net0 = randomNetwork(rng, sizes, c.activation, gamma, c.bias, 1.3);
    const probe = Array.from({ length: 3 }, () => Float64Array.from({ length: 3 }, () => Math.fround(rng.normal())));
    const x = new Float32Array(9);
    probe.forEach((p, i) => x.set(p, i * 3));
    const kp = new TangentKernelProbe(x, 3, c.outputs, c.activation, gamma, c.rates, c.bias);
    const p0 = toParameters(net0);
    assert.deepEqual(kp.measure(p0), { kernelChange: 0, tangentChange: 0 });
    const ref0 = refKernel(net0, probe, c.rates);
    for (const epsilon of [0.3, 1e-3]) {
      const net1 = perturbed(net0, rng, epsilon);
      const p1 = toParameters(net1);
      const got = kp.measure(p1);
      const ref1 = refKernel(net1, probe, c.rates);
      const kernelChange = frobenius(ref1.kernel, ref0.kernel) / frobenius(ref0.kernel);
      const { moved, start } = jacobianDistance2(ref1.rows, ref0.rows, c.rates, sizes.length - 1);
      const tangentChange = Math.sqrt(moved / start);
      assert.ok(kernelChange > epsilon / 100, `a change worth testing (${kernelChange})`);
      // Float32 kernels: relative error ~1e-6 of ‖K‖, so ~1e-6/ε of the change.
      const tol = epsilon > 0.1 ? 2e-3 : 2e-2;
      assert.ok(Math.abs(got.kernelChange / kernelChange - 1) < tol, `ε ${epsilon}: kernelChange ${got.kernelChange} vs ${kernelChange}`);
      assert.ok(Math.abs(got.tangentChange / tangentChange - 1) < tol, `ε ${epsilon}: tangentChange ${got.tangentChange} vs ${tangentChange}`);
      tf.dispose([...p1.wt, ...(p1.b ?? [])]);
    }
    kp.dispose();
    tf.dispose([...p0.wt, ...(p0.b ?? [])]);
  });
}

test('the probe is at most 32 samples and 256 kernel rows, evenly spaced', () => {
  assert.equal(probeSize(10_000, 10), 25);
  assert.equal(probeSize(10_000, 1), 32);
  assert.equal(probeSize(5, 1), 5);
  assert.equal(probeSize(100, 1000), 1);
  assert.deepEqual(probeIndices(10, 1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(probeIndices(100, 10), [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96]);
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
