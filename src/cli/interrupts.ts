/**
 * Ctrl+C (SIGINT) and SIGTERM while `flab train` or `flab sweep` trains a network (README, "The
 * command line"): the first signal stops the training at its next step and the command prints what
 * was recorded — a stopped run's records and label, a sweep's finished values and the stopped one —
 * then exits 128 + the signal's number (130, 143), as a process ended by it would; a second signal
 * ends the process at once with that code. A signal before the first step (the data being read)
 * cancels the command with nothing to print. Only these commands listen, and only while they train:
 * elsewhere Ctrl+C ends `flab` as it ends any program.
 */

/** The signals a training command listens to, with their numbers (the exit code is 128 + it). */
const SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 2, SIGTERM: 15 };

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
  const on = (signal: InterruptSignal) => {
    if (received) {
      exit(interruptedCode(received));
      return;
    }
    received = signal;
    if (!training) controller.abort();
    const again = signal === 'SIGINT' ? 'Ctrl+C again' : `${signal} again`;
    notify(training ? `flab: ${signal}: stopping the training at its next step; what it recorded will be printed (${again} quits at once)\n` : `flab: ${signal}: cancelled before the first step\n`);
  };
  const handlers = (Object.keys(SIGNALS) as InterruptSignal[]).map((s) => [s, () => on(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return {
    get received() {
      return received;
    },
    abort: controller.signal,
    training() {
      training = true;
    },
    close() {
      for (const [s, h] of handlers) process.off(s, h);
    },
  };
}
