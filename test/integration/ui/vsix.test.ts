// The packaged extension: `npm run package` builds a .vsix that `code-server --install-extension`
// installs and that works (the command opens a panel with charts). Packaging runs in a scratch copy
// of the sources, so its production build never replaces the shared dist/ of the checkout.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { extensionId, findRepoRoot } from '../harness/codeServer';
import { tmpRoot } from '../harness/paths';
import { openPanel, openSession, Session } from '../harness/session';

const repo = findRepoRoot(__dirname);
// Never copied into the packaging scratch folder: build outputs, dependencies, scratch, git.
const SKIP = new Set(['node_modules', 'dist', 'out', '.tmp', '.git', 'test-results', '.vscode-test']);

/** Runs `npm run package` in a copy of the working tree; returns the .vsix path. */
export function packageVsix(): string {
  const stage = join(tmpRoot(repo), 'package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const name of readdirSync(repo)) {
    if (SKIP.has(name) || name.endsWith('.vsix')) continue;
    cpSync(join(repo, name), join(stage, name), { recursive: true });
  }
  symlinkSync(join(repo, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const vsix = join(stage, 'extension.vsix');
  const r = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: stage, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  return vsix;
}

describe('the .vsix from npm run package', function () {
  let s: Session | undefined;
  let vsix = '';

  before(async function () {
    this.timeout(400_000);
    vsix = packageVsix();
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  it('is small and holds only what the extension needs', () => {
    const bytes = statSync(vsix).size;
    // The bundles (minified) with TensorFlow.js and its two WebAssembly back ends (~0.7 MiB of the
    // whole), the MNIST subset in media/ and the examples: about 2.4 MiB; and this platform's
    // onnxruntime-node binary (linux-x64: 45 MB, about 17 MiB compressed). Past 25 MiB, something
    // that does not belong is in.
    console.log(`      .vsix size: ${(bytes / 1024).toFixed(1)} KiB`);
    assert.ok(bytes < 25 * 1024 * 1024, `.vsix is ${bytes} bytes`);
    const listing = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
    assert.equal(listing.status, 0, `unzip -Z1: ${listing.stderr}`);
    const files = listing.stdout.split('\n').filter(Boolean);
    console.log(`      .vsix holds: ${files.join(', ')}`);
    // node_modules holds onnxruntime-node's JavaScript and this platform's binary only (scripts/package.mjs).
    const native = `extension/node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/`;
    const bad = files.filter((f) => /\.map$|^extension\/(src|test|webview|scripts|out)\/|\.ts$/.test(f) || (f.includes('node_modules/') && !/^extension\/node_modules\/onnxruntime-(node|common)\//.test(f)) || (f.includes('/bin/napi-v6/') && !f.startsWith(native)));
    assert.deepEqual(bad, [], 'unwanted files in the .vsix');
    assert.ok(files.includes(`${native}onnxruntime_binding.node`), `no ${native}onnxruntime_binding.node`);
    assert.ok(files.includes('extension/node_modules/onnxruntime-common/dist/cjs/index.js'), 'no onnxruntime-common');
    // Every bundle the build made (but the `flab` CLI's two) is in, so whatever the extension loads is there.
    const bundles = readdirSync(join(tmpRoot(repo), 'package', 'dist')).filter((f) => /\.(js|css)$/.test(f) && f !== 'cli.js' && f !== 'cliNetwork.js');
    assert.ok(bundles.includes('extension.js'), `no extension.js among ${bundles.join(', ')}`);
    for (const b of bundles) assert.ok(files.includes(`extension/dist/${b}`), `dist/${b} is missing from the .vsix`);
  });

  it('installs with code-server --install-extension and opens the panel', async function () {
    this.timeout(240_000);
    s = await openSession({ repo, name: 'vsix', folder: join(repo, 'test', 'integration', 'fixtures'), vsix });
    const ext = extensionId(repo);
    assert.ok(existsSync(join(s.dir.extensions, `${ext.id}-${ext.version}`, 'dist', 'extension.js')), 'not installed where expected');
    await openPanel(s.wb, 'basic.flab.json');
    const zeta = Number(await s.wb.readSummary('zeta-final'));
    assert.ok(Number.isFinite(zeta), 'no zeta-final in the panel');
    await s.wb.screenshot('8-vsix-panel');
  });
});
