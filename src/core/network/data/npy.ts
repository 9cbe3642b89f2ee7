/**
 * NumPy .npy files (docs/networks.md, "Data", "NumPy"), as `np.save` writes them: the magic
 * `\x93NUMPY`, a version byte pair, the header length (uint16 little-endian for version 1.0, uint32
 * for 2.0 and 3.0), a header that is a Python dict literal `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (N, 784), }`, then the elements in C order. The header is parsed by a small tokenizer, never
 * evaluated. Plain or gzip-compressed.
 */
import { excerpt } from '../../experiment/diagnostic';
import { hexByte } from '../../experiment/textBytes';
import { countOf, DataError, formatBytes, formatCount } from './dataError';
import { GUESS_BYTES, guessHint } from './formatGuess';
import { DataFileRef, DataReader, hasMoreData, readExactly, withDataFile } from './dataFile';
import { formatShape, MAX_NPY_HEADER_BYTES } from './dataLimits';
import { DataTask } from './dataSpec';
import { decodeElements, ElementType, firstNonFinite, isIntegerType, notFiniteMessage, roundedInteger } from './elements';
import { readRecords } from './records';
import { RawClasses, RawRegression, RawSplit, ReadContext, reserveSplit } from './rawSplit';
import { Selection } from './subset';

/** A parsed .npy header. */
export interface NpyHeader {
  version: string;
  type: ElementType;
  /** The dtype string as written, e.g. `<f4`. */
  descr: string;
  shape: number[];
  /** Offset of the first element. */
  dataStart: number;
}

/** The part of a header that is wrong, with its position in the header text. */
export class NpyHeaderError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reads and checks the header at the start of `reader`; for a plain file also checks the file size against it. */
export async function readNpyHeader(reader: DataReader): Promise<NpyHeader> {
  const prefix = new Uint8Array(8);
  const n = await reader.read(prefix);
  if (n < 8 || MAGIC.some((b, i) => prefix[i] !== b)) {
    const found = Array.from(prefix.subarray(0, Math.min(n, 6)), hexByte).join(' ');
    // What the first bytes say the file is instead, as the IDX reader says it (a CSV, an image, an archive).
    const head = new Uint8Array(GUESS_BYTES);
    head.set(prefix.subarray(0, n));
    const more = n < 8 ? 0 : await reader.read(head.subarray(8)).catch((err: unknown) => {
      if (err instanceof DataError) return 0; // a damaged gzip stream: the first bytes alone
      throw err;
    });
    const hint = guessHint(head.subarray(0, n + more), ['npy']);
    throw reader.error(`expected a NumPy .npy file, which starts with the magic bytes 93 4E 55 4D 50 59 ("\\x93NUMPY"), found ${found || 'an empty file'}${hint}`, 0);
  }
  const major = prefix[6];
  const minor = prefix[7];
  if (major < 1 || major > 3 || minor !== 0) throw reader.error(`.npy format version ${major}.${minor} is not one this reader knows (1.0, 2.0, 3.0)`, 6);
  const lengthBytes = new Uint8Array(major === 1 ? 2 : 4);
  await readExactly(reader, lengthBytes, 'the .npy header length');
  const view = new DataView(lengthBytes.buffer);
  const headerLength = major === 1 ? view.getUint16(0, true) : view.getUint32(0, true);
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw reader.error(`the header declares ${formatBytes(headerLength)}, over the limit of ${formatBytes(MAX_NPY_HEADER_BYTES)} (NumPy itself refuses headers over 10,000 bytes)`, 8);
  }
  const headerStart = reader.position;
  const headerBytes = new Uint8Array(headerLength);
  await readExactly(reader, headerBytes, `the ${formatCount(headerLength)}-byte .npy header`);
  const text = Buffer.from(headerBytes).toString(major === 3 ? 'utf8' : 'latin1');
  let parsed: ReturnType<typeof parseNpyHeader>;
  try {
    parsed = parseNpyHeader(text);
  } catch (err) {
    if (err instanceof NpyHeaderError) throw reader.error(`in the .npy header ${JSON.stringify(excerpt(text.trim(), 120))}: ${err.message}`, headerStart + err.at);
    throw err;
  }
  if (parsed.fortranOrder) {
    throw reader.error(`the array is stored in Fortran (column-major) order, which this reader does not take: save it in C order, e.g. np.save(path, np.ascontiguousarray(a))`, headerStart + parsed.at.fortran_order);
  }
  let type: ElementType;
  try {
    type = npyElementType(parsed.descr);
  } catch (err) {
    if (err instanceof NpyHeaderError) throw reader.error(err.message, headerStart + parsed.at.descr);
    throw err;
  }
  if (parsed.shape.length === 0) throw reader.error('the array is a scalar (shape ()): expected one row per sample, shape (N, …)', headerStart + parsed.at.shape);
  const header: NpyHeader = { version: `${major}.0`, type, descr: parsed.descr, shape: parsed.shape, dataStart: headerStart + headerLength };
  if (parsed.shape.includes(0)) throw reader.error(`the array has shape ${asTuple(parsed.shape)}: it holds no data`, headerStart + parsed.at.shape);
  if (reader.dataSize !== undefined) {
    const expected = header.dataStart + parsed.shape.reduce((a, b) => a * b, 1) * type.bytes;
    if (reader.dataSize !== expected) {
      const declared = `the header declares shape ${asTuple(parsed.shape)} of ${type.name} = ${formatBytes(expected - header.dataStart)} from byte ${formatCount(header.dataStart)}`;
      if (reader.dataSize < expected) throw reader.error(`${declared}, the file has ${formatBytes(Math.max(0, reader.dataSize - header.dataStart))}: truncated`, reader.dataSize);
      throw reader.error(`${declared}, the file has ${formatBytes(reader.dataSize - expected)} more after the data: not a single array as np.save writes it`, expected);
    }
  }
  return header;
}

