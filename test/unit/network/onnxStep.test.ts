/**
 * The ONNX training step (src/core/network/onnx/) against the float64 reference (test/reference/deepNetwork.ts):
 * the backward pass against central differences, the optimisers against the reference's update rules,
 * the evaluation graph, determinism, the encoder's checks, the kinks and extremes, and the batch's layout.
 *
 * The gradient is read out of the step graph itself: plain SGD with rate 1 on every layer and no weight
 * decay makes next = θ − g, so g = θ − next (a difference of two float32 numbers, exact in float64; the
 * error is next's rounding, at most 2⁻²⁴|next|, plus the float32 arithmetic of the product).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeModel, OnnxNode, TensorSignature } from '../../../src/core/network/onnx/onnxModel';
import { OnnxSteps, onnxRuntime, PendingStep } from '../../../src/core/network/onnx/onnxSteps';
import { parameterNames, StepGraphSpec } from '../../../src/core/network/onnx/stepGraph';
import { NETWORK_ACTIVATIONS, NetworkActivation, NetworkLoss, NetworkOptimizer } from '../../../src/core/network/spec';
import { Rng } from '../../../src/core/math/rng';
import { finiteDifference, parameters, RefData, RefNetwork, refForward, refLoss, refOptimizerStep, RefOptimizerState } from '../../reference/deepNetwork';
import { randomData, randomNetwork } from './helpers';

type Ort = Exclude<ReturnType<typeof onnxRuntime>, Error>;

/** onnxruntime-node, which has a build for this machine (linux x64): not loading it is a failure, not a skip. */
function ort(): Ort {
  const loaded = onnxRuntime();
  if (loaded instanceof Error) throw new Error(`onnxruntime-node does not load: ${loaded.message}`);
  return loaded;
}

