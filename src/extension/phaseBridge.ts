/**
 * The extension host's side of the phase worker (no vscode import; unit-tested against the real
 * dist/phaseWorker.js). Each `run` supersedes the previous one: the worker abandons it between two
 * chunks of rows and the superseded promise resolves to `{ superseded: true }` at once. The worker
 * stays alive across runs (no respawn cost). A run that does not let go within `ackMs` (a grid whose
 * set-up is one long step, e.g. a width axis that redraws the network per column) is stopped by
 * terminating the worker, and a fresh one takes the newest run; a crash does the same.
 */
import { Worker } from 'node:worker_threads';
import type { PhaseAxisSpec } from '../protocol';
import type { PhaseOutcome } from './phaseRun';

export type PhaseWorkerRequest =
  | { type: 'run'; id: number; text: string; x: PhaseAxisSpec; y: PhaseAxisSpec; size: number; fileName: string }
  | { type: 'cancel' };

export type PhaseWorkerReply =
  | { type: 'progress'; id: number; rowsDone: number; rows: number }
  | { type: 'result'; id: number; outcome: PhaseOutcome; elapsedMs: number }
  | { type: 'cancelled'; id: number };

export type PhaseBridgeResult = { superseded: true } | { superseded: false; outcome: PhaseOutcome; elapsedMs: number };

export interface PhaseJob {
  text: string;
  x: PhaseAxisSpec;
  y: PhaseAxisSpec;
  size: number;
  fileName: string;
}

interface Pending {
  id: number;
  request: Extract<PhaseWorkerRequest, { type: 'run' }>;
  resolve: (r: PhaseBridgeResult) => void;
  onProgress?: (rowsDone: number, rows: number) => void;
}

export class PhaseBridge {
  private worker: Worker | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (tests). */
  spawned = 0;
  /** A superseded run the worker has not yet let go of, and the watchdog that ends the wait. */
  private unacknowledged: { id: number; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly ackMs = 250,
  ) {}

  /** Computes `job` in the worker; resolves with its outcome, or `superseded` once a newer run (or `cancel`) came. */
  run(job: PhaseJob, onProgress?: (rowsDone: number, rows: number) => void): Promise<PhaseBridgeResult> {
    return new Promise<PhaseBridgeResult>((resolve) => {
      if (this.disposed) {
        resolve({ superseded: true });
        return;
      }
      const old = this.pending;
      old?.resolve({ superseded: true });
      const id = this.nextId++;
      const request = { type: 'run' as const, id, ...job };
      this.pending = { id, request, resolve, onProgress };
      if (old) this.watch(old.id);
      const worker = this.ensureWorker();
      worker.ref();
      worker.postMessage(request satisfies PhaseWorkerRequest);
    });
  }

  /** Waits for the worker to let go of run `id`; past `ackMs`, replaces the worker. */
  private watch(id: number): void {
    if (this.unacknowledged) return;
    this.unacknowledged = {
      id,
      timer: setTimeout(() => {
        this.unacknowledged = undefined;
        const w = this.worker;
        this.worker = undefined;
        if (w) w.terminate().catch(() => undefined);
        const p = this.pending;
        if (p && !this.disposed) {
          const fresh = this.ensureWorker();
          fresh.ref();
          fresh.postMessage(p.request);
        }
      }, this.ackMs),
    };
  }

  private acknowledged(): void {
    if (this.unacknowledged) clearTimeout(this.unacknowledged.timer);
    this.unacknowledged = undefined;
  }

  /** Stops the run in progress (e.g. the document became invalid); its promise resolves as superseded. */
  cancel(): void {
    if (!this.pending) return;
    const old = this.pending;
    old.resolve({ superseded: true });
    this.pending = undefined;
    this.worker?.postMessage({ type: 'cancel' } satisfies PhaseWorkerRequest);
    this.watch(old.id);
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.acknowledged();
    this.pending?.resolve({ superseded: true });
    this.pending = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (w) w.terminate().catch(() => undefined);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.spawned++;
    worker.on('message', (reply: PhaseWorkerReply) => {
      if (worker !== this.worker) return;
      // Any reply to an older run (its result, or that it was cancelled) means the worker let go of it.
      if (this.unacknowledged && reply.id <= this.unacknowledged.id && reply.type !== 'progress') this.acknowledged();
      const p = this.pending;
      if (!p || p.id !== reply.id) {
        if (!p && !this.unacknowledged) worker.unref();
        return;
      }
      if (reply.type === 'progress') {
        p.onProgress?.(reply.rowsDone, reply.rows);
        return;
      }
      this.pending = undefined;
      // Idle: an unreferenced worker does not keep the host (or a test) alive.
      worker.unref();
      p.resolve(reply.type === 'cancelled' ? { superseded: true } : { superseded: false, outcome: reply.outcome, elapsedMs: reply.elapsedMs });
    });
    const fail = (reason: string) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      this.acknowledged();
      const p = this.pending;
      this.pending = undefined;
      const message = `the phase worker stopped unexpectedly (${reason})`;
      p?.resolve({ superseded: false, outcome: { kind: 'invalid', diagnostics: [{ message, path: '', offset: 0, length: 0, severity: 'error' }] }, elapsedMs: 0 });
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
