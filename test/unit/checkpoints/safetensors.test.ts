import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointError, parseHeader, SafetensorsFile } from '../../../src/core/checkpoints/safetensors';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { bf16Exact, f32, f64, safetensorsBytes, u16, withHeader } from './handWritten';

const dir = mkdtempSync(join(tmpdir(), 'flab-safetensors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function file(bytes: Uint8Array): string {
  const path = join(dir, `f${counter++}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

/** The CheckpointError of opening `bytes` as a file. */
async function openError(bytes: Uint8Array): Promise<CheckpointError> {
  const path = file(bytes);
  try {
    const f = await SafetensorsFile.open(path, 'x.safetensors');
    await f.close();
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `a CheckpointError, not ${err}`);
    assert.ok(err.message.startsWith('x.safetensors: '), err.message);
    return err;
  }
  assert.fail('the file was accepted');
}

async function readAll(path: string): Promise<Record<string, Float32Array | Float64Array>> {
  const f = await SafetensorsFile.open(path);
  try {
    const out: Record<string, Float32Array | Float64Array> = {};
    for (const t of f.header.tensors) out[t.name] = await f.read(t);
    return out;
  } finally {
    await f.close();
  }
}

test('every read dtype comes back with its values: F32, F64, F16 (incl. subnormals, ±∞, NaN) and BF16, row-major as stored', async () => {
  const halfBits = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000];
  const halfValues = [1, -2, 2 ** -24, 1023 * 2 ** -24, 65504, Infinity, -Infinity, NaN, -0];
  const bf = [0.5, -3.25, 2 ** -126, 2 ** -133, 3.3895313892515355e38];
  const path = file(
    safetensorsBytes(
      [
        { name: 'a', dtype: 'F32', shape: [2, 3], bytes: f32([1.5, -2, 3e-39, 4, 5, 6]) },
        { name: 'b', dtype: 'F64', shape: [3], bytes: f64([Math.PI, -1e-300, 1e300]) },
        { name: 'c', dtype: 'F16', shape: [3, 3], bytes: u16(halfBits) },
        { name: 'd', dtype: 'BF16', shape: [5, 1, 1, 1], bytes: bf16Exact(bf) },
      ],
      { format: 'pt', step: '12' },
    ),
  );
  const f = await SafetensorsFile.open(path);
  assert.deepEqual(f.header.metadata, { format: 'pt', step: '12' });
  await f.close();
  const t = await readAll(path);
  assert.deepEqual(Array.from(t.a), [1.5, -2, Math.fround(3e-39), 4, 5, 6]);
  assert.ok(t.a instanceof Float32Array);
  assert.deepEqual(Array.from(t.b), [Math.PI, -1e-300, 1e300]);
  assert.ok(t.b instanceof Float64Array);
  halfValues.forEach((v, i) => assert.ok(Object.is(t.c[i], v), `F16 ${i}: ${t.c[i]} vs ${v}`));
  assert.deepEqual(Array.from(t.d), bf);
});

test('a truncated file is truncated (perhaps still being written), with the byte counts', async () => {
  const whole = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [4, 4], bytes: f32(new Array(16).fill(1)) }]);
  for (const [cut, pattern] of [
    [5, /has 5 bytes, fewer than the 8/],
    [12, /header needs bytes 8–\d+ but the file has 12 bytes/],
    [whole.length - 1, new RegExp(`truncated: its header indexes data up to byte ${whole.length} but the file has ${whole.length - 1} bytes`)],
  ] as const) {
    const err = await openError(whole.subarray(0, cut));
    assert.ok(err.truncated, err.message);
    assert.match(err.message, pattern);
  }
});

test('a header that lies is refused with what is wrong and where, before anything large is allocated', async () => {
  const data = f32([1, 2, 3, 4]);
  const cases: [Uint8Array, RegExp][] = [
    // A header length of 2⁴⁰ (bytes 0–7): refused without allocating it.
    [Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 0]), Buffer.alloc(16)]), /header length \(bytes 0–7\) is 1,099,511,627,776, more than the 100,000,000/],
    [Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]), Buffer.alloc(16)]), /header length \(bytes 0–7\) is 2,147,483,647/],
    [withHeader('[1, 2]'), /does not begin with "\{" \(byte 8 is 0x5b\)/],
    [withHeader('{"a": 1,}'), /not valid JSON at byte 16/],
    [Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]), /not UTF-8/],
    [withHeader('{"w": 3}'), /tensor "w": expected an object with dtype, shape and data_offsets, found 3/],
    [withHeader('{"w": {"shape": [1], "data_offsets": [0, 4]}}', data), /tensor "w": dtype should be a string/],
    [withHeader('{"w": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}', data), /unknown dtype "F33"/],
    [withHeader('{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}', data), /shape should be a list of non-negative integers, found \[-1\]/],
    [withHeader('{"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}', data), /shape should be a list of non-negative integers/],
    [withHeader('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}', data), /data_offsets should be \[begin, end\] with 0 ≤ begin ≤ end, found \[4, 0\]/],
    [withHeader('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}', data), /data_offsets should be/],
    [withHeader('{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}}', data), /tensor "w": F32 \[2, 2\] needs 16 bytes but data_offsets \[0, 12\] hold 12/],
    [withHeader('{"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 4]}}', data), /F16 \[3\] needs 6 bytes/],
    [
      withHeader('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}', Buffer.concat([data, f32([5])])),
      /tensors "a" \(data bytes 0–8\) and "b" \(4–12\) overlap/,
    ],
    [
      withHeader('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}', data),
      /data bytes 4–8 belong to no tensor \(the specification allows no holes\) between "a" and "b"/,
    ],
    [withHeader('{"b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}', data), /data bytes 0–8 belong to no tensor .* before "b"/],
    [withHeader('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', data), /has 8 bytes after the last tensor \(its header indexes data up to byte/],
    [withHeader('{"__metadata__": {"step": 10}}'), /__metadata__ "step" should be a string \(the format stores text only\), found 10/],
    [withHeader('{"__metadata__": [1]}'), /__metadata__ should be an object of strings/],
    // Nested 10,000 deep (JSON.stringify of it overflowed the stack: a raw "Maximum call stack size
    // exceeded"), and a name of a million characters: both said in a few words.
    [withHeader(`{"__metadata__": {"x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`), /^x\.safetensors: __metadata__ "x" should be a string \(the format stores text only\), found an array of 1 item$/],
    [withHeader(`{"${'w'.repeat(1_000_000)}": {"dtype": "F99", "shape": [1], "data_offsets": [0, 4]}}`, data), /^x\.safetensors: tensor "w{48}… \(1000000 characters\)": unknown dtype "F99"$/],
    // Names twice (JSON.parse keeps the last silently; the format allows each once), located by byte.
    [
      withHeader('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', data),
      /^x\.safetensors: the header has tensor "w" twice \(at bytes 9 and 70\): the format allows each name once, and a JSON reader keeps only the last, silently — write the file again with one entry each$/,
    ],
    [withHeader('{"\\u0077": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "é": 1, "w": 2}', data), /the header has tensor "w" twice \(at bytes 9 and 85\)/],
    [withHeader('{"w": {"dtype": "F32", "dtype": "F16", "shape": [4], "data_offsets": [0, 16]}}', data), /the header has key "dtype" of tensor "w" twice/],
    [withHeader('{"__metadata__": {"step": "1", "step": "2"}}'), /the header has key "step" of __metadata__ twice/],
    [withHeader('{"__metadata__": {}, "__metadata__": {}}'), /the header has __metadata__ twice/],
    [withHeader('{"a\\"": {"n": {"\\"a": [{"x": 1}, {"x": 2}]}}, "a\\"": 1}'), /the header has tensor "a"" twice \(at bytes 9 and 54\)/],
    // Offsets past 999 grouped as every other count (until 2026-12 "at bytes 9 and 1100", "data bytes 1200–1204").
    [withHeader(`{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "__metadata__": {"note": "${'n'.repeat(1000)}"}, "w": 1}`, f32([1])), /the header has tensor "w" twice \(at bytes 9 and 1,100\)/],
    [withHeader('{"a": {"dtype": "F32", "shape": [300], "data_offsets": [0, 1200]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [1204, 1208]}}', f32(new Array(302).fill(0))), /data bytes 1,200–1,204 belong to no tensor \(the specification allows no holes\) between "a" and "b"/],
    [withHeader('{"a": {"dtype": "F32", "shape": [300], "data_offsets": [0, 1200]}, "b": {"dtype": "F32", "shape": [300], "data_offsets": [1196, 2396]}}', f32(new Array(599).fill(0))), /tensors "a" \(data bytes 0–1,200\) and "b" \(1,196–2,396\) overlap/],
  ];
  for (const [bytes, pattern] of cases) {
    const err = await openError(bytes);
    assert.match(err.message, pattern);
    assert.equal(err.truncated, false, err.message);
  }
  // A header whose end lies past the file is truncated rather than invalid: the writer may not be done.
  const err = await openError(withHeader('{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}', f32([1, 2])));
  assert.ok(err.truncated);
});

test('a JSON syntax error in the header gives its byte in the file: 8 + the UTF-8 bytes before it', async () => {
  // JSON.parse names no position here ("Unexpected token 'o', … is not valid JSON").
  assert.equal((await openError(withHeader('{"fc1.weight": nope}'))).message, 'x.safetensors: the header is not valid JSON at byte 23: unexpected `nope`');
  // Bytes, not characters: "é" is two bytes, "😀" four (two UTF-16 units).
  const wide = '{"é😀": {"dtype": "F32", "shape": [1] "data_offsets": [0, 4]}}';
  const at = 8 + Buffer.byteLength(wide.slice(0, wide.indexOf('"data_offsets"')));
  assert.equal(at, 49);
  assert.match((await openError(withHeader(wide, f32([1])))).message, new RegExp(`not valid JSON at byte ${at}: a comma was expected before \`"data_offsets"\``));
  assert.match((await openError(withHeader('{"a": 1,}'))).message, /not valid JSON at byte 16: a property name in double quotes was expected, found `}`/);
  assert.match((await openError(withHeader('{"a": NaN}'))).message, /not valid JSON at byte 14: unexpected `NaN`: JSON has no NaN or Infinity/);
});

test('the header begins with "{": a UTF-8 byte-order mark is refused as a leading space is', async () => {
  const header = '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}';
  const bom = await openError(withHeader(`\uFEFF${header}`, f32([1])));
  assert.match(bom.message, /^x\.safetensors: the header begins with a UTF-8 byte-order mark \(bytes 8–10 are EF BB BF\), not with "\{" as the format requires/);
  assert.match((await openError(withHeader(` ${header}`, f32([1])))).message, /does not begin with "\{" \(byte 8 is 0x20\)/);
  // Not a mark elsewhere: U+FEFF inside a name is a character of the name.
  assert.equal(parseHeader(Buffer.from('{"\uFEFFw": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'), 'x').tensors[0].name, '\uFEFFw');
});

test('shape and data_offsets are unsigned integers as written (3.0, 1e2 and -0 are refused, as the reference implementation refuses them), echoed as written', async () => {
  const data = f32([1, 2, 3, 4, 5, 6]);
  const cases: [string, string][] = [
    ['{"w": {"dtype": "F32", "shape": [3.0, 2], "data_offsets": [0, 24]}}', 'tensor "w": shape should be a list of non-negative integers, found [3.0, 2]: 3.0 is not written as an integer'],
    ['{"w": {"dtype": "F32", "shape": [3, 2e0], "data_offsets": [0, 24]}}', 'found [3, 2e0]: 2e0 is not written as an integer'],
    ['{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0.0, 24]}}', 'tensor "w": data_offsets should be [begin, end] with 0 ≤ begin ≤ end, found [0.0, 24]: 0.0 is not written as an integer'],
    ['{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 2.4E1]}}', 'found [0, 2.4E1]: 2.4E1 is not written as an integer'],
    // Beyond 2⁶⁴: JSON.parse reads 18446744073709551756 as 18446744073709552000, which was echoed.
    ['{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 18446744073709551756]}}', 'found [0, 18446744073709551756]: 18446744073709551756 is beyond 9,007,199,254,740,991 (2⁵³ − 1)'],
    ['{"w": {"dtype": "F32", "shape": [9007199254740993, 0], "data_offsets": [0, 0]}}', 'found [9007199254740993, 0]: 9007199254740993 is beyond'],
    // A minus sign on 0: an unsigned integer has none (JSON.parse reads -0, which was taken as 0 and echoed so).
    ['{"w": {"dtype": "F32", "shape": [-0, 4], "data_offsets": [0, 0]}}', 'tensor "w": shape should be a list of non-negative integers, found [-0, 4]: -0 has a minus sign'],
    ['{"w": {"dtype": "F32", "shape": [3, 2], "data_offsets": [-0, 24]}}', 'tensor "w": data_offsets should be [begin, end] with 0 ≤ begin ≤ end, found [-0, 24]: -0 has a minus sign'],
    // Other values a message echoes are written as the header has them too.
    ['{"w": {"dtype": 1e400, "shape": [3, 2], "data_offsets": [0, 24]}}', 'tensor "w": dtype should be a string such as "F32", found 1e400'],
    ['{"w": 1.50}', 'tensor "w": expected an object with dtype, shape and data_offsets, found 1.50'],
    ['{"__metadata__": {"step": 10.0}}', '__metadata__ "step" should be a string (the format stores text only), found 10.0'],
  ];
  for (const [header, message] of cases) {
    const err = await openError(withHeader(header, header.includes('[0, 0]') || header.includes('__metadata__') || header.includes('1.50') ? new Uint8Array(0) : data));
    assert.ok(err.message.includes(message), `${err.message}\n  should say: ${message}`);
  }
  // Integers as written are accepted, whatever the spacing.
  assert.deepEqual(parseHeader(Buffer.from('{"w": {"dtype": "F32", "shape": [ 3 ,2 ], "data_offsets": [0,24]}}'), 'x').tensors[0].shape, [3, 2]);
});

test('parseHeader accepts tensors in any header order, zero-size tensors, trailing spaces and sub-byte dtypes', () => {
  const text = '{"b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}, "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [4, 4]}, "a": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}, "q": {"dtype": "F4", "shape": [7], "data_offsets": [8, 12]}}    ';
  const h = parseHeader(Buffer.from(text), 'x');
  assert.deepEqual(
    h.tensors.map((t) => [t.name, t.begin, t.end]),
    [
      ['b', 4, 8],
      ['e', 4, 4],
      ['a', 0, 4],
      ['q', 8, 12],
    ],
  );
  assert.equal(h.dataLength, 12);
  assert.equal(h.dataStart, 8 + Buffer.byteLength(text));
});

test('non-regular files are refused at once (a named pipe does not block), and unreadable dtypes say which are read', async () => {
  const fifo = join(dir, 'pipe.safetensors');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(SafetensorsFile.open(fifo, 'pipe.safetensors'), /pipe.safetensors: is not a regular file \(a named pipe\)/);
  const folder = join(dir, 'folder.safetensors');
  mkdirSync(folder);
  await assert.rejects(SafetensorsFile.open(folder, 'folder.safetensors'), /is not a regular file \(a directory\)|cannot be opened \(EISDIR\)/);
  await assert.rejects(SafetensorsFile.open(join(dir, 'missing.safetensors'), 'missing.safetensors'), /missing.safetensors: cannot be opened \(ENOENT\)/);
  const path = file(safetensorsBytes([{ name: 'ids', dtype: 'I32', shape: [2], bytes: new Uint8Array(8) }]));
  const f = await SafetensorsFile.open(path, 'ids.safetensors');
  await assert.rejects(f.read(f.tensor('ids')!), /ids.safetensors: tensor "ids" is I32; weights are read from F64, F32, F16, BF16/);
  await f.close();
});

test('a tensor is read by its offsets alone: a file with a 4 GB tensor (sparse) serves its small tensors at once', async () => {
  const small = f32([1, 2, 3, 4]);
  const big = 2 ** 32;
  const text = JSON.stringify({ small: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, embedding: { dtype: 'U8', shape: [big], data_offsets: [16, 16 + big] } });
  const bytes = withHeader(text, small);
  const path = file(bytes);
  truncateSync(path, bytes.length + big); // a hole: no disk used
  const started = performance.now();
  const f = await SafetensorsFile.open(path);
  const values = await f.read(f.tensor('small')!);
  await f.close();
  assert.deepEqual(Array.from(values), [1, 2, 3, 4]);
  assert.ok(performance.now() - started < 1000);
  // A layer that would not fit the per-layer limit is refused before allocation.
  const text2 = JSON.stringify({ huge: { dtype: 'F16', shape: [2 ** 20, 2 ** 10], data_offsets: [0, 2 ** 31] } });
  const bytes2 = withHeader(text2);
  const path2 = file(bytes2);
  truncateSync(path2, bytes2.length + 2 ** 31);
  const f2 = await SafetensorsFile.open(path2, 'huge.safetensors');
  await assert.rejects(f2.read(f2.tensor('huge')!), /tensor "huge" \[1048576, 1024\] would take 4,294,967,296 bytes once read, more than the 2,147,483,648 allowed/);
  await f2.close();
});

test('writeSafetensors writes the format byte for byte: header padded to 8, offsets in order, little-endian values', async () => {
  const path = join(dir, 'written.safetensors');
  await writeSafetensors(
    path,
    [
      { name: 'fc1.weight', dtype: 'F32', shape: [2, 2], data: new Float32Array([1, -2, 0.5, 4]) },
      { name: 'fc2.weight', dtype: 'F16', shape: [1, 3], data: [1, 65504, 2 ** -24] },
      { name: 'fc3.weight', dtype: 'BF16', shape: [2], data: new Float64Array([1 + 2 ** -8, -3]) },
      { name: 'fc4.weight', dtype: 'F64', shape: [1], data: [Math.E] },
    ],
    { step: '40', format: 'pt' },
  );
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  assert.deepEqual(header, {
    __metadata__: { step: '40', format: 'pt' },
    'fc1.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
    'fc2.weight': { dtype: 'F16', shape: [1, 3], data_offsets: [16, 22] },
    'fc3.weight': { dtype: 'BF16', shape: [2], data_offsets: [22, 26] },
    'fc4.weight': { dtype: 'F64', shape: [1], data_offsets: [26, 34] },
  });
  const data = bytes.subarray(8 + n);
  assert.equal(data.length, 34);
  assert.deepEqual([0, 4, 8, 12].map((o) => data.readFloatLE(o)), [1, -2, 0.5, 4]);
  assert.deepEqual([16, 18, 20].map((o) => data.readUInt16LE(o)), [0x3c00, 0x7bff, 0x0001]);
  assert.deepEqual([22, 24].map((o) => data.readUInt16LE(o)), [0x3f80, 0xc040]); // 1 + 2⁻⁸ ties to even
  assert.equal(data.readDoubleLE(26), Math.E);
  // And the reader agrees.
  const t = await readAll(path);
  assert.deepEqual(Array.from(t['fc2.weight']), [1, 65504, 2 ** -24]);
  // No temporary file is left behind.
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('written')), ['written.safetensors']);
});

test('writeSafetensors refuses bad tensors before writing anything', async () => {
  const path = join(dir, 'refused.safetensors');
  const good = { name: 'w', dtype: 'F32' as const, shape: [2], data: [1, 2] };
  await assert.rejects(writeSafetensors(path, [good, { ...good }]), /tensor name "w" is empty, reserved or repeated/);
  await assert.rejects(writeSafetensors(path, [{ ...good, name: '' }]), /empty, reserved or repeated/);
  await assert.rejects(writeSafetensors(path, [{ ...good, name: '__metadata__' }]), /reserved/);
  await assert.rejects(writeSafetensors(path, [{ ...good, shape: [3] }]), /shape \[3\] has 3 elements but 2 values were given/);
  await assert.rejects(writeSafetensors(path, [{ ...good, shape: [-2] }]), /shape \[-2\] is not a list of non-negative integers/);
  await assert.rejects(writeSafetensors(path, [{ ...good, dtype: 'I8' as never }]), /dtype I8 is not one of F64, F32, F16, BF16/);
  await assert.rejects(writeSafetensors(path, [good], { step: 3 as never }), /metadata "step" must be a string/);
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('refused')), []);
});
