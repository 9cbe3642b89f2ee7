/**
 * Reading an experiment file for a command: bounded reading (a regular file of at most
 * MAX_FILE_BYTES, or standard input up to as much), validation, and every problem as compiler-style
 * lines `FILE:LINE:COL: error: MESSAGE` (exit 1).
 */
import { closeSync, constants, fstatSync, openSync, readSync, Stats, statSync } from 'node:fs';
import type { Node } from 'jsonc-parser';
import { Diagnostic, formatDiagnostic } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { Experiment } from '../core/experiment/experiment';
import { locatePath, parseExperiment } from '../core/experiment/parse';
import { BadFileError, CliOutput, EXIT_BAD_FILE } from './command';
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

/** A file read and parsed: its text (without a byte-order mark) and syntax tree, for locating later errors. */
export interface LoadedFile {
  file: string;
  text: string;
  tree: Node | undefined;
}

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
    const kind = stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a pipe (FIFO)' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : stats.isSocket() ? 'a socket' : 'not a regular file';
    throw new FileReadError(`it is ${kind}, not a regular file (to read a stream, pass - and pipe it to standard input)`);
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

/** Reads and validates `file`; throws a BadFileError with the output that says why (exit 1). */
export function loadExperimentFile(file: string, reader: FileReader): { experiment: Experiment; loaded: LoadedFile } {
  let raw: string;
  try {
    raw = reader.readText(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new BadFileError({ code: EXIT_BAD_FILE, stdout: '', stderr: `${file}: error: cannot read the experiment file: ${reason}\n` });
  }
  // Editors hide a UTF-8 byte-order mark: lines and columns are counted without it.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const { experiment, diagnostics, tree } = parseExperiment(text);
  const loaded = { file, text, tree };
  if (!experiment) throw new BadFileError(reportDiagnostics(loaded, diagnostics));
  return { experiment, loaded };
}

/** An ExperimentError raised while running the file, at its place in the file (exit 1). */
export function reportExperimentError(loaded: LoadedFile, e: ExperimentError): CliOutput {
  return reportDiagnostics(loaded, [{ message: e.message, path: e.path, ...locatePath(loaded.tree, e.path), severity: 'error' }]);
}

function reportDiagnostics({ file, text }: LoadedFile, ds: Diagnostic[]): CliOutput {
  const lines = ds.slice(0, MAX_PRINTED_ERRORS).map((d) => formatDiagnostic(file, text, d));
  if (ds.length > MAX_PRINTED_ERRORS) lines.push(`${file}: note: ${ds.length - MAX_PRINTED_ERRORS} more errors not shown`);
  return { code: EXIT_BAD_FILE, stdout: '', stderr: lines.join('\n') + '\n' };
}
