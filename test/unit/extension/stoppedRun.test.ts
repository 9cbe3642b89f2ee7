// What Stop leaves on the training panel (src/protocol/training.ts, `stoppedRun`): the run stopped,
// no time left, and the clock where the run was when it stopped — not where its last snapshot was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadingRunView, stoppedRun, type RunView } from '../../../src/protocol/training';

function run(status: RunView['status']): RunView {
  return { ...loadingRunView(), status, progress: { step: 140, totalSteps: 1800, epoch: 1.4, elapsedMs: 2750, remainingMs: 33_000 } };
}

test('Stop adds the time trained since the last snapshot to the elapsed time (it read up to a second less than the running clock had)', () => {
  const stopped = stoppedRun(run('training'), 240);
  assert.equal(stopped.status, 'stopped');
  assert.deepEqual(stopped.progress, { step: 140, totalSteps: 1800, epoch: 1.4, elapsedMs: 2990, remainingMs: null });
  // A loading run stops too; a clock that went back (a negative interval) adds nothing.
  assert.equal(stoppedRun(run('loading'), -5).progress?.elapsedMs, 2750);
  assert.equal(stoppedRun({ ...run('loading'), progress: null }, 100).progress, null);
});

test('Stop leaves a run that had ended, or was already stopped, as it was', () => {
  for (const status of ['finished', 'diverged', 'notTrained', 'stopped', 'following', 'failed'] as const) {
    const r = run(status);
    assert.equal(stoppedRun(r, 500), r, status);
  }
});
