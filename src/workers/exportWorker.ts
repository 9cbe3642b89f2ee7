/**
 * The export worker (dist/exportWorker.js): builds the file Export Data writes of a training panel's
 * run — parses the training worker's UTF-8 JSON of every record, prints the JSON or CSV — so that the
 * extension host's main thread never holds it (a 100,000-record run took it 0.75 s there). One job per
 * worker; the panel starts one for each export and lets it go after.
 */
import { trainingExportText, type TrainingExport } from '../core/runs/trainingExport';
import type { TrainResult } from '../core/runs/train';
import type { CheckpointsResult } from '../core/checkpoints/checkpointReader';
import type { ExportJob, ExportOutcome, HeldRunResult } from '../protocol/workers';
import { serveWorker } from './workerServer';

function resultOf(held: HeldRunResult): TrainResult | CheckpointsResult {
  if ('value' in held) return held.value;
  const parsed = JSON.parse(new TextDecoder().decode(held.json)) as TrainResult | CheckpointsResult;
  return held.header ? { ...parsed, ...held.header } : parsed;
}

serveWorker<ExportJob, ExportOutcome>(
  (job) => {
    const data: TrainingExport = 'runs' in job.data ? { ...job.data, runs: job.data.runs.map((r) => (r ? (resultOf(r) as TrainResult) : null)) } : resultOf(job.data);
    const bytes = new TextEncoder().encode(trainingExportText(job.format, job.title, job.documentUri, job.parameters, data));
    return { kind: 'file', bytes };
  },
  (message) => ({ kind: 'failed', message }),
  (o) => (o.kind === 'file' ? [o.bytes.buffer as ArrayBuffer] : []),
);
