import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Experiment } from '../../../src/core/experiment/experiment';
import type { Dataset } from '../../../src/core/network/dataset';
import { networkSpec, NetworkSpecInput } from '../../../src/core/network/spec';
import { jsProducts, measureNetwork, WeightMatrix } from '../../../src/core/network/layerMetrics';
import { firstLayerMeasurements, recordCount, Training, TrainingRecord } from '../../../src/core/network/train';
import { firstKernelMeasurements } from '../../../src/core/network/onnx/onnxMeasures';
import { kernelOmission, MAX_KERNEL_OUTPUTS } from '../../../src/core/network/tangentKernel';
import { explainLayerLabel } from '../../../src/core/mechanisms/layerLabel';
import { Rng } from '../../../src/core/math/rng';
import { lossGradient, networkOf } from '../../reference/network';
import { finiteDifference, RefData, RefNetwork, refForward, refLoss, refOptimizerStep, RefOptimizerState, sampleLoss } from '../../reference/deepNetwork';
import { flat, maxError, randomData, randomNetwork, weightRows } from './helpers';

/** Runs to the end, collecting the records and the weights θ_t at each record (taken before the update). */
async function trainAll(t: Training): Promise<{ records: TrainingRecord[]; weights: Float32Array[][]; biases: (Float32Array[] | null)[] }> {
  const records: TrainingRecord[] = [];
  const weights: Float32Array[][] = [];
  const biases: (Float32Array[] | null)[] = [];
  const outcome = await t.run({
    onRecord: (r) => {
      records.push(r);
      weights.push(flat(t.currentWeights()));
      biases.push(t.currentBiases());
    },
  });
  assert.equal(outcome.status, 'finished');
  return { records, weights, biases };
}

test('the bridge: the two-layer linear network trained by full-batch SGD is the linear model\'s gradient descent, step for step', async () => {
  const rng = new Rng(2024);
  for (const [d, D, samples] of [[8, 1, 3], [20, 3, 4], [3, 2, 1]]) {
    const gamma = [1, 0.5, 2][D - 1];
    const n = Array.from({ length: D }, () => rng.normal());
    const norm = Math.hypot(...n);
    // Collinear samples x_s = a_s n (float32-exact), as the linear model requires.
    const as = Array.from({ length: samples }, () => rng.normal());
    const xs = as.map((a) => n.map((v) => Math.fround((a * v) / norm)));
    const ys = as.map((a) => Math.fround(0.7 * a + 0.3 * rng.normal()));
    const sigma = [0.8, 0.1, 0.3][D - 1];
    const u = Array.from({ length: d }, () => Math.fround(sigma * rng.normal()));
    const W = Array.from({ length: d }, () => Array.from({ length: D }, () => Math.fround(sigma * rng.normal())));
    // Rates with η·K ≲ 0.4 both at the start and at the fit (K → 2γā|y| from a small init): stable,
    // not too slow; unequal across the layers.
    let uu = 0;
    let vv = 0;
    for (let i = 0; i < d; i++) {
      uu += u[i] ** 2;
      for (let j = 0; j < D; j++) vv += W[i][j] ** 2;
    }
    const m2 = xs.reduce((s, x) => s + x.reduce((t, v) => t + v * v, 0), 0) / samples;
    const eta = 0.4 / (gamma * gamma * m2 * (uu + vv) + 2 * gamma * Math.sqrt(m2) * Math.max(...ys.map(Math.abs)));
    const etaU = 1.6 * eta;
    const etaW = 0.6 * eta;
    const steps = 60;
    const experiment: Experiment = {
      model: { width: d, outputScale: gamma, activation: 'linear' },
      data: { kind: 'samples', samples: xs.map((x, s) => ({ x, y: ys[s] })) },
      init: { kind: 'explicit', u, W },
      learningRates: { u: etaU, W: etaW },
      time: { kind: 'at', at: [steps] },
      compare: { simulate: false },
    };
    // The independent float64 gradient descent of the linear model's own reference.
    const net = networkOf(experiment);
    const theta = new Float64Array(d + d * D);
    u.forEach((v, i) => (theta[i] = v));
    W.forEach((row, i) => row.forEach((v, j) => (theta[d + i * D + j] = v)));
    const grad = new Float64Array(theta.length);
    const states: Float64Array[] = [];
    for (let k = 0; k <= steps; k++) {
      states.push(theta.slice());
      lossGradient(net, theta, grad);
      for (let i = 0; i < d; i++) theta[i] -= etaU * grad[i];
      for (let i = d; i < theta.length; i++) theta[i] -= etaW * grad[i];
    }
    const data: Dataset = {
      count: samples,
      features: D,
      sampleShape: [D],
      x: Float32Array.from(xs.flat()),
      targets: { kind: 'regression', values: Float32Array.from(ys), outputs: 1 },
    };
    const spec = networkSpec({
      model: { hidden: [d], activation: 'linear', outputScale: gamma, bias: false },
      init: { weights: [W, [u]] },
      training: { loss: 'squared', learningRate: [etaW, etaU], batchSize: 'full', steps, record: { every: 1 } },
    });
    const t = new Training(spec, { train: data });
    const { records, weights } = await trainAll(t);
    assert.equal(records.length, steps + 1);
    states.forEach((ref, k) => {
      const scale = Math.max(...ref.map(Math.abs));
      const [w1, w2] = weights[k];
      for (let i = 0; i < d; i++) {
        assert.ok(Math.abs(w2[i] - ref[i]) <= 2e-5 * scale, `d=${d} D=${D} step ${k}: u_${i} ${w2[i]} vs ${ref[i]}`);
        for (let j = 0; j < D; j++) assert.ok(Math.abs(w1[i * D + j] - ref[d + i * D + j]) <= 2e-5 * scale, `step ${k}: W_${i}${j}`);
      }
      // The loss is the linear model's ½ mean (f − y)², exact at θ_k for the full batch.
      let loss = 0;
      xs.forEach((x, s) => {
        let f = 0;
        for (let i = 0; i < d; i++) f += ref[i] * x.reduce((acc, v, j) => acc + ref[d + i * D + j] * v, 0);
        loss += (gamma * f - ys[s]) ** 2;
      });
      loss /= 2 * samples;
      assert.ok(Math.abs(records[k].trainLoss - loss) <= 1e-4 * loss + 1e-7, `step ${k}: loss ${records[k].trainLoss} vs ${loss}`);
      if (D === 1) {
        // With D = 1, ζ of the pair is the linear model's |ζ| = |cos∠(u, W n)|.
        let uv = 0;
        for (let i = 0; i < d; i++) uv += ref[i] * ref[d + i];
        const zeta = Math.abs(uv) / Math.sqrt(ref.slice(0, d).reduce((s, v) => s + v * v, 0) * ref.slice(d).reduce((s, v) => s + v * v, 0));
        assert.ok(Math.abs(records[k].alignment[0]!.zeta! - zeta) <= 1e-5, `step ${k}: ζ ${records[k].alignment[0]!.zeta} vs ${zeta}`);
      }
    });
    // The tangent kernel of the probe (collinear samples a_i n) is a_i a_j/ā² times the linear model's
    // K = γ²ā²(η_u|Wn|² + η_W|u|²): its relative change is |K(t)/K(0) − 1|, and the tangent features'
    // is √((η_u|Δ(Wn)|² + η_W|Δu|²)/(η_u|W₀n|² + η_W|u₀|²)), whatever W_⊥ does.
    const nUnit = n.map((v) => v / norm);
    const parts = (theta: Float64Array) => {
      const v = Array.from({ length: d }, (_, i) => nUnit.reduce((acc, nj, j) => acc + theta[d + i * D + j] * nj, 0));
      return { u: Array.from(theta.subarray(0, d)), v };
    };
    const sq = (a: number[]) => a.reduce((acc, x) => acc + x * x, 0);
    const p0 = parts(states[0]);
    const k0 = etaU * sq(p0.v) + etaW * sq(p0.u);
    let measured = 0;
    records.forEach((r, k) => {
      if (r.kernelChange === null) return;
      measured++;
      const p = parts(states[k]);
      const kernelChange = Math.abs((etaU * sq(p.v) + etaW * sq(p.u)) / k0 - 1);
      const tangentChange = Math.sqrt((etaU * sq(p.v.map((x, i) => x - p0.v[i])) + etaW * sq(p.u.map((x, i) => x - p0.u[i]))) / k0);
      assert.ok(Math.abs(r.kernelChange - kernelChange) <= 1e-3 * kernelChange + 1e-6, `step ${k}: kernelChange ${r.kernelChange} vs ${kernelChange}`);
      assert.ok(Math.abs(r.tangentChange! - tangentChange) <= 1e-3 * tangentChange + 1e-5, `step ${k}: tangentChange ${r.tangentChange} vs ${tangentChange}`);
    });
    assert.ok(measured >= 2 && records[steps].kernelChange! > 1e-3, `kernel measured at ${measured} records, last change ${records[steps].kernelChange}`);
    // The run learned something (the data keep an irreducible part, so the loss cannot vanish).
    assert.ok(records[steps].trainLoss < 0.9 * records[0].trainLoss, `loss ${records[0].trainLoss} → ${records[steps].trainLoss}`);
    assert.ok(records[steps].distance > 0.02, `distance ${records[steps].distance}`);
    t.dispose();
  }
});