/** A batch as the engine takes it: x (rows × n_0) and y (rows × n_L: one-hot rows or values), row-major float32. */
interface Batch {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** The samples `idx` (all when omitted) of reference data with `outputs` outputs. */
function batchOf(data: RefData, outputs: number, idx?: readonly number[]): Batch {
  const rows = idx ?? data.xs.map((_, s) => s);
  const features = data.xs[0].length;
  const x = new Float32Array(rows.length * features);
  const y = new Float32Array(rows.length * outputs);
  rows.forEach((s, r) => {
    x.set(data.xs[s], r * features);
    if (data.labels) y[r * outputs + data.labels[s]] = 1;
    else y.set(data.values![s], r * outputs);
  });
  return { x, y, rows: rows.length };
}

/** The graph spec of a reference network; plain SGD at rate 1 without weight decay unless overridden. */
function specOf(net: RefNetwork, loss: NetworkLoss, classes: boolean, over: Partial<StepGraphSpec> = {}): StepGraphSpec {
  return {
    sizes: net.sizes,
    activation: net.activation,
    outputScale: net.gamma,
    bias: net.biases !== null,
    loss,
    classes,
    optimizer: { kind: 'sgd', momentum: 0 },
    learningRates: net.sizes.slice(1).map(() => 1),
    weightDecay: 0,
    ...over,
  };
}

/** An engine starting from the reference network's weights (its biases start at 0, as the trainer's do). */
function engineOf(net: RefNetwork, spec: StepGraphSpec): Promise<OnnxSteps> {
  const initial = net.weights.map((w, l) => ({ rows: net.sizes[l + 1], cols: net.sizes[l], data: Float32Array.from(w) }));
  return OnnxSteps.create(ort(), spec, initial);
}

/** The engine's parameters, in the reference's order (W_1 … W_L, b_1 … b_L). */
function engineParameters(engine: OnnxSteps): Float32Array[] {
  return [...engine.weights().map((w) => w.data as Float32Array), ...(engine.biases() ?? [])];
}

/** Sets the reference network to the engine's current parameters (float32 values, exact in float64). */
function adopt(net: RefNetwork, engine: OnnxSteps): void {
  const ps = engineParameters(engine);
  parameters(net).forEach((p, k) => {
    assert.equal(p.length, ps[k].length);
    p.set(ps[k]);
  });
}

/** Copies of arrays, for bitwise comparisons after the originals may have changed. */
const snapshot = (arrays: readonly Float32Array[]): Float32Array[] => arrays.map((a) => a.slice());

/** Bitwise equality of float32 arrays (NaN payloads included). */
function assertBitwise(got: readonly Float32Array[], expected: readonly Float32Array[], what: string): void {
  assert.equal(got.length, expected.length, `${what}: array count`);
  got.forEach((a, k) => assert.deepEqual(new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(expected[k].buffer, expected[k].byteOffset, expected[k].length), `${what}: array ${k}`));
}

/** The pending step's next parameters, in the reference's order. */
function nextParameters(net: RefNetwork, pending: PendingStep): Float32Array[] {
  return parameterNames(net.weights.length, net.biases !== null).map((name) => {
    const v = pending.next.get(name);
    assert.ok(v, `the step returns next ${name}`);
    return v;
  });
}

/** Correct predictions of the reference network on samples `idx`: argmax f = label, the first maximum on ties (as TF.js's argMax and ONNX's ArgMax take it; a dead relu layer without biases gives f = 0). */
function refCorrect(net: RefNetwork, data: RefData, idx: readonly number[]): number {
  let correct = 0;
  for (const s of idx) {
    const f = refForward(net, data.xs[s]);
    let best = 0;
    for (let a = 1; a < f.length; a++) if (f[a] > f[best]) best = a;
    if (best === data.labels![s]) correct++;
  }
  return correct;
}

/** The pre-activations z_l (l < L) of one sample: the network cut after layer l, its last layer unscaled. */
function hiddenPreActivations(net: RefNetwork, x: Float64Array): Float64Array[] {
  return net.weights.slice(0, -1).map((_, l) =>
    refForward({ ...net, sizes: net.sizes.slice(0, l + 2), gamma: 1, weights: net.weights.slice(0, l + 1), biases: net.biases ? net.biases.slice(0, l + 1) : null }, x),
  );
}

/** The smallest |z| of the hidden layers over the samples: central differences across a kink of relu are meaningless. */
const nearestKink = (net: RefNetwork, data: RefData): number => Math.min(...data.xs.flatMap((x) => hiddenPreActivations(net, x).flatMap((z) => Array.from(z, Math.abs))));

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const maxAbs = (arrays: readonly ArrayLike<number>[]): number => arrays.reduce((m, a) => Math.max(m, ...Array.from(a, Math.abs)), 0);

/**
 * A batch near the network's own outputs (its step is a small one): targets f(x) + noise/2 (squared), or
 * 0.7 softmax(f(x)) + 0.3 e_c for a random class c (cross-entropy: Y need not be one-hot).
 */
function nearbyBatch(rng: Rng, net: RefNetwork, loss: NetworkLoss, count: number): Batch {
  const features = net.sizes[0];
  const outputs = net.sizes[net.sizes.length - 1];
  const x = new Float32Array(count * features);
  const y = new Float32Array(count * outputs);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < features; j++) x[r * features + j] = rng.normal();
    const f = refForward(net, Float64Array.from(x.subarray(r * features, (r + 1) * features)));
    if (loss === 'squared') {
      f.forEach((v, a) => (y[r * outputs + a] = v + 0.5 * rng.normal()));
    } else {
      const m = Math.max(...f);
      const z = f.reduce((t, v) => t + Math.exp(v - m), 0);
      const c = Math.min(outputs - 1, Math.floor(rng.uniform() * outputs));
      f.forEach((v, a) => (y[r * outputs + a] = (0.7 * Math.exp(v - m)) / z + (a === c ? 0.3 : 0)));
    }
  }
  return { x, y, rows: count };
}

/**
 * A random network [3, 4, 5, n_L] and 6 samples, and an engine (rate 1, no decay) that took one small step
 * (nearbyBatch), so that its biases are not 0 and a bias missing from the forward pass would show. Relu and
 * leaky relu draw again while a hidden pre-activation lies within 1e-4 of the kink (a dead layer gives z = b
 * exactly, and b stays exactly 0 where its unit was dead in the first step).
 */
async function gradientProbe(rng: Rng, activation: NetworkActivation, gamma: number, bias: boolean, loss: NetworkLoss, target: { classes: number } | { outputs: number }) {
  const outputs = 'classes' in target ? target.classes : target.outputs;
  for (let attempt = 0; attempt < 20; attempt++) {
    const net = randomNetwork(rng, [3, 4, 5, outputs], activation, gamma, bias, 1.5);
    const { ref } = randomData(rng, 6, 3, target);
    const engine = await engineOf(net, specOf(net, loss, 'classes' in target));
    adopt(net, engine);
    const warm = nearbyBatch(rng, net, loss, 5);
    engine.commit(await engine.step(warm.x, warm.y, warm.rows));
    adopt(net, engine);
    if ((activation !== 'relu' && activation !== 'leaky_relu') || nearestKink(net, ref) > 1e-4) return { net, ref, engine };
    engine.release();
  }
  throw new Error(`${activation}: no network in 20 draws keeps its pre-activations off the kink`);
}

