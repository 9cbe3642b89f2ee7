import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../../src/core/network/backend';
import { backward, ChunkTargets, forward, initialWeights, lossTerms, schemeStd } from '../../../src/core/network/model';
import { NETWORK_ACTIVATIONS, NetworkLoss } from '../../../src/core/network/spec';
import { Rng } from '../../../src/core/math/rng';
import { finiteDifference, refForward, refLoss } from '../../reference/deepNetwork';
import { randomData, randomNetwork, toParameters } from './helpers';

before(() => useWasmBackend());

/** The chunk targets of a whole reference data set. */
function targetsOf(set: ReturnType<typeof randomData>['set']): ChunkTargets {
  const t = set.targets;
  if (t.kind === 'regression') return { y: tf.tensor2d(t.values, [set.count, t.outputs]), labels: null };
  const y = new Float32Array(set.count * t.classCount);
  t.labels.forEach((c, s) => (y[s * t.classCount + c] = 1));
  return { y: tf.tensor2d(y, [set.count, t.classCount]), labels: tf.tensor1d(Int32Array.from(t.labels), 'int32') };
}

const cases: { loss: NetworkLoss; target: { classes: number } | { outputs: number } }[] = [
  { loss: 'squared', target: { outputs: 2 } },
  { loss: 'squared', target: { classes: 3 } },
  { loss: 'crossEntropy', target: { classes: 3 } },
];

for (const activation of NETWORK_ACTIVATIONS) {
  for (const { loss, target } of cases) {
    for (const bias of [false, true]) {
      const name = `${activation}, ${loss} on ${'classes' in target ? 'classes' : 'values'}, ${bias ? 'with' : 'no'} bias`;
      test(`the backward pass is the gradient of the loss (central differences in float64): ${name}`, () => {
        const rng = new Rng(NETWORK_ACTIVATIONS.indexOf(activation) * 100 + cases.findIndex((c) => c.loss === loss && c.target === target) * 10 + (bias ? 1 : 0));
        for (let trial = 0; trial < 3; trial++) {
          const outputs = 'classes' in target ? target.classes : target.outputs;
          const sizes = [3, 4, 5, outputs];
          const gamma = [1, 0.3, 2.5][trial];
          const net = randomNetwork(rng, sizes, activation, gamma, bias, 1.5);
          const { ref, set } = randomData(rng, 6, 3, target);
          const expected = finiteDifference(net, () => refLoss(net, loss, ref));
          const got = tf.tidy(() => {
            const params = toParameters(net);
            const fwd = forward(params, tf.tensor2d(set.x, [set.count, 3]), activation, gamma);
            const terms = lossTerms(loss, fwd.output, targetsOf(set), gamma, set.count);
            const g = backward(params, fwd, terms.deltaOut!, activation);
            // ∂L/∂Wt_l is (in × out): transpose it back to W_l's rows.
            return { loss: terms.lossSum.dataSync()[0] / set.count, grads: [...g.wt.map((w) => tf.transpose(w).dataSync()), ...(g.b ?? []).map((b) => b.dataSync())] };
          });
          assert.ok(Math.abs(got.loss - refLoss(net, loss, ref)) <= 1e-5 * Math.max(1, refLoss(net, loss, ref)), `loss ${got.loss} vs ${refLoss(net, loss, ref)}`);
          assert.equal(got.grads.length, expected.length);
          let scale = 0;
          for (const e of expected) for (const v of e) scale = Math.max(scale, Math.abs(v));
          assert.ok(scale > 1e-3, `a gradient worth testing (max ${scale})`);
          got.grads.forEach((g, k) => {
            for (let i = 0; i < g.length; i++) {
              assert.ok(Math.abs(g[i] - expected[k][i]) <= 3e-5 * scale + 1e-7, `${name}, trial ${trial}: parameter block ${k}, entry ${i}: ${g[i]} vs ${expected[k][i]} (max |g| ${scale})`);
            }
          });
        }
      });
    }
  }
}

test('the forward pass is f = γ (W_L φ(…) + b_L) at large and small output scales', () => {
  const rng = new Rng(5);
  for (const gamma of [1e-4, 1, 1e3]) {
    const net = randomNetwork(rng, [4, 6, 3], 'tanh', gamma, true);
    const { ref, set } = randomData(rng, 5, 4, { outputs: 3 });
    const out = tf.tidy(() => forward(toParameters(net), tf.tensor2d(set.x, [5, 4]), 'tanh', gamma).output.dataSync());
    ref.xs.forEach((x, s) => {
      const f = refForward(net, x);
      for (let a = 0; a < 3; a++) assert.ok(Math.abs(out[s * 3 + a] - f[a]) <= 1e-6 * Math.max(gamma, Math.abs(f[a])), `γ ${gamma}: ${out[s * 3 + a]} vs ${f[a]}`);
    });
  }
});

test('cross-entropy stays finite and exact for logits of ±80 (log-sum-exp)', () => {
  const y = tf.tensor2d([1, 0, 0, 0, 1, 0], [2, 3]);
  const logits = tf.tensor2d([80, -80, 0, 80, -80, 0], [2, 3]);
  const terms = lossTerms('crossEntropy', logits, { y, labels: tf.tensor1d([0, 1], 'int32') }, 1, 2);
  // Sample 0: log(1 + e^-160 + e^-80) ≈ e^-80; sample 1: 160 + log(1 + …) ≈ 160.
  assert.ok(Math.abs(terms.lossSum.dataSync()[0] - 160) < 1e-4);
  assert.equal(terms.correct!.dataSync()[0], 1);
  const delta = terms.deltaOut!.dataSync();
  assert.ok(delta.every(Number.isFinite));
  // δ = (softmax − y)/N: sample 1 puts all its mass on class 0.
  assert.ok(Math.abs(delta[3] - 0.5) < 1e-6 && Math.abs(delta[4] + 0.5) < 1e-6);
});

test('initial weights follow the scheme: Kaiming √(2/fan_in), Xavier √(2/(fan_in + fan_out)), σ multiplying', () => {
  const sizes = [400, 300, 10];
  for (const scheme of ['kaiming', 'xavier'] as const) {
    for (const scale of [0.1, 3]) {
      const ws = initialWeights({ kind: 'random', scheme, scale, seed: 11 }, sizes);
      ws.forEach((w, l) => {
        assert.equal(w.rows, sizes[l + 1]);
        assert.equal(w.cols, sizes[l]);
        let s2 = 0;
        for (const v of w.data) s2 += v * v;
        const std = Math.sqrt(s2 / w.data.length);
        const expected = scale * schemeStd(scheme, sizes[l], sizes[l + 1]);
        // The sample standard deviation of n normals is within a few 1/√(2n) of the truth.
        assert.ok(Math.abs(std / expected - 1) < 5 / Math.sqrt(2 * w.data.length), `${scheme} σ=${scale} layer ${l + 1}: ${std} vs ${expected}`);
      });
    }
  }
  // The draw order is pinned: one Rng(seed), W_1 row by row, then W_2.
  const rng = new Rng(11);
  const ws = initialWeights({ kind: 'random', scheme: 'kaiming', scale: 0.1, seed: 11 }, [2, 3, 1]);
  const std1 = 0.1 * Math.sqrt(2 / 2);
  for (let k = 0; k < 6; k++) assert.equal(ws[0].data[k], Math.fround(std1 * rng.normal()));
  assert.equal(ws[1].data[0], Math.fround(0.1 * Math.sqrt(2 / 3) * rng.normal()));
});
