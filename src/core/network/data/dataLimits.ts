/**
 * Sizes beyond which a data set is refused before anything is allocated (docs/networks.md, "Data",
 * "Limits"). Each refusal names the limit and why it exists.
 */
import { DataError, formatBytes, formatCount } from './dataError';

/**
 * Bytes of one data set in memory (train and test together): the float32 inputs plus the targets
 * (4 bytes per label or regression value). 1 GiB: MNIST's 70,000 digits take 220 MB, CIFAR-10's
 * 60,000 images 737 MB; the trainer copies the inputs once more into its tensors.
 */
export const MAX_DATA_BYTES = 2 ** 30;

/**
 * Bytes read from one file, counted after decompression: 4 GiB, about a minute of reading and
 * decompressing. A gzip file of a few megabytes can expand a thousandfold; this bounds the time.
 */
export const MAX_READ_BYTES = 2 ** 32;

/** Characters of one CSV field: a number or a class name is never longer; an unclosed quote would be. */
export const MAX_CSV_FIELD_CHARS = 4096;

/** Fields of one CSV line: wider than any table of samples, small enough that one line stays cheap. */
export const MAX_CSV_FIELDS = 1_000_000;

/** Bytes of a .npy header: NumPy itself refuses headers over 10,000 bytes unless told otherwise. */
export const MAX_NPY_HEADER_BYTES = 65_536;

/** The memory budget of one load: every allocation of inputs and targets is reserved here first. */
export class MemoryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Bytes reserved so far. */
  get reserved(): number {
    return this.used;
  }

  /**
   * Reserves `bytes` for `what` (e.g. `training inputs: 60,000 × 784 float32 values`) or throws a
   * DataError at the spec key `path` saying the sizes, the limit and how to stay below it.
   */
  reserve(bytes: number, what: string, path: string): void {
    this.check(bytes, what, path);
    this.used += bytes;
  }

  /** Throws as `reserve` would, without reserving (before growing a buffer whose final size is not known yet). */
  check(bytes: number, what: string, path: string): void {
    if (!(this.used + bytes <= this.limit)) {
      const before = this.used > 0 ? ` on top of the ${formatBytes(this.used)} already loaded` : '';
      throw new DataError(
        `${what} = ${formatBytes(bytes)}${before} exceed the limit of ${formatBytes(this.limit)} for one data set in memory (the trainer copies it once more): keep fewer samples with "train"/"test"`,
        path,
      );
    }
  }
}

/** `a × b × c` with thousands separators, for messages about sizes. */
export function formatShape(dims: readonly number[]): string {
  return dims.map(formatCount).join(' × ');
}