const lossCases: { loss: NetworkLoss; target: { classes: number } | { outputs: number } }[] = [
  { loss: 'squared', target: { outputs: 2 } },
  { loss: 'squared', target: { classes: 3 } },
  { loss: 'crossEntropy', target: { classes: 3 } },
];

for (const activation of NETWORK_ACTIVATIONS) {
  for (const [caseIndex, { loss, target }] of lossCases.entries()) {
    for (const bias of [false, true]) {
      const classes = 'classes' in target;
      const name = `${activation}, ${loss} on ${classes ? 'classes' : 'values'}, ${bias ? 'with' : 'no'} bias`;
      test(`the step graph's gradient is the loss's (central differences in float64), its loss and correct count the reference's: ${name}`, async () => {
        const rng = new Rng(1000 + NETWORK_ACTIVATIONS.indexOf(activation) * 100 + caseIndex * 10 + (bias ? 1 : 0));
        const outputs = classes ? target.classes : target.outputs;
        for (const [trial, gamma] of [1, 0.3, 2.5, 1, 0.3, 2.5].entries()) {
          const { net, ref, engine } = await gradientProbe(rng, activation, gamma, bias, loss, target);
          try {
            if (bias) assert.ok(maxAbs(net.biases!) > 1e-3, `${name}, trial ${trial}: the biases moved (max |b| ${maxAbs(net.biases!)})`);
            const batch = batchOf(ref, outputs);
            const theta = parameters(net).map((p) => p.slice());
            const pending = await engine.step(batch.x, batch.y, batch.rows);
            const next = nextParameters(net, pending);
            const expected = finiteDifference(net, () => refLoss(net, loss, ref));
            const scale = maxAbs(expected);
            assert.ok(scale > 1e-2, `${name}, trial ${trial}: a gradient worth testing (max |g| ${scale})`);
            expected.forEach((e, k) => {
              for (let i = 0; i < e.length; i++) {
                const g = theta[k][i] - next[k][i];
                const tolerance = 1e-5 * scale + 4 * 2 ** -24 * (Math.abs(theta[k][i]) + Math.abs(next[k][i]));
                assert.ok(Math.abs(g - e[i]) <= tolerance, `${name}, γ ${gamma}: parameter block ${k}, entry ${i}: θ − next = ${g}, finite differences ${e[i]} (max |g| ${scale})`);
              }
            });

            const refMean = refLoss(net, loss, ref);
            assert.ok(Math.abs(pending.lossSum / batch.rows - refMean) <= 1e-5 * Math.max(1, refMean), `${name}, γ ${gamma}: lossSum/rows ${pending.lossSum / batch.rows} vs ${refMean}`);
            assert.equal(pending.correct, classes ? refCorrect(net, ref, all(batch.rows)) : 0, `${name}, γ ${gamma}: correct`);
          } finally {
            engine.release();
          }
        }
      });
    }
  }
}

const optimizers: { name: string; optimizer: NetworkOptimizer }[] = [
  { name: 'plain SGD', optimizer: { kind: 'sgd', momentum: 0 } },
  { name: 'SGD with momentum 0.7', optimizer: { kind: 'sgd', momentum: 0.7 } },
  // ε = 1e-3 is large enough to matter against gradients of 1e-2 … 1e-1, and keeps g/(|g| + ε) well conditioned.
  { name: 'Adam, β₁ 0.8, β₂ 0.95, ε 1e-3', optimizer: { kind: 'adam', beta1: 0.8, beta2: 0.95, epsilon: 1e-3 } },
];

const optimizerNetworks: { activation: NetworkActivation; loss: NetworkLoss; target: { classes: number } | { outputs: number }; gamma: number }[] = [
  { activation: 'tanh', loss: 'crossEntropy', target: { classes: 3 }, gamma: 1.5 },
  { activation: 'swish', loss: 'squared', target: { outputs: 2 }, gamma: 0.7 },
];

