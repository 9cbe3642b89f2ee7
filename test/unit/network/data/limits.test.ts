import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { formatBytes } from '../../../../src/core/network/data/dataError';
import { dataFileRef, dataLength, withDataFile } from '../../../../src/core/network/data/dataFile';
import { IdxSpec } from '../../../../src/core/network/data/dataSpec';
import { loadDataset } from '../../../../src/core/network/data/loadDataset';
import { idxBytes, rejectsAt, tempDir, write } from './fixtures';

const dir = tempDir();
const o = { baseDir: dir };
write(dir, 'labels', idxBytes('u8', [4], [0, 1, 2, 3]));
write(dir, 'images', idxBytes('u8', [4, 2, 2], new Array(16).fill(7)));
const spec = (over: Partial<IdxSpec>): IdxSpec => ({ format: 'idx', trainImages: 'images', trainLabels: 'labels', ...over });

/** Rejects if `p` has not settled within `ms`: reading must never block. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

test('a FIFO, a device, a directory, a missing file: refused at once, never read', async () => {
  const fifo = join(dir, 'fifo');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status === 0) {
    await within(rejectsAt(loadDataset(spec({ trainImages: 'fifo' }), o), { path: 'data.trainImages', message: /^fifo: expected a regular file, found a named pipe$/ }), 2000);
  }
  await within(rejectsAt(loadDataset(spec({ trainImages: '/dev/zero' }), o), { path: 'data.trainImages', message: /^\/dev\/zero: expected a regular file, found a character device$/ }), 2000);
  mkdirSync(join(dir, 'folder'));
  await rejectsAt(loadDataset(spec({ trainLabels: 'folder' }), o), { path: 'data.trainLabels', message: /^folder: expected a regular file, found a directory$/ });
  await rejectsAt(loadDataset(spec({ trainLabels: 'nothing/here' }), o), { path: 'data.trainLabels', message: /^nothing\/here: file not found/ });
  // No shell expands "~", and a URI is no path: each said (until 2026-12 "file not found" alone).
  await rejectsAt(loadDataset(spec({ trainLabels: '~/labels' }), o), { path: 'data.trainLabels', message: /file not found \(resolved to .*~\/labels\) — "~" is not your home folder here \(no shell expands it\)/ });
  await rejectsAt(loadDataset(spec({ trainLabels: 'file:///tmp/labels' }), o), { path: 'data.trainLabels', message: /file not found \(resolved to .*\) — a URI, not a path/ });
  // A loop of symbolic links (until 2026-12 the system's "ELOOP: too many symbolic links encountered, open …").
  symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
  symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
  await rejectsAt(loadDataset(spec({ trainLabels: 'loop-a' }), o), { path: 'data.trainLabels', message: /^loop-a: the path goes round a loop of symbolic links \(resolved to / });
});

test('a file the system refuses to read (EIO) is a located data error, not an internal one', { skip: !existsSync('/proc/self/mem') && 'no /proc/self/mem here' }, async () => {
  // /proc/self/mem is a regular file of size 0 whose read at offset 0 fails with EIO.
  await within(rejectsAt(loadDataset(spec({ trainImages: '/proc/self/mem' }), o), { path: 'data.trainImages', offset: 0, message: /^\/proc\/self\/mem, byte 0: cannot read the file: EIO: i\/o error, read \(the system refused the read\)$/ }), 2000);
  await within(rejectsAt(loadDataset({ format: 'csv', trainFile: '/proc/self/mem' }, o), { path: 'data.trainFile', message: /cannot read the file: EIO/ }), 2000);
});

test('a file whose size reads 0 but that has content (/proc) is read through, within the read limit, not taken as empty', { skip: !existsSync('/proc/version') && 'no /proc here' }, async () => {
  // /proc/version says 0 bytes and holds a line (the same at every read); a CIFAR-10 batch of it was
  // "the file is empty" until 2026-12-02.
  assert.equal(statSync('/proc/version').size, 0);
  const text = readFileSync('/proc/version');
  assert.ok(text.length > 0);
  const ref = dataFileRef('/proc/version', dir, 'data.trainBatches');
  await withDataFile(ref, 1 << 20, async (r) => {
    assert.equal(r.dataSize, undefined, 'the size is not known before reading');
    assert.equal(await dataLength(r), text.length);
  });
  // Skipped bytes are read, to know that they are there, and counted: what follows is the rest.
  await withDataFile(ref, 1 << 20, async (r) => {
    assert.equal(await r.skip(5), 5);
    const rest = new Uint8Array(text.length);
    assert.equal(await r.read(rest), text.length - 5);
    assert.deepEqual(Buffer.from(rest.subarray(0, text.length - 5)), text.subarray(5));
    assert.equal(await r.skip(1), 0);
  });
  // Within the read limit, counted as it is read.
  await withDataFile(ref, 16, async (r) => {
    await rejectsAt(dataLength(r), { path: 'data.trainBatches', offset: 16, message: /^\/proc\/version, byte 16: reading on would pass 16 bytes, the limit of bytes read from one data file/ });
  });
  await rejectsAt(loadDataset({ format: 'cifar10', trainBatches: '/proc/version' }, o), {
    path: 'data.trainBatches',
    message: new RegExp(`^/proc/version, byte 0: ${formatBytes(text.length).replace(/[()]/g, '\\$&')} is not a whole number of 3,073-byte CIFAR-10 records .*: the file is not a CIFAR-10 batch — it looks like text`),
  });
  // A file that is empty is still said so.
  write(dir, 'empty.bin', '');
  await rejectsAt(loadDataset({ format: 'cifar10', trainBatches: 'empty.bin' }, o), { path: 'data.trainBatches', message: /^empty.bin, byte 0: the file is empty: expected CIFAR-10 records/ });
});

test('sizes beyond the memory limit are refused from the header, before anything is allocated', async () => {
  // A gzip file whose header declares 4·10⁹ images of 28 × 28: 12 TiB of float32, from 60 bytes on disk.
  const header = idxBytes('u8', [4_000_000_000, 28, 28], []);
  write(dir, 'huge.gz', header, true);
  write(dir, 'huge-labels.gz', idxBytes('u8', [4_000_000_000], []), true);
  const before = process.memoryUsage().arrayBuffers;
  await rejectsAt(loadDataset(spec({ trainImages: 'huge.gz', trainLabels: 'huge-labels.gz', train: 3_000_000_000 }), o), {
    path: 'data.trainImages',
    message: /training inputs: 3,000,000,000 × 784 float32 values = 8.6 TiB \(9,408,000,000,000 bytes\) exceed the limit of 1 GiB \(1,073,741,824 bytes\) for one data set in memory/,
  });
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'nothing large was allocated');
  // Samples of 4·10⁹ × 4·10⁹ × 4·10⁹ pixels: sizes float64 holds only roughly, as powers of ten (until
  // 2026-12 `3 × 6.4e+28 float32 values = 682121026329696 PiB (7.680000000000001e+29 bytes)`).
  write(dir, 'vast.gz', idxBytes('u8', [3, 4_000_000_000, 4_000_000_000, 4_000_000_000], []), true);
  write(dir, 'vast-labels.gz', idxBytes('u8', [3], []), true);
  await rejectsAt(loadDataset(spec({ trainImages: 'vast.gz', trainLabels: 'vast-labels.gz' }), o), {
    path: 'data.trainImages',
    message: /training inputs: 3 × 6.4·10²⁸ float32 values = 620 RiB \(7.7·10²⁹ bytes\) exceed the limit of 1 GiB \(1,073,741,824 bytes\) for one data set in memory/,
  });
  // The same check with a small limit, against a real file: 4 images of 2 × 2 need 64 + 32 bytes.
  await rejectsAt(loadDataset(spec({}), { ...o, maxBytes: 70 }), { path: 'data.trainLabels', message: /^training targets: 4 × 1 values, and 4 sample indices = 32 bytes on top of the 64 bytes already loaded exceed the limit of 70 bytes/ });
  const ok = await loadDataset(spec({}), { ...o, maxBytes: 96 });
  assert.equal(ok.train.count, 4);
});

test('a gzip bomb stops at the read limit instead of decompressing on', async () => {
  // 16 MiB of zeros (16 KiB compressed) as a CIFAR-10 batch, counted by decompressing: stopped at 1 MiB.
  const n = 16 << 20;
  const body = Buffer.alloc(8 + n);
  body.set(idxBytes('u8', [n], []));
  write(dir, 'bomb.gz', gzipSync(body));
  await rejectsAt(loadDataset({ format: 'cifar10', trainBatches: 'bomb.gz' }, { ...o, maxReadBytes: 1 << 20 }), { path: 'data.trainBatches', message: /reading on would pass 1 MiB \(1,048,576 bytes\) of decompressed data, the limit of bytes read from one data file/ });
});

test('a load can be aborted', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(loadDataset(spec({}), { ...o, signal: controller.signal }), { name: 'AbortError' });
});

test('a CSV is refused only for rows it has: its buffers grow to what the limit leaves, and the row that does not fit is the one named', async () => {
  // 40,000 rows of 2 features and a class: 32 bytes a row while reading (inputs, the class value, its
  // line and column, a reference to its name), 1.28 MB. Refused before 2026-12-02 under a limit of
  // 1.3 MB: the buffers grew to the rows the file's size suggested plus 10 % (gzip: by doubling).
  const rows = Array.from({ length: 40_000 }, (_, i) => `${i % 7},${i % 3},${i % 2 ? 'cat' : 'dog'}`).join('\n');
  write(dir, 'many.csv', `a,b,label\n${rows}\n`);
  write(dir, 'many.csv.gz', gzipSync(`a,b,label\n${rows}\n`));
  for (const file of ['many.csv', 'many.csv.gz']) {
    const ok = await loadDataset({ format: 'csv', trainFile: file }, { ...o, maxBytes: 1_300_000 });
    assert.equal(ok.train.count, 40_000, file);
    // Under 1 MB, beside the names' 12 bytes, 31,249 rows fit: the 31,250th is refused, not rows the file may not have.
    await rejectsAt(loadDataset({ format: 'csv', trainFile: file }, { ...o, maxBytes: 1_000_000 }), { path: 'data.trainFile', message: /^training samples read from many\.csv(\.gz)?: 31,250 × 2 float32 inputs and their targets = 977 KiB \(1,000,000 bytes\) on top of the 12 bytes already loaded exceed the limit of 977 KiB \(1,000,000 bytes\)/ });
  }
  // 10 rows of 3,000 features (120 KB) under 1 MB: the first growth, 1,024 rows, was 12 MB.
  const wide = Array.from({ length: 10 }, (_, i) => [...Array.from({ length: 3000 }, (_, j) => (i * j) % 10), i % 2].join(',')).join('\n');
  write(dir, 'wide.csv', `${wide}\n`);
  const w = await loadDataset({ format: 'csv', trainFile: 'wide.csv', header: false }, { ...o, maxBytes: 1_000_000 });
  assert.equal(w.train.count, 10);
  assert.equal(w.train.features, 3000);
});

test('a CSV\'s class names count against the limit, each distinct name once', async () => {
  // Two names of 4,000 characters over 1,000 rows: 16,000 bytes of names, not 1,000 × 8,000.
  const name = (c: string) => c.repeat(4000);
  const two = Array.from({ length: 1000 }, (_, i) => `${i % 5},${name(i % 2 ? 'a' : 'b')}`).join('\n');
  write(dir, 'long-names.csv', `${two}\n`);
  const ok = await loadDataset({ format: 'csv', trainFile: 'long-names.csv', header: false }, { ...o, maxBytes: 100_000 });
  assert.equal(ok.train.count, 1000);
  // Five distinct names of 4,000 characters (8,000 bytes each) under 50,000 bytes, beside the reading
  // buffers of 1,024 rows (28 bytes each): the third does not fit. The buffers are counted with the
  // names (a breaker's file held 1.9 times the limit: the names were reserved without them).
  const five = Array.from({ length: 5 }, (_, i) => `${i},${name('abcde'[i])}`).join('\n');
  write(dir, 'five-names.csv', `${five}\n`);
  await rejectsAt(loadDataset({ format: 'csv', trainFile: 'five-names.csv', header: false }, { ...o, maxBytes: 50_000 }), { path: 'data.trainFile', message: /^training class names read from five-names\.csv: name 3 \(line 3\) and the buffers of 1,024 rows = 35\.8 KiB \(36,672 bytes\) on top of the 15\.6 KiB \(16,000 bytes\) already loaded exceed the limit of 48\.8 KiB \(50,000 bytes\)/ });
});
