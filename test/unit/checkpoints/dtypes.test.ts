import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bfloat16ToNumber, decodeBF16, decodeF16, halfToNumber, numberToBfloat16, numberToHalf } from '../../../src/core/checkpoints/dtypes';

test('binary16 bit patterns decode to their IEEE 754 values: zeros, subnormals, normals, extremes, infinities, NaN', () => {
  const known: [number, number][] = [
    [0x0000, 0],
    [0x8000, -0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504], // largest finite
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x8001, -(2 ** -24)],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of known) {
    assert.ok(Object.is(halfToNumber(bits), value), `0x${bits.toString(16)} → ${halfToNumber(bits)}, expected ${value}`);
  }
  for (const nan of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) assert.ok(Number.isNaN(halfToNumber(nan)));
  const decoded = decodeF16(Uint16Array.from(known.map(([b]) => b)));
  known.forEach(([, v], i) => assert.ok(Object.is(decoded[i], v)));
});

test('bfloat16 bit patterns decode to the binary32 with those high bits', () => {
  const known: [number, number][] = [
    [0x0000, 0],
    [0x8000, -0],
    [0x3f80, 1],
    [0xc000, -2],
    [0x3eab, 0.333984375],
    [0x7f7f, 3.3895313892515355e38], // largest finite
    [0x0080, 2 ** -126], // smallest normal
    [0x0001, 2 ** -133], // smallest subnormal
    [0x007f, 127 * 2 ** -133],
    [0x7f80, Infinity],
    [0xff80, -Infinity],
  ];
  for (const [bits, value] of known) assert.ok(Object.is(bfloat16ToNumber(bits), value), `0x${bits.toString(16)} → ${bfloat16ToNumber(bits)}`);
  for (const nan of [0x7fc0, 0x7f81, 0xffc0]) assert.ok(Number.isNaN(bfloat16ToNumber(nan)));
  const decoded = decodeBF16(Uint16Array.from(known.map(([b]) => b)));
  known.forEach(([, v], i) => assert.ok(Object.is(decoded[i], v)));
});

test('encoding then decoding returns every one of the 65,536 patterns (NaNs become the quiet NaN)', () => {
  for (let bits = 0; bits < 65536; bits++) {
    const h = halfToNumber(bits);
    const b = bfloat16ToNumber(bits);
    if (Number.isNaN(h)) assert.equal(numberToHalf(h), 0x7e00);
    else assert.equal(numberToHalf(h), bits, `binary16 0x${bits.toString(16)}`);
    if (Number.isNaN(b)) assert.equal(numberToBfloat16(b), 0x7fc0);
    else assert.equal(numberToBfloat16(b), bits, `bfloat16 0x${bits.toString(16)}`);
  }
});

test('encoding rounds to nearest, ties to even, overflows to infinity and underflows to zero', () => {
  // binary16: ulp of 1 is 2⁻¹⁰.
  assert.equal(numberToHalf(1 + 2 ** -11), 0x3c00); // tie, down to even
  assert.equal(numberToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie, up to even
  assert.equal(numberToHalf(1 + 2 ** -11 + 2 ** -40), 0x3c01); // just above the tie (through binary32 it would be a tie: double rounding)
  assert.equal(numberToHalf(65519.99), 0x7bff);
  assert.equal(numberToHalf(65520), 0x7c00); // halfway to the next power: rounds to ∞
  assert.equal(numberToHalf(-1e9), 0xfc00);
  assert.equal(numberToHalf(2 ** -25), 0x0000); // half the smallest subnormal: tie to even (zero)
  assert.equal(numberToHalf(3 * 2 ** -26), 0x0001);
  assert.equal(numberToHalf(-(2 ** -26)), 0x8000);
  assert.equal(numberToHalf(1023.5 * 2 ** -24), 0x0400); // rounds up from the largest subnormal into the normals
  // bfloat16: ulp of 1 is 2⁻⁷.
  assert.equal(numberToBfloat16(1 + 2 ** -8), 0x3f80);
  assert.equal(numberToBfloat16(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(numberToBfloat16(3.4e38), 0x7f80); // above the largest finite by more than half an ulp
  assert.equal(numberToBfloat16(2 ** -134), 0x0000);
  assert.equal(numberToBfloat16(Math.PI), 0x4049);
});
