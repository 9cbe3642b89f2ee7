/**
 * An experiment file that is not UTF-8 JSON text (a fresh user's report): UTF-16 or UTF-32 text, a
 * binary format, bytes of another encoding. Each is one located error before the parser, which
 * reported every NUL (`unexpected character U+0000` …, "84 more errors not shown"), the nesting of a
 * PNG's brackets, or accepted a Latin-1 é as U+FFFD. The real reader, in-process and as a process
 * reading standard input; a UTF-8 byte-order mark stays accepted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodingProblem, readExperimentFile } from '../../../src/cli/experimentFile';
import { runCli } from '../../../src/cli/run';

const REPO = resolve(__dirname, '../../../..');
const CLI = join(REPO, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-encoding-'));

const XOR = '{ "model": { "hidden": [2] }, "data": { "train": { "x": [[0,0],[0,1],[1,0],[1,1]], "y": [0,1,1,0] } } }\n';

function write(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** `flab train FILE` with the real reader, in-process. */
async function train(file: string): Promise<{ code: number; stderr: string }> {
  const r = await runCli(['train', file]);
  return { code: r.code, stderr: r.stderr };
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

const SAVE_AS_UTF8 = 'an experiment file is JSON text in UTF-8; save it as UTF-8 (in Windows PowerShell, `| Out-File -Encoding utf8` rather than `>`)';

test('UTF-16 and UTF-32 text, with or without a byte-order mark: one error, "save it as UTF-8"', async () => {
  const cases: [string, Buffer, string][] = [
    ['u16.flab.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XOR, 'utf16le')]), 'UTF-16 text (it begins with a UTF-16LE byte-order mark)'],
    ['u16be-bom.flab.json', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(XOR)]), 'UTF-16 text (it begins with a UTF-16BE byte-order mark)'],
    ['u16le.flab.json', Buffer.from(XOR, 'utf16le'), 'UTF-16 text (little-endian, without a byte-order mark: a NUL byte after each of its first characters)'],
    ['u16be.flab.json', utf16be(XOR), 'UTF-16 text (big-endian, without a byte-order mark: a NUL byte before each of its first characters)'],
    ['u32.flab.json', Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0, 0x7d, 0, 0, 0]), 'UTF-32 text (it begins with a UTF-32LE byte-order mark)'],
    ['u32be.flab.json', Buffer.from([0, 0, 0, 0x7b, 0, 0, 0, 0x7d]), 'UTF-32 text (big-endian, without a byte-order mark: three NUL bytes before each of its first characters)'],
    ['u32le.flab.json', Buffer.from([0x7b, 0, 0, 0, 0x7d, 0, 0, 0]), 'UTF-32 text (little-endian, without a byte-order mark: three NUL bytes after each of its first characters)'],
  ];
  for (const [name, bytes, what] of cases) {
    const file = write(name, bytes);
    assert.deepEqual(await train(file), { code: 1, stderr: `${file}:1:1: error: the file is ${what}: ${SAVE_AS_UTF8}\n` }, name);
  }
});

test('a data file given as the experiment (flab train data.csv) is not an experiment file: one error, with the data block that reads it', async () => {
  // Until 2026-12 it was the parser's `invalid JSON: unexpected \`a\`` and `the file should end after its object`.
  const csv = write('iris.csv', Buffer.from('sepal,petal,species\n5.1,1.4,setosa\n'));
  const notExperiment = 'this is not an experiment file: an experiment file is a JSON object (a *.flab.json file), and this one begins with `sepal,petal,species`';
  const reads = (what: string, data: string) => `; to train on this ${what}, name it in a network experiment file beside it: ${data} (docs/networks.md, "Data")`;
  assert.deepEqual(await train(csv), { code: 1, stderr: `${csv}:1:1: error: ${notExperiment}${reads('CSV file', '"data": { "format": "csv", "trainFile": "iris.csv" }')}\n` });
  // Located at its first character; a name that is no data file's has no data block.
  const notes = write('notes.txt', Buffer.from('\n  hello\n'));
  assert.deepEqual(await train(notes), { code: 1, stderr: `${notes}:2:3: error: this is not an experiment file: an experiment file is a JSON object (a *.flab.json file), and this one begins with \`hello\`\n` });
  // A binary data file by its name, gzip-compressed too: its encoding's message, then the data block.
  const gz = write('train-images-idx3-ubyte.gz', gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 0])));
  assert.deepEqual(await train(gz), { code: 1, stderr: `${gz}:1:1: error: this is a gzip-compressed file, not a JSON experiment (an experiment file is JSON text in UTF-8): decompress it first (gunzip)${reads('IDX file', '"data": { "format": "idx", "trainImages": "train-images-idx3-ubyte.gz", "trainLabels": … }')}\n` });
  const batch = write('data_batch_1.bin', Buffer.from([3, 0, 1, 2, 0xff]));
  assert.deepEqual(await train(batch), { code: 1, stderr: `${batch}:1:1: error: this is a binary file, not a JSON experiment (an experiment file is JSON text in UTF-8): byte 1 is 00, which a text file does not have${reads('CIFAR-10 batch', '"data": { "format": "cifar10", "trainBatches": "data_batch_1.bin" }')}\n` });
});

