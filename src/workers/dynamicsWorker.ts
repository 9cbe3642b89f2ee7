/**
 * The dynamics panel's worker thread (dist/dynamicsWorker.js): runs experiments off the extension
 * host's main thread, one at a time (docs/architecture.md, "Workers"). Stateless: replacing it loses
 * nothing but the run in progress.
 */
import type { DynamicsJob, DynamicsOutcome } from '../protocol/workers';
import { runExperiment } from './dynamicsRun';
import { serveWorker } from './workerServer';

serveWorker<DynamicsJob, DynamicsOutcome>(
  (job) => runExperiment(job.text, job.options),
  (message) => ({ kind: 'invalid', diagnostics: [{ message: `the solver failed: ${message}`, path: '', offset: 0, length: 0, severity: 'error' }], controls: null, compareSimulate: false }),
);
