/**
 * Finding the checkpoint files of a glob (tinyglobby: fdir's crawler with picomatch, the glob library
 * of Vite and ESLint's ecosystem), with the limits of docs/checkpoints.md: at most MAX_CHECKPOINTS
 * files, at most GLOB_TIMEOUT_MS of crawling.
 */
import { isAbsolute } from 'node:path';
// The CommonJS build on purpose: the ES module build of tinyglobby's crawler (fdir) calls
// createRequire(import.meta.url), and import.meta is empty in the CommonJS bundles esbuild makes here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import tinyglobby = require('tinyglobby');
import { GLOB_TIMEOUT_MS, MAX_CHECKPOINTS } from './limits';
import { naturalCompare } from './naming';

/**
 * Absolute paths of the files `pattern` matches, relative to `baseDir` unless absolute, in natural
 * order. Directories are not matched; symbolic links are followed. Throws a message naming the
 * pattern when it is empty, matches more than MAX_CHECKPOINTS files, or crawls too long.
 */
export async function findCheckpointFiles(pattern: string, baseDir: string, limits = { maxFiles: MAX_CHECKPOINTS, timeoutMs: GLOB_TIMEOUT_MS }): Promise<string[]> {
  if (pattern.trim() === '') throw new Error('the checkpoint path is empty: give a glob such as "runs/exp1/*.safetensors"');
  if (pattern.includes('\\') && !isAbsolute(pattern)) throw new Error(`the checkpoint path "${pattern}" contains "\\": globs use "/" between folders`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const files = await tinyglobby.glob(pattern, { cwd: baseDir, absolute: true, onlyFiles: true, expandDirectories: false, signal });
  if (signal.aborted) throw new Error(`the checkpoint path "${pattern}" was still being searched after ${limits.timeoutMs / 1000} s: make it more specific (no "**" over large folders)`);
  if (files.length > limits.maxFiles) {
    throw new Error(`the checkpoint path "${pattern}" matches ${files.length.toLocaleString('en-US')} files, more than the ${limits.maxFiles.toLocaleString('en-US')} allowed: narrow it (e.g. "ckpt_*000.safetensors" for every 1000th step)`);
  }
  return files.sort(naturalCompare);
}
