/**
 * The TensorFlow.js backend the trainer runs on: WebAssembly with SIMD (XNNPACK kernels), one thread
 * (docs/networks.md, "Speed"). The .wasm binaries are read from disk at run time: next to the running
 * bundle (scripts/build.mjs copies them into dist/), else from the installed package, found by walking
 * up from the bundle's folder (the tests' bundles in out/ and a source checkout).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** The binaries the backend may load: with SIMD (every current Node), and without (the fallback). */
export const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'] as const;
const PACKAGE_DIST = join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

/**
 * The folder holding the .wasm binaries, searched from `start` upwards: `start` itself, then
 * `<dir>/node_modules/@tensorflow/tfjs-backend-wasm/dist` at every level. Null when none has them.
 */
export function findWasmDirectory(start: string = __dirname): string | null {
  const has = (dir: string) => WASM_FILES.every((f) => existsSync(join(dir, f)));
  if (has(start)) return start;
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, PACKAGE_DIST);
    if (has(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

let ready: Promise<void> | null = null;

/**
 * Makes the WebAssembly backend current, once per process (later calls share the first one's
 * promise). `directory` overrides the search for the binaries. Rejects with the folders searched when
 * the binaries are missing or fail to load.
 */
export function useWasmBackend(directory?: string): Promise<void> {
  ready ??= (async () => {
    const dir = directory ?? findWasmDirectory();
    if (!dir) throw new Error(`the TensorFlow.js WebAssembly binaries (${WASM_FILES.join(', ')}) are neither in ${__dirname} nor in ${PACKAGE_DIST} of it or any parent folder`);
    setWasmPaths(dir.endsWith(sep) ? dir : dir + sep);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error(`the TensorFlow.js WebAssembly backend failed to start from ${dir}`);
    await tf.ready();
  })();
  ready.catch(() => {
    ready = null; // let a later call try again (for instance with an explicit directory)
  });
  return ready;
}
