/**
 * Reading safetensors files (docs/checkpoints.md, "The format read"): an 8-byte little-endian header
 * length N, N bytes of JSON (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, …,
 * "__metadata__": {string: string}}`), then the tensors' bytes, little-endian, at offsets relative to
 * byte 8 + N. The header is checked in full before any tensor is read; a tensor is read alone, by its
 * offsets, through a file handle — never the whole file.
 */
import { constants, promises as fs } from 'node:fs';
import { endianness } from 'node:os';
import { countOf, excerpt, formatCount } from '../experiment/diagnostic';
import { firstStrictJsonFault } from '../experiment/syntaxError';
import { kindOf } from '../experiment/pathKind';
import { decodeBF16, decodeF16, DTYPE_BYTES, isReadDtype, READ_DTYPES } from './dtypes';
import { MAX_HEADER_BYTES, MAX_LAYER_BYTES, READ_CHUNK_BYTES } from './limits';

/** A file that cannot be read as a checkpoint; `truncated` when it is shorter than its header says (perhaps still being written). */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly truncated = false,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

/** One tensor as the header describes it; `begin` and `end` are byte offsets into the data (after the header). */
export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed, checked header. */
export interface SafetensorsHeader {
  /** Tensors in header order. */
  tensors: TensorInfo[];
  /** `__metadata__`, or an empty object. */
  metadata: Record<string, string>;
  /** File offset of the data: 8 + N. */
  dataStart: number;
  /** Bytes of data the tensors index (the largest `end`). */
  dataLength: number;
}

const SUB_BYTE_DTYPES = new Set(['F4', 'F6_E2M3', 'F6_E3M2']);

/**
 * Parses and checks the N header bytes of `file` (which starts its data at 8 + N): UTF-8 JSON object,
 * beginning with `{`, each entry a known-shape tensor whose byte range matches dtype × shape, ranges
 * that start at 0 and follow each other with no overlap and no gap (as the specification requires),
 * `__metadata__` a map of strings. Throws `CheckpointError` saying what is wrong and where.
 */
export function parseHeader(bytes: Uint8Array, file: string): SafetensorsHeader {
  const fail = (problem: string): never => {
    throw new CheckpointError(file, problem);
  };
  let text: string;
  try {
    // ignoreBOM: a byte-order mark is kept, and refused below as any other first character but "{" is
    // (the decoder would drop it silently, and every byte offset after it would be 3 short).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail(`the header (bytes 8–${8 + bytes.length - 1}) is not UTF-8 text: not a safetensors file`);
  }
  if (text.startsWith('\uFEFF')) return fail('the header begins with a UTF-8 byte-order mark (bytes 8–10 are EF BB BF), not with "{" as the format requires: not a safetensors file as written — write the header without the mark');
  if (!text.startsWith('{')) return fail(`the header does not begin with "{" (byte 8 is 0x${bytes[0].toString(16).padStart(2, '0')}): not a safetensors file`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(jsonSyntaxProblem(text, err));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('the header is not a JSON object');
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const [first, second] = duplicate.at.map((i) => 8 + Buffer.byteLength(text.slice(0, i)));
    const { key, within } = duplicate;
    const owner = (name: string) => (name === '__metadata__' ? name : `tensor ${q(name)}`);
    const what = within === null ? owner(key) : `key ${q(key)} of ${owner(within)}`;
    return fail(`the header has ${what} twice (at bytes ${formatCount(first)} and ${formatCount(second)}): the format allows each name once, and a JSON reader keeps only the last, silently — write the file again with one entry each`);
  }
  const written = countsAsWritten(text);
  const found = foundIn(text);
  const tensors: TensorInfo[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(value, fail, found);
      continue;
    }
    const where = `tensor ${q(name)}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where}: expected an object with dtype, shape and data_offsets, found ${found([name], value)}`);
    const entry = value as Record<string, unknown>;
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') return fail(`${where}: dtype should be a string such as "F32", found ${found([name, 'dtype'], dtype)}`);
    const asWritten = written.get(name);
    const shapeFault = countFault(asWritten?.shape);
    if (!Array.isArray(shape) || !shape.every(isCount) || shapeFault) {
      return fail(`${where}: shape should be a list of non-negative integers, found ${found([name, 'shape'], shape)}${shapeFault ? `: ${shapeFault}` : ''}`);
    }
    const offsetsFault = countFault(asWritten?.data_offsets);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1] || offsetsFault) {
      return fail(`${where}: data_offsets should be [begin, end] with 0 ≤ begin ≤ end, found ${found([name, 'data_offsets'], offsets)}${offsetsFault ? `: ${offsetsFault}` : ''}`);
    }
    const [begin, end] = offsets as number[];
    const size = DTYPE_BYTES[dtype];
    if (size === undefined && !SUB_BYTE_DTYPES.has(dtype)) return fail(`${where}: unknown dtype ${found([name, 'dtype'], dtype)}`);
    if (size !== undefined) {
      const needed = (shape as number[]).reduce((p, d) => p * d, 1) * size;
      if (needed !== end - begin) {
        return fail(`${where}: ${dtype} ${formatTensorShape(shape as number[])} needs ${needed.toLocaleString('en-US')} bytes but data_offsets [${begin}, ${end}] hold ${(end - begin).toLocaleString('en-US')}`);
      }
    }
    tensors.push({ name, dtype, shape: shape as number[], begin, end });
  }
  // The byte ranges must tile [0, dataLength): sorted by start, each begins where the last ended.
  const byStart = tensors.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let reached = 0;
  let last: TensorInfo | null = null;
  for (const t of byStart) {
    if (t.begin < reached) return fail(`tensors ${q(last?.name)} (data bytes ${last ? `${formatCount(last.begin)}–${formatCount(last.end)}` : '?'}) and ${q(t.name)} (${formatCount(t.begin)}–${formatCount(t.end)}) overlap`);
    if (t.begin > reached) return fail(`data bytes ${formatCount(reached)}–${formatCount(t.begin)} belong to no tensor (the specification allows no holes)${last ? ` between ${q(last.name)} and ${q(t.name)}` : ` before ${q(t.name)}`}`);
    if (t.end > t.begin) last = t;
    reached = t.end;
  }
  return { tensors, metadata, dataStart: 8 + bytes.length, dataLength: reached };
}

