/**
 * Signs of life on standard error for a command that takes a while (README, "The command line"):
 * when standard error is a terminal, a one-line counter (`flab sweep: 3/20 runs · 12 s`), drawn
 * once the command has run for PROGRESS_DELAY_MS and redrawn at most every PROGRESS_REDRAW_MS, erased
 * when the command ends, so that a finished command leaves only its output. When standard error is
 * not a terminal (a pipe, a file, a CI log) nothing is written: the output and the errors stay what
 * the command prints, line for line. Terminal writes are synchronous in Node, so a counter updated
 * from inside a synchronous computation is drawn at once.
 */

/** Time after which a running command shows its counter. */
export const PROGRESS_DELAY_MS = 2000;
/** Shortest time between two redraws of the counter. */
export const PROGRESS_REDRAW_MS = 200;
/** How often the counter redraws its seconds by itself, between two updates. */
export const PROGRESS_TICK_MS = 1000;

/** Where the counter goes: a terminal's standard error (or a test's stand-in). */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** The counter of one command. */
export interface Progress {
  /** `done` of `total` units of `what` (`runs`, `rows`, `steps`) are done. */
  update(done: number, total: number, what: string): void;
  /** Erases the counter (when it was drawn). */
  end(): void;
}

/** A counter that draws nothing. */
export const NO_PROGRESS: Progress = { update() {}, end() {} };

/**
 * The counter of `command` on `sink`: nothing unless `sink` is a terminal. `now` gives the time in
 * milliseconds (tests pass a clock).
 */
export function progressCounter(command: string, sink: ProgressSink | undefined, now: () => number = () => performance.now(), tickMs = PROGRESS_TICK_MS): Progress {
  if (!sink?.isTTY) return NO_PROGRESS;
  const started = now();
  let drawn = false;
  let last = -Infinity;
  let latest: { done: number; total: number; what: string } | null = null;
  const draw = () => {
    const t = now();
    if (!latest || t - started < PROGRESS_DELAY_MS || t - last < PROGRESS_REDRAW_MS) return;
    last = t;
    const line = `flab ${command}: ${latest.done}/${latest.total} ${latest.what} · ${Math.round((t - started) / 1000)} s`;
    const width = Math.max(20, (sink.columns || 80) - 1);
    sink.write(`\r${line.slice(0, width)}\x1b[K`);
    drawn = true;
  };
  // The seconds go on between updates: a step of a minute (a full batch of a wide network) showed
  // nothing for 54 s. The timer runs whenever the computation lets the event loop in (the trainer does
  // between chunks), and never keeps the process alive.
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    update(done, total, what) {
      latest = { done, total, what };
      if (timer === undefined && tickMs > 0) {
        timer = setInterval(draw, tickMs);
        timer.unref?.();
      }
      draw();
    },
    end() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (drawn) sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}
