// Data readers (issue 11, "Data"): loading each format as a whole Node process against a floor that
// does only the unavoidable work (read the bytes, decompress, convert to float32) with no checks, and
// for CSV and .npy against NumPy (python3 numpy.loadtxt / numpy.load, start-up included).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { bundleScript, median, ms, repo, scratchDir, sideBySide } from './util.mjs';

const REPETITIONS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 7);
const mnistDir = join(repo, 'media', 'mnist');

/** A Node script that loads the data spec (argv[2], JSON) relative to argv[3] and touches every input. */
function loader() {
  return bundleScript('load-data.js', `import { loadDataset } from './src/core/network/data/loadDataset';
    loadDataset(JSON.parse(process.argv[2]), { baseDir: process.argv[3], mnistDir: ${JSON.stringify(mnistDir)} }).then((d) => {
      let sum = 0;
      for (let i = 0; i < d.train.x.length; i += 97) sum += d.train.x[i];
      if (!Number.isFinite(sum)) process.exit(1);
    }, (err) => { console.error(String(err)); process.exit(1); });`);
}

/** A bare Node script: `body` (plain JavaScript with fs, zlib in scope) must leave a Float32Array in x. */
function floor(name, body) {
  const file = join(scratchDir(), name);
  writeFileSync(file, `const fs = require('node:fs'); const zlib = require('node:zlib');
    const x = (() => { ${body} })();
    let sum = 0; for (let i = 0; i < x.length; i += 97) sum += x[i];
    if (!Number.isFinite(sum)) process.exit(1);`);
  return file;
}

