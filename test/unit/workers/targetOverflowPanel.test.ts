/**
 * The training panel on a minibatch run that diverges at the batch holding a target that alone
 * overflows the squared loss (docs/networks.md, "Runs and output", `targetOverflow`): its notice names
 * the target and says the targets must be scaled, as for the full batch; it said only where the loss
 * stopped being finite.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import type { RunView } from '../../../src/protocol/training';
import type { TrainingJob, TrainingOutcome } from '../../../src/protocol/workers';
import { runTrainingJob } from '../../../src/workers/trainingRun';

const job = (value: unknown): TrainingJob => ({ text: JSON.stringify(value), fileName: 'x.flab.json', baseDir: tmpdir(), sweepIndex: null, resume: false });

test('minibatches, a target of 3e20 in a later batch: the notice names it and says the targets must be scaled', async () => {
  const file = {
    model: { hidden: [4], activation: 'tanh' },
    data: { train: { x: [[1], [2], [3], [4], [5], [6], [7], [8]], y: [[1], [2], [3], [4], [5], [6], [7], [3e20]] } },
    training: { steps: 20, learningRate: 0.01, batchSize: 2, seed: 1 },
  };
  const o: TrainingOutcome = await runTrainingJob(job(file), new AbortController().signal, () => undefined);
  assert.equal(o.kind, 'run');
  const run = (o as Extract<TrainingOutcome, { kind: 'run' }>).run as RunView;
  assert.equal(run.status, 'diverged');
  const notice = run.notices.find((n) => n.startsWith('The loss stopped being finite at step'));
  assert.ok(notice, run.notices.join(' | '));
  assert.match(notice, /: the run stopped there; the curves end at its last record\. The cause is in the batch of step \d+, in float32, the trainer's arithmetic: the target of training sample 7 \(counted from 0\) is 3e20 .* the targets must be scaled: divide them all by one factor/);
});
