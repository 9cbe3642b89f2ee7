/**
 * Reading an experiment file for a command: bounded reading (a regular file of at most
 * MAX_FILE_BYTES, or standard input up to as much), validation, and every problem as compiler-style
 * lines `FILE:LINE:COL: error: MESSAGE` (exit 1).
 */
import { closeSync, constants, fstatSync, openSync, readSync, Stats, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Diagnostic, formatDiagnostic } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { Experiment } from '../core/experiment/experiment';
import { kindDiagnostic, locatePath, parseExperiment } from '../core/experiment/parse';
import { kindOf } from '../core/experiment/pathKind';
import { AnyExperiment, parseAnyExperiment } from '../core/runs/anyExperiment';
import { BadFileError, CliOutput, EXIT_BAD_FILE, LoadedExperiment, LoadedFile } from './command';
import { formatBytes, MAX_FILE_BYTES } from './limits';

/** Most errors printed for one file; the rest are counted. */
const MAX_PRINTED_ERRORS = 10;

/** Why a file could not be read (printed as `FILE: error: cannot read the experiment file: REASON`). */
export class FileReadError extends Error {}

/** How a command reads files: the real file system, or an in-memory one in tests. */
export interface FileReader {
  /** The text of `file` (`-`: standard input); throws FileReadError (or a Node error) when it cannot. */
  readText(file: string): string;
}

export type { LoadedFile } from './command';

/**
 * Reads `file` from the file system: refuses anything but a regular file, and files over `maxBytes`,
 * before reading (a device such as /dev/zero, or a FIFO, would be read forever or block). `-` reads
 * standard input, refused once it passes `maxBytes`. Bytes that are not UTF-8 become U+FFFD.
 */
export function readExperimentFile(file: string, maxBytes = MAX_FILE_BYTES): string {
  if (file === '-') return readAll(0, maxBytes, 'standard input').toString('utf8');
  const stats = statSync(file);
  refuseUnlessRegular(stats, maxBytes);
  // Non-blocking, so that a file swapped for a FIFO after the check cannot block the open.
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    refuseUnlessRegular(fstatSync(fd), maxBytes);
    return readAll(fd, maxBytes, 'the file').toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function refuseUnlessRegular(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) {
    throw new FileReadError(`it is ${kindOf(stats)}, not a regular file (to read a stream, pass - and pipe it to standard input)`);
  }
  if (stats.size > maxBytes) throw new FileReadError(`it has ${formatBytes(stats.size)}, over the limit of ${formatBytes(maxBytes)} for an experiment file (docs/limits.md)`);
}

/** Reads `fd` to its end, refusing past `maxBytes`; waits out EAGAIN on a non-blocking standard input. */
function readAll(fd: number, maxBytes: number, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) throw new FileReadError(`${what} has more than ${formatBytes(maxBytes)}, the limit for an experiment file (docs/limits.md)`);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads and validates `file`, an experiment of the two-layer linear model for `flab command`; throws
 * a BadFileError with the output that says why (exit 1). A network or checkpoint experiment is refused
 * at the key that makes it one, naming the command that takes it.
 */
export function loadExperimentFile(file: string, reader: FileReader, command = 'solve'): { experiment: Experiment; loaded: LoadedFile } {
  const text = readText(file, reader);
  const { experiment, diagnostics, tree, kind } = parseExperiment(text);
  const loaded = { file, text, tree };
  if (tree && kind && kind !== 'linear') {
    const takes = kind === 'network' ? '`flab train` trains it (and `flab sweep` its sweep)' : '`flab checkpoints` reads it';
    throw new BadFileError(reportDiagnostics(loaded, [kindDiagnostic(tree, kind, `\`flab ${command}\` takes the two-layer linear model; ${takes}`)]));
  }
  if (!experiment) throw new BadFileError(reportDiagnostics(loaded, diagnostics));
  return { experiment, loaded };
}

/** Reads and validates `file`, an experiment of any kind; throws a BadFileError with the output that says why (exit 1). */
export function loadAnyExperimentFile(file: string, reader: FileReader): { experiment: LoadedExperiment; loaded: LoadedFile } {
  const text = readText(file, reader);
  const { parsed, diagnostics, tree } = parseAnyExperiment(text);
  const loaded = { file, text, tree };
  if (!parsed) throw new BadFileError(reportDiagnostics(loaded, diagnostics));
  const baseDir = file === '-' ? process.cwd() : dirname(resolve(file));
  return { experiment: { parsed: parsed as AnyExperiment, baseDir, fileName: file === '-' ? '-' : basename(file), source: loaded }, loaded };
}

/** The text of `file` without a byte-order mark (editors hide it: lines and columns are counted without it). */
function readText(file: string, reader: FileReader): string {
  let raw: string;
  try {
    raw = reader.readText(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new BadFileError({ code: EXIT_BAD_FILE, stdout: '', stderr: `${file}: error: cannot read the experiment file: ${reason}\n` });
  }
  return raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
}

/** An ExperimentError raised while running the file, at its place in the file (exit 1). */
export function reportExperimentError(loaded: LoadedFile, e: ExperimentError): CliOutput {
  return reportDiagnostics(loaded, [{ message: e.message, path: e.path, ...locatePath(loaded.tree, e.path), severity: 'error' }]);
}

/** Located problems of the file (exit 1), at most MAX_PRINTED_ERRORS of them. */
export function reportDiagnostics({ file, text }: LoadedFile, ds: Diagnostic[]): CliOutput {
  const lines = ds.slice(0, MAX_PRINTED_ERRORS).map((d) => formatDiagnostic(file, text, d));
  if (ds.length > MAX_PRINTED_ERRORS) lines.push(`${file}: note: ${ds.length - MAX_PRINTED_ERRORS} more errors not shown`);
  return { code: EXIT_BAD_FILE, stdout: '', stderr: lines.join('\n') + '\n' };
}
