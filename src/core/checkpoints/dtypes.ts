/**
 * The element types of a safetensors file (docs/checkpoints.md, "The format read"): which are read as
 * weights (F64, F32, F16, BF16), the byte size of every type the format defines (to check a header's
 * offsets even for tensors that are not read), and the conversions of 16-bit floats, both ways.
 * Conversions follow IEEE 754 binary16 and bfloat16 (the top half of a binary32), round to nearest even.
 */

/** The element types read as weights. */
export const READ_DTYPES = ['F64', 'F32', 'F16', 'BF16'] as const;
/** One of READ_DTYPES. */
export type ReadDtype = (typeof READ_DTYPES)[number];

/**
 * Bytes per element of every dtype in the safetensors specification (huggingface/safetensors,
 * `Dtype`); the sub-byte types (F4, F6_*) are left out: a header that uses them is checked for order
 * and range only.
 */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** Whether a header's dtype is read as weights. */
export function isReadDtype(dtype: string): dtype is ReadDtype {
  return (READ_DTYPES as readonly string[]).includes(dtype);
}

let halfTable: Float32Array | null = null;

/** Every binary16 value by its bit pattern (built once, 256 KiB). */
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = halfToNumber(bits);
  }
  return halfTable;
}

/** The value of a binary16 bit pattern: sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** The value of a bfloat16 bit pattern (the high 16 bits of a binary32). */
export function bfloat16ToNumber(bits: number): number {
  scratchU32[0] = (bits & 0xffff) << 16;
  return scratchF32[0];
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Float32 values of little-endian binary16 elements (exact: every binary16 is a binary32). */
export function decodeF16(bits: Uint16Array): Float32Array {
  const table = halves();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** Float32 values of bfloat16 elements (exact: each is the top half of its binary32). */
export function decodeBF16(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}

/** The binary16 bit pattern nearest to x (ties to even; overflow to ±∞; NaN as the quiet NaN 0x7e00). */
export function numberToHalf(x: number): number {
  return roundToFloat(x, 5, 10);
}

/** The bfloat16 bit pattern nearest to x (ties to even; overflow to ±∞; NaN as 0x7fc0). */
export function numberToBfloat16(x: number): number {
  return roundToFloat(x, 8, 7);
}

/**
 * The bit pattern of the binary float with `exponentBits` and `fractionBits` nearest to x, rounding
 * once from the float64 value (not through binary32, which could round twice).
 */
function roundToFloat(x: number, exponentBits: number, fractionBits: number): number {
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  const signBit = x < 0 || Object.is(x, -0) ? 1 << (exponentBits + fractionBits) : 0;
  if (Number.isNaN(x)) return (maxExponent << fractionBits) | (1 << (fractionBits - 1));
  const a = Math.abs(x);
  if (a === Infinity) return signBit | (maxExponent << fractionBits);
  const minExponent = 1 - bias; // of the smallest normal number
  let e = a === 0 ? minExponent : Math.max(minExponent, floorLog2(a));
  // a = m · 2^(e − fractionBits), m rounded to an integer (the scaling by a power of two is exact).
  let m = roundHalfEven(a * 2 ** (fractionBits - e));
  if (m === 2 ** (fractionBits + 1)) {
    m /= 2;
    e += 1;
  }
  if (m < 2 ** fractionBits) return signBit | m; // subnormal (e = minExponent), or zero
  const biased = e + bias;
  if (biased >= maxExponent) return signBit | (maxExponent << fractionBits);
  return signBit | (biased << fractionBits) | (m - 2 ** fractionBits);
}

/** ⌊log₂ a⌋ for a finite a > 0, exact. */
function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  return e;
}

function roundHalfEven(y: number): number {
  const r = Math.round(y); // halves up
  return r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
