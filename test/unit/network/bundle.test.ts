import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { WASM_FILES } from '../../../src/core/network/backend';

const repo = resolve(__dirname, '..', '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'flab-train-bundle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Bundles a script that trains a small network, as scripts/build.mjs bundles the CLI, into `dir`. */
function bundle(dir: string): string {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `import { Training } from ${JSON.stringify(join(repo, 'src/core/network/train'))};
    import { networkSpec } from ${JSON.stringify(join(repo, 'src/core/network/spec'))};
    const x = new Float32Array(40).map((_, i) => Math.sin(i));
    const labels = Int32Array.from({ length: 10 }, (_, i) => i % 2);
    const t = new Training(networkSpec({ model: { hidden: [6] }, training: { loss: 'crossEntropy', steps: 20, learningRate: 0.5, record: { every: 5 } } }),
      { train: { count: 10, features: 4, sampleShape: [4], x, targets: { kind: 'classes', labels, classCount: 2 } } });
    t.run().then((outcome) => console.log(JSON.stringify({ outcome, loss: t.result().trainLoss, backend: t.result().summary.backend })), (e) => { console.error(String(e.message ?? e)); process.exit(3); });`);
  const out = join(dir, 'train.js');
  const r = spawnSync(join(repo, 'node_modules', '.bin', 'esbuild'), [entry, '--bundle', '--platform=node', '--format=cjs', '--target=node20', '--main-fields=module,main', `--outfile=${out}`, '--external:onnxruntime-node', '--log-level=error'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

test('a bundle finds the WebAssembly binaries in its own folder (as dist/ ships them), with no node_modules above it', () => {
  const dir = mkdtempSync(join(scratch, 'with-'));
  const script = bundle(dir);
  // scripts/build.mjs copies the binaries into dist/: take them from there.
  for (const f of WASM_FILES) copyFileSync(join(repo, 'dist', f), join(dir, f));
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: tmpdir() });
  assert.equal(r.status, 0, r.stderr);
  const { outcome, loss, backend } = JSON.parse(r.stdout);
  assert.deepEqual(outcome, { status: 'finished', step: 20 });
  // onnxruntime-node is not bundled (scripts/build.mjs) and there is no node_modules here: the fallback runs.
  assert.equal(backend, 'tfjs');
  assert.equal(loss.length, 5);
  assert.ok(loss[4] < loss[0]);
});

test('without the binaries the run fails with a message that says where it looked', () => {
  const dir = mkdtempSync(join(scratch, 'without-'));
  const script = bundle(dir);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: tmpdir() });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /the TensorFlow\.js WebAssembly binaries \(tfjs-backend-wasm-simd\.wasm, tfjs-backend-wasm\.wasm\) are neither in .*without-.* nor in node_modules\/@tensorflow\/tfjs-backend-wasm\/dist of it or any parent folder/);
});