test('a binary format is named by its first bytes: one error, where the parser reported the nesting of its brackets or echoed its bytes', async () => {
  const images = join(REPO, 'docs/images');
  const png = existsSync(images) ? readdirSync(images).find((f) => f.endsWith('.png')) : undefined;
  const pngBytes = png ? readFileSync(join(images, png)) : Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 0x5b)]);
  const notJson = '(an experiment file is JSON text in UTF-8)';
  const pngFile = write('image.flab.json', pngBytes);
  assert.deepEqual(await train(pngFile), { code: 1, stderr: `${pngFile}:1:1: error: this is a PNG image, not a JSON experiment ${notJson}\n` });
  const gz = write('gz.flab.json', gzipSync(XOR));
  assert.deepEqual(await train(gz), { code: 1, stderr: `${gz}:1:1: error: this is a gzip-compressed file, not a JSON experiment ${notJson}: decompress it first (gunzip)\n` });

  // The others by the pure check.
  const safetensorsHeader = Buffer.from('{"W_1":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(safetensorsHeader.length));
  const formats: [Buffer, string][] = [
    [Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), 'this is a zip archive (a PyTorch .pt file is one), not a JSON experiment (an experiment file is JSON text in UTF-8)'],
    [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), 'this is a PDF document, not a JSON experiment (an experiment file is JSON text in UTF-8)'],
    [Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), 'this is an ELF executable, not a JSON experiment (an experiment file is JSON text in UTF-8)'],
    [Buffer.concat([length, safetensorsHeader, Buffer.alloc(4)]), 'this is a .safetensors file of weights, not a JSON experiment (an experiment file is JSON text in UTF-8): a checkpoint experiment reads a folder of them, "checkpoints": { "path": … }'],
    [Buffer.from("\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 'latin1'), 'this is a NumPy .npy file, not a JSON experiment (an experiment file is JSON text in UTF-8): a network experiment reads one as data, "data": { "format": "npy", … }'],
    [Buffer.from([0, 0, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]), 'this is an IDX file, as MNIST\'s, not a JSON experiment (an experiment file is JSON text in UTF-8): a network experiment reads one as data, "data": { "format": "idx", … }'],
    [Buffer.from([0x5b, 0x01, 0x02, 0xff, 0x00, 0x5b]), 'this is a binary file, not a JSON experiment (an experiment file is JSON text in UTF-8): byte 4 is 00, which a text file does not have'],
    [Buffer.from([0x7b, 0x7b, 0xc3, 0x28, 0x01]), 'this is a binary file, not a JSON experiment (an experiment file is JSON text in UTF-8): byte 4 is 01, which a text file does not have'],
  ];
  for (const [bytes, message] of formats) assert.deepEqual(encodingProblem(bytes), { message, text: '', offset: 0 }, message);
  // Offsets grouped as every other count (until 2026-12 "byte 1234").
  const late = Buffer.concat([Buffer.from(`{"name": "${'a'.repeat(1224)}`), Buffer.from([0x00])]);
  assert.equal(encodingProblem(late)?.message, 'this is a binary file, not a JSON experiment (an experiment file is JSON text in UTF-8): byte 1,234 is 00, which a text file does not have');
  const latin1 = Buffer.concat([Buffer.from(`{"name": "${'a'.repeat(1224)}`), Buffer.from([0xe9]), Buffer.from('"}')]);
  assert.match(encodingProblem(latin1)?.message ?? '', /^the file is not UTF-8 \(Latin-1 or Windows-1252\?\): byte 1,234 \(E9, "é" in Latin-1 and Windows-1252\)/);
});

