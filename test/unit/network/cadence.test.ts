import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { networkSpec } from '../../../src/core/network/spec';
import { lanczosSteps } from '../../../src/core/network/layerMetrics';
import { CHEAP_MEASUREMENT, measurementDue, onnxZetaTopWork, Training, TrainingRecord, zetaTopWork, zetaWork, ZETA_SHARE, ZETA_TOP_SHARE } from '../../../src/core/network/train';
import { randomData } from './helpers';

test('the cadence: the endpoints always, cheap measurements always, and in between within the share of the work done', () => {
  assert.equal(measurementDue(0, 100, 0, 1e9, 0.01, 0), true);
  assert.equal(measurementDue(100, 100, 1e12, 1e9, 0.01, 1), true);
  assert.equal(measurementDue(50, 100, 1e12, CHEAP_MEASUREMENT, 0.01, 1), true);
  // spent + this one + the last one's ≤ share · work done.
  assert.equal(measurementDue(50, 100, 1e8, 1e8, 0.1, 3e9), true);
  assert.equal(measurementDue(50, 100, 1e8, 1e8, 0.1, 3e9 - 1), false);
  // Over whole runs: the total never passes the share of the training's work, or the two endpoints.
  const rng = new Rng(5);
  for (let k = 0; k < 300; k++) {
    const steps = 1 + Math.floor(rng.uniform() * 2000);
    const every = 1 + Math.floor(rng.uniform() * 50);
    const stepWork = 1e6 * (1 + 100 * rng.uniform());
    const cost = CHEAP_MEASUREMENT * (1.01 + 200 * rng.uniform());
    const share = 0.005 + 0.1 * rng.uniform();
    let spent = 0;
    let count = 0;
    for (let s = 0; s <= steps; s++) {
      if (s % every !== 0 && s !== steps) continue;
      if (measurementDue(s, steps, spent, cost, share, stepWork * s)) {
        spent += cost;
        count++;
      }
    }
    assert.ok(spent <= Math.max(share * stepWork * steps, 2 * cost) + 1e-6 * spent, `steps ${steps}, every ${every}: spent ${spent} of ${share * stepWork * steps}`);
    assert.ok(count >= Math.min(2, 1 + steps), 'first and last');
  }
});

test('a network whose ζ and ζ_top are costly gets them at some records only, the same on every run, and right where measured', async () => {
  const rng = new Rng(31);
  const { set } = randomData(rng, 256, 256, { classes: 4 });
  const sizes = [256, 256, 256, 4];
  // ζ costs about a step here: measured on its share (2%) of the run, ζ_top likewise.
  assert.ok(zetaWork(sizes) > CHEAP_MEASUREMENT && zetaTopWork(sizes) > CHEAP_MEASUREMENT);
  const spec = networkSpec({ model: { hidden: [256, 256] }, init: { seed: 4 }, training: { loss: 'crossEntropy', learningRate: 0.05, batchSize: 32, steps: 150, record: { every: 5 } } });
  const run = async () => {
    // The cadence is counted in TensorFlow.js's work; ONNX Runtime's cheaper steps earn fewer measurements in between.
    const t = new Training(spec, { train: set }, { backend: 'tfjs' });
    const records: TrainingRecord[] = [];
    const weights: Float32Array[][] = [];
    await t.run({
      onRecord: (r) => {
        records.push(r);
        weights.push(t.currentWeights().map((w) => w.data as Float32Array));
      },
    });
    t.dispose();
    return { records, weights };
  };
  const { records, weights } = await run();
  const zeta = records.map((r) => r.alignment[0]!.zeta);
  const top = records.map((r) => r.alignment[0]!.zetaTop);
  const measured = (xs: (number | null)[]) => xs.filter((x) => x !== null).length;
  assert.ok(zeta[0] !== null && zeta.at(-1) !== null && top[0] !== null && top.at(-1) !== null, 'the first and the last records have both');
  assert.ok(measured(zeta) > 2 && measured(zeta) < records.length, `ζ at ${measured(zeta)} of ${records.length} records`);
  assert.ok(measured(top) < measured(zeta), 'ζ_top, costlier and with a smaller share, at fewer records');
  assert.ok(records.every((r) => r.alignment.every((p) => (p!.zeta === null) === (zeta[records.indexOf(r)] === null))), 'every pair at the same records');
  assert.ok(records.every((r) => r.layers.every((l) => l.norm > 0)), 'norms at every record');
  // Where measured, ζ is ‖W₂W₁‖_F/(‖W₂‖_F‖W₁‖_F) of the record's weights, computed here in float64
  // (at the first, an intermediate and the last measured record).
  const checked = zeta.map((z, k) => (z === null ? -1 : k)).filter((k) => k >= 0);
  for (const k of [checked[0], checked[1], checked.at(-1)!]) {
    const r = records[k];
    const [w1, w2] = weights[k];
    let product = 0;
    for (let i = 0; i < 256; i++) {
      for (let j = 0; j < 256; j++) {
        let s = 0;
        for (let p = 0; p < 256; p++) s += w2[i * 256 + p] * w1[p * 256 + j];
        product += s * s;
      }
    }
    const norm = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    const expected = Math.sqrt(product) / (norm(w1) * norm(w2));
    assert.ok(Math.abs(zeta[k]! - expected) <= 1e-5 * expected, `step ${r.step}: ζ ${zeta[k]} vs ${expected}`);
  }
  // The nulls come from work counts, not clocks: a second run has them at the same records.
  const again = await run();
  assert.deepEqual(again.records.map((r) => r.alignment.map((p) => [p!.zeta === null, p!.zetaTop === null])), records.map((r) => r.alignment.map((p) => [p!.zeta === null, p!.zetaTop === null])));
  assert.ok(ZETA_TOP_SHARE < ZETA_SHARE);
});

