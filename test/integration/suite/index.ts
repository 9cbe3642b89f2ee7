// The integration suite's entry in the extension host. Two launchers load it:
// - @vscode/test-electron calls `run()` (rejects when a test fails);
// - inside code-server, src/extension/testHook.ts calls `runWithResult()` and writes the result.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  passes: number;
  failures: { title: string; message: string }[];
  pending: number;
  durationMs: number;
  /** Full titles of the passing tests, for the runner's log. */
  passed?: string[];
}

/** Runs every *.test.js beside this file with mocha (bdd) — those whose title matches FLAB_TEST_GREP when it is set — and collects the outcome. */
export function runWithResult(): Promise<SuiteResult> {
  // Generous timeouts: 2 cores, an extension host shared with the workbench's own work.
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  // FLAB_TEST_GREP: only the tests whose full title matches it (mocha reads it as a regular expression:
  // "(extension host)" matches "extension host"); the runner's environment reaches the extension host.
  if (process.env.FLAB_TEST_GREP) mocha.grep(process.env.FLAB_TEST_GREP);
  const t0 = Date.now();
  return new Promise((done) => {
    const result: SuiteResult = { passes: 0, failures: [], pending: 0, durationMs: 0, passed: [] };
    const runner = mocha.run(() => {
      result.durationMs = Date.now() - t0;
      done(result);
    });
    runner.on('pass', (test) => {
      result.passes++;
      result.passed?.push(`${test.fullTitle()} (${test.duration ?? 0} ms)`);
    });
    runner.on('pending', () => result.pending++);
    runner.on('fail', (test, err: Error) => {
      result.failures.push({ title: test.fullTitle(), message: `${err.message}\n${err.stack ?? ''}` });
    });
  });
}

/** The @vscode/test-electron entry. */
export async function run(): Promise<void> {
  const result = await runWithResult();
  console.log(`${result.passes} passed, ${result.failures.length} failed`);
  if (result.failures.length > 0 || result.passes === 0) throw new Error(`${result.failures.length} integration test(s) failed`);
}
