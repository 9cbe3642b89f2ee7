/**
 * The phase diagram's worker thread (dist/phaseWorker.js): computes grids off the extension host's
 * main thread in chunks of rows, between which it reads its messages, so a newer request (or a
 * cancel) stops the one in progress within a chunk (~20 ms) without killing the worker
 * (docs/architecture.md, "Workers").
 */
import type { PhaseJob, PhaseOutcome, PhaseProgress } from '../protocol/workers';
import { runPhase } from './phaseRun';
import { serveWorker } from './workerServer';

/** Progress at most this often: each message costs the host a little. */
const PROGRESS_EVERY_MS = 100;

serveWorker<PhaseJob, PhaseOutcome, PhaseProgress>(
  (job, { signal, progress }) => {
    let lastProgress = performance.now();
    return runPhase(job.text, job.x, job.y, job.size, {
      signal,
      fileName: job.fileName,
      method: job.method,
      exportData: job.exportData,
      onProgress: (rowsDone, rows) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS || rowsDone >= rows) return;
        lastProgress = now;
        progress({ rowsDone, rows });
      },
    });
  },
  (message) => ({ kind: 'invalid', diagnostics: [{ message: `the phase diagram failed: ${message}`, path: '', offset: 0, length: 0, severity: 'error' }] }),
);