/**
 * NumPy's names of the number types, which `np.load` also takes as a header's `descr` (through
 * `np.dtype`), in the machine's order — little-endian on every platform NumPy ships for but s390x;
 * NumPy itself writes the type codes.
 */
const NUMPY_TYPE_NAMES: Record<string, string> = {
  bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', float16: '<f2', float32: '<f4', float64: '<f8',
};

/** The element type of a .npy `descr` such as `<f4`, `|u1`, `<i8`, `>f8` (or NumPy's name, `float32`); throws for others. */
export function npyElementType(descr: string): ElementType {
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(NUMPY_TYPE_NAMES[descr] ?? descr);
  const refuse = (why: string) => new NpyHeaderError(`dtype '${descr}' ${why}: expected a number type such as '<f4' (float32), '<f8' (float64), '|u1' (uint8), '<i4' or '<i8' (integers)`, 0);
  if (!m) throw refuse(descr.startsWith('|O') ? 'holds Python objects (pickled), which this reader never loads' : 'is not a plain number type');
  const [, order, kind, size] = m;
  const bytes = Number(size);
  const fits = kind === 'f' ? [2, 4, 8] : kind === 'b' ? [1] : [1, 2, 4, 8];
  if (!fits.includes(bytes)) throw refuse(`has ${formatCount(bytes)}-byte elements`);
  const littleEndian = order !== '>';
  const names: Record<string, string> = { b: 'bool', i: 'int', u: 'uint', f: 'float' };
  const name = `${bytes === 1 ? '' : littleEndian ? 'little-endian ' : 'big-endian '}${names[kind]}${kind === 'b' ? '' : bytes * 8} ('${descr}')`;
  return { kind: kind as ElementType['kind'], bytes: bytes as ElementType['bytes'], littleEndian, name };
}