/** The index of the quote that closes the JSON string opening at `open`, in text that JSON.parse has read (so the string is closed). */
function closingQuote(text: string, open: number): number {
  let end = open + 1;
  for (;;) {
    end = text.indexOf('"', end);
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    end++;
  }
}

/**
 * The first key that appears twice in one object of `text` (valid JSON, so only strings and
 * structure need telling apart) and that `counts` accepts (by default every key): the key, the name of
 * the object it is in (null for the top level, the tensors' names), and the UTF-16 indices of both
 * occurrences. Keys are compared as JSON.parse reads them (`"st\u0065p"` is `step`), which keeps the
 * last of two silently. One pass, with an explicit stack (no recursion: a header may nest 10,000
 * deep), a set of keys per open object: linear in the header, which MAX_HEADER_BYTES bounds.
 */
export function findDuplicateKey(text: string, counts: (key: string, within: string | null) => boolean = () => true): { key: string; within: string | null; at: [number, number] } | null {
  interface Open {
    keys: Map<string, number> | null; // null for an array
    name: string | null;
  }
  const stack: Open[] = [];
  let lastKey: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i);
      const top = stack[stack.length - 1];
      // A key: a string in an object followed by ':'.
      let j = end + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
      if (top?.keys && text[j] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const seen = top.keys.get(key);
        if (seen !== undefined && counts(key, top.name)) return { key, within: top.name, at: [seen, i] };
        if (seen === undefined) top.keys.set(key, i);
        lastKey = key;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      // A top-level value is named by its key (the last key read); anything deeper by that value's name.
      const name = stack.length === 0 ? null : stack.length === 1 ? lastKey : stack[stack.length - 1].name;
      stack.push({ keys: c === 0x7b ? new Map() : null, name });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    i++;
  }
  return null;
}

/**
 * The syntax error JSON.parse met in the header `text`, at its byte in the file (8 + the UTF-8 bytes
 * before it): located by jsonc-parser, which gives every error's offset where Node's message often
 * names none ("Unexpected token 'o', … is not valid JSON"), and worded as the experiment file's are.
 */