test('a byte that is not UTF-8 is located at its line and column, with its offset: "not UTF-8 (Latin-1 or Windows-1252?)"', async () => {
  const text = XOR.replace('{ "model"', '{\n  "name": "caf\xe9",\n  "model"');
  const file = write('latin1.flab.json', Buffer.from(text, 'latin1'));
  assert.deepEqual(await train(file), { code: 1, stderr: `${file}:2:15: error: the file is not UTF-8 (Latin-1 or Windows-1252?): byte 16 (E9, "é" in Latin-1 and Windows-1252) does not begin or continue a UTF-8 character; save the file as UTF-8\n` });
  // After a UTF-8 byte-order mark and UTF-8 characters, the column is the editor's (without the mark, UTF-16 code units).
  const marked = write('marked.flab.json', Buffer.concat([Buffer.from('\uFEFF{ "name": "é😀 ', 'utf8'), Buffer.from([0x92]), Buffer.from('quoted" }')]));
  assert.deepEqual(await train(marked), { code: 1, stderr: `${marked}:1:16: error: the file is not UTF-8 (Latin-1 or Windows-1252?): byte 21 (92, "’" in Windows-1252) does not begin or continue a UTF-8 character; save the file as UTF-8\n` });
  // Ill-formed UTF-8 that Node would decode as U+FFFD: an overlong form, a surrogate, a character cut by the end.
  const at = (bytes: number[]) => {
    const p = encodingProblem(Buffer.from([0x22, ...bytes]));
    return p && { offset: p.offset, message: p.message.replace(/ does not .*/, '') };
  };
  assert.deepEqual(at([0xc0, 0x80, 0x22]), { offset: 1, message: 'the file is not UTF-8 (Latin-1 or Windows-1252?): byte 1 (C0, "À" in Latin-1 and Windows-1252)' });
  assert.deepEqual(at([0xe0, 0x80, 0x80, 0x22]), { offset: 1, message: 'the file is not UTF-8 (Latin-1 or Windows-1252?): byte 1 (E0, "à" in Latin-1 and Windows-1252)' });
  assert.deepEqual(at([0xed, 0xa0, 0x80, 0x22]), { offset: 1, message: 'the file is not UTF-8 (Latin-1 or Windows-1252?): byte 1 (ED, "í" in Latin-1 and Windows-1252)' });
  assert.deepEqual(at([0xf4, 0x90, 0x80, 0x80]), { offset: 1, message: 'the file is not UTF-8 (Latin-1 or Windows-1252?): byte 1 (F4, "ô" in Latin-1 and Windows-1252)' });
  assert.deepEqual(at([0x41, 0xe2, 0x82]), { offset: 2, message: 'the file is not UTF-8 (Latin-1 or Windows-1252?): byte 2 (E2, "â" in Latin-1 and Windows-1252)' });
  assert.equal(at([0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x22]), null, '€ and 😀 are UTF-8');
});

test('UTF-8 text is read as before: a byte-order mark, and a control character left to the parser\'s located message', async () => {
  const marked = write('bom.flab.json', Buffer.from('\uFEFF' + XOR, 'utf8'));
  assert.equal(readExperimentFile(marked), '\uFEFF' + XOR);
  const control = write('escape.flab.json', Buffer.from('{ "name": "a\x1bb", "model": { "hidden": [2] } }'));
  assert.deepEqual(await train(control), { code: 1, stderr: `${control}:1:13: error: invalid JSON: character U+001B (an invisible character) in a string: write it as \\u001b\n` });
  assert.equal(encodingProblem(new Uint8Array(0)), null);
});

test('standard input is checked as a file is', () => {
  const r = spawnSync(process.execPath, [CLI, 'train', '-'], { input: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XOR, 'utf16le')]), timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.toString(), `-:1:1: error: the file is UTF-16 text (it begins with a UTF-16LE byte-order mark): ${SAVE_AS_UTF8}\n`);
  const latin1 = spawnSync(process.execPath, [CLI, 'train', '-'], { input: Buffer.from('{ "name": "caf\xe9" }', 'latin1'), timeout: 30_000 });
  assert.equal(latin1.status, 1);
  assert.equal(latin1.stderr.toString(), '-:1:15: error: the file is not UTF-8 (Latin-1 or Windows-1252?): byte 14 (E9, "é" in Latin-1 and Windows-1252) does not begin or continue a UTF-8 character; save the file as UTF-8\n');
});
