/**
 * Located errors of the data readers (docs/networks.md, "Data"): every problem with a data spec or a
 * data file says which key of the experiment file named it, which file, where in the file, what was
 * expected and what was found.
 */
import { formatBytes as formatSize, formatCount } from '../../experiment/diagnostic';

// The message helpers of every experiment file, used by the data readers too.
export { countOf, formatCount, formatNumber, joinPath } from '../../experiment/diagnostic';

/** What the readers add to a number, as written or stored, that float32 cannot hold (the trainer's precision). */
export const BEYOND_FLOAT32 = ' (beyond the float32 range, ±3.4e38)';

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

/**
 * The message as a report prints it: a problem in the experiment file itself (inline data, a spec key:
 * no data file of its own) is named by its JSON path first, as the file's other problems are
 * (`data.train.x[2]: expected 2 numbers (as x[0] has), found 3`); a data file's starts with its place.
 */
export function reportedMessage(e: DataError): string {
  return e.file === undefined && e.path !== '' && !e.detail.startsWith(e.path) ? `${e.path}: ${e.message}` : e.message;
}

function locationPrefix(l: DataLocation): string {
  if (l.file === undefined) return '';
  if (l.line !== undefined) return `${l.file}:${l.line}${l.column !== undefined ? `:${l.column}` : ''}: `;
  if (l.offset !== undefined) return `${l.file}, byte ${formatCount(l.offset)}${l.decompressed ? ' (decompressed)' : ''}: `;
  return `${l.file}: `;
}


/** A size in bytes for a message, with its exact count: `188 MiB (196,000,000 bytes)`. */
export function formatBytes(n: number): string {
  return formatSize(n, true);
}

