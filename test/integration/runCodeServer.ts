// `npm run test:vscode`: the integration suite inside code-server (VS Code 1.100.3), no download.
// 1. host: code-server with FLAB_TEST_SUITE/FLAB_TEST_RESULT in its environment; the extension
//    (src/extension/testHook.ts) runs suite/*.test.js with mocha in its extension host and writes
//    the result, while a browser keeps the window (and so the extension host) alive.
// 2. ui: mocha here runs ui/*.test.js, which drive the workbench with Playwright as a user would.
// Closes with the plain line `N passed, N failed`.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { ensureCodeServer, extensionId, findRepoRoot, freePort, installExtensionFolder, prepareRunDir, startCodeServer } from './harness/codeServer';
import { launchBrowser, Workbench } from './harness/workbench';
import { PORTS, SCREENSHOTS, tmpRoot } from './harness/paths';

interface SuiteResult {
  passes: number;
  failures: { title: string; message: string }[];
  pending: number;
  durationMs: number;
  passed?: string[];
}

const repo = findRepoRoot(__dirname);

function header(title: string): void {
  console.log(`\n=== ${title} ===`);
}

async function waitForFile(path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return existsSync(path);
}

/** Phase 1: the mocha suite inside the extension host of a code-server window. */
async function runHostSuite(entry: string): Promise<SuiteResult> {
  const run = join(tmpRoot(repo), 'host');
  const dir = prepareRunDir(run);
  installExtensionFolder(repo, dir.extensions);
  const workspace = join(run, 'workspace');
  cpSync(join(repo, 'test', 'integration', 'fixtures'), workspace, { recursive: true });
  const resultFile = join(run, 'result.json');
  const suite = join(repo, 'out', 'test', 'integration', 'suite', 'index.js');
  if (!existsSync(suite)) throw new Error(`${suite} is missing: run \`npm run build\` first`);
  const port = await freePort(PORTS.from, PORTS.to);
  const server = await startCodeServer({ entry, dir, port, env: { FLAB_TEST_SUITE: suite, FLAB_TEST_RESULT: resultFile } });
  const context = await launchBrowser(join(run, 'profile'));
  try {
    const { wb, readyMs } = await Workbench.open(context, server.url, workspace, SCREENSHOTS(repo));
    console.log(`code-server listening after ${server.startMs} ms, workbench ready after ${readyMs} ms`);
    // The suite starts once the extension activates. When nothing activated it at start-up,
    // open an experiment as a user would (activation on opening such a file).
    if (!(await waitForFile(`${resultFile}.started`, 8000))) {
      console.log('extension not active yet: opening basic.flab.json to activate it');
      await wb.openFile('basic.flab.json');
    }
    if (!(await waitForFile(`${resultFile}.started`, 60_000))) {
      await wb.screenshot('host-not-started');
      throw new Error(`the extension never started the suite (not activated?); code-server log ${server.logFile}, extension host logs under ${dir.userData}/logs`);
    }
    if (!(await waitForFile(resultFile, 10 * 60_000))) throw new Error('the in-host suite did not finish within 10 minutes');
    await wb.screenshot('host-suite-end');
    return JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult;
  } finally {
    await context.close();
    await server.stop();
  }
}

/** Phase 2: mocha here, Playwright driving code-server (each ui test file starts its own server). */
function runUiSuite(): Promise<SuiteResult> {
  const dir = join(__dirname, 'ui');
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  // FLAB_TEST_GREP: run only the ui tests whose full title contains it (e.g. one describe, to repeat it).
  if (process.env.FLAB_TEST_GREP) mocha.grep(process.env.FLAB_TEST_GREP);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort() : [];
  for (const f of files) mocha.addFile(join(dir, f));
  const t0 = Date.now();
  return new Promise((done) => {
    const result: SuiteResult = { passes: 0, failures: [], pending: 0, durationMs: 0 };
    const runner = mocha.run(() => {
      result.durationMs = Date.now() - t0;
      done(result);
    });
    runner.on('pass', () => result.passes++);
    runner.on('pending', () => result.pending++);
    runner.on('fail', (test, err: Error) => result.failures.push({ title: test.fullTitle(), message: err.message }));
  });
}

async function main(): Promise<void> {
  const only = process.argv[2]; // 'host' or 'ui' to run one phase
  const t0 = Date.now();
  header('code-server');
  const entry = ensureCodeServer(repo);
  console.log(`extension ${extensionId(repo).id}, code-server ${entry}`);
  rmSync(SCREENSHOTS(repo), { recursive: true, force: true });
  mkdirSync(SCREENSHOTS(repo), { recursive: true });

  const results: { name: string; r: SuiteResult }[] = [];
  if (only !== 'ui') {
    header('integration suite in the extension host (mocha + vscode API)');
    let r: SuiteResult;
    try {
      r = await runHostSuite(entry);
    } catch (e) {
      r = { passes: 0, failures: [{ title: 'host suite', message: e instanceof Error ? e.message : String(e) }], pending: 0, durationMs: 0 };
    }
    for (const t of r.passed ?? []) console.log(`  ✓ ${t}`);
    console.log(`host: ${r.passes} passed, ${r.failures.length} failed (${r.durationMs} ms)`);
    for (const f of r.failures) console.log(`  ✗ ${f.title}\n    ${f.message.split('\n').join('\n    ')}`);
    results.push({ name: 'host', r });
  }
  if (only !== 'host') {
    header('user-level tests in code-server (Playwright + Chromium)');
    const r = await runUiSuite();
    results.push({ name: 'ui', r });
  }

  const passes = results.reduce((s, x) => s + x.r.passes, 0);
  const failures = results.reduce((s, x) => s + x.r.failures.length, 0);
  header(`test:vscode done in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SCREENSHOTS(repo)}`);
  for (const { name, r } of results) console.log(`${name}: ${r.passes} passed, ${r.failures.length} failed`);
  console.log(`${passes} passed, ${failures} failed`);
  process.exitCode = failures > 0 || passes === 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
