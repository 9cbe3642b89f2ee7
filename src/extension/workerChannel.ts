/**
 * The extension host's side of a worker thread (docs/architecture.md, "Workers"); no vscode import,
 * unit-tested against the real bundled workers. One channel serves one panel: each `run` supersedes
 * every earlier one, and a superseded run resolves to `{ superseded: true }` and is never shown.
 *
 * How a run in progress is superseded is the channel's policy:
 * - `respawn` (jobs that cannot stop half-way, such as one exact solve): a superseded run that is
 *   still cheap is allowed to finish (a fresh worker costs tens of milliseconds to start), a heavy
 *   one is stopped by terminating its worker, and a new worker starts the newest run;
 * - `cancel` (jobs computed in chunks, such as a phase diagram): the newer run is posted at once and
 *   the worker abandons the old one between two chunks; a worker that does not acknowledge within
 *   `ackMs` (one chunk that is a long step) is replaced.
 * A worker that crashes or exits answers its run with `crashed(reason)`, like any other result.
 */
import { Worker } from 'node:worker_threads';
import type { FromWorker, RunJob, ToWorker } from '../protocol/workers';

export type SupersedePolicy = { kind: 'respawn'; respawnCostMs: number } | { kind: 'cancel'; ackMs: number };

export type ChannelResult<Result> = { superseded: true } | { superseded: false; result: Result; elapsedMs: number };

export interface WorkerChannelOptions<Result> {
  policy: SupersedePolicy;
  /** The result of a run whose worker crashed or exited (`reason` says how). */
  crashed(reason: string): Result;
  /** The worker's V8 heap limit. */
  maxOldGenerationSizeMb?: number;
  /**
   * The worker runs native code that a termination must not interrupt: ONNX Runtime's binding aborts
   * the whole process — the extension host — when a worker thread is terminated inside a run. Such a
   * worker is never terminated: it is asked to exit (`ExitWorker`) and ends itself once its job has
   * let go, at its next cancel point; a newer run meanwhile gets a fresh worker.
   */
  exitByMessage?: boolean;
}

/**
 * Whether to terminate a busy worker for a newer request (the `respawn` policy): when its run has
 * already taken the cost of a respawn, or the last run of this channel suggests it will take longer.
 */
export function shouldTerminate(elapsedMs: number, lastDurationMs: number | undefined, respawnCostMs: number): boolean {
  if (elapsedMs >= respawnCostMs) return true;
  return lastDurationMs !== undefined && lastDurationMs - elapsedMs > respawnCostMs;
}

interface Run<Job, Result, Progress> {
  request: RunJob<Job>;
  resolve: (r: ChannelResult<Result>) => void;
  onProgress?: (p: Progress) => void;
  startedAt: number;
}

