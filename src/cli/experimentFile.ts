/**
 * Reading an experiment file for a command: bounded reading (a regular file of at most
 * MAX_FILE_BYTES, or standard input up to as much), validation, and every problem as compiler-style
 * lines `FILE:LINE:COL: error: MESSAGE` (exit 1).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, Stats, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { bytesOverLimit, countOf, Diagnostic, excerpt, formatCount, formatDiagnostic, visibleControls, visibleName } from '../core/experiment/diagnostic';
import { firstControlByte, firstNonUtf8, hexByte, singleByteCharacter } from '../core/experiment/textBytes';
import { MagicFormat, magicFormat } from '../core/network/data/formatGuess';
import { ExperimentError } from '../core/experiment/errors';
import { Experiment } from '../core/experiment/experiment';
import { kindDiagnostic, locatedProblem, locatePath, parseExperiment } from '../core/experiment/parse';
import { kindOf } from '../core/experiment/pathKind';
import { AnyExperiment, parseAnyExperiment } from '../core/runs/anyExperiment';
import { BadFileError, CliOutput, EXIT_BAD_FILE, LoadedExperiment, LoadedFile, WrongKindError } from './command';
import { formatBytes, MAX_FILE_BYTES } from './limits';

/** Most errors printed for one file; the rest are counted. */
const MAX_PRINTED_ERRORS = 10;

/** Why a file could not be read (printed as `FILE: error: cannot read the experiment file: REASON`). */
export class FileReadError extends Error {}

/**
 * A file whose bytes are not UTF-8 JSON text (`encodingProblem`), printed as one located error
 * `FILE:LINE:COL: error: MESSAGE`: `text` is the file's text before the fault (without a byte-order
 * mark), `offset` the fault's offset in it.
 */
export class FileEncodingError extends FileReadError {
  constructor(message: string, readonly text: string, readonly offset: number) {
    super(message);
  }
}

/** How a command reads files: the real file system, or an in-memory one in tests. */
export interface FileReader {
  /** The text of `file` (`-`: standard input); throws FileReadError (or a Node error) when it cannot. */
  readText(file: string): string;
}

export type { LoadedFile } from './command';

/**
 * Reads `file` from the file system: refuses anything but a regular file, and files over `maxBytes`,
 * before reading (a device such as /dev/zero, or a FIFO, would be read forever or block). `-` reads
 * standard input, refused once it passes `maxBytes`. Bytes that are not UTF-8 JSON text — another
 * encoding, a binary format — are refused with a FileEncodingError (`encodingProblem`), before the
 * parser would report every NUL or replaced byte as a fault of the JSON.
 */
export function readExperimentFile(file: string, maxBytes = MAX_FILE_BYTES): string {
  if (file === '-') return decodeExperiment(readAll(0, maxBytes, 'standard input'));
  const stats = statSync(file);
  refuseUnlessRegular(stats, maxBytes);
  // Non-blocking, so that a file swapped for a FIFO after the check cannot block the open.
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    refuseUnlessRegular(fstatSync(fd), maxBytes);
    return decodeExperiment(readAll(fd, maxBytes, 'the file'));
  } finally {
    closeSync(fd);
  }
}

/** The text of an experiment file's bytes; throws a FileEncodingError when they are not UTF-8 text. */
function decodeExperiment(bytes: Buffer): string {
  const problem = encodingProblem(bytes);
  if (problem) throw new FileEncodingError(problem.message, problem.text, problem.offset);
  return bytes.toString('utf8');
}

/** Bytes the check reads to recognise a binary file or a text in UTF-16 or UTF-32 (a NUL, a control byte). */
const HEAD_BYTES = 4096;

/**
 * What each format known by its magic number (`magicFormat`) is called, with what to do instead: an
 * experiment file is JSON text, and a file of these is one the user meant to give elsewhere or to
 * convert. Checked before the patterns of UTF-16 and UTF-32, which the first bytes of some of them
 * (an IDX header, a .safetensors header's length) would match.
 */
