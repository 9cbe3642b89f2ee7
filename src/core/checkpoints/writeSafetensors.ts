/**
 * Writing safetensors files (docs/checkpoints.md, "The format read"): what the built-in trainer saves
 * with `training.checkpoints`, readable by `safetensors.torch.load_file` and by this reader.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { endianness } from 'node:os';
import { DTYPE_BYTES, numberToBfloat16, numberToHalf, READ_DTYPES, ReadDtype } from './dtypes';
import { formatCount } from '../experiment/diagnostic';
import { MAX_HEADER_BYTES } from './limits';
import { formatTensorShape } from './safetensors';

/** One tensor to write: values row-major, converted to `dtype` (F16 and BF16 round to nearest even). */
export interface TensorToWrite {
  name: string;
  dtype: ReadDtype;
  shape: readonly number[];
  data: Float32Array | Float64Array | readonly number[];
}

/**
 * Writes `tensors` (in the order given, data contiguous from offset 0) and `metadata` (text values, as
 * the format requires) to `path`. The header is padded with spaces to a multiple of 8 bytes, as the
 * reference implementation does, so that every tensor starts 8-byte aligned when its predecessors' sizes
 * allow. The file appears complete or not at all: it is written beside `path` under a temporary name
 * and renamed. Throws on a bad name, dtype, shape or length (before anything is written).
 */
export async function writeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata?: Readonly<Record<string, string>>): Promise<void> {
  const headerBytes = safetensorsHeader(tensors, metadata);
  for (const t of tensors) {
    const count = t.shape.reduce((p, d) => p * d, 1);
    if (count !== t.data.length) throw new Error(`writeSafetensors: tensor "${t.name}": shape ${formatTensorShape(t.shape)} has ${count} elements but ${t.data.length} values were given`);
  }
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));

  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temporary, 'w');
  try {
    await writeAll(handle, prefix);
    await writeAll(handle, headerBytes);
    for (const t of tensors) await writeAll(handle, encode(t));
    await handle.close();
    await fs.rename(temporary, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(temporary, { force: true });
    throw err;
  }
}

/** The tensors as `writeSafetensors` lays them out: no data, only what the header says of them. */
export type TensorLayout = Pick<TensorToWrite, 'name' | 'dtype' | 'shape'>;

/**
 * The header `writeSafetensors` writes for `tensors` (in order, data contiguous from offset 0) and
 * `metadata`: JSON padded with spaces to a multiple of 8 bytes (counting the 8-byte length before it).
 * Throws on a bad name, dtype or shape, or a header beyond the format's limit.
 */
function safetensorsHeader(tensors: readonly TensorLayout[], metadata?: Readonly<Record<string, string>>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new Error(`writeSafetensors: metadata "${key}" must be a string, not ${typeof value}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const t of tensors) {
    if (typeof t.name !== 'string' || t.name === '' || t.name === '__metadata__' || t.name in header) throw new Error(`writeSafetensors: tensor name ${JSON.stringify(t.name)} is empty, reserved or repeated`);
    if (!(READ_DTYPES as readonly string[]).includes(t.dtype)) throw new Error(`writeSafetensors: tensor "${t.name}": dtype ${t.dtype} is not one of ${READ_DTYPES.join(', ')}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`writeSafetensors: tensor "${t.name}": shape ${formatTensorShape(t.shape)} is not a list of non-negative integers`);
    const bytes = t.shape.reduce((p, d) => p * d, 1) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  if (headerBytes.length > MAX_HEADER_BYTES) throw new Error(`writeSafetensors: the header would take ${formatCount(headerBytes.length)} bytes, more than the ${formatCount(MAX_HEADER_BYTES)} the format allows`);
  return headerBytes;
}

/** Bytes of the file `writeSafetensors` writes for `tensors` and `metadata`: 8 + its padded header + the data. Throws as `writeSafetensors` does. */
export function safetensorsFileBytes(tensors: readonly TensorLayout[], metadata?: Readonly<Record<string, string>>): number {
  return 8 + safetensorsHeader(tensors, metadata).length + tensors.reduce((sum, t) => sum + t.shape.reduce((p, d) => p * d, 1) * DTYPE_BYTES[t.dtype], 0);
}

/** Writes every byte of `bytes`, in chunks (one write call may write less than asked). */
async function writeAll(handle: fs.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, Math.min(WRITE_CHUNK_BYTES, bytes.length - done));
    done += bytesWritten;
  }
}

const WRITE_CHUNK_BYTES = 16 * 2 ** 20;

/** The little-endian bytes of `t.data` as `t.dtype`. */
function encode(t: TensorToWrite): Uint8Array {
  const n = t.data.length;
  let out: Float64Array | Float32Array | Uint16Array;
  if (t.dtype === 'F64') out = t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
  else if (t.dtype === 'F32') out = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  else {
    out = new Uint16Array(n);
    const convert = t.dtype === 'F16' ? numberToHalf : numberToBfloat16;
    for (let i = 0; i < n; i++) out[i] = convert(t.data[i]);
  }
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (endianness() === 'LE') return bytes;
  const swapped = Buffer.from(bytes); // a copy: the caller's data stays as it was
  if (out instanceof Float64Array) swapped.swap64();
  else if (out instanceof Float32Array) swapped.swap32();
  else swapped.swap16();
  return swapped;
}