/** A shape as Python writes the tuple: (4, 15), (60,), (). */
function asTuple(dims: readonly number[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** The keys of a .npy header's dict, all three required (numpy refuses a header with others). */
const NPY_HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

/**
 * Parses the header dict literal: keys 'descr' (a string), 'fortran_order' (True/False), 'shape' (a
 * tuple of integers); `at` gives where each key starts in the text.
 */
export function parseNpyHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[]; at: Record<'descr' | 'fortran_order' | 'shape', number> } {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string) => {
    skipSpace();
    if (text[i] !== c) throw new NpyHeaderError(`expected '${c}' at character ${i + 1}, found ${text[i] === undefined ? 'the end' : `'${text[i]}'`}`, i);
    i++;
  };
  const string = (): string => {
    skipSpace();
    const quote = text[i];
    if (quote !== "'" && quote !== '"') throw new NpyHeaderError(`expected a quoted string at character ${i + 1}`, i);
    const end = text.indexOf(quote, i + 1);
    if (end < 0) throw new NpyHeaderError(`unclosed string from character ${i + 1}`, i);
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  /** Whole numbers separated by commas up to `close` (the opening bracket read), and whether a comma was written. */
  const wholeNumbers = (close: string): { dims: number[]; comma: boolean } => {
    i++;
    const dims: number[] = [];
    let comma = false;
    for (;;) {
      skipSpace();
      if (text[i] === close) break;
      const m = /^\d+L?/.exec(text.slice(i));
      if (!m) throw new NpyHeaderError(`expected a whole number in the shape at character ${i + 1}`, i);
      const d = Number(m[0].replace('L', ''));
      if (!Number.isSafeInteger(d)) throw new NpyHeaderError(`the shape's length ${excerpt(m[0])} along one axis is beyond 2⁵³, the largest whole number read exactly: no file holds that many entries`, i);
      dims.push(d);
      i += m[0].length;
      skipSpace();
      if (text[i] === ',') {
        comma = true;
        i++;
      } else if (text[i] !== close) throw new NpyHeaderError(`expected ',' or '${close}' in the shape at character ${i + 1}`, i);
    }
    i++;
    return { dims, comma };
  };
  const value = (key: string): unknown => {
    skipSpace();
    const at = i;
    if (text[i] === "'" || text[i] === '"') return string();
    if (text.startsWith('True', i)) return (i += 4), true;
    if (text.startsWith('False', i)) return (i += 5), false;
    if (text[i] === '(') {
      const { dims, comma } = wholeNumbers(')');
      // Python reads (60) as the number 60: a tuple of one is (60,), and numpy refuses a shape that is no tuple.
      if (dims.length === 1 && !comma) throw new NpyHeaderError(`'${key}' is (${dims[0]}), a number in parentheses, not a tuple: numpy refuses it (a shape of one dimension is written (${dims[0]},))`, at);
      return dims;
    }
    // A list is a structured array's 'descr' (records with named fields); numpy's own reader takes a shape only as a tuple.
    if (text[i] === '[' && key === 'descr') throw new NpyHeaderError(`'descr' is a list: structured arrays (records with named fields) are not taken`, at);
    if (text[i] === '[' && key === 'shape') {
      let shown = '';
      try {
        const { dims } = wholeNumbers(']');
        shown = `, ${asTuple(dims)}`;
      } catch (err) {
        if (!(err instanceof NpyHeaderError)) throw err;
      }
      throw new NpyHeaderError(`'shape' is a list: numpy writes a shape as a tuple${shown}, and reads no other`, at);
    }
    throw new NpyHeaderError(`unexpected value for '${key}' at character ${i + 1}`, at);
  };
  const fields = new Map<string, { v: unknown; at: number }>();
  expect('{');
  for (;;) {
    skipSpace();
    if (text[i] === '}') break;
    const at = i;
    const key = string();
    // Before its value, which may be one no known key takes (a number: "unexpected value" said nothing of the key).
    if (!NPY_HEADER_KEYS.includes(key)) throw new NpyHeaderError(`unknown key '${key}': a .npy header holds 'descr', 'fortran_order' and 'shape' only`, at);
    expect(':');
    fields.set(key, { v: value(key), at });
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new NpyHeaderError(`expected ',' or '}' at character ${i + 1}`, i);
  }
  const get = (key: string, ok: (v: unknown) => boolean, what: string) => {
    const f = fields.get(key);
    if (!f) throw new NpyHeaderError(`missing '${key}'`, 0);
    if (!ok(f.v)) throw new NpyHeaderError(`'${key}' must be ${what}`, f.at);
    return f.v;
  };
  return {
    descr: get('descr', (v) => typeof v === 'string', 'a string') as string,
    fortranOrder: get('fortran_order', (v) => typeof v === 'boolean', 'True or False') as boolean,
    shape: get('shape', Array.isArray, 'a tuple') as number[],
    at: { descr: fields.get('descr')!.at, fortran_order: fields.get('fortran_order')!.at, shape: fields.get('shape')!.at },
  };
}

/**
 * Reads one split from an inputs file (N × …) and a targets file (N, or N × k): the samples `selection`
 * picks of N. The task is `task` when given, else classes for integer or boolean targets and
 * regression for floating-point ones.
 */
export async function readNpySplit(ctx: ReadContext, xRef: DataFileRef, yRef: DataFileRef, selection: Selection, task: DataTask | undefined): Promise<RawSplit> {
  return withDataFile(xRef, ctx.maxReadBytes, (xr) =>
    withDataFile(yRef, ctx.maxReadBytes, async (yr) => {
      const xh = await readNpyHeader(xr);
      const yh = await readNpyHeader(yr);
      const total = xh.shape[0];
      if (yh.shape[0] !== total) throw yr.error(`${countOf(yh.shape[0], 'target')} (shape ${asTuple(yh.shape)}) for ${countOf(total, 'sample')} in ${xRef.display} (shape ${asTuple(xh.shape)}): the first sizes must agree`, yh.dataStart);
      const sampleShape = xh.shape.length > 1 ? xh.shape.slice(1) : [1];
      const features = sampleShape.reduce((a, b) => a * b, 1);
      const outputs = yh.shape.slice(1).reduce((a, b) => a * b, 1);
      const kind: DataTask = task ?? (isIntegerType(yh.type) ? 'classes' : 'regression');
      // Rows of k > 1 values where labels are meant are most likely one-hot rows (np.eye(k)[labels], Keras' to_categorical).
      if (kind === 'classes' && outputs !== 1) {
        const oneHot = yh.shape.length === 2 ? `: one-hot rows? Save each sample's class index instead (y.argmax(axis=1)); ` : ' (';
        throw yr.error(`class labels are one number per sample, found shape ${asTuple(yh.shape)}${oneHot}for regression targets set "task": "regression"${yh.shape.length === 2 ? '' : ')'}`, yh.dataStart);
      }
      reserveSplit(ctx, selection.what, selection.count(total), features, outputs, kind, xRef.key, yRef.key);
      const indices = selection.indices(total);
      const count = indices.length;
      const x = new Float32Array(count * features);
      // Each record is checked as it is decoded, while its bytes still say what the file holds (a
      // float64 1e300 is ±∞ once in the float32 inputs).
      const decode = (r: DataReader, h: NpyHeader, per: number, name: string, dst: Float32Array | Float64Array) => (bytes: Uint8Array, offset: number, k: number) => {
        decodeElements(h.type, bytes, offset, per, dst, k * per);
        const bad = firstNonFinite(h.type, bytes, offset, per, dst, k * per);
        if (bad) throw r.error(notFiniteMessage(name, indices[k], bad.index, per, bad.stored), h.dataStart + (indices[k] * per + bad.index) * h.type.bytes);
      };
      await readRecords(xr, { start: xh.dataStart, recordBytes: features * xh.type.bytes, count: total, what: `sample of ${formatShape(sampleShape)} ${xh.type.name}` }, indices, decode(xr, xh, features, 'input', x), ctx.signal);
      const targets: RawClasses | RawRegression =
        kind === 'classes'
          ? { kind, values: new Float64Array(count), exact: new Map(), place: (i) => ({ key: yRef.key, location: { file: yRef.display, filePath: yRef.path, offset: yh.dataStart + indices[i] * yh.type.bytes, decompressed: yr.gzip } }) }
          : { kind, values: new Float32Array(count * outputs), outputs };
      const decodeTargets = decode(yr, yh, outputs, 'target', targets.values);
      await readRecords(yr, { start: yh.dataStart, recordBytes: outputs * yh.type.bytes, count: total, what: `target of ${yh.type.name}` }, indices, (bytes, offset, k) => {
        decodeTargets(bytes, offset, k);
        // A 64-bit label beyond 2⁵³ is kept as stored too, so that a message quotes it exactly.
        const exact = targets.kind === 'classes' ? roundedInteger(yh.type, bytes, offset) : undefined;
        if (exact !== undefined && targets.kind === 'classes') targets.exact!.set(k, exact);
      }, ctx.signal);
      if (count === total) {
        for (const r of [xr, yr]) if (r.dataSize === undefined && (await hasMoreData(r))) throw r.error('more data follows the array the header declares: not a single array as np.save writes it', r.position - 1);
      }
      return { count, sampleShape, features, x, byteValued: xh.type.kind === 'u' && xh.type.bytes === 1, targets };
    }),
  );
}
