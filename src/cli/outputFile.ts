/**
 * Whether a command's output file can be written, checked before the work (docs/limits.md, "Sizes
 * and limits"): `phase --svg OUT` (the checkpoint folder of `train` or of a network `sweep` is
 * `checkpointFolderProblem`'s, src/core/checkpoints/checkpointFolder.ts). A path that cannot be
 * written is refused before minutes of computing, not after them.
 */
import { accessSync, chmodSync, closeSync, constants, lstatSync, openSync, readSync, readlinkSync, renameSync, statSync, Stats, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { excerpt, visibleName } from '../core/experiment/diagnostic';

/** `statSync`, or undefined when nothing is at `path`; other errors are thrown. */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new Error(`a part of ${path} before its last is a file, not a folder`);
    throw e;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a file can be opened for writing where nothing is yet: created and removed at once, so that a place the folder's permissions allow but the file system refuses (/proc, a read-only mount) is found before the work. */
function creatable(path: string): string | null {
  try {
    closeSync(openSync(path, 'wx'));
    unlinkSync(path);
    return null;
  } catch (e) {
    return `a file cannot be created there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/**
 * Why the figure file `path` cannot be written (as written; relative to the working folder), or null.
 * It must not be a folder; one of the `inputs` (the experiment file, which the figure would replace;
 * `-`, standard input, is no file); named `*.flab.json` in any case (an experiment's name); a symbolic
 * link (whose target could be anything: an experiment through `fig.svg -> k.flab.json` was replaced);
 * a named pipe, device or socket (never opened: a pipe's open waits for a writer); or, when there, anything but a figure — an SVG or XML document, or an empty file — so that no other
 * file is replaced whatever its names (a hard link to an experiment included); and it must be writable:
 * its folder exists, is a folder and takes a new file (tried by creating and removing it).
 */
export function outputFileProblem(path: string, inputs: readonly string[] = []): string | null {
  const full = resolve(path);
  try {
    if (/\.flab\.json$/i.test(full)) return `it is an experiment file's name (*.flab.json): give the figure a name of its own, like ${excerpt(full.slice(0, -'.flab.json'.length), 200)}.svg`;
    const link = lstatOrNothing(full);
    if (link?.isSymbolicLink()) return `it is a symbolic link (to ${excerpt(readlinkSync(full), 200)}): the figure is written to a file of that name, not through a link, which may lead to any file`;
    const here = statOrNothing(full);
    if (here?.isDirectory()) return `it is a folder: give a file's name, like ${join(path, 'figure.svg')}`;
    // A named pipe, a device or a socket is no file a figure is kept in, and opening a pipe to read its
    // first bytes waited for a writer for ever (a breaker's `--svg` to a FIFO hung).
    if (here && !here.isFile()) return `it is ${specialFile(here)}, not a file: give the figure a file's name, like figure.svg`;
    if (here) {
      const input = inputs.find((i) => i !== '-' && sameFile(i, here));
      if (input !== undefined) return `it is the experiment file ${excerpt(input, 200)}: the figure would replace it`;
      if (!writable(full)) return 'it is there and cannot be written (permission denied)';
      // The figure is a new file renamed over OUT (writeOutputFile): its folder must take one.
      if (!writable(dirname(full))) return `files cannot be created in ${dirname(path)} (permission denied): the figure is written as a new file there and renamed over ${excerpt(path, 200)}`;
      const start = firstText(full);
      return start === '' || start.startsWith('<') ? null : `it is there and is not a figure (it begins with \`${visibleName(start.slice(0, 12))}\`): only an SVG or an empty file is replaced — remove it, or give another name`;
    }
    const folder = dirname(full);
    const parent = statOrNothing(folder);
    if (!parent) return `its folder ${dirname(path)} does not exist`;
    if (!parent.isDirectory()) return `${dirname(path)} is not a folder`;
    if (!writable(folder)) return `files cannot be created in ${dirname(path)} (permission denied)`;
    return creatable(full);
  } catch (e) {
    return (e as Error).message;
  }
}

/** What a path that is neither a file nor a folder is, for a message: `a named pipe (FIFO)`, `a device`, `a socket`. */
function specialFile(stat: Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'no regular file';
}

/** `lstatSync` (the link itself), or undefined when nothing is at `path`. */
function lstatOrNothing(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The first characters of a file after a byte-order mark and white space ('' for an empty file or one of white space). */
function firstText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(256);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    return bytes.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  } finally {
    closeSync(fd);
  }
}

/** Whether `input` names the file whose status is `output` (the same device and inode: a link or another spelling of the path included). */
function sameFile(input: string, output: Stats): boolean {
  const stat = statOrNothing(resolve(input));
  return stat !== undefined && stat.dev === output.dev && stat.ino === output.ino;
}

/**
 * Writes a command's output file (`phase --svg OUT`) as a new file renamed over `path`, never through
 * the file already there: a hard link's other names (`ln my-figure.svg out.svg`) keep their content,
 * where writing in place replaced it too, and a symbolic link put at `path` after the check is
 * replaced, not followed. The new file is created beside `path` (same folder, so the rename is one
 * step) with a name of its own, exclusively; it takes the old file's permissions when one was there.
 * On any error the new file is removed and the error thrown; `path` is then as it was.
 */
export function writeOutputFile(path: string, text: string): void {
  const full = resolve(path);
  const old = lstatOrNothing(full);
  let temp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    temp = join(dirname(full), `.${basename(full)}.flab-${process.pid}-${attempt}.tmp`);
    try {
      fd = openSync(temp, 'wx', old?.isFile() ? old.mode & 0o777 : 0o666);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw e;
    }
  }
  try {
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    // The umask may have narrowed the mode given at creation: the old file's, exactly.
    if (old?.isFile()) chmodSync(temp, old.mode & 0o777);
    renameSync(temp, full);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
    throw e;
  }
}