function jsonSyntaxProblem(text: string, err: unknown): string {
  const byte = (offset: number) => 8 + Buffer.byteLength(text.slice(0, offset));
  // Undefined also for a header nested thousands deep (jsonc-parser recurses): JSON.parse's words, then.
  const first = firstStrictJsonFault(text);
  if (first) return `the header is not valid JSON at byte ${byte(first.offset)}: ${first.message.replace(/^invalid JSON: /, '')}`;
  // What jsonc-parser accepts and JSON.parse does not (none known): JSON.parse's own words and position.
  const message = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(message);
  return `the header is not valid JSON${at ? ` at byte ${byte(Number(at[1]))}` : ''} (${excerpt(message)})`;
}

/** The numbers of a tensor's `shape` and `data_offsets` as the header writes them. */
interface CountsAsWritten {
  shape?: string[];
  data_offsets?: string[];
}

/**
 * Per tensor, the numbers of its `shape` and `data_offsets` as written in `text` (valid JSON): JSON.parse
 * reads `3.0` as 3 and 2⁶⁴ + 140 as 18446744073709552000, so whether a count is written as an integer
 * can only be read from the text.
 */
function countsAsWritten(text: string): Map<string, CountsAsWritten> {
  const out = new Map<string, CountsAsWritten>();
  scanValues(text, (path, start, end) => {
    const [name, key, i] = path;
    if (path.length !== 3 || name === '__metadata__' || (key !== 'shape' && key !== 'data_offsets') || typeof i !== 'number') return;
    const c = text.charCodeAt(start);
    if (c !== 0x2d /* - */ && (c < 0x30 || c > 0x39)) return; // not a number
    let entry = out.get(name as string);
    if (!entry) out.set(name as string, (entry = {}));
    (entry[key] ??= [])[i] = text.slice(start, end);
  });
  return out;
}

/**
 * Calls `onValue` with the path (keys and indices, at most three deep) and the UTF-16 range of every
 * value of the valid JSON `text` within three levels of the top object. One pass with an explicit
 * stack, as `findDuplicateKey` (a header may nest 10,000 deep, which a recursive parser such as
 * jsonc-parser's overflows on).
 */
function scanValues(text: string, onValue: (path: readonly (string | number)[], start: number, end: number) => void): void {
  interface Open {
    path: (string | number)[];
    start: number;
    array: boolean;
    index: number;
    key: string | null;
  }
  const stack: Open[] = [];
  /** The path of a value that begins now in the innermost container, or null when deeper than 3. */
  const pathHere = (): (string | number)[] | null => {
    const top = stack[stack.length - 1];
    if (!top || top.path.length >= 3 || stack.length > 3) return null;
    return [...top.path, top.array ? top.index : (top.key ?? '')];
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i);
      let j = end + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r')) j++;
      if (top && !top.array && text[j] === ':') {
        if (stack.length <= 3) top.key = JSON.parse(text.slice(i, end + 1)) as string;
      } else {
        const path = pathHere();
        if (path) onValue(path, i, end + 1);
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ path: stack.length === 0 ? [] : (pathHere() ?? []), start: i, array: c === 0x5b, index: 0, key: null });
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const open = stack.pop()!;
      if (stack.length > 0 && stack.length <= 3 && open.path.length > 0) onValue(open.path, open.start, i + 1);
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (top?.array) top.index++;
      i++;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e /* - digit t f n */) {
      let end = i + 1;
      while (end < text.length && /[0-9a-zA-Z.+-]/.test(text[end])) end++;
      const path = pathHere();
      if (path) onValue(path, i, end);
      i = end;
      continue;
    }
    i++;
  }
}

/** The UTF-16 range of the value at `path` (at most three deep) in the valid JSON `text`, or null. */
function rangeOf(text: string, path: readonly (string | number)[]): [number, number] | null {
  const want = JSON.stringify(path);
  let found: [number, number] | null = null;
  scanValues(text, (p, start, end) => {
    if (found === null && p.length === path.length && JSON.stringify(p) === want) found = [start, end];
  });
  return found;
}

/**
 * Why counts written as `raw` are not the format's integers, or null when they are: a decimal point or
 * an exponent (`3.0`, `1e2`: the reference implementation refuses them, as serde reads an integer), a
 * minus sign on zero (`-0`: it reads unsigned integers, and JSON.parse would read 0; other negative
 * counts are refused by value), or a value beyond 2⁵³ − 1, which a float64 cannot hold exactly.
 */
