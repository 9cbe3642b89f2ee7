/**
 * The worker side of a worker channel (docs/architecture.md, "Workers"): receives jobs, runs them
 * one at a time, answers with the result, progress, or `cancelled`. A newer job or a `cancel`
 * aborts the job in progress through its AbortSignal; a job that checks the signal between chunks
 * of work lets go at once, one that does not (a synchronous computation) is stopped by the host
 * replacing the worker. No vscode import.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from '../protocol/workers';

/** What a job handler gets besides its job. */
export interface JobContext<Progress> {
  /** Fires when the job is superseded or cancelled; the handler then throws an AbortError. */
  signal: AbortSignal;
  /** Reports progress (the handler decides how often). */
  progress(p: Progress): void;
}

/** An error whose name is `AbortError`, for a handler that stops on its signal. */
export function abortError(what = 'the job'): Error {
  const err = new Error(`${what} was cancelled`);
  err.name = 'AbortError';
  return err;
}

/**
 * Serves `handle` on this worker thread's port. An exception other than an abort becomes
 * `failed(message)`, a result like any other (the panel shows it as an error, never a crash).
 * `peek`, when given, answers a `peek` message — what the job in progress has so far — by calling
 * `answer` once (when it chooses: the training worker answers between two steps); a peek supersedes
 * nothing. Without it a peek is answered null at once.
 */
export function serveWorker<Job, Result, Progress = never>(handle: (job: Job, context: JobContext<Progress>) => Result | Promise<Result>, failed: (message: string) => Result, transferOf: (result: Result) => ArrayBuffer[] = () => [], peek?: (answer: (p: unknown) => void) => void): void {
  const port = parentPort;
  if (!port) return;
  let current: AbortController | undefined;
  /** Asked to exit: the thread ends once the job in progress has let go (`ExitWorker`). */
  let exiting = false;
  // A result's buffers (`transferOf`) are moved to the receiving thread, not copied.
  const reply = (m: FromWorker<Result, Progress>) => port.postMessage(m, m.type === 'result' ? transferOf(m.result) : []);
  const start = async (id: number, job: Job): Promise<void> => {
    const controller = new AbortController();
    current = controller;
    const began = performance.now();
    try {
      const result = await handle(job, { signal: controller.signal, progress: (progress) => reply({ type: 'progress', id, progress }) });
      if (controller.signal.aborted) reply({ type: 'cancelled', id });
      else reply({ type: 'result', id, result, elapsedMs: performance.now() - began });
    } catch (err) {
      if (controller.signal.aborted || (err instanceof Error && err.name === 'AbortError')) reply({ type: 'cancelled', id });
      else reply({ type: 'result', id, result: failed(err instanceof Error ? err.message : String(err)), elapsedMs: performance.now() - began });
    } finally {
      if (current === controller) current = undefined;
      if (exiting && !current) process.exit(0);
    }
  };
  port.on('message', (m: ToWorker<Job>) => {
    if (m.type === 'peek') {
      const answer = (p: unknown) => port.postMessage({ type: 'peeked', requestId: m.requestId, peek: p ?? null } satisfies FromWorker<Result, Progress>);
      if (peek) peek(answer);
      else answer(null);
      return;
    }
    // Whatever comes next supersedes the job in progress.
    current?.abort();
    if (m.type === 'run' && !exiting) void start(m.id, m.job);
    if (m.type === 'exit') {
      exiting = true;
      // In a worker thread process.exit ends the thread, here between two tasks of its event loop.
      if (!current) process.exit(0);
    }
  });
}
