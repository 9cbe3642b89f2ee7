/**
 * The training panel on a network saturated from θ₀ (docs/networks.md, "Labels", `constantAtStart`;
 * src/workers/trainingRun.ts): the verdict has no label and names the saturated layer — it was "kernel"
 * — a notice says what in the file trains it, and a sweep's views leave its value out as "saturated".
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import type { RunView } from '../../../src/protocol/training';
import type { TrainingJob, TrainingOutcome } from '../../../src/protocol/workers';
import { runTrainingJob } from '../../../src/workers/trainingRun';

const job = (value: unknown): TrainingJob => ({ text: JSON.stringify(value), fileName: 'x.flab.json', baseDir: tmpdir(), sweepIndex: null, resume: false });

function runOf(o: TrainingOutcome): RunView {
  assert.equal(o.kind, 'run', JSON.stringify(o).slice(0, 400));
  return (o as Extract<TrainingOutcome, { kind: 'run' }>).run;
}

test('tanh units at init.scale 1000: no label, the verdict says saturated from the start, a notice names a smaller init.scale', async () => {
  const file = {
    model: { hidden: [8], activation: 'tanh' },
    data: { train: { x: [[1], [2], [3], [4]], y: [[1], [2], [3], [4]] } },
    init: { scale: 1000, seed: 1 },
    training: { steps: 50, learningRate: 0.01, batchSize: 'full', record: { every: 5 } },
  };
  const run = runOf(await runTrainingJob(job(file), new AbortController().signal, () => undefined));
  assert.equal(run.verdict?.label, null, 'it was kernel');
  assert.match(run.verdict!.regime, /^no label: the network is saturated from the start — at θ₀ hidden layer 1 \(the output of fc1\.weight\) reads the same values on every one of the 4 probe samples \(its tanh units saturated at ±1, where φ′ ≈ 0\), and still does at step 50/);
  assert.ok(run.notices.some((n) => n.startsWith('To train it, give a smaller init.scale, so that its units start off their saturation')), run.notices.join(' | '));
  assert.equal(run.blownUp, 'saturated');
});
