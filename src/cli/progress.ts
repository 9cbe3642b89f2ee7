/**
 * Signs of life on standard error for a command that takes a while (README, "The command line"):
 * when standard error is a terminal, a one-line counter (`flab sweep: 3/20 runs · 12 s`), drawn
 * once the command has run for PROGRESS_DELAY_MS and redrawn at most every PROGRESS_REDRAW_MS, erased
 * when the command ends, so that a finished command leaves only its output. A command that says how
 * its work advances (`ProgressPace`: `flab train`'s steps, `flab sweep`'s modeled work) gets the time
 * left on it once a few updates have been timed (`flab train: 120/1,500 steps · 12 s · about 2 min 18 s
 * left`), paced as the training panel's progress bar is (`PaceWindow`, `timeLeft`, `timeLeftWords`);
 * and a note said once (`note`: a run's planned work that will take long) stays above the counter. When standard error is
 * not a terminal (a pipe, a file, a CI log) nothing is written: the output and the errors stay what
 * the command prints, line for line. Terminal writes are synchronous in Node, so a counter updated
 * from inside a synchronous computation is drawn at once.
 */

import { formatDuration, PaceWindow, timeLeft, timeLeftWords } from '../core/runs/pace';

/** Time after which a running command shows its counter. */
export const PROGRESS_DELAY_MS = 2000;
/** Shortest time between two redraws of the counter. */
export const PROGRESS_REDRAW_MS = 200;
/** How often the counter redraws its seconds by itself, between two updates. */
export const PROGRESS_TICK_MS = 1000;

/** Updates timed after the first (at the first unit of work done) before the time left is said: a few, as a first chunk runs fresh sessions. */
export const PACE_MIN_UPDATES = 3;

/** Where the counter goes: a terminal's standard error (or a test's stand-in). */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * How far the work has gone, for the time left: `done` of `total` units, any unit whose each costs
 * about the same time (steps; a sweep's modeled work, its values' steps weighed by their cost).
 */
export interface ProgressPace {
  done: number;
  total: number;
}

/** The counter of one command. */
export interface Progress {
  /** `done` of `total` units of `what` (`runs`, `rows`, `steps`) are done; `pace`, how far the work is, when the time left can be told from it. */
  update(done: number, total: number, what: string, pace?: ProgressPace): void;
  /** Says `text` once, on a line of its own above the counter, at once (a terminal only, as the counter). */
  note(text: string): void;
  /** Erases the counter (when it was drawn). */
  end(): void;
}

/** A counter that draws nothing. */
export const NO_PROGRESS: Progress = { update() {}, note() {}, end() {} };

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
  // The time left: paced from the first update with work done (not over the set-up before it), told
  // once PACE_MIN_UPDATES more were timed, counted down between updates as the panel's is.
  const pace = new PaceWindow();
  let paced = 0;
  let left: { ms: number; at: number } | null = null;
  const draw = (force = false) => {
    const t = now();
    if (!latest || t - started < PROGRESS_DELAY_MS || (!force && t - last < PROGRESS_REDRAW_MS)) return;
    last = t;
    const time = left ? ` · ${timeLeftWords(left.ms - (t - left.at))}` : '';
    const line = `flab ${command}: ${latest.done}/${latest.total} ${latest.what} · ${formatDuration(t - started)}${time}`;
    const width = Math.max(20, (sink.columns || 80) - 1);
    sink.write(`\r${line.slice(0, width)}\x1b[K`);
    drawn = true;
  };
  // The seconds go on between updates: a step of a minute (a full batch of a wide network) showed
  // nothing for 54 s. The timer runs whenever the computation lets the event loop in (the trainer does
  // between chunks), and never keeps the process alive.
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    update(done, total, what, work) {
      latest = { done, total, what };
      if (work && work.done > 0) {
        const t = now();
        const mark = { elapsedMs: t - started, step: work.done };
        pace.add(mark);
        const ms = paced++ >= PACE_MIN_UPDATES ? timeLeft(pace.since(), mark, work.total) : null;
        left = ms === null ? null : { ms, at: t };
      }
      if (timer === undefined && tickMs > 0) {
        timer = setInterval(() => draw(), tickMs);
        timer.unref?.();
      }
      draw();
    },
    note(text) {
      sink.write(`${drawn ? '\r\x1b[K' : ''}${text}\n`);
      if (drawn) draw(true);
    },
    end() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (drawn) sink.write('\r\x1b[K');
      drawn = false;
    },
  };
}