/** Median wall time of a python3 command (`-c code args…`), or null when python3 with numpy is missing. */
function timePython(code, args, repetitions) {
  const times = [];
  for (let r = 0; r < repetitions; r++) {
    const start = performance.now();
    const p = spawnSync('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (p.status !== 0) return null;
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The embedded digits as bytes (images, labels), and 60,000 of them (the embedded six times over). */
function digits() {
  const images = gunzipSync(readFileSync(join(mnistDir, 'mnist-10k-images-idx3-ubyte.gz'))).subarray(16);
  const labels = gunzipSync(readFileSync(join(mnistDir, 'mnist-10k-labels-idx1-ubyte.gz'))).subarray(8);
  return { images, labels };
}

function idx(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

const x = (a, b) => `×${(a / b).toFixed(2)}`;

/** The embedded MNIST (10,000 digits) and 60,000 MNIST-sized IDX images, plain and gzip. */
async function idxSection() {
  const dir = scratchDir();
  const { images, labels } = digits();
  const n = 60_000;
  const big = Buffer.concat(Array.from({ length: 6 }, () => images));
  const bigLabels = Buffer.concat(Array.from({ length: 6 }, () => labels));
  writeFileSync(join(dir, 'images-60k'), idx([n, 28, 28], big));
  writeFileSync(join(dir, 'labels-60k'), idx([n], bigLabels));
  writeFileSync(join(dir, 'images-60k.gz'), gzipSync(idx([n, 28, 28], big)));
  writeFileSync(join(dir, 'labels-60k.gz'), gzipSync(idx([n], bigLabels)));
  const load = await loader();
  const spec = (images, labels) => JSON.stringify({ format: 'idx', trainImages: images, trainLabels: labels });
  const convert = `const y = new Float32Array(b.length - 16); for (let i = 0; i < y.length; i++) y[i] = b[16 + i] / 255; return y;`;
  const plainFloor = floor('floor-idx.js', `const b = fs.readFileSync(${JSON.stringify(join(dir, 'images-60k'))}); fs.readFileSync(${JSON.stringify(join(dir, 'labels-60k'))}); ${convert}`);
  const gzFloor = floor('floor-idx-gz.js', `const b = zlib.gunzipSync(fs.readFileSync(${JSON.stringify(join(dir, 'images-60k.gz'))})); zlib.gunzipSync(fs.readFileSync(${JSON.stringify(join(dir, 'labels-60k.gz'))})); ${convert}`);
  const mnistFloor = floor('floor-mnist.js', `const b = zlib.gunzipSync(fs.readFileSync(${JSON.stringify(join(mnistDir, 'mnist-10k-images-idx3-ubyte.gz'))})); zlib.gunzipSync(fs.readFileSync(${JSON.stringify(join(mnistDir, 'mnist-10k-labels-idx1-ubyte.gz'))})); ${convert}`);
  const [plain, plainF, gz, gzF, mnist, mnistF] = sideBySide([
    [load, spec('images-60k', 'labels-60k'), dir], [plainFloor],
    [load, spec('images-60k.gz', 'labels-60k.gz'), dir], [gzFloor],
    [load, JSON.stringify({ dataset: 'mnist', train: 10_000 }), dir], [mnistFloor],
  ], REPETITIONS);
  return `IDX 60,000 × 28 × 28 plain: loadDataset ${ms(plain)}, floor (readFileSync, bytes/255) ${ms(plainF)}: ${x(plain, plainF)}; ` +
    `gzip: ${ms(gz)}, floor (gunzipSync) ${ms(gzF)}: ${x(gz, gzF)}; embedded MNIST 10,000: ${ms(mnist)}, floor ${ms(mnistF)}: ${x(mnist, mnistF)} (whole processes, median of ${REPETITIONS}, alternating)`;
}

/** MNIST as CSV (label first, 784 pixel values; 10,000 rows, like the mnist_train.csv files people share). */
async function csvSection() {
  const dir = scratchDir();
  const { images, labels } = digits();
  const lines = ['label,' + Array.from({ length: 784 }, (_, p) => `p${p}`).join(',')];
  for (let i = 0; i < 10_000; i++) lines.push(`${labels[i]},${Array.from(images.subarray(i * 784, (i + 1) * 784)).join(',')}`);
  const file = join(dir, 'mnist.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const load = await loader();
  const naive = floor('floor-csv.js', `const rows = fs.readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n'); const y = new Float32Array((rows.length - 2) * 784);
    for (let r = 1; r < rows.length - 1; r++) { const f = rows[r].split(','); for (let j = 1; j < 785; j++) y[(r - 1) * 784 + j - 1] = Number(f[j]); } return y;`);
  const [csv, floorTime] = sideBySide([[load, JSON.stringify({ format: 'csv', trainFile: 'mnist.csv', label: 'label' }), dir], [naive]], REPETITIONS);
  const numpy = timePython('import numpy as np, sys; a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=np.float32)', [file], Math.max(3, REPETITIONS - 4));
  const size = (readFileSync(file).length / 2 ** 20).toFixed(1);
  return `CSV 10,000 × 785 (${size} MiB): loadDataset ${ms(csv)}, naive split/Number floor ${ms(floorTime)}: ${x(csv, floorTime)}` +
    (numpy === null ? '; numpy not available' : `; numpy.loadtxt ${ms(numpy)} (python start-up included): ${x(csv, numpy)}`);
}

/** NumPy arrays: 60,000 × 784 float32 inputs and int64 labels. */
async function npySection() {
  const dir = scratchDir();
  const ok = spawnSync('python3', ['-c', `import numpy as np; r = np.random.default_rng(0); np.save("${join(dir, 'x.npy')}", r.random((60000, 784), dtype=np.float32)); np.save("${join(dir, 'y.npy')}", r.integers(0, 10, 60000))`]);
  if (ok.status !== 0) return 'skipped: python3 with numpy is needed to write the .npy files';
  const load = await loader();
  const copy = floor('floor-npy.js', `const b = fs.readFileSync(${JSON.stringify(join(dir, 'x.npy'))}); fs.readFileSync(${JSON.stringify(join(dir, 'y.npy'))}); return new Float32Array(b.buffer.slice(b.byteOffset + 128, b.byteOffset + b.length));`);
  const [npy, floorTime] = sideBySide([[load, JSON.stringify({ format: 'npy', trainX: 'x.npy', trainY: 'y.npy' }), dir], [copy]], REPETITIONS);
  const numpy = timePython('import numpy as np, sys; x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); x.sum()', [join(dir, 'x.npy'), join(dir, 'y.npy')], Math.max(3, REPETITIONS - 4));
  return `.npy 60,000 × 784 <f4 (188 MB): loadDataset ${ms(npy)}, floor (readFileSync, one typed-array copy) ${ms(floorTime)}: ${x(npy, floorTime)}` +
    (numpy === null ? '' : `; numpy.load ${ms(numpy)} (python start-up included)`);
}

/** One CIFAR-10 batch of 10,000 images (random pixels: reading does not depend on them). */
async function cifarSection() {
  const dir = scratchDir();
  const batch = Buffer.alloc(10_000 * 3073);
  for (let i = 0; i < batch.length; i++) batch[i] = (i * 2654435761) >>> 24;
  for (let r = 0; r < 10_000; r++) batch[r * 3073] = r % 10;
  writeFileSync(join(dir, 'data_batch_1.bin'), batch);
  const load = await loader();
  const bare = floor('floor-cifar.js', `const b = fs.readFileSync(${JSON.stringify(join(dir, 'data_batch_1.bin'))}); const y = new Float32Array(10000 * 3072);
    for (let r = 0; r < 10000; r++) for (let p = 0; p < 3072; p++) y[r * 3072 + p] = b[r * 3073 + 1 + p] / 255; return y;`);
  const [cifar, floorTime] = sideBySide([[load, JSON.stringify({ format: 'cifar10', trainBatches: ['data_batch_1.bin'] }), dir], [bare]], REPETITIONS);
  return `CIFAR-10 batch, 10,000 images: loadDataset ${ms(cifar)}, floor (readFileSync, bytes/255) ${ms(floorTime)}: ${x(cifar, floorTime)}`;
}

export const sections = [
  { name: 'data: IDX (plain, gzip, the embedded MNIST) vs reading and converting the bytes', run: idxSection },
  { name: 'data: CSV vs a naive split parse and numpy.loadtxt', run: csvSection },
  { name: 'data: .npy vs one typed-array copy and numpy.load', run: npySection },
  { name: 'data: CIFAR-10 batch vs reading and converting the bytes', run: cifarSection },
];
