// Diagnostics as the vscode API sees them: the same message as the `flab` CLI, at the exact range,
// live while typing (no save), gone once the document is fixed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { revert, closeAllEditors, ourExtension, openFixture, waitFor } from './helpers';

interface CliError {
  line: number;
  column: number;
  message: string;
}

/** Runs the real CLI (dist/cli.js of the repository under test) on a file and parses its first error. */
function cliError(file: string): CliError {
  const repo = join(__dirname, '..', '..', '..', '..');
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'solve', file], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.equal(r.status, 1, `flab solve ${file}: exit ${r.status}, stderr ${r.stderr}`);
  const m = /:(\d+):(\d+): error: (.*)$/m.exec(r.stderr);
  assert.ok(m, `unexpected CLI output: ${r.stderr}`);
  return { line: Number(m[1]), column: Number(m[2]), message: m[3] };
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  // VS Code's JSON service may report too; ours are errors whose message the CLI would print.
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

describe('diagnostics', () => {
  before(async () => {
    await ourExtension().activate();
  });
  after(closeAllEditors);

  for (const [fixture, expectedText] of [
    ['invalid.flab.json', '-1'],
    ['typo.flab.json', undefined],
  ] as const) {
    it(`${fixture}: same message and position as the CLI`, async () => {
      const editor = await openFixture(fixture);
      const cli = cliError(editor.document.uri.fsPath);
      const diag = await waitFor(`a diagnostic "${cli.message}"`, () => ours(editor.document.uri).find((d) => d.message === cli.message));
      assert.equal(diag.range.start.line, cli.line - 1, 'line');
      assert.equal(diag.range.start.character, cli.column - 1, 'column');
      assert.ok(!diag.range.isEmpty, 'empty range');
      if (expectedText !== undefined) assert.equal(editor.document.getText(diag.range), expectedText);
    });
  }

  it('follows unsaved edits: fixing the value clears the diagnostic, undo brings it back', async () => {
    const editor = await openFixture('invalid.flab.json');
    const uri = editor.document.uri;
    const cli = cliError(uri.fsPath);
    const diag = await waitFor('the diagnostic', () => ours(uri).find((d) => d.message === cli.message));
    assert.ok(await editor.edit((e) => e.replace(diag.range, '0.5')));
    await waitFor('no diagnostic after the fix', () => (ours(uri).length === 0 ? true : undefined));
    assert.equal(editor.document.isDirty, true);
    await vscode.commands.executeCommand('undo');
    await waitFor('the diagnostic again after undo', () => ours(uri).find((d) => d.message === cli.message));
    await revert(editor.document);
  });
});
