// Small data files written from the formats' specifications (not with the readers' code), in a
// temporary directory per test file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after } from 'node:test';
import { DataError } from '../../../../src/core/network/data/dataError';
import { Rng } from '../../../../src/core/math/rng';

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flab-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `bytes` to dir/name (gzip-compressed when `gzip`); returns the name. */
export function write(dir: string, name: string, bytes: Uint8Array | string, gzip = false): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  writeFileSync(join(dir, name), gzip ? gzipSync(data) : data);
  return name;
}

/** IDX type codes and the big-endian writer of one element. */
export const IDX = {
  u8: { code: 0x08, bytes: 1, put: (v: DataView, o: number, x: number) => v.setUint8(o, x) },
  i8: { code: 0x09, bytes: 1, put: (v: DataView, o: number, x: number) => v.setInt8(o, x) },
  i16: { code: 0x0b, bytes: 2, put: (v: DataView, o: number, x: number) => v.setInt16(o, x, false) },
  i32: { code: 0x0c, bytes: 4, put: (v: DataView, o: number, x: number) => v.setInt32(o, x, false) },
  f32: { code: 0x0d, bytes: 4, put: (v: DataView, o: number, x: number) => v.setFloat32(o, x, false) },
  f64: { code: 0x0e, bytes: 8, put: (v: DataView, o: number, x: number) => v.setFloat64(o, x, false) },
};

/** An IDX file: 00 00 type rank, the sizes as big-endian uint32, the values big-endian. */
export function idxBytes(type: keyof typeof IDX, dims: number[], values: ArrayLike<number>): Uint8Array {
  const t = IDX[type];
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + values.length * t.bytes);
  const v = new DataView(out.buffer);
  out[2] = t.code;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) t.put(v, header + i * t.bytes, values[i]);
  return out;
}

/** A .npy file (version 1.0 or 2.0) holding `values` with dtype `descr` (e.g. '<f4') and `shape`. */
export function npyBytes(descr: string, shape: number[], values: ArrayLike<number>, options: { version?: 1 | 2; fortran?: boolean; header?: string } = {}): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = options.header ?? `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  // Pad with spaces and end with a newline so that the data starts at a multiple of 64 (as NumPy does).
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  const size = m ? Number(m[3]) : 1;
  const little = !m || m[1] !== '>';
  const out = new Uint8Array(total + values.length * size);
  const v = new DataView(out.buffer);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) v.setUint16(8, dict.length, true);
  else v.setUint32(8, dict.length, true);
  out.set(Buffer.from(dict, 'latin1'), prefix);
  const kind = m ? m[2] : 'u';
  for (let i = 0; i < values.length; i++) {
    const o = total + i * size;
    const x = values[i];
    if (kind === 'f') {
      if (size === 4) v.setFloat32(o, x, little);
      else if (size === 8) v.setFloat64(o, x, little);
      else v.setUint16(o, x, little); // float16 given as bits
    } else if (kind === 'i') {
      if (size === 1) v.setInt8(o, x);
      else if (size === 2) v.setInt16(o, x, little);
      else if (size === 4) v.setInt32(o, x, little);
      else v.setBigInt64(o, BigInt(x), little);
    } else if (size === 1) v.setUint8(o, x);
    else if (size === 2) v.setUint16(o, x, little);
    else if (size === 4) v.setUint32(o, x, little);
    else v.setBigUint64(o, BigInt(x), little);
  }
  return out;
}

/** A CIFAR-10 batch: per image the label byte, then 1,024 red, 1,024 green, 1,024 blue bytes. */
export function cifarBytes(labels: number[], pixels: (image: number, p: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    out[i * 3073] = label;
    for (let p = 0; p < 3072; p++) out[i * 3073 + 1 + p] = pixels(i, p);
  });
  return out;
}

/** `n` uniform integers in [0, m) from a seeded generator. */
export function randomInts(seed: number, n: number, m: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Math.floor(rng.uniform() * m) % m);
}

/** `n` standard normals times `scale` plus `shift`, from a seeded generator. */
export function randomNormals(seed: number, n: number, scale = 1, shift = 0): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => shift + scale * rng.normal());
}

/** What a DataError must say and where it must point. */
export interface ExpectedError {
  path: string;
  message: RegExp;
  offset?: number;
  line?: number;
  column?: number;
}

/** A pattern matching exactly `message`, the whole of it. */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Asserts that `p` rejects with a DataError at `e.path` whose message and location match. */
export async function rejectsAt(p: Promise<unknown>, e: ExpectedError): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${err instanceof Error ? err.stack : String(err)}`);
    assert.match(err.message, e.message);
    assert.equal(err.path, e.path, `path of: ${err.message}`);
    if (e.offset !== undefined) assert.equal(err.offset, e.offset, `offset of: ${err.message}`);
    if (e.line !== undefined) assert.equal(err.line, e.line, `line of: ${err.message}`);
    if (e.column !== undefined) assert.equal(err.column, e.column, `column of: ${err.message}`);
    return true;
  });
}
