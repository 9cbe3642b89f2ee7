/**
 * Located errors of the data readers (docs/networks.md, "Data"): every problem with a data spec or a
 * data file says which key of the experiment file named it, which file, where in the file, what was
 * expected and what was found.
 */

/**
 * Where in a data file a problem is. `offset` counts bytes from 0 (for a gzip file, bytes of the
 * decompressed data); `line` and `column` count from 1, columns in UTF-16 code units (as editors do).
 */
export interface DataLocation {
  /** The file as the spec wrote it (relative to the experiment file), for the message. */
  file?: string;
  /** The file's absolute path, for a link. */
  filePath?: string;
  offset?: number;
  /** The offset counts decompressed bytes (the file is gzip-compressed). */
  decompressed?: boolean;
  line?: number;
  column?: number;
}

/**
 * A data spec or data file that cannot be loaded. `path` is the JSON path of the spec key the problem
 * belongs to (`data.trainImages`, `data.trainBatches[2]`, `data.train.x[3][1]`), so that the caller can
 * underline it in the experiment file; the message starts with the file and position when there is one:
 * `train.csv:5:12: …`, `train-images.idx3-ubyte.gz, byte 16 (decompressed): …`.
 */
export class DataError extends Error {
  readonly file?: string;
  readonly filePath?: string;
  readonly offset?: number;
  readonly line?: number;
  readonly column?: number;

  constructor(
    /** The message without its location prefix. */
    readonly detail: string,
    readonly path: string,
    location: DataLocation = {},
  ) {
    super(locationPrefix(location) + detail);
    this.name = 'DataError';
    this.file = location.file;
    this.filePath = location.filePath;
    this.offset = location.offset;
    this.line = location.line;
    this.column = location.column;
  }
}

function locationPrefix(l: DataLocation): string {
  if (l.file === undefined) return '';
  if (l.line !== undefined) return `${l.file}:${l.line}${l.column !== undefined ? `:${l.column}` : ''}: `;
  if (l.offset !== undefined) return `${l.file}, byte ${formatCount(l.offset)}${l.decompressed ? ' (decompressed)' : ''}: `;
  return `${l.file}: `;
}

/** An integer with thousands separators: 47,040,000 (without Intl, whose first use costs ~60 ms). */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) text += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${text}` : text;
}

/** `1 record`, `2 records`, `10,000 records` (`plural` for nouns that do not take an s). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

/** A size in bytes for a message: `188 MiB (196,000,000 bytes)`, or `512 bytes` below 1 KiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return countOf(n, 'byte');
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = v >= 100 ? v.toFixed(0) : String(Number(v.toFixed(1)));
  return `${text} ${units[u]} (${formatCount(n)} bytes)`;
}

/** Appends a key to a JSON path: `data.trainBatches`, `data.trainBatches[2]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
