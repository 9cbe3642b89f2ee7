/**
 * When to recompute a live panel (no vscode import, so it is unit-tested with a fake clock).
 * Like the Markdown preview's refresh: the first change after a quiet spell runs at once; changes
 * that follow within `delayMs` of the last run are coalesced into one run at the end of that
 * window. The task reads the newest document itself, so coalescing loses nothing, and a long run of
 * changes (a slider drag) still redraws every `delayMs` instead of waiting for the drag to stop.
 */

/** The timer functions the scheduler uses; tests pass a fake one. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LiveScheduler {
  private lastRun = -Infinity;
  private timer: unknown = undefined;
  private disposed = false;

  constructor(
    private readonly task: () => void,
    private delayMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Something changed: run now if the last run is at least `delayMs` ago, else once at the end of the window. */
  trigger(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = this.lastRun + this.delayMs - this.clock.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  /** Whether a coalesced run is waiting for its window to end. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** The coalescing window now in force, in milliseconds. */
  get delay(): number {
    return this.delayMs;
  }

  setDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    if (this.disposed) return;
    this.lastRun = this.clock.now();
    this.task();
  }
}