for (const [o, { name, optimizer }] of optimizers.entries()) {
  test(`three steps of ${name} with weight decay 0.02, per-layer rates and biases follow the float64 reference`, async () => {
    for (const [n, { activation, loss, target, gamma }] of optimizerNetworks.entries()) {
      const rng = new Rng(2000 + 10 * o + n);
      const outputs = 'classes' in target ? target.classes : target.outputs;
      const net = randomNetwork(rng, [4, 5, 3, outputs], activation, gamma, true);
      const { ref } = randomData(rng, 12, 4, target);
      const rates = [0.3, 0.1, 0.2];
      const rho = 0.02;
      const engine = await engineOf(net, specOf(net, loss, 'classes' in target, { optimizer, learningRates: rates, weightDecay: rho }));
      try {
        adopt(net, engine);
        const state: RefOptimizerState = { first: null, second: null, steps: 0 };
        // Batches of 4, 3 and 5 rows: the mean's divisor changes from step to step.
        for (const [s, idx] of [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11]].entries()) {
          const before = parameters(net).map((p) => p.slice());
          const batch = batchOf(ref, outputs, idx);
          const pending = await engine.step(batch.x, batch.y, batch.rows);
          const refMean = refLoss(net, loss, ref, idx);
          assert.ok(Math.abs(pending.lossSum / batch.rows - refMean) <= 1e-5 * Math.max(1, refMean), `step ${s + 1}: loss ${pending.lossSum / batch.rows} vs ${refMean}`);
          engine.commit(pending);
          refOptimizerStep(net, finiteDifference(net, () => refLoss(net, loss, ref, idx)), optimizer, rates, rho, state);

          const expected = parameters(net);
          const got = engineParameters(engine);
          const scale = Math.max(1, maxAbs(expected));
          const tolerance = 2e-6 * scale;
          let moved = Infinity;
          expected.forEach((e, k) => {
            let blockMoved = 0;
            for (let i = 0; i < e.length; i++) {
              assert.ok(Math.abs(got[k][i] - e[i]) <= tolerance, `${name}, ${activation}/${loss}, step ${s + 1}: parameter block ${k}, entry ${i}: ${got[k][i]} vs ${e[i]}`);
              blockMoved = Math.max(blockMoved, Math.abs(e[i] - before[k][i]));
            }
            moved = Math.min(moved, blockMoved);
          });
          // Every block (each layer's rate, each bias) moved by far more than the tolerance.
          assert.ok(moved > 100 * tolerance, `${name}, step ${s + 1}: the smallest block's move ${moved} is worth testing`);
        }
      } finally {
        engine.release();
      }
    }
  });
}

test('evaluate gives the step\'s loss and correct count at the same parameters; neither evaluate nor an uncommitted step changes anything', async () => {
  const rng = new Rng(31);
  const cases: { optimizer: NetworkOptimizer; loss: NetworkLoss; target: { classes: number } | { outputs: number } }[] = [
    { optimizer: { kind: 'sgd', momentum: 0.9 }, loss: 'crossEntropy', target: { classes: 4 } },
    { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, loss: 'squared', target: { outputs: 3 } },
    { optimizer: { kind: 'sgd', momentum: 0 }, loss: 'squared', target: { classes: 4 } },
  ];
  for (const { optimizer, loss, target } of cases) {
    const what = `${optimizer.kind}, ${loss}`;
    const outputs = 'classes' in target ? target.classes : target.outputs;
    const net = randomNetwork(rng, [5, 6, outputs], 'sigmoid', 1.3, true, 2);
    const { ref } = randomData(rng, 8, 5, target);
    const engine = await engineOf(net, specOf(net, loss, 'classes' in target, { optimizer, learningRates: [0.2, 0.1], weightDecay: 0.01 }));
    try {
      // Two committed steps: non-zero biases and optimiser state.
      for (const idx of [[0, 1, 2], [3, 4, 5, 6, 7]]) {
        const b = batchOf(ref, outputs, idx);
        engine.commit(await engine.step(b.x, b.y, b.rows));
      }
      const batch = batchOf(ref, outputs);
      const inputs = snapshot([batch.x, batch.y]);
      const held = engineParameters(engine);
      const before = snapshot(held);

      const first = await engine.step(batch.x, batch.y, batch.rows);
      assertBitwise(engineParameters(engine), before, `${what}: parameters after an uncommitted step`);
      const second = await engine.step(batch.x, batch.y, batch.rows);
      // The same step again: the optimiser's state (velocity, moments, Adam's t) did not move either.
      assert.equal(second.lossSum, first.lossSum);
      for (const [name, v] of first.next) assertBitwise([second.next.get(name)!], [v], `${what}: next ${name} of a repeated uncommitted step`);

      const stats = await engine.evaluate(batch.x, batch.y, batch.rows);
      assert.ok(Math.abs(stats.lossSum - first.lossSum) <= 1e-6 * Math.max(1, Math.abs(first.lossSum)), `${what}: evaluate's loss ${stats.lossSum} vs the step's ${first.lossSum}`);
      assert.equal(stats.correct, first.correct, `${what}: evaluate's correct count`);
      adopt(net, engine);
      assert.ok(Math.abs(stats.lossSum / batch.rows - refLoss(net, loss, ref)) <= 1e-5 * Math.max(1, refLoss(net, loss, ref)), `${what}: evaluate's loss against the reference`);
      assert.equal(stats.correct, 'classes' in target ? refCorrect(net, ref, all(batch.rows)) : 0, `${what}: evaluate's correct against the reference`);
      assertBitwise(engineParameters(engine), before, `${what}: parameters after evaluate`);
      assertBitwise([batch.x, batch.y], inputs, `${what}: the batch after the steps and evaluate`);

      // A committed step replaces the arrays: the ones handed out before are never written again.
      engine.commit(first);
      assertBitwise(engineParameters(engine), nextParameters(net, first), `${what}: commit takes the pending step`);
      await engine.step(batch.x, batch.y, batch.rows);
      assertBitwise(held, before, `${what}: arrays handed out before a commit`);
    } finally {
      engine.release();
    }
  }
});

