/**
 * A regression target that alone overflows the squared loss in float32 (docs/networks.md, "Runs and
 * output", `notTrained`): the note named init.scale, model.outputScale and the inputs' normalisation
 * first, none of which can help — ½(f − 10³⁰)² is ∞ whatever the network outputs at its scale. It now
 * names the target (sample, value) and says the targets must be scaled; `summary.targetOverflow` has it.
 * As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';

const { flab, write } = cliFolder('flab-target-overflow-');

interface Summary {
  status: string;
  targetOverflow?: { sample: number; output: number; outputs: number; value: number };
}

function train(name: string, value: object): { s: Summary; stderr: string; file: string } {
  const file = write(`${name}.flab.json`, value);
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  return { s: JSON.parse(r.stdout) as Summary, stderr: r.stderr, file };
}

const SCALED = /the targets must be scaled: divide them all by one factor \(their largest magnitude, say\), which no init\.scale, model\.outputScale or normalisation of the inputs can stand for\n$/;

for (const backend of ['onnxruntime', 'tfjs']) {
  test(`a target of 10³⁰: the note names it (sample, value) and says the targets must be scaled, not init.scale or outputScale (${backend})`, () => {
    const file = write(`big-${backend}.flab.json`, { model: { hidden: [4], activation: 'tanh' }, data: { train: { x: [[1, 2], [3, 4], [5, 6]], y: [[1e30], [2], [3]] } }, training: { steps: 2 } });
    const r = flab('train', file, '--summary', '--backend', backend);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.status, 'notTrained');
    assert.deepEqual({ ...s.targetOverflow, value: Math.fround(s.targetOverflow!.value) }, { sample: 0, output: 0, outputs: 1, value: Math.fround(1e30) });
    assert.match(r.stderr, /: note: the loss at the initial weights θ₀ is not finite in float32, the trainer's arithmetic: the target of training sample 0 \(counted from 0\) is 1e30 \(as float32 holds it\), and y² alone passes float32's largest number, 3\.4·10³⁸ \(\|y\| above 1\.8·10¹⁹\)/);
    assert.match(r.stderr, SCALED);
    assert.doesNotMatch(r.stderr, /give|init\.scale below 1|outputScale below 1/);
  });
}

test('several outputs: the largest |y| is named with its output; a target below 1.8·10¹⁹ with outputs that overflow keeps the note of the network\'s keys', () => {
  const multi = train('multi', { model: { hidden: [4], activation: 'tanh' }, data: { train: { x: [[1, 2], [3, 4], [5, 6]], y: [[1, 2], [2, -3e19], [3, 4e19]] } }, training: { steps: 2 } });
  assert.equal(multi.s.targetOverflow?.sample, 2);
  assert.equal(multi.s.targetOverflow?.output, 1);
  assert.match(multi.stderr, /the target of training sample 2 \(counted from 0, output 1 of 2\) is 4e19 \(as float32 holds it\)/);
  assert.match(multi.stderr, SCALED);
  // Outputs that overflow from init.scale 10²⁰, targets of 1–3: the network's keys, as before; no targetOverflow.
  const outputs = train('outputs', { model: { hidden: [4], activation: 'linear' }, init: { scale: 1e20 }, data: { train: { x: [[1, 2], [3, 4], [5, 6]], y: [[1], [2], [3]] } }, training: { steps: 2 } });
  assert.equal(outputs.s.status, 'notTrained');
  assert.equal(outputs.s.targetOverflow, undefined);
  assert.match(outputs.stderr, /— give a smaller init\.scale, model\.outputScale below 1 .*, or smaller targets\n$/);
});

/**
 * Minibatches (docs/networks.md, "Runs and output", `targetOverflow`): the batch that holds the sample
 * makes the loss ∞ at its step, which need not be the first — the run said "diverged" at step 2, and
 * nothing named the target (a divergence the rate or initialisation would be blamed for).
 */
const MINIBATCH = {
  model: { hidden: [4], activation: 'tanh' },
  data: { train: { x: [[1], [2], [3], [4], [5], [6], [7], [8]], y: [[1], [2], [3], [4], [5], [6], [7], [3e20]] } },
  training: { steps: 20, learningRate: 0.01, batchSize: 2, seed: 1 },
};

for (const backend of ['onnxruntime', 'tfjs']) {
  test(`minibatches: a run that diverges at the batch holding the overflowing target names it, as the full batch does (${backend})`, () => {
    const r = flab('train', write(`mini-${backend}.flab.json`, MINIBATCH), '--summary', '--backend', backend);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary & { divergedAt: number };
    assert.equal(s.status, 'diverged');
    assert.ok(s.divergedAt > 0, `the first batch holds it: ${s.divergedAt}`);
    assert.deepEqual({ ...s.targetOverflow, value: Math.fround(s.targetOverflow!.value) }, { sample: 7, output: 0, outputs: 1, value: Math.fround(3e20) }, 'it was absent');
    assert.match(r.stderr, new RegExp(`: note: the loss stopped being finite at step ${s.divergedAt}, and the training stopped there: .*, without a label; the cause is in the batch of step ${s.divergedAt}, in float32, the trainer's arithmetic: the target of training sample 7 \\(counted from 0\\) is 3e20 \\(as float32 holds it\\), and y² alone passes float32's largest number, 3\\.4·10³⁸ \\(\\|y\\| above 1\\.8·10¹⁹\\), so the squared loss ½\\(f − y\\)² is ∞ unless the network's output f comes within 1\\.8·10¹⁹ of it, in any batch that holds that sample — `));
    assert.match(r.stderr, SCALED);
  });
}

test('minibatches: a divergence whose batch holds no overflowing target (a rate of 10³⁰) names none; the full batch keeps its note', () => {
  const big = train('rate', { ...MINIBATCH, data: { train: { x: MINIBATCH.data.train.x, y: MINIBATCH.data.train.y.map((_, i) => [i]) } }, training: { ...MINIBATCH.training, learningRate: 1e30 } });
  assert.equal(big.s.status, 'diverged');
  assert.equal(big.s.targetOverflow, undefined);
  assert.doesNotMatch(big.stderr, /the cause is in the batch/);
  const full = train('full', { ...MINIBATCH, training: { ...MINIBATCH.training, batchSize: 'full' } });
  assert.equal(full.s.status, 'notTrained');
  assert.equal(full.s.targetOverflow?.sample, 7);
  assert.match(full.stderr, SCALED);
});
