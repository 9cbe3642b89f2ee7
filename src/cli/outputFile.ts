/**
 * Whether a command's output files can be written, checked before the work (docs/limits.md, "Sizes
 * and limits"): `phase --svg OUT` and the checkpoint folder of `train` or of a network `sweep`. A
 * path that cannot be written is refused before minutes of computing, not after them.
 */
import { accessSync, constants, statSync, Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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

/**
 * Why the file `path` cannot be written (as written; relative to the working folder), or null: it
 * is a folder, it is there and read-only, or its folder does not exist, is not a folder or is
 * read-only.
 */
export function outputFileProblem(path: string): string | null {
  const full = resolve(path);
  try {
    const here = statOrNothing(full);
    if (here?.isDirectory()) return `it is a folder: give a file's name, like ${join(path, 'figure.svg')}`;
    if (here) return writable(full) ? null : 'it is there and cannot be written (permission denied)';
    const folder = dirname(full);
    const parent = statOrNothing(folder);
    if (!parent) return `its folder ${dirname(path)} does not exist`;
    if (!parent.isDirectory()) return `${dirname(path)} is not a folder`;
    return writable(folder) ? null : `files cannot be created in ${dirname(path)} (permission denied)`;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Why the folder `path` cannot be created (with its missing parents) or filled, or null: it is a
 * file, or it (or its nearest existing ancestor, when it must be created) is not a writable folder.
 */
export function outputFolderProblem(path: string): string | null {
  try {
    let at = resolve(path);
    let here = statOrNothing(at);
    if (here && !here.isDirectory()) return `${path} is a file, not a folder`;
    while (!here) {
      const up = dirname(at);
      if (up === at) return `no part of ${path} exists`;
      at = up;
      here = statOrNothing(at);
    }
    if (!here.isDirectory()) return `${at} is a file, not a folder`;
    return writable(at) ? null : `${at} cannot be written (permission denied)`;
  } catch (e) {
    return (e as Error).message;
  }
}
