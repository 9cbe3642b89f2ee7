// The dynamics panel as the extension host sees it (through the extension's testing API): opened
// beside the active experiment, showing the same result as the CLI, following unsaved edits,
// reporting invalid documents with the CLI's message, one panel per file, the panels in one column.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { revert, closeAllEditors, commandId, openFixture, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function relClose(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

describe('dynamics panel (extension host)', () => {
  afterEach(closeAllEditors);

  it('opens beside the active experiment with the CLI\'s result', async () => {
    const testing = await testingApi();
    const editor = await openFixture('basic.flab.json');
    const uri = editor.document.uri.toString();
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'));
    const panel = await waitFor('a ready panel with a result', () => testing.panels().find((p) => p.documentUri === uri && p.ready && p.update));
    assert.notEqual(panel.viewColumn, editor.viewColumn, 'the panel is not beside the editor');
    const summary = JSON.parse(cli(['solve', editor.document.uri.fsPath, '--summary']).stdout) as { zetaFinal: number; lossFinal: number };
    assert.ok(panel.update);
    assert.ok(relClose(panel.update.zetaFinal ?? NaN, summary.zetaFinal, 1e-9), `ζ final: panel ${panel.update.zetaFinal}, CLI ${summary.zetaFinal}`);
    assert.ok(relClose(panel.update.lossFinal, summary.lossFinal, 1e-9), `loss final: panel ${panel.update.lossFinal}, CLI ${summary.lossFinal}`);
    assert.equal(panel.errors, undefined);
  });

  it('follows unsaved edits and reports an invalid document with the CLI\'s message', async () => {
    const testing = await testingApi();
    const editor = await openFixture('basic.flab.json');
    const doc = editor.document;
    const uri = doc.uri.toString();
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), doc.uri);
    const first = await waitFor('a first result', () => testing.panels().find((p) => p.documentUri === uri && p.update)?.update);

    // A new target: a new result, without saving.
    const yAt = doc.getText().indexOf('"y": 1.5');
    assert.ok(yAt > 0);
    const updated = testing.waitForPost(uri, (m) => m.type === 'update' && m.trajectory.summary.zetaFinal !== first.zetaFinal);
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(yAt), doc.positionAt(yAt + '"y": 1.5'.length)), '"y": -3'));
    await updated;
    assert.equal(doc.isDirty, true);

    // An invalid value: the panel keeps its last result and shows the CLI's message.
    const rateAt = doc.getText().indexOf('"u": 1,');
    assert.ok(rateAt > 0);
    const invalid = testing.waitForPost(uri, (m) => m.type === 'invalid');
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(rateAt), doc.positionAt(rateAt + '"u": 1'.length)), '"u": -1'));
    const posted = await invalid;
    assert.equal(posted.message.type, 'invalid');
    const saved = join(vscode.workspace.workspaceFolders?.[0].uri.fsPath ?? '', 'panel-invalid-copy.flab.json');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(saved), new TextEncoder().encode(doc.getText()));
    const out = cli(['solve', saved]);
    const m = /:(\d+):(\d+): error: (.*)$/m.exec(out.stderr);
    assert.ok(m, out.stderr);
    const panel = testing.panels().find((p) => p.documentUri === uri);
    assert.ok(panel?.update, 'the last good result was dropped');
    assert.deepEqual(
      panel?.errors?.map((e) => [e.message, e.line, e.column]),
      [[m[3], Number(m[1]), Number(m[2])]],
    );
    await revert(doc);
  });

  it('keeps one panel per file, several files at once', async () => {
    const testing = await testingApi();
    const a = await openFixture('basic.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), a.document.uri);
    const b = await openFixture('typo.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), b.document.uri);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), a.document.uri);
    await waitFor('two panels', () => (testing.panels().length === 2 ? true : undefined));
    const uris = testing.panels().map((p) => p.documentUri).sort();
    assert.deepEqual(uris, [a.document.uri.toString(), b.document.uri.toString()].sort());
  });

  it('opens another file\'s panel as a tab in the column of the open panel, never in a new column', async () => {
    const testing = await testingApi();
    const columnOf = (uri: vscode.Uri) => waitFor(`the panel of ${uri.path}`, () => testing.panels().find((p) => p.documentUri === uri.toString())?.viewColumn);
    const a = await openFixture('basic.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), a.document.uri);
    assert.equal(await columnOf(a.document.uri), vscode.ViewColumn.Two, 'the first panel beside the editor');
    // With the panel focused (its group active), from the explorer's menu.
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    const b = workspaceFile('typo.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), b);
    assert.equal(await columnOf(b), vscode.ViewColumn.Two, 'with the panel focused');
    // Another file opened in the panels' group, its panel opened from the palette: in the other group,
    // beside its editor (as a tab over it, the panel hid the editor).
    const c = await openFixture('invalid.flab.json', vscode.ViewColumn.Two);
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'));
    assert.equal(await columnOf(c.document.uri), vscode.ViewColumn.One, 'from an editor in the panels\' group: beside it');
    assert.equal(vscode.window.tabGroups.all.find((g) => g.viewColumn === vscode.ViewColumn.Two)?.activeTab?.label, 'invalid.flab.json', 'its editor still in front');
    assert.equal(vscode.window.tabGroups.all.length, 2, 'no third column');
  });

  it('shows an open panel beside its file\'s editor when that editor is in front in the panel\'s group, not over it', async () => {
    // All in one group: the panel, then the file's editor over it; the title button brought the panel
    // back over its own editor.
    const testing = await testingApi();
    await closeAllEditors();
    const uri = workspaceFile('basic.flab.json');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
    await waitFor('the panel', () => testing.panels().find((p) => p.documentUri === uri.toString())?.viewColumn);
    await vscode.commands.executeCommand('workbench.action.joinAllGroups');
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: false });
    assert.equal(vscode.window.tabGroups.all.length, 1, 'one group, the editor in front');
    await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), editor.document.uri);
    const column = await waitFor('the panel moved beside', () => {
      const c = testing.panels().find((p) => p.documentUri === uri.toString())?.viewColumn;
      return c !== undefined && c !== vscode.ViewColumn.One ? c : undefined;
    });
    assert.equal(column, vscode.ViewColumn.Two);
    assert.equal(vscode.window.tabGroups.all.find((g) => g.viewColumn === vscode.ViewColumn.One)?.activeTab?.label, 'basic.flab.json', 'its editor still in front');
  });
});
