/**
 * Safetensors bytes written by hand for the tests, independently of `writeSafetensors`: an 8-byte
 * little-endian header length, the JSON header, the tensors' little-endian bytes.
 */
import assert from 'node:assert/strict';

export interface RawTensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** A whole file: header (with `metadata` when given) and the tensors in order, contiguous from 0. */
export function safetensorsBytes(tensors: RawTensor[], metadata?: Record<string, unknown>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  return withHeader(JSON.stringify(header), Buffer.concat(tensors.map((t) => Buffer.from(t.bytes))));
}

/** A file from raw header text and data bytes (for malformed headers). */
export function withHeader(headerText: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(headerText, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(json.length, 0);
  return Buffer.concat([prefix, json, Buffer.from(data)]);
}

export function f32(values: readonly number[]): Uint8Array {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => out.writeFloatLE(v, 4 * i));
  return out;
}

export function f64(values: readonly number[]): Uint8Array {
  const out = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => out.writeDoubleLE(v, 8 * i));
  return out;
}

export function u16(bits: readonly number[]): Uint8Array {
  const out = Buffer.alloc(2 * bits.length);
  bits.forEach((b, i) => out.writeUInt16LE(b, 2 * i));
  return out;
}

/** binary16 bits of values that binary16 holds exactly (normal numbers and zero only). */
export function f16Exact(values: readonly number[]): Uint8Array {
  return u16(
    values.map((x) => {
      const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
      const a = Math.abs(x);
      if (a === 0) return sign;
      const e = Math.floor(Math.log2(a));
      const fraction = (a / 2 ** e - 1) * 1024;
      assert.ok(Number.isInteger(fraction) && e >= -14 && e <= 15, `${x} is not an exact normal binary16`);
      return sign | ((e + 15) << 10) | fraction;
    }),
  );
}

/** bfloat16 bits of values that bfloat16 holds exactly: the high half of their binary32 bits. */
export function bf16Exact(values: readonly number[]): Uint8Array {
  const bits = Buffer.from(f32(values));
  return u16(
    values.map((x, i) => {
      const word = bits.readUInt32LE(4 * i);
      assert.equal(word & 0xffff, 0, `${x} is not an exact bfloat16`);
      return word >>> 16;
    }),
  );
}
