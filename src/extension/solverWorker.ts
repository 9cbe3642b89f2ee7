/**
 * The solver's worker thread (dist/solverWorker.js): runs experiments off the extension host's
 * main thread, one request at a time, and posts each outcome back. Stateless: killing it loses
 * nothing but the run in progress.
 */
import { parentPort } from 'node:worker_threads';
import { runExperiment } from './experimentRun';
import type { WorkerReply, WorkerRequest } from './solverBridge';

const port = parentPort;
if (port) {
  port.on('message', (request: WorkerRequest) => {
    const start = performance.now();
    // runExperiment never throws on a bad experiment; this catches only what is truly unexpected.
    let reply: WorkerReply;
    try {
      reply = { id: request.id, outcome: runExperiment(request.text, request.options), elapsedMs: performance.now() - start };
    } catch (err) {
      const message = `the solver failed: ${err instanceof Error ? err.message : String(err)}`;
      reply = { id: request.id, outcome: { kind: 'invalid', diagnostics: [{ message, path: '', offset: 0, length: 0, severity: 'error' }], controls: null, compareSimulate: false }, elapsedMs: performance.now() - start };
    }
    port.postMessage(reply);
  });
}
