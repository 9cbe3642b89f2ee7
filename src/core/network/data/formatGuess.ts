/**
 * What a data file's first bytes say it is, for the message of a reader that it does not fit
 * (docs/networks.md, "Data", "Errors"): a CSV reader given a .npy file, a CIFAR-10 reader given an IDX
 * file, a tar archive where a batch was meant. The readers phrase it their way around the same words.
 * The magic numbers (`magicFormat`) also serve the CLI's check of an experiment file's bytes.
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

/** Formats known by their first bytes (`magicFormat`). */
export type MagicFormat = 'png' | 'jpeg' | 'gif' | 'pdf' | 'elf' | 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'zip' | 'npy' | 'tar' | 'safetensors' | 'idx';

/** Magic numbers: the format, its bytes, and where they start (0 unless given). */
const MAGIC: ReadonlyArray<readonly [MagicFormat, readonly number[], number?]> = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['gif', [0x47, 0x49, 0x46, 0x38]],
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['elf', [0x7f, 0x45, 0x4c, 0x46]],
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['npy', [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]],
  ['tar', [0x75, 0x73, 0x74, 0x61, 0x72], 257],
];

const IDX_TYPE_CODES = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];

/**
 * The format `head` (a file's first bytes) is by its magic number, or null: the data readers' guess
 * below and the CLI's check of an experiment file's bytes (src/cli/experimentFile.ts) both read it. A
 * .safetensors file is known by its header's length (64-bit little-endian, within `head`) followed by
 * `{`, an IDX file by 00 00, an element type and a rank of 1 to 8.
 */
export function magicFormat(head: Uint8Array): MagicFormat | null {
  for (const [format, bytes, at = 0] of MAGIC) if (head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b)) return format;
  if (head.length > 8 && head[8] === 0x7b) {
    let length = 0;
    for (let i = 7; i >= 0; i--) length = length * 256 + head[i];
    if (length > 0 && length <= head.length - 8) return 'safetensors';
  }
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && IDX_TYPE_CODES.includes(head[2]) && head[3] >= 1 && head[3] <= 8) return 'idx';
  return null;
}

/** How a data reader names the magic formats it has advice for. */
const DATA_GUESSES: Partial<Record<MagicFormat, FormatGuess>> = {
  npy: { kind: 'npy', what: 'a NumPy .npy file', certain: true, advice: 'use "format": "npy"' },
  idx: { kind: 'idx', what: 'an IDX file', certain: false, advice: 'use "format": "idx"' },
  png: { kind: 'png', what: 'a PNG image', certain: true, advice: '' },
  // The readers decompress one layer of gzip: this is a second.
  gzip: { kind: 'gzip', what: 'compressed twice with gzip', certain: true, advice: 'decompress it once, e.g. with gunzip' },
  zip: { kind: 'zip', what: 'a zip archive', certain: true, advice: 'unpack it and name the files inside' },
  tar: { kind: 'tar', what: 'a tar archive', certain: true, advice: 'unpack it, e.g. with tar xf, and name the files inside' },
};

/** A guess as a reader says it: `it is a NumPy .npy file (use "format": "npy")`, `it looks like text (…)`. */
export function guessSaid(g: FormatGuess): string {
  return `it ${g.certain ? 'is' : 'looks like'} ${g.what}${g.advice ? ` (${g.advice})` : ''}`;
}

/**
 * What a reader adds to its refusal of a file's first bytes: ` (this is a PNG image)`, ` (this looks
 * like text: use "format": "csv" for a CSV file)`, or '' when `head` looks like nothing known.
 */
export function guessHint(head: Uint8Array, except: ReadonlyArray<FormatGuess['kind']>): string {
  const format = head.length > 0 ? guessFormat(head, except) : undefined;
  return format ? ` (this ${format.certain ? 'is' : 'looks like'} ${format.what}${format.advice ? `: ${format.advice}` : ''})` : '';
}

/**
 * The format `head` (a file's first bytes, up to GUESS_BYTES; decompressed when the file is gzip)
 * looks like, other than those in `except` (the reader's own), or undefined.
 */
export function guessFormat(head: Uint8Array, except: ReadonlyArray<FormatGuess['kind']> = []): FormatGuess | undefined {
  const magic = magicFormat(head);
  const known = magic ? DATA_GUESSES[magic] : undefined;
  if (known && !except.includes(known.kind)) return known;
  const printable = (b: number | undefined) => b !== undefined && b >= 0x20 && b < 0x7f;
  const starts = (bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  const guesses: Array<[boolean, FormatGuess]> = [
    [
      starts([0xff, 0xfe]) || starts([0xfe, 0xff]) || (printable(head[0]) && head[1] === 0 && printable(head[2]) && head[3] === 0) || (head[0] === 0 && printable(head[1]) && head[2] === 0 && printable(head[3])),
      { kind: 'utf16', what: 'UTF-16 text', certain: false, advice: 'save it as UTF-8' },
    ],
    [head.length >= 4 && head.subarray(0, 4).every(printable), { kind: 'text', what: 'text', certain: false, advice: 'use "format": "csv" for a CSV file' }],
  ];
  return guesses.find(([fits, g]) => fits && !except.includes(g.kind))?.[1];
}
