/**
 * Ctrl+C (SIGINT), SIGTERM and SIGHUP while `flab train` or `flab sweep` trains a network (README,
 * "The command line"): the first signal stops the training at its next step and the command prints what
 * was recorded — a stopped run's records and label, a sweep's finished values and the stopped one —
 * then exits 128 + the signal's number (130, 143, 129), as a process ended by it would; a second signal
 * ends the process at once with that code. A signal before the first step (the data being read)
 * cancels the command with nothing to print; one while the output is written lets it finish
 * (`deferWhileWriting`). Only these commands listen, and only then: elsewhere Ctrl+C ends `flab` as it
 * ends any program.
 */

import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * The signals a training command listens to, with their numbers (the exit code is 128 + it): SIGHUP too,
 * a closed terminal or ssh session, which ended the run with nothing printed and its folder's lock left.
 */
const SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

export type InterruptSignal = keyof typeof SIGNALS;

/** One command's listening, from `listen()` to `close()`. */
export interface Interrupts {
  /** The first signal received, or null. */
  readonly received: InterruptSignal | null;
  /** Aborted when a signal comes before `training()`: the data's reading and the set-up are cancelled. */
  readonly abort: AbortSignal;
  /** From now on a first signal stops the training at its next step, keeping what it recorded. */
  training(): void;
  /** Stops listening: a later signal ends the process as it would without flab's listener. */
  close(): void;
}

/** Starts listening (the executable's: src/cli/main.ts passes it to the commands). */
export type ListenForInterrupts = () => Interrupts;

/**
 * What a training command hands its training (`withInterrupts`): the options that let a signal cancel
 * the set-up or stop the run, the call that says the first step is next, and the signal received.
 */
export interface TrainingInterrupts {
  /** The training's `signal` (aborted by a signal before `training()`) and `shouldStop` (true once a signal came). */
  readonly options: { signal?: AbortSignal; shouldStop: () => boolean };
  /** From now on a first signal stops the training at its next step (`Interrupts.training`), keeping what it recorded. */
  training(): void;
  /** The first signal received, or null (always null where nobody listens: tests). */
  readonly received: InterruptSignal | null;
  /** `work`'s result, or null when it rejected because a signal cancelled it before the first step (nothing to print); any other rejection as it is. */
  cancellable<T>(work: Promise<T>): Promise<T | null>;
}

/**
 * Runs a training command's `work` while listening (`listen`, the command's context: absent, nobody
 * listens) and stops listening when it has returned or thrown — after the command's output is made, so
 * that a signal meanwhile is heard as during the training (src/cli/main.ts then listens while it is written).
 */
export async function withInterrupts<T>(listen: ListenForInterrupts | undefined, work: (interrupts: TrainingInterrupts) => Promise<T>): Promise<T> {
  const interrupts = listen?.();
  try {
    return await work({
      options: { signal: interrupts?.abort, shouldStop: () => interrupts?.received != null },
      training: () => interrupts?.training(),
      get received() {
        return interrupts?.received ?? null;
      },
      cancellable: <R>(running: Promise<R>) =>
        running.catch((err: unknown) => {
          // Cancelled while the data was read: nothing to print (the notice said so when it came).
          if (interrupts?.received && interrupts.abort.aborted) return null;
          throw err;
        }),
    });
  } finally {
    interrupts?.close();
  }
}

/** The exit code of a command ended by `signal`: 128 + its number. */
export function interruptedCode(signal: InterruptSignal): number {
  return 128 + SIGNALS[signal];
}

/**
 * Where standard output goes, as the notice of a first signal says it: a terminal, a pipe (a FIFO, or
 * the socket a parent process reads: `flab train f.flab.json | jq`), or a file (a redirect, `> run.json`).
 */
export type OutputKind = 'terminal' | 'pipe' | 'file';

/** The OutputKind of file descriptor `fd` (this process's standard output, 1, by default); `file` when it cannot be examined. */
export function stdoutKind(fd = 1): OutputKind {
  if (isatty(fd)) return 'terminal';
  try {
    const s = fstatSync(fd);
    return s.isFIFO() || s.isSocket() ? 'pipe' : 'file';
  } catch {
    return 'file';
  }
}

