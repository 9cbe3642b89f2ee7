// One build script for every bundle: the extension host (Node), its workers, the `flab` command
// line, the webviews (browser) and the test bundles. Type checking is `tsc --noEmit`.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { embedMnist } from './embedMnist.mjs';

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
// onnxruntime-node carries a native binary per platform: it is loaded from node_modules at run time
// (src/core/network/onnx/onnxSteps.ts), never bundled.
const native = ['onnxruntime-node'];
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: native };

/** Bundles src/cli/network/deferred.ts wherever src/cli/network/index.ts is imported (dist/cli.js). */
const networkModule = resolve('src/cli/network');
const deferNetwork = {
  name: 'defer-network',
  setup(build) {
    build.onResolve({ filter: /network$/ }, (args) => {
      const target = resolve(dirname(args.importer), args.path);
      return target === networkModule ? { path: join(networkModule, 'deferred.ts') } : undefined;
    });
  },
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...native, 'vscode'] },
  // One bundle per worker thread (src/workers/*Worker.ts → dist/*Worker.js).
  ...findFiles('src/workers', /Worker\.ts$/).map((entry) => ({ ...node, entryPoints: [entry], outdir: 'dist' })),
  // The `flab` command line in two: dist/cli.js without the network code (src/cli/network/index.ts,
  // swapped for deferred.ts, which runs a command that trains or reads checkpoints again with the
  // second bundle), so the linear model's commands never parse TensorFlow.js; dist/cliNetwork.js, the
  // whole command line (run.ts's runCli), loaded by dist/cli.js only for those commands.
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [deferNetwork] },
  { ...node, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cliNetwork.js' },
  // The alias swaps one CSP-unsafe probe of the webview toolkit's FAST utilities (webview/shims/).
  // One bundle per panel kind (webview/<kind>/main.ts → dist/<kind>.js and .css).
  { ...common, platform: 'browser', format: 'iife', entryPoints: { dynamics: 'webview/dynamics/main.ts', phase: 'webview/phase/main.ts', training: 'webview/training/main.ts' }, outdir: 'dist', loader: { '.css': 'css' }, alias: { '@microsoft/fast-web-utilities': './webview/shims/fastWebUtilities.ts' } },
  // Tests: each unit test file is its own bundle, run by `node --test`.
  // ESLint runs as itself in the lint test (it loads its config and plugins from disk).
  { ...node, entryPoints: findFiles('test/unit', /\.test\.ts$/), outdir: 'out/test/unit', sourcemap: true, external: [...native, 'eslint'] },
  { ...node, entryPoints: findFiles('test/integration', /\.ts$/), outdir: 'out/test/integration', external: [...native, 'vscode', 'mocha', 'playwright-core', '@vscode/test-electron'], sourcemap: true },
  { ...node, entryPoints: findFiles('test/webview', /\.ts$/), outdir: 'out/test/webview', external: [...native, 'playwright-core'], sourcemap: true },
];

// The embedded MNIST digits (media/mnist/, generated from the mnist package; does nothing when current).
embedMnist();

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
