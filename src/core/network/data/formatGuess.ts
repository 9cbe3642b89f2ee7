/**
 * What a data file's first bytes say it is, for the message of a reader that it does not fit
 * (docs/networks.md, "Data", "Errors"): a CSV reader given a .npy file, a CIFAR-10 reader given an IDX
 * file, a tar archive where a batch was meant. The readers phrase it their way around the same words.
 */

/** A format recognised from the first bytes. */
export interface FormatGuess {
  /** The format for the `except` list of `guessFormat`. */
  kind: 'npy' | 'idx' | 'png' | 'gzip' | 'zip' | 'tar' | 'utf16' | 'text';
  /** What the file is, after "it is" or "it looks like": `a NumPy .npy file`. */
  what: string;
  /** Its magic bytes say so ("it is"), or its bytes only look like it ("it looks like"). */
  certain: boolean;
  /** What to do instead, e.g. `use "format": "npy"`; empty when there is nothing to say. */
  advice: string;
}

/** Bytes `guessFormat` looks at: a tar archive's magic is at bytes 257–261. */
export const GUESS_BYTES = 512;

const IDX_TYPE_CODES = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];

/**
 * The format `head` (a file's first bytes, up to GUESS_BYTES; decompressed when the file is gzip)
 * looks like, other than those in `except` (the reader's own), or undefined.
 */
export function guessFormat(head: Uint8Array, except: ReadonlyArray<FormatGuess['kind']> = []): FormatGuess | undefined {
  const printable = (b: number | undefined) => b !== undefined && b >= 0x20 && b < 0x7f;
  const starts = (bytes: number[], at = 0) => head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
  const guesses: Array<[boolean, FormatGuess]> = [
    [starts([0x93, 0x4e]), { kind: 'npy', what: 'a NumPy .npy file', certain: true, advice: 'use "format": "npy"' }],
    [head[0] === 0 && head[1] === 0 && IDX_TYPE_CODES.includes(head[2]) && head[3] >= 1 && head[3] <= 8, { kind: 'idx', what: 'an IDX file', certain: false, advice: 'use "format": "idx"' }],
    [starts([0x89, 0x50, 0x4e, 0x47]), { kind: 'png', what: 'a PNG image', certain: true, advice: '' }],
    // The readers decompress one layer of gzip: this is a second.
    [starts([0x1f, 0x8b]), { kind: 'gzip', what: 'compressed twice with gzip', certain: true, advice: 'decompress it once, e.g. with gunzip' }],
    [starts([0x50, 0x4b, 0x03, 0x04]), { kind: 'zip', what: 'a zip archive', certain: true, advice: 'unpack it and name the files inside' }],
    [starts([0x75, 0x73, 0x74, 0x61, 0x72], 257), { kind: 'tar', what: 'a tar archive', certain: true, advice: 'unpack it, e.g. with tar xf, and name the files inside' }],
    [
      starts([0xff, 0xfe]) || starts([0xfe, 0xff]) || (printable(head[0]) && head[1] === 0 && printable(head[2]) && head[3] === 0) || (head[0] === 0 && printable(head[1]) && head[2] === 0 && printable(head[3])),
      { kind: 'utf16', what: 'UTF-16 text', certain: false, advice: 'save it as UTF-8' },
    ],
    [head.length >= 4 && head.subarray(0, 4).every(printable), { kind: 'text', what: 'text', certain: false, advice: 'use "format": "csv" for a CSV file' }],
  ];
  return guesses.find(([fits, g]) => fits && !except.includes(g.kind))?.[1];
}
