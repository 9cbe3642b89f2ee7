/**
 * The shape of a `flab` command (one file each in src/cli/commands/, listed in commands/index.ts)
 * and what a command returns or throws. `run` reads its options from the parsed arguments, loads
 * the experiment through the context, and returns what to print; it signals bad usage by throwing
 * a UsageError, and the core's ExperimentErrors are located in the file by the dispatcher.
 */
import type { Node } from 'jsonc-parser';
import type { Experiment } from '../core/experiment/experiment';
import type { AnyExperiment } from '../core/runs/anyExperiment';
import type { Progress, ProgressSink } from './progress';
import type { ListenForInterrupts } from './interrupts';

export const EXIT_OK = 0;
export const EXIT_BAD_FILE = 1;
export const EXIT_USAGE = 2;

/** What a command prints, its exit code, and any files it writes (the SVG of `phase --svg OUT`). */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
  files?: { path: string; text: string }[];
}

/** One option: a flag (`--linear`) or a flag with a value (`--size N`). */
export interface OptionSpec {
  flag: string;
  /** The value's name in the usage line (`N|NxM`), for an option that takes one. */
  value?: string;
  /** Options of one group exclude one another (the output formats: `--json | --csv`). */
  group?: 'format';
  /** Must be given. */
  required?: boolean;
  /** One line for `flab COMMAND --help`. */
  help: string;
}

/** The arguments of one invocation, parsed against a command's options (src/cli/args.ts). */
export interface ParsedArgs {
  /** The operands, in the order the command names them. */
  operands: string[];
  /** True when the flag was given. */
  has(flag: string): boolean;
  /** The value of a valued option (the last one given), or undefined. */
  value(flag: string): string | undefined;
  /** The member of a group that was given, without its dashes (`csv`), or `fallback`. */
  choice(group: 'format', fallback: string): string;
}

/** A file read and parsed: its text (without a byte-order mark) and syntax tree, for locating later errors. */
export interface LoadedFile {
  /**
   * The file's name as messages print it (`FILE:LINE:COL: error: …`, `FILE: note: …`): as given, its
   * control characters, line feeds and tabs escaped (`visibleName`), as strings from inside the file
   * are — a name with a line feed printed raw started a second, forged located line (2026-12-03).
   * Not a path to open: `LoadedExperiment.fileName` and `baseDir` are the file's own.
   */
  file: string;
  text: string;
  tree: Node | undefined;
}

/** An experiment file of any kind, read and validated, with where its relative paths start. */
export interface LoadedExperiment {
  parsed: AnyExperiment;
  /** The file's folder (the working folder for standard input): data, checkpoint and glob paths are relative to it. */
  baseDir: string;
  /** The file's name, as given (`-` for standard input). */
  fileName: string;
  /** The text and tree, to locate problems found later (warnings beside an output). */
  source: LoadedFile;
}

/** What the dispatcher gives a command. */
export interface CommandContext {
  /**
   * Reads and validates an experiment file of the two-layer linear model (`-`: standard input). A
   * file that cannot be read, is not a valid experiment, or is of another kind (a network or a
   * checkpoint experiment, refused with the command that takes it) ends the command with exit 1 and
   * its located errors; an ExperimentError thrown later by the work is located in this file.
   */
  load(file: string): Experiment;
  /** Reads and validates an experiment file of any kind, likewise. */
  loadAny(file: string): LoadedExperiment;
  /**
   * The command's counter on standard error (src/cli/progress.ts): drawn on a terminal once the
   * command has run for 2 s, erased when it ends; nothing elsewhere.
   */
  progress: Progress;
  /**
   * This invocation run again, whole, by `cli` — another build of the command line: dist/cli.js hands
   * the commands that train or read checkpoints to dist/cliNetwork.js so (src/cli/network/deferred.ts)
   * — on the experiment files as this one read them (standard input can be read only once).
   */
  rerun(cli: WholeCli): Promise<CliOutput>;
  /** Listens for Ctrl+C and SIGTERM while a network trains (src/cli/interrupts.ts); absent where nobody can send them (tests). */
  interrupts?: ListenForInterrupts;
}

/**
 * A whole command line, as src/cli/run.ts `rerunCli`: the arguments, the texts of the files read
 * already (any other file is read from the file system by the command line called), where progress is drawn.
 */
export type WholeCli = (argv: readonly string[], read: ReadonlyMap<string, string>, host?: CliHost) => Promise<CliOutput>;

/**
 * What the command line runs in (src/cli/main.ts: the process; tests pass their own or none): where
 * progress is drawn (`sink`, with `now` its clock in milliseconds), and how a training command listens
 * for Ctrl+C (src/cli/interrupts.ts; absent: it does not listen).
 */
export interface CliHost {
  sink: ProgressSink;
  now?: () => number;
  interrupts?: ListenForInterrupts;
}

export interface Command {
  name: string;
  /** What the command does, in one line of `flab --help`. */
  summary: string;
  /** Lines after the options in `flab COMMAND --help`: what it prints, its limits. */
  help?: string;
  /** The operands' names, in order (`FILE`); each is required. */
  operands: string[];
  options: OptionSpec[];
  run(args: ParsedArgs, context: CommandContext): CliOutput | Promise<CliOutput>;
}

/** Bad usage (exit 2): the message names the flag or the operand at fault. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * dist/cliNetwork.js is not beside dist/cli.js (src/cli/network/deferred.ts): the commands that train
 * or read checkpoints cannot run from this installation. Exit 1 with what is missing and where it was
 * looked for — not an internal error (a bug of flab's), nor bad usage.
 */
export class MissingBundleError extends Error {
  constructor(readonly file: string) {
    super(`this command needs ${file}, the network half of flab, beside the command line's own file: it is not there (copy or install dist/ whole)`);
    this.name = 'MissingBundleError';
  }
}

/** An experiment file that cannot be read or is invalid (exit 1), with what to print. */
export class BadFileError extends Error {
  constructor(readonly output: CliOutput) {
    super(output.stderr);
    this.name = 'BadFileError';
  }
}

/** A file of another kind than the command takes (a network's or checkpoints' for `flab phase`): its output names the key that makes it one. */
export class WrongKindError extends BadFileError {
  constructor(output: CliOutput) {
    super(output);
    this.name = 'WrongKindError';
  }
}

/**
 * `checkFlags()` — a command's flags, checked before its file is read (no file is needed to refuse
 * them) — except that when they are refused and `file` is of another kind than the command takes
 * (a network's or checkpoints' file for `flab phase` or `flab scaling`), the file's kind is the error:
 * a flag refused by the linear model's ranges (`--x model.width=0.1:10`: "must be ≥ 1, got 0") said
 * nothing of why on a network's file.
 */
export function fileKindFirst<T>(file: string, context: CommandContext, checkFlags: () => T): T {
  try {
    return checkFlags();
  } catch (err) {
    if (err instanceof UsageError) {
      try {
        context.load(file);
      } catch (kind) {
        if (kind instanceof WrongKindError) throw kind;
      }
    }
    throw err;
  }
}

/** Output of a successful command. */
export function printed(stdout: string, files?: CliOutput['files']): CliOutput {
  return { code: EXIT_OK, stdout, stderr: '', ...(files ? { files } : {}) };
}
