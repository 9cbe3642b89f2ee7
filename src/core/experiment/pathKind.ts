/**
 * What a path that is not a regular file is, in the words every message of the project uses for it: the
 * experiment file of `flab`, a data file, a checkpoint, a metrics file (docs/limits.md).
 */

/** The part of `fs.Stats` (or a `Dirent`) that tells the kinds apart. */
export interface PathKindStats {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** What a path that is not a regular file is: `a directory`, `a named pipe`, `a socket`, `a character device`, `a block device`, else `not a file`. */
export function kindOf(stat: PathKindStats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a file';
}
