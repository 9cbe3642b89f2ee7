// What a panel does over its file's life and what it hands out: Export Data (CSV with its parameters
// in # lines, JSON as the CLI prints it), Export Chart (SVG, and PNG at a scale, drawn from the real
// webview's charts), following a rename, closing when the file is deleted. Each test works on its own copy of a fixture.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, commandId, openFixture, testingApi, waitFor, workspaceFile } from './helpers';

const repo = join(__dirname, '..', '..', '..', '..');

/** `flab solve --json`'s object: equal-length columns and `summary`. */
type CliJson = Record<string, unknown> & { t: number[]; loss: number[]; summary: Record<string, unknown> & { zetaFinal: number } };

async function copyOf(fixture: string, name: string): Promise<vscode.Uri> {
  const target = workspaceFile(name);
  await vscode.workspace.fs.copy(workspaceFile(fixture), target, { overwrite: true });
  return target;
}

async function openWithPanel(uri: vscode.Uri): Promise<void> {
  const testing = await testingApi();
  await openFixture(uri.path.slice(uri.path.lastIndexOf('/') + 1));
  await vscode.commands.executeCommand(commandId('Open Dynamics Panel'), uri);
  // Up to a minute: in code-server a webview restored beside others may need the load watchdog's reloads (4, 8, 16, 32 s).
  await waitFor('a ready panel with a result', () => testing.panels().find((p) => p.documentUri === uri.toString() && p.ready && p.update), 60_000);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

describe('panel life cycle and exports', () => {
  afterEach(closeAllEditors);

  it('exports the data as CSV and as JSON with the CLI\'s columns and summary', async () => {
    const uri = await copyOf('basic.flab.json', 'export.flab.json');
    await openWithPanel(uri);
    const csv = workspaceFile('export.csv');
    const json = workspaceFile('export.json');
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'csv', target: csv, documentUri: uri });
    await vscode.commands.executeCommand(commandId('Export Data'), { format: 'json', target: json, documentUri: uri });
    const all = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv)).trim().split(/\r?\n/);
    // The commented header first: what the run is, its parameters, its label.
    const comments = all.filter((l) => l.startsWith('#'));
    assert.deepEqual(all.slice(0, comments.length), comments, 'the comments come first');
    assert.equal(comments[0], '# Feature Learning Lab: fixture: basic');
    for (const want of ['#   model.width (d) = 50', '#   data.x (x) = [1, 0]', '#   data.y (y) = 1.5', '#   learningRates.u (η_u) = 1']) assert.ok(comments.includes(want), `"${want}" in ${comments.join(' | ')}`);
    const lines = all.slice(comments.length);
    const header = lines[0].split(',');
    for (const col of ['t', 'loss', 'zeta']) assert.ok(header.includes(col), `CSV header ${lines[0]}`);
    assert.ok(lines.length > 10, `only ${lines.length} CSV lines`);
    // The object `flab solve --json` prints, at the top level, plus only the panel's context under `panel`.
    const { panel, ...exported } = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as CliJson & { panel?: unknown };
    assert.ok(panel && typeof panel === 'object' && 'documentUri' in panel, 'no `panel` context');
    const cliRun = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'solve', uri.fsPath, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(cliRun.status, 0, cliRun.stderr);
    const cli = JSON.parse(cliRun.stdout) as CliJson;
    assert.deepEqual(Object.keys(exported), Object.keys(cli), 'top-level keys differ from flab solve --json');
    assert.deepEqual(Object.keys(exported.summary).sort(), Object.keys(cli.summary).sort(), 'summary keys differ from the CLI\'s');
    assert.ok(Math.abs(exported.summary.zetaFinal - cli.summary.zetaFinal) <= 1e-9 * Math.abs(cli.summary.zetaFinal), `${exported.summary.zetaFinal} vs CLI ${cli.summary.zetaFinal}`);
    for (const [key, column] of Object.entries(exported)) {
      if (key !== 'summary') assert.ok(Array.isArray(column) && column.length === exported.t.length, `column ${key} is not an array of ${exported.t.length}`);
    }
    // The panel may thin long runs; every exported point is the CLI's point at the same time.
    for (let k = 0; k < exported.t.length; k++) {
      const i = cli.t.indexOf(exported.t[k]);
      assert.ok(i >= 0, `t = ${exported.t[k]} is not one of the CLI's times`);
      assert.ok(Math.abs(exported.loss[k] - cli.loss[i]) <= 1e-9 * Math.abs(cli.loss[i]), `loss at t = ${exported.t[k]}: ${exported.loss[k]} vs CLI ${cli.loss[i]}`);
    }
    assert.equal(exported.t.length, lines.length - 1, 'JSON and CSV disagree on the number of points');
  });

  it('exports the charts as a PNG at 1× and 3× and as an SVG, on a light page, with the title, label and parameters', async () => {
    const uri = await copyOf('basic.flab.json', 'chart.flab.json');
    await openWithPanel(uri);
    const svg = workspaceFile('chart.svg');
    await vscode.commands.executeCommand(commandId('Export Chart'), { format: 'svg', background: 'light', target: svg, documentUri: uri });
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(svg));
    const size = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(text);
    assert.ok(size, text.slice(0, 200));
    for (const want of ['fixture: basic', 'Label: ', 'd = 50', 'η_u = 1', 'Loss L(t) (log scale)', 'fill="#ffffff"']) assert.ok(text.includes(want), `the SVG has ${want}`);
    for (const scale of [1, 3]) {
      const png = workspaceFile(`chart-${scale}x.png`);
      await vscode.commands.executeCommand(commandId('Export Chart'), { format: 'png', scale, background: 'light', target: png, documentUri: uri });
      const bytes = await vscode.workspace.fs.readFile(png);
      assert.deepEqual([...bytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      assert.equal(view.getUint32(16), scale * Number(size[1]), `${scale}× the figure's width`);
      assert.equal(view.getUint32(20), scale * Number(size[2]), `${scale}× its height`);
    }
  });

  it('follows its file when it is renamed', async () => {
    const testing = await testingApi();
    const uri = await copyOf('basic.flab.json', 'before-rename.flab.json');
    await openWithPanel(uri);
    const renamed = workspaceFile('after-rename.flab.json');
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(uri, renamed, { overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the panel on the new name', () => testing.panels().find((p) => p.documentUri === renamed.toString()));
    assert.equal(testing.panels().find((p) => p.documentUri === uri.toString()), undefined);
  });

  it('closes when its file is deleted', async () => {
    const testing = await testingApi();
    const uri = await copyOf('basic.flab.json', 'to-delete.flab.json');
    await openWithPanel(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(uri);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await exists(uri), false);
    await waitFor('the panel closed', () => (testing.panels().some((p) => p.documentUri === uri.toString()) ? undefined : true));
  });
});