function countFault(raw: readonly string[] | undefined): string | null {
  for (const x of raw ?? []) {
    if (x === undefined) continue;
    if (!/^-?\d+$/.test(x)) return `${excerpt(x)} is not written as an integer (the format's shapes and offsets are integers; the reference implementation refuses ${excerpt(x)})`;
    if (/^-0$/.test(x)) return `${excerpt(x)} has a minus sign (the format's shapes and offsets are unsigned integers, which the reference implementation reads without one: it refuses ${excerpt(x)}, which JSON.parse reads as 0)`;
    if (!x.startsWith('-') && !Number.isSafeInteger(Number(x))) return `${excerpt(x)} is beyond ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2⁵³ − 1), the largest integer a float64 holds exactly`;
  }
  return null;
}

/** The longest value a message echoes as written; a longer one is described by its size (`describe`). */
const ECHO_MAX = 80;

/**
 * How a message shows the header's value at `path` (read by JSON.parse as `value`): as the header
 * writes it — `[3.0, 5]`, `1e400`, `[80, 18446744073709551756]`, which JSON.parse reads as 3, Infinity
 * and 18446744073709552000 — when it is short and on one line, else as `describe` says it. The header
 * is scanned again only when a message needs it.
 */
function foundIn(text: string): (path: readonly (string | number)[], value: unknown) => string {
  return (path, value) => {
    const range = rangeOf(text, path);
    const raw = range ? text.slice(range[0], range[1]) : '';
    return raw !== '' && raw.length <= ECHO_MAX && !/[\r\n]/.test(raw) ? excerpt(raw) : describe(value);
  };
}

