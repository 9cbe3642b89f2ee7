// Test-only entry: when FLAB_TEST_SUITE names a compiled mocha suite (see test/integration/suite/
// index.ts), the extension runs it in its own extension host after activating and writes the
// result to FLAB_TEST_RESULT. This is how `npm run test:vscode` runs the integration suite inside
// code-server, where @vscode/test-electron cannot download VS Code. Inert otherwise.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as vscode from 'vscode';

/** What the suite reports; written as JSON to FLAB_TEST_RESULT. */
export interface SuiteResult {
  passes: number;
  failures: { title: string; message: string }[];
  pending: number;
  durationMs: number;
}

interface SuiteModule {
  runWithResult?: () => Promise<SuiteResult>;
}

let started = false;

/**
 * Whether the integration suite runs in this extension host (FLAB_TEST_SUITE in code-server,
 * FLAB_TEST_MODE=1 under @vscode/test-electron): only then may a command argument choose where an
 * export is written (see commands/context.ts). The environment is fixed when the host starts:
 * nothing running in it can turn this on.
 */
export function inTestMode(): boolean {
  return Boolean(process.env.FLAB_TEST_SUITE) || process.env.FLAB_TEST_MODE === '1';
}

/** Runs the suite named by FLAB_TEST_SUITE once per extension host, after activation returns. */
export function maybeRunTestSuite(_context: vscode.ExtensionContext): void {
  const suitePath = process.env.FLAB_TEST_SUITE;
  const resultPath = process.env.FLAB_TEST_RESULT;
  if (!suitePath || !resultPath || started) return;
  started = true;
  // Let activate() finish first: the suite checks the activated extension.
  setTimeout(() => {
    void runSuite(suitePath, resultPath);
  }, 0);
}

async function runSuite(suitePath: string, resultPath: string): Promise<void> {
  const t0 = Date.now();
  // Tells the runner the suite has begun, so it stops driving the window.
  fs.writeFileSync(`${resultPath}.started`, String(t0));
  let result: SuiteResult;
  try {
    // A path known only at run time: Node's own require, not the bundler's.
    const suite = createRequire(__filename)(suitePath) as SuiteModule;
    if (typeof suite.runWithResult !== 'function') throw new Error(`${suitePath} exports no runWithResult()`);
    result = await suite.runWithResult();
  } catch (e) {
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    result = { passes: 0, failures: [{ title: 'loading the integration suite', message }], pending: 0, durationMs: Date.now() - t0 };
  }
  // Written to a temporary name and renamed, so the runner never reads half a file.
  fs.writeFileSync(`${resultPath}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${resultPath}.tmp`, resultPath);
}