const BINARY: Record<MagicFormat, { what: string; instead?: string }> = {
  png: { what: 'a PNG image' },
  jpeg: { what: 'a JPEG image' },
  gif: { what: 'a GIF image' },
  pdf: { what: 'a PDF document' },
  elf: { what: 'an ELF executable' },
  gzip: { what: 'a gzip-compressed file', instead: 'decompress it first (gunzip)' },
  bzip2: { what: 'a bzip2-compressed file', instead: 'decompress it first (bunzip2)' },
  xz: { what: 'an xz-compressed file', instead: 'decompress it first (unxz)' },
  zstd: { what: 'a zstd-compressed file', instead: 'decompress it first (unzstd)' },
  zip: { what: 'a zip archive (a PyTorch .pt file is one)' },
  npy: { what: 'a NumPy .npy file', instead: 'a network experiment reads one as data, "data": { "format": "npy", … }' },
  tar: { what: 'a tar archive' },
  safetensors: { what: 'a .safetensors file of weights', instead: 'a checkpoint experiment reads a folder of them, "checkpoints": { "path": … }' },
  idx: { what: "an IDX file, as MNIST's", instead: 'a network experiment reads one as data, "data": { "format": "idx", … }' },
};

/**
 * The Unicode encoding of text in UTF-16 or UTF-32, and how it was recognised, or null: a byte-order
 * mark, else the NUL bytes around the first characters, which JSON's are ASCII (RFC 4627 §3:
 * `00 00 00 xx` UTF-32BE, `00 xx 00 xx` UTF-16BE, `xx 00 00 00` UTF-32LE, `xx 00 xx 00` UTF-16LE).
 */
function wideEncoding(b: Uint8Array): string | null {
  const at = (...xs: number[]) => b.length >= xs.length && xs.every((x, i) => x < 0 || b[i] === x);
  const some = (i: number) => b.length > i && b[i] !== 0;
  if (at(0xff, 0xfe, 0, 0)) return 'UTF-32 text (it begins with a UTF-32LE byte-order mark)';
  if (at(0, 0, 0xfe, 0xff)) return 'UTF-32 text (it begins with a UTF-32BE byte-order mark)';
  if (at(0xff, 0xfe)) return 'UTF-16 text (it begins with a UTF-16LE byte-order mark)';
  if (at(0xfe, 0xff)) return 'UTF-16 text (it begins with a UTF-16BE byte-order mark)';
  const unmarked = (order: string, nul: string) => `(${order}, without a byte-order mark: ${nul} each of its first characters)`;
  if (b.length >= 4 && at(0, 0, 0) && some(3)) return `UTF-32 text ${unmarked('big-endian', 'three NUL bytes before')}`;
  if (b.length >= 4 && some(0) && at(-1, 0, 0, 0)) return `UTF-32 text ${unmarked('little-endian', 'three NUL bytes after')}`;
  if (at(0) && some(1) && (b.length < 4 || (b[2] === 0 && some(3)))) return `UTF-16 text ${unmarked('big-endian', 'a NUL byte before')}`;
  if (some(0) && at(-1, 0) && (b.length < 4 || (some(2) && b[3] === 0))) return `UTF-16 text ${unmarked('little-endian', 'a NUL byte after')}`;
  return null;
}

/**
 * Why `bytes` are not an experiment file's UTF-8 JSON text, or null when they are (a UTF-8
 * byte-order mark is accepted), with where: `text` the file's text before the fault (without the
 * mark) and `offset` the fault's offset in it, for a located message. In order:
 * - a binary format recognised by its first bytes (`magicFormat`, named by BINARY): "this is a PNG image, …";
 * - text in UTF-16 or UTF-32 (`wideEncoding`: what Windows PowerShell's `>` writes): save it as UTF-8;
 * - any other binary file: a NUL among the first HEAD_BYTES bytes (no text has one), or there a
 *   control character other than tab, line feed, form feed or carriage return together with a byte
 *   that is not UTF-8 (a UTF-8 text with a stray control character is left to the parser, which
 *   locates it);
 * - a byte that is not UTF-8 (Latin-1 or Windows-1252 text, where é is the byte E9), located at it,
 *   with its character in those encodings as the CSV reader names it (`singleByteCharacter`).
 * Each is one message, where the parser would report every NUL or replaced byte, or nesting of the
 * `[` and `{` a binary file's bytes happen to hold. Exported for the tests.
 */