/**
 * Where the records of a stopped training go, for its notice: standard output, and when that is a pipe,
 * that its reader may be gone — the terminal's Ctrl+C reaches every program of a pipeline, the reader
 * (`| head`, `| jq`) too, which then reads nothing flab writes; a file keeps it (README, "Ctrl+C.").
 */
function whereRecordsGo(output: OutputKind, signal: InterruptSignal): string {
  if (output !== 'pipe') return 'what it recorded will be written to standard output';
  return `what it recorded will be written to standard output, a pipe: a reader the same ${said(signal)} stopped (| head, | jq) reads none of it — to keep the records, write them to a file (> run.json)`;
}

/**
 * Listening on this process: `notify` is told what a first signal does (the command's standard error,
 * written at once, not with the output), saying where the records go (`output`, this process's
 * standard output by default). `exit` ends the process at a second signal (tests pass their own).
 */
export function processInterrupts(notify: (text: string) => void, exit: (code: number) => void = (code) => process.exit(code), output: OutputKind = stdoutKind()): Interrupts {
  const controller = new AbortController();
  let received: InterruptSignal | null = null;
  let training = false;
  const close = listen(() => received, exit, (signal) => {
    received = signal;
    if (!training) controller.abort();
    notify(training ? `flab: ${signal}: stopping the training at its next step; ${whereRecordsGo(output, signal)} (${again(signal)} quits at once)\n` : `flab: ${signal}: cancelled before the first step\n`);
  });
  return {
    get received() {
      return received;
    },
    abort: controller.signal,
    training() {
      training = true;
    },
    close,
  };
}

/** "Ctrl+C again", or "SIGTERM again". */
function again(signal: InterruptSignal): string {
  return `${said(signal)} again`;
}

/** A signal as the notices name it: "Ctrl+C" for SIGINT, else its name ("SIGTERM", "SIGHUP"). */
function said(signal: InterruptSignal): string {
  return signal === 'SIGINT' ? 'Ctrl+C' : signal;
}

/**
 * While a training command's output is written (src/cli/main.ts, after the command returned): a first
 * signal lets the writing finish — the process then exits with the command's own code — and says so;
 * a second, or any after a signal the command already heard (`before`), ends the process at once. Without
 * it a signal in that window killed the process mid-write: a finished run's JSON cut at the pipe's 64 KiB,
 * exit 130, nothing on standard error (a breaker's finding, 2026-12-03). The notice says, when standard
 * output is a pipe (`output`), that a reader the same signal stopped reads none of it. Returns the listening's end.
 */
export function deferWhileWriting(before: InterruptSignal | null, notify: (text: string) => void, exit: (code: number) => void = (code) => process.exit(code), output: OutputKind = stdoutKind()): () => void {
  let received = before;
  return listen(() => received, exit, (signal) => {
    received = signal;
    // Into a pipe, flab writes it whole only while the reader reads: the same Ctrl+C may have stopped it.
    const whole = output === 'pipe' ? `and is written whole to standard output, a pipe, unless its reader stopped too (a reader the same ${said(signal)} stopped, | head or | jq, reads none of it; a file keeps it: > run.json)` : 'and is written whole';
    notify(`flab: ${signal}: the output is being written, ${whole} (${again(signal)} quits at once)\n`);
  });
}

/**
 * Listens for SIGNALS: a signal after one already `received()` ends the process (`exit`, with the
 * first one's code); otherwise `first` is told. Returns the listening's end.
 */
function listen(received: () => InterruptSignal | null, exit: (code: number) => void, first: (signal: InterruptSignal) => void): () => void {
  const on = (signal: InterruptSignal) => {
    const before = received();
    if (before) exit(interruptedCode(before));
    else first(signal);
  };
  const handlers = (Object.keys(SIGNALS) as InterruptSignal[]).map((s) => [s, () => on(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}