test('two engines from the same initial weights give bitwise the same parameters after 5 Adam steps', async () => {
  const rng = new Rng(41);
  const net = randomNetwork(rng, [6, 8, 8, 3], 'relu', 1, true);
  const { ref } = randomData(rng, 20, 6, { classes: 3 });
  const spec = specOf(net, 'crossEntropy', true, { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, learningRates: [0.01, 0.02, 0.005], weightDecay: 1e-3 });
  const engines = [await engineOf(net, spec), await engineOf(net, spec)];
  try {
    const losses: number[][] = [[], []];
    for (let s = 0; s < 5; s++) {
      const b = batchOf(ref, 3, all(4).map((i) => 4 * s + i));
      for (const [e, engine] of engines.entries()) {
        const pending = await engine.step(b.x, b.y, b.rows);
        losses[e].push(pending.lossSum);
        engine.commit(pending);
      }
    }
    assert.deepEqual(losses[1], losses[0]);
    assertBitwise(engineParameters(engines[1]), engineParameters(engines[0]), 'parameters after 5 steps');
    // And the runs did train: the parameters are not θ₀.
    assert.ok(engines[0].weights().some((w, l) => w.data.some((v, i) => v !== Math.fround(net.weights[l][i]))));
  } finally {
    engines.forEach((e) => e.release());
  }
});

test('the encoder refuses a graph that reads a name before defining it, defines a name twice, or never computes an output', () => {
  const sig = (name: string): TensorSignature => ({ name, dims: ['n', 2] });
  const relu = (input: string, output: string): OnnxNode => ({ op: 'Relu', inputs: [input], outputs: [output] });
  const graph = (nodes: OnnxNode[], over: { inputs?: TensorSignature[]; outputs?: TensorSignature[]; initializers?: { name: string }[] } = {}) => () =>
    encodeModel({
      name: 'g',
      nodes,
      initializers: (over.initializers ?? []).map((i) => ({ name: i.name, dims: [2], type: 'float32' as const, values: [1, 2] })),
      inputs: over.inputs ?? [sig('A')],
      outputs: over.outputs ?? [sig('C')],
    });
  // Nodes out of order: B is read by the first node and computed by the second.
  assert.throws(graph([relu('B', 'C'), relu('A', 'B')]), /ONNX graph g: Relu reads B before it is defined/);
  assert.throws(graph([relu('missing', 'C')]), /reads missing before it is defined/);
  assert.throws(graph([relu('A', 'B'), relu('A', 'B'), relu('B', 'C')]), /ONNX graph g: B is defined twice/);
  assert.throws(graph([relu('A', 'A'), relu('A', 'C')]), /A is defined twice/);
  assert.throws(graph([relu('A', 'C')], { initializers: [{ name: 'A' }] }), /A is defined twice/);
  assert.throws(graph([relu('A', 'B')]), /output C is never computed/);
  // An empty name is ONNX's absent optional input, not a read.
  assert.ok(graph([{ op: 'Clip', inputs: ['A', '', 'k'], outputs: ['C'] }], { initializers: [{ name: 'k' }] })().length > 0);
});