export function encodingProblem(bytes: Uint8Array): { message: string; text: string; offset: number } | null {
  const whole = (message: string) => ({ message, text: '', offset: 0 });
  const notJson = (what: string, then: string) => whole(`this is ${what}, not a JSON experiment (an experiment file is JSON text in UTF-8)${then ? `: ${then}` : ''}`);
  const magic = magicFormat(bytes);
  if (magic) return notJson(BINARY[magic].what, BINARY[magic].instead ?? '');
  const wide = wideEncoding(bytes);
  if (wide) return whole(`the file is ${wide}: an experiment file is JSON text in UTF-8; save it as UTF-8 (in Windows PowerShell, \`| Out-File -Encoding utf8\` rather than \`>\`)`);
  const head = bytes.subarray(0, HEAD_BYTES);
  const nul = head.indexOf(0);
  const valid = isUtf8(bytes);
  if (valid && nul < 0) return null;
  const bad = valid ? -1 : firstNonUtf8(bytes);
  const control = firstControlByte(head);
  const binaryAt = nul >= 0 ? nul : bad >= 0 && bad < HEAD_BYTES && control >= 0 ? control : -1;
  if (binaryAt >= 0) return notJson('a binary file', `byte ${formatCount(binaryAt)} is ${hexByte(bytes[binaryAt])}, which a text file does not have`);
  if (bad < 0) return null;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bad - bom).toString('utf8');
  const c = singleByteCharacter(bytes[bad]);
  const meaning = c === undefined ? '' : `, "${c.character}" in ${c.encodings}`;
  return { message: `the file is not UTF-8 (Latin-1 or Windows-1252?): byte ${formatCount(bad)} (${hexByte(bytes[bad])}${meaning}) does not begin or continue a UTF-8 character; save the file as UTF-8`, text, offset: text.length };
}

function refuseUnlessRegular(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) {
    throw new FileReadError(`it is ${kindOf(stats)}, not a regular file (to read a stream, pass - and pipe it to standard input)`);
  }
  if (stats.size > maxBytes) {
    const said = bytesOverLimit(stats.size, maxBytes);
    throw new FileReadError(`it has ${said.value}, over the limit of ${said.limit} for an experiment file (docs/limits.md)`);
  }
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

/**
 * Reads and validates `file`, an experiment of the two-layer linear model for `flab command`; throws
 * a BadFileError with the output that says why (exit 1). A network or checkpoint experiment is refused
 * at the key that makes it one, naming the command that takes it.
 */
export function loadExperimentFile(file: string, reader: FileReader, command = 'solve'): { experiment: Experiment; loaded: LoadedFile } {
  const text = readText(file, reader);
  const { experiment, diagnostics, tree, kind } = parseExperiment(text);
  const loaded = { file: visibleName(file), text, tree };
  if (tree && kind && kind !== 'linear') {
    const takes = kind === 'network' ? '`flab train` trains it (and `flab sweep` its sweep)' : '`flab checkpoints` reads it';
    throw new WrongKindError(reportDiagnostics(loaded, [kindDiagnostic(tree, kind, `\`flab ${command}\` takes the two-layer linear model; ${takes}`)]));
  }
  if (!experiment) throw new BadFileError(reportDiagnostics(loaded, diagnostics));
  return { experiment, loaded };
}

/** Reads and validates `file`, an experiment of any kind; throws a BadFileError with the output that says why (exit 1). */
export function loadAnyExperimentFile(file: string, reader: FileReader): { experiment: LoadedExperiment; loaded: LoadedFile } {
  const text = readText(file, reader);
  const { parsed, diagnostics, tree } = parseAnyExperiment(text);
  const loaded = { file: visibleName(file), text, tree };
  if (!parsed) throw new BadFileError(reportDiagnostics(loaded, diagnostics));
  const baseDir = file === '-' ? process.cwd() : dirname(resolve(file));
  return { experiment: { parsed: parsed as AnyExperiment, baseDir, fileName: file === '-' ? '-' : basename(file), source: loaded }, loaded };
}

/**
 * The text of `file` without a byte-order mark (editors hide it: lines and columns are counted without
 * it). A file that is not an experiment's JSON — bytes that are not UTF-8 text (`encodingProblem`), or
 * text that does not begin as a JSON object does (a CSV file given as the experiment) — is one error,
 * with how a network experiment reads it when its name is a data file's (`dataFileUse`).
 */
