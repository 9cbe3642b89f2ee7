/**
 * Reloads a webview whose page never said `ready` (no vscode import; unit-tested with a fake clock).
 * In code-server, webviews restored together after a window reload (the phase diagram and a cell's
 * dynamics preview) register the shared webview service worker at the same time; one of them may
 * then load its page while no worker controls it, so its script and stylesheet requests go to the
 * network (net::ERR_NAME_NOT_RESOLVED) and the panel stays blank for good: nothing in it runs to
 * tell us. The host therefore waits for `ready` after every (re)load of a visible panel and, past a
 * deadline, sets the HTML again (a fresh nonce, so a new document), which loads once the worker has
 * settled. The deadline doubles with each attempt, so a page that is merely slow is not restarted in
 * a loop.
 */
import { Clock, systemClock } from './liveScheduler';

/** Deadlines of the successive attempts; after the last one the panel is left as it is. */
export const LOAD_DEADLINES_MS = [4000, 8000, 16_000, 32_000];

export class LoadWatchdog {
  private timer: unknown = undefined;
  private attempt = 0;
  private disposed = false;

  constructor(
    /** Sets the HTML again; `attempt` counts from 1, `waitedMs` is the deadline that passed. */
    private readonly reload: (attempt: number, waitedMs: number) => void,
    private readonly deadlines: readonly number[] = LOAD_DEADLINES_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The page is (re)loading in a visible panel: expect `ready` before the current deadline. */
  expect(): void {
    if (this.disposed) return;
    this.cancel();
    if (this.attempt >= this.deadlines.length) return;
    const wait = this.deadlines[this.attempt];
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.attempt++;
      this.reload(this.attempt, wait);
    }, wait);
  }

  /** The page said `ready`: stop waiting, and start from the first deadline next time. */
  loaded(): void {
    this.cancel();
    this.attempt = 0;
  }

  /** The panel was hidden (its page is gone until shown again): stop waiting. */
  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether a deadline is running. */
  get waiting(): boolean {
    return this.timer !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