test('an encoded graph runs in ONNX Runtime: float, int (one negative) and ints attributes, int64 and float initializers, a named batch dimension', async () => {
  const o = ort();
  const bytes = encodeModel({
    name: 'probe',
    nodes: [
      { op: 'LeakyRelu', inputs: ['A'], outputs: ['B'], attributes: { alpha: { float: 0.25 } } },
      { op: 'ReduceSum', inputs: ['B', 'axes'], outputs: ['rowSum'], attributes: { keepdims: { int: 0 } } },
      // Both axes differ from the operators' defaults (Softmax: −1, ArgMax: 0), so that a lost attribute would show.
      { op: 'Softmax', inputs: ['B'], outputs: ['soft'], attributes: { axis: { int: 0 } } },
      { op: 'ArgMax', inputs: ['B'], outputs: ['bestIndex'], attributes: { axis: { int: -1 }, keepdims: { int: 0 } } },
      { op: 'Cast', inputs: ['bestIndex'], outputs: ['best'], attributes: { to: { int: 1 } } },
      { op: 'Transpose', inputs: ['B'], outputs: ['T'], attributes: { perm: { ints: [1, 0] } } },
      { op: 'Add', inputs: ['B', 'shift'], outputs: ['shifted'] },
    ],
    initializers: [
      { name: 'axes', dims: [1], type: 'int64', values: [1] },
      { name: 'shift', dims: [3], type: 'float32', values: [0.5, -1, 2] },
    ],
    inputs: [{ name: 'A', dims: ['n', 3] }],
    outputs: [{ name: 'rowSum', dims: ['n'] }, { name: 'soft', dims: ['n', 3] }, { name: 'best', dims: ['n'] }, { name: 'T', dims: [3, 'n'] }, { name: 'shifted', dims: ['n', 3] }],
  });
  const session = await o.InferenceSession.create(bytes);
  try {
    const a = Float32Array.of(1, -2, 3, -4, 0, 8);
    const out = await session.run({ A: new o.Tensor('float32', a, [2, 3]) });
    const b = [1, -0.5, 3, -1, 0, 8];
    assert.deepEqual([...(out.rowSum.data as Float32Array)], [3.5, 7]);
    assert.deepEqual(out.T.dims, [3, 2]);
    assert.deepEqual([...(out.T.data as Float32Array)], [1, -1, -0.5, 0, 3, 8]);
    assert.deepEqual([...(out.shifted.data as Float32Array)], [1.5, -1.5, 5, -0.5, -1, 10]);
    assert.deepEqual([...(out.best.data as Float32Array)], [2, 2]);
    const soft = out.soft.data as Float32Array;
    for (let j = 0; j < 3; j++) {
      const z = Math.exp(b[j]) + Math.exp(b[3 + j]);
      for (let r = 0; r < 2; r++) assert.ok(Math.abs(soft[3 * r + j] - Math.exp(b[3 * r + j]) / z) < 1e-6, `softmax over the rows (axis 0), row ${r}, column ${j}`);
    }
  } finally {
    await session.release();
  }
});

/**
 * A network 2 → 3 → 1 whose hidden pre-activations on x = (½, ½) are exactly (0, 1, −1) (and, with w = 3, −3 on a
 * second sample), every number dyadic: the kinks of relu and leaky relu.
 */
function kinkNetwork(activation: NetworkActivation): RefNetwork {
  return { sizes: [2, 3, 1], activation, gamma: 1, weights: [Float64Array.of(1, -1, 1, 1, -1, -1), Float64Array.of(1, 1, 1)], biases: [new Float64Array(3), new Float64Array(1)] };
}

