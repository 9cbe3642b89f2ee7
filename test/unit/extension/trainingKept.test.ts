// The runs the training worker keeps stopped, as the panel reaches it (real dist/trainingWorker.js
// through trainingChannel, no mock): a job that comes while the one before is still between two steps
// waits for it to let go (until 2026-12-03 it began beside it: a Resume sent at once — a rename of the
// file while it trained — found nothing kept and trained from step 0, and the job superseded then set
// the kept run over the next job's); the panel's remembered stopped run (`TrainingJob.keep`) survives
// a run of another text.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trainingChannel } from '../../../src/extension/channels';
import type { TrainResult } from '../../../src/core/runs/train';
import type { TrainingJob, TrainingPeek } from '../../../src/protocol/workers';
import type { RunView } from '../../../src/protocol/training';

const workerPath = join(process.cwd(), 'dist', 'trainingWorker.js');
const examples = join(process.cwd(), 'examples', 'networks');
const long = readFileSync(join(examples, 'bridge-linear-network.flab.json'), 'utf8').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 400000, "record": { "every": 1 }');
const job = (text: string, resume: boolean, extra: Partial<TrainingJob> = {}): TrainingJob => ({ text, fileName: 'bridge.flab.json', baseDir: examples, sweepIndex: null, resume, ...extra });

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The step of the last training snapshot so far. */
const stepOf = (s: RunView | undefined): number => s?.progress?.step ?? -1;

describe('training worker: runs kept stopped', { skip: !existsSync(workerPath) && 'run `npm run build` first' }, () => {
  it('a Resume sent while the run still trains (no Stop before it: a rename) continues it, not from step 0, and the run superseded keeps nothing over the next job', async () => {
    assert.ok(long.includes('"steps": 400000'));
    const channel = trainingChannel(workerPath);
    try {
      const first: RunView[] = [];
      const running = channel.run(job(long, false), (s) => first.push(s));
      await until(() => first.some((s) => s.status === 'training' && stepOf(s) > 200));
      const reached = stepOf(first[first.length - 1]);
      // At once, while the first job is between two steps: the worker aborts it and takes this one.
      const second: RunView[] = [];
      const resumed = channel.run(job(long, true), (s) => second.push(s));
      assert.equal((await running).superseded, true);
      await until(() => second.some((s) => s.status === 'training' && (s.curves.step.length > 0 || stepOf(s) >= 0)));
      const firstTraining = second.find((s) => s.status === 'training')!;
      assert.ok(stepOf(firstTraining) >= reached, `the Resume began at step ${stepOf(firstTraining)}, the run had reached step ${reached}`);
      assert.ok(!second.some((s) => s.status === 'loading'), 'nothing loaded again');
      assert.equal(firstTraining.curves.step[0], 0, 'its curves from step 0 on');

      // A new text now, short: it finishes. The run it superseded (and nothing else) must not be what
      // the worker keeps afterwards: a peek finds nothing (it found the superseded run, parked after
      // the short run began).
      const short = readFileSync(join(examples, 'bridge-linear-network.flab.json'), 'utf8');
      const done = await channel.run(job(short, false));
      assert.equal((await resumed).superseded, true);
      assert.equal(done.superseded, false);
      assert.equal(await channel.peek(), null, 'no run kept: the one superseded was not the panel\'s to keep');
    } finally {
      channel.dispose();
    }
  });

  it('keeps the stopped run the panel remembers while another text trains, and continues it from its step on Resume; `hold` brings it back for a peek without training', async () => {
    const channel = trainingChannel(workerPath);
    try {
      const first: RunView[] = [];
      const running = channel.run(job(long, false), (s) => first.push(s));
      await until(() => first.some((s) => s.status === 'training' && stepOf(s) > 100));
      channel.cancel(); // Stop
      assert.equal((await running).superseded, true);
      const stopped = await channel.peek<TrainingPeek>();
      assert.ok(stopped && stopped.run.status === 'stopped');
      const stopStep = stopped.run.progress!.step;
      // Another text (a valid edit) trains a while, the stopped run remembered by the panel.
      const other = long.replace('"steps": 400000', '"steps": 399999');
      const edits: RunView[] = [];
      const editing = channel.run(job(other, false, { keep: { text: long } }), (s) => edits.push(s));
      await until(() => edits.some((s) => s.status === 'training' && stepOf(s) > 50));
      // Undo: the panel shows the stopped run again and brings it back in the worker.
      // Export Data at once (the peek right behind the hold): it waits for the hold to have brought it back.
      const holding = channel.run(job(long, true, { hold: true, keep: { text: long } }));
      const again = await channel.peek<TrainingPeek>();
      assert.equal((await editing).superseded, true);
      assert.equal((await holding).superseded, true, 'nothing trained');
      assert.ok(again, 'the stopped run is still kept');
      const r = JSON.parse(new TextDecoder().decode(again.resultJson)) as TrainResult;
      assert.equal(r.summary.totalSteps, 400000, 'the stopped run, not the edit\'s');
      assert.equal(again.run.progress?.step, stopStep);
      // Resume continues it from where it stopped.
      const resumed: RunView[] = [];
      const resuming = channel.run(job(long, true, { keep: { text: long } }), (s) => resumed.push(s));
      await until(() => resumed.some((s) => s.status === 'training'));
      assert.ok(stepOf(resumed.find((s) => s.status === 'training')) >= stopStep, 'from its step');
      channel.cancel();
      await resuming;
    } finally {
      channel.dispose();
    }
  });
});