/** The documented batch order, written again from docs/networks.md: Fisher–Yates per epoch from Rng(seed). */
function batchesOf(count: number, batchSize: number | 'full', seed: number, iterations: number): number[][] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (batchSize === 'full' || batchSize === count) return Array.from({ length: iterations }, () => all);
  const rng = new Rng(seed);
  const perEpoch = Math.ceil(count / batchSize);
  const out: number[][] = [];
  let perm: number[] = [];
  for (let s = 0; s < iterations; s++) {
    if (s % perEpoch === 0) {
      perm = [...all];
      for (let i = count - 1; i > 0; i--) {
        const j = Math.floor((1 - rng.uniform()) * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
    }
    const k = s % perEpoch;
    out.push(perm.slice(k * batchSize, Math.min(count, (k + 1) * batchSize)));
  }
  return out;
}

interface Case {
  name: string;
  input: NetworkSpecInput;
  sizes: number[];
  count: number;
  target: { classes: number } | { outputs: number };
  steps: number;
  /** Samples per chunk (default: the trainer's). */
  chunkRows?: number;
}

/**
 * The float64 reference run of a case: θ_s before each update, the batch loss at θ_s, and the batches,
 * with gradients by central differences of the batch's mean loss.
 */
function referenceRun(c: Case, net: RefNetwork, data: RefData) {
  const spec = networkSpec(c.input);
  const t = spec.training;
  const batches = batchesOf(c.count, t.batchSize, t.seed, c.steps + 1);
  const state: RefOptimizerState = { first: null, second: null, steps: 0 };
  const thetas: { weights: Float64Array[]; biases: Float64Array[] | null }[] = [];
  const losses: number[] = [];
  for (let s = 0; s <= c.steps; s++) {
    thetas.push({ weights: net.weights.map((w) => w.slice()), biases: net.biases ? net.biases.map((b) => b.slice()) : null });
    losses.push(refLoss(net, t.loss, data, batches[s]));
    if (s === c.steps) break;
    const g = finiteDifference(net, () => refLoss(net, t.loss, data, batches[s]));
    refOptimizerStep(net, g, t.optimizer, t.learningRate, t.weightDecay, state);
  }
  return { thetas, losses, batches };
}

const optimizerCases: Case[] = [
  {
    name: 'SGD with momentum 0.9, weight decay, per-layer rates, shuffled minibatches of 4 over 10 samples (a batch of 2 ends each epoch), tanh, bias, cross-entropy',
    input: { model: { hidden: [5, 4], activation: 'tanh', bias: true, outputScale: 1.5 }, training: { loss: 'crossEntropy', optimizer: 'sgd', momentum: 0.9, learningRate: [0.1, 0.05, 0.2], weightDecay: 0.01, batchSize: 4, steps: 7, seed: 9 } },
    sizes: [3, 5, 4, 3],
    count: 10,
    target: { classes: 3 },
    steps: 7,
  },
  {
    name: 'Adam, full batch, swish, squared loss on two regression outputs',
    input: { model: { hidden: [6], activation: 'swish' }, training: { loss: 'squared', optimizer: 'adam', learningRate: 0.01, batchSize: 'full', steps: 6 } },
    sizes: [4, 6, 2],
    count: 5,
    target: { outputs: 2 },
    steps: 6,
  },
  {
    name: 'Adam (β₁ 0.8, β₂ 0.99, ε 10⁻⁶) with weight decay and per-layer rates, minibatches of 3 over 7, sigmoid, bias, cross-entropy',
    input: { model: { hidden: [4, 4], activation: 'sigmoid', bias: true }, training: { loss: 'crossEntropy', optimizer: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6, learningRate: [0.02, 0.01, 0.03], weightDecay: 0.05, batchSize: 3, steps: 5 } },
    sizes: [2, 4, 4, 2],
    count: 7,
    target: { classes: 2 },
    steps: 5,
  },
  {
    name: 'full batch summed over chunks of 2 samples (7 samples: a chunk of 1 last), momentum, tanh, bias, squared loss',
    input: { model: { hidden: [5], activation: 'tanh', bias: true, outputScale: 0.5 }, training: { loss: 'squared', momentum: 0.3, learningRate: 0.3, batchSize: 'full', steps: 5 } },
    sizes: [3, 5, 2],
    count: 7,
    target: { outputs: 2 },
    steps: 5,
    chunkRows: 2,
  },
  {
    name: 'no hidden layer (f = γ(W_1 x + b_1)), Adam, cross-entropy',
    input: { model: { hidden: [], bias: true, outputScale: 2 }, training: { loss: 'crossEntropy', optimizer: 'adam', learningRate: 0.05, batchSize: 'full', steps: 4 } },
    sizes: [4, 3],
    count: 6,
    target: { classes: 3 },
    steps: 4,
  },
  {
    name: 'plain SGD with the middle layer frozen (rate 0), leaky ReLU, squared loss on classes',
    input: { model: { hidden: [5, 5], activation: 'leaky_relu' }, training: { loss: 'squared', learningRate: [0.2, 0, 0.2], batchSize: 'full', steps: 5 } },
    sizes: [3, 5, 5, 4],
    count: 6,
    target: { classes: 4 },
    steps: 5,
  },
];

for (const c of optimizerCases) for (const backend of c.chunkRows ? (['tfjs'] as const) : (['onnxruntime', 'tfjs'] as const)) {
  test(`the trainer follows a float64 reference step for step on ${backend}: ${c.name}`, async () => {
    const rng = new Rng(optimizerCases.indexOf(c) + 77);
    const net = randomNetwork(rng, c.sizes, c.input.model.activation ?? 'relu', c.input.model.outputScale ?? 1, false, 1.2);
    const { ref, set } = randomData(rng, c.count, c.sizes[0], c.target);
    const input: NetworkSpecInput = { ...c.input, init: { weights: weightRows(net) }, training: { ...c.input.training, record: { every: 1 } } };
    const refNet: RefNetwork = { ...net, biases: c.input.model.bias ? c.sizes.slice(1).map((n) => new Float64Array(n)) : null };
    const expected = referenceRun({ ...c, input }, refNet, ref);
    const t = new Training(networkSpec(input), { train: set }, { chunkRows: c.chunkRows, backend });
    assert.equal(t.engine, backend);
    const { records, weights, biases } = await trainAll(t);
    assert.equal(records.length, c.steps + 1);
    expected.thetas.forEach((theta, s) => {
      const w = maxError(weights[s], theta.weights);
      assert.ok(w.error <= 1e-5 * w.scale, `step ${s}: weights off by ${w.error} (scale ${w.scale})`);
      if (theta.biases) {
        const b = maxError(biases[s]!, theta.biases);
        assert.ok(b.error <= 1e-5 * Math.max(w.scale, b.scale), `step ${s}: biases off by ${b.error}`);
      }
      assert.ok(Math.abs(records[s].trainLoss - expected.losses[s]) <= 1e-5 * Math.max(1, expected.losses[s]), `step ${s}: loss ${records[s].trainLoss} vs ${expected.losses[s]}`);
    });
    if (c.input.training!.learningRate instanceof Array && c.input.training!.learningRate[1] === 0) {
      assert.deepEqual(weights[c.steps][1], weights[0][1], 'a layer with rate 0 does not move');
      assert.equal(records[c.steps].layers[1].distance, 0);
    }
    // The weights moved by more than the tolerance: the comparison is not vacuous.
    const moved = maxError(weights[c.steps], weights[0]);
    assert.ok(moved.error > 1e-3 * moved.scale, `moved ${moved.error}`);
    t.dispose();
  });
}

test('records: the train loss and accuracy average the batches since the previous record; the test set is measured whole at θ_t', async () => {
  const rng = new Rng(31);
  const sizes = [3, 6, 3];
  const net = randomNetwork(rng, sizes, 'relu', 1, false, 1);
  const train = randomData(rng, 11, 3, { classes: 3 });
  const test = randomData(rng, 9, 3, { classes: 3 });
  const input: NetworkSpecInput = {
    model: { hidden: [6], activation: 'relu' },
    init: { weights: weightRows(net) },
    training: { loss: 'crossEntropy', learningRate: 0.3, batchSize: 4, steps: 8, record: { every: 3 } },
  };
  const c: Case = { name: 'records', input, sizes, count: 11, target: { classes: 3 }, steps: 8 };
  const expected = referenceRun(c, { ...net }, train.ref);
  const t = new Training(networkSpec(input), { train: train.set, test: test.set });
  const { records } = await trainAll(t);
  assert.deepEqual(records.map((r) => r.step), [0, 3, 6, 8]);
  assert.deepEqual(records.map((r) => r.epoch), [0, 1, 2, 8 / 3]);
  const windows = [[0], [1, 2, 3], [4, 5, 6], [7, 8]];
  records.forEach((r, k) => {
    const batches = windows[k].map((s) => expected.batches[s]);
    let loss = 0;
    let correct = 0;
    let samples = 0;
    windows[k].forEach((s) => {
      const netAt: RefNetwork = { ...net, weights: expected.thetas[s].weights, biases: null };
      for (const i of expected.batches[s]) {
        const f = refForward(netAt, train.ref.xs[i]);
        loss += sampleLoss('crossEntropy', f, train.ref, i);
        if (f.indexOf(Math.max(...f)) === train.ref.labels![i]) correct++;
      }
      samples += expected.batches[s].length;
    });
    assert.equal(samples, batches.reduce((acc, b) => acc + b.length, 0));
    assert.ok(Math.abs(r.trainLoss - loss / samples) < 1e-5, `record ${r.step}: train loss ${r.trainLoss} vs ${loss / samples}`);
    assert.equal(r.trainAccuracy, correct / samples);
    const netAt: RefNetwork = { ...net, weights: expected.thetas[r.step].weights, biases: null };
    const testLoss = refLoss(netAt, 'crossEntropy', test.ref);
    let testCorrect = 0;
    test.ref.xs.forEach((x, i) => {
      const f = refForward(netAt, x);
      if (f.indexOf(Math.max(...f)) === test.ref.labels![i]) testCorrect++;
    });
    assert.ok(Math.abs(r.testLoss! - testLoss) < 1e-5, `record ${r.step}: test loss ${r.testLoss} vs ${testLoss}`);
    assert.equal(r.testAccuracy, testCorrect / 9);
  });
  const summary = t.result().summary;
  const best = Math.max(...records.map((r) => r.testAccuracy!));
  assert.equal(summary.bestTestAccuracy, best);
  assert.equal(summary.bestTestAccuracyStep, records.find((r) => r.testAccuracy === best)!.step);
  t.dispose();
});

/** A small classification run with everything on: minibatches, momentum, bias, a test set, records every 2 steps. */
function fullFeatured(seed = 0, trainingSeed?: number): { spec: ReturnType<typeof networkSpec>; train: Dataset; test: Dataset } {
  const rng = new Rng(500);
  const train = randomData(rng, 40, 5, { classes: 3 }).set;
  const test = randomData(rng, 13, 5, { classes: 3 }).set;
  const spec = networkSpec({
    model: { hidden: [8, 6], activation: 'relu', bias: true },
    init: { scheme: 'kaiming', scale: 1, seed },
    training: { loss: 'crossEntropy', optimizer: 'sgd', momentum: 0.5, learningRate: 0.1, batchSize: 8, epochs: 3, record: { every: 2 }, ...(trainingSeed === undefined ? {} : { seed: trainingSeed }) },
  });
  return { spec, train, test };
}

/** Each engine: ONNX Runtime (a step is one graph run) and TensorFlow.js with steps summed over chunks of 3 samples. */
const engines: { backend: 'onnxruntime' | 'tfjs'; chunkRows?: number }[] = [{ backend: 'onnxruntime' }, { backend: 'tfjs', chunkRows: 3 }];

for (const engine of engines) test(`same seed, same numbers on ${engine.backend}: two runs give identical records; another init or batch-order seed does not`, async () => {
  const run = async (seed: number, trainingSeed?: number) => {
    const { spec, train, test } = fullFeatured(seed, trainingSeed);
    const t = new Training(spec, { train, test }, engine);
    await t.run();
    const r = t.result();
    t.dispose();
    return r;
  };
  const a = await run(1);
  const b = await run(1);
  assert.deepEqual(b, a);
  assert.equal(a.step.length, 9); // steps 0, 2, …, 14 and the last, 15
  assert.equal(a.summary.totalSteps, 15);
  const c = await run(2);
  assert.notDeepEqual(c.trainLoss, a.trainLoss);
  assert.notEqual(c.layers[0].norm[0], a.layers[0].norm[0]);
  const d = await run(1, 77);
  assert.equal(d.layers[0].norm[0], a.layers[0].norm[0], 'the same θ₀');
  assert.notDeepEqual(d.trainLoss.slice(1), a.trainLoss.slice(1), 'another batch order');
});

test('a run from the θ₀ and probe of an earlier run of the thread takes its first record\'s ζ, ζ_top, warm starts and kernel reference from it: the numbers of a run that measured them', async () => {
  const run = async (learningRate: number, seed = 9001) => {
    const { spec, train, test } = fullFeatured(seed);
    const t = new Training({ ...spec, training: { ...spec.training, learningRate: spec.training.learningRate.map(() => learningRate) } }, { train, test }, { backend: 'onnxruntime' });
    await t.run();
    const r = t.result();
    t.dispose();
    return r;
  };
  const hits = () => ({ layers: firstLayerMeasurements().hits, kernels: firstKernelMeasurements().hits });
  const before = hits();
  const measured = await run(0.1);
  assert.deepEqual(hits(), before, 'a θ₀ not met before is measured');
  const again = await run(0.1);
  assert.deepEqual(hits(), { layers: before.layers + 1, kernels: before.kernels + 1 });
  assert.deepEqual(again, measured, 'every record, the first one taken from the earlier run, the later ones warm-started from its vectors');
  // Half the rate: the kernel's metric Σ η_l K_l only halves, which the changes do not see (kernelUnits): both taken.
  await run(0.05);
  assert.deepEqual(hits(), { layers: before.layers + 2, kernels: before.kernels + 2 });
  // Another rate: the same θ₀'s Grams, but the kernel measured anew (its key holds the rates as kernelUnits leaves them).
  const slower = await run(0.07);
  assert.deepEqual(hits(), { layers: before.layers + 3, kernels: before.kernels + 2 });
  assert.deepEqual(slower.alignment.map((a) => [a.zeta[0], a.zetaTop[0]]), measured.alignment.map((a) => [a.zeta[0], a.zetaTop[0]]));
  assert.equal(slower.kernelChange[0], 0);
  assert.notDeepEqual(slower.kernelChange, measured.kernelChange);
  // Another seed: another θ₀, nothing taken.
  const other = await run(0.1, 9002);
  assert.deepEqual(hits(), { layers: before.layers + 3, kernels: before.kernels + 2 });
  assert.notEqual(other.alignment[0].zeta[0], measured.alignment[0].zeta[0]);
});

for (const engine of engines) test(`stopping anywhere (inside a step, inside a record) and resuming gives the numbers of an uninterrupted run on ${engine.backend}`, async () => {
  const { spec, train, test } = fullFeatured(4);
  const whole = new Training(spec, { train, test }, engine);
  const streamed: TrainingRecord[] = [];
  await whole.run({ onRecord: (r) => streamed.push(r) });
  const expected = whole.result();
  whole.dispose();
  for (const probability of [0.2, 0.07]) {
    const rng = new Rng(probability * 100);
    const t = new Training(spec, { train, test }, engine);
    const got: TrainingRecord[] = [];
    let runs = 0;
    for (;;) {
      runs++;
      assert.ok(runs < 5000, 'the run makes progress between stops');
      const outcome = await t.run({ shouldStop: () => rng.uniform() < probability, onRecord: (r) => got.push(r) });
      if (outcome.status === 'finished') break;
      assert.equal(outcome.status, 'stopped');
      assert.equal(t.state, 'stopped');
    }
    // ONNX Runtime takes a step in one graph run: fewer cancel points than TensorFlow.js's chunks.
    assert.ok(runs > 3, `stopped ${runs - 1} times`);
    assert.deepEqual(t.result(), expected);
    assert.deepEqual(got, streamed, 'each record streamed once, in order');
    t.dispose();
  }
});

test('a stop asked for from a record takes effect before the next step, and the run resumes from there', async () => {
  const { spec, train } = fullFeatured(6);
  const t = new Training(spec, { train });
  let stop = false;
  const outcome = await t.run({ shouldStop: () => stop, onRecord: (r) => (stop = r.step === 4) });
  assert.deepEqual(outcome, { status: 'stopped', step: 5 }, 'the step whose record it was is completed');
  assert.equal(t.result().step.at(-1), 4);
  assert.equal(t.result().summary.status, 'stopped');
  const rest = await t.run();
  assert.deepEqual(rest, { status: 'finished', step: 15 });
  assert.deepEqual(await t.run(), rest, 'a finished run stays finished');
  t.dispose();
});

for (const engine of engines) test(`closeAtStop on ${engine.backend}: a stop ends the run with a last record where it stopped, that of a run planned to end there`, async () => {
  // A run recording every 500 steps, stopped after step 7: before, its one record was θ₀'s and the
  // seven steps were lost (the command line's Ctrl+C; a breaker's finding, 2026-12-03).
  const { train, test: held } = fullFeatured(3);
  const of = (steps: number) => networkSpec({
    model: { hidden: [8, 6], activation: 'relu', bias: true },
    init: { scheme: 'kaiming', scale: 1, seed: 3 },
    training: { loss: 'crossEntropy', optimizer: 'sgd', momentum: 0.5, learningRate: 0.1, batchSize: 8, steps, record: { every: 500 } },
  });
  const stopped = new Training(of(1000), { train, test: held }, engine);
  const outcome = await stopped.run({ shouldStop: () => stopped.step >= 7, closeAtStop: true });
  assert.deepEqual(outcome, { status: 'stopped', step: 7 });
  const r = stopped.result();
  assert.deepEqual(r.step, [0, 7], 'the last record is at the step it stopped at');
  assert.equal(r.summary.status, 'stopped');
  assert.ok(r.kernelChange[1] !== null && r.alignment[0].zeta[1] !== null && r.alignment[0].zetaTop[1] !== null, 'measured as a last record is');
  assert.deepEqual(await stopped.run(), outcome, 'a run a stop ended does not resume');
  assert.deepEqual(stopped.result().step, [0, 7]);
  // The same records as a run planned to end at step 7.
  const planned = new Training(of(7), { train, test: held }, engine);
  await planned.run();
  const a = stopped.result();
  const b = planned.result();
  for (const key of ['step', 'epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'distance', 'kernelChange', 'tangentChange', 'layers', 'alignment'] as const) assert.deepEqual(a[key], b[key], key);
  // Without closeAtStop a stop is a pause: no record where it stopped, and the next run resumes.
  const paused = new Training(of(1000), { train, test: held }, engine);
  assert.deepEqual(await paused.run({ shouldStop: () => paused.step >= 7 }), { status: 'stopped', step: 7 });
  assert.deepEqual(paused.result().step, [0]);
  for (const t of [stopped, planned, paused]) t.dispose();
});

for (const engine of engines) test(`divergence on ${engine.backend}: a non-finite loss stops the run at that step, keeps the records before it, and gives no label`, async () => {
  const rng = new Rng(8);
  const { set } = randomData(rng, 10, 4, { outputs: 2 });
  const spec = networkSpec({ model: { hidden: [16, 16], activation: 'relu' }, training: { loss: 'squared', learningRate: 50, steps: 1000, record: { every: 1 } } });
  const t = new Training(spec, { train: set }, engine);
  const records: TrainingRecord[] = [];
  const outcome = await t.run({ onRecord: (r) => records.push(r) });
  assert.equal(outcome.status, 'diverged');
  assert.ok(outcome.step > 0 && outcome.step < 1000, `diverged at ${outcome.step}`);
  assert.equal(records.length, outcome.step + 1, 'one record per step before the divergent one, and one at it');
  assert.ok(records.slice(0, -1).every((r) => Number.isFinite(r.trainLoss)));
  assert.ok(records.at(-2)!.trainLoss > 1e6 * records[0].trainLoss, 'it was blowing up');
  // The step after a record has no finite batch of its own since: the record at it holds its loss, not finite.
  const last = records.at(-1)!;
  assert.equal(last.step, outcome.step);
  assert.ok(!Number.isFinite(last.trainLoss), `the divergent step's loss ${last.trainLoss}`);
  assert.equal(last.kernelChange, null, 'no kernel at the divergence');
  const r = t.result();
  assert.equal(r.summary.status, 'diverged');
  assert.equal(r.summary.divergedAt, outcome.step);
  assert.equal(r.summary.label, null);
  assert.deepEqual(await t.run(), outcome, 'a diverged run stays diverged');
  t.dispose();
});

for (const engine of engines) test(`divergence between records on ${engine.backend}: a record is made at the divergent step, its loss the finite batches since the last record, its weights measured; the run had kept only step 0`, async () => {
  const rng = new Rng(8);
  const { set } = randomData(rng, 10, 4, { outputs: 2 });
  const test = randomData(rng, 5, 4, { outputs: 2 }).set;
  const spec = (every: number) => networkSpec({ model: { hidden: [16, 16], activation: 'relu' }, training: { loss: 'squared', learningRate: 6, steps: 1000, record: { every } } });
  // Every step recorded: where it diverges, and the losses before.
  const each = new Training(spec(1), { train: set, test }, engine);
  const d = (await each.run()).step;
  const perStep = each.result();
  each.dispose();
  assert.ok(d > 2 && d < 100, `diverged at ${d}`);
  const every = d + 5; // the divergence comes before the second scheduled record
  const t = new Training(spec(every), { train: set, test }, engine);
  const streamed: TrainingRecord[] = [];
  const outcome = await t.run({ onRecord: (r) => streamed.push(r) });
  assert.deepEqual(outcome, { status: 'diverged', step: d });
  const r = t.result();
  assert.deepEqual(r.step, [0, d]);
  assert.equal(streamed.length, 2, 'the record at the divergence streams too');
  // Its train loss: the mean of the finite batches 1 … d − 1 (full batches here: each step's loss at θ_s).
  const finite = perStep.trainLoss.slice(1, d);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  assert.ok(Math.abs(r.trainLoss[1] - mean) <= 1e-6 * mean, `train loss ${r.trainLoss[1]} against ${mean}`);
  assert.ok(Number.isFinite(r.trainLoss[1]) && r.trainLoss[1] > 1e3 * r.trainLoss[0], 'it shows the blow-up');
  // The norms and distances at θ_d are the every-step run's measurement of θ_d would be: the step-d weights.
  assert.ok(r.layers.every((l) => l.norm[1] === null || l.norm[1] > l.norm[0]), 'the norms grew');
  assert.equal(r.kernelChange[1], null, 'no kernel at the divergence');
  assert.equal(r.summary.divergedAt, d);
  assert.equal(r.summary.label, null);
  assert.equal(r.summary.final?.step, d);
  t.dispose();
});

for (const engine of engines) test(`divergence at the first step on ${engine.backend}: the record at step 1 shows the blow-up (until 2026-12 the run kept step 0 alone)`, async () => {
  const rng = new Rng(8);
  const { set } = randomData(rng, 10, 4, { outputs: 2 });
  const spec = networkSpec({ model: { hidden: [16, 16], activation: 'relu' }, training: { loss: 'squared', learningRate: 1e30, steps: 100, record: { every: 10 } } });
  const t = new Training(spec, { train: set }, engine);
  assert.deepEqual(await t.run(), { status: 'diverged', step: 1 });
  const r = t.result();
  assert.deepEqual(r.step, [0, 1]);
  assert.ok(!Number.isFinite(r.trainLoss[1]), 'the loss that diverged');
  assert.ok(r.layers.some((l) => !(l.norm[1] <= 1e6 * l.norm[0])), 'the weights of step 1, blown up');
  assert.equal(r.summary.label, null);
  t.dispose();
  // With classes (and a test set) too: the accuracies beside a loss that is not finite are null, not
  // the share of a class that outputs which are not finite happened to pick (it recorded 0.5).
  const classes = randomData(new Rng(9), 10, 4, { classes: 2 }).set;
  const cross = new Training(networkSpec({ model: { hidden: [16, 16], activation: 'relu' }, training: { loss: 'squared', learningRate: 1e30, steps: 100, record: { every: 10 } } }), { train: classes, test: classes }, engine);
  assert.deepEqual(await cross.run(), { status: 'diverged', step: 1 });
  const c = cross.result();
  assert.ok(!Number.isFinite(c.trainLoss[1]) && !Number.isFinite(c.testLoss[1] as number), JSON.stringify([c.trainLoss, c.testLoss]));
  assert.deepEqual([c.trainAccuracy[1], c.testAccuracy[1]], [null, null]);
  assert.ok(c.trainAccuracy[0] !== null && c.testAccuracy[0] !== null, 'step 0 has both');
  cross.dispose();
});

// On ONNX Runtime the kernel of a small network is one cheap graph run (measured at every record), so
// there the network is wide enough for the kernel to cost more than a step.
for (const [engine, hidden, classes] of [['tfjs', [32], 2], ['onnxruntime', [512, 512], 10]] as const) test(`the tangent kernel is measured at the first and last records and in between within its work budget on ${engine}`, async () => {
  const rng = new Rng(12);
  const { set } = randomData(rng, 64, 4, { classes });
  const spec = networkSpec({ model: { hidden: [...hidden] }, training: { loss: 'crossEntropy', learningRate: 0.1, batchSize: 1, steps: 300, record: { every: 10 } } });
  const t = new Training(spec, { train: set }, { backend: engine });
  await t.run();
  const r = t.result();
  const measured = r.kernelChange.map((k, i) => (k === null ? -1 : i)).filter((i) => i >= 0);
  assert.equal(measured[0], 0);
  assert.equal(measured.at(-1), r.step.length - 1);
  assert.equal(r.kernelChange[0], 0);
  assert.ok(measured.length < r.step.length, 'a batch of one sample makes a step far cheaper than the kernel');
  assert.deepEqual(r.kernelChange.map((k) => k === null), r.tangentChange.map((k) => k === null));
  assert.ok(r.summary.scores!.kernelChange! > 0);
  t.dispose();
});

test('the measurements at records agree between the engines and with measureNetwork in float64 on the same weights, and the network\'s distance with its biases', async () => {
  const { spec: base, train, test: testSet } = fullFeatured(4);
  const spec = { ...base, training: { ...base.training, record: { ...base.training.record, full: true } } };
  const runs: { records: TrainingRecord[]; weights: WeightMatrix[][] }[] = [];
  for (const engine of engines) {
    const t = new Training(spec, { train, test: testSet }, engine);
    const records: TrainingRecord[] = [];
    const weights: WeightMatrix[][] = [];
    const biases: Float32Array[][] = [];
    await t.run({ onRecord: (r) => (records.push(r), weights.push(t.currentWeights()), biases.push(t.currentBiases()!)) });
    assert.equal(t.engine, engine.backend);
    runs.push({ records, weights });
    t.dispose();
    // The whole network's distance, biases included (they start at 0), in float64 from the record's θ_t and θ₀.
    records.forEach((r, k) => {
      let moved2 = 0;
      let start2 = 0;
      weights[k].forEach((w, l) => w.data.forEach((v, i) => ((moved2 += (v - weights[0][l].data[i]) ** 2), (start2 += weights[0][l].data[i] ** 2))));
      for (const b of biases[k]) for (const v of b) moved2 += v * v;
      const expected = Math.sqrt(moved2 / start2);
      assert.ok(Math.abs(r.distance - expected) <= 1e-12 * expected, `${engine.backend} record ${k}: distance ${r.distance} vs ${expected}`);
    });
    assert.ok(biases.at(-1)!.some((b) => b.some((v) => v !== 0)), 'the biases moved: the check counts them');
  }
  const [onnx, tfjs] = runs;
  assert.equal(onnx.records.length, tfjs.records.length);
  const close = (a: number | null, b: number | null, tol: number, what: string) => {
    assert.ok(a !== null && b !== null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
  };
  onnx.records.forEach((r, k) => {
    // The independent computation: plain JavaScript products in float64 on the weights the record describes.
    const expected = measureNetwork(onnx.weights[k], onnx.weights[0], { products: jsProducts });
    r.alignment.forEach((p, i) => {
      close(p!.zeta, expected.alignment[i]!.zeta, 1e-5, `record ${k} pair ${i} ζ`);
      close(p!.zetaTop, expected.alignment[i]!.zetaTop, 1e-4, `record ${k} pair ${i} ζ_top`);
    });
    r.layers.forEach((layer, l) => {
      close(layer.norm, expected.layers[l].norm, 1e-6 * expected.layers[l].norm, `record ${k} ‖W_${l + 1}‖`);
      close(layer.distance, expected.layers[l].distance, 1e-6 * Math.max(1e-3, expected.layers[l].distance), `record ${k} W_${l + 1}'s distance`);
    });
    // Both engines train to the same weights up to float32 rounding over a few dozen steps.
    const other = tfjs.records[k];
    r.alignment.forEach((p, i) => close(p!.zeta, other.alignment[i]!.zeta, 1e-4, `record ${k} pair ${i} ζ across engines`));
    close(r.kernelChange, other.kernelChange, 1e-3 * Math.max(1, other.kernelChange ?? 0), `record ${k} kernel change across engines`);
    close(r.tangentChange, other.tangentChange, 1e-3 * Math.max(1, other.tangentChange ?? 0), `record ${k} tangent change across engines`);
  });
  assert.ok(onnx.records.at(-1)!.kernelChange! > 0.01, 'the kernel moved: the comparison is not vacuous');
});

test('a network with more outputs than MAX_KERNEL_OUTPUTS trains without a tangent kernel, and the label says why the distance stands for it', async () => {
  // 20,000 classes made a 20,000² kernel and backward seed: the heap ran out (a native abort), on both engines.
  const C = MAX_KERNEL_OUTPUTS + 1;
  const { set } = randomData(new Rng(6), 12, 3, { classes: 2 });
  const labels = new Int32Array(12).map((_, i) => (i * 997) % C);
  const data: Dataset = { ...set, targets: { kind: 'classes', labels, classCount: C } };
  const spec = networkSpec({ model: { hidden: [8], activation: 'relu' }, training: { loss: 'crossEntropy', learningRate: 0.1, batchSize: 4, steps: 3, record: { every: 1 } } });
  for (const backend of ['onnxruntime', 'tfjs'] as const) {
    const t = new Training(spec, { train: data }, { backend });
    assert.equal((await t.run()).status, 'finished', backend);
    const r = t.result();
    t.dispose();
    assert.deepEqual(r.kernelChange, [null, null, null, null], backend);
    assert.deepEqual(r.tangentChange, [null, null, null, null], backend);
    const s = r.summary.scores!;
    assert.equal(s.kernelOmitted, kernelOmission([3, 8, C]));
    assert.match(s.kernelOmitted!, /^its 2,049 outputs would make a tangent kernel of 2,049² entries on one probe sample, beyond the 2,048 outputs measured$/);
    const e = explainLayerLabel(s, r.step.length);
    assert.equal(e.criteria[0].name, 'distance');
    assert.match(e.criteria[0].text, /from θ₀/);
    assert.match(e.reasons[0], /^The tangent kernel is not measured \(its 2,049 outputs .*\), so the distance stands for it/);
    assert.ok(r.alignment[0].zeta.every((z) => z !== null), 'the layer metrics are still measured');
  }
  assert.equal(kernelOmission([3, 8, MAX_KERNEL_OUTPUTS]), null, 'at the limit, measured');
});

test('asking for ONNX Runtime for a step larger than one chunk says what to do instead', () => {
  const { set } = randomData(new Rng(9), 10, 2, { classes: 2 });
  const spec = networkSpec({ model: { hidden: [4] }, training: { batchSize: 8 } });
  assert.throws(() => new Training(spec, { train: set }, { backend: 'onnxruntime', chunkRows: 5 }), /^BackendError: a step of 8 samples is summed over chunks of 5, which only the tfjs backend does: use --backend tfjs \(or auto\), or a batch of at most 5$/);
});

test('a network whose float32 updates are all 0 (σ = 10⁻³⁰: the passes underflow) gets no label, not "kernel"', async () => {
  // Before, the distance stayed exactly 0, the kernel change 0, and the label read "kernel" on both engines.
  const { set } = randomData(new Rng(8), 6, 2, { classes: 3 });
  const spec = networkSpec({ model: { hidden: [16, 16], activation: 'relu' }, init: { scale: 1e-30 }, training: { loss: 'crossEntropy', learningRate: 1e30, steps: 20, record: { every: 5 } } });
  for (const backend of ['onnxruntime', 'tfjs'] as const) {
    const t = new Training(spec, { train: set }, { backend });
    assert.equal((await t.run()).status, 'finished', backend);
    const r = t.result();
    t.dispose();
    assert.ok(r.distance.every((d) => d === 0), `${backend}: ${r.distance.join(', ')}`);
    assert.equal(r.summary.scores!.frozen, true, backend);
    assert.equal(r.summary.label, null, backend);
    assert.match(explainLayerLabel(r.summary.scores!, r.step.length).regime, /^no label: the weights never moved — every update was exactly 0 in float32/);
  }
  // A learning rate of 0 everywhere: not moving is what was asked, and the label stands.
  const still = new Training(networkSpec({ model: { hidden: [4] }, training: { learningRate: 0, steps: 4 } }), { train: set });
  await still.run();
  const s = still.result();
  still.dispose();
  assert.equal(s.summary.scores!.frozen, false);
  assert.equal(s.summary.label, 'kernel');
});

test('a tangent kernel whose float32 products overflow is reported as not finite, and the label takes the distance test instead of the first record\'s 0', async () => {
  // A feature of 3·10³⁸ (unnormalised data): ONNX Runtime's kernel graph squares kernel entries of
  // ~10³⁸ in float32. Before the fix the records held NaN, the scores kept the first record's 0, and the
  // label read "kernel" from a test never taken.
  const { set } = randomData(new Rng(5), 30, 3, { classes: 2 });
  set.x[3 * 3] = 3e38;
  const spec = networkSpec({ model: { hidden: [8], activation: 'relu' }, training: { loss: 'crossEntropy', learningRate: 0.1, batchSize: 10, epochs: 2 } });
  const t = new Training(spec, { train: set }, { backend: 'onnxruntime' });
  assert.equal((await t.run()).status, 'finished');
  const r = t.result();
  t.dispose();
  // The first record's kernel is out of range already (checked against ‖J₀‖² in float64): NaN, not 0.
  assert.ok(Number.isNaN(r.kernelChange[0]), `first kernel change: ${r.kernelChange[0]}`);
  const later = r.kernelChange.slice(1).filter((k) => k !== null);
  assert.ok(later.length > 0 && later.every((k) => Number.isNaN(k)), `later kernel changes: ${r.kernelChange.join(', ')}`);
  const s = r.summary.scores!;
  assert.equal(s.kernelNotFinite, true);
  assert.equal(s.kernelChange, null);
  assert.equal(s.tangentChange, null);
  const e = explainLayerLabel(s, r.step.length);
  assert.equal(e.criteria[0].name, 'distance');
  assert.equal(r.summary.label, s.maxDistance < 0.1 ? 'kernel' : e.label);
  assert.match(e.reasons[0], /could not be measured in float32/);
});

test('bad combinations are refused before anything is allocated, each with its key path', () => {
  const rng = new Rng(1);
  const classes = randomData(rng, 10, 4, { classes: 3 }).set;
  const values = randomData(rng, 10, 4, { outputs: 2 }).set;
  const problems = (spec: ReturnType<typeof networkSpec>, train: Dataset, test?: Dataset): string[] => {
    try {
      new Training(spec, { train, test });
    } catch (e) {
      return (e as { problems: { path: string; message: string }[] }).problems.map((p) => `${p.path}: ${p.message}`);
    }
    return [];
  };
  const base = { model: { hidden: [5] } };
  assert.deepEqual(problems(networkSpec({ ...base, training: { loss: 'crossEntropy' } }), values), ['training.loss: the cross-entropy loss needs class targets; the training set has regression targets (2 outputs): use "squared"']);
  assert.deepEqual(problems(networkSpec({ ...base, training: { batchSize: 11 } }), classes), ['training.batchSize: a batch of 11 is larger than the training set (10 samples); use "full" for the whole set']);
  assert.deepEqual(problems(networkSpec({ ...base, training: { learningRate: [0.1, 0.1, 0.1] } }), classes), ['training.learningRate: one learning rate per weight matrix: this network has 2, got 3']);
  assert.deepEqual(problems(networkSpec({ model: { hidden: [4] }, init: { weights: [[[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], [[1, 2, 3, 4], [1, 2, 3, 4]]] } }), classes), ['init.weights[1]: init.weights[1] (W_2) must have 3 rows (the network\'s outputs), got 2']);
  assert.deepEqual(problems(networkSpec({ model: { hidden: [4] }, init: { weights: [[[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]], [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]] } }), classes), ['init.weights[0]: init.weights[0] (W_1) must have 4 columns (the features of a sample), got 3']);
  assert.deepEqual(problems(networkSpec({ model: { hidden: [4] }, init: { weights: [[[1, 2, 3, 4], [1, 2, NaN, 4], [1, 2, 3, 4], [1, 2, 3, 4]], [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]] } }), classes), ['init.weights[0][1][2]: init.weights[0][1][2] must be a finite number, got NaN']);
  // σ times the scheme's standard deviation, which depends on the data's features, beyond float32 or below it.
  assert.deepEqual(problems(networkSpec({ ...base, init: { scale: 1e39 } }), classes), [
    "init.scale: init.scale = 1e39: W_1's draws (standard deviation 7.07e38: σ times the kaiming scheme's) reach beyond the float32 range (magnitudes up to 3.4e38); the trainer computes in float32, where they are ±Infinity: give a smaller init.scale",
  ]);
  assert.deepEqual(problems(networkSpec({ ...base, init: { scale: 1e-50 } }), classes), [
    "init.scale: init.scale = 1e-50: W_1's draws (standard deviation 7.07e-51: σ times the kaiming scheme's) are all below the smallest float32 magnitude (1.4e-45); the trainer computes in float32, where they are 0 — a zero initialisation, a different experiment: give a larger init.scale, or 0 if that is what you mean",
  ]);
  const nan = { ...classes, x: classes.x.slice() };
  nan.x[4 * 7 + 2] = Infinity;
  assert.deepEqual(problems(networkSpec(base), nan), ['data.train: input Infinity at sample 7, feature 2: inputs must be finite']);
  const badLabel = { ...classes, targets: { kind: 'classes' as const, labels: Int32Array.from([0, 1, 2, 3, 0, 0, 0, 0, 0, 0]), classCount: 3 } };
  assert.deepEqual(problems(networkSpec(base), badLabel), ['data.train: label 3 of sample 3 is not a class in [0, 3)']);
  assert.deepEqual(problems(networkSpec(base), classes, values), ['data.test: the test set has regression targets, the training set class targets']);
  assert.deepEqual(problems(networkSpec(base), classes, { ...randomData(rng, 3, 5, { classes: 3 }).set }), ['data.test: the test set has 5 features, the training set 4']);
  assert.deepEqual(problems(networkSpec(base), { ...classes, x: classes.x.subarray(0, 39) }), ['data.train: 10 samples × 4 features = 40 inputs expected, the array holds 39']);
  // Inputs all 0 (a constant input after "scale01"): no hidden unit of a network without biases whose φ(0) = 0
  // is reached, and every gradient is 0 (the run was "frozen", blamed on a tiny init.scale).
  const zeros = { ...classes, x: new Float32Array(classes.x.length) };
  assert.deepEqual(problems(networkSpec(base), zeros).map((p) => p.slice(0, p.indexOf(':'))), ['data']);
  assert.match(problems(networkSpec({ ...base, model: { ...base.model, activation: 'tanh' } }), zeros)[0], /^data: every training input is 0 .*check the data, or set model\.bias to true$/);
  // ReLU's slope at 0 is 0: with biases starting at 0 its hidden layer would not move either (the advice did not help).
  assert.match(problems(networkSpec(base), zeros)[0], /check the data, or set model\.bias to true with an activation whose slope at 0 is not 0 \(ReLU's is: its hidden biases, starting at 0, would not move either, and only the output bias would learn\)$/);
  assert.deepEqual(problems(networkSpec({ ...base, model: { ...base.model, bias: true } }), zeros), [], 'biases reach the units');
  assert.deepEqual(problems(networkSpec({ ...base, model: { ...base.model, activation: 'sigmoid' } }), zeros), [], 'σ(0) = 1/2 reaches the next layer');
  assert.deepEqual(problems(networkSpec({ model: { hidden: [0.5, -1] }, init: { scale: -1 }, training: { momentum: 1, record: { every: 0 } } }), classes), [
    'model.hidden[0]: model.hidden[0] must be an integer, got 0.5',
    'model.hidden[1]: model.hidden[1] must be ≥ 1, got -1',
    'init.scale: init.scale must be ≥ 0, got -1',
    'training.momentum: training.momentum must be < 1, got 1',
    'training.record.every: training.record.every must be ≥ 1, got 0',
  ]);
  // Limits, checked from the sizes alone: 2·10⁵ × 2·10⁵ would be 160 GB of weights.
  const start = performance.now();
  assert.deepEqual(problems(networkSpec({ model: { hidden: [200_000, 200_000] } }), classes), ['model.hidden: layer sizes 4-200000-200000-3 make 40,001,400,000 parameters, above the limit of 16,777,216 (the trainer keeps up to five float32 copies)']);
  assert.ok(performance.now() - start < 100);
  // Every record is kept: 10⁸ records of a step each exhausted the heap. 4-5-3 has 2 weight matrices.
  assert.deepEqual(problems(networkSpec({ ...base, training: { steps: 100_000_000, record: { every: 1 } } }), classes), [
    'training.record.every: a record every 1 step over 100,000,000 steps makes 100,000,001 records of 2 weight matrices, over the limit of 2,000,000 matrices in all (every record is kept in memory): record every 101 steps or more (training.record.every)',
  ]);
  assert.deepEqual(problems(networkSpec({ ...base, training: { epochs: 1_000_000, batchSize: 5, record: { every: 2 } } }), classes).map((p) => p.split(':')[0]), ['training.record.every'], '2·10⁶ steps of epochs');
  assert.deepEqual(problems(networkSpec({ ...base, training: { steps: 100_000_000, record: { every: 101 } } }), classes), [], 'the suggested cadence is accepted');
  assert.equal(recordCount(100_000_000, 101), 990_101);
  assert.deepEqual([recordCount(10, 5), recordCount(11, 5), recordCount(0, 3)], [3, 4, 1]);
});

test('no tensor outlives its use: the count is the same at every record, and back to the start after dispose', async () => {
  const tf = await import('@tensorflow/tfjs-core');
  const { spec, train, test } = fullFeatured(3);
  const adam = networkSpec({ model: { hidden: [8, 6], bias: true }, init: { seed: 3 }, training: { optimizer: 'adam', loss: 'crossEntropy', batchSize: 8, epochs: 4, record: { every: 3 } } });
  for (const s of [spec, adam]) {
    const t = new Training(s, { train, test }, { chunkRows: 5 });
    await t.run({ shouldStop: () => t.step === 4 });
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    await t.run({ onRecord: () => counts.push(tf.memory().numTensors) });
    assert.ok(counts.length > 3);
    // The last record has no gradient (no update follows it): fewer tensors, by one per parameter tensor.
    const last = counts.pop()!;
    assert.ok(counts.every((c) => c === counts[0]), `tensors at records: ${counts}`);
    assert.equal(last, counts[0] - 6);
    t.dispose();
    assert.ok(tf.memory().numTensors < start, 'dispose frees the parameters and the probe');
    assert.equal(tf.memory().numTensors, 0);
  }
});