test('relu′(0) = 0 and leaky relu′ = 0.01 for z ≤ 0: the step at pre-activations of exactly 0, 1 and −1', async () => {
  for (const activation of ['relu', 'leaky_relu'] as const) {
    const net = kinkNetwork(activation);
    const engine = await engineOf(net, specOf(net, 'squared', false));
    try {
      // One sample, x = (½, ½), y = 3: z₁ = (0, 1, −1), h₁ = φ(z₁), f = Σ h₁.
      const x = Float32Array.of(0.5, 0.5);
      const pending = await engine.step(x, Float32Array.of(3), 1);
      const slope = activation === 'relu' ? 0 : 0.01;
      const h = [slope * 0, 1, -slope];
      const f = h[0] + h[1] + h[2];
      const d2 = f - 3;
      // δ₁ = d2 · W₂ ⊙ φ′(z₁), φ′ = (slope, 1, slope): the value at 0 is the left one (PyTorch's, model.ts's).
      const d1 = [d2 * slope, d2, d2 * slope];
      const next = nextParameters(net, pending);
      const W1 = net.weights[0];
      const expectedW1 = Array.from({ length: 6 }, (_, k) => W1[k] - d1[Math.floor(k / 2)] * x[k % 2]);
      const expectedW2 = [0, 1, 2].map((j) => 1 - d2 * h[j]);
      const close = (got: Float32Array, expected: number[], what: string) =>
        expected.forEach((e, i) => assert.ok(Math.abs(got[i] - e) <= 2 ** -22 * Math.max(1, Math.abs(e)), `${activation}: ${what}[${i}] = ${got[i]}, expected ${e}`));
      close(next[0], expectedW1, 'next W1');
      close(next[1], expectedW2, 'next W2');
      close(next[2], d1.map((d) => -d), 'next b1');
      close(next[3], [-d2], 'next b2');
      assert.ok(Math.abs(pending.lossSum - 0.5 * d2 * d2) <= 1e-6, `${activation}: loss ${pending.lossSum} vs ${0.5 * d2 * d2}`);
      if (activation === 'relu') {
        // The unit at z = 0 and the one at z = −1 get no gradient at all: their rows stay bitwise.
        assert.deepEqual([...next[0].subarray(0, 2)], [1, -1]);
        assert.deepEqual([...next[0].subarray(4, 6)], [-1, -1]);
        assert.equal(next[2][0], 0);
      } else {
        // Far on the negative side: z = −3 on x = (3/2, 3/2) still has slope 0.01 (and h = −0.03).
        const far = await engine.step(Float32Array.of(1.5, 1.5), Float32Array.of(0), 1);
        const hFar = [0, 3, -0.03];
        const dFar = hFar[0] + hFar[1] + hFar[2];
        const nextFar = nextParameters(net, far);
        close(nextFar[0].subarray(4, 6), [-1 - dFar * 0.01 * 1.5, -1 - dFar * 0.01 * 1.5], 'next W1 row 3 at z = −3');
        close(nextFar[1], [1, 1 - dFar * 3, 1 + dFar * 0.03], 'next W2 at z = −3');
      }
    } finally {
      engine.release();
    }
  }
});

test('cross-entropy stays finite and exact for logits of ±80, from a large output scale and from large weights', async () => {
  // γ = 40, W = [[2, 0], [−2, 0], [0, 0]], x = (1, 0) twice: f = (80, −80, 0); labels 0 and 1.
  const scaled: RefNetwork = { sizes: [2, 3], activation: 'linear', gamma: 40, weights: [Float64Array.of(2, 0, -2, 0, 0, 0)], biases: null };
  const data: RefData = { xs: [Float64Array.of(1, 0), Float64Array.of(1, 0)], labels: [0, 1] };
  let engine = await engineOf(scaled, specOf(scaled, 'crossEntropy', true));
  try {
    const b = batchOf(data, 3);
    const pending = await engine.step(b.x, b.y, b.rows);
    // Sample 0: log(1 + e⁻¹⁶⁰ + e⁻⁸⁰) ≈ 1.8e−35; sample 1: 160 + log(1 + …).
    const expected = 2 * refLoss(scaled, 'crossEntropy', data);
    assert.ok(Number.isFinite(pending.lossSum) && Math.abs(pending.lossSum - expected) <= 2 ** -22 * expected, `lossSum ${pending.lossSum} vs ${expected}`);
    assert.equal(pending.correct, 1);
    // δ = γ (softmax(f) − y)/2: (≈0, ≈0, ≈0) for sample 0, (20, −20, ≈0) for sample 1; ∂L/∂W = δᵀx.
    // W₃₁ gets −(δ₀₃ + δ₁₃) = −2 · 20 e⁻⁸⁰/(1 + e⁻⁸⁰ + e⁻¹⁶⁰) ≈ −7.2e−34, a normal float32.
    const w31 = (-40 * Math.exp(-80)) / (1 + Math.exp(-80) + Math.exp(-160));
    const nextW = nextParameters(scaled, pending)[0];
    assert.deepEqual([...nextW].filter((_, i) => i !== 4), [2 - 20, 0, -2 + 20, 0, 0]);
    assert.ok(Math.abs(nextW[4] - w31) <= 1e-6 * Math.abs(w31), `next W₃₁ ${nextW[4]} vs ${w31}`);
    assert.ok((await engine.evaluate(b.x, b.y, b.rows)).lossSum === pending.lossSum);
  } finally {
    engine.release();
  }

  // Large random weights through a tanh layer: logits in the tens to hundreds.
  const rng = new Rng(51);
  const big = randomNetwork(rng, [4, 6, 3], 'tanh', 1, true, 60);
  const { ref } = randomData(rng, 6, 4, { classes: 3 });
  engine = await engineOf(big, specOf(big, 'crossEntropy', true, { learningRates: [1e-3, 1e-3] }));
  try {
    adopt(big, engine);
    const largest = Math.max(...ref.xs.map((x) => maxAbs([refForward(big, x)])));
    assert.ok(largest > 80, `logits as large as ${largest}`);
    const b = batchOf(ref, 3);
    const pending = await engine.step(b.x, b.y, b.rows);
    const expected = b.rows * refLoss(big, 'crossEntropy', ref);
    assert.ok(expected > 80, `a loss of ${expected}: some sample's label is far from its maximum logit`);
    assert.ok(Math.abs(pending.lossSum - expected) <= 1e-5 * expected, `lossSum ${pending.lossSum} vs ${expected}`);
    assert.ok(nextParameters(big, pending).every((p) => p.every(Number.isFinite)), 'the next parameters are finite');
    const stats = await engine.evaluate(b.x, b.y, b.rows);
    assert.ok(Math.abs(stats.lossSum - expected) <= 1e-5 * expected, `evaluate: ${stats.lossSum} vs ${expected}`);
  } finally {
    engine.release();
  }
});

