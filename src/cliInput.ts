/**
 * What every `flab` command shares: exit codes, reading and validating the experiment file, and
 * turning its problems into compiler-style lines (`FILE:LINE:COL: error: MESSAGE`).
 */
import type { Node } from 'jsonc-parser';
import { locatePath, parseExperiment } from './core/experiment/parse';
import { Diagnostic, formatDiagnostic } from './core/experiment/diagnostic';
import { ExperimentError } from './core/experiment/errors';
import { Experiment } from './core/experiment/experiment';

export const EXIT_OK = 0;
export const EXIT_BAD_FILE = 1;
export const EXIT_USAGE = 2;
const MAX_PRINTED_ERRORS = 10;

/** What a command prints, its exit code, and any files it writes (the SVG of `phase --svg OUT`). */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
  files?: { path: string; text: string }[];
}

/** A valid experiment, and how to report an error found while running it, at its place in the file. */
export interface LoadedExperiment {
  experiment: Experiment;
  /** Exit 1 with the error located in the file (ExperimentError) or as an internal error. */
  fail(error: unknown): CliOutput;
}

/** Reads and validates FILE; on failure, the output that says why (exit 1). */
export function loadExperiment(file: string, readText: (file: string) => string): LoadedExperiment | CliOutput {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { code: EXIT_BAD_FILE, stdout: '', stderr: `${file}: error: cannot read the experiment file: ${reason}\n` };
  }
  const { experiment, diagnostics, tree } = parseExperiment(text);
  const report = (ds: Diagnostic[]): CliOutput => {
    const lines = ds.slice(0, MAX_PRINTED_ERRORS).map((d) => formatDiagnostic(file, text, d));
    if (ds.length > MAX_PRINTED_ERRORS) lines.push(`${file}: note: ${ds.length - MAX_PRINTED_ERRORS} more errors not shown`);
    return { code: EXIT_BAD_FILE, stdout: '', stderr: lines.join('\n') + '\n' };
  };
  if (!experiment) return report(diagnostics);
  return {
    experiment,
    fail: (error) => (error instanceof ExperimentError ? report([located(error, tree)]) : { code: EXIT_BAD_FILE, stdout: '', stderr: `${file}: error: internal error while running the experiment: ${(error as Error).message}\n` }),
  };
}

function located(e: ExperimentError, tree: Node | undefined): Diagnostic {
  return { message: e.message, path: e.path, ...locatePath(tree, e.path), severity: 'error' };
}