function checkMetadata(value: unknown, fail: (problem: string) => never, found: (path: readonly (string | number)[], value: unknown) => string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`__metadata__ should be an object of strings, found ${found(['__metadata__'], value)}`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`__metadata__ ${q(key)} should be a string (the format stores text only), found ${found(['__metadata__', key], v)}`);
  }
  return value as Record<string, string>;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * A header value in a message, bounded whatever the file holds: a string quoted up to 48 characters
 * (`excerpt`), a container by its size (a header nested 10,000 deep overflowed JSON.stringify's stack).
 */
function describe(x: unknown): string {
  if (typeof x === 'string') return `"${excerpt(x)}"`;
  if (typeof x !== 'object' || x === null) return String(x);
  const items = Array.isArray(x) ? x : Object.values(x);
  // A short, flat value as written ([-1], {"a": 1}); else its size.
  if (items.length <= 16 && items.every((v) => typeof v !== 'object' || v === null)) return excerpt(JSON.stringify(x));
  const n = items.length.toLocaleString('en-US');
  return Array.isArray(x) ? `an array of ${n} item${items.length === 1 ? '' : 's'}` : `an object of ${n} key${items.length === 1 ? '' : 's'}`;
}

/** A name from the file (a tensor's, a metadata key), quoted and bounded. */
const q = (name: string | undefined): string => `"${excerpt(name ?? '')}"`;

/** A shape as `[256, 784]`. */
export function formatTensorShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

const littleEndianHost = endianness() === 'LE';

/**
 * An open safetensors file with its checked header: tensors are read one at a time by their offsets.
 * `open` fails with `CheckpointError` (truncated or invalid); always `close` it.
 */
export class SafetensorsFile {
  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
    readonly size: number,
    readonly mtimeMs: number,
    readonly header: SafetensorsHeader,
  ) {}

  /**
   * Opens `path` (reported as `file`) without blocking on non-regular files (a FIFO would wait for a
   * writer), checks it is a regular file, reads and checks its header and that its size is exactly
   * 8 + N + the data the header indexes: shorter is `truncated` (perhaps still being written), longer
   * is invalid. `headerBudget` (at most MAX_HEADER_BYTES, the default) bounds the header's length: a
   * shard's is what the checkpoint's other shards left of MAX_HEADER_BYTES.
   */
  static async open(path: string, file = path, headerBudget = MAX_HEADER_BYTES): Promise<SafetensorsFile> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (err) {
      throw new CheckpointError(file, `cannot be opened (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new CheckpointError(file, `is not a regular file (${kindOf(stat)})`);
      const size = stat.size;
      if (size < 8) throw new CheckpointError(file, `has ${countOf(size, 'byte')}, fewer than the 8 of the header length`, true);
      const prefix = await readExactly(handle, 0, 8, file);
      const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
      const high = view.getUint32(4, true);
      const n = view.getUint32(0, true);
      if (high !== 0 || n > MAX_HEADER_BYTES) {
        const length = view.getBigUint64(0, true);
        throw new CheckpointError(file, `its header length (bytes 0–7) is ${length.toLocaleString('en-US')}, more than the ${MAX_HEADER_BYTES.toLocaleString('en-US')} bytes the format allows: not a safetensors file, or corrupt`);
      }
      if (n > headerBudget) {
        throw new CheckpointError(file, `its header is ${n.toLocaleString('en-US')} bytes, and with the ${(MAX_HEADER_BYTES - headerBudget).toLocaleString('en-US')} of its checkpoint's other shards more than the ${MAX_HEADER_BYTES.toLocaleString('en-US')} bytes the headers of one checkpoint may take (one file's limit)`);
      }
      if (n < 2) throw new CheckpointError(file, `its header length (bytes 0–7) is ${n}: too short for a JSON object`);
      if (8 + n > size) throw new CheckpointError(file, `its header needs bytes 8–${formatCount(8 + n - 1)} but the file has ${countOf(size, 'byte')}`, true);
      const header = parseHeader(await readExactly(handle, 8, n, file), file);
      const expected = header.dataStart + header.dataLength;
      if (size < expected) throw new CheckpointError(file, `is truncated: its header indexes data up to byte ${expected.toLocaleString('en-US')} but the file has ${size.toLocaleString('en-US')} bytes`, true);
      if (size > expected) throw new CheckpointError(file, `has ${(size - expected).toLocaleString('en-US')} bytes after the last tensor (its header indexes data up to byte ${expected.toLocaleString('en-US')})`);
      return new SafetensorsFile(file, handle, size, stat.mtimeMs, header);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  tensor(name: string): TensorInfo | undefined {
    return this.header.tensors.find((t) => t.name === name);
  }

  /**
   * The values of tensor `t` (of this header), row-major as stored: F32, F16 and BF16 as a
   * Float32Array (exact), F64 as a Float64Array. Reads only its bytes, in chunks; the size is checked
   * against MAX_LAYER_BYTES before anything is allocated.
   */
  async read(t: TensorInfo): Promise<Float32Array | Float64Array> {
    if (!isReadDtype(t.dtype)) throw new CheckpointError(this.file, `tensor ${q(t.name)} is ${t.dtype}; weights are read from ${READ_DTYPES.join(', ')}`);
    const count = t.shape.reduce((p, d) => p * d, 1);
    const bytes = count * (t.dtype === 'F64' ? 8 : 4);
    if (bytes > MAX_LAYER_BYTES) {
      throw new CheckpointError(this.file, `tensor ${q(t.name)} ${formatTensorShape(t.shape)} would take ${bytes.toLocaleString('en-US')} bytes once read, more than the ${MAX_LAYER_BYTES.toLocaleString('en-US')} allowed for one layer`);
    }
    const at = this.header.dataStart + t.begin;
    if (t.dtype === 'F32' || t.dtype === 'F64') {
      const out = t.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
      await readInto(this.handle, at, new Uint8Array(out.buffer), this.file);
      if (!littleEndianHost && t.dtype === 'F32') Buffer.from(out.buffer).swap32();
      if (!littleEndianHost && t.dtype === 'F64') Buffer.from(out.buffer).swap64();
      return out;
    }
    const bits = new Uint16Array(count);
    await readInto(this.handle, at, new Uint8Array(bits.buffer), this.file);
    if (!littleEndianHost) Buffer.from(bits.buffer).swap16();
    return t.dtype === 'F16' ? decodeF16(bits) : decodeBF16(bits);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

async function readExactly(handle: fs.FileHandle, position: number, length: number, file: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  await readInto(handle, position, out, file);
  return out;
}

/** Fills `target` from `position` on, in chunks; a file that ends early (it shrank) is `truncated`. */
async function readInto(handle: fs.FileHandle, position: number, target: Uint8Array, file: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(READ_CHUNK_BYTES, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) throw new CheckpointError(file, `ended at byte ${formatCount(position + done)} while reading bytes ${formatCount(position)}–${formatCount(position + target.length - 1)}: it shrank while being read`, true);
    done += bytesRead;
  }
}
