/**
 * The extension host's side of the solver worker (no vscode import; unit-tested against the real
 * dist/solverWorker.js). One bridge serves one panel: each `run` supersedes every earlier one.
 * A superseded run that is still cheap is allowed to finish (a fresh worker costs tens of
 * milliseconds to start); a heavy one is stopped by terminating its worker, and a new worker starts
 * the newest run. Superseded runs resolve to `{ superseded: true }` and are never shown.
 */
import { Worker } from 'node:worker_threads';
import type { RunOptions, RunOutcome } from './experimentRun';

export interface WorkerRequest {
  id: number;
  text: string;
  options: RunOptions;
}

export interface WorkerReply {
  id: number;
  outcome: RunOutcome;
  elapsedMs: number;
}

export type BridgeResult = { superseded: false; outcome: RunOutcome; elapsedMs: number } | { superseded: true };

export interface BridgePolicy {
  /** About what starting a new worker costs; a run expected to take longer than this is worth killing. */
  respawnCostMs: number;
}

/**
 * Whether to terminate a busy worker for a newer request: when its run has already taken the cost
 * of a respawn, or the last run of this panel suggests it will take longer than that.
 */
export function shouldTerminate(elapsedMs: number, lastDurationMs: number | undefined, policy: BridgePolicy): boolean {
  if (elapsedMs >= policy.respawnCostMs) return true;
  return lastDurationMs !== undefined && lastDurationMs - elapsedMs > policy.respawnCostMs;
}

interface Job {
  request: WorkerRequest;
  resolve: (r: BridgeResult) => void;
  startedAt: number;
}

export class SolverBridge {
  private worker: Worker | undefined;
  private current: Job | undefined;
  private waiting: Job | undefined;
  private nextId = 1;
  private lastDurationMs: number | undefined;
  private disposed = false;
  /** Workers started so far (for tests and the bench). */
  spawned = 0;

  constructor(
    private readonly workerPath: string,
    private readonly policy: BridgePolicy = { respawnCostMs: 60 },
  ) {}

  /** Runs `text` in the worker; resolves with its outcome, or `superseded` once a newer run has been asked for. */
  run(text: string, options: RunOptions): Promise<BridgeResult> {
    return new Promise<BridgeResult>((resolve) => {
      if (this.disposed) {
        resolve({ superseded: true });
        return;
      }
      const job: Job = { request: { id: this.nextId++, text, options }, resolve, startedAt: 0 };
      this.waiting?.resolve({ superseded: true });
      this.waiting = job;
      const current = this.current;
      if (!current) {
        this.startWaiting();
      } else if (shouldTerminate(performance.now() - current.startedAt, this.lastDurationMs, this.policy)) {
        this.current = undefined;
        current.resolve({ superseded: true });
        this.killWorker();
        this.startWaiting();
      }
    });
  }

  /**
   * Nothing in flight matters any more (e.g. the document became invalid): waiting runs resolve as
   * superseded, and a heavy run in progress is stopped; a cheap one finishes and is ignored.
   */
  cancel(): void {
    this.waiting?.resolve({ superseded: true });
    this.waiting = undefined;
    const current = this.current;
    if (current && shouldTerminate(performance.now() - current.startedAt, this.lastDurationMs, this.policy)) {
      this.current = undefined;
      current.resolve({ superseded: true });
      this.killWorker();
    }
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.current?.resolve({ superseded: true });
    this.waiting?.resolve({ superseded: true });
    this.current = this.waiting = undefined;
    this.killWorker();
  }

  private startWaiting(): void {
    const job = this.waiting;
    if (!job || this.disposed) return;
    this.waiting = undefined;
    this.current = job;
    job.startedAt = performance.now();
    const worker = this.ensureWorker();
    // Referenced only while it works: an idle worker must not keep the host (or a test) alive.
    worker.ref();
    worker.postMessage(job.request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.spawned++;
    worker.on('message', (reply: WorkerReply) => {
      if (worker !== this.worker) return;
      const job = this.current;
      if (!job || job.request.id !== reply.id) return;
      this.current = undefined;
      this.lastDurationMs = reply.elapsedMs;
      job.resolve({ superseded: false, outcome: reply.outcome, elapsedMs: reply.elapsedMs });
      if (this.waiting) this.startWaiting();
      else worker.unref();
    });
    const fail = (reason: string) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      const job = this.current;
      this.current = undefined;
      if (job) {
        const message = `the solver stopped unexpectedly (${reason}); the panel shows the last good result`;
        job.resolve({
          superseded: false,
          outcome: { kind: 'invalid', diagnostics: [{ message, path: '', offset: 0, length: 0, severity: 'error' }], controls: null, compareSimulate: false },
          elapsedMs: performance.now() - job.startedAt,
        });
      }
      this.startWaiting();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private killWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) worker.terminate().catch(() => undefined);
  }
}
