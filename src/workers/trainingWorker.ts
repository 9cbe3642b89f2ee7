/**
 * The training panel's worker thread (dist/trainingWorker.js): trains a network experiment, or reads
 * a checkpoint folder, off the extension host's main thread, posting snapshots of the records as they
 * come (docs/networks.md, "The panel"). A newer job or a cancel stops the training at its next cancel
 * point (at least every ~50 ms of work); a stopped training is kept for Resume.
 */
import type { TrainingJob, TrainingOutcome, TrainingPeek, TrainingSnapshot } from '../protocol/workers';
import { peekTraining, runTrainingJob } from './trainingRun';
import { serveWorker } from './workerServer';

serveWorker<TrainingJob, TrainingOutcome, TrainingSnapshot>(
  async (job, { signal, progress }) => {
    const o = await runTrainingJob(job, signal, progress);
    return o.kind === 'run' && o.result ? { ...o, result: null, resultJson: sharedJson(o.result) } : o;
  },
  (message) => ({ kind: 'invalid', diagnostics: [{ message: `the training failed: ${message}`, path: '', offset: 0, length: 0, severity: 'error' }] }),
  undefined,
  // Export Data during a run, or of a run stopped: the records so far, as UTF-8 JSON in shared memory.
  (answer) => peekTraining((p) => answer(p && ({ run: p.run, resultJson: sharedJson(p.result) } satisfies TrainingPeek))),
);

/**
 * The result, every record of the run, as UTF-8 JSON (what Export Data writes of it anyway) in shared
 * memory (TrainingOutcome.resultJson): neither the extension host nor, for Export Data, the export
 * worker gets a copy — a copy of 20 MB took the host's main thread 150 ms (fresh pages).
 */
function sharedJson(result: object): Uint8Array {
  const encoded = new TextEncoder().encode(JSON.stringify(result));
  const shared = new Uint8Array(new SharedArrayBuffer(encoded.byteLength));
  shared.set(encoded);
  return shared;
}
