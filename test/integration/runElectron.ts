// `npm run test:electron`: the same integration suite (suite/*.test.ts) in a desktop VS Code that
// @vscode/test-electron downloads. Where it cannot be downloaded (no network but the package
// registries, as on the project's own machines) it fails with one clear paragraph.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { findRepoRoot } from './harness/codeServer';

const VSCODE_VERSION = process.env.FLAB_VSCODE_VERSION || 'stable';

async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode(VSCODE_VERSION);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    console.error(
      `test:electron: VS Code (${VSCODE_VERSION}) could not be downloaded by @vscode/test-electron (${reason.split('\n')[0]}). ` +
        'This machine cannot reach the VS Code download servers, so the desktop run is impossible here. ' +
        'Run `npm run test:vscode` instead: it runs the same integration suite (test/integration/suite) ' +
        'inside code-server, a VS Code 1.100.3 installed from the npm registry, and drives its UI with Playwright.',
    );
    process.exitCode = 1;
    return;
  }
  // The tests edit and save files: give them a copy of the fixtures.
  const workspace = mkdtempSync(join(tmpdir(), 'flab-electron-'));
  cpSync(join(repo, 'test', 'integration', 'fixtures'), workspace, { recursive: true });
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'out', 'test', 'integration', 'suite', 'index.js'),
    // Lets the export commands take a target path from the suite (src/extension/testHook.ts).
    extensionTestsEnv: { FLAB_TEST_MODE: '1' },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  }).catch((e: unknown) => {
    console.error(`test:electron: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  });
  process.exitCode = code;
}

void main();
