/**
 * The extension host's channels to its workers, each with its supersede policy (no vscode import;
 * unit-tested against the real bundled workers). See workerChannel.ts for what the policies mean.
 */
import type { DynamicsJob, DynamicsOutcome, ExportJob, ExportOutcome, PhaseJob, PhaseOutcome, PhaseProgress, TrainingJob, TrainingOutcome, TrainingSnapshot } from '../protocol/workers';
import { WorkerChannel } from './workerChannel';

/** The dynamics worker (dist/dynamicsWorker.js): a superseded run that is still cheap finishes, a heavy one is stopped. */
export function dynamicsChannel(workerPath: string): WorkerChannel<DynamicsJob, DynamicsOutcome> {
  return new WorkerChannel<DynamicsJob, DynamicsOutcome>(workerPath, {
    policy: { kind: 'respawn', respawnCostMs: 60 },
    crashed: (reason) => ({
      kind: 'invalid',
      diagnostics: [{ message: `the solver stopped unexpectedly (${reason}); the panel shows the last good result`, path: '', offset: 0, length: 0, severity: 'error' }],
      controls: null,
      compareSimulate: false,
    }),
  });
}

/** The phase worker (dist/phaseWorker.js): a superseded grid is abandoned between chunks; a worker that does not let go within 250 ms is replaced. */
export function phaseChannel(workerPath: string): WorkerChannel<PhaseJob, PhaseOutcome, PhaseProgress> {
  return new WorkerChannel<PhaseJob, PhaseOutcome, PhaseProgress>(workerPath, {
    policy: { kind: 'cancel', ackMs: 250 },
    crashed: (reason) => ({ kind: 'invalid', diagnostics: [{ message: `the phase worker stopped unexpectedly (${reason})`, path: '', offset: 0, length: 0, severity: 'error' }] }),
  });
}

/**
 * The training worker (dist/trainingWorker.js): a training stops at its next cancel point (every
 * ~50 ms of work, or after a record's measurements, which can take a second on large layers); a
 * worker that does not let go within 3 s is replaced (and a stopped run it kept is lost). A worker
 * let go of — replaced, or its panel closed — is asked to exit, never terminated (`exitByMessage`).
 */
export function trainingChannel(workerPath: string): WorkerChannel<TrainingJob, TrainingOutcome, TrainingSnapshot> {
  return new WorkerChannel<TrainingJob, TrainingOutcome, TrainingSnapshot>(workerPath, {
    policy: { kind: 'cancel', ackMs: 3000 },
    // A worker terminated inside one of ONNX Runtime's steps took the extension host down (SIGABRT).
    exitByMessage: true,
    crashed: (reason) => ({ kind: 'invalid', diagnostics: [{ message: `the training worker stopped unexpectedly (${reason})`, path: '', offset: 0, length: 0, severity: 'error' }] }),
  });
}

/** The export worker (dist/exportWorker.js): one job, Export Data's file, on a worker of its own that is let go after. */
export function exportChannel(workerPath: string): WorkerChannel<ExportJob, ExportOutcome> {
  return new WorkerChannel<ExportJob, ExportOutcome>(workerPath, {
    policy: { kind: 'respawn', respawnCostMs: 60 },
    crashed: (reason) => ({ kind: 'failed', message: `the export worker stopped unexpectedly (${reason})` }),
  });
}
