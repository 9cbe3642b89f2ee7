// Checkpoints (issue 12, "Speed"): reading and measuring a checkpoint of four 2048² F32 layers against
// reading its bytes, side by side in one process; and the layer metrics of a 784-256-256-256-10 MLP (the
// built-in trainer's per-record cost) against the same metrics in numpy, each with JavaScript and
// TensorFlow.js (WebAssembly) products. Medians of alternating repetitions.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { bundleScript, repo, scratchDir } from './util.mjs';

const REPETITIONS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 7);
const WASM = JSON.stringify(join(repo, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');

/** Shared by both snippets: seeded Kaiming-normal layers, a perturbed copy, and the two products. */
const COMMON = `
  import * as tf from '@tensorflow/tfjs-core';
  import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
  import { jsProducts, tfjsProducts } from './src/core/network/layerMetrics';
  function generator(seed: number) {
    let s = seed >>> 0;
    const uniform = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s + 0.5) / 4294967296; };
    return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  /** rows × cols, N(0, 2/cols), plus 'moved' times another such draw. */
  function layer(rows: number, cols: number, seed: number, moved = 0): Float32Array {
    const a = generator(seed), b = generator(seed + 1000);
    const d = new Float32Array(rows * cols);
    const sd = Math.sqrt(2 / cols);
    for (let i = 0; i < d.length; i++) d[i] = sd * (a() + moved * b());
    return d;
  }
  function median(xs: number[]) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }
  async function engines() {
    setWasmPaths(${WASM});
    await tf.setBackend('wasm');
    await tf.ready();
    return { js: jsProducts, wasm: tfjsProducts(tf) };
  }
`;

/** The live cost of one new checkpoint (read + measure against the kept first one) against reading its bytes. */
async function bigCheckpoint() {
  const dir = scratchDir();
  const script = await bundleScript(
    'checkpoints-big.js',
    `${COMMON}
    import { promises as fs } from 'node:fs';
    import { join } from 'node:path';
    import { CheckpointReader, readCheckpoints } from './src/core/checkpoints/checkpointReader';
    import { writeSafetensors } from './src/core/checkpoints/writeSafetensors';
    const dir = ${JSON.stringify(dir)};
    const N = 2048;
    const names = ['fc1.weight', 'fc2.weight', 'fc3.weight', 'fc4.weight'];
    async function write(path: string, moved: number) {
      await writeSafetensors(path, names.map((name, l) => ({ name, dtype: 'F32' as const, shape: [N, N], data: layer(N, N, 10 * l + 1, moved) })));
    }
    async function readBytes(path: string) {
      const h = await fs.open(path, 'r');
      const { size } = await h.stat();
      const buf = Buffer.allocUnsafe(size);
      for (let done = 0; done < size; ) done += (await h.read(buf, done, Math.min(16 << 20, size - done), done)).bytesRead;
      await h.close();
      return buf.length;
    }
    (async () => {
      const { js, wasm } = await engines();
      const first = join(dir, 'big_0.safetensors');
      const stored = join(dir, 'big_1.stored');
      const next = join(dir, 'big_1.safetensors');
      await write(first, 0);
      await write(stored, 0.05);
      const configs = { wasm: { products: wasm }, wasmNoTop: { products: wasm, zetaTop: false }, js: { products: js } };
      const readers = Object.fromEntries(Object.entries(configs).map(([k, measure]) => [k, new CheckpointReader({ path: 'big_*.safetensors' }, { baseDir: dir, measure })]));
      for (const reader of Object.values(readers)) await reader.refresh(); // the first checkpoint, kept as the reference
      // Wall time, and the process's CPU time (every thread: reads run in libuv's pool), which a busy machine disturbs less.
      const times: Record<string, number[]> = {};
      const clock = async (name: string, run: () => Promise<unknown>) => {
        const wall = performance.now();
        const cpu = process.cpuUsage();
        const value = await run();
        const used = process.cpuUsage(cpu);
        (times[name] ??= []).push(performance.now() - wall);
        (times[name + 'Cpu'] ??= []).push((used.user + used.system) / 1000);
        return value;
      };
      for (let r = 0; r < ${REPETITIONS}; r++) {
        for (const [name, reader] of Object.entries(readers)) {
          await fs.copyFile(stored, next);
          await clock('read', () => readBytes(next));
          const report = (await clock(name, () => reader.refresh())) as { added: number[] };
          if (report.added.length !== 1) throw new Error('the new checkpoint was not measured: ' + JSON.stringify(reader.result().problems));
          await fs.rm(next);
          await reader.refresh(); // forget it, so that the next round reads it again
        }
      }
      const out: Record<string, number> = { size: (await fs.stat(first)).size };
      for (const [k, ts] of Object.entries(times)) out[k] = median(ts);
      await fs.copyFile(stored, next);
      let t = performance.now();
      const once = await readCheckpoints({ path: 'big_*.safetensors' }, { baseDir: dir, measure: configs.wasm });
      out.oneShot = performance.now() - t;
      t = performance.now();
      await readBytes(first);
      await readBytes(next);
      out.oneShotRead = performance.now() - t;
      out.zetaError = Math.max(...once.alignment.map((a) => (a.zetaError ? a.zetaError[1] / a.zeta[1]! : 0)));
      console.log(JSON.stringify(out));
    })();`,
  );
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(r.stderr.slice(0, 800));
  const o = JSON.parse(r.stdout);
  const mb = (o.size / 1e6).toFixed(0);
  const ratio = (key) => `${(o[key] / o.read).toFixed(1)} (CPU time ${(o[key + 'Cpu'] / o.readCpu).toFixed(1)})`;
  return (
    `one new ${mb} MB checkpoint (four 2048² F32 layers) read and measured against the kept first one: ` +
    `${o.wasm.toFixed(0)} ms with TensorFlow.js products (${o.wasmNoTop.toFixed(0)} ms without ζ_top), ${o.js.toFixed(0)} ms with JavaScript ones, ` +
    `against ${o.read.toFixed(0)} ms to read its bytes (CPU ${o.readCpu.toFixed(0)} ms): ratio ${ratio('wasm')}, without ζ_top ${ratio('wasmNoTop')}, in JavaScript ${ratio('js')} ` +
    `(target ≤ 3; medians of ${REPETITIONS}, alternating; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); ` +
    `one-shot read of both checkpoints ${o.oneShot.toFixed(0)} ms vs ${o.oneShotRead.toFixed(0)} ms of bytes; ` +
    `largest relative standard error of an estimated ζ ${(100 * o.zetaError).toFixed(2)} %`
  );
}

/** numpy's float32 version of the same metrics (norms, distances, exact ζ, ζ_top from a full SVD), timed in-process, single-threaded. */
const NUMPY = `
import json, sys, time
import numpy as np
def read(path):
    raw = open(path, 'rb').read()
    n = int.from_bytes(raw[:8], 'little')
    header = json.loads(raw[8:8 + n])
    names = sorted((k for k in header if k != '__metadata__'), key=lambda k: int(k[2:k.index('.')]))
    return [np.frombuffer(raw[8 + n + header[k]['data_offsets'][0]: 8 + n + header[k]['data_offsets'][1]], dtype='<f4').reshape(header[k]['shape']) for k in names]
W, W0 = read(sys.argv[1]), read(sys.argv[2])
def measure():
    norms = [float(np.linalg.norm(w)) for w in W]
    dist = [float(np.linalg.norm(w - w0) / np.linalg.norm(w0)) for w, w0 in zip(W, W0)]
    svd = [np.linalg.svd(w, full_matrices=False) for w in W]
    zeta = [float(np.linalg.norm(W[l + 1] @ W[l]) / (norms[l] * norms[l + 1])) for l in range(len(W) - 1)]
    top = [float(abs(svd[l + 1][2][0] @ svd[l][0][:, 0])) for l in range(len(W) - 1)]
    return zeta, top
measure()
times = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter(); zeta, top = measure(); times.append((time.perf_counter() - t) * 1000)
print(json.dumps({'ms': sorted(times)[len(times) // 2], 'zeta': zeta, 'zetaTop': top}))
`;

/** The built-in trainer's per-record metrics of a 784-256-256-256-10 MLP, against numpy. */
async function mlpRecord() {
  const dir = scratchDir();
  const script = await bundleScript(
    'checkpoints-mlp.js',
    `${COMMON}
    import { join } from 'node:path';
    import { measureNetwork, SingularTriplet } from './src/core/network/layerMetrics';
    import { writeSafetensors } from './src/core/checkpoints/writeSafetensors';
    const sizes = [784, 256, 256, 256, 10];
    const dims = sizes.slice(1).map((rows, l) => ({ rows, cols: sizes[l] }));
    const W0 = dims.map((d, l) => ({ ...d, data: layer(d.rows, d.cols, 7 * l + 3) }));
    const W = dims.map((d, l) => ({ ...d, data: layer(d.rows, d.cols, 7 * l + 3, 0.05) }));
    (async () => {
      const dir = ${JSON.stringify(dir)};
      const save = (file: string, ws: typeof W) => writeSafetensors(join(dir, file), ws.map((w, l) => ({ name: 'fc' + (l + 1) + '.weight', dtype: 'F32' as const, shape: [w.rows, w.cols], data: w.data })));
      await save('mlp.safetensors', W);
      await save('mlp0.safetensors', W0);
      const { js, wasm } = await engines();
      const out: Record<string, unknown> = {};
      const cases = {
        jsCold: () => measureNetwork(W, W0, { products: js }),
        wasmCold: () => measureNetwork(W, W0, { products: wasm }),
        wasmZetaOnly: () => measureNetwork(W, W0, { products: wasm, zetaTop: false }),
        wasmWarm: () => {
          const spectra = new Map<number, SingularTriplet>();
          measureNetwork(W0, W0, { products: wasm, spectra }); // the previous record
          const t = performance.now();
          measureNetwork(W, W0, { products: wasm, spectra });
          return performance.now() - t;
        },
      };
      const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
      for (let r = -1; r < ${REPETITIONS}; r++) {
        for (const [name, run] of Object.entries(cases)) {
          const t = performance.now();
          const value = run();
          const ms = typeof value === 'number' ? value : performance.now() - t;
          if (r >= 0) times[name].push(ms);
        }
      }
      for (const [name, ts] of Object.entries(times)) out[name] = median(ts);
      const m = measureNetwork(W, W0, { products: js });
      out.zeta = m.alignment.map((p) => p!.zeta);
      out.zetaTop = m.alignment.map((p) => p!.zetaTop);
      console.log(JSON.stringify(out));
    })();`,
  );
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(r.stderr.slice(0, 800));
  const o = JSON.parse(r.stdout);
  const py = join(dir, 'mlp-metrics.py');
  writeFileSync(py, NUMPY);
  // One BLAS thread, as the JavaScript side has one thread (and threads thrash on a busy machine).
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const p = spawnSync('python3', [py, join(dir, 'mlp.safetensors'), join(dir, 'mlp0.safetensors'), String(REPETITIONS)], { encoding: 'utf8', env });
  if (p.status !== 0) throw new Error(`numpy reference: ${p.stderr.slice(0, 500)}`);
  const n = JSON.parse(p.stdout);
  const gap = (a, b) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  return (
    `784-256-256-256-10 MLP, one record: ${o.wasmCold.toFixed(1)} ms with TensorFlow.js products (${o.wasmWarm.toFixed(1)} ms warm-started from the previous record, ` +
    `${o.wasmZetaOnly.toFixed(1)} ms without ζ_top), ${o.jsCold.toFixed(1)} ms with JavaScript ones; numpy float32, one thread (full SVDs for ζ_top) ${n.ms.toFixed(1)} ms: ` +
    `ratio ${(o.wasmWarm / n.ms).toFixed(2)} warm, ${(o.wasmCold / n.ms).toFixed(2)} cold (median of ${REPETITIONS}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); ` +
    `largest difference from numpy: ζ ${gap(o.zeta, n.zeta).toExponential(1)}, ζ_top ${gap(o.zetaTop, n.zetaTop).toExponential(1)}`
  );
}

export const sections = [
  { name: 'checkpoint of four 2048² layers: read + measure vs read', run: bigCheckpoint },
  { name: 'layer metrics of a 784-256-256-256-10 MLP vs numpy', run: mlpRecord },
];
