// One build script for every bundle: the extension host (Node), its solver and phase workers, the
// `flab` command line, the two webviews (browser) and the test bundles. Type checking is `tsc --noEmit`.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every `*.ts` file under `dir` whose name matches `pattern`. */
function findFiles(dir, pattern) {
  let found = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return found; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found = found.concat(findFiles(full, pattern));
    else if (pattern.test(name)) found.push(full);
  }
  return found;
}

// jsonc-parser's UMD build hides its modules from bundlers: prefer the ESM build (`module`).
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'es2022', mainFields: ['module', 'main'] };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/extension/solverWorker.ts'], outfile: 'dist/solverWorker.js' },
  { ...node, entryPoints: ['src/extension/phaseWorker.ts'], outfile: 'dist/phaseWorker.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The alias swaps one CSP-unsafe probe of the webview toolkit's FAST utilities (webview/shims/).
  { ...common, platform: 'browser', format: 'iife', entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist', loader: { '.css': 'css' }, alias: { '@microsoft/fast-web-utilities': './webview/shims/fastWebUtilities.ts' } },
  // The phase diagram's webview (no toolkit: plain DOM and a canvas).
  { ...common, platform: 'browser', format: 'iife', entryPoints: { phase: 'webview/phase/main.ts' }, outdir: 'dist', loader: { '.css': 'css' } },
  // Tests: each unit test file is its own bundle, run by `node --test`.
  { ...node, entryPoints: findFiles('test/unit', /\.test\.ts$/), outdir: 'out/test/unit', sourcemap: true },
  { ...node, entryPoints: findFiles('test/integration', /\.ts$/), outdir: 'out/test/integration', external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'], sourcemap: true },
  { ...node, entryPoints: findFiles('test/webview', /\.ts$/), outdir: 'out/test/webview', external: ['playwright-core'], sourcemap: true },
];

// The trainer's TensorFlow.js backend loads its WebAssembly binaries from the bundle's folder at run
// time (src/core/network/backend.ts): with SIMD, and the plain build for hosts without SIMD.
const wasmDir = join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
mkdirSync('dist', { recursive: true });
for (const file of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm']) copyFileSync(join(wasmDir, file), join('dist', file));

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