function readText(file: string, reader: FileReader): string {
  let raw: string;
  const use = dataFileUse(file);
  const asData = use ? `; to train on this ${use.what}, name it in a network experiment file beside it: ${use.data} (docs/networks.md, "Data")` : '';
  try {
    raw = reader.readText(file);
  } catch (e) {
    if (e instanceof FileEncodingError) {
      const message = e.message + (e.message.includes('"data"') ? '' : asData);
      throw new BadFileError(reportDiagnostics({ file: visibleName(file), text: e.text, tree: undefined }, [{ message, path: '', offset: e.offset, length: 1, severity: 'error' }]));
    }
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new BadFileError({ code: EXIT_BAD_FILE, stdout: '', stderr: `${visibleName(file)}: error: cannot read the experiment file: ${reason}\n` });
  }
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  // An object, an array (refused by the parser as not an object) or a comment first: the parser says what is wrong.
  const first = /\S/.exec(text);
  if (first && !'{[/'.includes(first[0])) {
    const begins = excerpt(text.slice(first.index).split(/[\r\n]/, 1)[0]);
    const message = `this is not an experiment file: an experiment file is a JSON object (a *.flab.json file), and this one begins with \`${begins}\`${asData}`;
    throw new BadFileError(reportDiagnostics({ file, text, tree: undefined }, [{ message, path: '', offset: first.index, length: 1, severity: 'error' }]));
  }
  return text;
}

/**
 * What a file named as a network experiment's data files are (`.csv`, `.npy`, `.idx3`, `-ubyte`,
 * `.bin`, each maybe gzip-compressed, `.gz`) is, and the `data` block that reads it from an
 * experiment file beside it; null for any other name.
 */
export function dataFileUse(file: string): { what: string; data: string } | null {
  const name = basename(file);
  const plain = name.replace(/\.gz$/i, '');
  const q = visibleControls(JSON.stringify(name));
  if (/\.csv$/i.test(plain)) return { what: 'CSV file', data: `"data": { "format": "csv", "trainFile": ${q} }` };
  if (/\.npy$/i.test(plain)) return { what: '.npy file', data: `"data": { "format": "npy", "trainX": ${q}, "trainY": … }` };
  if (/\.idx\d*$|-ubyte$/i.test(plain)) return { what: 'IDX file', data: `"data": { "format": "idx", "trainImages": ${q}, "trainLabels": … }` };
  if (/\.bin$/i.test(plain)) return { what: 'CIFAR-10 batch', data: `"data": { "format": "cifar10", "trainBatches": ${q} }` };
  return null;
}

/** An ExperimentError raised while running the file, at its place in the file (exit 1). */
export function reportExperimentError(loaded: LoadedFile, e: ExperimentError): CliOutput {
  // The file's number at the problem's key as written (a data entry `found 3.50e38`, not 3.5e+38).
  const d = loaded.tree ? locatedProblem(loaded.tree, loaded.text, e) : { message: e.message, path: e.path, ...locatePath(loaded.tree, e.path), severity: 'error' as const };
  return reportDiagnostics(loaded, [d]);
}

/**
 * Located problems of the file (exit 1), at most MAX_PRINTED_ERRORS of them, in the order of the file
 * (the checks run key by key, so their order was the checks', not the file's: col 178 before col 151).
 */
export function reportDiagnostics({ file, text }: LoadedFile, found: Diagnostic[]): CliOutput {
  const ds = found.map((d, i) => ({ d, i })).sort((a, b) => a.d.offset - b.d.offset || a.i - b.i).map((x) => x.d);
  const lines = ds.slice(0, MAX_PRINTED_ERRORS).map((d) => formatDiagnostic(file, text, d));
  if (ds.length > MAX_PRINTED_ERRORS) lines.push(`${file}: note: ${countOf(ds.length - MAX_PRINTED_ERRORS, 'more error')} not shown`);
  return { code: EXIT_BAD_FILE, stdout: '', stderr: lines.join('\n') + '\n' };
}

/** The text of the number at `path` as the file writes it (a list's entry), or undefined when the path is not a number of the file (a range's values). */
export function writtenAt(loaded: LoadedExperiment, path: string): string | undefined {
  const tree = loaded.source.tree;
  if (!tree) return undefined;
  const m = /^(sweep\.)(.+)\[(\d+)\]$/.exec(path);
  if (!m) return undefined;
  const sweep = tree.children?.find((p) => p.children?.[0]?.value === 'sweep')?.children?.[1];
  const list = sweep?.children?.find((p) => p.children?.[0]?.value === m[2])?.children?.[1];
  const node = list?.type === 'array' ? list.children?.[Number(m[3])] : undefined;
  return node?.type === 'number' ? excerpt(loaded.source.text.slice(node.offset, node.offset + node.length)) : undefined;
}
