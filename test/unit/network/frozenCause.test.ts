/**
 * Why a run's weights never moved, told apart at θ₀ (src/core/network/frozenCause.ts; a breaker's
 * finding, 2026-12-03): 64 linear layers of width 1 have gradients far above float32's smallest number,
 * yet every update is below half a float32 step of its weight, and the note blamed underflow, dead
 * units or a stationary point. The float64 gradient is checked against the trainer's own first step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frozenCause, halfFloat32Step, weightGradients } from '../../../src/core/network/frozenCause';
import { normaliseNetworkExperiment } from '../../../src/core/network/networkExperiment';
import { NetworkRun } from '../../../src/core/runs/train';
import { explainLayerLabel } from '../../../src/core/mechanisms/layerLabel';

const XOR = { train: { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] } };

async function trained(model: object, training: object) {
  const e = normaliseNetworkExperiment({ model, data: XOR, training }).experiment!;
  const run = await NetworkRun.load(e, { baseDir: process.cwd() });
  try {
    const before = run.training.currentWeights();
    await run.run({});
    return { run, before, after: run.training.currentWeights(), result: run.result() };
  } finally {
    run.dispose();
  }
}

test('the float64 gradient at θ₀ predicts the trainer\'s first step', async () => {
  const { run, before, after } = await trained({ hidden: [3, 3], activation: 'tanh', bias: false }, { learningRate: 0.5, steps: 1, record: { every: 1 } });
  const t = run.data.train;
  const y = new Float32Array(t.count * 2);
  for (let i = 0; i < t.count; i++) y[i * 2 + (t.targets as { labels: Int32Array }).labels[i]] = 1;
  const g = weightGradients({ weights: before, biases: null, x: t.x, y, count: t.count, activation: 'tanh', loss: 'crossEntropy', outputScale: 1, rates: [0.5], optimizer: { kind: 'sgd', momentum: 0 }, weightDecay: 0 });
  for (const [l, w] of before.entries()) for (let k = 0; k < w.data.length; k++) assert.ok(Math.abs(w.data[k] - after[l].data[k] - 0.5 * g[l][k]) < 1e-5, `W_${l + 1}[${k}]`);
});

test('64 linear layers of width 1: the weights never moved because every update rounds away, and the note says so with its remedies', async () => {
  const { result } = await trained({ hidden: new Array(63).fill(1), activation: 'linear' }, { learningRate: 0.1, steps: 50 });
  const s = result.summary.scores!;
  assert.equal(s.frozen, true);
  const cause = s.frozenCause;
  assert.equal(cause?.kind, 'rounding', JSON.stringify(cause));
  assert.ok(cause.kind === 'rounding' && cause.largestGradient > 1e-40 && cause.largestUpdate < 1);
  const regime = explainLayerLabel(s, result.step.length).regime;
  assert.match(regime, /every update η·g is below half a float32 step of its weight \(\|Δw\| < 2⁻²⁴·\|w\|/);
  assert.match(regime, /a larger learning rate \(training\.learningRate\), a shallower or wider network \(model\.hidden\), or a larger initialisation \(init\.scale\)/);
  assert.doesNotMatch(regime, /dead ReLU/);
});

test('the causes apart: an exactly 0 gradient, one that underflows float32, updates below half a step, and one that would move', () => {
  const base = { biases: null, x: new Float32Array([1]), y: new Float32Array([0]), count: 1, activation: 'linear' as const, loss: 'squared' as const, outputScale: 1, rates: [1], optimizer: { kind: 'sgd' as const, momentum: 0 }, weightDecay: 0 };
  const net = (a: number, b: number) => [{ rows: 1, cols: 1, data: new Float32Array([a]) }, { rows: 1, cols: 1, data: new Float32Array([b]) }];
  // f = b·a·x, L = ½f², ∂L/∂a = f·b·x.
  assert.deepEqual(frozenCause({ ...base, weights: net(0, 1), y: new Float32Array([0]) }), { kind: 'zeroGradient' });
  assert.equal(frozenCause({ ...base, weights: net(1e-30, 1e-20) })?.kind, 'underflow');
  // f − y = 2⁻²⁰ ≈ 9.5e-7: at η = 10⁻³ an update of 9.5e-10, below half a float32 step of 1 (6e-8); at η = 1, above.
  assert.equal(frozenCause({ ...base, weights: net(1, 1), y: new Float32Array([1 - 2 ** -20]), rates: [1e-3] })?.kind, 'rounding');
  assert.equal(frozenCause({ ...base, weights: net(1, 1), y: new Float32Array([1 - 2 ** -20]) }), null);
  assert.equal(frozenCause({ ...base, weights: net(1, 1), y: new Float32Array([0]) }), null);
  assert.equal(halfFloat32Step(1), 2 ** -24);
  assert.equal(Math.fround(1 - halfFloat32Step(1) / 2), 1);
});
