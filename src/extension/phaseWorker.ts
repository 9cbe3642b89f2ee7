/**
 * The phase diagram's worker thread (dist/phaseWorker.js): computes grids off the extension host's
 * main thread in chunks of rows, between which it reads its messages, so a newer request (or a
 * cancel) stops the one in progress within a chunk (~20 ms) without killing the worker.
 */
import { parentPort } from 'node:worker_threads';
import type { PhaseWorkerReply, PhaseWorkerRequest } from './phaseBridge';
import { runPhase } from './phaseRun';

const port = parentPort;
let current: { id: number; controller: AbortController } | undefined;

/** Progress at most this often: each message costs the host a little. */
const PROGRESS_EVERY_MS = 100;

async function start(request: Extract<PhaseWorkerRequest, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  current = { id: request.id, controller };
  const reply = (r: PhaseWorkerReply) => port?.postMessage(r);
  let lastProgress = performance.now();
  const began = performance.now();
  try {
    const outcome = await runPhase(request.text, request.x, request.y, request.size, {
      signal: controller.signal,
      fileName: request.fileName,
      onProgress: (rowsDone, rows) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS || rowsDone >= rows) return;
        lastProgress = now;
        reply({ type: 'progress', id: request.id, rowsDone, rows });
      },
    });
    reply({ type: 'result', id: request.id, outcome, elapsedMs: performance.now() - began });
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') {
      reply({ type: 'cancelled', id: request.id });
    } else {
      const message = `the phase diagram failed: ${err instanceof Error ? err.message : String(err)}`;
      reply({ type: 'result', id: request.id, outcome: { kind: 'invalid', diagnostics: [{ message, path: '', offset: 0, length: 0, severity: 'error' }] }, elapsedMs: performance.now() - began });
    }
  } finally {
    if (current?.id === request.id) current = undefined;
  }
}

if (port) {
  port.on('message', (request: PhaseWorkerRequest) => {
    // Whatever comes next supersedes the run in progress.
    current?.controller.abort();
    if (request.type === 'run') void start(request);
  });
}
