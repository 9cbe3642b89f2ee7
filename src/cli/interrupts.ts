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

/** The exit code of a command ended by `signal`: 128 + its number. */
export function interruptedCode(signal: InterruptSignal): number {
  return 128 + SIGNALS[signal];
}

/**
 * Listening on this process: `notify` is told what a first signal does (the command's standard error,
 * written at once, not with the output). `exit` ends the process at a second signal (tests pass their own).
 */
export function processInterrupts(notify: (text: string) => void, exit: (code: number) => void = (code) => process.exit(code)): Interrupts {
  const controller = new AbortController();
  let received: InterruptSignal | null = null;
  let training = false;
  const close = listen(() => received, exit, (signal) => {
    received = signal;
    if (!training) controller.abort();
    notify(training ? `flab: ${signal}: stopping the training at its next step; what it recorded will be printed (${again(signal)} quits at once)\n` : `flab: ${signal}: cancelled before the first step\n`);
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
  return signal === 'SIGINT' ? 'Ctrl+C again' : `${signal} again`;
}

/**
 * While a training command's output is written (src/cli/main.ts, after the command returned): a first
 * signal lets the writing finish — the process then exits with the command's own code — and says so;
 * a second, or any after a signal the command already heard (`before`), ends the process at once. Without
 * it a signal in that window killed the process mid-write: a finished run's JSON cut at the pipe's 64 KiB,
 * exit 130, nothing on standard error (a breaker's finding, 2026-12-03). Returns the listening's end.
 */
export function deferWhileWriting(before: InterruptSignal | null, notify: (text: string) => void, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let received = before;
  return listen(() => received, exit, (signal) => {
    received = signal;
    notify(`flab: ${signal}: the output is being written, and is written whole (${again(signal)} quits at once)\n`);
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