test('a batch of one row, and batches given as views into larger arrays (non-zero byteOffset), give the numbers of fresh copies', async () => {
  const rng = new Rng(61);
  const F = 4;
  const C = 3;
  const net = randomNetwork(rng, [F, 5, C], 'swish', 1.2, true);
  const { ref } = randomData(rng, 9, F, { classes: C });
  const whole = batchOf(ref, C);
  const spec = specOf(net, 'crossEntropy', true, { optimizer: { kind: 'sgd', momentum: 0.5 }, learningRates: [0.5, 0.25], weightDecay: 0.01 });
  const engine = await engineOf(net, spec);
  try {
    engine.commit(await engine.step(whole.x, whole.y, whole.rows));
    adopt(net, engine);

    for (const [k, rows] of [[3, 4], [8, 1], [0, 1], [5, 1]]) {
      const x = whole.x.subarray(k * F, (k + rows) * F);
      const y = whole.y.subarray(k * C, (k + rows) * C);
      assert.equal(x.byteOffset, k * F * 4);
      const viewed = await engine.step(x, y, rows);
      const copied = await engine.step(x.slice(), y.slice(), rows);
      const what = `rows ${k} … ${k + rows - 1}`;
      assert.equal(viewed.lossSum, copied.lossSum, `${what}: lossSum`);
      assert.equal(viewed.correct, copied.correct, `${what}: correct`);
      for (const [name, v] of copied.next) assertBitwise([viewed.next.get(name)!], [v], `${what}: next ${name}`);
      const idx = all(rows).map((i) => k + i);
      const refMean = refLoss(net, 'crossEntropy', ref, idx);
      assert.ok(Math.abs(copied.lossSum / rows - refMean) <= 1e-5 * Math.max(1, refMean), `${what}: loss ${copied.lossSum / rows} vs ${refMean}`);
      assert.equal(copied.correct, refCorrect(net, ref, idx), `${what}: correct`);
      const stats = await engine.evaluate(x, y, rows);
      assert.equal(stats.lossSum, (await engine.evaluate(x.slice(), y.slice(), rows)).lossSum, `${what}: evaluate on a view`);
    }

    // One row's gradient against central differences (rate 1, no decay: g = θ − next), from a view.
    const probe = await engineOf(net, specOf(net, 'crossEntropy', true));
    try {
      for (const s of [0, 4, 8]) {
        const pending = await probe.step(whole.x.subarray(s * F, (s + 1) * F), whole.y.subarray(s * C, (s + 1) * C), 1);
        const zeroBias = { ...net, biases: net.biases!.map((b) => new Float64Array(b.length)) };
        const expected = finiteDifference(zeroBias, () => refLoss(zeroBias, 'crossEntropy', ref, [s]));
        const theta = parameters(zeroBias);
        const next = nextParameters(zeroBias, pending);
        const scale = maxAbs(expected);
        assert.ok(scale > 1e-2, `sample ${s}: a gradient worth testing (${scale})`);
        expected.forEach((e, b) => e.forEach((v, i) => {
          const g = theta[b][i] - next[b][i];
          assert.ok(Math.abs(g - v) <= 1e-5 * scale + 4 * 2 ** -24 * (Math.abs(theta[b][i]) + Math.abs(next[b][i])), `sample ${s}: block ${b}, entry ${i}: ${g} vs ${v}`);
        }));
      }
    } finally {
      probe.release();
    }
  } finally {
    engine.release();
  }
});
