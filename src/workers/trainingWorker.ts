/**
 * The training panel's worker thread (dist/trainingWorker.js): trains a network experiment, or reads
 * a checkpoint folder, off the extension host's main thread, posting snapshots of the records as they
 * come (docs/networks.md, "The panel"). A newer job or a cancel stops the training at its next cancel
 * point (at least every ~50 ms of work); a stopped training is kept for Resume.
 */
import type { TrainingJob, TrainingOutcome, TrainingSnapshot } from '../protocol/workers';
import { runTrainingJob } from './trainingRun';
import { serveWorker } from './workerServer';

serveWorker<TrainingJob, TrainingOutcome, TrainingSnapshot>(
  async (job, { signal, progress }) => {
    const o = await runTrainingJob(job, signal, progress);
    // The result, every record of the run, goes as UTF-8 JSON in a buffer that is moved, not copied
    // (TrainingOutcome.resultJson): JSON is what Export Data writes of it anyway.
    return o.kind === 'run' && o.result ? { ...o, result: null, resultJson: new TextEncoder().encode(JSON.stringify(o.result)) } : o;
  },
  (message) => ({ kind: 'invalid', diagnostics: [{ message: `the training failed: ${message}`, path: '', offset: 0, length: 0, severity: 'error' }] }),
  (o) => (o.kind === 'run' && o.resultJson ? [o.resultJson.buffer as ArrayBuffer] : []),
);