export class WorkerChannel<Job, Result, Progress = never> {
  private worker: Worker | undefined;
  /** The run the worker is computing (or, under `cancel`, the newest one posted to it). */
  private current: Run<Job, Result, Progress> | undefined;
  /** Under `respawn`: the newest run, waiting for the current one to finish. */
  private waiting: Run<Job, Result, Progress> | undefined;
  /** Under `cancel`: a superseded run the worker has not let go of yet, and the watchdog on it. */
  private unacknowledged: { id: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private nextId = 1;
  /** Peeks asked of the worker and not answered yet (`peek`), by request id. */
  private readonly peeks = new Map<number, (p: unknown) => void>();
  private lastDurationMs: number | undefined;
  private disposed = false;
  /** Workers started so far (tests and the bench). */
  spawned = 0;

  constructor(
    private readonly workerPath: string,
    private readonly options: WorkerChannelOptions<Result>,
  ) {}

  /** Runs `job` in the worker; resolves with its result, or `superseded` once a newer run (or `cancel`) came. */
  run(job: Job, onProgress?: (p: Progress) => void): Promise<ChannelResult<Result>> {
    return new Promise((resolve) => {
      if (this.disposed) {
        resolve({ superseded: true });
        return;
      }
      const run: Run<Job, Result, Progress> = { request: { type: 'run', id: this.nextId++, job }, resolve, onProgress, startedAt: 0 };
      const policy = this.options.policy;
      if (policy.kind === 'cancel') {
        const old = this.current;
        old?.resolve({ superseded: true });
        this.current = run;
        if (old) this.watchAcknowledgement(old.request.id, policy.ackMs);
        this.post(run);
        return;
      }
      this.waiting?.resolve({ superseded: true });
      this.waiting = run;
      const current = this.current;
      if (!current) this.startWaiting();
      else if (shouldTerminate(performance.now() - current.startedAt, this.lastDurationMs, policy.respawnCostMs)) {
        this.current = undefined;
        current.resolve({ superseded: true });
        this.killWorker();
        this.startWaiting();
      }
    });
  }

  /**
   * Nothing in flight matters any more (e.g. the document became invalid): every run resolves as
   * superseded. Under `respawn` a heavy run is stopped and a cheap one finishes unseen; under
   * `cancel` the worker is told to let go.
   */
  cancel(): void {
    this.waiting?.resolve({ superseded: true });
    this.waiting = undefined;
    const current = this.current;
    if (!current) return;
    const policy = this.options.policy;
    if (policy.kind === 'cancel') {
      current.resolve({ superseded: true });
      this.current = undefined;
      this.worker?.postMessage({ type: 'cancel' } satisfies ToWorker<Job>);
      this.watchAcknowledgement(current.request.id, policy.ackMs);
    } else if (shouldTerminate(performance.now() - current.startedAt, this.lastDurationMs, policy.respawnCostMs)) {
      this.current = undefined;
      current.resolve({ superseded: true });
      this.killWorker();
    }
  }

  /**
   * What the worker has so far of the run in progress, or of one it keeps stopped, without stopping it
   * (the worker's `peek` handler answers, between two of its steps); null when it has none, has no
   * worker, or does not answer within `timeoutMs` (or its worker goes).
   */
  peek<P>(timeoutMs = 15_000): Promise<P | null> {
    const worker = this.worker;
    if (!worker || this.disposed) return Promise.resolve(null);
    const requestId = this.nextId++;
    return new Promise<P | null>((resolve) => {
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (p: unknown) => {
        clearTimeout(timer);
        if (!this.peeks.delete(requestId)) return;
        if (this.peeks.size === 0 && !this.current && !this.unacknowledged) worker.unref();
        resolve((p ?? null) as P | null);
      };
      this.peeks.set(requestId, done);
      worker.ref();
      worker.postMessage({ type: 'peek', requestId } satisfies ToWorker<Job>);
    });
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatching();
    this.current?.resolve({ superseded: true });
    this.waiting?.resolve({ superseded: true });
    this.current = this.waiting = undefined;
    this.killWorker();
  }

  private startWaiting(): void {
    const run = this.waiting;
    if (!run || this.disposed) return;
    this.waiting = undefined;
    this.current = run;
    this.post(run);
  }

  private post(run: Run<Job, Result, Progress>): void {
    run.startedAt = performance.now();
    const worker = this.ensureWorker();
    // Referenced only while it works: an idle worker must not keep the host (or a test) alive.
    worker.ref();
    worker.postMessage(run.request satisfies ToWorker<Job>);
  }

  /** Waits for the worker to let go of run `id`; past `ackMs`, replaces the worker and reposts the newest run. */
  private watchAcknowledgement(id: number, ackMs: number): void {
    if (this.unacknowledged) return;
    this.unacknowledged = {
      id,
      timer: setTimeout(() => {
        this.unacknowledged = undefined;
        this.killWorker();
        if (this.current && !this.disposed) this.post(this.current);
      }, ackMs),
    };
  }

  private stopWatching(): void {
    if (this.unacknowledged) clearTimeout(this.unacknowledged.timer);
    this.unacknowledged = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb ?? 2048 } });
    this.spawned++;
    worker.on('message', (reply: FromWorker<Result, Progress>) => this.received(worker, reply));
    const fail = (reason: string) => {
      if (worker !== this.worker) return;
      this.dropPeeks();
      this.worker = undefined;
      this.stopWatching();
      const run = this.current;
      this.current = undefined;
      if (run) run.resolve({ superseded: false, result: this.options.crashed(reason), elapsedMs: performance.now() - run.startedAt });
      this.startWaiting();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  /** Every peek not answered yet answers null (its worker is gone). */
  private dropPeeks(): void {
    for (const done of [...this.peeks.values()]) done(null);
  }

  private killWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.dropPeeks();
    if (!worker) return;
    if (this.options.exitByMessage) {
      worker.postMessage({ type: 'exit' } satisfies ToWorker<Job>);
      // It ends itself; until then it must not keep the host (or a test) alive.
      worker.unref();
    } else {
      worker.terminate().catch(() => undefined);
    }
  }

  private received(worker: Worker, reply: FromWorker<Result, Progress>): void {
    if (worker !== this.worker) return;
    if (reply.type === 'peeked') {
      this.peeks.get(reply.requestId)?.(reply.peek);
      return;
    }
    // Any answer to an older run (its result, or that it was cancelled) means the worker let go of it.
    if (this.unacknowledged && reply.id <= this.unacknowledged.id && reply.type !== 'progress') this.stopWatching();
    const run = this.current;
    if (!run || run.request.id !== reply.id) {
      if (!run && !this.unacknowledged && this.peeks.size === 0) worker.unref();
      return;
    }
    if (reply.type === 'progress') {
      run.onProgress?.(reply.progress);
      return;
    }
    this.current = undefined;
    if (reply.type === 'cancelled') run.resolve({ superseded: true });
    else {
      this.lastDurationMs = reply.elapsedMs;
      run.resolve({ superseded: false, result: reply.result, elapsedMs: reply.elapsedMs });
    }
    if (this.waiting) this.startWaiting();
    else if (this.peeks.size === 0) worker.unref();
  }
}