test('ζ_top on a 2048-wide hidden layer: each run is modelled at the steps the last one took, charged at the steps it took, and its modelled work agrees with its time', async () => {
  // 64-2048-2048-10: the 2048² layer's Lanczos budget is 8 steps, but resolving its random top vector
  // takes 53 from the fixed start (docs/networks.md, "How each is computed"), and a warm run 8–30.
  // Every record measures (record.full), so that a short run has warm runs to compare.
  const rng = new Rng(3);
  const { set } = randomData(rng, 256, 64, { classes: 10 });
  const sizes = [64, 2048, 2048, 10];
  const spec = networkSpec({ model: { hidden: [2048, 2048] }, init: { seed: 2 }, training: { loss: 'crossEntropy', learningRate: 0.05, batchSize: 32, steps: 40, record: { every: 10, full: true } } });
  const t = new Training(spec, { train: set });
  await t.run();
  const timing = t.timings();
  const work = t.measurementWork();
  t.dispose();
  const runs = work.zetaTopRuns;
  const detail = runs.map((r) => `${r.step}: ${r.steps.join('/')} steps, modelled ${r.modelled.toExponential(2)}, taken ${r.taken.toExponential(2)}`).join('; ');
  assert.deepEqual(runs.map((r) => r.step), [0, 10, 20, 30, 40]);
  assert.ok(runs[0].steps[1] > 4 * lanczosSteps(2048, 2048), `the first run on the 2048² layer goes far past its budget: ${detail}`);
  // The model: each layer at its previous run's steps (the budget's before the first, or when fewer);
  // the charge: at the steps the run took.
  runs.forEach((r, k) => {
    assert.equal(r.modelled, zetaTopWork(sizes, k === 0 ? [] : runs[k - 1].steps), detail);
    assert.equal(r.taken, zetaTopWork(sizes, r.steps), detail);
  });
  assert.equal(work.spent.zetaTop, runs.reduce((s, r) => s + r.taken, 0));
  assert.ok(runs[0].taken > 4 * zetaTopWork(sizes), `the first run is charged at its 53 steps, not at the budget's 8: ${detail}`);
  // Time: ζ_top's Lanczos milliseconds per unit of its work within a factor 3 of the steps' (a timing on
  // a shared machine, so a loose factor; the model counting each run at the budget's 8 steps and a
  // multiply-add of its one-column products at 1, as until 2026-12-03, was 5–16 times off).
  const taken = runs.reduce((s, r) => s + r.taken, 0);
  const ratio = timing.zetaTop / taken / (timing.steps / work.training);
  assert.ok(ratio <= 3 && ratio >= 1 / 3, `ζ_top ${timing.zetaTop.toFixed(0)} ms for ${taken.toExponential(2)} units, the steps ${timing.steps.toFixed(0)} ms for ${work.training.toExponential(2)}: ratio ${ratio.toFixed(2)} (${detail})`);
});

test('ζ_top\'s model: a run within its budget\'s cap counts at the cap (784-256³-10 keeps its cadence), one past it at its steps', () => {
  const mnist = [784, 256, 256, 256, 10];
  // The cap of these layers is min(r, c, 64), the most a run on the products takes; on the Grams, half the cap of 128.
  for (const steps of [[], [1, 1, 1, 1], [31, 40, 17, 10], [64, 64, 64, 10]]) {
    assert.equal(zetaTopWork(mnist, steps), zetaTopWork(mnist));
    assert.equal(onnxZetaTopWork(mnist, steps), onnxZetaTopWork(mnist));
  }
  // Past the cap (a Gram's run up to 128 steps; the 2048² layer's budget of 8), at the steps taken: one step more, one product more.
  assert.equal(onnxZetaTopWork(mnist, [100, 0, 0, 0]) - onnxZetaTopWork(mnist), 5 * 36 * 256 * 256);
  const wide = [64, 2048, 2048, 10];
  assert.equal(zetaTopWork(wide, [0, 53, 0]) - zetaTopWork(wide), 45 * (10 * 2 * 2048 * 2048 + 2 * 4e5));
});
