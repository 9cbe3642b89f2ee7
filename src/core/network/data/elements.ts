/**
 * Numeric element types of binary data files (IDX, .npy) and their conversion to floating point.
 */
import { BEYOND_FLOAT32, formatCount, formatNumber } from './dataError';

/** One element type: kind (unsigned, signed integer, floating point, boolean), size and byte order. */
export interface ElementType {
  kind: 'u' | 'i' | 'f' | 'b';
  bytes: 1 | 2 | 4 | 8;
  littleEndian: boolean;
  /** For messages: `unsigned byte`, `little-endian float32`. */
  name: string;
}

const NATIVE_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Whether a type holds whole numbers (class labels can be read from it as they are). */
export function isIntegerType(t: ElementType): boolean {
  return t.kind !== 'f';
}

/**
 * Converts `count` elements of type `t` from `src` at byte `srcOffset` into `dst` from `dstOffset`
 * (rounded to float32 when `dst` is a Float32Array; 64-bit integers beyond 2⁵³ are rounded).
 */
export function decodeElements(t: ElementType, src: Uint8Array, srcOffset: number, count: number, dst: Float32Array | Float64Array, dstOffset: number): void {
  if (t.bytes === 1) {
    // Typed-array set converts element types natively.
    const bytes = t.kind === 'i' ? new Int8Array(src.buffer, src.byteOffset + srcOffset, count) : src.subarray(srcOffset, srcOffset + count);
    dst.set(bytes, dstOffset);
    return;
  }
  const at = src.byteOffset + srcOffset;
  if (t.kind === 'f' && (t.bytes === 4 || t.bytes === 8) && t.littleEndian === NATIVE_LITTLE_ENDIAN && at % t.bytes === 0) {
    // Aligned floats in the machine's byte order: one typed-array copy (converting to dst's type).
    dst.set(t.bytes === 4 ? new Float32Array(src.buffer, at, count) : new Float64Array(src.buffer, at, count), dstOffset);
    return;
  }
  const view = new DataView(src.buffer, at, count * t.bytes);
  const le = t.littleEndian;
  const read = reader(t, view);
  for (let i = 0; i < count; i++) dst[dstOffset + i] = read(i * t.bytes, le);
}

function reader(t: ElementType, v: DataView): (offset: number, le: boolean) => number {
  switch (`${t.kind}${t.bytes}`) {
    case 'u2':
      return (o, le) => v.getUint16(o, le);
    case 'i2':
      return (o, le) => v.getInt16(o, le);
    case 'u4':
      return (o, le) => v.getUint32(o, le);
    case 'i4':
      return (o, le) => v.getInt32(o, le);
    case 'u8':
      return (o, le) => Number(v.getBigUint64(o, le));
    case 'i8':
      return (o, le) => Number(v.getBigInt64(o, le));
    case 'f2':
      return (o, le) => float16(v.getUint16(o, le));
    case 'f4':
      return (o, le) => v.getFloat32(o, le);
    case 'f8':
      return (o, le) => v.getFloat64(o, le);
    default:
      throw new Error(`no decoder for ${t.name}`);
  }
}

/**
 * The 64-bit integer of type `t` at byte `offset` of `src` as its exact decimal text when a float64
 * rounds it (beyond ±2⁵³), else undefined (every other element is exact as a float64).
 */
export function roundedInteger(t: ElementType, src: Uint8Array, offset: number): string | undefined {
  if (t.bytes !== 8 || (t.kind !== 'i' && t.kind !== 'u')) return undefined;
  const view = new DataView(src.buffer, src.byteOffset + offset, 8);
  const v = t.kind === 'i' ? view.getBigInt64(0, t.littleEndian) : view.getBigUint64(0, t.littleEndian);
  return Number.isSafeInteger(Number(v)) ? undefined : v.toString();
}

/** The value of an IEEE 754 half-precision number given as its 16 bits. */
export function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The value of the element of type `t` at byte `offset` of `src` as stored (a float64 not rounded to float32). */
export function elementValue(t: ElementType, src: Uint8Array, offset: number): number {
  const value = new Float64Array(1);
  decodeElements(t, src, offset, 1, value, 0);
  return value[0];
}

/**
 * The first of `count` values just decoded by `decodeElements(t, src, srcOffset, count, dst, dstOffset)`
 * that is not finite — NaN, ±∞, or a float64 beyond float32's range, which became ±∞ in a Float32Array —
 * as its index among them and its value as stored (1e300, not Infinity); undefined when all are finite.
 */
export function firstNonFinite(t: ElementType, src: Uint8Array, srcOffset: number, count: number, dst: Float32Array | Float64Array, dstOffset: number): { index: number; stored: number } | undefined {
  if (t.kind !== 'f') return undefined;
  for (let i = 0; i < count; i++) if (!Number.isFinite(dst[dstOffset + i])) return { index: i, stored: elementValue(t, src, srcOffset + i * t.bytes) };
  return undefined;
}

/**
 * The message for a value that is not finite: `input of sample 3 (element 7): expected a finite number,
 * found 1e300 (beyond the float32 range, ±3.4e38)` — the element within the sample when it has several
 * (`per`), the value as stored, and the CSV reader's words for a number float32 cannot hold.
 */
export function notFiniteMessage(what: string, sample: number, element: number, per: number, stored: number): string {
  const where = per > 1 ? ` (element ${formatCount(element)})` : '';
  return `${what} of sample ${formatCount(sample)}${where}: expected a finite number, found ${formatNumber(stored)}${Number.isFinite(stored) ? BEYOND_FLOAT32 : ''}`;
}
